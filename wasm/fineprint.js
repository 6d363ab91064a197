// The analysis engine for JavaScript: the C++ core compiled to WebAssembly,
// behind a small object with an explicit lifetime (like tree-sitter's web
// binding). Works as an ES module in a Chrome module service worker, a
// Firefox background module script and Node 20.
//
//   import { createEngine } from './fineprint.js';
//   const engine = await createEngine({ locateFile: (f) => chrome.runtime.getURL(`wasm/${f}`) });
//   engine.analyze('We may share your data.', 'text');   // -> analysis object
//   engine.analyzeBlocks({ title, url, blocks });          // offsets in UTF-16 units
//   const page = engine.analyzePage({ title, url, blocks }); // analysed once:
//   page.analysis(); page.snapshot('2026-12-06'); page.delete();
//   engine.delete();                                       // frees the module
//
// Each engine owns one WebAssembly instance; delete() releases it and every
// later call throws. The core never throws across its API: failures come
// back as JSON ({"schema":"fineprint.error/1"}) and surface here as a
// FineprintError. This file sits next to fineprint_wasm.{js,wasm} (the build
// copies all three into the extension's wasm/ folder).
import createFineprintModule from './fineprint_wasm.js';

const ERROR_SCHEMA = 'fineprint.error/1';
const ERROR_PREFIX = `{"schema":"${ERROR_SCHEMA}"`;

// An error the core reported: bad input, a bad rule pack, an unknown format.
export class FineprintError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'FineprintError';
  }
}

// Lone UTF-16 surrogates become U+FFFD (one code unit for one, so UTF-16
// offsets stay put), as TextEncoder would do; the core requires valid UTF-8.
const wellFormed =
  typeof String.prototype.toWellFormed === 'function'
    ? (s) => s.toWellFormed()
    : (s) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function toWellFormedString(_key, value) {
  return typeof value === 'string' ? wellFormed(value) : value;
}

const encoder = new TextEncoder();

// The document as UTF-8 bytes (TextEncoder turns lone surrogates into
// U+FFFD, as embind_std_string.js does for the other strings), so that bytes
// past the core's size limit are never copied into the heap: the first byte
// beyond it is enough for the core to report the input as too large, as the
// CLI does.
function toInput(input, maxBytes) {
  let bytes;
  if (typeof input === 'string') bytes = encoder.encode(input);
  else if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else throw new TypeError('input must be a string, a Uint8Array or an ArrayBuffer');
  return bytes.length > maxBytes + 1 ? bytes.subarray(0, maxBytes + 1) : bytes;
}

function checked(json) {
  if (json.startsWith(ERROR_PREFIX)) throw new FineprintError(JSON.parse(json).error);
  return json;
}

export class FineprintEngine {
  #native;
  #maxInputBytes;
  #failure = null; // why the instance can no longer be used, once it cannot
  #deleted = false;

  constructor(module, native) {
    this.#native = native;
    this.#maxInputBytes = module.MAX_INPUT_BYTES;
  }

  // False once delete() ran or the WebAssembly instance aborted (out of
  // memory); create a new engine then.
  get usable() {
    return this.#failure === null && !this.#deleted;
  }

  // The analysis of a document ("text", "markdown" or "html"), as the native
  // CLI's `analyze --format json [--url URL]` prints it: offsets are UTF-8
  // bytes of the input. `input` is a string or the document's bytes
  // (Uint8Array); `url`, where it was found, names the service in notes.
  analyze(input, format = 'text', url = '') {
    return JSON.parse(this.analyzeJson(input, format, url));
  }

