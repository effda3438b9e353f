#!/usr/bin/env node
// A stand-in for Spindle's admin API, for developing and testing the status page without the JVM service.
// Node's built-in modules only. It serves the status page's files like the real server (GET / and GET /ui/<file>)
// and simulates a running crawl ("demo") whose counts rise, plus a finished one ("quickstart").
//
//   node fake-api.mjs [PORT] [--token TOKEN] [--max-pages N] [--ui DIR]
//
// PORT 0 (the default) takes any free port. The first line printed is
//   fake-api: listening on http://127.0.0.1:PORT/
// --token: POST and PATCH need "Authorization: Bearer TOKEN" (401 with WWW-Authenticate: Bearer otherwise).
// --max-pages: the demo crawl finishes after this many URLs (default 200000, i.e. it keeps running for hours).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { port: 0, token: null, maxPages: 200000,
    ui: path.resolve(here, '../../main/resources/spindle/admin/ui') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--token') options.token = value();
    else if (arg === '--max-pages') options.maxPages = Number(value());
    else if (arg === '--ui') options.ui = path.resolve(value());
    else if (/^\d+$/.test(arg)) options.port = Number(arg);
    else usage(`unknown argument ${arg}`);
  }
  if (!(options.port >= 0 && options.port < 65536)) usage('PORT must be 0..65535');
  if (!(options.maxPages > 0)) usage('--max-pages must be a positive number');
  return options;
}

function usage(message) {
  console.error(`fake-api: ${message}\nusage: node fake-api.mjs [PORT] [--token TOKEN] [--max-pages N] [--ui DIR]`);
  process.exit(2);
}

// ---- simulation -----------------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so runs look alike. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const ENDED = new Set(['finished', 'stopped', 'failed']);
const SERIES_SECONDS = 900;

class SimHost {
  constructor(name, delayMs, rnd) {
    this.name = name;
    this.delayMs = delayMs;
    this.queued = 0;          // waiting, in flight included
    this.fetched = 0;
    this.errors = 0;
    this.credit = rnd();      // fraction of the delay already waited
    this.inFlight = 0;
    this.leaseStart = null;
    this.leaseUrl = null;
    this.paused = false;
    this.blocked = false;
    this.lastStatus = null;
    this.backoffUntil = null;
    this.robots = 'not-loaded';
    this.robotsRetryAt = null;
    this.nextFetchAt = null;
    this.pageCounter = 0;
  }
}

class SimJob {
  constructor({ id, name, hosts, maxPages, seed, startMs, delays }) {
    this.id = id;
    this.name = name;
    this.rnd = random(seed);
    this.maxPages = maxPages;
    this.state = 'running';
    this.startedMs = startMs;
    this.endedMs = null;
    this.stoppingSince = null;
    this.error = null;
    this.discovered = 0;
    this.samples = [];          // {t, done, failed, queued, in_flight}
    this.lastSampleSecond = Math.floor(startMs / 1000);
    this.hosts = hosts.map((hostName, i) => new SimHost(hostName, delays(i, this.rnd), this.rnd));
    // Skewed weights: the first hosts get most links, so the top of the hosts table is stable but not static.
    this.weights = this.hosts.map((_, i) => 1 / (i + 1));
    this.weightSum = this.weights.reduce((a, b) => a + b, 0);
    for (const host of this.hosts) { this.discover(host); this.discover(host); }   // the seeds
    this.hosts.forEach((host, i) => {
      // One host waits for a robots.txt retry for the first half minute, as a real 5xx robots.txt would.
      if (i === 5 % this.hosts.length && this.hosts.length > 5) {
        host.robots = 'waiting-retry';
        host.robotsRetryAt = startMs + 30000;
        host.lastStatus = 503;
      }
    });
  }

  pickHost() {
    let r = this.rnd() * this.weightSum;
    for (let i = 0; i < this.hosts.length; i++) {
      r -= this.weights[i];
      if (r <= 0) return this.hosts[i];
    }
    return this.hosts[this.hosts.length - 1];
  }

  discover(host) {
    if (this.discovered >= this.maxPages) return;
    this.discovered++;
    host.queued++;
  }

  get done() {
    return this.hosts.reduce((sum, h) => sum + h.fetched + h.errors, 0);
  }

