// End to end in headless Debian Chromium: the real extension build with the
// real WASM engine, on pages served from 127.0.0.1 (and the known policy
// URLs of x.com and facebook.com, which Playwright answers with the same
// pages: nothing reaches the network).
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Message } from '../../extension/shared/messages.js';
import { repoRoot } from '../../scripts/build-extension.mjs';
import { KNOWN_URLS, launchChromiumWithExtension, readHighlights, routeKnownUrls } from './support/chromium.mjs';
import { AI_TRAINING_LABELS, AI_TRAINING_PHRASE, X_PRIVACY_2024, startPageServer } from './support/pages.mjs';
import {
  describeTiming,
  findMarkedPhraseInPage,
  isSettled,
  lastStartToPaintedInPage,
  lateRunTimelineInPage,
  nestedMarkCountInPage,
  problemWithTextDuringFirstRun,
} from './support/status.mjs';

const artifactsDir = path.join(repoRoot, 'test-artifacts');

const findMarkedPhrase = (page, phrase) => page.evaluate(findMarkedPhraseInPage, phrase);

async function waitForValue(check, { timeoutMs = 20_000, intervalMs = 50, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const nestedMarkCount = (page) => page.evaluate(nestedMarkCountInPage);
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
    await routeKnownUrls(browser.context, server);
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

  // The status of the run the page started by itself, once it has settled
  // (and `accept` holds).
  function settledStatus(page, accept = isSettled) {
    return waitForValue(
      async () => {
        const status = await browser.tabStatus(page);
        return accept(status) ? status : null;
      },
      { what: `${page.url()} to be analysed` },
    );
  }

  let firstVisit;

  test(`first visit to X's privacy policy (${path.basename(X_PRIVACY_2024)}): AI-training, opt-out and retention clauses highlighted`, async (t) => {
    // The first page after the browser started; a URL that reads like a
    // policy, so the extension runs by itself.
    const page = await openPage('/x-privacy');
    const status = await settledStatus(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    firstVisit = status;
    t.diagnostic(
      `Chromium, X privacy policy, cold (first page after browser start, runs by itself): ${status.blocks} blocks, ` +
        `${status.clauses} clauses, ${status.noted} noted, ${status.highlights} marks; ${describeTiming(status, await page.evaluate(lastStartToPaintedInPage))}`,
    );

    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked, `"${AI_TRAINING_PHRASE}" is not highlighted: ${found.context}`);
    for (const label of AI_TRAINING_LABELS) {
      assert.ok(found.labels.includes(label), `labels ${found.labels} lack ${label}`);
    }
    assert.match(found.className, /\bfineprint-family-ai_training\b/);
    assert.match(found.clauseText, /If you do not opt out/);

    // Painting only wraps text nodes: the page's text is the served page's,
    // and the site header, navigation and footer (which repeat the clause)
    // are not read.
    const servedText = await page.evaluate(
      (html) => new DOMParser().parseFromString(html, 'text/html').body.textContent,
      server.renderedPage('/x-privacy'),
    );
    assert.equal(await bodyText(page), servedText);
    assert.equal(await nestedMarkCount(page), 0);
    const highlights = await readHighlights(page);
    assert.equal(highlights.length, status.highlights);
    for (const id of ['nav-clause', 'banner-clause', 'footer-clause']) {
      assert.ok(!highlights.some((mark) => mark.insideOf === id), `a highlight was painted in #${id}`);
    }
    // Every highlight carries data-fineprint-labels.
    assert.equal(
      await page.evaluate(() => document.querySelectorAll('fineprint-mark:not([data-fineprint-labels])').length),
      0,
    );
    assert.ok(highlights.every((mark) => mark.labels.length > 0 && mark.labels.every((label) => /^[a-z_]+\.[a-z_]+$/.test(label))));
    const labels = new Set(highlights.flatMap((mark) => mark.labels));
    assert.ok(labels.has('choice.opt_out'), `no opt-out clause highlighted: ${[...labels]}`);
    assert.ok([...labels].some((label) => label.startsWith('retention.')), `no retention clause highlighted: ${[...labels]}`);

    // Screenshot of the annotated clause, for a person to look at.
    await page.evaluate((phrase) => {
      const mark = [...document.querySelectorAll('fineprint-mark')].find((each) => each.textContent.includes(phrase));
      mark.scrollIntoView({ block: 'center' });
    }, AI_TRAINING_PHRASE);
    await page.screenshot({ path: path.join(artifactsDir, 'chromium-x-privacy-annotated.png') });
    await page.close();
  });

  test('analysing a page again repaints it without wrapping anything twice', async (t) => {
    const page = await openPage('/x-privacy');
    const first = await browser.analyzeTab(page);
    const marksAfterFirst = await readHighlights(page);
    const textNodesAfterFirst = await textNodeCount(page);

    const second = await browser.analyzeTab(page);
    assert.equal(second.phase, 'done');
    t.diagnostic(`Chromium, X privacy policy, engine warm, re-run on the same page: ${describeTiming(second)}`);
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
    for (const id of ['retention-cell', 'retention-cell-below']) {
      const cell = highlights.find((mark) => mark.insideOf === id);
      assert.ok(cell?.labels.includes('retention.fixed_period'), `${id}: ${JSON.stringify(cell ?? null)}`);
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
    const status = await settledStatus(page);
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
    // Its URL has a policy word in it, so the extension looks by itself and
    // finds no policy; the popup's button then reads it regardless.
    const page = await openPage('/not-a-policy');
    const auto = await settledStatus(page);
    assert.ok(auto.phase === 'skipped' || (auto.phase === 'done' && auto.noted === 0), JSON.stringify(auto));
    const status = await browser.analyzeTab(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    assert.ok(status.clauses > 0, 'the page was read');
    assert.equal(status.noted, 0);
    assert.equal(await page.locator('fineprint-mark').count(), 0);
    assert.equal(await page.locator('fineprint-panel').count(), 0, 'no summary panel either');
    await page.close();
  });

  test('the engine comes back after Chromium stops the service worker', async (t) => {
    const page = await openPage('/x-document');
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

  test('the popup shows the status and its button analyses a page nothing ran on', async (t) => {
    // /x-document: no policy word in the URL, so only the button reads it.
    const policy = await openPage('/x-document');
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 360, height: 200 });
    await popup.goto(browser.extensionUrl('popup/popup.html'));
    // The popup acts on the active tab of its window, as a real popup does.
    await policy.bringToFront();
    await popup.reload();
    await popup.locator('#status[data-phase="not-analyzed"]').waitFor();
    assert.equal(await policy.locator('fineprint-mark').count(), 0);

    await popup.locator('#analyze').click();
    await popup.locator('#status[data-phase="done"]').waitFor();
    const statusText = await popup.locator('#status').textContent();
    assert.match(statusText, /^\d+ of \d+ clauses noted\.$/);
    assert.ok((await policy.locator('fineprint-mark').count()) > 0);
    await popup.screenshot({ path: path.join(artifactsDir, 'chromium-popup.png') });
    t.diagnostic(`popup: ${statusText}`);
    await Promise.all([policy.close(), popup.close()]);
  });

  test('hovering or focusing a highlight opens a card with its note, details and examples', async () => {
    const page = await openPage('/x-privacy');
    const status = await settledStatus(page);
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
    const card = await page.evaluate(() => {
      const element = document.querySelector('fineprint-card').shadowRoot.querySelector('.card');
      const box = element.getBoundingClientRect();
      return {
        severity: element.dataset.severity,
        inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth,
      };
    });
    assert.equal(card.severity, 'alert');
    assert.ok(card.inViewport, 'the card is inside the viewport');
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
    await page.screenshot({ path: path.join(artifactsDir, 'chromium-card.png') });

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
    // "Depending on your settings, ..." says where only through its link on
    // "settings": the card gives that address, as a link.
    await page.keyboard.press('Escape');
    await page.locator('fineprint-card').waitFor({ state: 'detached' });
    await page.locator('fineprint-mark.fineprint-marker[data-fineprint-labels~="choice.opt_out"]', { hasText: /Depending on your/ }).first().focus();
    await page.locator('fineprint-card').waitFor({ state: 'attached' });
    const whereLink = await page.evaluate(() => {
      const link = document.querySelector('fineprint-card').shadowRoot.querySelector('dd a[href]');
      return link && { href: link.href, text: link.textContent };
    });
    assert.deepEqual(whereLink, { href: 'https://x.com/settings/account', text: 'https://x.com/settings/account' });
    await page.screenshot({ path: path.join(artifactsDir, 'chromium-card-opt-out.png') });
    await page.close();
  });

  test('a page that renders its policy text a second after load gets highlights', async (t) => {
    const page = await openPage('/late-policy');
    // Nothing to ask: the page's URL reads like a policy, and the extension
    // reads the text when it arrives.
    await page.locator('fineprint-mark').first().waitFor({ timeout: 20_000 });
    const status = await settledStatus(page, (status) => status.phase === 'done' && status.highlights > 0);
    const timeline = await page.evaluate(lateRunTimelineInPage);
    assert.ok(timeline.starts.length >= 2, `a run before the text arrived and one after: ${JSON.stringify(timeline)}`);
    assert.ok(timeline.starts[0] < timeline.insertedAt && timeline.starts.at(-1) > timeline.insertedAt, JSON.stringify(timeline));
    const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
    assert.ok(found.marked, found.context);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    assert.equal(await nestedMarkCount(page), 0);
    t.diagnostic(
      `Chromium, late page: highlights painted ${(timeline.starts.at(-1) - timeline.insertedAt).toFixed(0)} ms ` +
        `after the text arrived (run started) + ${status.startToPaintedMs} ms; ${status.highlights} marks`,
    );
    // Painting does not set the observer off again: the marks stay put.
    assert.equal((await readHighlights(page)).length, status.highlights);
    await page.close();
  });

  test("text a page renders while its first run's request is with the background is read too", async () => {
    // The page's opening passes the policy check and is sent; the rest
    // arrives before the reply does (pages.mjs latePolicyPage).
    const page = await openPage('/late-policy-while-first-run');
    const found = await waitForValue(
      async () => {
        const found = await findMarkedPhrase(page, AI_TRAINING_PHRASE);
        return found.marked ? found : null;
      },
      { what: 'the AI-training clause of the text that came during the first run, marked' },
    );
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    // Long enough for a run that our own painting would set off.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(problemWithTextDuringFirstRun(await page.evaluate(lateRunTimelineInPage)), null);
    assert.equal(await nestedMarkCount(page), 0);
    await page.close();
  });

  let changedTabId;

  test('a second visit to a changed policy shows a badge and the popup shows the new AI-training clause', async (t) => {
    // One URL (tracking parameters and fragment differ, the document is the
    // same), two versions of X's privacy policy: 2024-07-25 has no
    // third-party AI-training clause, 2024-11-16 does.
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
    t.diagnostic(`Chromium: badge after the second visit: ${badge}`);

    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 480, height: 900 });
    await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${tabId}`));
    const item = popup.locator('#summary li[data-label="ai_training.third_party"]');
    await item.waitFor();
    assert.match(await item.textContent(), /train AI/);
    assert.equal(await item.getAttribute('data-severity'), 'alert');
    assert.match(await popup.locator('#changes-heading').textContent(), /^What changed since \d{4}-\d{2}-\d{2}$/);
    assert.equal(await popup.locator('#timeline li').count(), 2);
    assert.match((await popup.locator('#clauses ins').allTextContents()).join(' '), /artificial intelligence/);
    assert.equal(await popup.locator('#errors li').count(), 0);
    await popup.screenshot({ path: path.join(artifactsDir, 'chromium-popup-changes.png'), fullPage: true });

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
    changedTabId = tabId;
    await popup.close();
  });

  test('the known policy URLs run by themselves; speed on X and the 200 KB Meta policy, cold and warm', async (t) => {
    // Cold, as a real visit usually is: the service worker is stopped, so
    // the page's wake-up message (content/wake.js, at document_start) starts
    // the worker and its engine while the page loads. Warm: the next visit.
    const figures = [];
    for (const url of Object.keys(KNOWN_URLS)) {
      for (const temperature of ['cold', 'warm']) {
        const worker = temperature === 'cold' ? await browser.stopServiceWorker() : null;
        const page = await browser.context.newPage();
        try {
          await page.goto(url);
          await page.locator('fineprint-mark').first().waitFor({ timeout: 20_000 });
        } finally {
          await worker?.detach();
        }
        const status = await settledStatus(page);
        assert.equal(status.phase, 'done', JSON.stringify(status));
        assert.ok(status.noted > 0);
        if (temperature === 'cold') {
          assert.equal(typeof status.engineStartupMs, 'number', 'the woken worker created a new engine');
        }
        const labels = new Set((await readHighlights(page)).flatMap((mark) => mark.labels));
        assert.ok([...labels].some((label) => label.startsWith('ai_training.')), [...labels].join(' '));
        if (url.includes('x.com')) assert.ok((await findMarkedPhrase(page, AI_TRAINING_PHRASE)).marked);
        figures.push(
          `Chromium, ${url} (${status.blocks} blocks, ${status.clauses} clauses, ${status.noted} noted), ${temperature}` +
            `${temperature === 'cold' ? ' (service worker stopped first)' : ' (new page load)'}: ` +
            describeTiming(status, await page.evaluate(lastStartToPaintedInPage)),
        );
        await page.close();
      }
    }
    // Not asserted (machines differ); the targets are < 150 ms (X) and < 500 ms (Meta).
    for (const line of figures) t.diagnostic(line);
  });

  test('the summary panel lists the findings and every noted clause, each jumping to its place', async (t) => {
    const page = await openPage('/x-privacy');
    const status = await settledStatus(page);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    const host = page.locator('fineprint-panel');
    await host.waitFor({ state: 'attached' });
    const toggle = page.locator('#fineprint-panel-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    const panel = page.locator('#fineprint-panel[role="dialog"]');
    await panel.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await host.getAttribute('data-fineprint-open'), 'true');

    const findings = page.locator('#fineprint-panel-findings > li');
    const clauses = page.locator('#fineprint-panel-clauses > li');
    assert.equal(String(await findings.count()), await host.getAttribute('data-fineprint-findings'));
    assert.equal(String(await clauses.count()), await host.getAttribute('data-fineprint-clauses'));
    assert.ok((await findings.count()) > 0, 'X privacy policy has document-level findings');
    // Every noted clause painted on the page is listed.
    const paintedClauses = await page.evaluate(
      () => new Set([...document.querySelectorAll('fineprint-mark')].map((mark) => mark.dataset.fineprintClause)).size,
    );
    assert.equal(await clauses.count(), paintedClauses);
    const findingIds = await findings.evaluateAll((items) => items.map((item) => item.dataset.finding));
    t.diagnostic(`Chromium panel: findings ${findingIds.join(', ')}; ${paintedClauses} clauses`);
    await page.screenshot({ path: path.join(artifactsDir, 'chromium-panel.png') });

    // The AI-training clause's entry jumps to its highlight and opens its card.
    const aiEntry = page.locator('#fineprint-panel-clauses > li[data-fineprint-labels~="ai_training.third_party"] button[data-fineprint-jump]').first();
    const target = await aiEntry.getAttribute('data-fineprint-jump');
    await aiEntry.click();
    const marker = page.locator(`fineprint-mark.fineprint-marker[data-fineprint-clause="${target}"]`);
    await waitForValue(() => marker.evaluate((mark) => document.activeElement === mark), { what: 'the jump to focus the marker' });
    assert.ok(await marker.isVisible());
    await page.locator('fineprint-card').waitFor({ state: 'attached' });
    assert.match(await page.evaluate(() => document.querySelector('fineprint-card').shadowRoot.textContent), /train/);

    // Keyboard: Escape inside the panel closes it and gives focus back to the toggle.
    await toggle.click();
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await host.getAttribute('data-fineprint-open'), 'false');
    await page.close();
  });

  test('popup export buttons produce Markdown and JSON', async () => {
    assert.ok(changedTabId, 'needs the changed-policy test before it');
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${changedTabId}`));
    await popup.locator('#summary li[data-label="ai_training.third_party"]').waitFor();
    await popup.locator('#export').waitFor();

    const [markdownDownload] = await Promise.all([popup.waitForEvent('download'), popup.locator('#export-markdown').click()]);
    assert.match(markdownDownload.suggestedFilename(), /\.md$/);
    const markdown = await readFile(await markdownDownload.path(), 'utf8');
    assert.match(markdown, /^# /m, 'a Markdown heading');
    assert.match(markdown, /train AI/);
    assert.match(markdown, /artificial intelligence/);

    const [jsonDownload] = await Promise.all([popup.waitForEvent('download'), popup.locator('#export-json').click()]);
    assert.match(jsonDownload.suggestedFilename(), /\.json$/);
    const report = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
    assert.match(JSON.stringify(report), /ai_training\.third_party/);
    await popup.close();
  });

  test('with "run automatically" off in the options, policy pages are left alone until the popup button is pressed', async () => {
    const options = await browser.context.newPage();
    await options.goto(browser.extensionUrl('options/options.html'));
    const autoRun = options.locator('#auto-run');
    await waitForValue(() => autoRun.isEnabled(), { what: 'the options to load' });
    assert.equal(await autoRun.isChecked(), true, 'on by default');
    await autoRun.uncheck();
    await waitForValue(async () => {
      const reply = await browser.sendToBackground({ type: Message.GET_SETTINGS });
      return reply?.settings?.autoRun === false;
    }, { what: 'the setting to be saved' });
    try {
      const page = await openPage('/x-privacy');
      const status = await settledStatus(page);
      assert.equal(status.phase, 'skipped', JSON.stringify(status));
      assert.equal(status.reason, 'auto-run-off');
      assert.equal(await page.locator('fineprint-mark').count(), 0);

      // The popup's button (for this tab) still analyses the page.
      const popup = await browser.context.newPage();
      await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${await browser.tabIdOf(page)}`));
      await popup.locator('#status[data-phase="skipped"]').waitFor();
      await popup.locator('#analyze').click();
      await popup.locator('#status[data-phase="done"]').waitFor();
      const asked = await browser.tabStatus(page);
      assert.equal(asked.phase, 'done', JSON.stringify(asked));
      assert.equal(asked.highlights, firstVisit.highlights);
      assert.ok((await findMarkedPhrase(page, AI_TRAINING_PHRASE)).marked);
      await Promise.all([page.close(), popup.close()]);
    } finally {
      await options.reload();
      await waitForValue(() => autoRun.isEnabled(), { what: 'the options to load' });
      await autoRun.check();
      await waitForValue(async () => (await browser.sendToBackground({ type: Message.GET_SETTINGS }))?.settings?.autoRun === true);
      await options.close();
    }
  });

  test('the extension made no network request', async (t) => {
    // The net log works and tells who started a request: one the test has
    // the worker make (to a test page) shows up with the extension's origin.
    const extensionOrigin = browser.extensionUrl('').replace(/\/$/, '');
    const probe = `${server.origin}/not-a-policy?probe-from-the-worker`;
    await browser.sendToBackground({ type: Message.WAKE });
    const worker = browser.context.serviceWorkers().find((each) => each.url().startsWith(browser.extensionUrl('')));
    await worker.evaluate((url) => fetch(url).then((response) => response.status), probe);
    const netLog = await waitForValue(async () => {
      const requests = await browser.netLogRequests();
      return requests.some((request) => request.url === probe && request.initiator === extensionOrigin) ? requests : null;
    }, { what: "the worker's probe in the net log" });
    assert.ok(netLog.some((request) => request.url.startsWith(`${server.origin}/x-privacy`)), 'the net log holds the pages');

    const leavesBrowser = (url) => /^(https?|wss?|ftp):$/.test(new URL(url).protocol) && new URL(url).hostname !== '127.0.0.1';
    // Everything Playwright saw the worker ask for is its own extension
    // files (Playwright may miss a restarted worker's requests: the net log
    // below is the complete record).
    assert.deepEqual(
      browser.requests.filter(
        (request) => request.fromServiceWorker && request.url !== probe && !request.url.startsWith(browser.extensionUrl('')),
      ),
      [],
    );
    // Pages: 127.0.0.1, or the known policy URLs Playwright answers itself.
    assert.deepEqual(
      browser.requests.filter((request) => !request.fromServiceWorker && leavesBrowser(request.url) && !Object.hasOwn(KNOWN_URLS, request.url)),
      [],
    );
    // And the network stack itself: nothing started by the extension's
    // origin, nothing leaving 127.0.0.1 started by a page.
    assert.deepEqual(netLog.filter((request) => request.initiator === extensionOrigin && request.url !== probe), []);
    const browserOwn = netLog.filter((request) => request.initiator === 'not an origin');
    assert.deepEqual(
      netLog.filter((request) => leavesBrowser(request.url) && request.initiator !== 'not an origin' && !Object.hasOwn(KNOWN_URLS, request.url)),
      [],
    );
    t.diagnostic(
      `Chromium: ${browser.requests.length} requests seen by Playwright ` +
        `(${browser.requests.filter((request) => request.fromServiceWorker && request.url !== probe).length} by the service worker, all to its own files); ` +
        `net log: ${netLog.length} request starts, none by the extension; the browser's own (DNS blocked): ` +
        `${[...new Set(browserOwn.filter((request) => leavesBrowser(request.url)).map((request) => new URL(request.url).host))].join(', ') || 'none'}`,
    );
  });
});
