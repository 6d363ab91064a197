// The content script's watch for text a page renders late (content/content.js):
// when it watches, when it runs again, and when it stops. content.js runs in
// a vm context with stand-ins for what it touches: the page's text arrives
// through a fake MutationObserver, the background's replies are promises the
// test settles, and time is a fake clock (the watch waits 300 ms of quiet,
// and gives an unconfirmed page 15 s). The browser tests cover the real DOM
// (tests/e2e: /late-policy, /late-policy-while-first-run).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';

const CONTENT_SCRIPT = readFileSync(path.join(repoRoot, 'extension', 'content', 'content.js'), 'utf8');
const ANALYZE_BLOCKS = 'fineprint:analyze-blocks';

// A page with content.js loaded. `known`: a known policy URL (no policy
// check); `passesCheck()`: the policy check's answer for an unknown one.
function loadPage({ known = true, passesCheck = () => true } = {}) {
  let checks = 0;
  let messageListener = null; // content.js's, for what the popup sends
  let now = 0;
  let timers = [];
  let nextTimer = 1;
  const setTimeout = (fn, ms = 0) => {
    const id = nextTimer++;
    timers.push({ id, at: now + ms, fn });
    return id;
  };
  const clearTimeout = (id) => {
    timers = timers.filter((timer) => timer.id !== id);
  };

  // The observer content.js makes; the page's changes reach it while it is
  // connected.
  let observer = null;
  class FakeMutationObserver {
    constructor(callback) {
      this.callback = callback;
      this.connected = false;
      this.pending = [];
      observer = this;
    }
    observe() {
      this.connected = true;
    }
    disconnect() {
      this.connected = false;
      this.pending = [];
    }
    // A change to the page, as the browser reports it: recorded while
    // connected, and handed to the callback at the next microtask unless
    // takeRecords() took it first.
    record(chars) {
      if (!this.connected) return;
      this.pending.push({ type: 'childList', target: { nodeType: 1, tagName: 'DIV' }, addedNodes: [{ nodeType: 3, textContent: 'x'.repeat(chars) }] });
      queueMicrotask(() => {
        const records = this.takeRecords();
        if (records.length > 0) this.callback(records);
      });
    }
    takeRecords() {
      const records = this.pending;
      this.pending = [];
      return records;
    }
  }

  // Requests sent to the background, each with the function that answers it.
  const requests = [];
  const api = {
    runtime: {
      sendMessage: (message) => {
        if (message.type !== ANALYZE_BLOCKS) return Promise.resolve({ ok: true });
        return new Promise((resolve) => requests.push({ message, answer: resolve }));
      },
      onMessage: { addListener: (listener) => (messageListener = listener) },
    },
  };
  const fineprint = {
    api,
    knownPolicyPage: known,
    extractBlocks: () => ({ title: 'Privacy Policy', blocks: [{ kind: 'paragraph', level: 0, text: 'We keep your data.' }] }),
    blocksForCore: (blocks) => blocks,
    looksLikePolicy: () => {
      checks += 1;
      return passesCheck() ? { policy: true, why: 'test' } : { policy: false, why: 'test' };
    },
    // Our own writes change the page as the real ones do (unwrapping marks
    // and splitting text nodes adds text nodes): seen if the observer is on.
    clearHighlights: () => {
      observer?.record(500);
      page.onOwnWrite?.();
    },
    paintHighlights: () => {
      observer?.record(500);
      page.onOwnWrite?.();
      return [];
    },
    countHighlights: () => 0,
    removePanel: () => {},
    showPanel: () => {},
    excerpt: (text) => text,
  };
  const context = vm.createContext({
    fineprint,
    Node: { ELEMENT_NODE: 1, TEXT_NODE: 3 },
    document: { body: {} },
    location: { href: 'https://example.com/privacy' },
    crypto: { randomUUID: () => 'visit' },
    performance: { now: () => now, timeOrigin: 0, mark: () => {}, measure: () => ({ duration: 0 }) },
    MutationObserver: FakeMutationObserver,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    Promise,
  });
  vm.runInContext(CONTENT_SCRIPT, context);

  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const page = {
    requests,
    // How many times the policy check ran.
    get checks() {
      return checks;
    },
    // The page adds `chars` characters of text (seen only while watched).
    async addsText(chars = 500) {
      observer.record(chars);
      await settle();
    },
    // The popup's "Analyze this page" (through the background).
    askFromPopup() {
      messageListener({ type: 'fineprint:analyze-page' }, {}, () => {});
    },
    // Answers the oldest unanswered request.
    async answer(reply = { ok: true, clauseCount: 1, clauses: [], findings: [], examples: {}, timing: {} }) {
      const request = requests.find((each) => !each.answered);
      request.answered = true;
      request.answer(reply);
      await settle();
    },
    // Moves the clock on by `ms`, running the timers that come due.
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        const due = timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((timer) => timer !== due);
        now = due.at;
        due.fn();
      }
      now = until;
      await settle();
    },
    onOwnWrite: null,
  };
  return page;
}

