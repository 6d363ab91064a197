// The background's one message router: a table from message type to handler.
// Each route says who may send it, so a content script (which runs inside
// pages we do not control) can never reach the routes meant for our own pages.
import { extensionBaseUrl } from '../browser/api.js';

export const Sender = Object.freeze({
  // A content script in a tab, or one of our own pages.
  ANY_PART: 'any-part',
  // Only the extension's own pages (popup, options), never a content script.
  EXTENSION_PAGE: 'extension-page',
});

function isExtensionPage(sender) {
  return typeof sender.url === 'string' && sender.url.startsWith(extensionBaseUrl);
}

// routes: {[type]: {from: Sender, handle(message, sender)}}. Returns the
// function to hand to listenForMessages: undefined for messages that are not
// ours, else the handler's result (a rejected promise becomes {ok: false}).
export function createRouter(routes) {
  return (message, sender) => {
    const route = Object.hasOwn(routes, message?.type) ? routes[message.type] : undefined;
    if (!route) return undefined;
    if (route.from === Sender.EXTENSION_PAGE && !isExtensionPage(sender)) {
      return Promise.reject(new Error(`${message.type} is only accepted from extension pages`));
    }
    return route.handle(message, sender);
  };
}
