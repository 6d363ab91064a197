// The versions of each document the user has seen, and what changed between
// them. Only the background reads or writes storage (chrome.storage.local).
//
// Layout: one key per document, "doc:" + its normalised URL, holding
//   {schema: 'fineprint.history/1', url, versions: [{date, seenAt, snapshot}],
//    lastComparison: {fromDate, toDate, at, diff} | null}
// versions are oldest first; the last one is the latest and is never pruned.
//
// Nothing stored is ever silently dropped or replaced: a record that does not
// parse as a history is left as it is and reported; a stored snapshot the
// engine calls corrupt is kept (and reported) and the new version is stored
// after it. Pruning (old versions, under a size budget) is the only removal.
import { api } from '../browser/api.js';

export const HISTORY_SCHEMA = 'fineprint.history/1';
const KEY_PREFIX = 'doc:';
export const MAX_VERSIONS_PER_DOCUMENT = 5;
export const STORAGE_BUDGET_BYTES = 4 * 1024 * 1024;

// Query parameters that only track where a visit came from.
const TRACKING_PARAMS = new Set(['fbclid', 'gclid', 'ref', 's', 't']);

// The URL a document is remembered under: no fragment, no tracking
// parameters, host in lower case (URL does that), other parameters kept.
export function normaliseUrl(href) {
  const url = new URL(href);
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) {
    if (name.toLowerCase().startsWith('utm_') || TRACKING_PARAMS.has(name.toLowerCase())) {
      url.searchParams.delete(name);
    }
  }
  url.hostname = url.hostname.toLowerCase();
  return url.href;
}

export const keyOf = (href) => KEY_PREFIX + normaliseUrl(href);

function isHistory(record) {
  return (
    record !== null &&
    typeof record === 'object' &&
    record.schema === HISTORY_SCHEMA &&
    Array.isArray(record.versions) &&
    record.versions.every((version) => version && typeof version === 'object' && typeof version.date === 'string')
  );
}

// The number of changes worth a badge, and the most severe of them.
const SEVERITY_ORDER = ['alert', 'caution', 'info', 'good'];
export function meaningfulChanges(diff) {
  const summary = diff?.summary ?? [];
  const labelled = (diff?.changes ?? []).filter(
    (change) => (change.labels_before?.length ?? 0) + (change.labels_after?.length ?? 0) > 0,
  );
  const count = summary.length > 0 ? summary.length : labelled.length;
  let severity = null;
  if (count > 0) {
    const seen = new Set(summary.map((item) => item.severity));
    severity = SEVERITY_ORDER.find((each) => seen.has(each)) ?? 'info';
  }
  return { count, severity };
}

const today = () => new Date().toISOString().slice(0, 10);
const sizeOf = (value) => JSON.stringify(value).length;

// Storage calls reject (Chrome) or throw on quota and I/O errors; the
// message is what the popup shows.
function storageError(error) {
  const message = String(error?.message ?? error);
  return /quota/i.test(message) ? `storage is full: ${message}` : `storage error: ${message}`;
}

// Removes old versions until every document has at most
// MAX_VERSIONS_PER_DOCUMENT and all of them fit the byte budget, oldest
// version first, never a document's latest. `records` maps key -> record
// (modified in place); returns the keys whose record changed.
export function prune(records, budget = STORAGE_BUDGET_BYTES) {
  const changed = new Set();
  for (const [key, record] of Object.entries(records)) {
    if (!isHistory(record)) continue;
    while (record.versions.length > MAX_VERSIONS_PER_DOCUMENT) {
      record.versions.shift();
      changed.add(key);
    }
  }
  let total = Object.values(records).reduce((sum, record) => sum + sizeOf(record), 0);
  while (total > budget) {
    let oldest = null;
    for (const [key, record] of Object.entries(records)) {
      if (!isHistory(record) || record.versions.length < 2) continue;
      const candidate = record.versions[0];
      if (!oldest || String(candidate.seenAt) < String(oldest.version.seenAt)) oldest = { key, version: candidate };
    }
    if (!oldest) break; // only latest versions left: they are kept
    total -= sizeOf(oldest.version);
    records[oldest.key].versions.shift();
    changed.add(oldest.key);
  }
  return [...changed];
}

