// End to end in headless Debian Firefox ESR: the Firefox build (background as
// a module event page, the WASM engine in it) on pages served from 127.0.0.1.
// dist/firefox-test runs the content script on 127.0.0.1 by itself (as the
// release build does on the known policy URLs), so every page here is
// analysed on load; the popup is opened as a tab (see support/firefox.mjs).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Message } from '../../extension/shared/messages.js';
import { buildExtension, repoRoot } from '../../scripts/build-extension.mjs';
import { launchFirefoxWithExtension, waitFor } from './support/firefox.mjs';
import { AI_TRAINING_LABELS, AI_TRAINING_PHRASE, startPageServer } from './support/pages.mjs';
import {
  describeTiming,
  findMarkedPhraseInPage,
  isSettled,
  lastStartToPaintedInPage,
  lateRunTimelineInPage,
  nestedMarkCountInPage,
  problemWithTextDuringFirstRun,
  readHighlightsInPage,
} from './support/status.mjs';

const artifactsDir = path.join(repoRoot, 'test-artifacts');

// `fn` is run in the browser: its source, called with JSON arguments, and
// its (awaited) result brought back through JSON.
const call = (fn, ...args) =>
  `Promise.resolve((${fn})(...${JSON.stringify(args)})).then((result) => JSON.stringify(result ?? null))`;

