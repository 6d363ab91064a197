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

  function isHidden(element) {
    if (element.hidden) return true;
    if (typeof element.checkVisibility === 'function') {
      return !element.checkVisibility({ visibilityProperty: true });
    }
    const style = getComputedStyle(element);
    return style.display === 'none' || style.visibility === 'hidden';
  }

  function isSkipped(element) {
    const tag = element.tagName.toUpperCase(); // SVG children report lower case.
    if (SKIPPED_TAGS.has(tag)) return true;
    if ((tag === 'HEADER' || tag === 'FOOTER') && isPageLandmark(element)) return true;
    const role = element.getAttribute('role');
    if (role && SKIPPED_ROLES.has(role)) return true;
    // Our own UI (cards, later) is not page text; our marks are.
    if (tag.startsWith('FINEPRINT-') && tag !== 'FINEPRINT-MARK') return true;
    return isHidden(element);
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
    if (tag === 'TD' || tag === 'TH') return { kind: 'table_cell', level: 0 };
    const level = /^H([1-6])$/.exec(tag)?.[1] ?? kindElement.getAttribute('aria-level');
    return { kind: 'heading', level: Math.min(Math.max(Number.parseInt(level, 10) || 2, 1), 6) };
  }

  // A block under construction. `pieces` map stretches of `text` to text
  // nodes: {node, start} where start is the offset in the block's text of the
  // node's first code unit (the node supplies node.data.length units). Text
  // added with addBreak (a <br>, or a nested block interrupting this one)
  // comes from no node and is never painted.
  class BlockBuilder {
    constructor(element) {
      this.element = element;
      this.text = '';
      this.pieces = [];
    }

    addTextNode(node) {
      this.pieces.push({ node, start: this.text.length });
      this.text += node.data;
    }

    addBreak() {
      if (this.text !== '' && !this.text.endsWith('\n')) this.text += '\n';
    }
  }

  // Returns {title, blocks}; each block is {kind, level, text, pieces} (send
  // only kind, level and text to the core). Blocks of white space only are
  // left out.
  fineprint.extractBlocks = (doc = document) => {
    const root = doc.body;
    if (!root) return { title: doc.title, blocks: [] };

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
    const nearestBlock = (node) => {
      let element = node.parentElement;
      while (element !== root && !BLOCK_TAGS.has(element.tagName)) element = element.parentElement;
      return element;
    };

    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.nodeType === Node.ELEMENT_NODE && isSkipped(node)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        // A line break separates words that no space separates in the text.
        if (node.tagName === 'BR') builderFor(nearestBlock(node)).addBreak();
        continue;
      }
      if (node.data === '') continue;
      const builder = builderFor(nearestBlock(node));
      // Text resuming after a nested block (an <li> with a sub-list, then more
      // text) must not glue onto the text before that block.
      if (lastBuilder && builder !== lastBuilder && builder.text !== '') builder.addBreak();
      builder.addTextNode(node);
      lastBuilder = builder;
    }

    const blocks = [];
    for (const builder of order) {
      if (builder.text.trim() === '') continue;
      blocks.push({ ...describeBlock(builder.element), text: builder.text, pieces: builder.pieces });
    }
    return { title: doc.title, blocks };
  };
})();
