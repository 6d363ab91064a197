// Content-script twin of api.js (content scripts are classic scripts, so they
// cannot import it). The first file of every content-script injection: it
// creates the `fineprint` namespace the other content files add to. Globals of
// a content script live in the extension's isolated world, never the page's.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  fineprint.api ??= globalThis.browser ?? globalThis.chrome;
  // UI strings from _locales (see shared/i18n.js): $1, $2 ... substituted.
  fineprint.t ??= (key, ...substitutions) =>
    fineprint.api.i18n.getMessage(key, substitutions.map(String)) || key;
})();
