// Background entry point: a module service worker in Chrome, a module event
// page (background.scripts) in Firefox. It must register its listeners
// synchronously at top level: when Chrome wakes a stopped worker for a
// message, only listeners added during this first evaluation receive it.
import { listenForMessages } from '../browser/api.js';
import { Message } from '../shared/messages.js';
import { forgetVisits, getChanges, noteVisit } from './changes.js';
import { analyzeBlocks, getEngine, holdWarmUp, releaseWarmUp, startEngine } from './engine.js';
import { clearHistory, exportHistory, importHistory, today } from './history.js';
import { createRouter, Sender } from './router.js';
import { filterByFamilies, readSettings, removeSettings, writeSettings } from './settings.js';
import { analyzeTab, getTabStatus, getTabUrl } from './tabs.js';

// The engine takes a few hundred milliseconds to start: begin now, not when
// the first page asks. The settings too: a page's request then reaches the
// engine as soon as it arrives, before the engine's idle warm-up (engine.js)
// takes its next turn.
startEngine();
readSettings();

const TRIGGERS = new Set(['auto', 'user']);

// Whose hold on the engine's warm-up a content script's message is: its
// tab's (engine.js holdWarmUp).
function holdKey(sender) {
  return sender?.tab?.id ?? 'no-tab';
}

function requireTabId(message) {
  if (!Number.isInteger(message.tabId)) throw new TypeError('tabId must be an integer');
  return message.tabId;
}

// A page's request, once received: analysed unless automatic runs are off,
// remembered, and answered with what its families show.
async function analyzeRequest(message, sender, receivedAt) {
  if (message.trigger !== undefined && !TRIGGERS.has(message.trigger)) {
    throw new TypeError(`trigger must be 'auto' or 'user', not ${JSON.stringify(message.trigger)}`);
  }
  const { settings } = await readSettings();
  // A page that ran by itself while the person turned that off: not
  // analysed, not remembered.
  if (message.trigger === 'auto' && !settings.autoRun) {
    return { ok: true, skipped: 'auto-run-off', clauseCount: 0, clauses: [], findings: [], examples: {} };
  }
  // A page's top frame is remembered and compared with its last visit,
  // from a snapshot of the same analysis made after the reply is sent:
  // painting never waits for the snapshot or storage. Only documents
  // with something of note are remembered, whatever families are
  // shown: the history and the badge count every change.
  const isPage = sender.tab && sender.frameId === 0 && typeof sender.url === 'string' && /^https?:/.test(sender.url);
  const { page, ...reply } = await analyzeBlocks(message, { url: sender.url, keepForSnapshot: isPage, receivedAt });
  if (page && reply.clauses.length > 0) {
    const visitId = typeof message.visitId === 'string' ? message.visitId : null;
    noteVisit(sender.tab.id, sender.url, page, today(), visitId);
  } else {
    page?.delete();
  }
  return filterByFamilies(reply, settings.families);
}

listenForMessages(
  createRouter({
    [Message.ANALYZE_BLOCKS]: {
      from: Sender.ANY_PART,
      handle: async (message, sender) => {
        // When the request reached this handler: its wait (timing.handlerDelayMs)
        // ends here, before the settings are read.
        const receivedAt = performance.now();
        // The warm-up waits while the settings are read and the page is
        // analysed (engine.js); answered or failed, the page's hold ends.
        const page = holdKey(sender);
        holdWarmUp(page);
        try {
          return await analyzeRequest(message, sender, receivedAt);
        } finally {
          releaseWarmUp(page);
        }
      },
    },
    [Message.TEXT_PENDING]: {
      from: Sender.ANY_PART,
      // The page announced by its wake-up message sends its request later.
      handle: (_message, sender) => {
        releaseWarmUp(holdKey(sender));
        return { ok: true };
      },
    },
    [Message.GET_SETTINGS]: {
      from: Sender.EXTENSION_PAGE,
      handle: async () => ({ ok: true, ...(await readSettings()) }),
    },
    [Message.SET_SETTINGS]: {
      from: Sender.EXTENSION_PAGE,
      handle: async (message) => ({ ok: true, settings: await writeSettings(message.settings) }),
    },
    [Message.CLEAR_DATA]: {
      from: Sender.EXTENSION_PAGE,
      handle: async () => {
        const removed = await clearHistory();
        removed.settings = await removeSettings();
        await forgetVisits();
        return { ok: true, removed };
      },
    },
    [Message.EXPORT_DATA]: {
      from: Sender.EXTENSION_PAGE,
      handle: async () => ({ ok: true, ...(await exportHistory()) }),
    },
    [Message.IMPORT_DATA]: {
      from: Sender.EXTENSION_PAGE,
      handle: async (message) => {
        const engine = await getEngine();
        // A snapshot is checked the way the history will use it: by diffing
        // it (loading checks every field and every clause's fingerprint).
        return importHistory(message.text, (snapshot) => engine.diff(snapshot, snapshot));
      },
    },
    [Message.WAKE]: {
      from: Sender.ANY_PART,
      // Being evaluated already started the engine; the page's request
      // follows, and the engine's idle warm-up waits for it.
      handle: (_message, sender) => {
        holdWarmUp(holdKey(sender));
        return { ok: true };
      },
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
      handle: (message) => {
        const tabId = requireTabId(message);
        // The content script's request follows (engine.js); the hold ends
        // with the run, or with its failure (a page no script can run on).
        holdWarmUp(tabId);
        return analyzeTab(tabId).finally(() => releaseWarmUp(tabId));
      },
    },
    [Message.GET_TAB_STATUS]: {
      from: Sender.EXTENSION_PAGE,
      handle: (message) => getTabStatus(requireTabId(message)),
    },
  }),
);
