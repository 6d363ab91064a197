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
    unreportedStartupMs = performance.now() - startedAt;
    return engine;
  }).catch((error) => {
    // Let the next request try again rather than caching the failure.
    enginePromise = null;
    throw error;
  });
  return enginePromise;
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
// units into the blocks' texts joined with "\n"), the total clause count, and
// where the time went (engineStartupMs is null when the engine was warm).
export async function analyzeBlocks({ title, blocks }) {
  if (!Array.isArray(blocks)) throw new TypeError('blocks must be an array');
  const engine = await getEngine();
  const engineStartupMs = unreportedStartupMs;
  unreportedStartupMs = null;
  const analysisStartedAt = performance.now();
  let analysis;
  try {
    analysis = engine.analyzeBlocks({ title: String(title ?? ''), blocks });
  } catch (error) {
    // Bad input throws and leaves the engine usable; an abort inside the
    // module (out of memory) does not: the next request starts afresh.
    if (!engine.usable) discardEngine(engine);
    throw error;
  }
  if (analysis?.schema !== ANALYSIS_SCHEMA) {
    throw new Error(`unexpected analysis schema: ${analysis?.schema}`);
  }
  // Document-level findings ("an opt-out is mentioned but not where") go
  // with the clauses they are about, for the cards.
  const findingsByClause = new Map();
  for (const { severity, explanation, clauses = [] } of analysis.findings ?? []) {
    for (const index of clauses) {
      if (!findingsByClause.has(index)) findingsByClause.set(index, []);
      findingsByClause.get(index).push({ severity, explanation });
    }
  }
  const notedClauses = analysis.clauses
    .map((clause, index) => ({ ...clause, findings: findingsByClause.get(index) ?? [] }))
    .filter((clause) => clause.labels.length > 0)
    .map(({ start, end, block, labels, findings }) => ({
      start,
      end,
      block,
      findings,
      labels: labels.map(({ id, name, note, severity, slots }) => ({ id, name, note, severity, slots })),
    }));
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
  return { ok: true, clauseCount: analysis.clauses.length, clauses: notedClauses, examples, timing };
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
