// Content-script start to last highlight painted in headless Chromium, many
// times over: the end-to-end test's speed figure (tests/e2e), with enough
// visits for a median to mean something on a noisy 2-core machine.
//
//   node bench/browser_bench.mjs [--visits N] [--only SUBSTRING] [--runs R] [--against DIR]
//   node bench/browser_bench.mjs --first-pages N [--only SUBSTRING] [--against DIR]
//   node bench/browser_bench.mjs --late-pages N [--against DIR]
//
// One browser with the extension built from this checkout (and the WASM
// build of FINEPRINT_WASM_BUILD_DIR, default build/wasm). For each known
// policy URL (X's privacy policy, Meta's; routed to the corpus pages served
// from 127.0.0.1, as in the e2e test) whose address contains SUBSTRING, and
// each of N visits: the service worker is stopped and the page opened
// (cold: its wake-up message starts the worker and a new engine), then the
// page is opened again (warm). The pages take turns, so a slow spell of the
// machine falls on all of them alike. Prints each visit's split (extract,
// round trip to the background, paint; how long the request took to reach
// the background's handler: a request that arrives while a new engine is
// being created waits for the thread; the engine's creation, how long
// before the handler ran it began and how long the handler waited for it)
// and, per page and temperature, the median and quartiles of the page's own
// performance.measure, of the analysis in the engine, of the engine's
// creation and of the request's wait for the handler. Targets (issue 5):
// X < 150 ms, Meta < 500 ms, WASM start-up included.
//
// --runs R repeats that R times, each in a new browser. --against DIR
// compares two engines in the same runs: DIR holds another build's
// fineprint_wasm.{js,wasm} (e.g. ./build-wasm.sh at an older commit, copied
// aside); each run then starts a browser with that engine first and one
// with this checkout's engine after it, and the medians are given per
// engine. On this machine milliseconds drift by a quarter between hours, so
// only engines compared this way, in the same runs, can be told apart.
//
// --first-pages N measures instead the end-to-end test's first visit: N
// times, a new browser opens the first page whose address contains
// SUBSTRING (default X's privacy policy) as soon as it has started, while
// its service worker is still creating the engine or warming it up in idle
// time (engine.js), and that visit is measured; with --against, the two
// engines take turns browser by browser, each going first every other time.
// --after-ms MS opens that page MS after the browser has started instead:
// with 5000 the engine's warm-up and deferred compiling are long done, which
// shows what the first real page costs on an engine only the warm-up has
// read.
//
// --late-pages N measures X's privacy URL as a client-side app serves it:
// a page whose policy text is rendered a second after load (the e2e test's
// late page), after a shell with a loading line, and the same with an
// empty shell, each opened N times with the worker stopped first. The
// figures are of the run that reads the text, which the engine may have
// warmed up for in the meantime (engine.js).
//
// FINEPRINT_CHROMIUM_ARGS adds Chromium switches (a JSON list), for
// experiments: with '["--js-flags=--liftoff-only"]' V8 never recompiles
// WebAssembly with its optimising compiler, and a cold X page painted
// 57-68 ms sooner on this machine (medians of 16 visits, 2026-12-06): that
// recompiling competes with the first page for the 2 cores
// (core/out_of_line.h).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultEngineFiles, wasmBuildDir } from '../scripts/build-extension.mjs';
import { KNOWN_URLS, launchChromiumWithExtension, routeKnownUrls } from '../tests/e2e/support/chromium.mjs';
import { startPageServer } from '../tests/e2e/support/pages.mjs';
import { isSettled, lastStartToPaintedInPage } from '../tests/e2e/support/status.mjs';
import { median, quantile } from './stats.mjs';

const USAGE =
  'usage: node bench/browser_bench.mjs [--visits N] [--only SUBSTRING] [--runs R] [--against DIR]\n' +
  '       node bench/browser_bench.mjs --first-pages N [--after-ms MS] [--only SUBSTRING] [--against DIR]\n' +
  '       node bench/browser_bench.mjs --late-pages N [--against DIR]';

