// Spindle status page: polls the admin API about once a second and draws jobs, charts, hosts and "why".
// Plain ES2020, no framework, no build step; everything it loads comes from the server that served it.
'use strict';

const POLL_MS = 1000;            // jobs, and the chart's live samples
const DETAIL_EVERY = 2;          // hosts and /why are polled every 2nd tick: cheaper for a server with many hosts
const REQUEST_TIMEOUT_MS = 5000;
const MAX_RETRY_MS = 10000;      // back-off ceiling while the API is unreachable
const CHART_WINDOW_S = 900;      // the charts show at most the last 15 minutes (what /series keeps)
const CHART_GAP_S = 5;           // samples further apart than this are not joined by a line
const STOP_CONFIRM_MS = 5000;    // a second click on "Stop" within this time stops the job
const HOST_LIMIT = 20;
const TOKEN_KEY = 'spindle.token';
const ENDED = new Set(['finished', 'stopped', 'failed']);
const STATE_SYMBOL = {
  running: '▶', paused: '❚❚', stopping: '…', finished: '✓', stopped: '■', failed: '✕',
};

const view = {
  jobs: new Map(),        // id -> last Job
  jobRows: new Map(),     // id -> {row, cells}
  hostRows: new Map(),    // host -> {row, cells}
  selected: null,         // job id
  samples: [],            // [{t (ms), rate, errors, queued}]
  observed: null,         // {t, done, failed} of the last poll, for the live rates
  seededFor: null,        // job id the samples belong to
  tick: 0,
  lastOk: 0,
  failures: 0,
  stopArmed: new Map(),   // job id -> timer
  busy: new Set(),        // keys of mutating requests in flight
  forceDetail: false,     // poll hosts and /why on the next tick, whatever its number
};

const $ = (id) => document.getElementById(id);
const numberFormat = new Intl.NumberFormat('en-US');

// ---- helpers --------------------------------------------------------------------------------------------------

/** Builds an element; attrs may hold text, class, dataset entries (data-*), aria-* and event handlers (on*). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function fmtInt(n) {
  return typeof n === 'number' && Number.isFinite(n) ? numberFormat.format(Math.round(n)) : '—';
}

function fmtRate(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  return x < 10 ? x.toFixed(1) : numberFormat.format(Math.round(x));
}

function fmtDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 100 * 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
  return `${Math.round(s / 86400)} days`;
}

function fmtMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

/** Parses an ISO-8601 string or epoch number (seconds or milliseconds); NaN when absent or unreadable. */
function toMs(t) {
  if (typeof t === 'number') return t > 1e12 ? t : t * 1000;
  if (typeof t === 'string' && t !== '') return Date.parse(t);
  return NaN;
}

