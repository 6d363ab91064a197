// Content-script entry point (the last file of every injection): extracts the
// page's blocks, has the background analyse them, and paints the result.
//
// It is injected three ways, and may be injected more than once in a page:
//   - declaratively on known policy URLs (the manifest's first
//     content_scripts entry, which also runs known-page.js): analysed at once;
//   - declaratively on URLs that merely look like a policy's ("/privacy",
//     "/terms", ...): analysed only if the page's text passes the policy
//     check (policy-check.js); nothing is sent to the background otherwise;
//   - programmatically when the user clicks "Analyze this page" (tabs.js
//     sets fineprint.requestedBy = 'user' first): analysed at once.
// Every later evaluation of this file only reports itself to the first one,
// and every run clears the previous run's highlights before painting, so
// nothing is ever wrapped twice.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.onInjected) {
    fineprint.onInjected();
    return;
  }

  // The values of Message in shared/messages.js (modules cannot be imported
  // by a classic content script).
  const Message = Object.freeze({
    ANALYZE_BLOCKS: 'fineprint:analyze-blocks',
    TEXT_PENDING: 'fineprint:text-pending',
    GET_PAGE_STATUS: 'fineprint:get-page-status',
    ANALYZE_PAGE: 'fineprint:analyze-page',
  });
  const TIMING = Object.freeze({
    START: 'fineprint:content-start',
    PAINTED: 'fineprint:highlights-painted',
    MEASURE: 'fineprint:start-to-painted',
  });
  const Trigger = Object.freeze({ AUTO: 'auto', USER: 'user' });

  const { api, extractBlocks, blocksForCore, paintHighlights, clearHighlights, countHighlights, looksLikePolicy } = fineprint;

  // This page load: re-analyses of it (late text, the popup's button) update
  // one remembered version instead of adding versions.
  // (randomUUID needs a secure context; plain http pages have only getRandomValues.)
  const visitId =
    crypto.randomUUID?.() ?? [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

  // What the popup shows: phase is 'analyzing', 'done', 'error' or 'skipped'
  // (reason 'auto-run-off': the person turned automatic runs off;
  // 'not-a-policy': the page failed the policy check).
  let status = { phase: 'analyzing', url: location.href };
  // Runs never overlap: a new request waits for the one in progress.
  let lastRun = Promise.resolve(status);
  // True once this page is known to be a policy (a known URL, or it passed
  // the check once): later automatic runs skip the check.
  let policyConfirmed = false;
  let autoStarted = false;
  // The trigger re-reads of late text inherit: once the person has asked
  // for this page, following its text is part of that request.
  let lastTrigger = Trigger.AUTO;

  // Whether this page told the background its text is not there yet, and
  // for how long after load that is worth saying: the background's hold on
  // its warm-up for this page lasts PAGE_ANNOUNCED_HOLD_MS (engine.js) from
  // the wake-up message, sent at document_start, so about this long from
  // navigation (this page's performance.now()).
  let textPendingSent = false;
  const TEXT_PENDING_WITHIN_MS = 3000;

  const roundMs = (ms) => Math.round(ms * 10) / 10;
  const skipped = (reason, extra) => ({ phase: 'skipped', reason, url: location.href, ...extra });

  async function runAnalysis(trigger) {
    performance.mark(TIMING.START);
    const startedAt = performance.now();
    status = { phase: 'analyzing', url: location.href, trigger };
    try {
      unobserved(clearHighlights);
      fineprint.removePanel();
      const { title, blocks } = extractBlocks();
      const extractedAt = performance.now();
      // This run reads what the page holds now; what it adds from here on,
      // while the request is with the background, is for the next run.
      watchFromHere();
      if (trigger === Trigger.AUTO && !policyConfirmed) {
        const check = looksLikePolicy(title, blocks);
        if (!check.policy) return (status = skipped('not-a-policy', { trigger, why: check.why }));
        policyConfirmed = true;
      }
      let reply = { clauseCount: 0, clauses: [], findings: [], timing: {} };
      if (blocks.length === 0 && fineprint.knownPolicyPage === true && !textPendingSent &&
          performance.now() < TEXT_PENDING_WITHIN_MS) {
        // Its wake-up message (wake.js) held the background's warm-up for
        // this page's request, which will only come with the page's text.
        // Said once, and only while such a hold can last: later it would
        // only wake a stopped background for nothing.
        textPendingSent = true;
        try {
          Promise.resolve(api.runtime.sendMessage({ type: Message.TEXT_PENDING })).catch(() => {});
        } catch {
          // No background to tell (the extension reloading).
        }
      }
      if (blocks.length > 0) {
        reply = await api.runtime.sendMessage({
          type: Message.ANALYZE_BLOCKS,
          trigger,
          visitId,
          // When it was sent, on the clock every context shares (ms since
          // the epoch), so the background can tell how long the request
          // waited before it was handled.
          sentAt: performance.timeOrigin + performance.now(),
          title,
          blocks: blocksForCore(blocks),
        });
        if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
        if (reply.skipped) return (status = skipped(reply.skipped, { trigger }));
      }
      const repliedAt = performance.now();
      const clauses = reply.clauses ?? [];
      fineprint.cardExamples = reply.examples ?? {};
      const painted = unobserved(() => paintHighlights(blocks, clauses));
      performance.mark(TIMING.PAINTED);
      const { duration } = performance.measure(TIMING.MEASURE, TIMING.START, TIMING.PAINTED);
      const paintedAt = performance.now();
      showSummary(blocks, clauses, painted, reply.findings ?? []);
      status = {
        phase: 'done',
        url: location.href,
        trigger,
        blocks: blocks.length,
        clauses: reply.clauseCount,
        noted: clauses.length,
        findings: (reply.findings ?? []).length,
        painted: painted.length,
        highlights: countHighlights(),
        startToPaintedMs: roundMs(duration),
        extractMs: roundMs(extractedAt - startedAt),
        roundTripMs: roundMs(repliedAt - extractedAt),
        paintMs: roundMs(paintedAt - repliedAt),
        ...reply.timing,
      };
    } catch (error) {
      status = { phase: 'error', url: location.href, trigger, error: String(error?.message ?? error) };
    }
    return status;
  }

  // The summary panel's button, for the clauses painted (in page order).
  function showSummary(blocks, clauses, painted, findings) {
    let joined = null; // the blocks' text, joined only if the panel opens
    const excerptOf = ({ start, end }) => {
      joined ??= blocks.map((block) => block.text).join('\n');
      return fineprint.excerpt(joined.slice(start, end));
    };
    fineprint.showPanel({
      findings,
      clauses: painted.map((number) => ({ number, start: clauses[number].start, end: clauses[number].end, labels: clauses[number].labels })),
      excerptOf,
    });
  }

  // Pages that render their text late (client-side apps): from the moment a
  // run has read the page, a MutationObserver watches for text being added
  // (also while that run's request is with the background, which can take a
  // few hundred milliseconds on a fresh engine), and when enough has arrived
  // (and the page has been quiet for a moment) runs again, after the run in
  // progress. The observer is off while a run changes the page's body
  // itself (clearing and painting its marks), so our own changes never
  // trigger it; the summary panel and the cards hang from <html>, outside
  // what it watches.
  // A page that failed the policy check is watched only for a while (and
  // re-checked a few times): it is most likely not a policy at all. A page
  // that adds text faster than MAX_LATE_RUNS_IN_WINDOW runs a window is no
  // longer followed, until the person asks for it again.
  const LATE_TEXT_MIN_CHARS = 200;
  const LATE_TEXT_QUIET_MS = 300;
  const UNCONFIRMED_WATCH_MS = 15_000;
  const UNCONFIRMED_RECHECKS = 3;
  const MAX_LATE_RUNS_IN_WINDOW = 5;
  const LATE_RUNS_WINDOW_MS = 10_000;
  let lateRunTimes = []; // performance.now() of the late-text runs of the last window
  const OBSERVED = { childList: true, subtree: true, characterData: true, characterDataOldValue: true };
  let addedChars = 0;
  let lateTimer = 0;
  let stopWatchingTimer = 0;
  let rechecks = 0;
  let watching = false;
  function onPageChanges(records) {
    let added = 0;
    for (const record of records) {
      if (record.type === 'characterData') {
        added += Math.max(0, record.target.data.length - (record.oldValue?.length ?? 0));
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.ELEMENT_NODE) {
          added += node.textContent.trim().length;
        }
      }
    }
    // Changes that add no text (removals, or none: unobserved's takeRecords)
    // must not restart the quiet period.
    if (added === 0) return;
    addedChars += added;
    if (addedChars < LATE_TEXT_MIN_CHARS) return;
    clearTimeout(lateTimer);
    lateTimer = setTimeout(() => {
      addedChars = 0;
      // A run waiting its turn reads this text anyway.
      if (runsWaiting > 0) return;
      // A page that answers every change with more text (one that re-renders
      // whatever touches its DOM, our clearing and painting included) would
      // otherwise be read again and again.
      const now = performance.now();
      lateRunTimes = lateRunTimes.filter((at) => now - at < LATE_RUNS_WINDOW_MS);
      if (lateRunTimes.length >= MAX_LATE_RUNS_IN_WINDOW) {
        stopWatching();
        return;
      }
      lateRunTimes.push(now);
      analyzePage(lastTrigger);
    }, LATE_TEXT_QUIET_MS);
  }
  const observer = new MutationObserver(onPageChanges);

  // Watches from now on, counting only what is added after this moment (a
  // run has just read the page). A run lifts an unconfirmed page's time
  // limit (keepWatchingAfter sets it again if the page still fails the
  // check).
  function watchFromHere() {
    clearTimeout(stopWatchingTimer);
    if (!document.body) return;
    observer.takeRecords();
    clearTimeout(lateTimer);
    addedChars = 0;
    observer.observe(document.body, OBSERVED);
    watching = true;
  }

  function stopWatching() {
    observer.disconnect();
    clearTimeout(lateTimer);
    watching = false;
  }

  // Runs `write`, a change of ours to the page, unseen by the observer; the
  // page's own changes before it are counted first.
  function unobserved(write) {
    if (!watching) return write();
    onPageChanges(observer.takeRecords());
    observer.disconnect();
    try {
      return write();
    } finally {
      if (document.body) observer.observe(document.body, OBSERVED);
    }
  }

  // After a run: whether to go on watching.
  function keepWatchingAfter(result) {
    clearTimeout(stopWatchingTimer);
    if (result.reason === 'auto-run-off') {
      stopWatching();
      return;
    }
    if (result.reason === 'not-a-policy') {
      rechecks += 1;
      if (rechecks > UNCONFIRMED_RECHECKS) {
        stopWatching();
        return;
      }
      stopWatchingTimer = setTimeout(stopWatching, UNCONFIRMED_WATCH_MS);
    }
  }

  // Runs asked for that have not begun (each waits for the one before).
  let runsWaiting = 0;

  function analyzePage(trigger) {
    clearTimeout(lateTimer);
    lastTrigger = trigger;
    runsWaiting += 1;
    lastRun = lastRun.then(() => {
      runsWaiting -= 1;
      // An automatic run queued behind one the background skipped because
      // automatic runs are off does not send the page again.
      const autoRunsOff = status.reason === 'auto-run-off';
      return trigger === Trigger.AUTO && autoRunsOff ? status : runAnalysis(trigger);
    }).then((result) => {
      keepWatchingAfter(result);
      return result;
    });
    return lastRun;
  }

  // A run the person asked for (the popup's button): the page is followed
  // again, however many late runs came before.
  function analyzeAtUsersRequest() {
    lateRunTimes = [];
    return analyzePage(Trigger.USER);
  }

  // A declarative injection: known policy URLs run at once; other URLs run
  // once, behind the policy check. A known-URL injection arriving after a
  // URL-pattern one (both entries can match one page) still runs, unchecked.
  function startAutomatically() {
    const known = fineprint.knownPolicyPage === true;
    if (policyConfirmed || (autoStarted && !known)) return;
    autoStarted = true;
    if (known) policyConfirmed = true;
    analyzePage(Trigger.AUTO);
  }

  fineprint.onInjected = () => {
    if (fineprint.requestedBy === Trigger.USER) {
      fineprint.requestedBy = null;
      analyzeAtUsersRequest();
    } else {
      startAutomatically();
    }
  };

  api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    let reply;
    if (message?.type === Message.GET_PAGE_STATUS) {
      reply = message.waitForRun ? lastRun : Promise.resolve(status);
    } else if (message?.type === Message.ANALYZE_PAGE) {
      // Only the popup's button asks (through the background).
      reply = analyzeAtUsersRequest();
    } else {
      return false;
    }
    reply.then(sendResponse);
    return true; // Chrome: the reply is sent asynchronously.
  });

  fineprint.onInjected();
})();
