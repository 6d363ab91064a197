// Owns the analysis engine: the C++ core compiled to WebAssembly.
//
// The engine is created on first use and then kept for the life of this
// background context. Chrome stops an idle service worker after ~30 s and
// re-evaluates this module when an event wakes it, so `enginePromise` starts
// out null again and the next analysis creates a fresh engine; Firefox's
// event page behaves the same way when it is unloaded.
import { createEngine } from '../wasm/fineprint.js';
import { api } from '../browser/api.js';

const ANALYSIS_SCHEMA = 'fineprint.analysis/1';

let enginePromise = null;
// How long creating the current engine took (compiling the module and the
// rule pack), reported once, with the first analysis that used it.
let unreportedStartupMs = null;
// When the current engine's creation started and when it was ready
// (performance.now() of this context), so a page's analysis can report how
// much of a head start the engine had and how long the page waited for it.
let engineStartedAt = null;
let engineReadyAt = null;
// Whether a page with a policy's worth of text has been analysed on this
// engine: the warm-up then stops (SUBSTANTIAL_PAGE_CHARS). (A page's
// request never waits behind a warm-up step: requests waiting for the
// engine resume as it becomes ready, before the warm-up's first timer
// fires.)
let analysedAPage = false;
// A client-side app (X's own pages among them) first shows a shell (a
// header, "Loading…") and renders its policy a second or more later; the
// shell's analysis warms nothing, so the warm-up goes on for the text that
// follows. Shorter than any policy: X's privacy policy is 37,000 characters.
const SUBSTANTIAL_PAGE_CHARS = 2000;
// The engine enginePromise resolved to, so that one whose WebAssembly
// instance aborted (out of memory) is replaced on the next request,
// whichever use of it found the abort (a page, the warm-up, a snapshot, a
// diff).
let currentEngine = null;

export function getEngine() {
  if (currentEngine && !currentEngine.usable) {
    currentEngine.delete();
    currentEngine = null;
    enginePromise = null;
  }
  if (enginePromise) return enginePromise;
  engineStartedAt = performance.now();
  engineReadyAt = null;
  analysedAPage = false;
  enginePromise = createEngine({
    locateFile: (file) => api.runtime.getURL(`wasm/${file}`),
  }).then((engine) => {
    currentEngine = engine;
    engineReadyAt = performance.now();
    unreportedStartupMs = engineReadyAt - engineStartedAt;
    scheduleWarmUp(engine);
    return engine;
  }).catch((error) => {
    // Let the next request try again rather than caching the failure.
    enginePromise = null;
    throw error;
  });
  return enginePromise;
}

