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
// after it. Pruning (old versions, under a size budget) is the only removal,
// besides clearHistory when the person asks for it. An export file can be
// imported back (importHistory): it is checked whole first, and merged into
// what is stored without removing any stored version.
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

// Today's date as versions carry it ("YYYY-MM-DD", UTC).
export const today = () => new Date().toISOString().slice(0, 10);
const sizeOf = (value) => JSON.stringify(value).length;

// Storage calls reject (Chrome) or throw on quota and I/O errors; the
// message is what the popup shows.
function storageError(error) {
  const message = String(error?.message ?? error);
  return /quota/i.test(message) ? `storage is full: ${message}` : `storage error: ${message}`;
}

// Everything in storage.local; a storage failure becomes an Error whose
// message says what happened (storageError).
async function readAllStorage() {
  try {
    return await api.storage.local.get(null);
  } catch (error) {
    throw new Error(storageError(error));
  }
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
    // Everything stored, read once: this document's record, and the others
    // for pruning under the byte budget.
    let all;
    try {
      all = await readAllStorage();
    } catch (error) {
      errors.push(error.message);
      result.status = 'error';
      return result;
    }
    const stored = all[key];
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

    all[key] = record;
    try {
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
  const latestSnapshot = stored.versions.at(-1)?.snapshot;
  return {
    url: stored.url,
    // The page title of the latest version, for exports ('' when unknown).
    title: typeof latestSnapshot?.document?.title === 'string' ? latestSnapshot.document.title : '',
    versions: stored.versions.map(({ date, seenAt, lastSeenAt, corrupt }) => ({ date, seenAt, lastSeenAt, corrupt })),
    // For the popup's "no changes" line: whether this record was compared.
    lastComparison: stored.lastComparison ?? null,
    errors: stored.versions.filter((version) => version.corrupt).map((version) => `the version of ${version.date} is damaged (kept)`),
  };
}

// ---- Export, import and clearing (the options page) -------------------------

export const EXPORT_SCHEMA = 'fineprint.export/1';
const EXPORT_SCHEMA_PATTERN = /^fineprint\.export\/(\d+)$/;
const SNAPSHOT_SCHEMA_PATTERN = /^fineprint\.snapshot\/\d+$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

// Every stored document history, as one JSON-ready object:
//   {export: {schema: EXPORT_SCHEMA, exportedAt, documents: [record, ...]},
//    documents, versions, damaged: [url or key, ...]}
// Records are exported exactly as stored (snapshots, dates, the last
// comparison). Damaged records cannot be read, so they are not exported; they
// are named in `damaged` so the page can say so. Rejects on a storage error.
export function exportHistory() {
  return serially(async () => {
    const all = await readAllStorage();
    const documents = [];
    const damaged = [];
    for (const [key, record] of Object.entries(all)) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      if (isHistory(record)) documents.push(record);
      else damaged.push(key.slice(KEY_PREFIX.length));
    }
    documents.sort((a, b) => String(a.url).localeCompare(String(b.url)));
    return {
      export: { schema: EXPORT_SCHEMA, exportedAt: new Date().toISOString(), documents },
      documents: documents.length,
      versions: documents.reduce((sum, record) => sum + record.versions.length, 0),
      damaged,
    };
  });
}