function fmtClock(ms) {
  const d = new Date(ms);
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.toISOString().slice(0, 10)} ${time}`;
}

/** "in 3.2 s" / "4 s ago" relative to now. */
function fmtRelative(ms) {
  const delta = ms - Date.now();
  return delta >= 0 ? `in ${fmtMs(delta)}` : `${fmtMs(-delta)} ago`;
}

function timeEl(iso) {
  const ms = toMs(iso);
  if (!Number.isFinite(ms)) return document.createTextNode('—');
  return el('time', { datetime: iso, title: iso, text: fmtClock(ms) });
}

function encodeHost(host) {
  // A host with a port ("127.0.1.3:18080") keeps its colon, which is legal in a path segment.
  return encodeURIComponent(host).replace(/%3A/gi, ':');
}

// ---- API ------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;   // 0: no answer (network, timeout)
  }
}

function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  // The token goes with every request once set: harmless where reads are open, needed where they are not.
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  // Every change carries a JSON content type, even without a body: the service refuses changes that a page of
  // another site could send without asking first (a form's types, text/plain, or none).
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, cache: 'no-store', credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, error.name === 'AbortError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
      : 'cannot reach the server');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (response.status === 401) {
    showAuth(bearer ? 'The server refused the token; enter another one.' : 'The server asks for a bearer token.');
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error
      : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, message);
  }
  if (data === null) throw new ApiError(response.status, 'the answer was not JSON');
  return data;
}

// ---- token ----------------------------------------------------------------------------------------------------

function showAuth(message) {
  $('auth').hidden = false;
  $('auth-message').textContent = message;
  showTokenStatus();
}

function showTokenStatus() {
  $('token-status').hidden = !token();
}

function setupAuth() {
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token-input').value.trim();
    if (!value) return;
    try { sessionStorage.setItem(TOKEN_KEY, value); } catch { /* storage disabled: nothing to keep it in */ }
    $('token-input').value = '';
    $('auth').hidden = true;
    showTokenStatus();
    say('Token set for this tab; repeat the action that needed it.');
    pollNow();
  });
  $('token-forget').addEventListener('click', () => {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ }
    showTokenStatus();
    say('Token forgotten.');
  });
  showTokenStatus();
}

// ---- connection line ------------------------------------------------------------------------------------------

function setConnection(kind, text) {
  const line = $('connection');
  line.dataset.kind = kind;   // styles only; the text says the same
  line.textContent = text;
  document.body.classList.toggle('stale', kind === 'error');
}

// ---- jobs -----------------------------------------------------------------------------------------------------

function stateBadge(state, testid) {
  const known = Object.prototype.hasOwnProperty.call(STATE_SYMBOL, state);
  return el('span', { class: `state state-${known ? state : 'unknown'}`, 'data-testid': testid, 'data-state': state },
    el('span', { class: 'state-symbol', 'aria-hidden': 'true', text: known ? STATE_SYMBOL[state] : '?' }),
    ` ${state}`);
}

function etaText(job) {
  if (ENDED.has(job.state)) return '—';
  if (job.eta_seconds === null || job.eta_seconds === undefined) return job.state === 'paused' ? 'paused' : 'unknown';
  return fmtDuration(job.eta_seconds);
}

function numberCell(value, testid) {
  return el('td', { class: 'num', 'data-testid': testid, 'data-value': typeof value === 'number' ? value : '',
    text: fmtInt(value) });
}

function jobRow(job) {
  const id = job.id;
  const select = el('button', {
    type: 'button', class: 'link', 'data-testid': `select-job-${id}`, 'aria-pressed': String(view.selected === id),
    title: `Show chart, hosts and why for ${id}`, onclick: () => selectJob(id),
  }, job.name || id);
  const nameCell = el('th', { scope: 'row' }, select,
    job.name && job.name !== id ? el('span', { class: 'job-id', text: id }) : null);
  const actions = el('td', { class: 'actions' },
    el('button', { type: 'button', 'data-testid': `pause-job-${id}`, onclick: () => jobAction(id, 'pause') }, 'Pause'),
    el('button', { type: 'button', 'data-testid': `resume-job-${id}`, onclick: () => jobAction(id, 'resume') }, 'Resume'),
    el('button', { type: 'button', class: 'danger', 'data-testid': `stop-job-${id}`, onclick: () => stopClicked(id) },
      'Stop'));
  const cells = {
    select,
    state: el('td', {}),
    discovered: numberCell(null, `job-discovered-${id}`),
    queued: numberCell(null, `job-queued-${id}`),
    inFlight: numberCell(null, `job-in-flight-${id}`),
    fetched: numberCell(null, `job-fetched-${id}`),
    failed: numberCell(null, `job-failed-${id}`),
    rate: el('td', { class: 'num', 'data-testid': `job-rate-${id}` }),
    eta: el('td', { class: 'num', 'data-testid': `job-eta-${id}` }),
    started: el('td', { 'data-testid': `job-started-${id}` }),
    actions,
  };
  const row = el('tr', { 'data-testid': `job-row-${id}`, 'data-job': id }, nameCell, cells.state, cells.discovered,
    cells.queued, cells.inFlight, cells.fetched, cells.failed, cells.rate, cells.eta, cells.started, actions);
  const errorRow = el('tr', { class: 'job-error', hidden: true },
    el('td', { colspan: 11, 'data-testid': `job-error-${id}` }));
  return { row, errorRow, cells };
}

function setNumber(cell, value) {
  const text = fmtInt(value);
  if (cell.textContent !== text) cell.textContent = text;
  cell.dataset.value = typeof value === 'number' ? String(value) : '';
}

function updateJobRow(entry, job) {
  const { cells } = entry;
  const id = job.id;
  if (cells.state.dataset.state !== job.state) {
    cells.state.dataset.state = job.state;
    cells.state.replaceChildren(stateBadge(job.state, `job-state-${id}`));
  }
  const counts = job.counts || {};
  setNumber(cells.discovered, counts.discovered);
  setNumber(cells.queued, counts.queued);
  setNumber(cells.inFlight, counts.in_flight);
  setNumber(cells.fetched, counts.fetched);
  setNumber(cells.failed, counts.failed);
  cells.rate.textContent = ENDED.has(job.state) ? '—' : fmtRate(job.pages_per_second);
  cells.eta.textContent = etaText(job);
  if (cells.started.dataset.iso !== String(job.started)) {
    cells.started.dataset.iso = String(job.started);
    cells.started.replaceChildren(timeEl(job.started));
  }
  cells.select.setAttribute('aria-pressed', String(view.selected === id));
  entry.row.classList.toggle('selected', view.selected === id);
  const ended = ENDED.has(job.state);
  const busy = view.busy.has(`job:${id}`);
  const [pause, resume, stop] = cells.actions.querySelectorAll('button');
  pause.disabled = busy || job.state !== 'running';
  resume.disabled = busy || job.state !== 'paused';
  stop.disabled = busy || ended || job.state === 'stopping';
  if (stop.disabled) disarmStop(id, stop);
  const errorCell = entry.errorRow.firstChild;
  entry.errorRow.hidden = !job.error;
  errorCell.textContent = job.error ? `Error: ${job.error}` : '';
}

function renderJobs(jobs) {
  const tbody = $('jobs').tBodies[0];
  const seen = new Set();
  let index = 0;
  for (const job of jobs) {
    seen.add(job.id);
    view.jobs.set(job.id, job);
    let entry = view.jobRows.get(job.id);
    if (!entry) {
      entry = jobRow(job);
      view.jobRows.set(job.id, entry);
    }
    updateJobRow(entry, job);
    // Move rows only when out of place: moving a row takes keyboard focus off its buttons.
    for (const row of [entry.row, entry.errorRow]) {
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] || null);
      index++;
    }
  }
  for (const [id, entry] of view.jobRows) {
    if (!seen.has(id)) {
      entry.row.remove();
      entry.errorRow.remove();
      view.jobRows.delete(id);
      view.jobs.delete(id);
    }
  }
  $('jobs-empty').hidden = jobs.length > 0;
}

/** Redraws one job's row from a Job that a POST answered with, without waiting for the next poll. */
function applyJob(job) {
  view.jobs.set(job.id, job);
  const entry = view.jobRows.get(job.id);
  if (entry) updateJobRow(entry, job);
}

function say(text, kind = 'info') {
  const line = $('action-message');
  line.dataset.kind = kind;
  line.textContent = text;
}

async function jobAction(id, action) {
  const key = `job:${id}`;
  if (view.busy.has(key)) return;
  view.busy.add(key);
  refreshJobButtons(id);
  const past = { pause: 'Paused', resume: 'Resumed', stop: 'Stopping' }[action];
  try {
    const job = await api('POST', `/api/jobs/${encodeURIComponent(id)}/${action}`);
    view.busy.delete(key);
    applyJob(job);
    say(`${past} job ${id}.`);
    view.forceDetail = true;   // "why" and the hosts change with the job's state: show that now
    pollNow();
  } catch (error) {
    view.busy.delete(key);
    refreshJobButtons(id);
    say(`Could not ${action} job ${id}: ${error.message}${error.status === 401 ? ' (enter a token above)' : ''}`,
      'error');
  }
}

function refreshJobButtons(id) {
  const job = view.jobs.get(id);
  const entry = view.jobRows.get(id);
  if (job && entry) updateJobRow(entry, job);
}

function disarmStop(id, button) {
  const timer = view.stopArmed.get(id);
  if (timer === undefined) return;
  clearTimeout(timer);
  view.stopArmed.delete(id);
  button.textContent = 'Stop';
  button.classList.remove('armed');
}

/** Stop ends a crawl for good, so it takes a second click (no modal dialog, nothing to dismiss). */
function stopClicked(id) {
  const button = view.jobRows.get(id)?.cells.actions.querySelector(`[data-testid="stop-job-${CSS.escape(id)}"]`);
  if (!button) return;
  if (view.stopArmed.has(id)) {
    disarmStop(id, button);
    jobAction(id, 'stop');
    return;
  }
  button.textContent = 'Confirm stop';
  button.classList.add('armed');
  say(`Click "Confirm stop" within ${STOP_CONFIRM_MS / 1000} s to stop job ${id}; it cannot be resumed.`);
  view.stopArmed.set(id, setTimeout(() => disarmStop(id, button), STOP_CONFIRM_MS));
}

// ---- selection and detail -------------------------------------------------------------------------------------

function selectJob(id) {
  if (view.selected === id) return;
  view.selected = id;
  view.samples = [];
  view.observed = null;
  view.seededFor = null;
  for (const entry of view.hostRows.values()) entry.row.remove();
  view.hostRows.clear();
  $('why-body').replaceChildren(el('p', { class: 'empty', text: 'Loading…' }));
  $('hosts-count').textContent = '';
  try { history.replaceState(null, '', `#job=${encodeURIComponent(id)}`); } catch { /* file: or sandboxed */ }
  for (const [jobId, entry] of view.jobRows) {
    const job = view.jobs.get(jobId);
    if (job) updateJobRow(entry, job);
  }
  renderDetailHeader();
  pollNow();
}