describe('text a page renders late', () => {
  test('text added while a run waits for its reply is read by the next run', async () => {
    const page = loadPage();
    await page.advance(0);
    assert.equal(page.requests.length, 1, 'the first run sent the page');
    await page.addsText();
    await page.answer();
    await page.advance(300);
    assert.equal(page.requests.length, 2, 'a second run read the text that came during the first');
  });

  test('text added after a run is read once the page has been quiet for 300 ms, once', async () => {
    const page = loadPage();
    await page.advance(0);
    await page.answer();
    await page.addsText();
    await page.advance(200);
    await page.addsText();
    await page.advance(200);
    assert.equal(page.requests.length, 1, 'the page was not quiet yet');
    await page.advance(100);
    assert.equal(page.requests.length, 2);
    // A burst while that run waits, and another quiet spell: one more run.
    await page.addsText();
    await page.advance(300);
    await page.addsText();
    await page.advance(300);
    await page.answer();
    await page.advance(0);
    await page.answer();
    await page.advance(1000);
    assert.equal(page.requests.length, 3, 'runs waiting their turn are not queued twice');
  });

  test('our own clearing and painting are not read as text the page added', async () => {
    const page = loadPage();
    await page.advance(0);
    await page.answer();
    await page.advance(1000);
    // A re-run clears and paints again.
    await page.addsText();
    await page.advance(300);
    await page.answer();
    await page.advance(1000);
    assert.equal(page.requests.length, 2);
  });

  test('a page that fails the policy check is followed for 15 s, and re-checked 3 more times at most', async () => {
    const page = loadPage({ known: false, passesCheck: () => false });
    await page.advance(0);
    assert.equal(page.checks, 1);
    await page.advance(15_100);
    await page.addsText();
    await page.advance(1000);
    assert.equal(page.checks, 1, 'no check after 15 s');

    const eager = loadPage({ known: false, passesCheck: () => false });
    await eager.advance(0);
    for (let i = 0; i < 8; i++) {
      await eager.addsText();
      await eager.advance(1000);
    }
    assert.equal(eager.checks, 4, 'the first check and 3 re-checks');
    assert.equal(eager.requests.length, 0);
  });

  test("an unconfirmed page's time limit does not end the watch of a run that confirmed it", async () => {
    let policy = false;
    const page = loadPage({ known: false, passesCheck: () => policy });
    await page.advance(0);
    assert.equal(page.requests.length, 0, 'the shell failed the policy check');
    // The policy arrives just before the unconfirmed page's 15 s are up; its
    // run's request is still out when they are.
    await page.advance(14_500);
    policy = true;
    await page.addsText();
    await page.advance(300);
    assert.equal(page.requests.length, 1, 'the policy was sent');
    await page.advance(1000);
    await page.addsText();
    await page.answer();
    await page.advance(300);
    assert.equal(page.requests.length, 2, 'text that came after the 15 s was still read');
  });

  test('once the background says automatic runs are off, no automatic run sends the page again', async () => {
    const page = loadPage();
    await page.advance(0);
    await page.addsText();
    await page.advance(300); // a run queued behind the one waiting
    await page.answer({ ok: true, skipped: 'auto-run-off' });
    await page.advance(0);
    await page.addsText();
    await page.advance(1000);
    assert.equal(page.requests.length, 1);
  });

  test('a page that answers every change with more text is not read again and again', async () => {
    const page = loadPage();
    // The page re-renders (500 characters) whenever our marks change it.
    page.onOwnWrite = () => setImmediate(() => page.addsText());
    await page.advance(0);
    for (let i = 0; i < 40 && page.requests.some((each) => !each.answered); i++) {
      await page.answer();
      await page.advance(400);
    }
    assert.ok(page.requests.length <= 6, `${page.requests.length} runs`);
    assert.ok(page.requests.length >= 3, `${page.requests.length} runs: the late text was followed at first`);

    // The person asks (the popup's button): the page is followed again.
    page.onOwnWrite = null;
    for (let i = 0; i < 10 && page.requests.some((each) => !each.answered); i++) await page.answer();
    await page.advance(500); // within the 10 s the cap counts
    const before = page.requests.length;
    page.askFromPopup();
    await page.advance(0);
    await page.answer();
    await page.addsText();
    await page.advance(300);
    assert.equal(page.requests.length, before + 2, 'the asked-for run, and one for the text after it');
  });
});
