// Export, import and clearing of the background's document history
// (extension/background/history.js) in Node, against an in-memory
// chrome.storage.local and the real WASM engine's snapshots: a round trip
// restores everything, a bad or foreign file is refused with nothing stored
// changed, and a merge keeps every stored version and the latest of each
// document.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, beforeEach, describe, test } from 'node:test';
import { corpusRoot, createTestEngine } from '../wasm/helpers.mjs';
import { storage } from './support/fake-browser.mjs';

const { EXPORT_SCHEMA, MAX_VERSIONS_PER_DOCUMENT, clearHistory, exportHistory, importHistory, keyOf, readHistory, recordVisit } =
  await import('../../extension/background/history.js');

const X = path.join(corpusRoot, 'policies', 'x-twitter', 'privacy-policy');
const PRIVACY = 'https://x.com/en/privacy';
const TERMS = 'https://example.com/terms';

describe('history export and import', () => {
  let engine;
  let july;
  let november;
  let terms;
  const diff = (a, b) => engine.diff(a, b);
  const checkSnapshot = (snapshot) => engine.diff(snapshot, snapshot);
  const importText = (data) => importHistory(typeof data === 'string' ? data : JSON.stringify(data), checkSnapshot);

  before(async () => {
    engine = await createTestEngine();
    july = engine.snapshot(await readFile(path.join(X, '2024-07-25.md'), 'utf8'), 'markdown', '2024-07-25');
    november = engine.snapshot(await readFile(path.join(X, '2024-11-16.md'), 'utf8'), 'markdown', '2024-11-16');
    terms = engine.snapshot('Terms\n\nWe keep your data for 30 days. You can opt out in Settings.', 'text', '2024-01-01');
  });

  beforeEach(() => storage.reset());

  // Two documents: the privacy policy seen in two versions (so it has a
  // comparison), the terms in one.
  async function storeTwoDocuments() {
    await recordVisit(PRIVACY, july, diff, 'v1');
    await recordVisit(PRIVACY, november, diff, 'v2');
    await recordVisit(TERMS, terms, diff, 'v3');
  }

  test('a round trip: export, clear, import gives back exactly what was stored', async () => {
    await storeTwoDocuments();
    const before = storage.snapshot();
    const exported = await exportHistory();
    assert.equal(exported.export.schema, EXPORT_SCHEMA);
    assert.equal(exported.documents, 2);
    assert.equal(exported.versions, 3);
    assert.deepEqual(exported.damaged, []);
    const file = JSON.stringify(exported.export, null, 2);

    assert.deepEqual(await clearHistory(), { documents: 2, versions: 3, damaged: 0 });
    assert.equal(storage.data.size, 0);

    const result = await importText(file);
    assert.deepEqual(result, {
      ok: true,
      documents: { added: 2, updated: 0, unchanged: 0, damaged: [] },
      versions: { added: 3, leftOut: 0 },
    });
    assert.deepEqual(storage.snapshot(), before);
    // The popup's view of it is the same too: the comparison that produced
    // the latest version still says what changed.
    const history = await readHistory(PRIVACY);
    assert.equal(history.versions.length, 2);
    assert.equal(history.title, 'X Privacy Policy');
    assert.equal(history.lastComparison.at, history.versions.at(-1).seenAt);

    const again = await importText(file);
    assert.deepEqual(again.documents, { added: 0, updated: 0, unchanged: 2, damaged: [] }, 'importing twice adds nothing');
    assert.deepEqual(storage.snapshot(), before);
  });

  test('bad and foreign files are refused with a reason, and nothing stored changes', async () => {
    await storeTwoDocuments();
    const before = storage.snapshot();
    const good = (await exportHistory()).export;
    const withVersion = (change) => {
      const copy = structuredClone(good);
      change(copy.documents[0].versions[0]);
      return copy;
    };
    const cases = [
      ['not JSON at all', '\u0089PNG\r\n', 'not-json'],
      ['JSON but no schema', { documents: [] }, 'not-export'],
      ['another program\'s JSON', { schema: 'something.else/1', documents: [] }, 'not-export'],
      ['a snapshot, not an export', july, 'not-export'],
      ['an export from a newer Fineprint', { ...good, schema: 'fineprint.export/2' }, 'newer-version'],
      ['documents is not a list', { ...good, documents: {} }, 'invalid'],
      ['a document of another schema', { ...good, documents: [{ ...good.documents[0], schema: 'x' }] }, 'invalid'],
      ['a document whose URL is not a web page', { ...good, documents: [{ ...good.documents[0], url: 'javascript:alert(1)' }] }, 'invalid'],
      ['a document without versions', { ...good, documents: [{ ...good.documents[0], versions: [] }] }, 'invalid'],
      ['a version without a date', withVersion((version) => delete version.date), 'invalid'],
      ['a version seen at no time', withVersion((version) => { version.seenAt = 'yesterday'; }), 'invalid'],
      ['a version whose snapshot is not one', withVersion((version) => { version.snapshot = 'text'; }), 'invalid'],
      ['a snapshot the engine finds damaged', withVersion((version) => { version.snapshot.clauses.text[3] = 'tampered'; }), 'invalid'],
    ];
    for (const [what, file, code] of cases) {
      const result = await importText(file);
      assert.equal(result.ok, false, what);
      assert.equal(result.code, code, `${what}: ${result.detail}`);
      assert.equal(typeof result.detail, 'string', what);
      assert.deepEqual(storage.snapshot(), before, `${what}: nothing stored changed`);
    }
    const damaged = await importText(withVersion((version) => { version.snapshot.clauses.text[3] = 'tampered'; }));
    assert.match(damaged.detail, /^documents\[0\] \(https:\/\/example\.com\/terms\)\.versions\[0\]\.snapshot is damaged: .*corrupt snapshot/);
  });

  test('a storage error while importing is reported, and nothing stored changes', async () => {
    await storeTwoDocuments();
    const file = JSON.stringify((await exportHistory()).export);
    await clearHistory();
    await recordVisit(TERMS, terms, diff, 'v9');
    const before = storage.snapshot();
    storage.failWith('set', 'QUOTA_BYTES quota exceeded');
    const result = await importText(file);
    storage.failWith('set', null);
    assert.deepEqual({ ok: result.ok, code: result.code }, { ok: false, code: 'storage' });
    assert.match(result.detail, /storage is full/);
    assert.deepEqual(storage.snapshot(), before);
  });

  test('merging keeps every stored version and adds the file\'s, the latest of all last', async () => {
    // Here the privacy policy was seen in July; the file (from another
    // browser) saw it in July earlier still, and in November.
    await recordVisit(PRIVACY, july, diff, 'here-1');
    const stored = storage.data.get(keyOf(PRIVACY));
    const file = {
      schema: EXPORT_SCHEMA,
      exportedAt: '2024-12-01T00:00:00.000Z',
      documents: [
        {
          schema: 'fineprint.history/1',
          url: `${PRIVACY}?utm_source=mail#top`,
          versions: [
            { date: '2024-07-26', seenAt: '2024-07-26T10:00:00.000Z', visitId: 'there-1', snapshot: july },
            { date: '2024-11-16', seenAt: '2099-11-16T10:00:00.000Z', visitId: 'there-2', snapshot: november, extra: 'not stored' },
          ],
          lastComparison: { fromDate: '2024-07-26', toDate: '2024-11-16', at: '2099-11-16T10:00:00.000Z', diff: engine.diff(july, november) },
        },
      ],
    };
    const result = await importText(file);
    assert.deepEqual(result.documents, { added: 0, updated: 1, unchanged: 0, damaged: [] });
    assert.deepEqual(result.versions, { added: 2, leftOut: 0 });
    const merged = storage.data.get(keyOf(PRIVACY));
    assert.equal(merged.url, PRIVACY, 'stored under the normalised URL');
    assert.deepEqual(merged.versions.map((version) => version.visitId), ['there-1', 'here-1', 'there-2']);
    assert.deepEqual(merged.versions[1], stored.versions[0], 'the stored version is untouched');
    assert.equal(merged.versions[2].extra, undefined, 'only the fields a version has are stored');
    assert.equal(merged.lastComparison.at, merged.versions.at(-1).seenAt, 'the comparison goes with the latest version');
  });

  test('a merge over the version limit leaves out the file\'s oldest, never a stored one, never the latest', async () => {
    const seen = (day) => `2024-0${day}-01T00:00:00.000Z`;
    const version = (day, visitId, snapshot = july) => ({ date: seen(day).slice(0, 10), seenAt: seen(day), visitId, snapshot });
    storage.data.set(keyOf(PRIVACY), {
      schema: 'fineprint.history/1',
      url: PRIVACY,
      versions: [2, 4, 6, 8].map((day) => version(day, `here-${day}`)),
      lastComparison: null,
    });
    const file = {
      schema: EXPORT_SCHEMA,
      documents: [{ schema: 'fineprint.history/1', url: PRIVACY, versions: [1, 3, 5, 9].map((day) => version(day, `there-${day}`, day === 9 ? november : july)) }],
    };
    const result = await importText(file);
    assert.deepEqual(result.versions, { added: 1, leftOut: 3 });
    const merged = storage.data.get(keyOf(PRIVACY));
    assert.equal(merged.versions.length, MAX_VERSIONS_PER_DOCUMENT);
    assert.deepEqual(merged.versions.map((each) => each.visitId), ['here-2', 'here-4', 'here-6', 'here-8', 'there-9']);
  });

  test('a damaged stored record is kept as it is; its document is not imported and is named', async () => {
    await storeTwoDocuments();
    const file = JSON.stringify((await exportHistory()).export);
    storage.data.set(keyOf(TERMS), 'damaged');
    const result = await importText(file);
    assert.deepEqual(result.documents, { added: 0, updated: 0, unchanged: 1, damaged: [TERMS] });
    assert.equal(storage.data.get(keyOf(TERMS)), 'damaged');
    const exported = await exportHistory();
    assert.deepEqual(exported.damaged, [TERMS], 'export names what it cannot export');
    assert.equal(exported.documents, 1);
  });

  test('clearing removes every document history, damaged ones too, and reports them', async () => {
    await storeTwoDocuments();
    storage.data.set('doc:https://example.com/bad', 42);
    storage.data.set('settings', { autoRun: false });
    assert.deepEqual(await clearHistory(), { documents: 2, versions: 3, damaged: 1 });
    assert.deepEqual([...storage.data.keys()], ['settings'], 'the settings are settings.js\'s to remove');

    await storeTwoDocuments();
    const before = storage.snapshot();
    storage.failWith('remove', 'IO error');
    await assert.rejects(clearHistory(), /storage error: IO error/);
    storage.failWith('remove', null);
    assert.deepEqual(storage.snapshot(), before);
  });

  test('a storage error while exporting is reported', async () => {
    storage.failWith('get', 'IO error');
    await assert.rejects(exportHistory(), /storage error: IO error/);
  });
});
