// The one place that knows which browser Fineprint runs in (module contexts:
// background and popup; content scripts use content-api.js beside this file).
//
// Firefox exposes the promise-based WebExtension API as `browser` (and a
// callback-style `chrome`); Chrome exposes promise-returning MV3 APIs as
// `chrome`. Everything else imports `api` from here and never names either.
export const api = globalThis.browser ?? globalThis.chrome;

// The base URL of this extension's own pages, e.g. "chrome-extension://<id>/"
// or "moz-extension://<uuid>/": senders with a URL under it are our pages.
export const extensionBaseUrl = api.runtime.getURL('');

// Registers `handle(message, sender)` as the one runtime.onMessage listener.
// `handle` returns undefined for a message it does not answer, or a value or
// promise whose result becomes the reply. A rejected promise replies
// {ok: false, error}. Chrome only keeps the channel open for an async reply
// when the listener returns true and calls sendResponse; that form works in
// Firefox too, so it is used in both.
export function listenForMessages(handle) {
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    let reply;
    try {
      reply = handle(message, sender);
    } catch (error) {
      sendResponse(failure(error));
      return false;
    }
    if (reply === undefined) return false;
    Promise.resolve(reply).then(sendResponse, (error) => sendResponse(failure(error)));
    return true;
  });
}

function failure(error) {
  return { ok: false, error: String(error?.message ?? error) };
}
