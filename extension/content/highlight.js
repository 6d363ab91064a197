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

  // The most severe of `severities` ('info' for none); a clause's colour is
  // its most severe label's.
  const SEVERITIES = ['alert', 'caution', 'info', 'good'];
  fineprint.worstSeverity = (severities) => SEVERITIES.find((severity) => severities.includes(severity)) ?? 'info';
  fineprint.clauseSeverity = (labels) => fineprint.worstSeverity(labels.map((label) => label.severity));

  // clause number -> clause, for the cards (card.js).
  fineprint.paintedClauses = new Map();
  // clause number -> its first mark, for the summary panel (panel.js).
  const markers = new Map();

  // The first mark of a clause; its other marks are shallow clones of it
  // (one DOM call instead of one per attribute).
  function createMark(clause, clauseNumber) {
    const ids = [...new Set(clause.labels.map((label) => label.id))];
    const mark = document.createElement(MARK_TAG);
    mark.setAttribute('class',
      `fineprint-mark fineprint-family-${familyOf(ids)} fineprint-severity-${fineprint.clauseSeverity(clause.labels)}`);
    mark.setAttribute('data-fineprint-labels', ids.join(' '));
    mark.setAttribute('data-fineprint-clause', String(clauseNumber));
    mark.setAttribute('title', [...new Set(clause.labels.map((label) => label.name))].join('\n'));
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
    for (let index = 0; index < block.pieces.length; index += 1) {
      const { node, start: pieceStart } = block.pieces[index];
      // Where the next piece starts is where this one ended at extraction
      // (or the block's end): no DOM read for pieces the clause misses.
      const pieceEnd = block.pieces[index + 1]?.start ?? block.text.length;
      if (pieceEnd <= start) continue;
      if (pieceStart >= end) break;
      const extracted = block.text.slice(pieceStart, pieceEnd);
      const data = node.data;
      if (data !== extracted.slice(0, data.length) || !node.isConnected) continue;
      const from = Math.max(start, pieceStart) - pieceStart;
      const to = Math.min(end, pieceStart + data.length) - pieceStart;
      // A mark around white space alone would change nothing visible, but an
      // element there can change layout (a flex item, a table's anonymous box).
      if (to > from && data.slice(from, to).trim() !== '') ranges.push({ node, from, to, length: data.length });
    }
    return ranges;
  }

  // The index of the last block starting at or before `offset`.
  function blockAt(starts, offset) {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  // blocks: from extractBlocks; clauses: [{start, end, block, labels}] with
  // offsets into the blocks' texts joined with "\n". A clause's number (its
  // marks' data-fineprint-clause) is its index in `clauses`. Returns the
  // numbers of the clauses painted, in page order. Call clearHighlights
  // first: painting twice double-wraps.
  fineprint.paintHighlights = (blocks, clauses) => {
    const starts = blockStarts(blocks);
    // Split points per text node, painted right to left so that splitting a
    // node never moves the offsets still to be painted in it.
    const rangesByNode = new Map();
    const paintedNumbers = [];
    let paintedUpTo = 0;
    const numbers = clauses.map((_, index) => index).sort((a, b) => clauses[a].start - clauses[b].start);
    for (const clauseNumber of numbers) {
      const clause = clauses[clauseNumber];
      if (!(clause.labels?.length > 0) || clause.start < paintedUpTo || blocks.length === 0) continue; // overlapping: skip
      paintedUpTo = clause.end;
      let painted = false;
      // A clause normally lies in one block; walk all it overlaps regardless.
      for (let index = blockAt(starts, clause.start); index < blocks.length && starts[index] < clause.end; index += 1) {
        const blockStart = starts[index];
        const blockEnd = blockStart + blocks[index].text.length;
        if (blockEnd <= clause.start) continue;
        const from = Math.max(clause.start, blockStart) - blockStart;
        const to = Math.min(clause.end, blockEnd) - blockStart;
        for (const range of nodeRanges(blocks[index], from, to)) {
          if (!rangesByNode.has(range.node)) rangesByNode.set(range.node, []);
          rangesByNode.get(range.node).push({ ...range, clause, clauseNumber });
          painted = true;
        }
      }
      if (painted) paintedNumbers.push(clauseNumber);
    }

    // Wrapping: the DOM writes, and no reads of layout or style in between.
    // A clause's first range (pieces are visited in document order) gets
    // its first mark, cloned for the rest; the first mark is the clause's
    // keyboard stop (a small marker before it): Tab reaches it, focus or
    // Enter opens its card.
    const templates = new Map(); // clause number -> its first mark
    for (const [node, ranges] of rangesByNode) {
      ranges.sort((a, b) => b.from - a.from);
      let length = ranges[0].length; // of `node`, which each split shortens
      for (const { from, to, clause, clauseNumber } of ranges) {
        let middle = node;
        if (from > 0) {
          middle = node.splitText(from);
          splitOffNodes.push(middle);
        }
        if (to < length) splitOffNodes.push(middle.splitText(to - from));
        length = from;
        let mark = templates.get(clauseNumber)?.cloneNode(false);
        if (!mark) {
          mark = createMark(clause, clauseNumber);
          templates.set(clauseNumber, mark);
          fineprint.paintedClauses.set(clauseNumber, clause);
        }
        middle.parentNode.insertBefore(mark, middle);
        mark.appendChild(middle);
      }
    }
    for (const [clauseNumber, mark] of templates) {
      markers.set(clauseNumber, mark);
      const { labels } = fineprint.paintedClauses.get(clauseNumber);
      const names = [...new Set(labels.map((label) => label.name))].join('; ');
      mark.setAttribute('tabindex', '0');
      mark.setAttribute('role', 'button');
      mark.setAttribute('aria-label', fineprint.t('markerLabel', names));
      mark.setAttribute('class', `${mark.getAttribute('class')} fineprint-marker`);
    }
    return paintedNumbers;
  };

  // The keyboard stop (first mark) of a painted clause, or null.
  fineprint.markerOf = (clauseNumber) => markers.get(clauseNumber) ?? null;

  // Removes every mark (this run's or an earlier injection's) and merges the
  // text nodes painting split, leaving the page's text nodes as they were.
  fineprint.clearHighlights = (doc = document) => {
    fineprint.closeCard?.();
    fineprint.paintedClauses.clear();
    markers.clear();
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