// Updates are serialised so two visits never interleave read-modify-write.
let queue = Promise.resolve();
function serially(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

// Records a visit: `snapshot` is the engine's snapshot of the page now;
// `diff(before, after)` is the engine's; `visitId` names the page load (one
// per content script), so re-analyses within one visit update its version. Resolves to
//   {key, url, status: 'first-visit'|'unchanged'|'changed'|'error',
//    comparison: {fromDate, toDate, diff} | null, count, severity, errors: []}
export function recordVisit(href, snapshot, diff, visitId = null) {
  return serially(async () => {
    const key = keyOf(href);
    const url = normaliseUrl(href);
    const errors = [];
    const result = { key, url, status: 'first-visit', comparison: null, count: 0, severity: null, errors };
    let stored;
    try {
      stored = (await api.storage.local.get(key))[key];
    } catch (error) {
      errors.push(storageError(error));
      result.status = 'error';
      return result;
    }
    if (stored !== undefined && !isHistory(stored)) {
      // Never overwrite what we cannot read: keep it and say so.
      errors.push(`the stored history of ${url} is damaged; it was kept as it is and this visit was not recorded`);
      result.status = 'error';
      return result;
    }
    const record = stored ?? { schema: HISTORY_SCHEMA, url, versions: [], lastComparison: null };
    const now = new Date().toISOString();
    const version = { date: today(), seenAt: now, visitId, snapshot };
    // A page that is still rendering is analysed more than once in one visit:
    // the version this visit stored is its own, not history, so it is
    // brought up to date and the comparison is with the version before it.
    const ownLatest = visitId && record.versions.at(-1)?.visitId === visitId;
    const baseline = ownLatest ? record.versions.at(-2) : record.versions.at(-1);
    if (ownLatest) {
      let same = false;
      try {
        same = diff(record.versions.at(-1).snapshot, snapshot).changes.length === 0;
      } catch {
        // Our own version of a moment ago: compare afresh below.
      }
      if (same) {
        result.status = 'unchanged-visit';
        return result;
      }
    }
    if (baseline) {
      let changes;
      try {
        changes = diff(baseline.snapshot, snapshot);
      } catch (error) {
        errors.push(`the stored version of ${baseline.date} could not be compared (it was kept): ${error?.message ?? error}`);
        baseline.corrupt = String(error?.message ?? error);
      }
      if (changes && changes.changes.length === 0) {
        result.status = 'unchanged';
        baseline.lastSeenAt = now;
        if (ownLatest) record.versions.pop(); // this visit's version turned out the same as the last one
      } else {
        result.status = changes ? 'changed' : 'error';
        if (changes) {
          result.comparison = { fromDate: baseline.date, toDate: today(), at: now, diff: changes };
          Object.assign(result, meaningfulChanges(changes));
          record.lastComparison = result.comparison;
        }
        if (ownLatest) record.versions[record.versions.length - 1] = version;
        else record.versions.push(version);
      }
    } else if (ownLatest) {
      record.versions[record.versions.length - 1] = version;
    } else {
      record.versions.push(version);
    }

    try {
      const all = await api.storage.local.get(null);
      all[key] = record;
      const changedKeys = new Set([key, ...prune(all)]);
      const update = {};
      for (const each of changedKeys) update[each] = all[each];
      await api.storage.local.set(update);
    } catch (error) {
      errors.push(storageError(error));
    }
    return result;
  });
}

// The versions seen of a document (without their snapshots), newest last,
// and the last comparison made; {errors} when the record is damaged.
export async function readHistory(href) {
  const key = keyOf(href);
  let stored;
  try {
    stored = (await api.storage.local.get(key))[key];
  } catch (error) {
    return { url: normaliseUrl(href), versions: [], lastComparison: null, errors: [storageError(error)] };
  }
  if (stored === undefined) return { url: normaliseUrl(href), versions: [], lastComparison: null, errors: [] };
  if (!isHistory(stored)) {
    return { url: normaliseUrl(href), versions: [], lastComparison: null, errors: ['the stored history of this page is damaged (kept as it is)'] };
  }
  return {
    url: stored.url,
    versions: stored.versions.map(({ date, seenAt, lastSeenAt, corrupt }) => ({ date, seenAt, lastSeenAt, corrupt })),
    // For the popup's "no changes" line: whether this record was compared.
    lastComparison: stored.lastComparison ?? null,
    errors: stored.versions.filter((version) => version.corrupt).map((version) => `the version of ${version.date} is damaged (kept)`),
  };
}