function parseArguments(args) {
  const options = { visits: 8, only: '', runs: 1, against: null, firstPages: 0, latePages: 0, afterMs: 0 };
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if ((name === '--visits' || name === '--runs') && /^[1-9][0-9]*$/.test(value ?? '')) options[name.slice(2)] = Number(value);
    else if (name === '--first-pages' && /^[1-9][0-9]*$/.test(value ?? '')) options.firstPages = Number(value);
    else if (name === '--late-pages' && /^[1-9][0-9]*$/.test(value ?? '')) options.latePages = Number(value);
    else if (name === '--after-ms' && /^[0-9]+$/.test(value ?? '')) options.afterMs = Number(value);
    else if (name === '--only' && value !== undefined) options.only = value;
    else if (name === '--against' && value !== undefined) options.against = path.resolve(value);
    else if (name === '--visits' || name === '--runs' || name === '--first-pages' || name === '--late-pages' || name === '--after-ms') throw new Error(`${name} wants a positive whole number, not ${value}\n${USAGE}`);
    else throw new Error(`unknown argument ${name}\n${USAGE}`);
  }
  if ((options.firstPages > 0 || options.latePages > 0) && args.some((arg) => arg === '--visits' || arg === '--runs')) {
    throw new Error(`--first-pages and --late-pages count their own visits: drop --visits and --runs\n${USAGE}`);
  }
  if (options.firstPages > 0 && options.latePages > 0) throw new Error(`one of --first-pages and --late-pages\n${USAGE}`);
  if (options.afterMs > 0 && options.firstPages === 0) throw new Error(`--after-ms is for --first-pages\n${USAGE}`);
  if (options.latePages > 0 && options.only !== '') throw new Error(`--late-pages measures X's page only: drop --only\n${USAGE}`);
  return options;
}

