// Every message type exchanged between the extension's parts. Content scripts
// are classic scripts and cannot import this module: content/content.js repeats
// the three strings it uses, by these same values.
export const Message = Object.freeze({
  // content script -> background: {title, blocks} -> {ok, clauseCount, clauses}
  // (only the clauses that carry labels).
  ANALYZE_BLOCKS: 'fineprint:analyze-blocks',
  // popup -> background: {tabId} -> {ok, status}. Runs (or re-runs) the
  // content script on that tab and replies when its highlights are painted.
  ANALYZE_TAB: 'fineprint:analyze-tab',
  // popup -> background: {tabId} -> {ok, status}; status.phase is
  // 'not-analyzed' when no content script runs on that tab.
  GET_TAB_STATUS: 'fineprint:get-tab-status',

  // background -> content script: {waitForRun} -> status (after the run in
  // progress, if any, has finished when waitForRun is true).
  GET_PAGE_STATUS: 'fineprint:get-page-status',
  // background -> content script: {} -> status once the new run has painted.
  ANALYZE_PAGE: 'fineprint:analyze-page',
});
