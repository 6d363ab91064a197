// The WASM engine's start-up and analysis speed under Node, against the
// native build in the same run:
//
//   node bench/wasm_bench.mjs [--repeat N] [--startups N] [--cold-starts N] [--only SUBSTRING]
//
// Cold start, median (and fastest) of --cold-starts new Node processes: the
// first instance in a process, which is what the extension pays when its
// service worker (or background page) starts, timed from the Markdown file
// and on the extension's own path (the page's blocks), with the CPU time of
// the whole process. V8 compiles WebAssembly lazily, function by function,
// with its baseline compiler first, and recompiles hot functions with its
// optimising compiler on other threads (core/out_of_line.h), so the first
// instance runs slower code than later ones; later instances in the same
// process reuse the optimised code. Then start-up, median (and
// fastest) of --startups further fresh instances in this process:
//   instantiate  compile + instantiate fineprint_wasm.wasm (createFineprintModule)
//   rules        new Module.Engine(""): parse the built-in rule pack and
//                build its prefilter from the form the build prepared (no
//                pattern is parsed; each is compiled on first use)
//   first X      the first analyze() of X's privacy policy (2024-11-16, the
//                extension's flagship page) on that instance
// The extension pays all three before its first highlight.
//
// Then per corpus document (../shared/corpus/policies/**/*.md), on a fresh
// instance: the first analyze() (cold: it compiles the patterns the document
// needs) and the steady time (median of --repeat further runs), both with
// the JSON, and MB/s at the steady time. The native columns come from
// build/native/fineprint_bench_classify --tsv run just before (its "json"
// and "cold" columns do the same work: read, segment, classify, notes,
// findings, JSON); ratio = WASM / native. Native times are thread CPU time,
// WASM times wall-clock time (performance.now), so on a loaded machine the
// ratio leans against WASM. Last, memory: the linear memory of one engine
// that has read those documents three times.
//
// FINEPRINT_WASM_BUILD_DIR and FINEPRINT_NATIVE_BUILD_DIR (tests/wasm/helpers.mjs)
// point it at other builds.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats.mjs';
import { FLAGSHIP, corpusRoot, createRawModule, flagshipBlocksJson, nativeBuildDir, readFlagship } from '../tests/wasm/helpers.mjs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: node bench/wasm_bench.mjs [--repeat N] [--startups N] [--cold-starts N] [--only SUBSTRING]

Times the WASM engine (build/wasm) under Node against the native build
(build/native/fineprint_bench_classify, run first; its columns are left out
when it is missing), on the corpus policies (../shared/corpus/policies/**/*.md).
Prints, in ms:
  - cold start, median (fastest) over new Node processes: compile +
    instantiate the .wasm, load the rule pack, first analysis of X's privacy
    policy (2024-11-16), and the CPU time of those steps (every thread); once
    from the Markdown file, once on the extension's path (the page's blocks,
    labelled clauses written out);
  - the same for further fresh instances in this process;
  - per document: the first analysis on a fresh instance, the steady time
    (median), MB/s, the native cold and steady times, the WASM/native ratios;
  - totals over the documents;
  - memory (MiB): a new engine's linear memory, and one engine's after it
    has read those documents three times.

Options:
  --repeat N        runs per document for the steady time (default 5)
  --startups N      fresh instances timed in this process (default 5)
  --cold-starts N   new Node processes for the cold start (default 5; 0 skips it)
  --only SUBSTRING  only the documents whose path contains SUBSTRING
  --help, -h        this text

