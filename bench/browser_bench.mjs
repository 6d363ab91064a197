// Content-script start to last highlight painted in headless Chromium, many
// times over: the end-to-end test's speed figure (tests/e2e), with enough
// visits for a median to mean something on a noisy 2-core machine.
//
//   node bench/browser_bench.mjs [--visits N] [--only SUBSTRING]
//
// One browser with the extension built from this checkout (and the WASM
// build of FINEPRINT_WASM_BUILD_DIR, default build/wasm). For each known
// policy URL (X's privacy policy, Meta's; routed to the corpus pages served
// from 127.0.0.1, as in the e2e test) and each visit: the service worker is
// stopped, the page opened (cold: its wake-up message starts the worker and
// a new engine), then opened again (warm). Prints each visit and, per page
// and temperature, the median and quartiles of the page's
// performance.measure, of the engine's creation and of the analysis in it.
// Targets (issue 5): X < 150 ms, Meta < 500 ms, WASM start-up included.
import { launchChromiumWithExtension } from '../tests/e2e/support/chromium.mjs';
import { startPageServer } from '../tests/e2e/support/pages.mjs';
import { isSettled, lastStartToPaintedInPage } from '../tests/e2e/support/status.mjs';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('usage: node bench/browser_bench.mjs [--visits N] [--only SUBSTRING]');
  process.exit(0);
}
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const visits = Math.max(1, Number(option('--visits', 8)));
const only = option('--only', '');

const KNOWN_URLS = {
  'https://x.com/en/privacy': '/x-privacy',
  'https://www.facebook.com/privacy/policy/': '/meta-privacy',
};

const server = await startPageServer();
const browser = await launchChromiumWithExtension();
for (const [url, pathname] of Object.entries(KNOWN_URLS)) {
  await browser.context.route(url, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: server.renderedPage(pathname) }),
  );
}

async function settledStatus(page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await browser.tabStatus(page);
    if (isSettled(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${page.url()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function visit(url, cold) {
  const worker = cold ? await browser.stopServiceWorker() : null;
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    const status = await settledStatus(page);
    if (status.phase !== 'done') throw new Error(`${url}: ${JSON.stringify(status)}`);
    const measured = await page.evaluate(lastStartToPaintedInPage);
    return {
      paintedMs: measured,
      createdMs: status.engineStartupMs ?? null,
      analysisMs: status.analysisMs,
      extractMs: status.extractMs,
      roundTripMs: status.roundTripMs,
      paintMs: status.paintMs,
      // How long before the page's request the engine's creation began,
      // and how long the request waited for it.
      headStartMs: status.engineHeadStartMs ?? null,
      waitMs: status.engineWaitMs ?? null,
    };
  } finally {
    await worker?.detach();
    await page.close();
  }
}

const quartiles = (values) => {
  const sorted = values.filter((value) => typeof value === 'number').sort((a, b) => a - b);
  if (sorted.length === 0) return '-';
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  return `${at(0.5).toFixed(1)} (${at(0.25).toFixed(1)}-${at(0.75).toFixed(1)})`;
};

try {
  const results = new Map();
  // Visit by visit, each page cold then warm, the pages taking turns: a
  // slow spell of the machine then falls on all of them alike.
  for (let round = 1; round <= visits; round++) {
    for (const url of Object.keys(KNOWN_URLS).filter((each) => each.includes(only))) {
      for (const cold of [true, false]) {
        const key = `${url} ${cold ? 'cold (service worker stopped)' : 'warm'}`;
        const result = await visit(url, cold);
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(result);
        console.log(
          `visit ${round} ${key}: painted ${result.paintedMs.toFixed(1)} ms, analysis ${result.analysisMs} ms ` +
            `(extract ${result.extractMs}, round trip ${result.roundTripMs}, paint ${result.paintMs})` +
            (result.createdMs === null
              ? ''
              : `, engine created in ${result.createdMs} ms, ` +
                `begun ${result.headStartMs} ms before the request, which waited ${result.waitMs} ms`),
        );
      }
    }
  }
  console.log(`\nmedian (quartiles) of ${visits} visits, ms:`);
  console.log(`${'page'.padEnd(70)} ${'painted'.padStart(20)} ${'analysis'.padStart(20)} ${'engine created'.padStart(20)}`);
  for (const [key, runs] of results) {
    console.log(
      `${key.padEnd(70)} ${quartiles(runs.map((r) => r.paintedMs)).padStart(20)} ` +
        `${quartiles(runs.map((r) => r.analysisMs)).padStart(20)} ${quartiles(runs.map((r) => r.createdMs)).padStart(20)}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