  counts() {
    let queued = 0;
    let inFlight = 0;
    let fetched = 0;
    let failed = 0;
    for (const h of this.hosts) {
      queued += h.queued - h.inFlight;
      inFlight += h.inFlight;
      fetched += h.fetched;
      failed += h.errors;
    }
    return { discovered: this.discovered, queued, in_flight: inFlight, fetched, failed };
  }

  /** Pages per second over the last minute of samples (or since the start, when younger). */
  rate(nowMs) {
    if (ENDED.has(this.state) || this.samples.length < 2) return 0;
    const last = this.samples[this.samples.length - 1];
    let first = this.samples[0];
    for (let i = this.samples.length - 1; i >= 0; i--) {
      if (nowMs - this.samples[i].t > 60000) break;
      first = this.samples[i];
    }
    const seconds = (last.t - first.t) / 1000;
    return seconds > 0 ? (last.done - first.done) / seconds : 0;
  }

  /** Advances the crawl by dtMs of (possibly virtual) time ending at nowMs. */
  step(nowMs, dtMs) {
    if (this.state === 'stopping' && nowMs - this.stoppingSince > 1500) {
      for (const h of this.hosts) { h.inFlight = 0; h.leaseStart = null; }
      this.state = 'stopped';
      this.endedMs = nowMs;
    }
    const fetching = this.state === 'running';
    for (const h of this.hosts) {
      if (h.robots === 'waiting-retry' && nowMs >= h.robotsRetryAt) {
        h.robots = 'ready';
        h.robotsRetryAt = null;
      }
      if (h.robots === 'not-loaded' && h.queued > 0) h.robots = 'ready';
      if (h.backoffUntil !== null && nowMs >= h.backoffUntil) h.backoffUntil = null;
      const canFetch = fetching && h.queued > 0 && !h.paused && !h.blocked && h.backoffUntil === null
        && h.robots === 'ready';
      if (!canFetch) {
        if (this.state !== 'stopping') { h.inFlight = 0; h.leaseStart = null; }
        h.nextFetchAt = null;
        continue;
      }
      h.credit += dtMs / h.delayMs;
      while (h.credit >= 1 && h.queued > 0 && h.backoffUntil === null) {
        h.credit -= 1;
        this.fetchOne(h, nowMs);
      }
      // The request for the next page is in flight during the second half of the delay.
      const busy = h.queued > 0 && h.credit > 0.5;
      if (busy && !h.inFlight) {
        h.leaseStart = nowMs;
        h.pageCounter++;
        h.leaseUrl = `http://${h.name}/page/${h.pageCounter}`;
      }
      h.inFlight = busy ? 1 : 0;
      h.nextFetchAt = busy || h.queued === 0 ? null : nowMs + (0.5 - h.credit) * h.delayMs;
    }
    if (this.state === 'running' && this.discovered > 0 && this.hosts.every((h) => h.queued === 0)) {
      this.state = 'finished';
      this.endedMs = nowMs;
    }
    const second = Math.floor(nowMs / 1000);
    if (second > this.lastSampleSecond && !ENDED.has(this.state)) {
      this.lastSampleSecond = second;
      const c = this.counts();
      this.samples.push({ t: second * 1000, done: c.fetched + c.failed, failed: c.failed, queued: c.queued,
        in_flight: c.in_flight });
      while (this.samples.length > SERIES_SECONDS + 60) this.samples.shift();
    }
  }

  fetchOne(h, nowMs) {
    h.queued--;
    const r = this.rnd();
    if (r < 0.004) {
      h.errors++;
      h.lastStatus = 503;
      h.backoffUntil = nowMs + 5000 + this.rnd() * 10000;
      return;
    }
    if (r < 0.04) {
      h.errors++;
      h.lastStatus = r < 0.025 ? 404 : 500;
      return;
    }
    h.fetched++;
    h.lastStatus = 200;
    // Fewer new links as the crawl nears its page limit.
    const links = Math.round(this.rnd() * 2.6 * Math.max(0, 1 - this.discovered / this.maxPages));
    for (let i = 0; i < links; i++) this.discover(this.pickHost());
  }

  pause() { this.state = 'paused'; }
  resume() { this.state = 'running'; }
  stop(nowMs) {
    this.state = 'stopping';
    this.stoppingSince = nowMs;
  }

