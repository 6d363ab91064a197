// Every UI string the extension asks for exists in every locale, with the
// same substitutions; no locale has strings nobody asks for.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';

const extensionDir = path.join(repoRoot, 'extension');
const localesDir = path.join(extensionDir, '_locales');

async function sources(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(js|html)$/.test(entry.name)) files.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return files;
}

test('every locale has every message the code uses, with the same placeholders', async () => {
  const used = new Set();
  for (const file of await sources(extensionDir)) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/\bt\('([A-Za-z]+)'/g)) used.add(match[1]);
    for (const match of text.matchAll(/data-i18n="([A-Za-z]+)"/g)) used.add(match[1]);
  }
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'manifest.json'), 'utf8'));
  for (const match of JSON.stringify(manifest).matchAll(/__MSG_([A-Za-z]+)__/g)) used.add(match[1]);
  assert.ok(used.size > 20, `found only ${used.size} messages in use`);

  const locales = await readdir(localesDir);
  assert.deepEqual(locales.sort(), ['en', 'nl']);
  const english = JSON.parse(await readFile(path.join(localesDir, 'en', 'messages.json'), 'utf8'));
  for (const locale of locales) {
    const messages = JSON.parse(await readFile(path.join(localesDir, locale, 'messages.json'), 'utf8'));
    for (const key of used) assert.ok(messages[key]?.message, `${locale} lacks ${key}`);
    assert.deepEqual(Object.keys(messages).sort(), Object.keys(english).sort(), `${locale} keys differ from en`);
    for (const [key, { message, placeholders }] of Object.entries(messages)) {
      assert.deepEqual(Object.keys(placeholders ?? {}).sort(), Object.keys(english[key].placeholders ?? {}).sort(), `${locale} ${key}`);
      for (const name of message.matchAll(/\$([A-Za-z0-9_]+)\$/g)) {
        assert.ok(placeholders?.[name[1].toLowerCase()], `${locale} ${key} uses undefined $${name[1]}$`);
      }
    }
  }
  const unused = Object.keys(english).filter((key) => !used.has(key));
  assert.deepEqual(unused, [], 'messages nobody uses');
});
