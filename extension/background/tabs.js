// What the background does to a tab on the popup's behalf: run the content
// script there (the "Analyze this page" button) and ask it how far it got.
//
// The files to inject are read from the manifest's content_scripts entry, so
// the declarative injection (known policy URLs) and the programmatic one
// (activeTab, after a click) always run the same code.
import { api } from '../browser/api.js';
import { Message } from '../shared/messages.js';

const contentScript = api.runtime.getManifest().content_scripts[0];
// known-page.js marks a page as a known policy URL; a page the user asked
// about needs no such mark (it is analysed unchecked anyway).
const contentFiles = contentScript.js.filter((file) => !file.endsWith('/known-page.js'));

// Asks the content script on `tabId` for its status; resolves to null when
// none is running there (never injected, or the page navigated since).
async function askPage(tabId, message) {
  try {
    return (await api.tabs.sendMessage(tabId, message, { frameId: 0 })) ?? null;
  } catch {
    return null; // "Receiving end does not exist": no content script yet.
  }
}

export async function getTabStatus(tabId) {
  const status = await askPage(tabId, { type: Message.GET_PAGE_STATUS });
  return { ok: true, status: status ?? { phase: 'not-analyzed' } };
}

// Re-runs the content script if it is already on the page (it clears its old
// highlights first); otherwise injects it, which starts a run by itself.
// Replies once that run has painted.
export async function analyzeTab(tabId) {
  const rerun = await askPage(tabId, { type: Message.ANALYZE_PAGE });
  if (rerun) return { ok: true, status: rerun };

  const target = { tabId };
  if (contentScript.css?.length) {
    await api.scripting.insertCSS({ target, files: contentScript.css });
  }
  // The user asked: the content script runs with trigger 'user' (no policy
  // check, and analysed even when automatic runs are off).
  await api.scripting.executeScript({
    target,
    func: () => {
      (globalThis.fineprint ??= {}).requestedBy = 'user';
    },
  });
  await api.scripting.executeScript({ target, files: contentFiles });
  const status = await askPage(tabId, { type: Message.GET_PAGE_STATUS, waitForRun: true });
  if (!status) throw new Error('the content script did not start on this page');
  return { ok: true, status };
}

// The URL of the page in the tab, as its content script sees it (the
// extension has no "tabs" permission); null when no content script runs.
export async function getTabUrl(tabId) {
  const status = await askPage(tabId, { type: Message.GET_PAGE_STATUS });
  return typeof status?.url === 'string' ? status.url : null;
}
