// What both browsers' end-to-end tests read from a page and from the
// content script's status, written once.

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
