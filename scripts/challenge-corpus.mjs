#!/usr/bin/env node
// Builds the challenge set's corpus files (tests/data/challenge/README.md)
// from its sources: each tests/data/challenge/sources/<name>.jsonl line
// ({text, labels, service_kind}) becomes one line of labels/<name>.txt and
// one gold sentence of labels/<name>.gold.jsonl, in the corpus's format
// (id, start, end in UTF-8 bytes, text, labels), which fineprint_eval reads.
//
//   node scripts/challenge-corpus.mjs           # writes labels/
//   node scripts/challenge-corpus.mjs --check   # exit 1 if labels/ is stale
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.join(repoRoot, 'tests', 'data', 'challenge');
const check = process.argv.includes('--check');
// Labels are checked by fineprint_eval, which every corpus goes through:
// it rejects one the pack does not know, or a secondary one (set.json says
// this set labels primary ones only).

const stale = [];
const sources = (await readdir(path.join(root, 'sources'))).filter((name) => name.endsWith('.jsonl')).sort();
// A labels/ file whose source is gone would still be measured.
const made = new Set(sources.flatMap((file) => [file.replace(/\.jsonl$/, '.txt'), file.replace(/\.jsonl$/, '.gold.jsonl')]));
for (const name of await readdir(path.join(root, 'labels'))) {
  if (name !== 'set.json' && !made.has(name)) stale.push(`${name} (no source)`);
}
for (const file of sources) {
  const name = file.slice(0, -'.jsonl'.length);
  const lines = (await readFile(path.join(root, 'sources', file), 'utf8')).split('\n').filter((line) => line.trim());
  let text = '';
  let bytes = 0;
  const gold = lines.map((line, id) => {
    const { text: sentence, labels } = JSON.parse(line);
    const clean = sentence.trim();
    if (/[\r\n]/.test(clean)) throw new Error(`${file}:${id + 1}: a sentence must be one line`);
    const start = bytes;
    const length = Buffer.byteLength(clean, 'utf8');
    text += `${clean}\n`;
    bytes += length + 1;
    return JSON.stringify({ id, start, end: start + length, text: clean, labels: [...new Set(labels)].sort() });
  });
  const outputs = { [`${name}.txt`]: text, [`${name}.gold.jsonl`]: `${gold.join('\n')}\n` };
  for (const [output, contents] of Object.entries(outputs)) {
    const target = path.join(root, 'labels', output);
    if (check) {
      const current = await readFile(target, 'utf8').catch(() => null);
      if (current !== contents) stale.push(output);
    } else {
      await writeFile(target, contents);
    }
  }
}
if (stale.length > 0) {
  console.error(`challenge-corpus: stale, rerun node scripts/challenge-corpus.mjs: ${stale.join(', ')}`);
  process.exit(1);
}
