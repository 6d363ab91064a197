// Debian's Chromium, headless, driven by playwright-core (which downloads no
// browser of its own): with the test build of the extension loaded, or
// without it (launchPlainChromium).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Message } from '../../../extension/shared/messages.js';
import { buildExtension } from '../../../scripts/build-extension.mjs';
import { readHighlightsInPage } from './status.mjs';

// The browser binary itself: /usr/bin/chromium is Debian's shell wrapper,
// which adds flags of its own (--load-extension among them).
const CHROMIUM_BINARIES = [process.env.FINEPRINT_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const chromiumBinary = () => CHROMIUM_BINARIES.find((binary) => binary && existsSync(binary));


// Known policy URLs (manifest content_scripts[0]) and the test page each
// is answered with (startPageServer's pathnames): nothing reaches the
// network.
export const KNOWN_URLS = {
  'https://x.com/en/privacy': '/x-privacy',
  'https://www.facebook.com/privacy/policy/': '/meta-privacy',
};

// Answers each of KNOWN_URLS (or of `routes`, URL -> the server's path) in
// `context` with the page `server` renders.
export async function routeKnownUrls(context, server, routes = KNOWN_URLS) {
  for (const [url, pathname] of Object.entries(routes)) {
    await context.route(url, (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: server.renderedPage(pathname) }),
    );
  }
}

// FINEPRINT_CHROMIUM_ARGS, a JSON list of switches, for experiments: e.g.
// '["--js-flags=--liftoff-only --no-wasm-tier-up"]' (V8's flags are one
// switch, space-separated inside it, which is why this is not a plain list).
function extraChromiumArgs() {
  const text = process.env.FINEPRINT_CHROMIUM_ARGS;
  if (!text) return [];
  const args = JSON.parse(text);
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
    throw new Error('FINEPRINT_CHROMIUM_ARGS must be a JSON list of strings');
  }
  return args;
}

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Nothing leaves this machine: every host name but 127.0.0.1 fails to
  // resolve (x.com pages are answered by Playwright before any lookup).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// Chromium without the extension, for tests of the content scripts' pieces
// on pages set with page.setContent. Resolves to playwright's Browser.
export function launchPlainChromium() {
  return chromium.launch({ executablePath: chromiumBinary(), headless: true, args: BASE_ARGS });
}