function renderDetailHeader() {
  const job = view.jobs.get(view.selected);
  $('detail').hidden = !job;
  if (!job) return;
  $('detail-title').textContent = `Job ${job.name || job.id}`;
}

async function seedSeries(id) {
  const data = await api('GET', `/api/jobs/${encodeURIComponent(id)}/series`);
  if (view.selected !== id) return;
  const samples = (data.samples || []).map((s) => ({
    t: toMs(s.t), rate: s.pages_per_second, errors: s.errors_per_second, queued: s.queued,
  })).filter((s) => Number.isFinite(s.t));
  // Keep live samples taken while the series was on its way, newer than the series' last one.
  const last = samples.length ? samples[samples.length - 1].t : -Infinity;
  view.samples = samples.concat(view.samples.filter((s) => s.t > last));
  view.seededFor = id;
  // The series' last sample is the previous reading of the first live point, so the lines go on without a gap.
  const newest = (data.samples || [])[(data.samples || []).length - 1];
  if (!view.observed && newest && Math.abs(Date.now() - last) <= CHART_GAP_S * 1000) {
    view.observed = { t: last, done: newest.done, failed: newest.failed || 0 };
  }
}

/**
 * Adds a point from the job as GET /api/jobs shows it: pages/s and errors/s from its counts' change since the
 * previous poll (the server's samples mean the same), and the queue depth.
 */
