// Paints the core's labelled clauses onto the page, and removes them again.
//
// A clause is a range of UTF-16 offsets into the extracted blocks' texts. It
// may run through links and other inline elements, so it is painted as one
// <fineprint-mark> per text node it touches (all sharing its clause number):
// each text node is split at the clause's ends and the middle part is moved,
// as a node, into a mark. Page text is never re-parsed or re-inserted, and
// no element of the page is moved or re-parented.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.paintHighlights) return; // Injected before: keep the first copy.

  const MARK_TAG = 'fineprint-mark';
  // The family a mark is coloured by, most important first (see taxonomy.md).
  const FAMILIES = ['ai_training', 'choice', 'retention'];
  const OTHER_FAMILY = 'other';

  // Text nodes that splitText created while painting, in creation order, so
  // clearing can merge them back into the nodes they were cut from.
  let splitOffNodes = [];

  function familyOf(labelIds) {
    const families = new Set(labelIds.map((id) => id.split('.')[0]));
    return FAMILIES.find((family) => families.has(family)) ?? OTHER_FAMILY;
  }

  // A clause's colour: its most severe label's severity.
  const SEVERITIES = ['alert', 'caution', 'info', 'good'];
  fineprint.clauseSeverity = (labels) => {
    const seen = new Set(labels.map((label) => label.severity));
    return SEVERITIES.find((severity) => seen.has(severity)) ?? 'info';
  };

  // clause number -> clause, for the cards (card.js).
  fineprint.paintedClauses = new Map();

  function createMark(clause, clauseNumber) {
    const ids = [...new Set(clause.labels.map((label) => label.id))];
    const mark = document.createElement(MARK_TAG);
    mark.className =
      `fineprint-mark fineprint-family-${familyOf(ids)} fineprint-severity-${fineprint.clauseSeverity(clause.labels)}`;
    mark.dataset.fineprintLabels = ids.join(' ');
    mark.dataset.fineprintClause = String(clauseNumber);
    mark.title = [...new Set(clause.labels.map((label) => label.name))].join('\n');
    return mark;
  }

  // Offset in the joined source where each block's text starts.
  function blockStarts(blocks) {
    const starts = [];
    let offset = 0;
    for (const block of blocks) {
      starts.push(offset);
      offset += block.text.length + 1; // + the "\n" joining blocks
    }
    return starts;
  }

  const isSpace = (char) => /\s/.test(char);

  // The pieces of text nodes that [start, end) of `block` covers, as
  // {node, from, to} offsets into node.data; ends that are white space are
  // left unpainted. Nodes changed since extraction are skipped.
  function nodeRanges(block, start, end) {
    while (start < end && isSpace(block.text[start])) start += 1;
    while (end > start && isSpace(block.text[end - 1])) end -= 1;
    const ranges = [];
    for (const { node, start: pieceStart } of block.pieces) {
      const pieceEnd = pieceStart + node.data.length;
      if (pieceEnd <= start) continue;
      if (pieceStart >= end) break;
      if (!node.isConnected || block.text.slice(pieceStart, pieceEnd) !== node.data) continue;
      const from = Math.max(start, pieceStart) - pieceStart;
      const to = Math.min(end, pieceEnd) - pieceStart;
      // A mark around white space alone would change nothing visible, but an
      // element there can change layout (a flex item, a table's anonymous box).
      if (node.data.slice(from, to).trim() !== '') ranges.push({ node, from, to });
    }
    return ranges;
  }

  // blocks: from extractBlocks; clauses: [{start, end, block, labels}] with
  // offsets into the blocks' texts joined with "\n". Returns the number of
  // clauses painted. Call clearHighlights first: painting twice double-wraps.
  fineprint.paintHighlights = (blocks, clauses) => {
    const starts = blockStarts(blocks);
    // Split points per text node, painted right to left so that splitting a
    // node never moves the offsets still to be painted in it.
    const rangesByNode = new Map();
    let paintedClauses = 0;
    let paintedUpTo = 0;
    const sorted = [...clauses].sort((a, b) => a.start - b.start);
    sorted.forEach((clause, clauseNumber) => {
      if (!(clause.labels?.length > 0) || clause.start < paintedUpTo) return; // overlapping: skip
      paintedUpTo = clause.end;
      let painted = false;
      // A clause normally lies in one block; walk all it overlaps regardless.
      for (let index = 0; index < blocks.length; index += 1) {
        const blockStart = starts[index];
        const blockEnd = blockStart + blocks[index].text.length;
        if (blockEnd <= clause.start || blockStart >= clause.end) continue;
        const from = Math.max(clause.start, blockStart) - blockStart;
        const to = Math.min(clause.end, blockEnd) - blockStart;
        for (const range of nodeRanges(blocks[index], from, to)) {
          if (!rangesByNode.has(range.node)) rangesByNode.set(range.node, []);
          rangesByNode.get(range.node).push({ ...range, clause, clauseNumber });
          painted = true;
        }
      }
      if (painted) paintedClauses += 1;
    });

    const firstMarks = new Map(); // clause number -> [document position node, mark]
    for (const [node, ranges] of rangesByNode) {
      ranges.sort((a, b) => b.from - a.from);
      for (const { from, to, clause, clauseNumber } of ranges) {
        let middle = node;
        if (from > 0) {
          middle = node.splitText(from);
          splitOffNodes.push(middle);
        }
        if (to - from < middle.data.length) splitOffNodes.push(middle.splitText(to - from));
        const mark = createMark(clause, clauseNumber);
        middle.replaceWith(mark);
        mark.append(middle);
        const first = firstMarks.get(clauseNumber);
        if (!first || first.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_PRECEDING) {
          firstMarks.set(clauseNumber, mark);
        }
        fineprint.paintedClauses.set(clauseNumber, clause);
      }
    }
    // The first mark of each clause is its keyboard stop (a small marker
    // before it): Tab reaches it, focus or Enter opens its card.
    for (const [, mark] of firstMarks) {
      const clause = fineprint.paintedClauses.get(Number(mark.dataset.fineprintClause));
      const names = [...new Set(clause.labels.map((label) => label.name))].join('; ');
      mark.tabIndex = 0;
      mark.setAttribute('role', 'button');
      mark.setAttribute('aria-label', fineprint.t('markerLabel', names));
      mark.classList.add('fineprint-marker');
    }
    return paintedClauses;
  };

  // Removes every mark (this run's or an earlier injection's) and merges the
  // text nodes painting split, leaving the page's text nodes as they were.
  fineprint.clearHighlights = (doc = document) => {
    fineprint.closeCard?.();
    fineprint.paintedClauses.clear();
    for (const mark of doc.querySelectorAll(MARK_TAG)) mark.replaceWith(...mark.childNodes);
    for (const node of splitOffNodes.reverse()) {
      const previous = node.previousSibling;
      if (node.isConnected && previous?.nodeType === Node.TEXT_NODE) {
        previous.appendData(node.data);
        node.remove();
      }
    }
    splitOffNodes = [];
  };

  fineprint.countHighlights = (doc = document) => doc.querySelectorAll(MARK_TAG).length;
})();
