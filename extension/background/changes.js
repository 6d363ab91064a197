// What changed on a tab's document since the last visit: after a content
// script's blocks are analysed, the background snapshots them, compares the
// snapshot with the document's stored history (history.js) and shows the
// number of meaningful changes on the toolbar badge of that tab.
import { api } from '../browser/api.js';
import { diffFunction } from './engine.js';
import { readHistory, recordVisit } from './history.js';

const BADGE_COLOURS = { alert: '#b3261e', caution: '#c26a00', info: '#1f5fbf', good: '#1e7d34' };

// tabId -> promise of the last visit's result (this background's lifetime).
const visits = new Map();

async function setBadge(tabId, { count, severity }) {
  if (!Number.isInteger(tabId) || tabId < 0) return;
  try {
    await api.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' });
    if (count > 0) await api.action.setBadgeBackgroundColor({ tabId, color: BADGE_COLOURS[severity] ?? BADGE_COLOURS.info });
  } catch {
    // The tab closed meanwhile.
  }
}

// Remembers the visit of `href` in `tabId`: `page` is the page's analysis
// (a PageAnalysis, engine.js analyzeBlocks), whose snapshot dated `date` is
// made here, after the reply to the content script has gone; noteVisit owns
// `page` and deletes it.
export function noteVisit(tabId, href, page, date, visitId) {
  const previous = visits.get(tabId);
  const visit = (async () => {
    let snapshot;
    try {
      // After the reply to the content script has gone: painting never waits.
      await new Promise((resolve) => setTimeout(resolve, 0));
      snapshot = page.snapshot(date);
    } finally {
      page.delete();
    }
    const result = await recordVisit(href, snapshot, await diffFunction(), visitId);
    // A re-analysis that found nothing new keeps the visit's earlier result
    // (and its badge).
    if (result.status === 'unchanged-visit' && previous?.href === href) return previous.visit;
    await setBadge(tabId, result);
    return result;
  })().catch((error) => ({ status: 'error', errors: [String(error?.message ?? error)], count: 0 }));
  visits.set(tabId, { href, visit });
  return visit;
}

// What the popup shows for a tab: this visit's comparison (if the document
// changed), the versions seen, and any storage errors.
export async function getChanges(tabId, href) {
  const known = visits.get(tabId);
  let visit = null;
  if (known && (!href || known.href === href)) visit = await known.visit;
  href ??= known?.href;
  if (!href) return { ok: true, changes: null };
  const history = await readHistory(href);
  // When this background has not seen the visit (it was stopped since), the
  // stored comparison that produced the latest version still says what
  // changed since the one before.
  let comparison = visit ? visit.comparison : null;
  if (!visit && history.lastComparison && history.lastComparison.at === history.versions.at(-1)?.seenAt) {
    comparison = history.lastComparison;
  }
  return {
    ok: true,
    changes: {
      url: history.url,
      title: history.title ?? '',
      status: visit?.status ?? 'unknown',
      comparison,
      count: visit?.count ?? 0,
      severity: visit?.severity ?? null,
      versions: history.versions,
      errors: [...(visit?.errors ?? []), ...history.errors],
    },
  };
}

// After the stored data is cleared: what this background remembers of the
// tabs' visits goes too, and so do their badges (they counted changes from
// versions that are no longer kept).
export async function forgetVisits() {
  const tabIds = [...visits.keys()];
  visits.clear();
  await Promise.all(tabIds.map((tabId) => setBadge(tabId, { count: 0, severity: null })));
}
