// Runs at document_start on known policy pages, before the page has loaded:
// one message that wakes the background (a stopped service worker, an
// unloaded event page), so the analysis engine starts up while the page is
// still loading rather than after the content script has read it. The reply
// is not needed; errors (the extension reloading) are ignored.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  try {
    Promise.resolve(api.runtime.sendMessage({ type: 'fineprint:wake' })).catch(() => {});
  } catch {
    // No background to wake: the main content script will report it.
  }
})();
