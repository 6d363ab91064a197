// UI strings for the extension's pages, from _locales/<lang>/messages.json
// through the browser's i18n API (content scripts use fineprint.t, defined
// in browser/content-api.js the same way).
import { api } from '../browser/api.js';

// The message `key` with `substitutions` for $1, $2, ...; the key itself if
// the message is missing (a bug, but never a blank UI).
export function t(key, ...substitutions) {
  return api.i18n.getMessage(key, substitutions.map(String)) || key;
}

// Fills every [data-i18n] element of `root` with its message.
export function localisePage(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  document.documentElement.lang = api.i18n.getUILanguage?.() ?? document.documentElement.lang;
}
