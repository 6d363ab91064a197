// The background's reply to a page (extension/background/engine.js,
// analyzeBlocks) in Node: the real engine.js as the Chromium build ships it,
// over the real WASM engine, checked against that engine's own full analysis
// of the same blocks (every clause, with core indexes). The reply must list
// exactly the labelled clauses, in order, at the same UTF-16 offsets and
// with the same labels; point each finding at the reply's indexes of its
// labelled clauses (a bug there paints findings on the wrong clauses); keep
// the examples of the labels present; count every clause; say where the time
// went; and hand over the kept analysis for the snapshot when asked.
//
// engine.js imports '../wasm/fineprint.js' and '../browser/api.js', which
// only sit beside it in a build, so the test builds the Chromium extension
// into a temporary folder (scripts/build-extension.mjs) and imports
// background/engine.js from there. In the browser the engine's loader
// fetches the .wasm from the extension's own URL (runtime.getURL); here a
// stand-in fetch serves the build's files for that URL and refuses anything
// else.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import { buildExtension } from '../../scripts/build-extension.mjs';
import { blocksOfMarkdown, corpusRoot } from '../wasm/helpers.mjs';

const outRoot = mkdtempSync(path.join(os.tmpdir(), 'fineprint-engine-reply-'));
process.once('exit', () => rmSync(outRoot, { recursive: true, force: true }));
const extensionDir = await buildExtension('chromium', { outRoot });

const EXTENSION_ORIGIN = 'chrome-extension://fineprint-test/';
const fetched = [];
globalThis.chrome = { runtime: { getURL: (file) => `${EXTENSION_ORIGIN}${file}` } };
globalThis.fetch = async (resource) => {
  const url = String(resource?.url ?? resource);
  fetched.push(url);
  if (!url.startsWith(EXTENSION_ORIGIN)) throw new TypeError(`no network in this test: ${url}`);
  const file = path.join(extensionDir, ...url.slice(EXTENSION_ORIGIN.length).split('/'));
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  return new Response(await readFile(file), { headers: { 'content-type': type } });
};
const { analyzeBlocks, getEngine, holdWarmUp, releaseWarmUp } = await import(pathToFileURL(path.join(extensionDir, 'background', 'engine.js')).href);

const corpusPage = (document, title, url) => ({
  title,
  url,
  blocks: blocksOfMarkdown(readFileSync(path.join(corpusRoot, 'policies', document), 'utf8')),
});

// X's privacy policy: its findings are about clauses deep in the document,
// whose places among the labelled clauses are far smaller numbers (checked
// below), so a reply that kept core indexes would point at other clauses or
// past its last one.
const X_PRIVACY = corpusPage('x-twitter/privacy-policy/2024-11-16.md', 'X Privacy Policy', 'https://x.com/en/privacy');
// Reddit's user agreement: a finding about what the document leaves out,
// with no clause to point at.
const REDDIT_TERMS = corpusPage('reddit/user-agreement/2024-08-17.md', 'Reddit User Agreement', 'https://www.redditinc.com/policies/user-agreement');
// Astral emoji (two UTF-16 units each, four UTF-8 bytes), CJK and Arabic
// (three and two UTF-8 bytes a character) before and between labelled
// clauses, and unlabelled clauses among them, so UTF-8 offsets or core
// indexes would both land elsewhere.
const MIXED_SCRIPTS = {
  title: 'Privacy Policy 😀',
  url: 'https://example.com/privacy',
  blocks: [
    { kind: 'heading', level: 1, text: 'Privacy Policy 👩‍👩‍👧 プライバシー' },
    { kind: 'paragraph', text: '日本語の説明です。 العربية هنا. 😀😀 Welcome to our service, we hope you enjoy it.' },
    { kind: 'paragraph', text: '😀 We use your posts and messages to train our artificial intelligence models. This is turned on by default.' },
    { kind: 'paragraph', text: 'こんにちは 🌍 The sky is blue today.' },
    { kind: 'list_item', level: 1, text: '👩‍👩‍👧 We may share your personal information with third parties, who may use it to train their AI models.' },
    { kind: 'paragraph', text: 'مرحبا 🎉 You can opt out of AI training at any time.' },
    { kind: 'paragraph', text: '日本 We keep your information for as long as necessary, and may retain it after you delete your account.' },
    { kind: 'table_cell', text: '🙂 Log data is kept for up to 18 months.' },
  ],
};
const PAGES = { "X's privacy policy": X_PRIVACY, "Reddit's user agreement": REDDIT_TERMS, 'a page in mixed scripts': MIXED_SCRIPTS };