  jobJson(nowMs) {
    const counts = this.counts();
    const rate = this.rate(nowMs);
    const eta = this.state === 'running' && rate > 0.01 ? Math.round(counts.queued / rate) : null;
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      started: iso(this.startedMs),
      ended: iso(this.endedMs),
      counts,
      pages_per_second: Math.round(rate * 100) / 100,
      eta_seconds: eta,
      output: `out/${this.name}.jsonl`,
      store: `data/${this.name}`,
      error: this.error,
    };
  }

  hostJson(h, nowMs) {
    return {
      host: h.name,
      queued: h.queued - h.inFlight,
      in_flight: h.inFlight,
      fetched: h.fetched,
      errors: h.errors,
      robots: h.robots,
      effective_delay_ms: h.delayMs,
      next_fetch_at: iso(h.nextFetchAt),
      backoff_until: iso(h.backoffUntil),
      robots_retry_at: iso(h.robotsRetryAt),
      last_status: h.lastStatus,
      paused: h.paused,
      blocked: h.blocked,
      concurrency: 1,
      active: h.queued > 0 || h.inFlight > 0,
      leases: h.inFlight ? [{ url: h.leaseUrl, age_ms: Math.max(0, nowMs - h.leaseStart) }] : [],
    };
  }

  seriesJson(nowMs) {
    const from = nowMs - SERIES_SECONDS * 1000;
    const samples = [];
    for (let i = 0; i < this.samples.length; i++) {
      const s = this.samples[i];
      if (s.t < from && !ENDED.has(this.state)) continue;
      // pages/s over the minute before each sample, as the jobs list reports it
      let j = i;
      while (j > 0 && s.t - this.samples[j - 1].t <= 60000) j--;
      const span = (s.t - this.samples[j].t) / 1000;
      const rate = span > 0 ? (s.done - this.samples[j].done) / span : 0;
      // errors/s since the previous sample, as the real server computes them
      const before = i > 0 ? this.samples[i - 1] : null;
      const gap = before ? (s.t - before.t) / 1000 : 0;
      const errors = gap > 0 ? Math.max(0, s.failed - before.failed) / gap : 0;
      samples.push({ t: iso(s.t), done: s.done, failed: s.failed, queued: s.queued, in_flight: s.in_flight,
        pages_per_second: Math.round(rate * 100) / 100, errors_per_second: Math.round(errors * 100) / 100 });
    }
    return { interval_seconds: 1, samples: samples.slice(-SERIES_SECONDS) };
  }

  whyJson(nowMs) {
    const waits = (list) => list.sort((a, b) => (a.wait_ms ?? Infinity) - (b.wait_ms ?? Infinity));
    const wait = (h, reason, until) => ({ host: h.name, reason, until: iso(until),
      wait_ms: until === null ? null : Math.max(0, Math.round(until - nowMs)) });
    const withWork = this.hosts.filter((h) => h.queued > 0);
    const politeness = waits(withWork.filter((h) => h.nextFetchAt > nowMs && !h.paused && !h.blocked)
      .map((h) => wait(h, 'crawl delay', h.nextFetchAt)));
    const backoff = waits(withWork.filter((h) => h.backoffUntil !== null)
      .map((h) => wait(h, `HTTP ${h.lastStatus}`, h.backoffUntil)));
    const robots = waits(withWork.filter((h) => h.robots !== 'ready')
      .map((h) => wait(h, h.robots === 'waiting-retry' ? 'robots.txt unavailable (5xx)' : `robots.txt ${h.robots}`,
        h.robotsRetryAt)));
    const pausedHosts = this.hosts.filter((h) => h.paused).map((h) => h.name);
    const inFlight = this.hosts.filter((h) => h.inFlight)
      .map((h) => ({ host: h.name, url: h.leaseUrl, age_ms: Math.max(0, nowMs - h.leaseStart) }))
      .sort((a, b) => b.age_ms - a.age_ms);
    const counts = this.counts();
    const ready = withWork.filter((h) => !h.paused && !h.blocked && h.backoffUntil === null && h.robots === 'ready'
      && h.nextFetchAt === null && !h.inFlight).length;
    const finished = ENDED.has(this.state);
    let summary;
    if (finished) summary = `The crawl ${this.state} at ${iso(this.endedMs)}.`;
    else if (this.state === 'paused') summary = 'The crawl is paused by an operator; resume it to go on.';
    else if (this.state === 'stopping') summary = `Stopping: waiting for ${counts.in_flight} requests in flight.`;
    else {
      const n = (count, one, many) => `${count} ${count === 1 ? one : many}`;
      summary = `${n(counts.queued, 'URL', 'URLs')} queued on ${n(withWork.length, 'host', 'hosts')}; `
        + `${n(counts.in_flight, 'request', 'requests')} in flight, `
        + `${n(politeness.length, 'host waits', 'hosts wait')} for its delay`;
      if (backoff.length) summary += `, ${backoff.length} backing off`;
      if (robots.length) summary += `, ${robots.length} waiting for robots.txt`;
      if (pausedHosts.length) summary += `, ${pausedHosts.length} paused`;
      summary += '.';
    }
    const limit = 50;
    return {
      job: this.id,
      state: this.state,
      finished,
      summary,
      paused: this.state === 'paused',
      draining: this.state === 'stopping',
      queued: counts.queued,
      leased: counts.in_flight,
      active_hosts: this.hosts.filter((h) => h.queued > 0 || h.inFlight).length,
      ready_hosts: ready,
      politeness: politeness.slice(0, limit),
      backoff: backoff.slice(0, limit),
      robots: robots.slice(0, limit),
      paused_hosts: pausedHosts.slice(0, limit),
      in_flight: inFlight.slice(0, limit),
      truncated: [politeness, backoff, robots, pausedHosts, inFlight].some((l) => l.length > limit),
    };
  }
}

