// The WASM engine through its JS wrapper (wasm/fineprint.js): offsets for
// JavaScript, bad input, lifetime. Parity with the native CLI is in
// parity.test.mjs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import {
  corpusRoot,
  createRawModule,
  createTestEngine,
  firstDifference,
  loadWrapper,
  nativeCli,
  repoRoot,
} from './helpers.mjs';

const ERROR_SCHEMA = 'fineprint.error/1';
const ANALYSIS_SCHEMA = 'fineprint.analysis/1';

// Sentences the built-in pack labels, used to check an engine still works.
const PROBE = 'We may share your personal data with advertisers. You can opt out in Settings.';
const probeLabels = (analysis) => analysis.clauses.map((clause) => clause.labels.map((label) => label.id));

const samplePolicy = path.join(corpusRoot, 'policies/x-twitter/privacy-policy/2024-11-16.md');

let engine;
let wrapper;
let probeJson;
before(async () => {
  ({ wrapper } = await loadWrapper());
  engine = await createTestEngine();
  probeJson = engine.analyzeJson(PROBE, 'text');
});
after(() => engine?.delete());

// The shared engine gives exactly the answer it gave before.
function assertStillWorks(which = engine) {
  assert.equal(which.analyzeJson(PROBE, 'text'), probeJson);
}