// What the reply must be, derived from the engine's full analysis: the
// labelled clauses, and each core index's place among them.
function expectedFrom(full) {
  const labelled = full.clauses.map((clause, index) => ({ clause, index })).filter(({ clause }) => clause.labels.length > 0);
  const replyIndex = new Map(labelled.map(({ index }, at) => [index, at]));
  return { labelled, replyIndex };
}

const joinedText = (page) => page.blocks.map((block) => block.text).join('\n');

describe("the background's reply to a page (engine.js analyzeBlocks)", () => {
  // The first test: nothing before it used this module's engine.
  test('timing: a fresh engine reports its start-up once, with the first analysis', async () => {
    const first = await analyzeBlocks(MIXED_SCRIPTS, { url: MIXED_SCRIPTS.url });
    assert.equal(typeof first.timing.engineStartupMs, 'number');
    assert.ok(first.timing.engineStartupMs > 0, JSON.stringify(first.timing));
    // The engine was created for this request: no head start, and the
    // request waited for it.
    assert.ok(first.timing.engineHeadStartMs <= 0, JSON.stringify(first.timing));
    assert.ok(first.timing.engineWaitMs > 0, JSON.stringify(first.timing));
    assert.ok(Number.isFinite(first.timing.analysisMs), JSON.stringify(first.timing));
    assert.deepEqual(Object.keys(first.timing).sort(), [
      'analysisMs', 'engineHeadStartMs', 'engineStartupMs', 'engineWaitMs', 'handlerDelayMs',
    ]);
    // The message did not say when it was sent.
    assert.equal(first.timing.handlerDelayMs, null);

    // Sent (by the clock every context shares) 40 ms before it is handled.
    const sentAt = performance.timeOrigin + performance.now() - 40;
    const second = await analyzeBlocks({ ...MIXED_SCRIPTS, sentAt }, { url: MIXED_SCRIPTS.url });
    assert.ok(second.timing.handlerDelayMs >= 40 && second.timing.handlerDelayMs < 40 + 1000, JSON.stringify(second.timing));
    // The wait ends when the message's handler got it (receivedAt), not
    // when analyzeBlocks was called after the handler's own awaits.
    const now = performance.now();
    const handled = await analyzeBlocks(
      { ...MIXED_SCRIPTS, sentAt: performance.timeOrigin + now - 40 },
      { url: MIXED_SCRIPTS.url, receivedAt: now - 30 },
    );
    assert.ok(handled.timing.handlerDelayMs >= 10 && handled.timing.handlerDelayMs < 30, JSON.stringify(handled.timing));
    assert.equal(second.timing.engineStartupMs, null);
    assert.equal(second.timing.engineWaitMs, 0);
    assert.ok(second.timing.engineHeadStartMs > 0, JSON.stringify(second.timing));
    assert.equal(typeof second.timing.analysisMs, 'number');

    // An engine that can no longer be used is replaced on the next request,
    // and the new one reports its own start-up, once.
    (await getEngine()).delete();
    const replaced = await analyzeBlocks(MIXED_SCRIPTS, { url: MIXED_SCRIPTS.url });
    assert.equal(typeof replaced.timing.engineStartupMs, 'number');
    assert.ok(replaced.timing.engineHeadStartMs <= 0, JSON.stringify(replaced.timing));
    assert.equal((await analyzeBlocks(MIXED_SCRIPTS, { url: MIXED_SCRIPTS.url })).timing.engineStartupMs, null);
  });

  test("after a page, the long patterns it reached through alternatives are compiled whole in idle time", async () => {
    // A fresh engine (as after the service worker's wake-up).
    (await getEngine()).delete();
    const first = await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url });
    const engine = await getEngine();
    // Compiling starts a task later: right after the reply it is all left.
    const pending = engine.compileDeferredPatterns(0);
    assert.ok(pending >= 5, `${pending} patterns to compile whole after X's policy`);
    const deadline = Date.now() + 10_000;
    while (engine.compileDeferredPatterns(0) > 0) {
      assert.ok(Date.now() < deadline, `${engine.compileDeferredPatterns(0)} of ${pending} still left after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const again = await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url });
    delete first.timing;
    delete again.timing;
    assert.deepEqual(again, first);
  });

  test('an engine no page uses warms up in idle time, then compiles whole what the warm-up reached', async () => {
    (await getEngine()).delete();
    const engine = await getEngine();
    // The warm-up starts once the engine is ready and reads its sample
    // policy section by section, then whole: long patterns get answered by
    // alternatives (pending > 0); once it is done, idle time compiles them.
    let mostPending = 0;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const pending = engine.compileDeferredPatterns(0);
      mostPending = Math.max(mostPending, pending);
      if (mostPending > 0 && pending === 0) break;
      assert.ok(Date.now() < deadline, `pending ${pending}, at most ${mostPending}, after 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(mostPending >= 3, `the warm-up left ${mostPending} patterns to compile whole`);
  });

  // Counts the warm-up's readings on `engine` from now on: they are the
  // analyses titled 'Privacy Policy' with no address (engine.js).
  function countWarmUps(engine) {
    const counter = { readings: 0 };
    const analyzePage = engine.analyzePage.bind(engine);
    engine.analyzePage = (input) => {
      if (input.title === 'Privacy Policy' && input.url === undefined) counter.readings += 1;
      return analyzePage(input);
    };
    return counter;
  }
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Waits up to `ms` for the warm-up to read again; true when it did.
  async function readsWithin(counter, ms) {
    const before = counter.readings;
    for (const until = Date.now() + ms; Date.now() < until; await pause(10)) {
      if (counter.readings > before) return true;
    }
    return counter.readings > before;
  }

  test('a held warm-up waits while any page holds it, and runs once the holds end or are released', async () => {
    // (Unheld, it runs: the test above.) Each hold is set as the engine is
    // handed over: this continuation runs before the warm-up's first timer.
    // (Whether it waits is timed below with holds no pause can outlast.)
    (await getEngine()).delete();
    const timed = countWarmUps(await getEngine());
    holdWarmUp('tab 1', 200);
    assert.ok(await readsWithin(timed, 5000), 'the warm-up ran once the hold ended');

    (await getEngine()).delete();
    const released = countWarmUps(await getEngine());
    holdWarmUp('tab 1', 60_000);
    holdWarmUp('tab 2', 60_000);
    await pause(300);
    releaseWarmUp('tab 1');
    await pause(300);
    assert.equal(released.readings, 0, "one page's release leaves another's hold");
    releaseWarmUp('tab 2');
    assert.ok(await readsWithin(released, 5000), 'the warm-up ran once both were released');
  });

  test("a client-side app's shell, analysed before its text renders, leaves the warm-up running; a policy stops it", async () => {
    const shell = { title: 'X', blocks: [{ kind: 'paragraph', level: 0, text: 'Loading…' }] };
    (await getEngine()).delete();
    const afterShell = countWarmUps(await getEngine());
    assert.equal((await analyzeBlocks(shell, { url: X_PRIVACY.url })).ok, true);
    assert.ok(await readsWithin(afterShell, 5000), 'the warm-up went on after the shell');

    (await getEngine()).delete();
    const afterPolicy = countWarmUps(await getEngine());
    await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url });
    assert.equal(await readsWithin(afterPolicy, 1500), false, 'no warm-up after the policy');
  });

  for (const [name, page] of Object.entries(PAGES)) {
    describe(name, () => {
      let full;
      let reply;
      let expected;
      before(async () => {
        reply = await analyzeBlocks({ title: page.title, blocks: page.blocks }, { url: page.url });
        full = (await getEngine()).analyzeBlocks(page);
        expected = expectedFrom(full);
      });

      test('every labelled clause and only those, in order, at the same UTF-16 offsets, with the same labels', async () => {
        assert.equal(reply.ok, true);
        assert.equal(full.document.offsets, 'utf16');
        assert.ok(expected.labelled.length > 0 && expected.labelled.length < full.clauses.length, 'some clauses unlabelled');
        assert.equal(reply.clauses.length, expected.labelled.length);
        const joined = joinedText(page);
        reply.clauses.forEach((clause, at) => {
          const { clause: core } = expected.labelled[at];
          assert.deepEqual(
            { start: clause.start, end: clause.end, block: clause.block },
            { start: core.start, end: core.end, block: core.block },
            `reply clause ${at}`,
          );
          // (The core's clause text folds each run of white space, a line
          // break or a no-break space included, into one space.)
          assert.equal(joined.slice(clause.start, clause.end).replace(/\s+/g, ' '), core.text, `reply clause ${at} slices its own text`);
          assert.deepEqual(
            clause.labels,
            core.labels.map(({ id, name, note, severity, slots }) => ({ id, name, note, severity, slots })),
            `labels of reply clause ${at}`,
          );
        });
      });

      test('findings: all of them, in order, each pointing at its labelled clauses by reply index', async () => {
        assert.ok(full.findings.length > 0, 'the page has findings');
        assert.deepEqual(
          reply.findings.map(({ id, severity, explanation }) => ({ id, severity, explanation })),
          full.findings.map(({ id, severity, explanation }) => ({ id, severity, explanation })),
        );
        full.findings.forEach((finding, at) => {
          const labelledClauses = finding.clauses.filter((index) => expected.replyIndex.has(index));
          assert.deepEqual(reply.findings[at].clauses, labelledClauses.map((index) => expected.replyIndex.get(index)), finding.id);
          // The clause the finding is about is the one painted there.
          for (const index of labelledClauses) {
            const painted = reply.clauses[expected.replyIndex.get(index)];
            assert.deepEqual([painted.start, painted.end], [full.clauses[index].start, full.clauses[index].end], finding.id);
          }
        });
        // And each clause's card lists the findings about it, in order.
        reply.clauses.forEach((clause, at) => {
          const about = full.findings.filter((finding) => finding.clauses.includes(expected.labelled[at].index));
          assert.deepEqual(clause.findings, about.map(({ severity, explanation }) => ({ severity, explanation })), `clause ${at}`);
        });
      });

      test('examples for the labels present only; the clause count is every clause', async () => {
        const present = new Set(reply.clauses.flatMap((clause) => clause.labels.map((label) => label.id)));
        const examples = Object.fromEntries(Object.entries(full.examples).filter(([id]) => present.has(id)));
        assert.ok(Object.keys(examples).length > 0, 'some label has examples');
        assert.deepEqual(reply.examples, examples);
        assert.equal(reply.clauseCount, full.document.clauses);
        assert.equal(reply.clauseCount, full.clauses.length);
      });
    });
  }

  test("X's privacy policy: findings land on reply clauses whose indexes differ from the core's", async () => {
    const reply = await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url });
    const full = (await getEngine()).analyzeBlocks(X_PRIVACY);
    const moved = full.findings.filter((finding, at) => finding.clauses.length > 0 && reply.findings[at].clauses.join() !== finding.clauses.join());
    assert.ok(moved.length > 0, 'no finding whose reply indexes differ from its core indexes: the check above would not see a broken mapping');
    assert.ok(reply.findings.some((finding) => finding.id === 'ai_training_default_on' && finding.clauses.length === 1));
    const [at] = reply.findings.find((finding) => finding.id === 'ai_training_default_on').clauses;
    assert.ok(reply.clauses[at].labels.some((label) => label.id.startsWith('ai_training.')));
  });

  test("Reddit's user agreement: a finding about what is missing keeps its place and points nowhere", async () => {
    const reply = await analyzeBlocks(REDDIT_TERMS, { url: REDDIT_TERMS.url });
    const missing = reply.findings.find((finding) => finding.id === 'no_retention_statement');
    assert.ok(missing, reply.findings.map((finding) => finding.id).join());
    assert.deepEqual(missing.clauses, []);
    for (const clause of reply.clauses) assert.ok(!clause.findings.some((f) => f.explanation === missing.explanation));
  });

  test('the page in mixed scripts: labels land on the clauses written after the emoji', async () => {
    const reply = await analyzeBlocks(MIXED_SCRIPTS, { url: MIXED_SCRIPTS.url });
    const joined = joinedText(MIXED_SCRIPTS);
    const textOf = (clause) => joined.slice(clause.start, clause.end);
    const labelled = (id) => reply.clauses.filter((clause) => clause.labels.some((label) => label.id === id)).map(textOf);
    assert.ok(labelled('ai_training.first_party').some((text) => text.includes('train our artificial intelligence models')));
    assert.ok(labelled('ai_training.third_party').some((text) => text.includes('train their AI models')));
    assert.ok(labelled('choice.opt_out').some((text) => text.includes('opt out of AI training')));
    assert.ok(!reply.clauses.map(textOf).some((text) => text.includes('sky is blue')));
    // Offsets count UTF-16 units (UTF-8 bytes would land far later).
    const ai = reply.clauses.find((clause) => textOf(clause).includes('train our artificial intelligence'));
    assert.equal(ai.start, joined.indexOf('😀 We use your posts'));
    assert.ok(Buffer.byteLength(joined.slice(0, ai.start)) > ai.start + 50);
  });

  test('keepForSnapshot: the kept analysis outlives the reply, makes the snapshot, and is the caller\'s to delete', async () => {
    const plain = await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url });
    assert.equal('page' in plain, false);
    const { page, ...reply } = await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url, keepForSnapshot: true });
    assert.deepEqual({ ...reply, timing: null }, { ...plain, timing: null });
    // Still alive after the reply: the same analysis, and its snapshot.
    const engine = await getEngine();
    const full = engine.analyzeBlocks(X_PRIVACY);
    assert.deepEqual(page.analysis(), full);
    assert.deepEqual(page.snapshot('2026-12-06'), engine.snapshotBlocks(X_PRIVACY, '2026-12-06'));
    page.delete();
    assert.throws(() => page.analysis(), /used after delete\(\)/);
    page.delete(); // idempotent
    // The engine is untouched by the page's deletion.
    assert.equal((await analyzeBlocks(X_PRIVACY, { url: X_PRIVACY.url })).clauses.length, reply.clauses.length);
  });

  test('bad blocks are refused and leave the engine usable', async () => {
    await assert.rejects(analyzeBlocks({ title: 'x', blocks: 'not a list' }), TypeError);
    await assert.rejects(analyzeBlocks({ title: 'x', blocks: [{ kind: 'video', text: 'a' }] }), /unknown "kind"/);
    assert.ok((await getEngine()).usable);
    assert.ok((await analyzeBlocks(MIXED_SCRIPTS, { url: MIXED_SCRIPTS.url })).clauses.length > 0);
  });

  test('nothing was fetched but the engine from the extension itself', () => {
    assert.ok(fetched.length > 0);
    for (const url of fetched) assert.equal(url, `${EXTENSION_ORIGIN}wasm/fineprint_wasm.wasm`);
  });
});
