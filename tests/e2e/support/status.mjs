// What both browsers' end-to-end tests read from a page and from the
// content script's status, written once.

// In a page (self-contained): how many marks sit inside another mark (a
// clause painted twice); 0 always.
export function nestedMarkCountInPage() {
  return document.querySelectorAll('fineprint-mark fineprint-mark').length;
}

// In a page (self-contained, as below): when the late page's text came
// (pages.mjs latePolicyPage), when each of the content script's runs began,
// and when each painted.
export function lateRunTimelineInPage() {
  return {
    insertedAt: Number(document.documentElement.dataset.insertedAt),
    starts: performance.getEntriesByName('fineprint:content-start').map((entry) => entry.startTime),
    paintedAt: performance.getEntriesByName('fineprint:start-to-painted').map((entry) => entry.startTime + entry.duration),
  };
}

// Why a late page's timeline (lateRunTimelineInPage) is not one where the
// text came while the first run's request was with the background (between
// that run's start and its paint) and exactly one more run read it; null
// when it is.
export function problemWithTextDuringFirstRun(timeline) {
  const { insertedAt, starts, paintedAt } = timeline;
  if (!(starts[0] < insertedAt && insertedAt < paintedAt[0])) return `the text did not come during the first run: ${JSON.stringify(timeline)}`;
  if (starts.length !== 2 || !(starts[1] > insertedAt)) return `not exactly one run after the text: ${JSON.stringify(timeline)}`;
  return null;
}

// Whether the content script's run on a page load has finished.
export const isSettled = (status) => ['done', 'error', 'skipped'].includes(status?.phase);

// In a page (self-contained: Playwright and the Firefox BiDi helper both
// send its source): the mark holding `phrase` in <main> (the phrase must sit
// in one mark), with the text and count of every mark of the same clause.
export function findMarkedPhraseInPage(phrase) {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.includes(phrase)) continue;
    const mark = node.parentElement.closest('fineprint-mark');
    if (!mark) return { marked: false, context: node.parentElement.outerHTML.slice(0, 300) };
    const clauseMarks = document.querySelectorAll(`fineprint-mark[data-fineprint-clause="${mark.dataset.fineprintClause}"]`);
    return {
      marked: true,
      labels: mark.dataset.fineprintLabels.split(' '),
      className: mark.className,
      clauseText: [...clauseMarks].map((each) => each.textContent).join(''),
      clauseMarks: clauseMarks.length,
    };
  }
  return { marked: false, context: 'phrase not found in any single text node' };
}

// In a page (self-contained, as above): the highlights as the tests inspect
// them; `labels` is empty for a mark without data-fineprint-labels.
export function readHighlightsInPage() {
  return [...document.querySelectorAll('fineprint-mark')].map((mark) => ({
    text: mark.textContent,
    labels: mark.dataset.fineprintLabels?.split(' ') ?? [],
    clause: mark.dataset.fineprintClause,
    className: mark.className,
    insideOf: mark.parentElement.closest('[id]')?.id ?? null,
  }));
}

// In a page (self-contained, as above): the duration of the last
// content-script start to highlights-painted performance.measure it holds,
// or null when it holds none.
export function lastStartToPaintedInPage() {
  return performance.getEntriesByName('fineprint:start-to-painted').at(-1)?.duration ?? null;
}

// The speed figure a test prints for one run (the README's browser figures
// are read from these lines): content-script start to last highlight
// painted, split into its parts, and `measured`, the page's own
// performance.measure of the same span, when given (not null).
export function describeTiming(status, measured) {
  const seenByPage = measured == null ? '' : `performance.measure seen by the page: ${measured.toFixed(1)} ms; `;
  const engine =
    (status.engineStartupMs == null ? 'engine already warm' : `a new engine, created in ${status.engineStartupMs} ms`) +
    (typeof status.engineWaitMs === 'number' && status.engineStartupMs != null
      ? ` (its creation started ${status.engineHeadStartMs} ms before the request was handled, which waited ${status.engineWaitMs} ms for it)`
      : '') +
    (typeof status.handlerDelayMs === 'number' ? `; the request reached the background's handler ${status.handlerDelayMs} ms after it was sent` : '');
  const parts = ['extractMs', 'roundTripMs', 'paintMs'].filter((key) => typeof status[key] === 'number');
  const split = parts.map((key) => `${key.replace(/Ms$/, '')} ${status[key]} ms`).join(', ');
  return (
    `content-script start to last highlight painted ${status.startToPaintedMs} ms ` +
    `(${seenByPage}${split ? `${split}; ` : ''}${engine}; analysis in the engine ${status.analysisMs} ms)`
  );
}