function assertFineprintError(fn, pattern) {
  assert.throws(fn, (error) => {
    assert.equal(error.name, 'FineprintError');
    assert.ok(error instanceof wrapper.FineprintError);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('analysis', () => {
  test('labels a plain-text probe, offsets in UTF-8 bytes', () => {
    const analysis = engine.analyze(PROBE, 'text');
    assert.equal(analysis.schema, ANALYSIS_SCHEMA);
    assert.deepEqual(probeLabels(analysis), [['sharing.third_party'], ['choice.opt_out']]);
    const bytes = Buffer.from(PROBE);
    for (const clause of analysis.clauses) {
      assert.equal(bytes.subarray(clause.start, clause.end).toString(), clause.text);
    }
  });

  test('UTF-8 byte offsets for non-ASCII text', () => {
    const text = 'Café 😀 — we may share your personal data with advertisers. 日本語のテキスト。\nالعربية هنا.';
    const bytes = Buffer.from(text);
    const analysis = engine.analyze(text, 'text');
    assert.equal(analysis.document.bytes, bytes.length);
    assert.ok(analysis.clauses.length >= 2);
    for (const clause of analysis.clauses) {
      assert.equal(bytes.subarray(clause.start, clause.end).toString(), clause.text);
    }
  });

  test('a string and its UTF-8 bytes give the same JSON; so does markdown and html', () => {
    assert.equal(engine.analyzeJson(new TextEncoder().encode(PROBE), 'text'), probeJson);
    assert.equal(engine.analyzeJson(new TextEncoder().encode(PROBE).buffer, 'text'), probeJson);
    const markdown = engine.analyze(`# Privacy\n\n${PROBE}\n`, 'markdown');
    assert.deepEqual(markdown.clauses.at(-1).labels.map((l) => l.id), ['choice.opt_out']);
    const html = engine.analyze(`<html><title>Privacy</title><body><p>${PROBE}</p></body></html>`, 'html');
    assert.deepEqual(probeLabels(html), [['sharing.third_party'], ['choice.opt_out']]);
  });

  test('version names the rule pack', () => {
    const version = engine.version();
    assert.equal(version.rules_language, 'en');
    assert.match(version.rules_version, /^\d+\.\d+\.\d+/);
  });
});

describe('analyzeBlocks: UTF-16 offsets into the joined blocks', () => {
  const blocks = [
    { kind: 'heading', level: 1, text: 'Privacy Policy 👩‍👩‍👧' },
    { kind: 'paragraph', text: '😀 We may share your personal data with advertisers. 😀 You can opt out in Settings.' },
    { kind: 'list_item', level: 1, text: '日本語: 私たちはデータを共有します。 We use your posts to train our AI models.' },
    { kind: 'paragraph', text: 'العربية: نحن نشارك بياناتك. 👩‍👩‍👧 We sell your personal information to data brokers.' },
    { kind: 'table_cell', text: 'We may share your personal data with advertisers 👩‍👩‍👧 and partners.' },
  ];
  const joined = blocks.map((block) => block.text).join('\n');

  test('every clause slices its own text out of the joined string', () => {
    const analysis = engine.analyzeBlocks({ title: 'Example 😀 Privacy Policy', blocks });
    assert.equal(analysis.schema, ANALYSIS_SCHEMA);
    assert.equal(analysis.document.offsets, 'utf16');
    assert.ok(analysis.clauses.length >= blocks.length);
    for (const clause of analysis.clauses) {
      assert.ok(clause.start <= clause.end && clause.end <= joined.length, JSON.stringify(clause));
      assert.equal(joined.slice(clause.start, clause.end), clause.text);
      const blockStart = joined.split('\n').slice(0, clause.block).join('\n').length + (clause.block > 0 ? 1 : 0);
      assert.ok(clause.start >= blockStart, `clause ${clause.text} starts before its block`);
    }
    // Labels land on the right clauses despite the astral characters before them.
    const labelled = analysis.clauses.filter((clause) => clause.labels.length > 0);
    assert.ok(labelled.some((c) => c.text.includes('share your personal data') && c.labels.some((l) => l.id === 'sharing.third_party')));
    assert.ok(labelled.some((c) => c.text.includes('opt out') && c.labels.some((l) => l.id === 'choice.opt_out')));
    for (const clause of labelled) {
      for (const label of clause.labels) assert.ok(clause.text.includes(label.evidence), label.evidence);
    }
  });

  test('lone surrogates are replaced, one code unit for one, so offsets hold', () => {
    const broken = [{ kind: 'paragraph', text: 'Broken \uD800 pair. We may share your personal data with advertisers.' }];
    const analysis = engine.analyzeBlocks({ title: '', blocks: broken });
    const text = broken[0].text.replace('\uD800', '\uFFFD');
    for (const clause of analysis.clauses) assert.equal(text.slice(clause.start, clause.end), clause.text);
    assert.ok(analysis.clauses.some((c) => c.labels.some((l) => l.id === 'sharing.third_party')));
  });
});

describe('the page url names the service in notes', () => {
  // X's terms are titled "Terms of Service" only: the title names no one.
  const xTerms = path.join(corpusRoot, 'policies/x-twitter/terms-of-service/2024-11-16.md');
  const blocks = [
    { kind: 'heading', level: 1, text: 'Terms of Service' },
    { kind: 'paragraph', text: 'We may share your posts with third parties, who may use them to train their artificial intelligence models.' },
    { kind: 'paragraph', text: 'We keep cookies for up to 30 days.' },
  ];
  const notes = (analysis) => analysis.clauses.flatMap((clause) => clause.labels.map((label) => label.note));

  test('analyzeBlocks takes the url beside the blocks', () => {
    const anonymous = engine.analyzeBlocks({ title: 'Terms of Service', blocks });
    const named = engine.analyzeBlocks({ title: 'Terms of Service', url: 'https://help.x.com/en/rules-and-policies/x-tos', blocks });
    assert.equal(anonymous.document.service, '');
    assert.equal(named.document.service, 'X');
    assert.ok(notes(named).includes('X keeps this data for up to 30 days.'), notes(named).join(' | '));
    assert.ok(notes(anonymous).includes('This service keeps this data for up to 30 days.'));
    // Only who the notes name changes.
    const labels = (analysis) => analysis.clauses.map((clause) => [clause.start, clause.end, clause.labels.map((l) => l.id)]);
    assert.deepEqual(labels(named), labels(anonymous));
    assert.deepEqual(named.findings, anonymous.findings);
    // The JSON text form carries it the same way; a url that is no string is refused.
    assert.equal(JSON.parse(engine.analyzeBlocksJson(JSON.stringify({ url: 'https://x.com/en/tos', blocks }))).document.service, 'X');
    assertFineprintError(() => engine.analyzeBlocksJson(JSON.stringify({ url: 7, blocks })), /"url" is not a string/);
    assertStillWorks();
  });

  test('analyze(input, format, url): the same JSON as the CLI with --url', async () => {
    const url = 'https://x.com/en/tos';
    const cli = promisify(execFile)(nativeCli, ['analyze', '--format', 'json', '--url', url, xTerms], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const policy = readFileSync(xTerms, 'utf8');
    const json = engine.analyzeJson(policy, 'markdown', url);
    assert.equal(JSON.parse(json).document.service, 'X');
    assert.equal(engine.analyze(policy, 'markdown').document.service, '');
    assert.equal(firstDifference(`${json}\n`, (await cli).stdout), null, 'WASM and CLI JSON differ');
  });
});

describe('bad input never aborts the instance', () => {
  test('empty input', () => {
    for (const format of ['text', 'markdown', 'html']) {
      const analysis = engine.analyze('', format);
      assert.equal(analysis.clauses.length, 0);
      assert.equal(analysis.document.bytes, 0);
    }
    assert.equal(engine.analyzeBlocks({ title: '', blocks: [] }).clauses.length, 0);
    assertStillWorks();
  });

  test('invalid UTF-8 bytes', () => {
    const bytes = new Uint8Array([...Buffer.from('We share data '), 0xc3, 0x28, ...Buffer.from(' more')]);
    assertFineprintError(() => engine.analyze(bytes, 'text'), /invalid UTF-8 at byte offset 14/);
    assertFineprintError(() => engine.analyze(new Uint8Array([0xff, 0xfe, 0xfd]), 'html'), /invalid UTF-8 at byte offset 0/);
    // Truncated sequence at the very end, overlong encoding, encoded surrogate.
    for (const tail of [[0xe6, 0x97], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      assertFineprintError(() => engine.analyze(new Uint8Array([0x41, ...tail]), 'markdown'), /invalid UTF-8 at byte offset 1/);
    }
    assertStillWorks();
  });

  test('NUL bytes', () => {
    assertFineprintError(() => engine.analyze('We share\0 data', 'text'), /NUL byte at byte offset 8/);
    assertFineprintError(() => engine.analyze(new Uint8Array([0x41, 0, 0x42]), 'html'), /NUL byte at byte offset 1/);
    assertFineprintError(
      () => engine.analyzeBlocks({ blocks: [{ kind: 'paragraph', text: 'a\0b' }] }),
      /block 0 text contains a NUL/,
    );
    assertStillWorks();
  });

  test('an unknown format and wrong argument types', () => {
    assertFineprintError(() => engine.analyze(PROBE, 'pdf'), /unknown format 'pdf'/);
    assert.throws(() => engine.analyze(42, 'text'), TypeError);
    assert.throws(() => engine.analyze(PROBE, 7), TypeError);
    assert.throws(() => engine.analyzeBlocksJson({}), TypeError);
    assertStillWorks();
  });

  test('a 10 MB document: the same JSON as the native CLI', async () => {
    const policy = readFileSync(samplePolicy, 'utf8');
    const copies = Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(policy));
    const big = Array(copies).fill(policy).join('\n\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fineprint-big-'));
    try {
      const file = path.join(dir, 'big.md');
      writeFileSync(file, big);
      const cli = promisify(execFile)(nativeCli, ['analyze', '--format', 'json', file], {
        maxBuffer: 1024 * 1024 * 1024,
      });
      const json = engine.analyzeJson(big, 'markdown');
      const analysis = JSON.parse(json);
      assert.equal(analysis.document.bytes, Buffer.byteLength(big));
      const single = engine.analyze(policy, 'markdown');
      assert.ok(analysis.clauses.length >= single.clauses.length * copies * 0.9, 'too few clauses');
      assert.equal(firstDifference(`${json}\n`, (await cli).stdout), null, 'WASM and CLI JSON differ');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assertStillWorks();
  });

  test('an input over the size limit', () => {
    const limit = 32 * 1024 * 1024;
    assertFineprintError(() => engine.analyze(new Uint8Array(limit + 4096).fill(0x61), 'text'), /over the limit of 33554432 bytes/);
    assertStillWorks();
  });

  test('deeply nested markup', () => {
    const depth = 100000;
    // (HTML nesting costs the reader time quadratic in depth: kept shallower.)
    const html = engine.analyze(`${'<div>'.repeat(3000)}<p>${PROBE}</p>${'</div>'.repeat(3000)}`, 'html');
    assert.deepEqual(probeLabels(html), [['sharing.third_party'], ['choice.opt_out']]);
    engine.analyze(`${'> '.repeat(depth)}${PROBE}`, 'markdown');
    engine.analyze(`${Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n')}\n`, 'markdown');
    assertFineprintError(() => engine.analyzeBlocksJson(`{"blocks":${'['.repeat(depth)}${']'.repeat(depth)}}`), /blocks JSON/);
    assertStillWorks();
  });

  test('malformed blocks JSON', () => {
    const cases = [
      ['', /blocks JSON: syntax error at byte offset 0/],
      ['{"blocks": [', /blocks JSON: syntax error/],
      ['{"blocks": [{"text": "a"},]}', /blocks JSON: syntax error/],
      ['[]', /the top level is not an object/],
      ['{"title": "x"}', /"blocks" is missing or not an array/],
      ['{"blocks": {"text": "a"}}', /"blocks" is missing or not an array/],
      ['{"blocks": ["text"]}', /block 0 is not an object/],
      ['{"blocks": [{"text": 5}]}', /block 0 has no "text" string/],
      ['{"blocks": [{"text": "a"}, {"kind": "heading"}]}', /block 1 has no "text" string/],
      ['{"blocks": [{"text": "a", "kind": "video"}]}', /block 0 has an unknown "kind"/],
      ['{"blocks": [{"text": "a", "kind": 3}]}', /block 0 has an unknown "kind"/],
      ['{"blocks": [{"text": "a", "kind": "heading", "level": 1.5}]}', /block 0 has a non-integer "level"/],
      ['{"blocks": [{"text": "a", "kind": "heading", "level": "2"}]}', /block 0 has a non-integer "level"/],
      ['{"title": 7, "blocks": []}', /"title" is not a string/],
      ['{"blocks": [{"text": "\\ud800"}]}', /blocks JSON: syntax error/],
    ];
    for (const [json, pattern] of cases) assertFineprintError(() => engine.analyzeBlocksJson(json), pattern);
    // Out-of-range levels are clamped, not errors; unknown keys are ignored.
    const clamped = engine.analyzeBlocksJson(
      '{"blocks": [{"text": "Hi", "kind": "heading", "level": 99999999999}, {"text": "x", "extra": [1]}]}',
    );
    assert.equal(JSON.parse(clamped).schema, ANALYSIS_SCHEMA);
    // The object form reports the same errors.
    assertFineprintError(() => engine.analyzeBlocks({ blocks: 'nope' }), /"blocks" is missing or not an array/);
    assertFineprintError(() => engine.analyzeBlocks({ blocks: [{ text: null }] }), /block 0 has no "text" string/);
    assertFineprintError(() => engine.analyzeBlocks(), /"blocks" is missing or not an array/);
    assertStillWorks();
  });

  test('a broken rule pack', async () => {
    const builtin = JSON.parse(readFileSync(path.join(repoRoot, 'core/rules/en.json'), 'utf8'));
    const badPattern = structuredClone(builtin);
    badPattern.rules[0].match = '(unclosed';
    const unknownLabel = structuredClone(builtin);
    unknownLabel.rules[0].label = 'no.such.label';
    const cases = [
      ['{', /rules: /],
      ['[]', /rules: /],
      ['{"schema": "something/else"}', /rules: /],
      [JSON.stringify(badPattern), new RegExp(`rules: .*${builtin.rules[0].id}`)],
      [JSON.stringify(unknownLabel), /rules: .*no\.such\.label/],
    ];
    for (const [rulesJson, pattern] of cases) {
      await assert.rejects(createTestEngine({ rulesJson }), (error) => {
        assert.equal(error.name, 'FineprintError');
        assert.match(error.message, pattern);
        return true;
      });
    }
    // A valid custom pack works.
    const custom = await createTestEngine({ rulesJson: JSON.stringify(builtin) });
    assert.equal(custom.analyzeJson(PROBE, 'text'), probeJson);
    custom.delete();

    // Underneath the wrapper, one module: an engine with a broken pack answers
    // every call with the error, and the same instance still serves others.
    const module = await createRawModule();
    const broken = new module.Engine('{"schema": ');
    for (const call of [() => broken.analyze(PROBE, 'text', ''), () => broken.analyzeBlocks('{"blocks":[]}'), () => broken.version()]) {
      const result = JSON.parse(call());
      assert.equal(result.schema, ERROR_SCHEMA);
      assert.match(result.error, /^rules: /);
    }
    const good = new module.Engine('');
    assert.equal(good.analyze(PROBE, 'text', ''), probeJson);
    assert.equal(JSON.parse(broken.analyze(PROBE, 'text', '')).schema, ERROR_SCHEMA);
    broken.delete();
    good.delete();
    assertStillWorks();
  });

  test('error JSON keeps its shape: schema first, message as given', async () => {
    const module = await createRawModule();
    const raw = new module.Engine('');
    assert.equal(
      raw.analyze(new Uint8Array([0x41, 0xff]), 'text', ''),
      '{"schema":"fineprint.error/1","error":"invalid UTF-8 at byte offset 1"}',
    );
    raw.delete();
  });
});

describe('lifetime', () => {
  test('delete() frees the engine; later calls throw a clear error', async () => {
    const doomed = await createTestEngine();
    assert.equal(doomed.usable, true);
    assert.equal(doomed.analyzeJson(PROBE, 'text'), probeJson);
    doomed.delete();
    assert.equal(doomed.usable, false);
    for (const call of [
      () => doomed.analyze(PROBE, 'text'),
      () => doomed.analyzeJson(PROBE, 'text'),
      () => doomed.analyzeBlocks({ blocks: [] }),
      () => doomed.analyzeBlocksJson('{"blocks":[]}'),
      () => doomed.version(),
    ]) {
      assert.throws(call, /FineprintEngine: used after delete\(\)/);
    }
    doomed.delete(); // idempotent
    assertStillWorks(); // other engines are untouched
  });

  test('a new engine after delete() works like the first (service worker wake-up)', async () => {
    let blocksJson = null;
    for (let round = 0; round < 3; round++) {
      const fresh = await createTestEngine();
      assert.equal(fresh.analyzeJson(PROBE, 'text'), probeJson);
      const blocks = fresh.analyzeBlocksJson(JSON.stringify({ title: 'T', blocks: [{ kind: 'paragraph', text: PROBE }] }));
      blocksJson ??= blocks;
      assert.equal(blocks, blocksJson);
      fresh.delete();
    }
  });

  test('an aborted instance (out of memory) makes the engine unusable, with a clear error', () => {
    // A stand-in for the native engine: a real abort cannot be provoked on
    // purpose, since the core turns every bad input into an error.
    const native = {
      analyze: () => {
        throw new WebAssembly.RuntimeError('Aborted(OOM)');
      },
      delete: () => assert.fail('an aborted instance is not called again'),
    };
    const stub = new wrapper.FineprintEngine({ MAX_INPUT_BYTES: 1024 }, native);
    assert.equal(stub.usable, true);
    assert.throws(() => stub.analyze(PROBE, 'text'), /the WebAssembly instance aborted: Aborted\(OOM\)/);
    assert.equal(stub.usable, false);
    assert.throws(() => stub.version(), /aborted \(Aborted\(OOM\)\); create a new engine/);
    stub.delete();
  });

  test('compileDeferredPatterns: idle-time compiling leaves every answer as it was', async () => {
    // A fresh engine answers long patterns with the alternatives a page can
    // match; the idle-time step compiles those patterns whole, a few at a
    // time, and a later page gets the same analysis from them.
    const fresh = await createTestEngine();
    const policy = readFileSync(samplePolicy, 'utf8');
    const first = fresh.analyzeJson(policy, 'markdown');
    const pending = fresh.compileDeferredPatterns(0);
    assert.ok(pending >= 5, `X's policy leaves ${pending} patterns to compile whole`);
    assert.equal(fresh.compileDeferredPatterns(2), pending - 2);
    assert.equal(fresh.compileDeferredPatterns(1000), 0);
    assert.equal(fresh.compileDeferredPatterns(1000), 0);
    assert.equal(fresh.analyzeJson(policy, 'markdown'), first);
    assert.throws(() => fresh.compileDeferredPatterns(-1), RangeError);
    assert.throws(() => fresh.compileDeferredPatterns(1.5), TypeError);
    fresh.delete();
    assert.throws(() => fresh.compileDeferredPatterns(1), /used after delete\(\)/);
  });

  test('engines are independent instances', async () => {
    const [a, b] = await Promise.all([createTestEngine(), createTestEngine()]);
    a.delete();
    assert.equal(b.analyzeJson(PROBE, 'text'), probeJson);
    b.delete();
  });
});