let options;
try {
  options = parseArguments(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
const urls = Object.keys(KNOWN_URLS).filter((url) => url.includes(options.only));
if (urls.length === 0) {
  console.error(`no known policy URL contains ${JSON.stringify(options.only)}: ${Object.keys(KNOWN_URLS).join(', ')}`);
  process.exit(2);
}

// The page's own measure of its run, once the last highlight is painted,
// then the content script's status of that run.
async function finishedRun(browser, page, runs = 1) {
  await page.waitForFunction((n) => performance.getEntriesByName('fineprint:start-to-painted').length >= n, runs, {
    timeout: 20_000,
  });
  const status = await browser.tabStatus(page);
  if (!isSettled(status) || status.phase !== 'done') throw new Error(`${page.url()}: ${JSON.stringify(status)}`);
  return { status, measured: await page.evaluate(lastStartToPaintedInPage) };
}

// One visit to `url`. cold: a new engine is expected to serve it (the
// worker stopped first, unless it is a browser's first page).
// runs: which of the page's runs to measure (a late page's second reads its
// text).
async function visit(browser, url, cold, { stopWorker = cold, runs = 1 } = {}) {
  const worker = stopWorker ? await browser.stopServiceWorker() : null;
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    const { status, measured } = await finishedRun(browser, page, runs);
    const createdMs = status.engineStartupMs ?? null;
    // A cold visit must have started a new engine, and a warm one not: the
    // figure would otherwise be filed under the wrong temperature. (Not
    // checked for a late page's text: after a shell with text, the engine
    // reported its start with the shell's run; after an empty one, with
    // this run, the first to send anything.)
    if (runs === 1 && cold !== (createdMs !== null)) {
      throw new Error(`${url}: a ${cold ? 'cold visit found the engine warm' : 'warm visit started a new engine'}`);
    }
    return {
      paintedMs: measured,
      analysisMs: status.analysisMs,
      extractMs: status.extractMs,
      roundTripMs: status.roundTripMs,
      paintMs: status.paintMs,
      createdMs,
      headStartMs: status.engineHeadStartMs ?? null,
      waitMs: status.engineWaitMs ?? null,
      handlerDelayMs: status.handlerDelayMs ?? null,
    };
  } finally {
    await worker?.detach();
    await page.close();
  }
}

const fixed = (ms) => (typeof ms === 'number' ? ms.toFixed(1) : '-');

// Median and quartiles of the numbers among `values`.
function summary(values) {
  const middle = median(values);
  return middle === undefined ? '-' : `${fixed(middle)} (${fixed(quantile(values, 0.25))}-${fixed(quantile(values, 0.75))})`;
}

// The engines compared: another build's first in each run, this checkout's
// after it. Each is built into a directory of its own.
const engines = [
  ...(options.against ? [{ name: 'against', wasmDir: options.against }] : []),
  { name: options.against ? 'this' : '', wasmDir: wasmBuildDir },
];
const outRoot = await mkdtemp(path.join(os.tmpdir(), 'fineprint-bench-'));
const server = await startPageServer();
const results = new Map();

function launch(engine, index) {
  return launchChromiumWithExtension({
    engineFiles: {
      wrapper: defaultEngineFiles.wrapper,
      artifacts: ['fineprint_wasm.js', 'fineprint_wasm.wasm'].map((file) => path.join(engine.wasmDir, file)),
    },
    outRoot: path.join(outRoot, String(index)),
  });
}

// Files `result` under the engine's name and `what` was measured, and
// prints it.
function record(engine, what, result, label) {
  const key = `${engine.name ? `${engine.name} ` : ''}${what}`;
  if (!results.has(key)) results.set(key, []);
  results.get(key).push(result);
  console.log(
    `${label} ${key}: painted ${fixed(result.paintedMs)} ms, analysis ${result.analysisMs} ms ` +
      `(extract ${result.extractMs}, round trip ${result.roundTripMs}, paint ${result.paintMs}; ` +
      `the request reached the handler ${result.handlerDelayMs} ms after it was sent)` +
      (result.createdMs === null
        ? ''
        : `, engine created in ${result.createdMs} ms, ` +
          `begun ${result.headStartMs} ms before the handler ran, which waited ${result.waitMs} ms`),
  );
}

// Runs `measure(browser, engine)` in a new browser with `engine`, pages routed
// as `routes` says (URL -> the page server's path).
async function inBrowser(engine, index, routes, measure) {
  const browser = await launch(engine, index);
  try {
    await routeKnownUrls(browser.context, server, routes);
    await measure(browser);
  } finally {
    await browser.close();
  }
}

// --first-pages: one page per new browser, the engines taking turns going first.
async function measureFirstPages() {
  for (let browserNumber = 1; browserNumber <= options.firstPages; browserNumber++) {
    const order = browserNumber % 2 === 0 ? [...engines.entries()].reverse() : [...engines.entries()];
    for (const [index, engine] of order) {
      await inBrowser(engine, index, KNOWN_URLS, async (browser) => {
        await new Promise((resolve) => setTimeout(resolve, options.afterMs));
        const result = await visit(browser, urls[0], true, { stopWorker: false });
        const when = options.afterMs > 0 ? `${options.afterMs} ms after browser start` : 'after browser start';
        record(engine, `${urls[0]} first page ${when}`, result, `browser ${browserNumber}`);
      });
    }
  }
}

// --late-pages: X's address answered by a page whose text comes 1 s after
// load, after a shell with a loading line or with nothing; the run measured
// is the one on the text.
async function measureLatePages() {
  const url = 'https://x.com/en/privacy';
  const shells = { 'a loading line': '/late-policy', 'an empty page': '/late-policy-blank' };
  for (const [index, engine] of engines.entries()) {
    for (const [shell, pathname] of Object.entries(shells)) {
      await inBrowser(engine, index, { [url]: pathname }, async (browser) => {
        for (let round = 1; round <= options.latePages; round++) {
          const result = await visit(browser, url, true, { runs: 2 });
          record(engine, `${url}, ${shell} 1 s before its text, worker stopped`, result, `visit ${round}`);
        }
      });
    }
  }
}

// The default: per page, cold (worker stopped) and warm visits in turn.
async function measureVisits() {
  for (let run = 1; run <= options.runs; run++) {
    for (const [index, engine] of engines.entries()) {
      await inBrowser(engine, index, KNOWN_URLS, async (browser) => {
        for (let round = 1; round <= options.visits; round++) {
          for (const url of urls) {
            for (const cold of [true, false]) {
              const result = await visit(browser, url, cold);
              record(engine, `${url} ${cold ? 'cold (service worker stopped)' : 'warm'}`, result, `visit ${round}`);
            }
          }
        }
      });
    }
  }
}

try {
  if (options.firstPages > 0) await measureFirstPages();
  else if (options.latePages > 0) await measureLatePages();
  else await measureVisits();
  const visits = options.firstPages || options.latePages || options.runs * options.visits;
  console.log(`\nmedian (quartiles) of ${visits} visits, ms` +
    (options.against ? ` (against: ${options.against}; this: ${wasmBuildDir})` : '') + ':');
  console.log(
    `${'page'.padEnd(78)} ${'painted'.padStart(20)} ${'analysis'.padStart(20)} ${'engine created'.padStart(20)} ` +
      `${'request to handler'.padStart(20)}`,
  );
  for (const [key, runs] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `${key.padEnd(78)} ${summary(runs.map((r) => r.paintedMs)).padStart(20)} ` +
        `${summary(runs.map((r) => r.analysisMs)).padStart(20)} ${summary(runs.map((r) => r.createdMs)).padStart(20)} ` +
        `${summary(runs.map((r) => r.handlerDelayMs)).padStart(20)}`,
    );
  }
} finally {
  await server.close();
  await rm(outRoot, { recursive: true, force: true });
}