function addLiveSample(job) {
  if (ENDED.has(job.state)) return;   // the series from the server already ends where the job did
  const now = Date.now();
  const last = view.samples[view.samples.length - 1];
  if (last && now - last.t < POLL_MS / 2) return;
  const counts = job.counts || {};
  const seen = { t: now, done: (counts.fetched || 0) + (counts.failed || 0), failed: counts.failed || 0 };
  const before = view.observed;
  view.observed = seen;
  const seconds = before ? (now - before.t) / 1000 : 0;
  const fresh = seconds >= 0.5 && seconds <= CHART_GAP_S;
  view.samples.push({
    t: now,
    rate: fresh ? Math.max(0, seen.done - before.done) / seconds : undefined,
    errors: fresh ? Math.max(0, seen.failed - before.failed) / seconds : undefined,
    queued: counts.queued,
  });
  const oldest = now - CHART_WINDOW_S * 1000;
  while (view.samples.length && view.samples[0].t < oldest) view.samples.shift();
}

/** A round number at or above value, for an axis maximum. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** The three charts: one field of the samples each, with its own axis. */
const CHARTS = [
  { field: 'rate', id: 'chart-pages', label: 'pages/s', format: (v) => fmtRate(v), floor: 1 },
  { field: 'errors', id: 'chart-errors', label: 'errors/s', format: (v) => fmtRate(v), floor: 1 },
  { field: 'queued', id: 'chart-queued', label: 'queued', format: (v) => fmtInt(v), floor: 4 },   // 4: whole ticks
];

