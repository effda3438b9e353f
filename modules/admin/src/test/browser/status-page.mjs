#!/usr/bin/env node
// Headless-browser check of Spindle's status page against a running admin API (real or fake-api.mjs).
//
//   node status-page.mjs <baseUrl> <jobId> <screenshotPath>
//
// The job must be running. The check: the page lists the job; its fetched count rises; its three charts (pages/s,
// errors/s, queued) have data points; a screenshot is taken, with the crawl running; the job's Pause button pauses
// it (the API answers state "paused" and the page shows it); Resume makes it running again. Exit 0 when all hold;
// otherwise one line on stderr saying what failed, and exit 1.
// Environment: SPINDLE_TOKEN (a bearer token, when the server asks for one), CHROMIUM_PATH (default
// /usr/bin/chromium), STATUS_PAGE_DEADLINE_MS (the whole check's deadline, default 60000).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const DEADLINE_MS = Number(process.env.STATUS_PAGE_DEADLINE_MS || 60000);
const STEP_TIMEOUT_MS = 15000;     // one wait for the page or the API
const POLL_MS = 250;
const READINGS_APART_MS = 2000;    // the second reading of the fetched count comes at least this long after the first
const CHARTS = ['chart-pages', 'chart-errors', 'chart-queued'];
const MIN_CHART_POINTS = 3;        // each chart has at least this many data points before the screenshot

let browser = null;
let jobPaused = false;             // set while this check holds the job paused, so a failure resumes it
let context = null;
let finished = false;

function parseArgs() {
  const [baseUrl, jobId, screenshot] = process.argv.slice(2);
  if (!baseUrl || !jobId || !screenshot || process.argv.length > 5) {
    console.error('status-page: usage: node status-page.mjs <baseUrl> <jobId> <screenshotPath>');
    process.exit(2);
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), jobId, screenshot: path.resolve(screenshot) };
}

