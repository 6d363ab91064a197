// Debian's Firefox ESR, headless, driven over WebDriver BiDi (the protocol
// Firefox speaks natively; `ws` is the only client needed). Playwright's own
// Firefox is a patched build it would download, so it is not used here.
//
// BiDi refuses to navigate a tab to a moz-extension:// page, and its network
// events do not cover an extension's background. Both are reached through
// the browser window itself (BiDi's "chrome" scope, which
// --remote-allow-system-access opens to this test session only): it opens
// extension pages in tabs the way the browser's own UI does, watches every
// HTTP request the browser opens, and unloads the background event page the
// way Firefox does when it has been idle.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

const FIREFOX_BINARY = process.env.FINEPRINT_FIREFOX ?? '/usr/bin/firefox-esr';

// Keeps the test browser on this machine: every proxied request goes to a
// closed loopback port (127.0.0.1 itself is never proxied), and the services
// that phone home at start-up are off.
function userPrefs({ extensionId, extensionUuid }) {
  const prefs = {
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.proxy.share_proxy_settings': true,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.connectivity-service.enabled': false,
    'network.captive-portal-service.enabled': false,
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'messaging-system.rsexperimentloader.enabled': false,
    'app.normandy.enabled': false,
    'app.update.disabledForTesting': true,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.region.network.url': '',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    // A fixed moz-extension://<uuid>/ so the tests can open the popup page.
    'extensions.webextensions.uuids': JSON.stringify({ [extensionId]: extensionUuid }),
  };
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join('\n');
}

class BidiConnection {
  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'event') {
        for (const listener of this.listeners) listener(message);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.type === 'error') waiter.reject(new Error(`${message.error}: ${message.message}`));
      else waiter.resolve(message.result);
    });
  }

  send(method, params = {}) {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  // listener({method, params}) for every event; returns the unsubscriber.
  onEvent(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function waitForBidiUrl(child) {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Firefox did not start:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`Firefox exited (${code}):\n${output}`)));
  });
}