// A fresh engine's first analysis is several times slower than later ones:
// Chrome runs the module's code in its baseline compiler, compiles each
// function on its first call, and the core builds each rule's matcher the
// first time a clause reaches it. None of that survives the background being
// stopped: Chromium 156 writes no WebAssembly code cache for a module fetched
// from chrome-extension:// (its "Code Cache/wasm" stays empty), and it
// refuses to store a compiled WebAssembly.Module in IndexedDB
// (DataCloneError). So, while the background is otherwise idle, the engine
// reads a short policy that reaches the rule families real policies reach
// (AI training, defaults and opt-outs, retention, sharing, legal bases,
// scraping, list items under headings), one part per task. A page's request
// waits for the part running at most: one already waiting when the engine
// is ready runs first, the warm-up holds back while a page is on its way
// (holdWarmUp), and once a page with a policy's worth of text has been
// analysed the rest is skipped (that page warms the engine better).
//
// Each section is written the way the blocks read: "#"/"##" a heading of
// that level, "- " a list item under it, anything else a paragraph.
const WARM_UP_SECTIONS = [
  [
    '# Privacy Policy',
    'This Privacy Policy explains how we collect, use and share your personal information when you use our ' +
      'services. We may change this policy from time to time; if we make material changes we will notify you.',
  ],
  [
    '## How we use information',
    'We may use the information we collect to train our machine learning and artificial intelligence models, ' +
      'and to develop and improve our products. Your private messages are never used to train our models.',
    'Depending on your settings, we may share your personal information with third parties, who may use it ' +
      'to train their artificial intelligence models unless you opt out. This is turned on by default.',
  ],
  [
    '## Sharing information',
    'We work with trusted service providers who process data on our behalf. We may disclose information if ' +
      'required by law or legal process, and in connection with a merger, acquisition or sale of assets. We share ' +
      'aggregated or de-identified information that cannot reasonably be used to identify you.',
    '- Advertisers and partners may access information about the ads you see.',
  ],
  [
    '## How long we keep information',
    'We keep your information for as long as necessary to provide the service, and for up to 18 months after ' +
      'that. When you delete your account, we delete your data within 30 days of closure, but we may retain some ' +
      'information longer to comply with legal obligations. Content you deleted may still remain visible to others.',
    '- Log data: deleted after a set period.',
  ],
  [
    '## Your choices',
    'You can change these settings at any time, withdraw your consent, or adjust your browser to refuse ' +
      'cookies. To exercise your rights, submit a request through our form. With your consent, we process your ' +
      'data on the basis of our legitimate interests and the performance of a contract.',
  ],
  [
    '## Terms of use',
    'You may not scrape or crawl the services by automated means, or access them other than through our ' +
      'interfaces, and you agree to pay liquidated damages of $15,000 per 1,000,000 posts.',
  ],
].map((section) =>
  section.map((line) => {
    const heading = /^(#+) (.*)$/.exec(line);
    if (heading) return { kind: 'heading', level: heading[1].length, text: heading[2] };
    if (line.startsWith('- ')) return { kind: 'list_item', level: 1, text: line.slice(2) };
    return { kind: 'paragraph', level: 0, text: line };
  }),
);

// Between idle tasks (the warm-up's sections, the deferred compiling) the
// background's thread is left free for a while: a page's message needs
// several turns of it to arrive, and with the tasks chained by zero-delay
// timers it arrived only after all of them (seen in Chromium; with this gap,
// it arrives after the task running at most).
const IDLE_TASK_GAP_MS = 16;

// Runs `task` after `delayMs`, then again IDLE_TASK_GAP_MS after each run
// while it returns true; then `done`.
function runIdleTasks(task, delayMs, done = () => {}) {
  const next = () => (task() ? setTimeout(next, IDLE_TASK_GAP_MS) : done());
  setTimeout(next, delayMs);
}

// A page that announced itself with its wake-up message (content/wake.js,
// at document_start on known policy pages) sends its request once its text
// is read, a few hundred milliseconds later. Until then the warm-up holds
// back: a section of it started just before the request arrives keeps the
// thread, and the request waited for it (40-55 ms in a third of the first
// pages after a browser start, `node bench/browser_bench.mjs --first-pages
// 12`). The hold ends when the page's request has been answered (or ends
// without an analysis: automatic runs turned off, bad input), when the page
// says its text is not there yet (a client-side app, X's own pages among
// them, renders it a second or more later: the warm-up has that time), or
// after this long (a page whose request never comes: its tab closed while
// loading).
// The same hold is what lets the warm-up start as soon as the engine is
// ready: a worker woken by a page's message hears that message before its
// engine is ready. (It used to wait 250 ms for such a page instead, which a
// browser's first page, opened while the worker that started with the
// browser was warming up, spent idle.)
const PAGE_ANNOUNCED_HOLD_MS = 3000;
// Per page (its tab), performance.now() until which it holds the warm-up
// back: several tabs may be loading policies at once (a restored session),
// and one page's release must not end another's hold.
const warmUpHolds = new Map();

// Holds the warm-up back for the page `key` (its tab's id): for a page's
// wake-up message (its request is on its way), the popup's "Analyze this
// page" (the content script's request follows), and a request received
// (its analysis starts once the settings are read). (holdMs: for tests.)
export function holdWarmUp(key, holdMs = PAGE_ANNOUNCED_HOLD_MS) {
  warmUpHolds.set(key, performance.now() + holdMs);
}

// Ends the page's hold: its request has been answered (or failed), or it
// has no text yet.
export function releaseWarmUp(key) {
  warmUpHolds.delete(key);
}

function warmUpHeld() {
  const now = performance.now();
  for (const [key, until] of warmUpHolds) {
    if (until > now) return true;
    warmUpHolds.delete(key);
  }
  return false;
}

// Read once, the warm-up has every function it reaches compiled, but only by
// the baseline compiler: V8 optimises a WebAssembly function once it has
// run hot, so after one reading the first real policy still runs mostly
// unoptimised code. Read a few times over, the functions real policies
// spend their time in are optimised before a page needs them. How much a
// fresh instance's first analysis loses: `node bench/wasm_bench.mjs --only
// x-twitter/privacy-policy/2024-11-16` prints it under Node (the cold
// start's "first analyze" against the "steady" time); in Chromium, the
// end-to-end test of the known policy URLs prints "analysis in the engine
// N ms" for each cold and warm visit (run it with another count here to
// weigh a change).
const WARM_UP_READINGS = 6;

function scheduleWarmUp(engine) {
  // The first reading section by section (it is the slow one: each function
  // compiled on its first call), the others whole.
  const whole = WARM_UP_SECTIONS.flat();
  const slices = [...WARM_UP_SECTIONS, ...Array.from({ length: WARM_UP_READINGS - 1 }, () => whole)];
  const readSection = () => {
    // A page being (or already) analysed warms the engine better (and
    // schedules the deferred compiling itself); a replaced or failed
    // engine needs nothing more.
    if (slices.length === 0 || analysedAPage || !engine.usable) return false;
    if (warmUpHeld()) return true; // ask again after the gap
    try {
      // What a page's request runs (analyzeBlocks, below).
      const page = engine.analyzePage({ title: 'Privacy Policy', blocks: slices.shift() });
      try {
        page.analysisJson({ labelledClausesOnly: true });
      } finally {
        page.delete();
      }
    } catch {
      return false; // A failing engine fails the page's own analysis too, with its error.
    }
    return true;
  };
  runIdleTasks(readSection, 0, () => {
    if (slices.length === 0) scheduleDeferredCompile(engine);
  });
}

// A fresh engine answers a long rule pattern with just the alternatives a
// page's clauses can match (core/alternatives.h): cheaper to compile on a
// first page, slower to run than one program for the whole pattern. Once a
// page has its answer, the patterns it reached that way are compiled whole
// in the background's idle time, one pattern per call, in tasks of about
// DEFERRED_COMPILE_TASK_MS, so that the next page runs as on a long-lived
// engine; a request arriving meanwhile waits for one task at most (the
// last pattern of a task may take it past the budget: a few ms).
const DEFERRED_COMPILE_TASK_MS = 4;
// The engines with a task pending; weak, so that a replaced engine is not
// kept alive by it.
const deferredCompileScheduled = new WeakSet();

function scheduleDeferredCompile(engine) {
  if (deferredCompileScheduled.has(engine)) return;
  deferredCompileScheduled.add(engine);
  const compileSome = () => {
    let left = 0;
    try {
      const startedAt = performance.now();
      do {
        left = engine.usable ? engine.compileDeferredPatterns(1) : 0;
      } while (left > 0 && performance.now() - startedAt < DEFERRED_COMPILE_TASK_MS);
    } catch (error) {
      // An aborted engine is replaced on the next request; anything else is
      // a bug to see in the background's console.
      if (engine.usable) {
        deferredCompileScheduled.delete(engine);
        throw error;
      }
    }
    return left > 0;
  };
  runIdleTasks(compileSome, IDLE_TASK_GAP_MS, () => deferredCompileScheduled.delete(engine));
}

// Starts creating the engine now (the background calls this as it starts),
// so the first page does not wait for the module to compile.
export function startEngine() {
  getEngine().catch(() => {});
}

const roundMs = (ms) => (ms === null ? null : Math.round(ms * 10) / 10);

// Analyses the blocks a content script extracted. Replies with what painting
// needs: the clauses that carry at least one label (offsets are UTF-16 code
// units into the blocks' texts joined with "\n"), the document's findings
// ({id, severity, explanation, clauses: indexes into the reply's clauses}),
// the total clause count, and where the time went (engineStartupMs is null
// when the engine was warm; engineHeadStartMs and engineWaitMs say how long
// before the request's handling the engine's creation began and how long the
// handling waited for it; handlerDelayMs, when the message says when it was
// sent (sentAt, ms since the epoch), how long it took to reach the message's
// handler (receivedAt, performance.now() there; default: this call):
// delivery, plus the background's thread finishing what it was doing, such
// as creating the engine, which runs without yielding). url: the page's
// address (the message's sender.url, not
// anything the page says), from whose host the core names the service.
// keepForSnapshot: also return the analysis itself as `page` (a
// PageAnalysis, wasm/fineprint.js), from which the history's snapshot is
// made after the reply has gone; the caller owns it and must delete() it.
export async function analyzeBlocks({ title, blocks, sentAt }, { url, keepForSnapshot = false, receivedAt } = {}) {
  if (!Array.isArray(blocks)) throw new TypeError('blocks must be an array');
  const requestedAt = performance.now();
  // Both clocks count from the epoch; a negative figure would be their skew.
  const handledFrom = Number.isFinite(receivedAt) ? receivedAt : requestedAt;
  const handlerDelayMs = Number.isFinite(sentAt) ? performance.timeOrigin + handledFrom - sentAt : null;
  const engine = await getEngine();
  const engineStartupMs = unreportedStartupMs;
  unreportedStartupMs = null;
  const analysisStartedAt = performance.now();
  if (!analysedAPage && blocks.reduce((chars, block) => chars + String(block?.text ?? '').length, 0) >= SUBSTANTIAL_PAGE_CHARS) {
    analysedAPage = true;
  }
  const input = { title: String(title ?? ''), blocks };
  if (typeof url === 'string' && url !== '') input.url = url;
  let page = null;
  try {
    page = engine.analyzePage(input);
    const reply = replyFor(page.analysis({ labelledClausesOnly: true }));
    reply.timing = {
      engineStartupMs: roundMs(engineStartupMs),
      // How much of a head start the engine had when the request came (time
      // from its creation starting; negative: created for this request),
      // and how long the request waited for it.
      engineHeadStartMs: roundMs(requestedAt - engineStartedAt),
      engineWaitMs: roundMs(Math.max(0, engineReadyAt - requestedAt)),
      handlerDelayMs: roundMs(handlerDelayMs),
      analysisMs: roundMs(performance.now() - analysisStartedAt),
    };
    scheduleDeferredCompile(engine);
    if (keepForSnapshot) return { ...reply, page };
    page.delete();
    return reply;
  } catch (error) {
    // Bad input throws and leaves the engine usable; after an abort inside
    // the module, getEngine starts afresh.
    page?.delete();
    throw error;
  }
}

// The reply to a page from its analysis (listing only labelled clauses).
function replyFor(analysis) {
  if (analysis?.schema !== ANALYSIS_SCHEMA) {
    throw new Error(`unexpected analysis schema: ${analysis?.schema}`);
  }
  // Only the clauses that carry labels go to the page (the analysis lists
  // only those, each with its index among all clauses); `indexInReply` maps
  // those indexes to the reply's.
  const notedClauses = [];
  const indexInReply = new Map();
  analysis.clauses.forEach(({ index, start, end, block, labels }) => {
    indexInReply.set(index, notedClauses.length);
    notedClauses.push({
      start,
      end,
      block,
      findings: [],
      labels: labels.map(({ id, name, note, severity, slots }) => ({ id, name, note, severity, slots })),
    });
  });
  // Document-level findings ("an opt-out is mentioned but not where"): all
  // of them for the summary panel, with the noted clauses they are about,
  // and each also with its clauses, for their cards. A finding about a
  // clause with no labels keeps its place in the panel but points nowhere
  // (nothing is painted there to jump to).
  const findings = (analysis.findings ?? []).map(({ id, severity, explanation, clauses = [] }) => {
    const noted = clauses.map((index) => indexInReply.get(index)).filter((index) => index !== undefined);
    for (const index of noted) notedClauses[index].findings.push({ severity, explanation });
    return { id, severity, explanation, clauses: noted };
  });
  // "How other platforms handle this": the core lists them for the labels
  // the page carries only (AnalysisToJson).
  return {
    ok: true,
    clauseCount: analysis.document.clauses,
    clauses: notedClauses,
    findings,
    examples: analysis.examples ?? {},
  };
}

// The engine's diff, for the history (history.js).
export async function diffFunction() {
  const engine = await getEngine();
  return (before, after) => engine.diff(before, after);
}
