// Snapshots and diffs through the WASM engine: the same JSON as the native
// CLI, and a damaged snapshot reported, never crashed on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { corpusRoot, createTestEngine, firstDifference, nativeCli } from './helpers.mjs';

const run = promisify(execFile);
const xPrivacy = (date) => path.join(corpusRoot, 'policies/x-twitter/privacy-policy', `${date}.md`);

let engine;
let scratch;
before(async () => {
  engine = await createTestEngine();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'fineprint-diff-'));
});
after(() => {
  engine?.delete();
  rmSync(scratch, { recursive: true, force: true });
});

test('WASM snapshot and diff print what the native CLI prints', async () => {
  const oldText = readFileSync(xPrivacy('2024-07-25'));
  const newText = readFileSync(xPrivacy('2024-11-16'));
  const oldSnapshot = engine.snapshotJson(oldText, 'markdown', '2024-07-25');
  const newSnapshot = engine.snapshotJson(newText, 'markdown', '2024-11-16');

  const nativeSnapshot = await run(nativeCli, ['snapshot', '--date', '2024-07-25', xPrivacy('2024-07-25')]);
  assert.equal(firstDifference(oldSnapshot + '\n', nativeSnapshot.stdout), null);

  const oldFile = path.join(scratch, 'old.snapshot.json');
  const newFile = path.join(scratch, 'new.snapshot.json');
  writeFileSync(oldFile, oldSnapshot);
  writeFileSync(newFile, newSnapshot);
  const nativeDiff = await run(nativeCli, ['diff', '--format', 'json', oldFile, newFile], { maxBuffer: 64 << 20 });
  const wasmDiff = engine.diffJson(oldSnapshot, newSnapshot);
  assert.equal(firstDifference(wasmDiff + '\n', nativeDiff.stdout), null);

  const diff = JSON.parse(wasmDiff);
  assert.equal(diff.schema, 'fineprint.diff/1');
  assert.ok(
    diff.summary.some((item) => item.label === 'ai_training.third_party' && item.change === 'added'),
    'the new third-party AI-training clause is summarised',
  );
});

test('a corrupt snapshot is an error and the engine keeps working', () => {
  const snapshot = engine.snapshotJson('We keep cookies for up to 13 months.', 'text', '2026-01-01');
  const damaged = snapshot.replace('13 months', '18 months');
  assert.throws(() => engine.diffJson(damaged, snapshot), /corrupt snapshot/);
  assert.throws(() => engine.diffJson('{"schema": "fineprint.snapshot/1"', snapshot), /snapshot/);
  const same = engine.diff(snapshot, snapshot);
  assert.equal(same.changes.length, 0);
});

test('snapshots keep the service the url names, as the native CLI does', async () => {
  const xTerms = path.join(corpusRoot, 'policies/x-twitter/terms-of-service/2024-11-16.md');
  const url = 'https://help.x.com/en/rules-and-policies/x-tos';
  const named = engine.snapshotJson(readFileSync(xTerms), 'markdown', '2024-11-16', url);
  assert.equal(JSON.parse(named).document.service, 'X');
  const nativeSnapshot = await run(nativeCli, ['snapshot', '--url', url, xTerms]);
  assert.equal(firstDifference(named + '\n', nativeSnapshot.stdout), null);
  // "Terms of Service" names no service: without the url none is kept.
  assert.equal('service' in engine.snapshot(readFileSync(xTerms), 'markdown', '2024-11-16').document, false);
});

test('snapshotBlocks passes the url, and the summary names the newer service', () => {
  const title = 'Terms of Service';
  const common = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', text: 'We keep cookies for up to 13 months.' },
  ];
  const added = { kind: 'paragraph', text: 'We may use your posts to train our artificial intelligence models.' };
  // Stored before the url was passed: no service.
  const stored = engine.snapshotBlocks({ title, blocks: common }, '2026-01-01');
  assert.equal('service' in stored.document, false);
  const url = 'https://x.com/en/tos';
  const current = engine.snapshotBlocks({ title, url, blocks: [...common, added] }, '2026-02-01');
  assert.equal(current.document.service, 'X');
  const note = (before, after) =>
    engine.diff(before, after).summary.find((item) => item.label === 'ai_training.first_party')?.note;
  assert.equal(note(stored, current), 'A new clause lets X train AI on your data');
  const unnamed = engine.snapshotBlocks({ title, blocks: [...common, added] }, '2026-02-01');
  assert.equal(note(stored, unnamed), 'A new clause lets the service train AI on your data');
});

const emojiPage = {
  title: 'Privacy Policy',
  url: 'https://x.com/en/privacy',
  blocks: [
    { kind: 'heading', level: 1, text: 'Privacy Policy 🔒' },
    { kind: 'paragraph', text: 'We may use your posts to train our artificial intelligence models.' },
    { kind: 'list_item', level: 1, text: 'Logs are kept for up to 18 months.' },
  ],
};

test('analyzePage gives analyzeBlocks and snapshotBlocks from one analysis', () => {
  const page = engine.analyzePage(emojiPage);
  try {
    assert.deepEqual(page.analysis(), engine.analyzeBlocks(emojiPage));
    assert.deepEqual(page.snapshot('2026-12-06'), engine.snapshotBlocks(emojiPage, '2026-12-06'));
    assert.equal(page.snapshot('2026-12-06').document.service, 'X');
    // The snapshot can be read again, and dated differently.
    assert.equal(page.snapshot('2027-01-01').date, '2027-01-01');
  } finally {
    page.delete();
  }
  page.delete(); // idempotent
  assert.throws(() => page.analysis(), /after delete/);
  assert.throws(() => page.snapshot('2026-12-06'), /after delete/);
});

test('analyzePage lists only the labelled clauses when asked, with their indexes', () => {
  const page = engine.analyzePage(emojiPage);
  try {
    const all = page.analysis();
    const labelled = page.analysis({ labelledClausesOnly: true });
    const expected = all.clauses.flatMap((clause, index) => (clause.labels.length > 0 ? [{ index, ...clause }] : []));
    assert.ok(expected.length >= 2 && expected.length < all.clauses.length);
    assert.deepEqual(labelled.clauses, expected);
    assert.deepEqual(labelled.document, all.document);
    assert.deepEqual(labelled.findings, all.findings);
  } finally {
    page.delete();
  }
});

test('analyzePage rejects bad blocks at once, and the engine stays usable', () => {
  assert.throws(() => engine.analyzePage({ title: 'x', blocks: 'not a list' }), /blocks/);
  assert.ok(engine.usable);
  const page = engine.analyzePage(emojiPage);
  assert.ok(page.analysis().clauses.length > 0);
  page.delete();
});

test('a PageAnalysis outlives its engine: it keeps its own reference to the rule pack', async () => {
  const own = await createTestEngine();
  const page = own.analyzePage(emojiPage);
  const expected = page.snapshot('2026-12-06');
  own.delete();
  assert.throws(() => own.analyzeBlocks(emojiPage), /after delete/);
  assert.deepEqual(page.snapshot('2026-12-06'), expected);
  assert.deepEqual(page.analysis().clauses.length > 0, true);
  page.delete();
  assert.throws(() => page.snapshot('2026-12-06'), /after delete/);
});