// Why a file cannot be imported: {code, detail}. Codes: 'not-json',
// 'not-export' (JSON, but not a Fineprint export), 'newer-version' (an export
// from a newer Fineprint), 'invalid' (an export with a damaged part; detail
// says where).
class ImportProblem extends Error {
  constructor(code, detail) {
    super(detail);
    this.code = code;
  }
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function checkVersion(version, where, checkSnapshot) {
  if (!isPlainObject(version)) throw new ImportProblem('invalid', `${where} is not a version`);
  if (typeof version.date !== 'string' || !DATE_PATTERN.test(version.date)) {
    throw new ImportProblem('invalid', `${where}.date is not a date (YYYY-MM-DD)`);
  }
  if (typeof version.seenAt !== 'string' || Number.isNaN(Date.parse(version.seenAt))) {
    throw new ImportProblem('invalid', `${where}.seenAt is not a time`);
  }
  if (version.lastSeenAt !== undefined && (typeof version.lastSeenAt !== 'string' || Number.isNaN(Date.parse(version.lastSeenAt)))) {
    throw new ImportProblem('invalid', `${where}.lastSeenAt is not a time`);
  }
  if (version.visitId !== undefined && version.visitId !== null && typeof version.visitId !== 'string') {
    throw new ImportProblem('invalid', `${where}.visitId is not text`);
  }
  if (version.corrupt !== undefined && typeof version.corrupt !== 'string') {
    throw new ImportProblem('invalid', `${where}.corrupt is not text`);
  }
  // A version already known to be damaged travels as it was kept: still
  // damaged, still reported. Every other snapshot must load in the engine.
  if (version.corrupt === undefined) {
    if (!isPlainObject(version.snapshot) || !SNAPSHOT_SCHEMA_PATTERN.test(version.snapshot.schema)) {
      throw new ImportProblem('invalid', `${where}.snapshot is not a Fineprint snapshot`);
    }
    try {
      checkSnapshot(version.snapshot);
    } catch (error) {
      throw new ImportProblem('invalid', `${where}.snapshot is damaged: ${error?.message ?? error}`);
    }
  }
  // Only the fields a version has: nothing else from the file is stored.
  const clean = { date: version.date, seenAt: version.seenAt, visitId: version.visitId ?? null, snapshot: version.snapshot };
  if (version.lastSeenAt !== undefined) clean.lastSeenAt = version.lastSeenAt;
  if (version.corrupt !== undefined) clean.corrupt = version.corrupt;
  return clean;
}

function checkComparison(comparison, where) {
  if (comparison === null || comparison === undefined) return null;
  const ok =
    isPlainObject(comparison) &&
    typeof comparison.fromDate === 'string' &&
    typeof comparison.toDate === 'string' &&
    typeof comparison.at === 'string' &&
    isPlainObject(comparison.diff) &&
    Array.isArray(comparison.diff.changes) &&
    (comparison.diff.summary === undefined || Array.isArray(comparison.diff.summary));
  if (!ok) throw new ImportProblem('invalid', `${where}.lastComparison is not a comparison`);
  return { fromDate: comparison.fromDate, toDate: comparison.toDate, at: comparison.at, diff: comparison.diff };
}

function checkRecord(record, where, checkSnapshot) {
  if (!isPlainObject(record) || record.schema !== HISTORY_SCHEMA) {
    throw new ImportProblem('invalid', `${where} is not a document history (${HISTORY_SCHEMA})`);
  }
  let url;
  try {
    url = normaliseUrl(record.url);
  } catch {
    throw new ImportProblem('invalid', `${where}.url is not a URL`);
  }
  if (!/^https?:$/.test(new URL(url).protocol)) throw new ImportProblem('invalid', `${where}.url is not a web page`);
  if (!Array.isArray(record.versions) || record.versions.length === 0) {
    throw new ImportProblem('invalid', `${where}.versions is not a list of versions`);
  }
  const versions = record.versions.map((version, index) => checkVersion(version, `${where}.versions[${index}]`, checkSnapshot));
  return { schema: HISTORY_SCHEMA, url, versions: sortVersions(versions), lastComparison: checkComparison(record.lastComparison, where) };
}

const versionTime = (version) => version.seenAt ?? version.date;
const versionId = (version) => `${version.date}|${version.seenAt}`;
const sortVersions = (versions) => versions.sort((a, b) => (versionTime(a) < versionTime(b) ? -1 : versionTime(a) > versionTime(b) ? 1 : 0));

// Parses and checks a whole export file (text). Returns the records in it;
// throws an ImportProblem for the first thing wrong.
function parseExport(text, checkSnapshot) {
  if (typeof text !== 'string') throw new ImportProblem('not-json', 'the file is not text');
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ImportProblem('not-json', error.message);
  }
  const version = isPlainObject(data) && typeof data.schema === 'string' ? EXPORT_SCHEMA_PATTERN.exec(data.schema) : null;
  if (!version) {
    throw new ImportProblem('not-export', isPlainObject(data) && typeof data.schema === 'string' ? `its schema is ${JSON.stringify(data.schema.slice(0, 60))}` : 'it has no Fineprint schema');
  }
  if (Number(version[1]) > 1) throw new ImportProblem('newer-version', `its schema is ${data.schema}`);
  if (!Array.isArray(data.documents)) throw new ImportProblem('invalid', 'documents is not a list');
  return data.documents.map((record, index) => {
    const where = `documents[${index}]`;
    return checkRecord(record, typeof record?.url === 'string' ? `${where} (${record.url.slice(0, 80)})` : where, checkSnapshot);
  });
}