const STEP_MS = 250;

function createWorld(options) {
  const now = Date.now();
  const demoHosts = Array.from({ length: 24 }, (_, i) => `127.0.1.${i + 1}:18080`);
  const demo = new SimJob({
    id: 'demo', name: 'demo', hosts: demoHosts, maxPages: options.maxPages, seed: 42, startMs: now - 180000,
    delays: (i, rnd) => [250, 500, 500, 1000][i % 4] + Math.round(rnd() * 4) * 50,
  });
  const quickstart = new SimJob({
    id: 'quickstart', name: 'quickstart', hosts: Array.from({ length: 4 }, (_, i) => `127.0.1.${i + 1}:18081`),
    maxPages: 160, seed: 7, startMs: now - 45 * 60000, delays: () => 100,
  });
  // Run both crawls forward in virtual time, so the demo has three minutes of history to chart at once.
  for (const job of [quickstart, demo]) {
    for (let t = job.startedMs + STEP_MS; t <= now; t += STEP_MS) {
      job.step(t, STEP_MS);
      if (ENDED.has(job.state)) break;
    }
  }
  const jobs = new Map([[demo.id, demo], [quickstart.id, quickstart]]);
  let last = now;
  const timer = setInterval(() => {
    const t = Date.now();
    for (const job of jobs.values()) job.step(t, t - last);
    last = t;
  }, STEP_MS);
  return { jobs, timer };
}

// ---- HTTP -----------------------------------------------------------------------------------------------------

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function send(res, status, body, headers = {}) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': headers['Content-Type'] || 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

