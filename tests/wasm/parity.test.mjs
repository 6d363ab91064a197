// The WASM engine and the native CLI are one core: for every policy in the
// corpus, `fineprint analyze --format json FILE` and engine.analyzeJson on the
// file's bytes print the same JSON, byte for byte.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
  corpusRoot,
  createTestEngine,
  firstDifference,
  formatForPath,
  nativeCli,
  sourcesNewerThan,
  wasmBuildDir,
} from './helpers.mjs';

const run = promisify(execFile);
const policiesRoot = path.join(corpusRoot, 'policies');

function listDocuments(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listDocuments(full) : entry.isFile() ? [full] : [];
    });
}

// Runs fn over items, `limit` at a time.
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

let engine;
before(async () => {
  engine = await createTestEngine();
});
after(() => engine?.delete());

test('native CLI and WASM print identical JSON for every corpus document', async () => {
  assert.ok(existsSync(nativeCli), `missing ${nativeCli}: build the native CLI first`);
  assert.ok(existsSync(policiesRoot), `missing corpus at ${policiesRoot}`);
  const documents = listDocuments(policiesRoot);
  assert.ok(documents.length > 0, 'the corpus has no documents');

  // The CLI runs in child processes while the engine works on the main thread.
  const cliOutputs = mapLimit(documents, 2, async (file) => {
    const { stdout } = await run(nativeCli, ['analyze', '--format', 'json', file], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  });

  const mismatches = [];
  const wasmOutputs = documents.map((file) => {
    const bytes = readFileSync(file);
    const format = formatForPath(file);
    const fromBytes = engine.analyzeJson(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), format);
    // A JS string of the same (valid UTF-8) text must give the same answer.
    const fromString = engine.analyzeJson(bytes.toString('utf8'), format);
    if (fromString !== fromBytes) mismatches.push(`${path.relative(corpusRoot, file)}: string and bytes differ`);
    return fromBytes;
  });

  const cli = await cliOutputs;
  documents.forEach((file, i) => {
    const difference = firstDifference(`${wasmOutputs[i]}\n`, cli[i]);
    if (difference) mismatches.push(`${path.relative(corpusRoot, file)}: WASM and CLI ${difference}`);
  });
  if (mismatches.length > 0) {
    const stale = [nativeCli, path.join(wasmBuildDir, 'fineprint_wasm.wasm')]
      .map((artifact) => [artifact, sourcesNewerThan(artifact)])
      .filter(([, newer]) => newer.length > 0)
      .map(([artifact, newer]) => `${path.basename(artifact)} is older than ${newer.slice(0, 5).join(', ')}`);
    const hint = stale.length > 0 ? `; stale build? ${stale.join('; ')} (rebuild both: ./build.sh --no-demo)` : '';
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${documents.length} documents differ${hint}`);
  }

  // Every document was really analysed (not an error, not empty).
  for (const [i, json] of wasmOutputs.entries()) {
    const analysis = JSON.parse(json);
    assert.equal(analysis.schema, 'fineprint.analysis/1', documents[i]);
    assert.ok(analysis.clauses.length > 0, `${documents[i]} has no clauses`);
  }
});
