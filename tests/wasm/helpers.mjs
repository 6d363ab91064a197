// Loads the WASM engine exactly as it ships: the wrapper wasm/fineprint.js
// next to build/wasm/fineprint_wasm.{js,wasm}, staged together in a temporary
// folder the way scripts/build-extension.mjs lays out the extension's wasm/.
// Reused by the tests and by benchmarks:
//
//   import { createTestEngine } from '../tests/wasm/helpers.mjs';
//   const engine = await createTestEngine();   // built-in rules
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { repoRoot, wasmBuildDir } from '../../scripts/build-extension.mjs';

export { repoRoot, wasmBuildDir };

// FINEPRINT_WASM_BUILD_DIR (read in scripts/build-extension.mjs) /
// FINEPRINT_NATIVE_BUILD_DIR test or benchmark other builds than build/wasm
// and build/native (a helper's own build dir).
export const nativeBuildDir = process.env.FINEPRINT_NATIVE_BUILD_DIR
  ? path.resolve(process.env.FINEPRINT_NATIVE_BUILD_DIR)
  : path.join(repoRoot, 'build', 'native');
export const nativeCli = path.join(nativeBuildDir, 'fineprint');
export const corpusRoot = path.resolve(repoRoot, '../shared/corpus');

const wrapperSource = path.join(repoRoot, 'wasm', 'fineprint.js');
const artifacts = ['fineprint_wasm.js', 'fineprint_wasm.wasm'];

let staged = null;

// { dir, wrapper: the imported wasm/fineprint.js, wasmBinary: Uint8Array }
export async function loadWrapper() {
  staged ??= (async () => {
    for (const file of artifacts) {
      if (!existsSync(path.join(wasmBuildDir, file))) {
        throw new Error(`missing ${path.join(wasmBuildDir, file)}: run ./build-wasm.sh first`);
      }
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fineprint-wasm-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(wrapperSource, path.join(dir, 'fineprint.js'));
    for (const file of artifacts) copyFileSync(path.join(wasmBuildDir, file), path.join(dir, file));
    const wrapper = await import(pathToFileURL(path.join(dir, 'fineprint.js')).href);
    const wasmBinary = new Uint8Array(readFileSync(path.join(dir, 'fineprint_wasm.wasm')));
    return { dir, wrapper, wasmBinary };
  })();
  return staged;
}

// A FineprintEngine on a fresh WebAssembly instance. Options as createEngine's
// (rulesJson, ...); the .wasm bytes are passed in, since the generated loader
// is built for browsers (-sENVIRONMENT=web,worker) and would try to fetch.
export async function createTestEngine(options = {}) {
  const { wrapper, wasmBinary } = await loadWrapper();
  return wrapper.createEngine({ wasmBinary, ...options });
}

// The raw Emscripten module (Module.Engine etc.), for tests of the binding
// underneath the wrapper.
export async function createRawModule(options = {}) {
  const { dir, wasmBinary } = await loadWrapper();
  const { default: createFineprintModule } = await import(pathToFileURL(path.join(dir, 'fineprint_wasm.js')).href);
  return createFineprintModule({ wasmBinary, ...options });
}

// The format the CLI infers from a file name (core FormatForPath).
export function formatForPath(file) {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.html' || ext === '.htm') return 'html';
  return 'text';
}

// Where two long texts first differ, with a little context, or null when
// they are equal: keeps a failing comparison of megabytes of JSON readable.
export function firstDifference(actual, expected) {
  if (actual === expected) return null;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const around = (text) => JSON.stringify(text.slice(Math.max(0, at - 80), at + 80));
  return `differ at character ${at} (lengths ${actual.length} and ${expected.length}):\n  ${around(actual)}\n  ${around(expected)}`;
}

// Sources of the core (and its rule packs) changed after `artifact` was
// built: a reason for the native CLI and the WASM module to disagree.
export function sourcesNewerThan(artifact) {
  if (!existsSync(artifact)) return [];
  const built = statSync(artifact).mtimeMs;
  const newer = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (statSync(full).mtimeMs > built) newer.push(path.relative(repoRoot, full));
    }
  };
  for (const dir of ['core', 'wasm']) walk(path.join(repoRoot, dir));
  return newer;
}

// Inline Markdown tokens as the text a browser shows for them.
function plainText(tokens) {
  return tokens.map((token) => (token.tokens ? plainText(token.tokens) : token.type === 'br' ? '\n' : token.text ?? '')).join('');
}

// The blocks the content script's extractBlocks would make of the page a
// corpus document renders to: one per heading, paragraph, list item (with
// its nesting depth), table cell, and code or HTML block. What the extension
// sends the engine; the tests and benchmarks of that path use it.
export function blocksOfMarkdown(markdown) {
  const blocks = [];
  let tables = 0;
  const walk = (tokens, listDepth) => {
    for (const token of tokens) {
      switch (token.type) {
        case 'heading':
          blocks.push({ kind: 'heading', level: token.depth, text: plainText(token.tokens) });
          break;
        case 'paragraph':
        case 'text':
          blocks.push({ kind: listDepth > 0 ? 'list_item' : 'paragraph', level: listDepth, text: plainText(token.tokens ?? [token]) });
          break;
        case 'list':
          for (const item of token.items) walk(item.tokens, listDepth + 1);
          break;
        case 'blockquote':
          walk(token.tokens, listDepth);
          break;
        case 'table':
          // A cell's column, table and whether it is a header, as the
          // content script gives them (the Markdown header row is <thead>).
          tables += 1;
          for (const [index, row] of [token.header, ...token.rows].entries()) {
            row.forEach((cell, column) =>
              blocks.push({ kind: 'table_cell', level: column + 1, table: tables, table_header: index === 0, text: plainText(cell.tokens) }));
          }
          break;
        case 'code':
        case 'html':
          blocks.push({ kind: 'paragraph', level: 0, text: token.text });
          break;
        default:
          break; // space, hr
      }
    }
  };
  walk(marked.lexer(markdown), 0);
  return blocks.filter((block) => block.text.trim() !== '');
}

// X's privacy policy of 2024-11-16, the extension's flagship page, as the
// benchmarks of a fresh engine's first page read it: its path under the
// corpus policies and its bytes.
export const FLAGSHIP = 'x-twitter/privacy-policy/2024-11-16.md';
export function readFlagship() {
  return { name: FLAGSHIP, bytes: new Uint8Array(readFileSync(path.join(corpusRoot, 'policies', FLAGSHIP))) };
}

// What the content script sends the engine for that page (on x.com).
export function flagshipBlocksJson(flagship) {
  return JSON.stringify({
    title: 'X Privacy Policy',
    url: 'https://x.com/en/privacy',
    blocks: blocksOfMarkdown(new TextDecoder().decode(flagship.bytes)),
  });
}