/** Ends the check with one line; on failure, tries to leave the job running and the browser closed. */
async function finish(ok, line) {
  if (finished) return;
  finished = true;
  if (!ok && jobPaused && context) {
    await withTimeout(context.request.post(`${args.baseUrl}/api/jobs/${encodeURIComponent(args.jobId)}/resume`,
      { headers: { ...authHeaders(), 'Content-Type': 'application/json' } }), 3000).catch(() => {});
  }
  if (browser) await withTimeout(browser.close(), 5000).catch(() => {});
  if (ok) console.log(`status-page: ok: ${line}`);
  else console.error(`status-page: FAILED: ${line}`);
  process.exit(ok ? 0 : 1);
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

function authHeaders() {
  return process.env.SPINDLE_TOKEN ? { Authorization: `Bearer ${process.env.SPINDLE_TOKEN}` } : {};
}

/** A failure with a message meant for the one output line. */
class CheckFailure extends Error {}

async function step(what, action) {
  try {
    return await action();
  } catch (error) {
    if (error instanceof CheckFailure) throw error;
    const detail = String(error && error.message || error).split('\n')[0].replace(/\s+/g, ' ').trim();
    throw new CheckFailure(`${what}: ${detail}`);
  }
}

const args = parseArgs();
const deadline = setTimeout(() => finish(false, `the whole check took longer than ${DEADLINE_MS / 1000} s`),
  DEADLINE_MS);

async function apiJobState(request) {
  const response = await request.get(`${args.baseUrl}/api/jobs/${encodeURIComponent(args.jobId)}`,
    { headers: authHeaders(), timeout: 5000 });
  if (!response.ok()) throw new CheckFailure(`GET /api/jobs/${args.jobId} answered ${response.status()}`);
  return (await response.json()).state;
}

async function waitForApiState(request, wanted) {
  const until = Date.now() + STEP_TIMEOUT_MS;
  let state;
  while (Date.now() < until) {
    state = await apiJobState(request);
    if (state === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new CheckFailure(`the API reports job ${args.jobId} as "${state}", not "${wanted}", ${STEP_TIMEOUT_MS / 1000} s after the click`);
}

async function main() {
  const { chromium } = await import('playwright-core');
  const { baseUrl, jobId, screenshot } = args;
  const testid = (name) => `[data-testid="${name}-${jobId.replace(/["\\]/g, '\\$&')}"]`;

  browser = await step('starting Chromium', () => chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    timeout: 20000,
    // As root Chromium needs --no-sandbox; the rest keep it from calling out to Google's services.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
  context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const token = process.env.SPINDLE_TOKEN;
  if (token) {
    await context.addInitScript((value) => sessionStorage.setItem('spindle.token', value), token);
  }
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error.message).split('\n')[0]));
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const noPageErrors = () => {
    if (pageErrors.length) throw new CheckFailure(`the page threw: ${pageErrors[0]}`);
  };

  await step(`opening ${baseUrl}/`, async () => {
    const response = await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
    if (!response || !response.ok()) throw new Error(`GET / answered ${response ? response.status() : 'nothing'}`);
  });
  await step(`waiting for the row of job ${jobId}`, () => page.locator(testid('job-row')).waitFor({ state: 'visible' }));
  noPageErrors();

  const state = (await page.locator(testid('job-state')).innerText()).trim();
  if (!/\brunning\b/.test(state)) throw new CheckFailure(`job ${jobId} shows "${state}", but the check needs it running`);

  const fetchedSelector = testid('job-fetched');
  const first = await step('reading the fetched count', async () => {
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.value !== '', fetchedSelector);
    return Number(await page.locator(fetchedSelector).getAttribute('data-value'));
  });
  await step(`waiting for the fetched count of job ${jobId} to rise above ${first}`, () => page.waitForFunction(
    ([sel, before, notBefore]) => Date.now() >= notBefore && Number(document.querySelector(sel)?.dataset.value) > before,
    [fetchedSelector, first, Date.now() + READINGS_APART_MS], { polling: POLL_MS, timeout: STEP_TIMEOUT_MS }));
  const second = Number(await page.locator(fetchedSelector).getAttribute('data-value'));
  noPageErrors();

  const points = await step(`waiting for the charts to have ${MIN_CHART_POINTS} data points each`, async () => {
    await page.waitForFunction(([ids, min]) => ids.every((id) => {
      const line = document.querySelector(`[data-testid="${id}"] path.line`);
      return line && Number(line.getAttribute('data-points')) >= min && /L/.test(line.getAttribute('d') || '');
    }), [CHARTS, MIN_CHART_POINTS], { polling: POLL_MS, timeout: STEP_TIMEOUT_MS });
    return page.evaluate((ids) => Object.fromEntries(ids.map((id) => [id,
      Number(document.querySelector(`[data-testid="${id}"] path.line`).getAttribute('data-points'))])), CHARTS);
  });
  noPageErrors();

  await step(`taking the screenshot ${screenshot}`, async () => {
    await mkdir(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  });

  jobPaused = true;   // from before the click: a failure from here on resumes the job (resuming a running job is harmless)
  await step('clicking Pause', () => page.locator(testid('pause-job')).click());
  await waitForApiState(context.request, 'paused');
  await step('waiting for the page to show the job paused', () => page.waitForFunction(
    (sel) => /\bpaused\b/.test(document.querySelector(sel)?.textContent || ''), testid('job-state'),
    { polling: POLL_MS, timeout: STEP_TIMEOUT_MS }));
  await step('waiting for the Resume button to be enabled', () => page.waitForFunction(
    (sel) => document.querySelector(sel)?.disabled === false, testid('resume-job'),
    { polling: POLL_MS, timeout: STEP_TIMEOUT_MS }));

  await step('clicking Resume', () => page.locator(testid('resume-job')).click());
  await waitForApiState(context.request, 'running');
  jobPaused = false;
  await step('waiting for the page to show the job running', () => page.waitForFunction(
    (sel) => /\brunning\b/.test(document.querySelector(sel)?.textContent || ''), testid('job-state'),
    { polling: POLL_MS, timeout: STEP_TIMEOUT_MS }));
  noPageErrors();

  clearTimeout(deadline);
  const chartPoints = CHARTS.map((id) => `${id.replace('chart-', '')} ${points[id]}`).join(', ');
  await finish(true, `job ${jobId}: fetched rose ${first} -> ${second}; chart points: ${chartPoints}; `
    + `paused and resumed through the page; screenshot ${screenshot}`);
}

main().catch((error) => finish(false, error instanceof CheckFailure ? error.message
  : `unexpected error: ${String(error && error.message || error).split('\n')[0]}`));