// Merges `incoming` (a checked record) into `stored` (a history or
// undefined). Stored versions are all kept; incoming versions are added
// unless already stored (same date and time seen), oldest left out first
// when the document would have more than MAX_VERSIONS_PER_DOCUMENT, except
// the latest of all, which is always kept. The last comparison goes with the
// latest version. Returns {record, added, leftOut, incoming: Set of the
// versions that came from the file}.
function mergeRecord(stored, incoming) {
  const base = stored ?? { schema: HISTORY_SCHEMA, url: incoming.url, versions: [], lastComparison: null };
  const known = new Set(base.versions.map(versionId));
  const fresh = incoming.versions.filter((version) => {
    if (known.has(versionId(version))) return false;
    known.add(versionId(version));
    return true;
  });
  const versions = sortVersions([...base.versions, ...fresh]);
  const fromFile = new Set(fresh);
  let leftOut = 0;
  while (versions.length > MAX_VERSIONS_PER_DOCUMENT) {
    const oldestFromFile = versions.findIndex((version, index) => fromFile.has(version) && index < versions.length - 1);
    if (oldestFromFile < 0) break;
    fromFile.delete(versions[oldestFromFile]);
    versions.splice(oldestFromFile, 1);
    leftOut += 1;
  }
  const latest = versions.at(-1);
  let lastComparison = base.lastComparison ?? null;
  if (fromFile.has(latest)) lastComparison = incoming.lastComparison?.at === latest.seenAt ? incoming.lastComparison : null;
  return { record: { ...base, versions, lastComparison }, added: fromFile.size, leftOut, fromFile };
}

// Imports an export file's text into the stored history. `checkSnapshot`
// throws for a snapshot the engine cannot load. The file is checked whole
// before anything is written: a bad or foreign file changes nothing. Merging
// never removes a stored version (see mergeRecord); a stored record that is
// damaged is kept as it is and its document is not imported. Resolves to
//   {ok: true, documents: {added, updated, unchanged, damaged}, versions: {added, leftOut}}
// or {ok: false, code, detail} ('not-json' | 'not-export' | 'newer-version' |
// 'invalid' | 'storage').
export function importHistory(text, checkSnapshot) {
  let records;
  try {
    records = parseExport(text, checkSnapshot);
  } catch (error) {
    if (error instanceof ImportProblem) return Promise.resolve({ ok: false, code: error.code, detail: error.message });
    throw error;
  }
  return serially(async () => {
    let all;
    try {
      all = await readAllStorage();
    } catch (error) {
      return { ok: false, code: 'storage', detail: error.message };
    }
    const documents = { added: 0, updated: 0, unchanged: 0, damaged: [] };
    const versions = { added: 0, leftOut: 0 };
    const changedKeys = new Set();
    const fromFile = new Map(); // key -> versions added from the file
    for (const incoming of records) {
      const key = KEY_PREFIX + incoming.url;
      const stored = all[key];
      if (stored !== undefined && !isHistory(stored)) {
        documents.damaged.push(incoming.url);
        continue;
      }
      const merged = mergeRecord(stored, incoming);
      versions.leftOut += merged.leftOut;
      if (merged.added === 0) {
        documents.unchanged += 1;
        continue;
      }
      if (stored === undefined && !changedKeys.has(key)) documents.added += 1;
      else if (!changedKeys.has(key)) documents.updated += 1;
      all[key] = merged.record;
      changedKeys.add(key);
      fromFile.set(key, new Set([...(fromFile.get(key) ?? []), ...merged.fromFile]));
    }
    // Under the byte budget: versions from the file are left out, oldest
    // first, never a stored one and never a document's latest.
    let total = Object.values(all).reduce((sum, record) => sum + sizeOf(record), 0);
    while (total > STORAGE_BUDGET_BYTES) {
      let oldest = null;
      for (const [key, added] of fromFile) {
        const record = all[key];
        for (const version of record.versions.slice(0, -1)) {
          if (added.has(version) && (!oldest || versionTime(version) < versionTime(oldest.version))) oldest = { key, version };
        }
      }
      if (!oldest) break;
      const record = all[oldest.key];
      record.versions.splice(record.versions.indexOf(oldest.version), 1);
      fromFile.get(oldest.key).delete(oldest.version);
      total -= sizeOf(oldest.version);
      versions.leftOut += 1;
    }
    for (const added of fromFile.values()) versions.added += added.size;
    if (changedKeys.size > 0) {
      const update = {};
      for (const key of changedKeys) update[key] = all[key];
      try {
        await api.storage.local.set(update);
      } catch (error) {
        return { ok: false, code: 'storage', detail: storageError(error) };
      }
    }
    return { ok: true, documents, versions };
  });
}

// Removes every stored document history (damaged ones too). Resolves to
// {documents, versions, damaged}: what was removed; rejects on a storage
// error (then nothing was removed).
export function clearHistory() {
  return serially(async () => {
    const all = await readAllStorage();
    const keys = Object.keys(all).filter((key) => key.startsWith(KEY_PREFIX));
    const histories = keys.map((key) => all[key]).filter(isHistory);
    if (keys.length > 0) {
      try {
        await api.storage.local.remove(keys);
      } catch (error) {
        throw new Error(storageError(error));
      }
    }
    return {
      documents: histories.length,
      versions: histories.reduce((sum, record) => sum + record.versions.length, 0),
      damaged: keys.length - histories.length,
    };
  });
}