Environment:
  FINEPRINT_WASM_BUILD_DIR    the WASM build to time (default build/wasm)
  FINEPRINT_NATIVE_BUILD_DIR  the native build to compare with (default build/native)`);
  process.exit(0);
}

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
const repeat = Math.max(1, Number(option('--repeat', 5)));
const startups = Math.max(1, Number(option('--startups', 5)));
const only = option('--only', '');
const coldStarts = Math.max(0, Number(option('--cold-starts', 5)));

const policies = path.join(corpusRoot, 'policies');

function corpusDocuments() {
  const documents = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) {
        documents.push({ name: path.relative(policies, full), bytes: new Uint8Array(readFileSync(full)) });
      }
    }
  };
  walk(policies);
  return documents;
}

function timed(fn) {
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
}

// A fresh instance with the built-in rules: { module, engine, instantiateMs, rulesMs }.
async function freshEngine() {
  const started = performance.now();
  const module = await createRawModule();
  const instantiateMs = performance.now() - started;
  const { ms: rulesMs, result: engine } = timed(() => new module.Engine(''));
  const version = engine.version();
  if (version.includes('fineprint.error/1')) throw new Error(`the built-in rule pack does not load: ${version}`);
  return { module, engine, instantiateMs, rulesMs };
}

// The page URL is '': a corpus file has none (the binding takes no
// two-argument form).
function analyze(engine, bytes) {
  const json = engine.analyze(bytes, 'markdown', '');
  if (json.startsWith('{"schema":"fineprint.error/1"')) throw new Error(json);
  return json;
}

// Native figures per document, from the classify bench in TSV form.
function nativeFigures() {
  const bench = path.join(nativeBuildDir, 'fineprint_bench_classify');
  if (!existsSync(bench)) {
    console.log(`(no ${bench}: native columns left out)`);
    return { compileMs: null, documents: new Map() };
  }
  const args = ['--tsv', '--repeat', String(Math.max(4, repeat))];
  if (only) args.push('--only', only);
  const lines = execFileSync(bench, args, { encoding: 'utf8', maxBuffer: 16 << 20 }).trim().split('\n');
  const documents = new Map();
  let compileMs = null;
  for (const line of lines) {
    const fields = line.split('\t');
    if (fields[0] === 'compile') compileMs = Number(fields[1]);
    else documents.set(fields[0], { jsonMs: Number(fields[5]), coldMs: Number(fields[6]) });
  }
  return { compileMs, documents };
}

// Read on its own: each --one-cold-start process needs only this one.
const flagship = readFlagship();

// The extension's path: the blocks a content script extracts, analysed into
// a page whose labelled clauses are written out (engine.js analyzeBlocks).
function analyzePageAsTheExtensionDoes(engine, blocksJson) {
  const page = engine.analyzePage(blocksJson);
  try {
    const error = page.error();
    if (error !== '') throw new Error(error);
    return page.analysisJson(true);
  } finally {
    page.delete();
  }
}

// --one-cold-start markdown|blocks (internal): this process's first
// instance, as JSON, with the CPU time the process used for it (every thread:
// V8's background compilers too).
if (process.argv.includes('--one-cold-start')) {
  const blocksPath = option('--one-cold-start', 'markdown') === 'blocks';
  // Made before the clock starts, and its CPU time (the Markdown lexer) is
  // taken out of cpuMs, so that both paths' cpuMs count the engine alone.
  const blocksJson = blocksPath ? flagshipBlocksJson(flagship) : null;
  const beforeEngine = process.cpuUsage();
  const { engine, instantiateMs, rulesMs } = await freshEngine();
  const { ms: firstMs } = timed(() =>
    (blocksPath ? analyzePageAsTheExtensionDoes(engine, blocksJson) : analyze(engine, flagship.bytes)));
  engine.delete();
  const { user, system } = process.cpuUsage(beforeEngine);
  console.log(JSON.stringify({ instantiateMs, rulesMs, firstMs, totalMs: instantiateMs + rulesMs + firstMs,
    cpuMs: (user + system) / 1000 }));
  process.exit(0);
}

const documents = corpusDocuments().filter((d) => !only || d.name.includes(only));
const native = nativeFigures();
const fmt = (ms) => (ms === null || ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

function report(title, runs) {
  console.log(title);
  for (const [key, label] of [
    ['instantiateMs', 'instantiate (compile + instantiate the .wasm)'],
    ['rulesMs', 'rule pack (new Engine)'],
    ['firstMs', `first analyze, ${FLAGSHIP}`],
    ['totalMs', 'start-up + first X analysis'],
    ['cpuMs', 'CPU time of start-up + first analysis, every thread'],
  ]) {
    const values = runs.map((r) => r[key]);
    if (values.some((value) => value === undefined)) continue;
    console.log(`  ${label.padEnd(58)} ${fmt(median(values)).padStart(7)} (${fmt(Math.min(...values))})`);
  }
}

if (coldStarts > 0) {
  const self = fileURLToPath(import.meta.url);
  const runs = { markdown: [], blocks: [] };
  for (let i = 0; i < coldStarts; i++) {
    for (const kind of Object.keys(runs)) {  // interleaved, so both see the same machine
      const out = execFileSync(process.execPath, [self, '--one-cold-start', kind], { encoding: 'utf8', env: process.env });
      runs[kind].push(JSON.parse(out.trim().split('\n').pop()));
    }
  }
  report(`WASM cold start, ${coldStarts} new processes (the first instance in each), median (fastest), ms:`, runs.markdown);
  report(`The same on the extension's path (X's policy as blocks, labelled clauses written out):`, runs.blocks);
}

// Start-up: instantiate, rules, first analysis of X's privacy policy.
const starts = [];
for (let i = 0; i < startups; i++) {
  const { engine, instantiateMs, rulesMs } = await freshEngine();
  const { ms: firstMs } = timed(() => analyze(engine, flagship.bytes));
  engine.delete();
  starts.push({ instantiateMs, rulesMs, firstMs, totalMs: instantiateMs + rulesMs + firstMs });
}
report(`WASM start-up, ${startups} more fresh instances in this process, median (fastest), ms:`, starts);
if (native.compileMs !== null) console.log(`  native rule pack compile (CPU time): ${fmt(native.compileMs)} ms`);

console.log(`\nper document: first analyze on a fresh instance, then median of ${repeat} runs; ms`);
console.log(
  ['document'.padEnd(55), '   KB', ' first', 'steady', '  MB/s', 'n-cold', 'n-json', 'first/n', 'steady/n'].join(' '),
);
const totals = { bytes: 0, first: 0, steady: 0, nativeCold: 0, nativeJson: 0 };
for (const document of documents) {
  const { engine } = await freshEngine();
  const first = timed(() => analyze(engine, document.bytes));
  const runs = [];
  for (let i = 0; i < repeat; i++) runs.push(timed(() => analyze(engine, document.bytes)).ms);
  engine.delete();
  const steady = median(runs);
  const n = native.documents.get(document.name);
  totals.bytes += document.bytes.length;
  totals.first += first.ms;
  totals.steady += steady;
  if (n) {
    totals.nativeCold += n.coldMs;
    totals.nativeJson += n.jsonMs;
  }
  const ratio = (a, b) => (b ? `${(a / b).toFixed(1)}x` : '-');
  console.log(
    [document.name.padEnd(55), (document.bytes.length / 1024).toFixed(1).padStart(5), fmt(first.ms).padStart(6),
      fmt(steady).padStart(6), (document.bytes.length / 1e6 / (steady / 1e3)).toFixed(1).padStart(6),
      fmt(n?.coldMs).padStart(6), fmt(n?.jsonMs).padStart(6), ratio(first.ms, n?.coldMs).padStart(7),
      ratio(steady, n?.jsonMs).padStart(8)].join(' '),
  );
}
const mb = totals.bytes / 1e6;
console.log(
  `\n${documents.length} documents, ${mb.toFixed(2)} MB: WASM first ${totals.first.toFixed(1)} ms ` +
    `(${(mb / (totals.first / 1e3)).toFixed(1)} MB/s), steady ${totals.steady.toFixed(1)} ms ` +
    `(${(mb / (totals.steady / 1e3)).toFixed(1)} MB/s)` +
    (totals.nativeJson > 0
      ? `; native cold ${totals.nativeCold.toFixed(1)} ms, steady ${totals.nativeJson.toFixed(1)} ms ` +
        `(${(mb / (totals.nativeJson / 1e3)).toFixed(1)} MB/s); WASM/native: first ` +
        `${(totals.first / totals.nativeCold).toFixed(1)}x, steady ${(totals.steady / totals.nativeJson).toFixed(1)}x`
      : ''),
);

// Memory: one long-lived engine (as the extension keeps one) reads every
// document above three times; its WebAssembly linear memory only grows, so
// its size afterwards is the most the engine needed.
{
  const { module, engine } = await freshEngine();
  const linearMemory = () => module.HEAPU8.buffer.byteLength;
  const created = linearMemory();
  for (let round = 0; round < 3; round++) {
    for (const document of documents) analyze(engine, document.bytes);
  }
  engine.delete();
  console.log(`memory: a new engine's linear memory ${(created / 2 ** 20).toFixed(1)} MiB; after reading the ` +
    `${documents.length} documents three times on one engine ${(linearMemory() / 2 ** 20).toFixed(1)} MiB`);
}