function renderChart() {
  const samples = view.samples;
  const job = view.jobs.get(view.selected);
  const endedAt = job && ENDED.has(job.state) ? toMs(job.ended) : NaN;
  const ended = Number.isFinite(endedAt);
  const now = ended ? Math.max(endedAt, samples.length ? samples[samples.length - 1].t : 0) : Date.now();
  const first = samples.length ? samples[0].t : now;
  const span = Math.min(CHART_WINDOW_S, Math.max(60, (now - first) / 1000));
  const x0 = now - span * 1000;
  const visible = samples.filter((s) => s.t >= x0);
  for (const chart of CHARTS) renderOneChart(chart, visible, x0, span, ended);
  document.querySelector('.figure-title').textContent = ended ? 'Until the job ended (at most 15 minutes)'
    : 'Last 15 minutes';

  const latest = (field) => {
    for (let i = samples.length - 1; i >= 0; i--) {
      if (typeof samples[i][field] === 'number' && Number.isFinite(samples[i][field])) return samples[i][field];
    }
    return undefined;
  };
  $('chart-summary').textContent = samples.length
    ? `${ended ? `Ended ${fmtClock(endedAt)} at` : 'Now'} ${fmtRate(latest('rate'))} pages/s, ${fmtRate(latest('errors'))} `
      + `errors/s and ${fmtInt(latest('queued'))} queued; highest in view ${fmtRate(highest(visible, 'rate'))} pages/s, `
      + `${fmtRate(highest(visible, 'errors'))} errors/s and ${fmtInt(highest(visible, 'queued'))} queued.`
    : 'No samples yet.';
}

function highest(samples, field) {
  return Math.max(0, ...samples.map((s) => (Number.isFinite(s[field]) ? s[field] : 0)));
}

function renderOneChart(chart, visible, x0, span, ended) {
  const svg = $(chart.id);
  const width = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 640);
  const height = 96;
  const pad = { left: 48, right: 12, top: 8, bottom: 20 };
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(chart.floor, highest(visible, chart.field)));
  const x = (t) => pad.left + ((t - x0) / (span * 1000)) * plotW;
  const y = (v) => pad.top + plotH - (v / max) * plotH;

  const nodes = [];
  for (let i = 0; i <= 2; i++) {
    const gy = pad.top + (plotH * i) / 2;
    nodes.push(svgEl('line', { class: 'grid', x1: pad.left, x2: pad.left + plotW, y1: gy, y2: gy }));
    nodes.push(svgEl('text', { class: 'axis', x: pad.left - 6, y: gy + 4, 'text-anchor': 'end' }, tick(max * (1 - i / 2))));
  }
  for (const fraction of [0, 0.5, 1]) {
    const secondsAgo = Math.round(span * (1 - fraction));
    const label = secondsAgo === 0 ? (ended ? 'end' : 'now') : `−${secondsAgo >= 120 ? `${+(secondsAgo / 60).toFixed(1)} min` : `${secondsAgo} s`}`;
    nodes.push(svgEl('text', {
      class: 'axis', x: pad.left + plotW * fraction, y: height - 5,
      'text-anchor': fraction === 0 ? 'start' : fraction === 1 ? 'end' : 'middle',
    }, label));
  }
  const line = linePath(visible, x, y, chart.field);
  nodes.push(svgEl('path', { class: `line line-${chart.field}`, d: line.d, 'data-points': line.points }));
  svg.replaceChildren(...nodes);
  svg.dataset.points = String(line.points);
  const now = [...visible].reverse().find((s) => Number.isFinite(s[chart.field]));
  $(`${chart.id}-now`).textContent = now ? chart.format(now[chart.field]) : '—';
}

/** An axis label: at most two decimals, none when whole. */
function tick(n) {
  return n >= 10 ? compact(n) : String(+n.toFixed(2));
}

