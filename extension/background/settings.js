// The person's settings: whether Fineprint runs by itself on policy pages,
// and which families of labels it shows. Only the background reads or writes
// them (chrome.storage.local, key "settings"):
//   {autoRun: boolean, families: {ai_training, choice, retention, other: boolean}}
//
// Missing settings are the defaults. Damaged ones (not an object, a field of
// the wrong type) are read as the defaults too, but the damage is reported to
// the options page and the stored value is left as it is until the person
// saves new settings: nothing is replaced behind their back.
import { api } from '../browser/api.js';

export const SETTINGS_KEY = 'settings';
export const FAMILIES = Object.freeze(['ai_training', 'choice', 'retention', 'other']);
const NAMED_FAMILIES = new Set(['ai_training', 'choice', 'retention']);

export function defaultSettings() {
  return { autoRun: true, families: { ai_training: true, choice: true, retention: true, other: true } };
}

// The family of a label id: its part before the first "." for the three
// primary families, else "other" (sharing.*, policy.*: the taxonomy's
// secondary labels).
export function familyOf(labelId) {
  const head = String(labelId).split('.', 1)[0];
  return NAMED_FAMILIES.has(head) ? head : 'other';
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

// Reads a stored value as settings: {settings, errors}. Fields that are
// absent take their default silently (an older version stored fewer
// families); fields that are present but wrong take their default and are
// named in `errors`.
export function parseSettings(stored) {
  const settings = defaultSettings();
  const errors = [];
  if (stored === undefined) return { settings, errors };
  if (!isObject(stored)) {
    errors.push(`the stored settings are damaged (${describe(stored)}); the defaults are used until you save`);
    return { settings, errors };
  }
  if (stored.autoRun !== undefined) {
    if (typeof stored.autoRun === 'boolean') settings.autoRun = stored.autoRun;
    else errors.push(`the stored setting autoRun is damaged (${describe(stored.autoRun)}); the default is used until you save`);
  }
  if (stored.families !== undefined) {
    if (!isObject(stored.families)) {
      errors.push(`the stored setting families is damaged (${describe(stored.families)}); the defaults are used until you save`);
    } else {
      for (const family of FAMILIES) {
        const value = stored.families[family];
        if (value === undefined) continue;
        if (typeof value === 'boolean') settings.families[family] = value;
        else errors.push(`the stored setting families.${family} is damaged (${describe(value)}); the default is used until you save`);
      }
    }
  }
  return { settings, errors };
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 40))}`;
  return `a ${typeof value}`;
}

// What SET_SETTINGS accepts: a partial settings object whose fields all have
// the right type. Throws a TypeError naming the first bad field.
function validateUpdate(update) {
  if (!isObject(update)) throw new TypeError('settings must be an object');
  for (const key of Object.keys(update)) {
    if (key !== 'autoRun' && key !== 'families') throw new TypeError(`unknown setting ${key}`);
  }
  if (update.autoRun !== undefined && typeof update.autoRun !== 'boolean') throw new TypeError('autoRun must be true or false');
  if (update.families !== undefined) {
    if (!isObject(update.families)) throw new TypeError('families must be an object');
    for (const [family, value] of Object.entries(update.families)) {
      if (!FAMILIES.includes(family)) throw new TypeError(`unknown family ${family}`);
      if (typeof value !== 'boolean') throw new TypeError(`families.${family} must be true or false`);
    }
  }
}

const storageMessage = (error) => String(error?.message ?? error);

// The analysis path reads the settings on every page, so they are kept in
// memory once read; every write here replaces the copy, and a change made by
// another context of the extension (none today) drops it.
let cached = null;
api.storage?.onChanged?.addListener?.((changes, area) => {
  if (area === 'local' && Object.hasOwn(changes, SETTINGS_KEY)) cached = null;
});

// {settings, errors}: never throws; a storage failure gives the defaults and
// an error (and is not cached, so the next read tries again).
export function readSettings() {
  if (!cached) {
    const reading = (async () => {
      try {
        return { ...parseSettings((await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]), failed: false };
      } catch (error) {
        return { settings: defaultSettings(), errors: [`the settings could not be read: ${storageMessage(error)}`], failed: true };
      }
    })();
    cached = reading;
    reading.then(({ failed }) => {
      if (failed && cached === reading) cached = null;
    });
  }
  return cached.then(({ settings, errors }) => ({ settings: structuredClone(settings), errors: [...errors] }));
}

// Applies a partial update ({autoRun?, families?: {name: bool}}) to the
// settings in force and stores the result, which replaces damaged stored
// settings. Resolves to the new settings; rejects on a bad update (nothing
// stored) or a storage error (the stored settings are unchanged).
export async function writeSettings(update) {
  validateUpdate(update);
  const { settings } = await readSettings();
  const next = {
    autoRun: update.autoRun ?? settings.autoRun,
    families: { ...settings.families, ...update.families },
  };
  try {
    await api.storage.local.set({ [SETTINGS_KEY]: next });
  } catch (error) {
    const message = storageMessage(error);
    throw new Error(/quota/i.test(message) ? `storage is full: ${message}` : `the settings could not be saved: ${message}`);
  }
  cached = Promise.resolve({ settings: next, errors: [] });
  return structuredClone(next);
}

// Removes the stored settings (the defaults apply again). Resolves to
// whether there were any; rejects on a storage error.
export async function removeSettings() {
  const stored = await api.storage.local.get(SETTINGS_KEY);
  const existed = Object.hasOwn(stored, SETTINGS_KEY);
  if (existed) await api.storage.local.remove(SETTINGS_KEY);
  cached = null;
  return existed;
}

// An analysis reply ({clauses, findings, examples, ...}) with each clause's
// labels cut to the enabled `families`. Clauses left without a label are
// dropped; every finding stays, its `clauses` (indexes into reply.clauses)
// renumbered to the clauses kept and stripped of the dropped ones. Examples
// are kept for the labels still shown. The reply itself is not modified.
export function filterByFamilies(reply, families) {
  const enabled = (labelId) => families?.[familyOf(labelId)] !== false;
  const newIndex = new Map();
  const clauses = [];
  (reply.clauses ?? []).forEach((clause, index) => {
    const labels = (clause.labels ?? []).filter((label) => enabled(label.id));
    if (labels.length === 0) return;
    newIndex.set(index, clauses.length);
    clauses.push(labels.length === clause.labels.length ? clause : { ...clause, labels });
  });
  const findings = (reply.findings ?? []).map((finding) => ({
    ...finding,
    clauses: (finding.clauses ?? []).filter((index) => newIndex.has(index)).map((index) => newIndex.get(index)),
  }));
  const shown = new Set(clauses.flatMap((clause) => clause.labels.map((label) => label.id)));
  const examples = Object.fromEntries(Object.entries(reply.examples ?? {}).filter(([id]) => shown.has(id)));
  return { ...reply, clauses, findings, examples };
}
