// Background entry point: a module service worker in Chrome, a module event
// page (background.scripts) in Firefox. It must register its listeners
// synchronously at top level: when Chrome wakes a stopped worker for a
// message, only listeners added during this first evaluation receive it.
import { listenForMessages } from '../browser/api.js';
import { Message } from '../shared/messages.js';
import { getChanges, noteVisit } from './changes.js';
import { analyzeBlocks, startEngine } from './engine.js';
import { createRouter, Sender } from './router.js';
import { analyzeTab, getTabStatus, getTabUrl } from './tabs.js';

// The engine takes a few hundred milliseconds to start: begin now, not when
// the first page asks.
startEngine();

function requireTabId(message) {
  if (!Number.isInteger(message.tabId)) throw new TypeError('tabId must be an integer');
  return message.tabId;
}

listenForMessages(
  createRouter({
    [Message.ANALYZE_BLOCKS]: {
      from: Sender.ANY_PART,
      handle: async (message, sender) => {
        const reply = await analyzeBlocks(message);
        // A page's top frame is remembered and compared with its last visit
        // (after the reply is sent: painting never waits for storage).
        // Only documents with something of note are remembered.
        const isPage = sender.tab && sender.frameId === 0 && typeof sender.url === 'string' && /^https?:/.test(sender.url);
        if (isPage && reply.clauses.length > 0) {
          const document = { title: message.title, blocks: message.blocks };
          const visitId = typeof message.visitId === 'string' ? message.visitId : null;
          noteVisit(sender.tab.id, sender.url, document, visitId);
        }
        return reply;
      },
    },
    [Message.WAKE]: {
      from: Sender.ANY_PART,
      // Being evaluated already started the engine; nothing else to do.
      handle: () => ({ ok: true }),
    },
    [Message.GET_TAB_CHANGES]: {
      from: Sender.EXTENSION_PAGE,
      handle: async (message) => {
        const tabId = requireTabId(message);
        return getChanges(tabId, await getTabUrl(tabId));
      },
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
