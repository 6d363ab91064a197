// Every message type exchanged between the extension's parts. Content scripts
// are classic scripts and cannot import this module: content/content.js and
// content/wake.js repeat the strings they use, by these same values.
export const Message = Object.freeze({
  // content script -> background: {title, blocks, visitId, trigger} -> {ok,
  // clauseCount, clauses, findings, examples, timing} (only the clauses that
  // carry labels of the families the settings show, with their notes,
  // severities, slots and findings; examples by label). trigger is 'auto'
  // (the page ran by itself) or 'user' (the popup's button); an 'auto' run
  // while the settings turn auto-run off is answered {ok, skipped:
  // 'auto-run-off', clauseCount: 0, clauses: [], findings: [], examples: {}}.
  // Otherwise the background then remembers the page's top frame and
  // compares it with its last visit.
  ANALYZE_BLOCKS: 'fineprint:analyze-blocks',
  // popup -> background: {tabId} -> {ok, status}. Runs (or re-runs) the
  // content script on that tab and replies when its highlights are painted.
  ANALYZE_TAB: 'fineprint:analyze-tab',
  // popup -> background: {tabId} -> {ok, status}; status.phase is
  // 'not-analyzed' when no content script runs on that tab.
  GET_TAB_STATUS: 'fineprint:get-tab-status',
  // popup -> background: {tabId} -> {ok, changes}: what changed in the tab's
  // document since the last visit ({comparison, count, severity, versions,
  // errors}), or changes null when the tab's document is not known.
  GET_TAB_CHANGES: 'fineprint:get-tab-changes',
  // options page -> background: {} -> {ok, settings, errors}: the settings in
  // force ({autoRun, families: {ai_training, choice, retention, other}}) and
  // why stored settings could not be used, if so.
  GET_SETTINGS: 'fineprint:get-settings',
  // options page -> background: {settings: partial settings} -> {ok, settings}.
  SET_SETTINGS: 'fineprint:set-settings',
  // options page -> background: {} -> {ok, removed: {documents, versions,
  // damaged, settings}}: removes every stored document history and the
  // settings.
  CLEAR_DATA: 'fineprint:clear-data',
  // options page -> background: {} -> {ok, export, documents, versions,
  // damaged}: every stored history as one object (history.js EXPORT_SCHEMA).
  EXPORT_DATA: 'fineprint:export-data',
  // options page -> background: {text: the export file's text} -> {ok: true,
  // documents, versions} or {ok: false, code, detail} (history.js
  // importHistory): merged into the stored history, never replacing it.
  IMPORT_DATA: 'fineprint:import-data',
  // content script (content/wake.js, at document_start) -> background: {} ->
  // {ok}. Wakes the background so the engine starts while the page loads.
  WAKE: 'fineprint:wake',
  // content script -> background: {} -> {ok}. A known policy page (one that
  // sent WAKE) has no text yet (a client-side app still rendering it): its
  // request comes later, so the engine's warm-up need not wait for it.
  TEXT_PENDING: 'fineprint:text-pending',

  // background -> content script: {waitForRun} -> status (after the run in
  // progress, if any, has finished when waitForRun is true).
  GET_PAGE_STATUS: 'fineprint:get-page-status',
  // background -> content script: {} -> status once the new run has painted.
  ANALYZE_PAGE: 'fineprint:analyze-page',
});
