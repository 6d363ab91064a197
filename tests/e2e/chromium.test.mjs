// End to end in headless Debian Chromium: the real extension build with the
// real WASM engine, on pages served from 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Message } from '../../extension/shared/messages.js';
import { repoRoot } from '../../scripts/build-extension.mjs';
import { launchChromiumWithExtension, readHighlights } from './support/chromium.mjs';
import { AI_TRAINING_LABELS, AI_TRAINING_PHRASE, X_PRIVACY_2024, startPageServer } from './support/pages.mjs';

const artifactsDir = path.join(repoRoot, 'test-artifacts');

// The mark holding `phrase` in the page's <main> (the phrase must sit in one
// mark), with the text of every mark of the same clause.
function findMarkedPhrase(page, phrase) {
  return page.evaluate((phrase) => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.includes(phrase)) continue;
      const mark = node.parentElement.closest('fineprint-mark');
      if (!mark) return { marked: false, context: node.parentElement.outerHTML.slice(0, 300) };
      const clauseMarks = document.querySelectorAll(
        `fineprint-mark[data-fineprint-clause="${mark.dataset.fineprintClause}"]`,
      );
      return {
        marked: true,
        labels: mark.dataset.fineprintLabels.split(' '),
        className: mark.className,
        clauseText: [...clauseMarks].map((each) => each.textContent).join(''),
        clauseMarks: clauseMarks.length,
      };
    }
    return { marked: false, context: 'phrase not found in any single text node' };
  }, phrase);
}

async function waitForValue(check, { timeoutMs = 15_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const nestedMarkCount = (page) => page.evaluate(() => document.querySelectorAll('fineprint-mark fineprint-mark').length);
const bodyText = (page) => page.evaluate(() => document.body.textContent);
const textNodeCount = (page) =>
  page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let count = 0;
    while (walker.nextNode()) count += 1;
    return count;
  });

