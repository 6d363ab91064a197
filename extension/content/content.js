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

  // This page load: re-analyses of it (late text, the popup's button) update
  // one remembered version instead of adding versions.
  // (randomUUID needs a secure context; plain http pages have only getRandomValues.)
  const visitId =
    crypto.randomUUID?.() ?? [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

  // What the popup shows: phase is 'analyzing', 'done' or 'error'.
  let status = { phase: 'analyzing', url: location.href };
  // Runs never overlap: a new request waits for the one in progress.
  let lastRun = Promise.resolve();

  async function runAnalysis() {
    performance.mark(TIMING.START);
    status = { phase: 'analyzing', url: location.href };
    try {
      clearHighlights();
      const { title, blocks } = extractBlocks();
      let clauseCount = 0;
      let notedClauses = [];
      let timing = {};
      if (blocks.length > 0) {
        const reply = await api.runtime.sendMessage({
          type: Message.ANALYZE_BLOCKS,
          visitId,
          title,
          blocks: blocks.map(({ kind, level, text }) => ({ kind, level, text })),
        });
        if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
        clauseCount = reply.clauseCount;
        notedClauses = reply.clauses;
        fineprint.cardExamples = reply.examples ?? {};
        timing = reply.timing ?? {};
      }
      const painted = paintHighlights(blocks, notedClauses);
      performance.mark(TIMING.PAINTED);
      const { duration } = performance.measure(TIMING.MEASURE, TIMING.START, TIMING.PAINTED);
      status = {
        phase: 'done',
        url: location.href,
        blocks: blocks.length,
        clauses: clauseCount,
        noted: notedClauses.length,
        painted,
        highlights: countHighlights(),
        startToPaintedMs: Math.round(duration * 10) / 10,
        ...timing,
      };
    } catch (error) {
      status = { phase: 'error', url: location.href, error: String(error?.message ?? error) };
    }
    return status;
  }

  // Pages that render their text late (client-side apps): once a run is
  // done, a MutationObserver watches for text being added, and when enough
  // has arrived (and the page has been quiet for a moment) runs again. The
  // observer is off while a run paints, so our own marks never trigger it.
  const LATE_TEXT_MIN_CHARS = 200;
  const LATE_TEXT_QUIET_MS = 300;
  let addedChars = 0;
  let lateTimer = 0;
  const isOurs = (node) => node.nodeType === Node.ELEMENT_NODE && node.tagName.startsWith('FINEPRINT-');
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') {
        addedChars += Math.max(0, record.target.data.length - (record.oldValue?.length ?? 0));
        continue;
      }
      for (const node of record.addedNodes) {
        if (isOurs(node) || isOurs(record.target)) continue;
        if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.ELEMENT_NODE) {
          addedChars += node.textContent.trim().length;
        }
      }
    }
    if (addedChars < LATE_TEXT_MIN_CHARS) return;
    clearTimeout(lateTimer);
    lateTimer = setTimeout(() => {
      addedChars = 0;
      fineprint.analyzePage();
    }, LATE_TEXT_QUIET_MS);
  });
  function watchForLateText() {
    if (!document.body) return;
    addedChars = 0;
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, characterDataOldValue: true });
  }

  fineprint.analyzePage = () => {
    observer.disconnect();
    clearTimeout(lateTimer);
    lastRun = lastRun.then(runAnalysis).then((result) => {
      watchForLateText();
      return result;
    });
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
