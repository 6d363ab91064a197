// Content-script start to last highlight painted in headless Chromium, many
// times over: the end-to-end test's speed figure (tests/e2e), with enough
// visits for a median to mean something on a noisy 2-core machine.
//
//   node bench/browser_bench.mjs [--visits N] [--only SUBSTRING]
//
// One browser with the extension built from this checkout (and the WASM
// build of FINEPRINT_WASM_BUILD_DIR, default build/wasm). For each known
// policy URL (X's privacy policy, Meta's; routed to the corpus pages served
// from 127.0.0.1, as in the e2e test) whose address contains SUBSTRING, and
// each of N visits: the service worker is stopped and the page opened
// (cold: its wake-up message starts the worker and a new engine), then the
// page is opened again (warm). The pages take turns, so a slow spell of the
// machine falls on all of them alike. Prints each visit's split (extract,
// round trip to the background, paint; the engine's creation, how long
// before the request it began and how long the request waited for it) and,
// per page and temperature, the median and quartiles of the page's own
// performance.measure, of the analysis in the engine and of the engine's
// creation. Targets (issue 5): X < 150 ms, Meta < 500 ms, WASM start-up
// included.
//
// FINEPRINT_CHROMIUM_ARGS adds Chromium switches (a JSON list), for
// experiments: with '["--js-flags=--liftoff-only"]' V8 never recompiles
// WebAssembly with its optimising compiler, and a cold X page painted
// 57-68 ms sooner on this machine (medians of 16 visits, 2026-12-06): that
// recompiling competes with the first page for the 2 cores
// (core/out_of_line.h).
import { KNOWN_URLS, launchChromiumWithExtension, routeKnownUrls } from '../tests/e2e/support/chromium.mjs';
import { startPageServer } from '../tests/e2e/support/pages.mjs';
import { isSettled, lastStartToPaintedInPage } from '../tests/e2e/support/status.mjs';

const USAGE = 'usage: node bench/browser_bench.mjs [--visits N] [--only SUBSTRING]';

function parseArguments(args) {
  const options = { visits: 8, only: '' };
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (name === '--visits' && /^[1-9][0-9]*$/.test(value ?? '')) options.visits = Number(value);
    else if (name === '--only' && value !== undefined) options.only = value;
    else throw new Error(`${name === '--visits' ? `--visits wants a positive whole number, not ${value}` : `unknown argument ${name}`}\n${USAGE}`);
  }
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
async function finishedRun(browser, page) {
  await page.waitForFunction(() => performance.getEntriesByName('fineprint:start-to-painted').length > 0, null, {
    timeout: 20_000,
  });
  const status = await browser.tabStatus(page);
  if (!isSettled(status) || status.phase !== 'done') throw new Error(`${page.url()}: ${JSON.stringify(status)}`);
  return { status, measured: await page.evaluate(lastStartToPaintedInPage) };
}

async function visit(browser, url, cold) {
  const worker = cold ? await browser.stopServiceWorker() : null;
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    const { status, measured } = await finishedRun(browser, page);
    const createdMs = status.engineStartupMs ?? null;
    // A cold visit must have started a new engine, and a warm one not: the
    // figure would otherwise be filed under the wrong temperature.
    if (cold !== (createdMs !== null)) {
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
    };
  } finally {
    await worker?.detach();
    await page.close();
  }
}

const fixed = (ms) => (typeof ms === 'number' ? ms.toFixed(1) : '-');

// Median (the mean of the middle two for an even count) and quartiles
// (nearest rank) of the numbers among `values`.
function summary(values) {
  const sorted = values.filter((value) => typeof value === 'number').sort((a, b) => a - b);
  if (sorted.length === 0) return '-';
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  return `${fixed(median)} (${fixed(rank(0.25))}-${fixed(rank(0.75))})`;
}

const server = await startPageServer();
let browser = null;
try {
  browser = await launchChromiumWithExtension();
  await routeKnownUrls(browser.context, server);
  const results = new Map();
  for (let round = 1; round <= options.visits; round++) {
    for (const url of urls) {
      for (const cold of [true, false]) {
        const key = `${url} ${cold ? 'cold (service worker stopped)' : 'warm'}`;
        const result = await visit(browser, url, cold);
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(result);
        console.log(
          `visit ${round} ${key}: painted ${fixed(result.paintedMs)} ms, analysis ${result.analysisMs} ms ` +
            `(extract ${result.extractMs}, round trip ${result.roundTripMs}, paint ${result.paintMs})` +
            (result.createdMs === null
              ? ''
              : `, engine created in ${result.createdMs} ms, ` +
                `begun ${result.headStartMs} ms before the request, which waited ${result.waitMs} ms`),
        );
      }
    }
  }
  console.log(`\nmedian (quartiles) of ${options.visits} visits, ms:`);
  console.log(`${'page'.padEnd(70)} ${'painted'.padStart(20)} ${'analysis'.padStart(20)} ${'engine created'.padStart(20)}`);
  for (const [key, runs] of results) {
    console.log(
      `${key.padEnd(70)} ${summary(runs.map((r) => r.paintedMs)).padStart(20)} ` +
        `${summary(runs.map((r) => r.analysisMs)).padStart(20)} ${summary(runs.map((r) => r.createdMs)).padStart(20)}`,
    );
  }
} finally {
  await browser?.close();
  await server.close();
}