function compact(n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${+(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** The path through the samples' values of {@code field}, and how many points it has. */
function linePath(samples, x, y, field) {
  let d = '';
  let points = 0;
  let previous = null;
  for (const s of samples) {
    const value = s[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) { previous = null; continue; }
    const joined = previous !== null && s.t - previous <= CHART_GAP_S * 1000;
    d += `${joined ? 'L' : 'M'}${x(s.t).toFixed(1)},${y(value).toFixed(1)}`;
    points++;
    previous = s.t;
  }
  return { d: d || 'M0,0', points };
}

// ---- hosts ----------------------------------------------------------------------------------------------------

function hostRow(host) {
  const name = host.host;
  const button = el('button', { type: 'button', onclick: () => hostToggle(name) });
  const cells = {
    queued: numberCell(null, `host-queued-${name}`),
    inFlight: numberCell(null, `host-in-flight-${name}`),
    fetched: numberCell(null, `host-fetched-${name}`),
    errors: numberCell(null, `host-errors-${name}`),
    robots: el('td', { 'data-testid': `host-robots-${name}` }),
    delay: el('td', { class: 'num', 'data-testid': `host-delay-${name}` }),
    status: el('td', { class: 'num', 'data-testid': `host-status-${name}` }),
    state: el('td', { 'data-testid': `host-state-${name}` }),
    button,
  };
  const row = el('tr', { 'data-testid': `host-row-${name}`, 'data-host': name },
    el('th', { scope: 'row', class: 'host', text: name }), cells.queued, cells.inFlight, cells.fetched,
    cells.errors, cells.robots, cells.delay, cells.status, cells.state, el('td', { class: 'actions' }, button));
  return { row, cells };
}

function hostStateParts(host) {
  const parts = [];
  const now = Date.now();
  if (host.blocked) parts.push(['blocked', 'blocked']);
  if (host.paused) parts.push(['paused', 'paused']);
  const backoff = toMs(host.backoff_until);
  if (Number.isFinite(backoff) && backoff > now) parts.push(['backoff', `backing off, retry ${fmtRelative(backoff)}`]);
  const robotsRetry = toMs(host.robots_retry_at);
  if (Number.isFinite(robotsRetry) && robotsRetry > now) {
    parts.push(['wait', `robots.txt retry ${fmtRelative(robotsRetry)}`]);
  }
  if (!parts.length) {
    const next = toMs(host.next_fetch_at);
    if (host.in_flight > 0) parts.push(['ok', 'fetching']);
    else if (Number.isFinite(next) && next > now) parts.push(['wait', `next ${fmtRelative(next)}`]);
    else if (host.queued > 0) {
      const jobState = view.jobs.get(view.selected)?.state;
      parts.push(jobState === 'running' ? ['ok', 'ready'] : ['wait', `waiting (job ${jobState || 'unknown'})`]);
    }
    else parts.push(['idle', 'idle']);
  }
  return parts;
}

function updateHostRow(entry, host) {
  const { cells } = entry;
  const name = host.host;
  setNumber(cells.queued, host.queued);
  setNumber(cells.inFlight, host.in_flight);
  setNumber(cells.fetched, host.fetched);
  setNumber(cells.errors, host.errors);
  cells.robots.textContent = host.robots || '—';
  // the delay and, when it is not the crawl's own, why (errors, recovering, slow responses, crawl-delay, operator)
  const source = host.delay_source || 'base';
  cells.delay.textContent = source === 'base' ? fmtMs(host.effective_delay_ms)
    : `${fmtMs(host.effective_delay_ms)} (${source})`;
  cells.delay.title = host.delay_reason || '';
  cells.delay.dataset.source = source;
  cells.status.textContent = host.last_status === null || host.last_status === undefined ? '—' : String(host.last_status);
  cells.status.dataset.kind = host.last_status >= 400 ? 'bad' : '';
  const parts = hostStateParts(host);
  const label = parts.map(([, text]) => text).join(', ');
  if (cells.state.dataset.label !== label) {
    cells.state.dataset.label = label;
    cells.state.replaceChildren(...parts.map(([kind, text]) => el('span', { class: `tag tag-${kind}`, text })));
  }
  const pausedHost = Boolean(host.paused);
  const button = cells.button;
  button.textContent = pausedHost ? 'Resume' : 'Pause';
  button.dataset.testid = `${pausedHost ? 'resume' : 'pause'}-host-${name}`;
  button.setAttribute('aria-label', `${pausedHost ? 'Resume' : 'Pause'} host ${name}`);
  const job = view.jobs.get(view.selected);
  button.disabled = view.busy.has(`host:${name}`) || !job || ENDED.has(job.state);
  entry.row.classList.toggle('paused', pausedHost);
}

function renderHosts(data) {
  const tbody = $('hosts').tBodies[0];
  const hosts = data.hosts || [];
  const seen = new Set();
  hosts.forEach((host, index) => {
    seen.add(host.host);
    let entry = view.hostRows.get(host.host);
    if (!entry) {
      entry = hostRow(host);
      view.hostRows.set(host.host, entry);
    }
    entry.host = host;
    updateHostRow(entry, host);
    if (tbody.children[index] !== entry.row) tbody.insertBefore(entry.row, tbody.children[index] || null);
  });
  for (const [name, entry] of view.hostRows) {
    if (!seen.has(name)) {
      entry.row.remove();
      view.hostRows.delete(name);
    }
  }
  $('hosts-empty').hidden = hosts.length > 0;
  const total = typeof data.total_hosts === 'number' ? data.total_hosts : hosts.length;
  $('hosts-count').textContent = `${fmtInt(hosts.length)} of ${fmtInt(total)} hosts, most queued first.`;
}

async function hostToggle(name) {
  const id = view.selected;
  const entry = view.hostRows.get(name);
  if (!id || !entry) return;
  const key = `host:${name}`;
  if (view.busy.has(key)) return;
  const paused = !entry.host.paused;
  view.busy.add(key);
  entry.cells.button.disabled = true;
  try {
    const host = await api('PATCH', `/api/jobs/${encodeURIComponent(id)}/hosts/${encodeHost(name)}`, { paused });
    view.busy.delete(key);
    const current = view.hostRows.get(name);
    if (current && view.selected === id) {
      current.host = host;
      updateHostRow(current, host);
    }
    say(`${paused ? 'Paused' : 'Resumed'} host ${name}.`);
    view.forceDetail = true;
    pollNow();
  } catch (error) {
    view.busy.delete(key);
    entry.cells.button.disabled = false;
    say(`Could not ${paused ? 'pause' : 'resume'} host ${name}: ${error.message}${
      error.status === 401 ? ' (enter a token above)' : ''}`, 'error');
  }
}

// ---- why ------------------------------------------------------------------------------------------------------

function waitTable(caption, waits, testid) {
  if (!Array.isArray(waits) || waits.length === 0) return null;
  const rows = waits.slice(0, 8).map((w) => {
    const until = toMs(w.until);
    // A wait that ended between the server's answer and now is shown as due, not as "ago".
    const when = Number.isFinite(until) ? (until > Date.now() ? fmtRelative(until) : 'due')
      : typeof w.wait_ms === 'number' ? `in ${fmtMs(w.wait_ms)}` : '—';
    return el('tr', {}, el('th', { scope: 'row', class: 'host', text: w.host }), el('td', { text: w.reason || '' }),
      el('td', { class: 'num', text: when }));
  });
  const more = waits.length > 8 ? el('p', { class: 'hint', text: `and ${waits.length - 8} more` }) : null;
  return el('div', { 'data-testid': testid },
    el('table', { class: 'data compact' },
      el('caption', { text: `${caption} (${waits.length})` }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Host' }), el('th', { scope: 'col', text: 'Reason' }),
        el('th', { scope: 'col', class: 'num', text: 'Until' }))),
      el('tbody', {}, ...rows)), more);
}

function renderWhy(why) {
  const body = $('why-body');
  const facts = [
    ['State', why.state ?? '—'],
    ['Queued', fmtInt(why.queued)],
    ['Leased', fmtInt(why.leased)],
    ['Active hosts', fmtInt(why.active_hosts)],
    ['Hosts waiting for a turn', fmtInt(why.waiting_hosts)],
    ['Ready hosts', Array.isArray(why.ready_hosts) ? fmtInt(why.ready_hosts.length) : fmtInt(why.ready_hosts)],
  ];
  if (why.paused) facts.push(['Crawl', 'paused by an operator']);
  if (why.draining) facts.push(['Crawl', 'stopping (draining requests in flight)']);
  const summary = why.finished ? `Finished. ${why.summary || ''}` : why.summary || 'No summary.';
  const pausedHosts = (why.paused_hosts || []).map((h) => (typeof h === 'string' ? h : h.host));
  const inFlight = Array.isArray(why.in_flight) ? why.in_flight : [];
  const inFlightList = inFlight.length
    ? el('div', { 'data-testid': 'why-in-flight' },
      el('table', { class: 'data compact' },
        el('caption', { text: `Oldest requests in flight (${inFlight.length})` }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'URL' }),
          el('th', { scope: 'col', class: 'num', text: 'Age' }))),
        el('tbody', {}, ...inFlight.slice(0, 5).map((f) => el('tr', {},
          el('td', { class: 'url', title: f.url, text: f.url }), el('td', { class: 'num', text: fmtMs(f.age_ms) }))))))
    : null;
  body.replaceChildren(...[
    el('p', { class: 'why-summary', 'data-testid': 'why-summary', text: summary }),
    el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
    pausedHosts.length ? el('p', { 'data-testid': 'why-paused-hosts' }, el('strong', { text: 'Paused hosts: ' }),
      pausedHosts.join(', ')) : null,
    waitTable('Waiting for politeness delay', why.politeness, 'why-politeness'),
    waitTable('Backing off after 429/503', why.backoff, 'why-backoff'),
    waitTable('Waiting for robots.txt', why.robots, 'why-robots'),
    inFlightList,
    why.truncated ? el('p', { class: 'hint', text: 'Some lists were cut short by the server.' }) : null,
  ].filter(Boolean));
}

