// End to end in headless Debian Firefox ESR: the Firefox build (background as
// a module event page, the WASM engine in it) installs and paints the X
// policy's AI-training clause. dist/firefox-test runs the content script on
// 127.0.0.1 by itself, because WebDriver BiDi cannot open extension pages.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildExtension } from '../../scripts/build-extension.mjs';
import { launchFirefoxWithExtension } from './support/firefox.mjs';
import { AI_TRAINING_LABELS, AI_TRAINING_PHRASE, startPageServer } from './support/pages.mjs';

// Reads BiDi's serialised value of a JSON string result.
const fromJson = (remoteValue) => JSON.parse(remoteValue.value);

async function waitFor(check, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe('Fineprint in Firefox', () => {
  let firefox;
  let server;

  before(async () => {
    server = await startPageServer();
    const extensionDir = await buildExtension('firefox-test');
    const manifest = JSON.parse(await readFile(path.join(extensionDir, 'manifest.json'), 'utf8'));
    firefox = await launchFirefoxWithExtension(extensionDir, manifest.browser_specific_settings.gecko.id);
  });

  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  test('the X privacy policy gets its AI-training clause highlighted', async (t) => {
    await firefox.navigate(`${server.origin}/x-privacy`);
    const markCount = await waitFor(async () => {
      const { value } = await firefox.evaluate('document.querySelectorAll("fineprint-mark").length');
      return value;
    });
    const found = fromJson(
      await firefox.evaluate(`JSON.stringify((() => {
        const phrase = ${JSON.stringify(AI_TRAINING_PHRASE)};
        const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (node.data.includes(phrase)) {
            const mark = node.parentElement.closest('fineprint-mark');
            return { labels: mark ? mark.dataset.fineprintLabels.split(' ') : [] };
          }
        }
        return { labels: [] };
      })())`),
    );
    for (const label of AI_TRAINING_LABELS) {
      assert.ok(found.labels.includes(label), `labels ${found.labels} lack ${label}`);
    }
    const [duration] = fromJson(
      await firefox.evaluate(
        'JSON.stringify(performance.getEntriesByName("fineprint:start-to-painted").map((entry) => entry.duration))',
      ),
    );
    t.diagnostic(`Firefox: ${markCount} marks; content-script start to last highlight painted: ${duration} ms`);
  });
});