// `build`: buildExtension's options (another engine's files, another output
// root), for a benchmark comparing two engines; the test build otherwise.
export async function launchChromiumWithExtension(build = {}) {
  // dist/chromium-test: the Chromium build plus host access to 127.0.0.1,
  // standing in for the activeTab grant a real click on the toolbar gives.
  const extensionDir = await buildExtension('chromium-test', build);
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'fineprint-e2e-'));
  const executablePath = chromiumBinary();
  // Chromium's own record of every request its network stack starts, from
  // any part of the browser (pages, workers, the browser itself), with the
  // origin that started it; written as it goes, one event a line.
  const netLogFile = path.join(userDataDir, 'netlog.json');
  // headless: true runs Chromium's new headless mode, which loads extensions.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...BASE_ARGS,
      `--log-net-log=${netLogFile}`,
      '--net-log-capture-mode=Default',
      // For experiments only (bench/browser_bench.mjs): more switches.
      ...extraChromiumArgs(),
    ],
  });
  // Every request the context makes from here on, as Playwright reports
  // them: its pages' and its service workers' (request.serviceWorker()),
  // though a worker Chromium restarted may go unwatched: netLogRequests()
  // is the complete record.
  const requests = [];
  context.on('request', (request) => {
    requests.push({ url: request.url(), fromServiceWorker: Boolean(request.serviceWorker()) });
  });
  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(serviceWorker.url()).host;
  const extensionUrl = (file) => `chrome-extension://${extensionId}/${file}`;

  // An extension page to talk to the background from, exactly as the popup
  // does (the router only accepts ANALYZE_TAB from extension pages).
  const controlPage = await context.newPage();
  await controlPage.goto(extensionUrl('popup/popup.html'));

  const sendToBackground = (message) =>
    controlPage.evaluate((message) => chrome.runtime.sendMessage(message), message);

  return {
    context,
    extensionId,
    extensionUrl,
    controlPage,
    sendToBackground,
    requests,

    async tabIdOf(page) {
      const url = page.url();
      let tabs = await controlPage.evaluate((url) => chrome.tabs.query({ url }), url);
      if (tabs.length === 0 && !url.startsWith('http://127.0.0.1')) {
        // Without host access (x.com ...) a tab's URL is not visible to the
        // extension: the tab is found as the active tab once brought to front.
        await page.bringToFront();
        tabs = await controlPage.evaluate(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }));
      }
      if (tabs.length !== 1) throw new Error(`expected one tab at ${url}, found ${tabs.length}`);
      return tabs[0].id;
    },

    // What the popup's "Analyze this page" button does; resolves to the
    // content script's status once the highlights are painted.
    async analyzeTab(page) {
      const reply = await sendToBackground({ type: Message.ANALYZE_TAB, tabId: await this.tabIdOf(page) });
      if (!reply?.ok) throw new Error(`analyze-tab failed: ${reply?.error}`);
      return reply.status;
    },

    // The toolbar badge text the extension set for a tab ('' when none).
    badgeText(tabId) {
      return controlPage.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), tabId);
    },

    async tabStatus(page) {
      const reply = await sendToBackground({ type: Message.GET_TAB_STATUS, tabId: await this.tabIdOf(page) });
      if (!reply?.ok) throw new Error(`get-tab-status failed: ${reply?.error}`);
      return reply.status;
    },

    // Stops the extension's service worker the way Chromium does when it has
    // been idle, and resolves once DevTools reports it stopped, to
    // { states, running, detach }: the running statuses reported, in order
    // (for logs); a function that resolves when the worker runs again; and
    // one that ends the DevTools session.
    //
    // It waits for the worker's version to be activated first. Just after
    // launch the worker may still be installing, and a worker stopped then
    // fails its install: Chromium drops the extension's registration and
    // nothing starts the background again in that browser (a page's message
    // gets "Receiving end does not exist"). Chromium itself only stops idle
    // workers, which an installing one is not. Seen in about one launch in
    // three of the bench before this wait, in none of 86 after it. Waits
    // look at each version's current state (a redundant version's statuses
    // do not count).
    async stopServiceWorker() {
      const cdp = await context.newCDPSession(controlPage);
      const states = [];
      const current = new Map(); // versionId -> { status, runningStatus }
      const waiters = [];
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const version of versions) {
          if (!version.scriptURL.startsWith(extensionUrl(''))) continue;
          states.push(version.runningStatus);
          current.set(version.versionId, { status: version.status, runningStatus: version.runningStatus });
        }
        for (const waiter of [...waiters]) waiter();
      });
      const live = () => [...current.values()].filter(({ status }) => status !== 'redundant');
      const describe = () =>
        live().map(({ status, runningStatus }) => `${status}/${runningStatus}`).join(', ') || 'no version reported';
      const waitUntil = (holds, what) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`service worker never ${what}: ${describe()}`)), 10_000);
          const check = () => {
            if (holds()) {
              clearTimeout(timer);
              resolve();
            }
          };
          waiters.push(check);
          check();
        });
      const stopped = () => live().length > 0 && live().every(({ runningStatus }) => runningStatus === 'stopped');
      try {
        await cdp.send('ServiceWorker.enable');
        await waitUntil(() => live().some(({ status }) => status === 'activated'), 'activated');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await waitUntil(stopped, 'stopped');
      } catch (error) {
        await cdp.detach().catch(() => {});
        throw error;
      }
      return {
        states,
        running: () => waitUntil(() => live().some(({ runningStatus }) => runningStatus === 'running'), 'running again'),
        detach: () => cdp.detach(),
      };
    },

    // The requests the net log holds so far: [{url, initiator}], initiator
    // being the origin that started it ('not an origin' for the browser's
    // own requests, absent for navigations the browser started).
    async netLogRequests() {
      const requests = [];
      for (const line of (await readFile(netLogFile, 'utf8')).split('\n')) {
        if (!line.startsWith('{"params":') || !line.includes('"url":')) continue;
        let event;
        try {
          event = JSON.parse(line.replace(/,\s*$/, ''));
        } catch {
          continue; // the line being written
        }
        if (typeof event.params.url === 'string' && 'method' in event.params) {
          requests.push({ url: event.params.url, initiator: event.params.initiator ?? null });
        }
      }
      return requests;
    },

    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

// The highlights on a page, as the tests inspect them.
export const readHighlights = (page) => page.evaluate(readHighlightsInPage);
