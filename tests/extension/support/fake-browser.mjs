// A stand-in for the parts of the extension API the background's storage
// modules use, installed as globalThis.chrome before they are imported:
// chrome.storage.local (values are structured-cloned, like the real one) and
// chrome.storage.onChanged, with switches that make a call fail the way a
// full quota or a broken disk does.
//
//   import { storage } from './support/fake-browser.mjs';   // first import
//   storage.failWith('set', 'QUOTA_BYTES quota exceeded');
export const storage = {
  data: new Map(),
  failures: { get: null, set: null, remove: null },
  // Makes every later call of `method` reject with `message` until cleared
  // with failWith(method, null).
  failWith(method, message) {
    this.failures[method] = message;
  },
  reset() {
    const keys = [...this.data.keys()];
    this.data.clear();
    if (keys.length > 0) notify(Object.fromEntries(keys.map((key) => [key, {}])));
    for (const method of Object.keys(this.failures)) this.failures[method] = null;
  },
  snapshot() {
    return structuredClone(Object.fromEntries(this.data));
  },
  // Writes as another part of the extension would: listeners hear of it.
  put(key, value) {
    this.data.set(key, structuredClone(value));
    notify({ [key]: { newValue: structuredClone(value) } });
  },
};

const listeners = [];
function notify(changes) {
  for (const listener of listeners) listener(structuredClone(changes), 'local');
}

function check(method) {
  if (storage.failures[method]) throw new Error(storage.failures[method]);
}

const keyList = (keys) => (keys === null || keys === undefined ? [...storage.data.keys()] : Array.isArray(keys) ? keys : [keys]);

globalThis.chrome = {
  runtime: { getURL: (file) => `chrome-extension://test/${file}` },
  storage: {
    onChanged: { addListener: (listener) => listeners.push(listener) },
    local: {
      async get(keys) {
        check('get');
        const result = {};
        for (const key of keyList(keys)) if (storage.data.has(key)) result[key] = structuredClone(storage.data.get(key));
        return result;
      },
      async set(items) {
        check('set');
        for (const [key, value] of Object.entries(items)) storage.data.set(key, structuredClone(value));
        notify(Object.fromEntries(Object.entries(items).map(([key, value]) => [key, { newValue: value }])));
      },
      async remove(keys) {
        check('remove');
        const removed = keyList(keys).filter((key) => storage.data.delete(key));
        if (removed.length > 0) notify(Object.fromEntries(removed.map((key) => [key, {}])));
      },
    },
  },
};