// ---- polling --------------------------------------------------------------------------------------------------

let pollTimer = null;
let polling = false;
let pollAgain = false;

/** Polls at once, or right after the poll under way. */
function pollNow() {
  if (polling) {
    pollAgain = true;
    return;
  }
  clearTimeout(pollTimer);
  pollTimer = setTimeout(poll, 0);
}

async function poll() {
  if (polling) return;
  polling = true;
  let delay = POLL_MS;
  try {
    const data = await api('GET', '/api/jobs');
    const jobs = Array.isArray(data.jobs) ? data.jobs : [];
    renderJobs(jobs);
    if (view.selected === null || !view.jobs.has(view.selected)) {
      const wanted = decodeURIComponent((location.hash.match(/job=([^&]+)/) || [])[1] || '');
      const pick = view.jobs.has(wanted) ? wanted
        : (jobs.find((j) => !ENDED.has(j.state)) || jobs[0] || {}).id;
      if (pick !== undefined) selectJob(pick);
    }
    renderDetailHeader();
    await pollDetail();
    view.failures = 0;
    view.lastOk = Date.now();
    setConnection('ok', `Live · updated ${fmtClock(view.lastOk)}`);
  } catch (error) {
    view.failures++;
    delay = Math.min(MAX_RETRY_MS, POLL_MS * 2 ** Math.min(view.failures, 4));
    const since = view.lastOk ? ` Showing data from ${fmtClock(view.lastOk)}.` : '';
    const what = error.status ? `The API answered ${error.status}: ${error.message}.` : `The API is unreachable (${error.message}).`;
    setConnection('error', `${what} Retrying in ${Math.round(delay / 1000)} s (attempt ${view.failures}).${since}`);
  } finally {
    polling = false;
    view.tick++;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, pollAgain && view.failures === 0 ? 0 : delay);
    pollAgain = false;
  }
}

async function pollDetail() {
  const id = view.selected;
  const job = view.jobs.get(id);
  if (!job) return;
  const path = `/api/jobs/${encodeURIComponent(id)}`;
  // After an outage the live samples have a gap: fill it from the server's series.
  const stale = !ENDED.has(job.state) && (!view.samples.length
    || Date.now() - view.samples[view.samples.length - 1].t > CHART_GAP_S * 1000);
  if (view.seededFor !== id || stale) await seedSeries(id);
  addLiveSample(job);
  renderChart();
  const detailDue = view.tick % DETAIL_EVERY === 0 || view.hostRows.size === 0 || view.forceDetail;
  if (!detailDue) return;
  view.forceDetail = false;
  const [hosts, why] = await Promise.all([
    api('GET', `${path}/hosts?sort=queued&limit=${HOST_LIMIT}`),
    api('GET', `${path}/why`),
  ]);
  if (view.selected !== id) return;
  renderHosts(hosts);
  renderWhy(why);
}

function start() {
  setupAuth();
  window.addEventListener('resize', () => { if (view.selected) renderChart(); });
  poll();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