describe('Fineprint in Firefox', () => {
  let firefox;
  let server;
  let controlTab;
  let network;

  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    server = await startPageServer();
    const extensionDir = await buildExtension('firefox-test');
    const manifest = JSON.parse(await readFile(path.join(extensionDir, 'manifest.json'), 'utf8'));
    firefox = await launchFirefoxWithExtension(extensionDir, manifest.browser_specific_settings.gecko.id);
    // Everything from here on is watched; the last test checks it.
    network = await firefox.watchNetwork();
  });

  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  // An extension page to talk to the background from, as the popup does.
  async function control(fn, ...args) {
    controlTab ??= await firefox.openExtensionPage('popup/popup.html?control');
    return JSON.parse(await firefox.evaluate(call(fn, ...args), controlTab));
  }
  const sendToBackground = (message) => control((message) => browser.runtime.sendMessage(message), message);

  async function tabIdOf(url) {
    const ids = await control(
      async (url) => (await browser.tabs.query({})).filter((tab) => tab.url === url).map((tab) => tab.id),
      url,
    );
    if (ids.length !== 1) throw new Error(`expected one tab at ${url}, found ${ids.length}`);
    return ids[0];
  }

  async function tabStatus(tabId) {
    const reply = await sendToBackground({ type: Message.GET_TAB_STATUS, tabId });
    if (!reply?.ok) throw new Error(`get-tab-status failed: ${reply?.error}`);
    return reply.status;
  }

  // Resolves to the content script's status once `accept(status)` holds
  // (by default: its run on this page load has finished).
  function waitForStatus(tabId, accept = isSettled) {
    return waitFor(async () => {
      const status = await tabStatus(tabId);
      return accept(status) ? status : null;
    }, { what: `tab ${tabId} to be analysed` });
  }

  const inPage = async (context, fn, ...args) => JSON.parse(await firefox.evaluate(call(fn, ...args), context));

  // Each page gets a URL of its own (the tab is found by its URL); opens it
  // in a new tab and waits for the analysis the page load started.
  let pagesOpened = 0;
  async function openAnalysedPage(pathname, accept) {
    pagesOpened += 1;
    const url = `${server.origin}${pathname}?page=${pagesOpened}`;
    const context = await firefox.newTab();
    await firefox.navigate(url, context);
    const tabId = await tabIdOf(url);
    const status = await waitForStatus(tabId, accept);
    return { context, tabId, status, url };
  }

  async function screenshot(context, name, options) {
    await writeFile(path.join(artifactsDir, name), await firefox.screenshot(context, options));
  }

  let xPage;
  let changed;

  // A real mouse pointer moved onto `element` (a BiDi remote node value),
  // and with `click`, pressed and released there.
  async function pointAt(context, element, { click = false } = {}) {
    const move = { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: element.sharedId } } };
    const press = click ? [{ type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] : [];
    await firefox.bidi.send('input.performActions', {
      context,
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [move, ...press] }],
    });
    if (click) await firefox.bidi.send('input.releaseActions', { context });
  }
  const click = (context, element) => pointAt(context, element, { click: true });

  test('first visit to the X privacy policy: AI-training, opt-out and retention clauses highlighted (cold start)', async (t) => {
    // The first page after the browser started: the engine may still be
    // starting up (its start-up is then part of the figure).
    const sinceInstall = Date.now() - firefox.installedAt;
    xPage = await openAnalysedPage('/x-privacy');
    const { context, status } = xPage;
    assert.equal(status.phase, 'done', JSON.stringify(status));
    const measured = await inPage(context, lastStartToPaintedInPage);
    t.diagnostic(
      `Firefox, X privacy policy, cold (first page, opened ${sinceInstall} ms after the extension was installed): ` +
        `${status.blocks} blocks, ${status.clauses} clauses, ${status.noted} noted, ${status.highlights} marks; ` +
        describeTiming(status, measured),
    );

    const found = await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE);
    assert.ok(found.marked, `"${AI_TRAINING_PHRASE}" is not highlighted: ${found.context}`);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label), `labels ${found.labels} lack ${label}`);
    assert.match(found.className, /\bfineprint-family-ai_training\b/);
    assert.match(found.clauseText, /If you do not opt out/);

    // Painting only wraps text nodes: the page's text is the served page's.
    const [bodyText, servedText] = await inPage(
      context,
      (html) => [document.body.textContent, new DOMParser().parseFromString(html, 'text/html').body.textContent],
      server.renderedPage('/x-privacy'),
    );
    assert.equal(bodyText, servedText);
    const highlights = await inPage(context, readHighlightsInPage);
    assert.equal(highlights.length, status.highlights);
    assert.ok(highlights.length > 0);
    // Every highlight carries its labels.
    for (const mark of highlights) {
      assert.ok(mark.labels.length > 0 && mark.labels.every((label) => /^[a-z_]+\.[a-z_]+$/.test(label)), JSON.stringify(mark));
    }
    const labels = new Set(highlights.flatMap((mark) => mark.labels));
    assert.ok(labels.has('choice.opt_out'), `no opt-out clause highlighted: ${[...labels]}`);
    assert.ok([...labels].some((label) => label.startsWith('retention.')), `no retention clause highlighted: ${[...labels]}`);
    for (const id of ['nav-clause', 'banner-clause', 'footer-clause']) {
      assert.ok(!highlights.some((mark) => mark.insideOf === id), `a highlight was painted in #${id}`);
    }

    await inPage(context, (phrase) => {
      const mark = [...document.querySelectorAll('fineprint-mark')].find((each) => each.textContent.includes(phrase));
      mark.scrollIntoView({ block: 'center' });
    }, AI_TRAINING_PHRASE);
    await screenshot(context, 'firefox-x-privacy-annotated.png');
  });

  test('hovering or focusing a highlight opens a readable card', async () => {
    const { context } = xPage;
    // The tab in front: a background tab gets no focus events.
    await firefox.activate(context);
    const cardState = () =>
      inPage(context, () => {
        const host = document.querySelector('fineprint-card');
        const card = host?.shadowRoot?.querySelector('.card');
        if (!card) return null;
        const box = card.getBoundingClientRect();
        const style = getComputedStyle(card);
        return {
          text: host.shadowRoot.textContent,
          severity: card.dataset.severity,
          role: card.getAttribute('role'),
          color: style.color,
          background: style.backgroundColor,
          inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth,
        };
      });

    // A real pointer over the AI-training clause.
    const markRemote = await firefox.evaluateRemote(
      `(() => {
        const mark = [...document.querySelectorAll('fineprint-mark')].find((each) => each.textContent.includes(${JSON.stringify(AI_TRAINING_PHRASE)}));
        mark.scrollIntoView({ block: 'center' });
        return mark;
      })()`,
      context,
    );
    await pointAt(context, markRemote);
    const card = await waitFor(cardState, { what: 'the card to open on hover' });
    assert.ok(card.text.includes('X may give your data to other companies to train their AI.'), card.text);
    assert.ok(card.text.includes('Other companies may train AI on your data'), 'the label in words');
    assert.ok(card.text.includes('How other platforms handle this'), card.text);
    assert.equal(card.severity, 'alert');
    assert.equal(card.role, 'dialog');
    assert.ok(card.inViewport, 'the card is inside the viewport');
    assert.notEqual(card.color, card.background, 'the card text is visible on its background');
    await screenshot(context, 'firefox-card.png');
    await firefox.bidi.send('input.releaseActions', { context });

    // Keyboard: focusing a retention clause's marker opens its card, with the
    // period it names.
    await inPage(context, () => {
      document.querySelector('fineprint-mark.fineprint-marker[data-fineprint-labels~="retention.fixed_period"]').focus();
    });
    const retentionCard = await waitFor(async () => {
      const state = await cardState();
      return state?.text.includes('Kept for') ? state : null;
    }, { what: 'the retention card to open on focus' });
    assert.ok(retentionCard.inViewport);

    // An opt-out that says where only through its link on "settings": the
    // card gives that address, as a link.
    await inPage(context, () => {
      [...document.querySelectorAll('fineprint-mark.fineprint-marker[data-fineprint-labels~="choice.opt_out"]')]
        .find((mark) => mark.textContent.includes('Depending on your'))
        .focus();
    });
    const whereLink = await waitFor(
      () =>
        inPage(context, () => {
          const link = document.querySelector('fineprint-card')?.shadowRoot?.querySelector('dd a[href]');
          return link ? link.href : null;
        }),
      { what: 'the opt-out card with its link' },
    );
    assert.equal(whereLink, 'https://x.com/settings/account');
  });

  test('a second visit to a changed policy shows a badge and the popup shows the new AI-training clause', async (t) => {
    // One document URL (tracking parameters differ), two versions.
    server.setVersion('2024-07-25');
    const context = await firefox.newTab();
    const firstUrl = `${server.origin}/x-history?utm_source=newsletter&t=42`;
    await firefox.navigate(firstUrl, context);
    const tabId = await tabIdOf(firstUrl);
    assert.equal((await waitForStatus(tabId)).phase, 'done');
    const firstChanges = await waitFor(async () => {
      const { changes } = await sendToBackground({ type: Message.GET_TAB_CHANGES, tabId });
      return changes?.versions.length === 1 ? changes : null;
    }, { what: 'the first version to be remembered' });
    assert.equal(firstChanges.comparison, null);
    assert.deepEqual(firstChanges.errors, []);
    assert.equal(await control((tabId) => browser.action.getBadgeText({ tabId }), tabId), '');

    server.setVersion('2024-11-16');
    await firefox.navigate(`${server.origin}/x-history?fbclid=abc123`, context);
    assert.equal((await waitForStatus(tabId, (status) => isSettled(status) && status.url.includes('fbclid'))).phase, 'done');
    const badge = await waitFor(() => control((tabId) => browser.action.getBadgeText({ tabId }), tabId), {
      what: 'the badge',
    });
    assert.match(badge, /^\d+$/);
    assert.ok(Number(badge) > 0);
    t.diagnostic(`Firefox: badge after the second visit: ${badge}`);

    const popup = await firefox.openExtensionPage(`popup/popup.html?tab=${tabId}`);
    await firefox.setViewport(popup, 480, 900);
    const shown = await waitFor(
      () =>
        inPage(popup, () => {
          const item = document.querySelector('#summary li[data-label="ai_training.third_party"]');
          if (!item) return null;
          return {
            item: item.textContent,
            severity: item.dataset.severity,
            heading: document.getElementById('changes-heading').textContent,
            timeline: document.querySelectorAll('#timeline li').length,
            insertions: [...document.querySelectorAll('#clauses ins')].map((ins) => ins.textContent).join(' '),
            errors: document.querySelectorAll('#errors li').length,
          };
        }),
      { what: 'the popup to show the AI-training change' },
    );
    assert.match(shown.item, /train AI/);
    assert.equal(shown.severity, 'alert');
    assert.match(shown.heading, /^What changed since \d{4}-\d{2}-\d{2}$/);
    assert.equal(shown.timeline, 2);
    assert.match(shown.insertions, /artificial intelligence/, 'the new clause is shown as inserted words');
    assert.equal(shown.errors, 0);
    await screenshot(popup, 'firefox-popup-changes.png', { full: true });
    await firefox.closeTab(popup);
    changed = { context, tabId };
  });

  test('the popup shows the status and its button analyses the page again', async (t) => {
    const { tabId, status: before } = xPage;
    const popup = await firefox.openExtensionPage(`popup/popup.html?tab=${tabId}`);
    await firefox.setViewport(popup, 320, 160);
    await waitFor(() => inPage(popup, () => document.getElementById('status').dataset.phase === 'done'), {
      what: 'the popup status',
    });
    await inPage(popup, () => {
      document.getElementById('status').dataset.phase = 'clicked';
      document.getElementById('analyze').click();
    });
    const text = await waitFor(
      () => inPage(popup, () => (document.getElementById('status').dataset.phase === 'done' ? document.getElementById('status').textContent : null)),
      { what: 'the popup to report the new run' },
    );
    assert.match(text, /^\d+ of \d+ clauses noted\.$/);
    const after = await tabStatus(tabId);
    assert.equal(after.highlights, before.highlights);
    t.diagnostic(`Firefox popup: ${text}; X privacy policy, engine warm, re-run: ${describeTiming(after)}`);
    await screenshot(popup, 'firefox-popup.png');
    await firefox.closeTab(popup);
  });

  test('a page with a strict Content-Security-Policy still gets highlights', async () => {
    const { context, status } = await openAnalysedPage('/x-privacy-strict-csp');
    assert.equal(status.phase, 'done', JSON.stringify(status));
    const found = await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE);
    assert.ok(found.marked, found.context);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    const background = await inPage(context, () => getComputedStyle(document.querySelector('fineprint-mark')).backgroundColor);
    assert.notEqual(background, 'rgba(0, 0, 0, 0)');
    await firefox.closeTab(context);
  });

  test('a page that inserts its policy text a second after load gets highlights', async (t) => {
    const { context, tabId, status } = await openAnalysedPage('/late-policy', (status) => status.highlights > 0);
    assert.equal(status.phase, 'done', JSON.stringify(status));
    const found = await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE);
    assert.ok(found.marked, found.context);
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    assert.equal(await inPage(context, nestedMarkCountInPage), 0);
    const timeline = await inPage(context, lateRunTimelineInPage);
    assert.ok(timeline.starts[0] < timeline.insertedAt && timeline.starts.at(-1) > timeline.insertedAt, JSON.stringify(timeline));
    t.diagnostic(
      `Firefox, late page: the painting run started ${(timeline.starts.at(-1) - timeline.insertedAt).toFixed(0)} ms after ` +
        `the text arrived and took ${status.startToPaintedMs} ms; ${status.highlights} marks`,
    );
    // Painting does not set the observer off again: the same marks stay.
    const marks = await inPage(context, readHighlightsInPage);
    assert.deepEqual((await tabStatus(tabId)).highlights, marks.length);
    await firefox.closeTab(context);
  });

  test("text a page renders while its first run's request is with the background is read too", async () => {
    // The page's opening passes the policy check and is sent; the rest
    // arrives before the reply does (pages.mjs latePolicyPage).
    const { context } = await openAnalysedPage('/late-policy-while-first-run', (status) => status.phase === 'done');
    const found = await waitFor(
      async () => {
        const found = await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE);
        return found.marked ? found : null;
      },
      { what: 'the AI-training clause of the text that came during the first run, marked' },
    );
    for (const label of AI_TRAINING_LABELS) assert.ok(found.labels.includes(label));
    // Long enough for a run that our own painting would set off.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(problemWithTextDuringFirstRun(await inPage(context, lateRunTimelineInPage)), null);
    assert.equal(await inPage(context, nestedMarkCountInPage), 0);
    await firefox.closeTab(context);
  });

  test('the 200 KB Meta privacy policy gets highlights (cold and warm)', async (t) => {
    // Cold: the background is unloaded first, so the page's message starts it
    // and its engine.
    const state = await firefox.terminateBackground();
    const cold = await openAnalysedPage('/meta-privacy');
    assert.equal(cold.status.phase, 'done', JSON.stringify(cold.status));
    assert.ok(cold.status.noted > 0);
    assert.equal(typeof cold.status.engineStartupMs, 'number', 'the background started a new engine');
    const coldMeasured = await inPage(cold.context, lastStartToPaintedInPage);
    const highlights = await inPage(cold.context, readHighlightsInPage);
    assert.equal(highlights.length, cold.status.highlights);
    // Every highlight carries its labels.
    for (const mark of highlights) {
      assert.ok(mark.labels.length > 0 && mark.labels.every((label) => /^[a-z_]+\.[a-z_]+$/.test(label)), JSON.stringify(mark));
    }
    const labels = new Set(highlights.flatMap((mark) => mark.labels));
    assert.ok([...labels].some((label) => label.startsWith('ai_training.')), [...labels].join(' '));
    t.diagnostic(
      `Firefox, Meta privacy policy, cold (background ${state} before the page): ${cold.status.blocks} blocks, ` +
        `${cold.status.clauses} clauses, ${cold.status.noted} noted; ${describeTiming(cold.status, coldMeasured)}`,
    );
    await firefox.closeTab(cold.context);

    const warm = await openAnalysedPage('/meta-privacy');
    const warmMeasured = await inPage(warm.context, lastStartToPaintedInPage);
    assert.equal(warm.status.highlights, cold.status.highlights);
    t.diagnostic(`Firefox, Meta privacy policy, warm (new page load): ${describeTiming(warm.status, warmMeasured)}`);
    await firefox.closeTab(warm.context);

    const xWarm = await openAnalysedPage('/x-privacy');
    const xWarmMeasured = await inPage(xWarm.context, lastStartToPaintedInPage);
    assert.equal(xWarm.status.highlights, xPage.status.highlights);
    t.diagnostic(`Firefox, X privacy policy, warm (new page load): ${describeTiming(xWarm.status, xWarmMeasured)}`);
    await firefox.closeTab(xWarm.context);
  });

  test('a page that is not a policy gets no highlights', async () => {
    const { context, status } = await openAnalysedPage('/not-a-policy');
    // 'skipped' when the content script decides by itself it is no policy.
    assert.ok(['done', 'skipped'].includes(status.phase), JSON.stringify(status));
    if (status.phase === 'done') assert.equal(status.noted, 0);
    assert.equal(await inPage(context, () => document.querySelectorAll('fineprint-mark').length), 0);
    await firefox.closeTab(context);
  });

  test('the background comes back after Firefox unloads it', async (t) => {
    const state = await firefox.terminateBackground();
    const { context, status } = await openAnalysedPage('/x-privacy');
    assert.equal(status.phase, 'done', JSON.stringify(status));
    assert.equal(typeof status.engineStartupMs, 'number', 'the restarted background created a new engine');
    assert.equal(status.highlights, xPage.status.highlights);
    assert.ok((await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE)).marked);
    t.diagnostic(
      `Firefox, X privacy policy, background ${state} before the page: ${describeTiming(status, await inPage(context, lastStartToPaintedInPage))}`,
    );
    await firefox.closeTab(context);
  });

  test('the summary panel lists the findings and every noted clause, each jumping to its place', async (t) => {
    const { context, status } = await openAnalysedPage('/x-privacy');
    assert.equal(status.phase, 'done', JSON.stringify(status));
    await firefox.activate(context);
    const panelState = () =>
      inPage(context, () => {
        const host = document.querySelector('fineprint-panel');
        const shadow = host?.shadowRoot;
        if (!shadow) return null;
        const panel = shadow.getElementById('fineprint-panel');
        return {
          open: host.dataset.fineprintOpen,
          findingsAttribute: host.dataset.fineprintFindings,
          clausesAttribute: host.dataset.fineprintClauses,
          expanded: shadow.getElementById('fineprint-panel-toggle').getAttribute('aria-expanded'),
          visible: Boolean(panel && !panel.hidden && panel.getBoundingClientRect().height > 0),
          findings: panel ? [...shadow.querySelectorAll('#fineprint-panel-findings > li')].map((item) => item.dataset.finding) : [],
          clauses: panel ? shadow.querySelectorAll('#fineprint-panel-clauses > li').length : 0,
          painted: new Set([...document.querySelectorAll('fineprint-mark')].map((mark) => mark.dataset.fineprintClause)).size,
        };
      });
    const closed = await waitFor(panelState, { what: 'the summary panel' });
    assert.equal(closed.expanded, 'false');
    const toggle = await firefox.evaluateRemote(
      'document.querySelector("fineprint-panel").shadowRoot.getElementById("fineprint-panel-toggle")',
      context,
    );
    await click(context, toggle);
    const open = await waitFor(async () => {
      const state = await panelState();
      return state.visible ? state : null;
    }, { what: 'the panel to open' });
    assert.equal(open.expanded, 'true');
    assert.equal(open.open, 'true');
    assert.equal(String(open.findings.length), open.findingsAttribute);
    assert.equal(String(open.clauses), open.clausesAttribute);
    assert.ok(open.findings.length > 0);
    assert.equal(open.clauses, open.painted, 'every painted clause is listed');
    t.diagnostic(`Firefox panel: findings ${open.findings.join(', ')}; ${open.clauses} clauses`);
    await screenshot(context, 'firefox-panel.png');

    const jump = await firefox.evaluateRemote(
      `(() => {
        const button = document.querySelector("fineprint-panel").shadowRoot.querySelector('#fineprint-panel-clauses > li[data-fineprint-labels~="ai_training.third_party"] button[data-fineprint-jump]');
        button.scrollIntoView({ block: 'center' });
        return button;
      })()`,
      context,
    );
    await click(context, jump);
    const landed = await waitFor(
      () =>
        inPage(context, () => {
          const mark = document.activeElement;
          if (mark?.tagName !== 'FINEPRINT-MARK') return null;
          const box = mark.getBoundingClientRect();
          return {
            labels: mark.dataset.fineprintLabels,
            inView: box.top >= 0 && box.bottom <= innerHeight,
            card: document.querySelector('fineprint-card')?.shadowRoot?.textContent ?? '',
          };
        }),
      { what: 'the jump to focus the marker' },
    );
    assert.match(landed.labels, /ai_training\.third_party/);
    assert.ok(landed.inView);
    await waitFor(async () => (await inPage(context, () => document.querySelector('fineprint-card')?.shadowRoot?.textContent ?? '')).includes('train'), {
      what: 'the card of the clause jumped to',
    });
    await firefox.closeTab(context);
  });

  test('popup export buttons produce Markdown and JSON', async () => {
    assert.ok(changed, 'needs the changed-policy test before it');
    const popup = await firefox.openExtensionPage(`popup/popup.html?tab=${changed.tabId}`);
    await waitFor(() => inPage(popup, () => Boolean(document.querySelector('#summary li[data-label="ai_training.third_party"]')) && !document.getElementById('export').hidden), {
      what: 'the popup to show the changes and export buttons',
    });
    // What each button hands the browser to save: the Blob behind the link.
    await inPage(popup, () => {
      globalThis.exported = [];
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => {
        globalThis.exported.push(blob);
        return create(blob);
      };
      HTMLAnchorElement.prototype.click = function () {
        globalThis.exported.at(-1).fileName = this.download;
      };
    });
    const exportOne = async (button) => {
      await inPage(popup, (button) => document.getElementById(button).click(), button);
      return inPage(popup, async () => {
        const blob = globalThis.exported.at(-1);
        return { fileName: blob.fileName, type: blob.type, text: await blob.text() };
      });
    };
    const markdown = await exportOne('export-markdown');
    assert.match(markdown.fileName, /\.md$/);
    assert.match(markdown.type, /^text\/markdown/);
    assert.match(markdown.text, /^# /m);
    assert.match(markdown.text, /train AI/);
    assert.match(markdown.text, /artificial intelligence/);
    const json = await exportOne('export-json');
    assert.match(json.fileName, /\.json$/);
    assert.match(JSON.stringify(JSON.parse(json.text)), /ai_training\.third_party/);
    await firefox.closeTab(popup);
    await firefox.closeTab(changed.context);
  });

  test('with "run automatically" off in the options, policy pages are left alone until the popup button is pressed', async () => {
    const options = await firefox.openExtensionPage('options/options.html');
    const autoRunState = () => inPage(options, () => {
      const box = document.getElementById('auto-run');
      return box.disabled ? null : { checked: box.checked };
    });
    assert.equal((await waitFor(autoRunState, { what: 'the options to load' })).checked, true, 'on by default');
    const autoRunIs = (value) => waitFor(async () => (await sendToBackground({ type: Message.GET_SETTINGS }))?.settings?.autoRun === value, {
      what: `the setting autoRun = ${value} to be saved`,
    });
    await inPage(options, () => document.getElementById('auto-run').click());
    await autoRunIs(false);
    try {
      const { context, tabId, status } = await openAnalysedPage('/x-privacy');
      assert.equal(status.phase, 'skipped', JSON.stringify(status));
      assert.equal(status.reason, 'auto-run-off');
      assert.equal(await inPage(context, () => document.querySelectorAll('fineprint-mark').length), 0);

      // The popup's button (for this tab) still analyses the page.
      const popup = await firefox.openExtensionPage(`popup/popup.html?tab=${tabId}`);
      await waitFor(() => inPage(popup, () => document.getElementById('status').dataset.phase === 'skipped'), {
        what: 'the popup to show the page was skipped',
      });
      await inPage(popup, () => document.getElementById('analyze').click());
      await waitFor(() => inPage(popup, () => document.getElementById('status').dataset.phase === 'done'), {
        what: 'the popup to report the run',
      });
      const asked = await tabStatus(tabId);
      assert.equal(asked.phase, 'done', JSON.stringify(asked));
      assert.equal(asked.highlights, xPage.status.highlights);
      assert.ok((await inPage(context, findMarkedPhraseInPage, AI_TRAINING_PHRASE)).marked);
      await firefox.closeTab(popup);
      await firefox.closeTab(context);
    } finally {
      await inPage(options, () => document.getElementById('auto-run').click());
      await autoRunIs(true);
      await firefox.closeTab(options);
    }
  });

  test('the extension made no network request', async (t) => {
    const { channels, bidi } = await network.stop();
    // data:, blob:, moz-extension: ... never leave the browser.
    const leavesBrowser = (url) => /^(https?|wss?|ftp):$/.test(new URL(url).protocol) && new URL(url).hostname !== '127.0.0.1';
    // The watcher saw this file's pages load (it works).
    assert.ok(channels.some((each) => each.url.startsWith(`${server.origin}/meta-privacy`)), 'the watcher saw the pages');
    assert.ok(bidi.some((each) => each.url.startsWith(`${server.origin}/x-privacy`)));

    const extensionOrigin = new URL(firefox.extensionUrl('')).origin;
    const byExtension = channels.filter((each) => each.addonId === firefox.extensionId || each.triggeredBy === extensionOrigin);
    assert.deepEqual(byExtension, [], 'requests the extension opened');
    const fromPages = channels.filter((each) => each.triggeredBy !== 'system');
    assert.deepEqual(fromPages.filter((each) => leavesBrowser(each.url)), [], 'requests from the test pages that left 127.0.0.1');
    assert.deepEqual(bidi.filter((each) => leavesBrowser(each.url)), [], 'page requests (BiDi) that left 127.0.0.1');
    const browserOwn = channels.filter((each) => each.triggeredBy === 'system' && leavesBrowser(each.url));
    t.diagnostic(
      `Firefox: ${channels.length} HTTP requests seen (${byExtension.length} by the extension); ` +
        `the browser's own (proxied to a closed port): ${[...new Set(browserOwn.map((each) => new URL(each.url).host))].join(', ') || 'none'}`,
    );
  });
});