describe('Fineprint in Chromium', () => {
  let browser;
  let server;

  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    server = await startPageServer();
    browser = await launchChromiumWithExtension();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // Each page gets a URL of its own, so the background can find its tab by URL.
  let pagesOpened = 0;
  async function openPage(pathname) {
    const page = await browser.context.newPage();
    pagesOpened += 1;
    const response = await page.goto(`${server.origin}${pathname}?page=${pagesOpened}`);
    assert.equal(response.status(), 200);
    return page;
  }

  test(`X privacy policy (${path.basename(X_PRIVACY_2024)}): the third-party AI-training clause is highlighted`, async (t) => {
    const page = await openPage('/x-privacy');
    const textBefore = await bodyText(page);

    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    t.diagnostic(
      `X privacy policy: ${status.blocks} blocks, ${status.clauses} clauses, ${status.noted} noted, ` +
        `${status.highlights} marks; content-script start to last highlight painted: ${status.startToPaintedMs} ms ` +
        `(first analysis in this worker: engine start-up ${status.engineStartupMs} ms, analysis ${status.analysisMs} ms)`,
    );
    const [measure] = await page.evaluate(() =>
      performance.getEntriesByName('fineprint:start-to-painted').map((entry) => entry.duration),
    );
    t.diagnostic(`performance.measure('fineprint:start-to-painted') seen by the page: ${measure?.toFixed(1)} ms`);

    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked, `"${AI_TRAINING_PHRASE}" is not highlighted: ${found.context}`);
    for (const label of AI_TRAINING_LABELS) {
      assert.ok(found.labels.includes(label), `labels ${found.labels} lack ${label}`);
    }
    assert.match(found.className, /\bfineprint-family-ai_training\b/);
    assert.match(found.clauseText, /If you do not opt out/);

    // Painting only wraps text nodes: the page's text is unchanged, and the
    // site header, navigation and footer (which repeat the clause) are not read.
    assert.equal(await bodyText(page), textBefore);
    assert.equal(await nestedMarkCount(page), 0);
    const highlights = await readHighlights(page);
    assert.equal(highlights.length, status.highlights);
    for (const id of ['nav-clause', 'banner-clause', 'footer-clause']) {
      assert.ok(!highlights.some((mark) => mark.insideOf === id), `a highlight was painted in #${id}`);
    }
    assert.ok(highlights.every((mark) => mark.labels.length > 0 && mark.labels.every((label) => /^[a-z_]+\.[a-z_]+$/.test(label))));

    // Screenshot of the annotated clause, for a person to look at.
    await page.evaluate((phrase) => {
      const mark = [...document.querySelectorAll('fineprint-mark')].find((each) => each.textContent.includes(phrase));
      mark.scrollIntoView({ block: 'center' });
    }, AI_TRAINING_PHRASE);
    await page.screenshot({ path: path.join(artifactsDir, 'x-privacy-annotated.png') });
    await page.close();
  });

  test('analysing a page again repaints it without wrapping anything twice', async (t) => {
    const page = await openPage('/x-privacy');
    const first = await browser.analyzeTab(page);
    const marksAfterFirst = await readHighlights(page);
    const textNodesAfterFirst = await textNodeCount(page);

    const second = await browser.analyzeTab(page);
    assert.equal(second.phase, 'done');
    t.diagnostic(
      `X privacy policy, engine warm: start to last highlight painted ${second.startToPaintedMs} ms ` +
        `(analysis ${second.analysisMs} ms)`,
    );
    assert.equal(second.highlights, first.highlights);
    assert.equal(await nestedMarkCount(page), 0);
    assert.deepEqual(await readHighlights(page), marksAfterFirst);
    assert.equal(await textNodeCount(page), textNodesAfterFirst);

    // Injecting the content script files again (as a second declarative or
    // programmatic injection would) re-runs, and still does not double-wrap.
    const tabId = await browser.tabIdOf(page);
    await browser.controlPage.evaluate(async (tabId) => {
      const { js } = chrome.runtime.getManifest().content_scripts[0];
      await chrome.scripting.executeScript({ target: { tabId }, files: js });
    }, tabId);
    const third = await browser.controlPage.evaluate(
      ({ tabId, type }) => chrome.tabs.sendMessage(tabId, { type, waitForRun: true }),
      { tabId, type: Message.GET_PAGE_STATUS },
    );
    assert.equal(third.phase, 'done', JSON.stringify(third));
    assert.equal(third.highlights, first.highlights);
    assert.equal(await nestedMarkCount(page), 0);
    assert.equal(await textNodeCount(page), textNodesAfterFirst);
    await page.close();
  });

  test('clauses are painted through inline elements and links, and skipped text stays unpainted', async () => {
    const page = await openPage('/markup');
    const textBefore = await bodyText(page);
    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));

    const spanning = await page.evaluate(() => {
      const paragraph = document.getElementById('spanning');
      const marks = [...paragraph.querySelectorAll('fineprint-mark')];
      const link = document.getElementById('policy-link');
      return {
        clauses: [...new Set(marks.map((mark) => mark.dataset.fineprintClause))],
        labels: marks.map((mark) => mark.dataset.fineprintLabels),
        text: marks.map((mark) => mark.textContent).join(''),
        marksInLink: link.querySelectorAll('fineprint-mark').length,
        linkHref: link.getAttribute('href'),
        linkText: link.textContent,
        markInEm: paragraph.querySelector('em fineprint-mark')?.textContent ?? null,
      };
    });
    // One clause, painted as several marks (text, <em>, text, <a>, <strong>, ...).
    assert.equal(spanning.clauses.length, 1, JSON.stringify(spanning));
    assert.ok(spanning.labels.every((labels) => AI_TRAINING_LABELS.every((label) => labels.split(' ').includes(label))));
    assert.ok(spanning.text.startsWith('If you do not opt out'), spanning.text);
    assert.ok(spanning.text.includes(AI_TRAINING_PHRASE));
    assert.ok(spanning.marksInLink >= 2, 'the link and its <strong> are painted inside the link');
    assert.equal(spanning.linkHref, 'https://x.com/en/privacy');
    assert.equal(spanning.linkText, 'X’s Privacy Policy');
    assert.equal(spanning.markInEm, 'not');

    const highlights = await readHighlights(page);
    const paintedIn = new Set(highlights.map((mark) => mark.insideOf));
    for (const id of ['list-item', 'table-cell', 'markup-in-text']) {
      assert.ok(paintedIn.has(id), `nothing painted in #${id}`);
    }
    for (const id of ['hidden-clause', 'hidden-attribute', 'nav-clause', 'banner-clause', 'footer-clause']) {
      assert.ok(!paintedIn.has(id), `painted in skipped #${id}`);
    }
    // Text that looks like markup stays text: no element was created from it.
    assert.equal(await page.evaluate(() => document.querySelector('#markup-in-text b')), null);
    assert.equal(await bodyText(page), textBefore);
    await page.close();
  });

  test('a page with a strict Content-Security-Policy still gets highlights', async () => {
    const page = await openPage('/x-privacy-strict-csp');
    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked, found.context);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    // The highlight stylesheet is the browser's injection, which the page's
    // CSP does not block: the mark really has a background.
    const background = await page.evaluate(
      () => getComputedStyle(document.querySelector('fineprint-mark')).backgroundColor,
    );
    assert.notEqual(background, 'rgba(0, 0, 0, 0)');
    await page.close();
  });

  test('a page that is not a policy gets no highlights', async () => {
    const page = await openPage('/not-a-policy');
    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    assert.ok(status.clauses > 0, 'the page was read');
    assert.equal(status.noted, 0);
    assert.equal(await page.locator('fineprint-mark').count(), 0);
    await page.close();
  });

  test('the engine comes back after Chromium stops the service worker', async (t) => {
    const page = await openPage('/x-privacy');
    const before = await browser.analyzeTab(page);
    assert.equal(before.phase, 'done');

    const worker = await browser.stopServiceWorker();
    try {
      // The next message wakes the worker; its engine is created anew.
      const afterRestart = await browser.analyzeTab(page);
      await worker.running();
      assert.equal(afterRestart.phase, 'done', JSON.stringify(afterRestart));
      assert.equal(typeof afterRestart.engineStartupMs, 'number', 'the woken worker created a new engine');
      assert.equal(afterRestart.highlights, before.highlights);
      assert.ok((await findMarkedPhrase(page, AI_TRAINING_PHRASE)).marked);
      t.diagnostic(
        `service worker states seen: ${worker.states.join(' → ')}; new engine in ${afterRestart.engineStartupMs} ms`,
      );
    } finally {
      await worker.detach();
    }
    await page.close();
  });

  test('the popup shows the status and its button analyses the page', async (t) => {
    const policy = await openPage('/x-privacy');
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 320, height: 160 });
    await popup.goto(browser.extensionUrl('popup/popup.html'));
    // The popup acts on the active tab of its window, as a real popup does.
    await policy.bringToFront();
    await popup.reload();
    await popup.locator('#status[data-phase="not-analyzed"]').waitFor();

    await popup.locator('#analyze').click();
    await popup.locator('#status[data-phase="done"]').waitFor();
    const statusText = await popup.locator('#status').textContent();
    assert.match(statusText, /^\d+ of \d+ clauses noted\.$/);
    assert.ok(await policy.locator('fineprint-mark').count() > 0);
    await popup.screenshot({ path: path.join(artifactsDir, 'popup.png') });
    t.diagnostic(`popup: ${statusText}`);
    await Promise.all([policy.close(), popup.close()]);
  });

  test('hovering or focusing a highlight opens a card with its note, details and examples', async () => {
    const page = await openPage('/x-privacy');
    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));

    // The shadow root holds the card; its text is what the user reads.
    const cardText = () =>
      page.evaluate(() => document.querySelector('fineprint-card')?.shadowRoot?.textContent ?? null);

    const mark = page.locator('fineprint-mark', { hasText: AI_TRAINING_PHRASE }).first();
    await mark.scrollIntoViewIfNeeded();
    await mark.hover();
    await page.locator('fineprint-card').waitFor({ state: 'attached' });
    const text = await cardText();
    assert.ok(text.includes('X may give your data to other companies to train their AI.'), text);
    assert.ok(text.includes('Other companies may train AI on your data'), 'the label in words');
    assert.ok(text.includes('How other platforms handle this'), text);
    assert.ok(text.includes('AI training on your data is on by default'), 'the document-level finding about this clause');
    assert.equal(
      await page.evaluate(() => document.querySelector('fineprint-card').shadowRoot.querySelector('.card').dataset.severity),
      'alert',
    );
    // The page's own styles cannot reach into the card.
    await page.addStyleTag({
      content: '* { color: rgb(1, 2, 3) !important; } fineprint-card { display: none !important; } .card { color: rgb(1, 2, 3) !important; }',
    });
    const cardStyle = await page.evaluate(() => {
      const card = document.querySelector('fineprint-card').shadowRoot.querySelector('.card');
      return { color: getComputedStyle(card).color, hostDisplay: getComputedStyle(document.querySelector('fineprint-card')).display };
    });
    assert.notEqual(cardStyle.color, 'rgb(1, 2, 3)');
    assert.equal(cardStyle.hostDisplay, 'block');
    await page.evaluate(() => document.head.lastElementChild.remove());
    await page.screenshot({ path: path.join(artifactsDir, 'card.png') });

    // Keyboard: each clause's first mark is a focusable marker with a label;
    // focusing a retention clause's marker shows the period it names.
    const markers = await page.evaluate(() =>
      [...document.querySelectorAll('fineprint-mark[tabindex="0"]')].map((each) => ({
        label: each.getAttribute('aria-label'),
        labels: each.dataset.fineprintLabels,
      })),
    );
    assert.equal(new Set(markers.map((each) => each.label)).size > 1, true);
    assert.ok(markers.every((each) => each.label.startsWith('Fineprint: ')));
    await page.keyboard.press('Escape');
    await page.locator('fineprint-card').waitFor({ state: 'detached' });
    await page.locator('fineprint-mark.fineprint-marker[data-fineprint-labels~="retention.fixed_period"]').first().focus();
    await page.locator('fineprint-card').waitFor({ state: 'attached' });
    assert.match(await cardText(), /Kept for/);
    await page.close();
  });

  test('a page that inserts its policy text after load gets highlights (MutationObserver)', async (t) => {
    const page = await openPage('/late-policy');
    const first = await browser.analyzeTab(page);
    assert.equal(first.phase, 'done', JSON.stringify(first));
    assert.equal(first.noted, 0, 'nothing of note before the text arrives');
    const startedAt = Date.now();
    await page.locator('fineprint-mark').first().waitFor({ timeout: 10_000 });
    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked, found.context);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    const status = await browser.tabStatus(page);
    assert.equal(status.phase, 'done');
    assert.equal(await nestedMarkCount(page), 0);
    t.diagnostic(`late page: highlights ${Date.now() - startedAt} ms after the first (empty) run; ${status.highlights} marks`);
    // Painting does not set the observer off again: the marks stay put.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal((await browser.tabStatus(page)).highlights, status.highlights);
    await page.close();
  });

  test('a second visit to a changed policy shows a badge and the popup says what changed', async (t) => {
    // One URL (tracking parameters and fragment differ, the document is the
    // same), two versions of X's privacy policy.
    server.setVersion('2024-07-25');
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/x-history?utm_source=newsletter&t=42`);
    const first = await browser.analyzeTab(page);
    assert.equal(first.phase, 'done', JSON.stringify(first));
    const tabId = await browser.tabIdOf(page);
    const firstChanges = await waitForValue(async () => {
      const { changes } = await browser.sendToBackground({ type: Message.GET_TAB_CHANGES, tabId });
      return changes?.versions.length === 1 ? changes : null;
    });
    assert.equal(firstChanges.comparison, null);
    assert.deepEqual(firstChanges.errors, []);
    assert.equal(await browser.badgeText(tabId), '');

    server.setVersion('2024-11-16');
    await page.goto(`${server.origin}/x-history?fbclid=abc123`);
    const second = await browser.analyzeTab(page);
    assert.equal(second.phase, 'done', JSON.stringify(second));
    const badge = await waitForValue(async () => (await browser.badgeText(tabId)) || null);
    assert.match(badge, /^\d+$/);
    assert.ok(Number(badge) > 0);
    t.diagnostic(`badge after the second visit: ${badge}`);

    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 480, height: 900 });
    await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${tabId}`));
    const item = popup.locator('#summary li[data-label="ai_training.third_party"]');
    await item.waitFor();
    assert.match(await item.textContent(), /train AI/);
    assert.equal(await item.getAttribute('data-severity'), 'alert');
    assert.match(await popup.locator('#changes-heading').textContent(), /^What changed since \d{4}-\d{2}-\d{2}$/);
    assert.equal(await popup.locator('#timeline li').count(), 2);
    assert.ok((await popup.locator('#clauses ins').count()) > 0, 'word-level insertions are shown');
    assert.equal(await popup.locator('#errors li').count(), 0);
    await popup.screenshot({ path: path.join(artifactsDir, 'popup-changes.png'), fullPage: true });

    // The history is in storage, not the worker: after Chromium stops the
    // service worker, the popup still says what changed.
    const worker = await browser.stopServiceWorker();
    try {
      await popup.reload();
      await popup.locator('#summary li[data-label="ai_training.third_party"]').waitFor();
      assert.equal(await popup.locator('#timeline li').count(), 2);
    } finally {
      await worker.detach();
    }
    await Promise.all([page.close(), popup.close()]);
  });

  test('known policy URLs are analysed without a click (declarative content script)', async (t) => {
    // https://x.com/en/privacy never reaches the network: Playwright answers
    // it with the same rendered policy page.
    await browser.context.route('https://x.com/en/privacy', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: server.renderedPage('/x-privacy') }),
    );
    // Cold, as a real visit usually is: the service worker is stopped, so
    // the page's wake-up message (content/wake.js, at document_start) starts
    // the worker and its engine while the page loads.
    const worker = await browser.stopServiceWorker();
    const page = await browser.context.newPage();
    try {
      await page.goto('https://x.com/en/privacy');
      await page.locator('fineprint-mark').first().waitFor({ timeout: 15_000 });
    } finally {
      await worker.detach();
    }
    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    // Not asserted (machines differ); the target is < 150 ms.
    const [measure] = await page.evaluate(() =>
      performance.getEntriesByName('fineprint:start-to-painted').map((entry) => entry.duration),
    );
    const paintedAt = await page.evaluate(
      () => performance.getEntriesByName('fineprint:highlights-painted')[0]?.startTime,
    );
    t.diagnostic(
      `cold visit (service worker stopped first): content-script start to last highlight ${measure?.toFixed(1)} ms; ` +
        `last highlight ${paintedAt?.toFixed(0)} ms after navigation start`,
    );
    await page.close();
  });
});
