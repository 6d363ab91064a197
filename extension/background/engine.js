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
// rule pack), reported once, with the first analysis that waited for it.
let unreportedStartupMs = null;

export function getEngine() {
  if (enginePromise) return enginePromise;
  const startedAt = performance.now();
  enginePromise = createEngine({
    locateFile: (file) => api.runtime.getURL(`wasm/${file}`),
  }).then((engine) => {
    warmUp(engine);
    unreportedStartupMs = performance.now() - startedAt;
    return engine;
  }).catch((error) => {
    // Let the next request try again rather than caching the failure.
    enginePromise = null;
    throw error;
  });
  return enginePromise;
}

// The core's first analysis in a fresh engine is several times slower than
// later ones (lazily built matcher state; WebAssembly code not yet
// optimised). A tiny analysis right after start-up pays much of that while
// the page that woke the background is still loading, instead of inside the
// time from the content script's start to its highlights. Measured in
// Chromium on this 2-core machine, cold service worker, X's privacy policy:
// first analysis 143-180 ms with the warm-up, 228-698 ms without (4 runs
// each, under load).
const WARM_UP_BLOCKS = [
  { kind: 'heading', level: 1, text: 'Privacy Policy' },
  {
    kind: 'paragraph',
    level: 0,
    text: 'We may share your personal information with third parties, who may use it to train their artificial ' +
      'intelligence models unless you opt out in your settings. We keep this data for up to 18 months.',
  },
];

function warmUp(engine) {
  try {
    engine.analyzeBlocksJson(JSON.stringify({ title: '', blocks: WARM_UP_BLOCKS }));
  } catch {
    // A failing engine fails the page's own analysis too, with its error.
  }
}

// Starts creating the engine now (the background calls this as it starts),
// so the first page does not wait for the module to compile.
export function startEngine() {
  getEngine().catch(() => {});
}

const roundMs = (ms) => (ms === null ? null : Math.round(ms * 10) / 10);

function discardEngine(engine) {
  enginePromise = null;
  engine.delete();
}

// Analyses the blocks a content script extracted. Replies with what painting
// needs: the clauses that carry at least one label (offsets are UTF-16 code
// units into the blocks' texts joined with "\n"), the document's findings
// ({id, severity, explanation, clauses: indexes into the reply's clauses}),
// the total clause count, and where the time went (engineStartupMs is null
// when the engine was warm). url: the page's address (the message's
// sender.url, not anything the page says), from whose host the core names the
// service; the core ignores it where it does not know the field.
export async function analyzeBlocks({ title, blocks }, { url } = {}) {
  if (!Array.isArray(blocks)) throw new TypeError('blocks must be an array');
  const engine = await getEngine();
  const engineStartupMs = unreportedStartupMs;
  unreportedStartupMs = null;
  const analysisStartedAt = performance.now();
  let analysis;
  try {
    const input = { title: String(title ?? ''), blocks };
    if (typeof url === 'string' && url !== '') input.url = url;
    analysis = engine.analyzeBlocks(input);
  } catch (error) {
    // Bad input throws and leaves the engine usable; an abort inside the
    // module (out of memory) does not: the next request starts afresh.
    if (!engine.usable) discardEngine(engine);
    throw error;
  }
  if (analysis?.schema !== ANALYSIS_SCHEMA) {
    throw new Error(`unexpected analysis schema: ${analysis?.schema}`);
  }
  // Only the clauses that carry labels go to the page; `indexInReply` maps
  // the analysis's clause indexes to theirs.
  const notedClauses = [];
  const indexInReply = new Map();
  analysis.clauses.forEach(({ start, end, block, labels }, index) => {
    if (labels.length === 0) return;
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
  // "How other platforms handle this", for the labels this page carries.
  const labelIds = new Set(notedClauses.flatMap((clause) => clause.labels.map((label) => label.id)));
  const examples = {};
  for (const [id, list] of Object.entries(analysis.examples ?? {})) {
    if (labelIds.has(id)) examples[id] = list;
  }
  const timing = {
    engineStartupMs: roundMs(engineStartupMs),
    analysisMs: roundMs(performance.now() - analysisStartedAt),
  };
  return { ok: true, clauseCount: analysis.clauses.length, clauses: notedClauses, findings, examples, timing };
}

// The snapshot of the page's blocks dated today, and the engine's diff, for
// the history (history.js).
export async function snapshotBlocks({ title, blocks }, date) {
  const engine = await getEngine();
  return engine.snapshotBlocks({ title: String(title ?? ''), blocks }, date);
}

export async function diffFunction() {
  const engine = await getEngine();
  return (before, after) => engine.diff(before, after);
}
