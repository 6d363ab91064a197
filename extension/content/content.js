// Content-script entry point (the last file of every injection): extracts the
// page's blocks, has the background analyse them, and paints the result.
//
// It is injected declaratively on known policy URLs and programmatically when
// the user clicks "Analyze this page", so it may run twice in one page: the
// second injection only starts a new run, and every run clears the previous
// run's highlights before painting, so nothing is ever wrapped twice.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.analyzePage) {
    fineprint.analyzePage();
    return;
  }

  // The values of Message in shared/messages.js (modules cannot be imported
  // by a classic content script).
  const Message = Object.freeze({
    ANALYZE_BLOCKS: 'fineprint:analyze-blocks',
    GET_PAGE_STATUS: 'fineprint:get-page-status',
    ANALYZE_PAGE: 'fineprint:analyze-page',
  });
  const TIMING = Object.freeze({
    START: 'fineprint:content-start',
    PAINTED: 'fineprint:highlights-painted',
    MEASURE: 'fineprint:start-to-painted',
  });

  const { api, extractBlocks, paintHighlights, clearHighlights, countHighlights } = fineprint;

  // What the popup shows: phase is 'analyzing', 'done' or 'error'.
  let status = { phase: 'analyzing' };
  // Runs never overlap: a new request waits for the one in progress.
  let lastRun = Promise.resolve();

  async function runAnalysis() {
    performance.mark(TIMING.START);
    status = { phase: 'analyzing' };
    try {
      clearHighlights();
      const { title, blocks } = extractBlocks();
      let clauseCount = 0;
      let notedClauses = [];
      let timing = {};
      if (blocks.length > 0) {
        const reply = await api.runtime.sendMessage({
          type: Message.ANALYZE_BLOCKS,
          title,
          blocks: blocks.map(({ kind, level, text }) => ({ kind, level, text })),
        });
        if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
        clauseCount = reply.clauseCount;
        notedClauses = reply.clauses;
        timing = reply.timing ?? {};
      }
      const painted = paintHighlights(blocks, notedClauses);
      performance.mark(TIMING.PAINTED);
      const { duration } = performance.measure(TIMING.MEASURE, TIMING.START, TIMING.PAINTED);
      status = {
        phase: 'done',
        blocks: blocks.length,
        clauses: clauseCount,
        noted: notedClauses.length,
        painted,
        highlights: countHighlights(),
        startToPaintedMs: Math.round(duration * 10) / 10,
        ...timing,
      };
    } catch (error) {
      status = { phase: 'error', error: String(error?.message ?? error) };
    }
    return status;
  }

  fineprint.analyzePage = () => {
    lastRun = lastRun.then(runAnalysis);
    return lastRun;
  };

  api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    let reply;
    if (message?.type === Message.GET_PAGE_STATUS) {
      reply = message.waitForRun ? lastRun : Promise.resolve(status);
    } else if (message?.type === Message.ANALYZE_PAGE) {
      reply = fineprint.analyzePage();
    } else {
      return false;
    }
    reply.then(sendResponse);
    return true; // Chrome: the reply is sent asynchronously.
  });

  fineprint.analyzePage();
})();