const error = (res, status, message, headers) => send(res, status, { error: message }, headers);

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 65536) throw new Error('body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

async function serveStatic(res, file, uiDir) {
  try {
    const body = await readFile(path.join(uiDir, file));
    send(res, 200, body, { 'Content-Type': CONTENT_TYPES[path.extname(file)] || 'application/octet-stream' });
  } catch {
    error(res, 404, `no such file: ${file}`);
  }
}

function createHandler(world, options) {
  return async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean).map((s) => {
      try { return decodeURIComponent(s); } catch { return null; }
    });
    const method = req.method;
    const now = Date.now();
    if (segments.some((s) => s === null)) return error(res, 400, 'bad percent-encoding in the path');

    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (method !== 'GET' && method !== 'HEAD') return error(res, 405, 'use GET', { Allow: 'GET' });
      return serveStatic(res, 'index.html', options.ui);
    }
    if (segments[0] === 'ui' && segments.length === 2) {
      if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(segments[1])) return error(res, 404, 'no such file');
      return serveStatic(res, segments[1], options.ui);
    }
    if (segments[0] !== 'api' || segments[1] !== 'jobs') return error(res, 404, `no route for ${url.pathname}`);

    const mutating = method === 'POST' || method === 'PATCH';
    if (mutating && options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return error(res, 401, 'a bearer token is required for this request', { 'WWW-Authenticate': 'Bearer' });
    }

    if (segments.length === 2) {
      if (method !== 'GET') return error(res, 405, 'use GET', { Allow: 'GET' });
      return send(res, 200, { jobs: [...world.jobs.values()].map((j) => j.jobJson(now)) });
    }
    const job = world.jobs.get(segments[2]);
    if (!job) return error(res, 404, `no job ${segments[2]}`);
    const rest = segments.slice(3);

    if (rest.length === 0) {
      if (method !== 'GET') return error(res, 405, 'use GET', { Allow: 'GET' });
      return send(res, 200, job.jobJson(now));
    }
    if (rest.length === 1 && ['pause', 'resume', 'stop'].includes(rest[0])) {
      if (method !== 'POST') return error(res, 405, 'use POST', { Allow: 'POST' });
      if (ENDED.has(job.state)) return error(res, 409, `job ${job.id} has ended (${job.state})`);
      if (job.state === 'stopping' && rest[0] !== 'stop') return error(res, 409, `job ${job.id} is stopping`);
      if (rest[0] === 'pause') job.pause();
      else if (rest[0] === 'resume') job.resume();
      else if (job.state !== 'stopping') job.stop(now);
      return send(res, 200, job.jobJson(now));
    }
    if (rest.length === 1 && rest[0] === 'series') {
      if (method !== 'GET') return error(res, 405, 'use GET', { Allow: 'GET' });
      return send(res, 200, job.seriesJson(now));
    }
    if (rest.length === 1 && rest[0] === 'why') {
      if (method !== 'GET') return error(res, 405, 'use GET', { Allow: 'GET' });
      return send(res, 200, job.whyJson(now));
    }
    if (rest.length === 1 && rest[0] === 'hosts') {
      if (method !== 'GET') return error(res, 405, 'use GET', { Allow: 'GET' });
      const sort = url.searchParams.get('sort') || 'queued';
      const limit = Number(url.searchParams.get('limit') || 20);
      const keys = { queued: (h) => -(h.queued), fetched: (h) => -h.fetched, errors: (h) => -h.errors,
        host: null };
      if (!(sort in keys)) return error(res, 400, `sort must be one of ${Object.keys(keys).join(', ')}`);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return error(res, 400, 'limit must be 1..1000');
      const hosts = [...job.hosts].sort((a, b) => (keys[sort] ? keys[sort](a) - keys[sort](b) : 0)
        || a.name.localeCompare(b.name, 'en', { numeric: true }));
      return send(res, 200, { hosts: hosts.slice(0, limit).map((h) => job.hostJson(h, now)),
        total_hosts: job.hosts.length, sort, limit });
    }
    if (rest.length === 2 && rest[0] === 'hosts') {
      const host = job.hosts.find((h) => h.name === rest[1]);
      if (!host) return error(res, 404, `no host ${rest[1]} in job ${job.id}`);
      if (method === 'GET') return send(res, 200, job.hostJson(host, now));
      if (method !== 'PATCH') return error(res, 405, 'use GET or PATCH', { Allow: 'GET, PATCH' });
      let body;
      try {
        body = await readJson(req);
      } catch (e) {
        return error(res, 400, `the body is not JSON: ${e.message}`);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return error(res, 400, 'the body must be an object');
      for (const key of Object.keys(body)) {
        if (key !== 'paused' && key !== 'blocked') return error(res, 400, `unknown field ${key}`);
        if (typeof body[key] !== 'boolean') return error(res, 400, `${key} must be true or false`);
      }
      if (body.paused !== undefined) host.paused = body.paused;
      if (body.blocked !== undefined) host.blocked = body.blocked;
      return send(res, 200, job.hostJson(host, now));
    }
    return error(res, 404, `no route for ${url.pathname}`);
  };
}

const options = parseArgs(process.argv.slice(2));
const world = createWorld(options);
const handler = createHandler(world, options);
const server = http.createServer((req, res) => {
  handler(req, res).catch((e) => {
    if (!res.headersSent) error(res, 500, String(e && e.message));
  });
});
server.listen(options.port, '127.0.0.1', () => {
  console.log(`fake-api: listening on http://127.0.0.1:${server.address().port}/`);
});
server.on('error', (e) => {
  console.error(`fake-api: ${e.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    clearInterval(world.timer);
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
