// The background's document history (extension/background/history.js) in
// Node, against an in-memory chrome.storage.local and the real WASM engine's
// snapshots and diffs: URL normalisation, pruning under the budget, and that
// damaged data and storage errors are reported, never silently dropped.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { corpusRoot, createTestEngine } from '../wasm/helpers.mjs';

// A stand-in for chrome.storage.local (structured clone, like the real one),
// with a switch that makes set() fail as a full quota does.
const store = new Map();
let failSetWith = null;
globalThis.chrome = {
  runtime: { getURL: (file) => `chrome-extension://test/${file}` },
  storage: {
    local: {
      async get(key) {
        if (key === null) return Object.fromEntries([...store].map(([k, v]) => [k, structuredClone(v)]));
        return store.has(key) ? { [key]: structuredClone(store.get(key)) } : {};
      },
      async set(items) {
        if (failSetWith) throw new Error(failSetWith);
        for (const [key, value] of Object.entries(items)) store.set(key, structuredClone(value));
      },
    },
  },
};
const { keyOf, normaliseUrl, prune, recordVisit, readHistory, MAX_VERSIONS_PER_DOCUMENT } = await import(
  '../../extension/background/history.js'
);

const X = path.join(corpusRoot, 'policies', 'x-twitter', 'privacy-policy');

describe('document history', () => {
  let engine;
  let july;
  let november;
  const diff = (a, b) => engine.diff(a, b);

  before(async () => {
    engine = await createTestEngine();
    july = engine.snapshot(await readFile(path.join(X, '2024-07-25.md'), 'utf8'), 'markdown', '2024-07-25');
    november = engine.snapshot(await readFile(path.join(X, '2024-11-16.md'), 'utf8'), 'markdown', '2024-11-16');
  });

  test('URLs are normalised: no fragment, no tracking parameters, lower-case host', () => {
    assert.equal(
      normaliseUrl('https://X.com/en/privacy?utm_source=a&UTM_medium=b&fbclid=1&gclid=2&ref=3&s=4&t=5&lang=en#top'),
      'https://x.com/en/privacy?lang=en',
    );
    assert.equal(keyOf('https://x.com/en/privacy#a'), keyOf('https://x.com/en/privacy?utm_campaign=z'));
  });

  test('first visit, same version, changed version', async () => {
    store.clear();
    const url = 'https://example.com/privacy';
    assert.equal((await recordVisit(url, july, diff, 'visit-1')).status, 'first-visit');
    assert.equal((await recordVisit(url, july, diff, 'visit-2')).status, 'unchanged');
    const changed = await recordVisit(`${url}?utm_source=x`, november, diff, 'visit-3');
    assert.equal(changed.status, 'changed');
    assert.ok(changed.count > 0);
    assert.equal(changed.severity, 'alert');
    assert.ok(changed.comparison.diff.summary.some((item) => item.label === 'ai_training.third_party'));
    const history = await readHistory(url);
    assert.equal(history.versions.length, 2);
    assert.deepEqual(history.errors, []);
  });

  test('re-analysing within one visit updates that visit\'s version, not the history', async () => {
    store.clear();
    const url = 'https://example.com/late';
    await recordVisit(url, july, diff, 'old-visit');
    const partial = engine.snapshot('Privacy Policy\n\nWe keep your data for 30 days.', 'text', '2024-11-16');
    assert.equal((await recordVisit(url, partial, diff, 'new-visit')).status, 'changed');
    const full = await recordVisit(url, november, diff, 'new-visit');
    assert.equal(full.status, 'changed');
    assert.ok(full.comparison.diff.summary.some((item) => item.label === 'ai_training.third_party'));
    assert.equal((await readHistory(url)).versions.length, 2);
  });

  test('a damaged record is kept as it is and reported', async () => {
    store.clear();
    const url = 'https://example.com/damaged';
    store.set(keyOf(url), 'not a history');
    const result = await recordVisit(url, july, diff, 'v');
    assert.equal(result.status, 'error');
    assert.match(result.errors[0], /damaged/);
    assert.equal(store.get(keyOf(url)), 'not a history');
    assert.match((await readHistory(url)).errors[0], /damaged/);
  });

  test('a corrupt stored snapshot is kept and reported; the new version is added after it', async () => {
    store.clear();
    const url = 'https://example.com/corrupt';
    await recordVisit(url, july, diff, 'v1');
    const record = store.get(keyOf(url));
    record.versions[0].snapshot = { schema: 'fineprint.snapshot/1', garbage: true };
    store.set(keyOf(url), record);
    const result = await recordVisit(url, november, diff, 'v2');
    assert.equal(result.status, 'error');
    assert.match(result.errors[0], /could not be compared \(it was kept\)/);
    const after = store.get(keyOf(url));
    assert.equal(after.versions.length, 2);
    assert.deepEqual(after.versions[0].snapshot, { schema: 'fineprint.snapshot/1', garbage: true });
    assert.match((await readHistory(url)).errors[0], /damaged/);
  });

  test('a full storage quota is reported', async () => {
    store.clear();
    failSetWith = 'QUOTA_BYTES quota exceeded';
    try {
      const result = await recordVisit('https://example.com/full', july, diff, 'v');
      assert.match(result.errors[0], /storage is full/);
    } finally {
      failSetWith = null;
    }
  });

  test('pruning keeps at most the version limit and the budget, never a latest version', () => {
    const version = (seenAt, size) => ({ date: seenAt.slice(0, 10), seenAt, snapshot: 'x'.repeat(size) });
    const records = {
      'doc:a': { schema: 'fineprint.history/1', url: 'a', versions: Array.from({ length: 8 }, (_, i) => version(`2024-01-0${i + 1}T00:00`, 10)) },
      'doc:b': { schema: 'fineprint.history/1', url: 'b', versions: [version('2023-01-01T00:00', 5000), version('2023-02-01T00:00', 5000)] },
      'doc:c': { schema: 'fineprint.history/1', url: 'c', versions: [version('2022-01-01T00:00', 9000)] },
      'doc:bad': 'damaged, left alone',
    };
    const changed = prune(records, 12_000);
    assert.equal(records['doc:a'].versions.length <= MAX_VERSIONS_PER_DOCUMENT, true);
    assert.equal(records['doc:a'].versions.at(-1).seenAt, '2024-01-08T00:00');
    assert.equal(records['doc:b'].versions.length, 1, 'the oldest non-latest version went first');
    assert.equal(records['doc:b'].versions[0].seenAt, '2023-02-01T00:00');
    assert.equal(records['doc:c'].versions.length, 1, 'a latest version is never pruned');
    assert.equal(records['doc:bad'], 'damaged, left alone');
    assert.deepEqual(changed.sort(), ['doc:a', 'doc:b']);
  });
});
