// Turns the page's DOM into the blocks the core analyses: headings,
// paragraphs, list items and table cells, in document order.
//
// Each block's text is the raw data of its text nodes, concatenated exactly as
// the page holds it (the core folds white space itself and maps offsets back),
// and the block remembers which text node supplied which stretch of that text,
// so clause offsets can be mapped back onto the DOM for painting.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.extractBlocks) return; // Injected before: keep the first copy.

  // Subtrees that are never policy text. header/footer count only as the
  // page's banner/footer (see isPageLandmark); inside an article or section
  // they hold that part's own title or notes.
  const SKIPPED_TAGS = new Set([
    'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'NAV', 'ASIDE', 'SVG', 'MATH',
    'IFRAME', 'OBJECT', 'EMBED', 'CANVAS', 'VIDEO', 'AUDIO', 'BUTTON',
    'SELECT', 'TEXTAREA', 'INPUT', 'DIALOG',
  ]);
  const SKIPPED_ROLES = new Set([
    'navigation', 'banner', 'contentinfo', 'search', 'menu', 'menubar', 'toolbar',
  ]);
  const { TEXT_NODE, ELEMENT_NODE } = Node;
  const SECTIONING_TAGS = new Set(['ARTICLE', 'ASIDE', 'MAIN', 'NAV', 'SECTION']);

  // Elements that start a new block of text. A text node belongs to its
  // nearest ancestor among these; inline elements (a, strong, span, our own
  // marks, ...) stay inside their block, so a clause can run through them.
  const BLOCK_TAGS = new Set([
    'ADDRESS', 'ARTICLE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'CENTER', 'DD', 'DETAILS',
    'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FORM', 'H1', 'H2', 'H3',
    'H4', 'H5', 'H6', 'HGROUP', 'HR', 'LEGEND', 'LI', 'MAIN', 'OL', 'P', 'PRE',
    'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
  ]);
  // What decides a block's kind: its nearest ancestor (or itself) of these.
  const KIND_SELECTOR = 'h1, h2, h3, h4, h5, h6, [role="heading"], li, td, th';
  const LIST_SELECTOR = 'ul, ol, [role="list"]';

  // The page's own header/footer (ARIA banner/contentinfo): not nested in a
  // sectioning element. Checked only for HEADER and FOOTER elements.
  function isPageLandmark(element) {
    for (let ancestor = element.parentElement; ancestor; ancestor = ancestor.parentElement) {
      if (SECTIONING_TAGS.has(ancestor.tagName)) return false;
    }
    return true;
  }

  const canCheckVisibility = typeof Element.prototype.checkVisibility === 'function';
  function isHidden(element) {
    // checkVisibility sees display: none, which the hidden attribute sets too.
    if (canCheckVisibility) return !element.checkVisibility({ visibilityProperty: true });
    if (element.hidden) return true;
    const style = getComputedStyle(element);
    return style.display === 'none' || style.visibility === 'hidden';
  }

  // tag: element.tagName in upper case.
  function isSkipped(element, tag) {
    if (SKIPPED_TAGS.has(tag)) return true;
    if ((tag === 'HEADER' || tag === 'FOOTER') && isPageLandmark(element)) return true;
    const role = element.getAttribute('role');
    if (role && SKIPPED_ROLES.has(role)) return true;
    // Our own UI (cards, later) is not page text; our marks are.
    if (tag.startsWith('FINEPRINT-') && tag !== 'FINEPRINT-MARK') return true;
    return isHidden(element);
  }

  // Per table, numbered in the order first met (a block's "table"): where
  // each of its cells sits.
  let tableGrids = new WeakMap();
  let tablesSeen = 0;
  const MAX_COLUMNS = 1000; // kMaxTableColumns, core/reader_util.h
  const MAX_ROWSPAN_COLUMNS = 64; // kMaxRowspanColumns, core/read_html.cc

  // Lays out `table` as the core's HTML reader does: a cell's column counts
  // the columns the cells before it in its row span and those that cells of
  // rows above still cover (rowspan), over the table's own rows in document
  // order; a header is a cell of <thead>, or a <th> of the first row, that
  // spans one column.
  function layOutTable(table) {
    const cells = new Map();
    const rows = [...table.querySelectorAll('tr')].filter((row) => row.closest('table') === table);
    const coveredTo = []; // column - 1 -> the last row (1-based) a cell above spans into
    rows.forEach((row, index) => {
      const rowNumber = index + 1;
      let next = 1;
      for (const cell of row.children) {
        if (cell.tagName !== 'TD' && cell.tagName !== 'TH') continue;
        let column = next;
        while (column <= coveredTo.length && coveredTo[column - 1] >= rowNumber) column += 1;
        column = Math.min(column, MAX_COLUMNS + 1);
        const colSpan = Math.max(cell.colSpan || 1, 1);
        const rowSpan = Math.max(cell.rowSpan || 1, 1);
        const last = Math.min(column + colSpan - 1, MAX_ROWSPAN_COLUMNS);
        for (let c = column; rowSpan > 1 && c <= last; c += 1) {
          while (coveredTo.length < c) coveredTo.push(0);
          coveredTo[c - 1] = Math.max(coveredTo[c - 1], rowNumber + rowSpan - 1);
        }
        next = Math.min(column + colSpan, MAX_COLUMNS + 1);
        const header = colSpan === 1 && (row.parentElement?.tagName === 'THEAD' || (cell.tagName === 'TH' && index === 0));
        cells.set(cell, { column, header });
      }
    });
    return { number: ++tablesSeen, cells };
  }

  // A table cell's table number, column (Block::level; 0 outside a row) and
  // whether it is one of the table's column headers.
  function describeCell(cell) {
    const table = cell.closest('table');
    if (!table || cell.parentElement?.tagName !== 'TR') return { kind: 'table_cell', level: 0 };
    let grid = tableGrids.get(table);
    if (!grid) {
      grid = layOutTable(table);
      tableGrids.set(table, grid);
    }
    const place = grid.cells.get(cell);
    if (!place) return { kind: 'table_cell', level: 0 };
    return { kind: 'table_cell', level: place.column, table: grid.number, table_header: place.header };
  }

  function describeBlock(element) {
    const kindElement = element.closest(KIND_SELECTOR);
    if (!kindElement) return { kind: 'paragraph', level: 0 };
    const tag = kindElement.tagName;
    if (tag === 'LI') {
      let depth = 0;
      for (let list = kindElement.closest(LIST_SELECTOR); list; list = list.parentElement?.closest(LIST_SELECTOR)) {
        depth += 1;
      }
      return { kind: 'list_item', level: Math.max(depth, 1) };
    }
    // The engine reads a body cell as being about its column's header.
    if (tag === 'TD' || tag === 'TH') return describeCell(kindElement);
    const level = /^H([1-6])$/.exec(tag)?.[1] ?? kindElement.getAttribute('aria-level');
    return { kind: 'heading', level: Math.min(Math.max(Number.parseInt(level, 10) || 2, 1), 6) };
  }

  // A block under construction. `pieces` map stretches of `text` to text
  // nodes: {node, start} where start is the offset in the block's text of the
  // node's first code unit (the node supplies node.data.length units). Text
  // added with addBreak (a <br>, or a nested block interrupting this one)
  // comes from no node and is never painted. `links` are the block's
  // hyperlinks to other pages, {start, end, href} over `text` (the core
  // reads a settings link as where to opt out). `linkText` and `otherText` say
  // whether any visible text lies inside an in-page link, and outside one
  // (list numbering aside): a block with only the first is a
  // table-of-contents entry.
  class BlockBuilder {
    constructor(element) {
      this.element = element;
      this.text = '';
      this.pieces = [];
      this.linkText = false;
      this.otherText = false;
      this.links = [];
    }

    addTextNode(node, data, inPageLink) {
      this.pieces.push({ node, start: this.text.length });
      this.text += data;
      if (inPageLink) this.linkText ||= !isBlank(data);
      else this.otherText ||= !isNumbering(data);
    }

    addBreak() {
      if (this.text !== '' && !this.text.endsWith('\n')) this.text += '\n';
    }
  }

  // The decisions below that need no DOM are exposed on `fineprint` too, so
  // that tests can run them under Node with plain objects.
  const isBlank = (text) => text.trim() === '';
  // Text outside the links of a contents entry: white space, "1.", "(a)", "·".
  const NUMBERING = /^[\s\d.():\-–—•·|]*[a-z]?[\s.):]*$/i;
  const isNumbering = (text) => NUMBERING.test(text);
  fineprint.isNumbering = isNumbering;

  // Whether `resolved` is this page (pageUrl), whatever its query or
  // fragment; false for an address that does not parse.
  function isSamePage(resolved, pageUrl) {
    try {
      const target = new URL(resolved);
      const page = new URL(pageUrl);
      return target.origin === page.origin && target.pathname === page.pathname;
    } catch {
      return false;
    }
  }

  // Whether a link points into the page itself: "#section", or this page's
  // URL (any query) with a fragment. attribute: the link's href attribute as
  // written; resolved: its href property (resolved against the document's
  // base URL); pageUrl: location.href.
  function isInPageHref(attribute, resolved, pageUrl) {
    if (attribute.startsWith('#')) return attribute.length > 1;
    return /#./.test(resolved) && isSamePage(resolved, pageUrl);
  }
  fineprint.isInPageHref = isInPageHref;

  // Most links have no fragment: link.hash (no URL parsing) settles those.
  function isInPageLink(link) {
    const attribute = link.getAttribute('href');
    return (attribute.startsWith('#') || link.hash !== '') && isInPageHref(attribute, link.href, location.href);
  }

  // A list is a table of contents when most of its items (and at least two)
  // are in-page links alone; all its items are navigation then, including
  // the odd one that is not a link (a group title). A block outside such a
  // list is navigation when its text is in-page links alone (a "Back to top"
  // or a contents line of links between paragraphs); a heading never is.
  //
  // blocks: [{kind, linkText, otherText}] (see BlockBuilder); listOf(block):
  // the list a list item belongs to (any value that is the same for items of
  // one list), or null. Sets each block's `navigation`.
  const NAVIGATION_LIST_SHARE = 0.75;
  function markNavigation(blocks, listOf) {
    const itemsByList = new Map();
    for (const block of blocks) {
      block.navigation = false;
      if (block.kind === 'heading') continue;
      const entry = block.linkText && !block.otherText;
      if (entry) block.navigation = true;
      if (block.kind !== 'list_item') continue;
      const list = listOf(block);
      if (list === null || list === undefined) continue;
      if (!itemsByList.has(list)) itemsByList.set(list, []);
      itemsByList.get(list).push({ block, entry });
    }
    for (const items of itemsByList.values()) {
      const entries = items.filter((item) => item.entry).length;
      if (entries >= 2 && entries >= NAVIGATION_LIST_SHARE * items.length) {
        for (const { block } of items) block.navigation = true;
      }
    }
  }

  // Returns {title, blocks}; each block is {kind, level, text, pieces,
  // element, navigation, links, and table and table_header for table cells}
  // (blocksForCore picks what the core reads). Blocks of white space only
  // are left out. navigation is true for a table-of-contents entry (its text
  // is in-page links only, or it is an item of a list of such entries): the
  // core gives those no labels. Site navigation (<nav>, role=navigation) is
  // not read at all.
  fineprint.markNavigation = markNavigation;

  // What the core reads of extracted blocks (the request's "blocks"):
  // kind, level and text, and navigation, a cell's table and links only
  // where set.
  fineprint.blocksForCore = (blocks) =>
    blocks.map(({ kind, level, text, navigation, table, table_header: tableHeader, links }) => ({
      kind,
      level,
      text,
      ...(navigation ? { navigation } : {}),
      ...(table ? { table, table_header: tableHeader } : {}),
      ...(links?.length ? { links } : {}),
    }));

  // Links worth telling the core about: to another web page or an e-mail
  // address. href: the link's resolved address; pageUrl: location.href. A
  // link to this page itself, whatever its query or fragment ("#" on a
  // consent-settings button, "?tab=2"), is not a place to go.
  const LINK_SCHEME = /^(?:https?|mailto):/i;
  fineprint.isOutgoingHref = (href, pageUrl) =>
    LINK_SCHEME.test(href) && URL.canParse(href) && !isSamePage(href, pageUrl);

  fineprint.extractBlocks = (doc = document) => {
    const root = doc.body;
    if (!root) return { title: doc.title, blocks: [] };
    tableGrids = new WeakMap();
    tablesSeen = 0;

    const blockOf = new Map(); // block element -> BlockBuilder
    const order = []; // BlockBuilders by first text
    let lastBuilder = null;

    const builderFor = (element) => {
      let builder = blockOf.get(element);
      if (!builder) {
        builder = new BlockBuilder(element);
        blockOf.set(element, builder);
        order.push(builder);
      }
      return builder;
    };
    // One pass over the DOM, depth first, carrying down each node's block
    // element and whether it is inside an in-page link: a few DOM reads per
    // node (they are slow through Firefox's content-script wrappers) and no
    // walks back up the tree.
    const visit = (parent, blockElement, inPageLink) => {
      for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
        const type = node.nodeType;
        if (type === TEXT_NODE) {
          const data = node.data;
          if (data === '') continue;
          const builder = builderFor(blockElement);
          // Text resuming after a nested block (an <li> with a sub-list, then
          // more text) must not glue onto the text before that block.
          if (lastBuilder && builder !== lastBuilder && builder.text !== '') builder.addBreak();
          builder.addTextNode(node, data, inPageLink);
          lastBuilder = builder;
        } else if (type === ELEMENT_NODE) {
          const tag = node.tagName.toUpperCase(); // SVG children report lower case.
          // A line break separates words that no space separates in the text.
          if (tag === 'BR') builderFor(blockElement).addBreak();
          else if (!isSkipped(node, tag)) {
            const isLink = tag === 'A' && node.hasAttribute('href');
            const inPage = isLink ? isInPageLink(node) : inPageLink;
            // A link to another page: where its text starts and ends in its
            // block's text. The block's builder is looked up, not made: a
            // builder joins `order` when made, and a link with no text of its
            // own (a logo) must not move its block ahead of nested ones.
            const outgoing = isLink && !inPage && fineprint.isOutgoingHref(node.href, location.href);
            const start = outgoing ? (blockOf.get(blockElement)?.text.length ?? 0) : 0;
            visit(node, BLOCK_TAGS.has(tag) ? node : blockElement, inPage);
            const linkBuilder = outgoing ? blockOf.get(blockElement) : undefined;
            if (linkBuilder && linkBuilder.text.length > start) {
              linkBuilder.links.push({ start, end: linkBuilder.text.length, href: node.href });
            }
          }
        }
      }
    };
    visit(root, root, false);

    const blocks = [];
    for (const builder of order) {
      if (isBlank(builder.text)) continue;
      blocks.push({
        ...describeBlock(builder.element),
        text: builder.text,
        pieces: builder.pieces,
        element: builder.element,
        linkText: builder.linkText,
        otherText: builder.otherText,
        links: builder.links,
      });
    }
    markNavigation(blocks, (block) => block.element.closest(LIST_SELECTOR));
    return { title: doc.title, blocks };
  };
})();
