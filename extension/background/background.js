// Background entry point: a module service worker in Chrome, a module event
// page (background.scripts) in Firefox. It must register its listeners
// synchronously at top level: when Chrome wakes a stopped worker for a
// message, only listeners added during this first evaluation receive it.
import { listenForMessages } from '../browser/api.js';
import { Message } from '../shared/messages.js';
import { analyzeBlocks } from './engine.js';
import { createRouter, Sender } from './router.js';
import { analyzeTab, getTabStatus } from './tabs.js';

function requireTabId(message) {
  if (!Number.isInteger(message.tabId)) throw new TypeError('tabId must be an integer');
  return message.tabId;
}

listenForMessages(
  createRouter({
    [Message.ANALYZE_BLOCKS]: {
      from: Sender.ANY_PART,
      handle: (message) => analyzeBlocks(message),
    },
    [Message.ANALYZE_TAB]: {
      from: Sender.EXTENSION_PAGE,
      handle: (message) => analyzeTab(requireTabId(message)),
    },
    [Message.GET_TAB_STATUS]: {
      from: Sender.EXTENSION_PAGE,
      handle: (message) => getTabStatus(requireTabId(message)),
    },
  }),
);
