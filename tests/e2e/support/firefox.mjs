// Debian's Firefox ESR, headless, driven over WebDriver BiDi (the protocol
// Firefox speaks natively; `ws` is the only client needed). Playwright's own
// Firefox is a patched build it would download, so it is not used here.
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
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
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
}

function waitForBidiUrl(child) {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Firefox did not start:\n${output}`)), 30_000);
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

// Starts Firefox with the unpacked extension at extensionDir installed as a
// temporary add-on. extensionId is its gecko id.
export async function launchFirefoxWithExtension(extensionDir, extensionId) {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'fineprint-firefox-'));
  const extensionUuid = randomUUID();
  await writeFile(path.join(profileDir, 'user.js'), userPrefs({ extensionId, extensionUuid }));
  const child = spawn(
    FIREFOX_BINARY,
    ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profileDir, 'about:blank'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const bidiUrl = await waitForBidiUrl(child);
    const socket = new WebSocket(`${bidiUrl}/session`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const bidi = new BidiConnection(socket);
    await bidi.send('session.new', { capabilities: {} });
    await bidi.send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
    const { contexts } = await bidi.send('browsingContext.getTree', {});
    const tab = contexts[0].context;

    return {
      extensionUrl: (file) => `moz-extension://${extensionUuid}/${file}`,
      async navigate(url) {
        await bidi.send('browsingContext.navigate', { context: tab, url, wait: 'complete' });
      },
      // Evaluates `expression` (awaiting a promise) in the tab's page.
      async evaluate(expression) {
        const result = await bidi.send('script.evaluate', {
          expression,
          target: { context: tab },
          awaitPromise: true,
        });
        if (result.type === 'exception') throw new Error(result.exceptionDetails.text);
        return result.result;
      },
      async close() {
        await bidi.send('session.end').catch(() => {});
        socket.close();
        child.kill('SIGTERM');
        await exited;
        await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
}
