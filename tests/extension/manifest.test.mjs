// The source manifest's content-script entries agree with each other. The
// known-policy URLs are listed twice, because one entry has one run_at: once
// with the analysis scripts at document_idle, and once with wake.js at
// document_start, which starts the engine while the page still loads. A URL
// added to one list only would either never wake the engine early or wake it
// on a page that is never analysed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';

const manifest = JSON.parse(await readFile(path.join(repoRoot, 'manifest.json'), 'utf8'));
const entries = manifest.content_scripts;
const withScript = (script) => entries.filter((entry) => entry.js.includes(script));

test('wake.js runs at document_start on exactly the known policy URLs', () => {
  const [known, ...moreKnown] = withScript('content/known-page.js');
  const [wake, ...moreWake] = withScript('content/wake.js');
  assert.ok(known && wake, 'both entries exist');
  assert.deepEqual([moreKnown.length, moreWake.length], [0, 0], 'one entry each');
  assert.equal(wake.run_at, 'document_start');
  assert.deepEqual(wake.js, ['content/wake.js'], 'wake.js runs alone: nothing else is needed that early');
  assert.deepEqual([...wake.matches].sort(), [...known.matches].sort());
  assert.deepEqual([...(wake.exclude_matches ?? [])].sort(), [...(known.exclude_matches ?? [])].sort());
});

test('every analysing entry loads the same scripts in the same order, known-page.js only on known URLs', () => {
  const analysing = withScript('content/content.js');
  assert.ok(analysing.length >= 2);
  const withoutMarker = (entry) => entry.js.filter((script) => script !== 'content/known-page.js');
  for (const entry of analysing) {
    assert.deepEqual(withoutMarker(entry), withoutMarker(analysing[0]), JSON.stringify(entry.matches.slice(0, 2)));
    assert.equal(entry.js.at(-1), 'content/content.js', 'content.js runs last, after the scripts it uses');
  }
  const knownUrls = new Set(withScript('content/known-page.js').flatMap((entry) => entry.matches));
  for (const entry of analysing.filter((e) => !e.js.includes('content/known-page.js'))) {
    for (const match of entry.matches) assert.ok(!knownUrls.has(match), `${match} is listed as known and unknown`);
  }
});