// Polls check() until it returns a truthy value, which it resolves to.
export async function waitFor(check, { timeoutMs = 20_000, intervalMs = 50, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// Turns a BiDi remote value back into plain data (what the tests compare).
function fromRemote(remote) {
  switch (remote?.type) {
    case 'null':
      return null;
    case undefined:
    case 'undefined':
      return undefined;
    case 'string':
    case 'number':
    case 'boolean':
      return remote.value;
    case 'array':
      return remote.value.map(fromRemote);
    case 'object':
      return Object.fromEntries(remote.value.map(([key, value]) => [typeof key === 'string' ? key : fromRemote(key), fromRemote(value)]));
    default:
      return remote; // nodes, windows ...: the remote value itself
  }
}

// Starts Firefox with the unpacked extension at extensionDir installed as a
// temporary add-on. extensionId is its gecko id.
export async function launchFirefoxWithExtension(extensionDir, extensionId) {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'fineprint-firefox-'));
  const extensionUuid = randomUUID();
  await writeFile(path.join(profileDir, 'user.js'), userPrefs({ extensionId, extensionUuid }));
  const child = spawn(
    FIREFOX_BINARY,
    [
      '--headless',
      '--no-remote',
      '--remote-allow-system-access',
      '--remote-debugging-port=0',
      '--profile',
      profileDir,
      'about:blank',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let socket;
  try {
    const bidiUrl = await waitForBidiUrl(child);
    socket = new WebSocket(`${bidiUrl}/session`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const bidi = new BidiConnection(socket);
    await bidi.send('session.new', { capabilities: {} });
    const installedAt = Date.now();
    await bidi.send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
    const { contexts } = await bidi.send('browsingContext.getTree', {});
    const firstTab = contexts[0].context;
    const chromeTree = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const browserWindow = chromeTree.contexts.find((each) => each.url === 'chrome://browser/content/browser.xhtml').context;
    const extensionUrl = (file) => `moz-extension://${extensionUuid}/${file}`;

    async function evaluate(expression, context) {
      const result = await bidi.send('script.evaluate', { expression, target: { context }, awaitPromise: true });
      if (result.type === 'exception') {
        throw new Error(`${result.exceptionDetails.text} (in ${expression.slice(0, 120)})`);
      }
      return result.result;
    }

    const firefox = {
      bidi,
      extensionId,
      extensionUrl,
      installedAt,
      firstTab,

      // The value of `expression` (a promise is awaited) in a tab's page, as
      // plain data; the page's own world, not the content script's.
      async evaluate(expression, context = firstTab) {
        return fromRemote(await evaluate(expression, context));
      },
      // The remote value itself (for a node: its sharedId, for input actions).
      evaluateRemote: evaluate,
      // Privileged script in the browser window (see the top of this file).
      async evaluateInBrowser(expression) {
        return fromRemote(await evaluate(expression, browserWindow));
      },

      async newTab() {
        const { context } = await bidi.send('browsingContext.create', { type: 'tab' });
        return context;
      },
      async navigate(url, context = firstTab) {
        await bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      async activate(context) {
        await bidi.send('browsingContext.activate', { context });
      },
      async closeTab(context) {
        await bidi.send('browsingContext.close', { context });
      },
      async setViewport(context, width, height) {
        await bidi.send('browsingContext.setViewport', { context, viewport: { width, height } });
      },
      // PNG of the tab's viewport, or of its whole document with full: true.
      async screenshot(context, { full = false } = {}) {
        const { data } = await bidi.send('browsingContext.captureScreenshot', {
          context,
          ...(full ? { origin: 'document' } : {}),
        });
        return Buffer.from(data, 'base64');
      },

      // Opens an extension page (e.g. 'popup/popup.html?tab=3') in a new tab,
      // as the browser opens one, and resolves to its BiDi context once its
      // scripts have loaded.
      async openExtensionPage(file) {
        const url = extensionUrl(file);
        const known = new Set((await bidi.send('browsingContext.getTree', { maxDepth: 0 })).contexts.map((each) => each.context));
        await this.evaluateInBrowser(`(() => {
          gBrowser.selectedTab = gBrowser.addTab(${JSON.stringify(url)}, {
            triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
          });
          return true;
        })()`);
        const context = await waitFor(
          async () => {
            const tree = await bidi.send('browsingContext.getTree', { maxDepth: 0 });
            return tree.contexts.find((each) => !known.has(each.context) && each.url === url)?.context;
          },
          { what: `a tab at ${url}` },
        );
        await waitFor(() => this.evaluate('document.readyState === "complete"', context), { what: `${url} to load` });
        return context;
      },

      // Unloads the background event page, as Firefox does once it has been
      // idle; the next event that needs it starts it again.
      async terminateBackground() {
        return this.evaluateInBrowser(`(async () => {
          const extension = WebExtensionPolicy.getByID(${JSON.stringify(extensionId)}).extension;
          await extension.terminateBackground();
          return extension.backgroundState;
        })()`);
      },

      // Records every HTTP(S) request Firefox opens from now on, whoever
      // opens it (pages, the extension's background and pages, the browser),
      // with who triggered it: the add-on id for the extension's own
      // contexts, else the principal's origin. Also subscribes to BiDi's
      // network.beforeRequestSent (pages' requests, per tab). stop() resolves
      // to {channels: [{url, triggeredBy, addonId}], bidi: [{url, context}]}.
      async watchNetwork() {
        const bidiRequests = [];
        const unlisten = bidi.onEvent(({ method, params }) => {
          if (method === 'network.beforeRequestSent') bidiRequests.push({ url: params.request.url, context: params.context });
        });
        const { subscription } = await bidi.send('session.subscribe', { events: ['network.beforeRequestSent'] });
        const key = `fineprintE2eRequests${randomUUID().replaceAll('-', '')}`;
        await this.evaluateInBrowser(`(() => {
          const seen = [];
          const observer = {
            observe(subject) {
              const channel = subject.QueryInterface(Ci.nsIChannel);
              const principal = channel.loadInfo?.triggeringPrincipal;
              seen.push({
                url: channel.URI.spec,
                addonId: principal?.addonId || null,
                triggeredBy: principal?.isSystemPrincipal ? 'system' : (principal?.origin ?? null),
              });
            },
          };
          Services.obs.addObserver(observer, 'http-on-opening-request');
          globalThis[${JSON.stringify(key)}] = { seen, observer };
          return true;
        })()`);
        return {
          stop: async () => {
            const channels = await this.evaluateInBrowser(`(() => {
              const { seen, observer } = globalThis[${JSON.stringify(key)}];
              Services.obs.removeObserver(observer, 'http-on-opening-request');
              delete globalThis[${JSON.stringify(key)}];
              return JSON.stringify(seen);
            })()`);
            await bidi.send('session.unsubscribe', { subscriptions: [subscription] });
            unlisten();
            return { channels: JSON.parse(channels), bidi: bidiRequests };
          },
        };
      },

      async close() {
        await bidi.send('session.end').catch(() => {});
        socket.close();
        child.kill('SIGTERM');
        await exited;
        await rm(profileDir, { recursive: true, force: true });
      },
    };
    return firefox;
  } catch (error) {
    socket?.close();
    child.kill('SIGTERM');
    await exited;
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
}