  // The same, as the JSON text (byte for byte the CLI's output).
  analyzeJson(input, format = 'text', url = '') {
    if (typeof format !== 'string') throw new TypeError('format must be "text", "markdown" or "html"');
    const bytes = toInput(input, this.#maxInputBytes);
    const where = String(url ?? '');
    return checked(this.#call((native) => native.analyze(bytes, format, where)));
  }

  // The analysis of blocks a content script extracted from a page:
  // { title, url, blocks: [{ kind, level?, text, navigation?, table?,
  // table_header? }] } (core/readers.h, ReadBlocksJson); url (the page's
  // address, optional) names the service in notes. Offsets are UTF-16 code
  // units into the blocks' texts joined with "\n", so they index JS strings.
  analyzeBlocks({ title = '', url = '', blocks } = {}) {
    return JSON.parse(this.analyzeBlocksJson(JSON.stringify({ title, url, blocks }, toWellFormedString)));
  }

  // The same from (and to) JSON text.
  analyzeBlocksJson(blocksJson) {
    if (typeof blocksJson !== 'string') throw new TypeError('blocksJson must be a string');
    const json = blocksJson;
    return checked(this.#call((native) => native.analyzeBlocks(json)));
  }

  // The snapshot of a document (see core/snapshot.h): what the extension
  // stores per document so a later visit can be diffed without the old page.
  // `url`, where it was found, names the service the snapshot keeps for
  // change summaries (as the CLI's `snapshot --url URL`).
  snapshot(input, format = 'text', date = '', url = '') {
    return JSON.parse(this.snapshotJson(input, format, date, url));
  }

  snapshotJson(input, format = 'text', date = '', url = '') {
    if (typeof format !== 'string') throw new TypeError('format must be "text", "markdown" or "html"');
    const bytes = toInput(input, this.#maxInputBytes);
    const where = String(url ?? '');
    return checked(this.#call((native) => native.snapshot(bytes, format, String(date), where)));
  }

  // The snapshot of blocks extracted from a page ({ title, url, blocks }; the
  // page's address, optional, names the service, as in analyzeBlocks).
  snapshotBlocks({ title = '', url = '', blocks } = {}, date = '') {
    const json = JSON.stringify({ title, url, blocks }, toWellFormedString);
    return JSON.parse(checked(this.#call((native) => native.snapshotBlocks(json, String(date)))));
  }

  // One analysis of a page's blocks ({ title, url, blocks }, as
  // analyzeBlocks), kept as a PageAnalysis from which both the analysis and,
  // later, the snapshot are read, so the page is classified once and its
  // snapshot need not be made before the page has its answer. The caller
  // owns the result and must delete() it. Throws a FineprintError for bad
  // blocks (and frees what it made).
  analyzePage({ title = '', url = '', blocks } = {}) {
    const json = JSON.stringify({ title, url, blocks }, toWellFormedString);
    const native = this.#call((engine) => engine.analyzePage(json));
    const page = new PageAnalysis(native, (fn) => this.#inInstance(fn));
    try {
      page.check(); // surfaces bad blocks now, as analyzeBlocks would
    } catch (error) {
      page.delete();
      throw error;
    }
    return page;
  }

  // What changed from one snapshot to another (objects or JSON text), as
  // `fineprint diff --format json` prints it.
  diff(before, after) {
    return JSON.parse(this.diffJson(before, after));
  }

  diffJson(before, after) {
    const text = (snapshot) => (typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
    const beforeJson = text(before);
    const afterJson = text(after);
    return checked(this.#call((native) => native.diff(beforeJson, afterJson)));
  }

  // Idle-time work after a fresh engine's first page: compiles whole up to
  // maxPatterns of the long patterns the page reached only through their
  // alternatives (Classifier::CompileDeferredPatterns), so the next page
  // runs as fast as on a long-lived engine. Returns how many are left;
  // call again until 0. Results never change.
  compileDeferredPatterns(maxPatterns) {
    if (!Number.isInteger(maxPatterns)) throw new TypeError('maxPatterns must be a whole number');
    if (maxPatterns < 0) throw new RangeError('maxPatterns must not be negative');
    return this.#call((native) => native.compileDeferredPatterns(Math.min(maxPatterns, 0xffffffff)));
  }

  // Throws the FineprintError of a rule pack that did not load.
  check() {
    const error = this.#call((native) => native.error());
    if (error !== '') checked(error);
  }

  // { rules_language, rules_version } of the rule pack in use.
  version() {
    return JSON.parse(checked(this.#call((native) => native.version())));
  }

  // Frees the native engine; the WebAssembly instance is collected once no
  // PageAnalysis of it is left either. Idempotent; every other method
  // throws afterwards.
  delete() {
    if (this.#deleted) return;
    this.#deleted = true;
    const native = this.#native;
    this.#native = null;
    if (this.#failure === null) native.delete();
  }

  #call(fn) {
    if (this.#deleted) throw new Error('FineprintEngine: used after delete()');
    return this.#inInstance(() => fn(this.#native));
  }

  // Runs `fn` in the WebAssembly instance, even after delete() (a
  // PageAnalysis keeps its own reference to the rule pack), unless the
  // instance aborted.
  #inInstance(fn) {
    if (this.#failure !== null) {
      throw new Error(`FineprintEngine: the WebAssembly instance aborted (${this.#failure}); create a new engine`);
    }
    try {
      return fn();
    } catch (error) {
      // The core reports bad input as JSON; what is thrown here is an abort
      // or a trap (out of memory, say), after which the instance's state is
      // unknown. Anything else is a caller's mistake (a binding type error).
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      this.#failure = String(error?.message ?? error);
      this.#native = null;
      throw new Error(`FineprintEngine: the WebAssembly instance aborted: ${this.#failure}`, { cause: error });
    }
  }
}

// A page's analysis kept by FineprintEngine.analyzePage. It holds its own
// reference to the rule pack, so it stays usable after its engine is
// deleted; once the instance aborted, its calls throw, and delete() only
// lets go of the handle (the instance that held it is unusable).
export class PageAnalysis {
  #native;
  #call;

  constructor(native, call) {
    this.#native = native;
    this.#call = call;
  }

  // Throws the FineprintError of an analysis that could not be made.
  check() {
    const error = this.#use((native) => native.error());
    if (error !== '') checked(error);
  }

  // The analysis, as FineprintEngine.analyzeBlocks returns it.
  // labelledClausesOnly: list only the clauses that carry labels, each with
  // its `index` among all clauses (the index findings use); a page paints
  // no others, and leaving them out makes the JSON several times smaller.
  analysis({ labelledClausesOnly = false } = {}) {
    return JSON.parse(this.analysisJson({ labelledClausesOnly }));
  }

  // The same as JSON text.
  analysisJson({ labelledClausesOnly = false } = {}) {
    return checked(this.#use((native) => native.analysisJson(Boolean(labelledClausesOnly))));
  }

  // The page's snapshot dated `date` ("YYYY-MM-DD"), as snapshotBlocks.
  snapshot(date = '') {
    return JSON.parse(checked(this.#use((native) => native.snapshotJson(String(date)))));
  }

  // Frees the native analysis. Idempotent; every other method throws
  // afterwards.
  delete() {
    const native = this.#native;
    if (native === null) return;
    this.#native = null;
    try {
      this.#call(() => native.delete());
    } catch {
      // The instance aborted: nothing in it can be freed any more.
    }
  }

  #use(fn) {
    if (this.#native === null) throw new Error('PageAnalysis: used after delete()');
    const native = this.#native;
    return this.#call(() => fn(native));
  }
}

// Loads a fresh WebAssembly instance and compiles a rule pack in it.
//   wasmBinary  the .wasm bytes (Node: read build/wasm/fineprint_wasm.wasm)
//   locateFile  maps "fineprint_wasm.wasm" to a URL (extension:
//               f => chrome.runtime.getURL(`wasm/${f}`)); by default the
//               file next to fineprint_wasm.js
//   rulesJson   a rule pack (fineprint.rules/1) as JSON text; default: the
//               built-in pack
//   print, printErr  where the module's stdout/stderr go (console by default;
//               the core prints nothing in normal use)
// Rejects with a FineprintError when the rule pack does not parse or compile.
export async function createEngine({ wasmBinary, locateFile, rulesJson = '', print, printErr } = {}) {
  if (typeof rulesJson !== 'string') throw new TypeError('rulesJson must be a string');
  const moduleArgs = {};
  if (wasmBinary !== undefined) moduleArgs.wasmBinary = wasmBinary;
  if (locateFile !== undefined) moduleArgs.locateFile = locateFile;
  if (print !== undefined) moduleArgs.print = print;
  if (printErr !== undefined) moduleArgs.printErr = printErr;
  const module = await createFineprintModule(moduleArgs);
  const native = new module.Engine(rulesJson);
  const engine = new FineprintEngine(module, native);
  try {
    engine.check(); // surfaces a rule pack error now rather than on first use
  } catch (error) {
    engine.delete();
    throw error;
  }
  return engine;
}
