// The card that explains a highlight: hovering, focusing or clicking a mark
// opens it with the clause's notes, its labels in words, the details the core
// extracted (how long data is kept, where to opt out) and how other
// platforms handle the same thing.
//
// The card lives in a shadow root on a <fineprint-card> host, with its own
// stylesheet, so the page's CSS cannot restyle it (the host's own box is set
// with inline !important declarations, which page rules cannot beat). Every
// piece of text is set with textContent; a link is made only for an http(s)
// URL, with createElement and href. Nothing here parses HTML.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.cardInstalled) return; // Injected before: keep the first copy.
  fineprint.cardInstalled = true;

  const MARK_TAG = 'FINEPRINT-MARK';
  const { t, el, severityWords } = fineprint;
  const SLOT_WORDS = {
    duration: t('slotDuration'),
    opt_out_where: t('slotOptOutWhere'),
    recipients: t('slotRecipients'),
  };
  const HIDDEN_SLOTS = new Set(['duration_days']);
  const MAX_EXAMPLES_PER_LABEL = 3;
  const OPEN_DELAY_MS = 150;
  const CLOSE_DELAY_MS = 300;

  // Colours: only the palette's (palette.js), by name.
  const CARD_CSS = `${fineprint.paletteCss}
    :host { all: initial; }
    .card {
      box-sizing: border-box;
      width: min(24rem, calc(100vw - 16px));
      max-height: min(28rem, calc(100vh - 16px));
      overflow: auto;
      padding: 0.75rem 0.9rem;
      border-radius: 0.5rem;
      border-top: 0.35rem solid var(--severity-info);
      background: var(--surface);
      color: var(--text);
      box-shadow: 0 6px 24px var(--shadow), 0 0 0 1px var(--ring);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
      text-align: left;
    }
    .card[data-severity="alert"] { border-top-color: var(--severity-alert); }
    .card[data-severity="caution"] { border-top-color: var(--severity-caution); }
    .card[data-severity="good"] { border-top-color: var(--severity-good); }
    .labels { display: flex; flex-wrap: wrap; gap: 0.3rem; margin: 0 0 0.5rem; padding: 0; list-style: none; }
    .label { padding: 0.1rem 0.45rem; border-radius: 1rem; font-size: 12px; font-weight: 600;
      background: var(--chip-info-bg); color: var(--chip-info-text); }
    .label[data-severity="alert"] { background: var(--chip-alert-bg); color: var(--chip-alert-text); }
    .label[data-severity="caution"] { background: var(--chip-caution-bg); color: var(--chip-caution-text); }
    .label[data-severity="good"] { background: var(--chip-good-bg); color: var(--chip-good-text); }
    .notes { margin: 0 0 0.5rem; padding-left: 1.1rem; }
    .notes li { margin: 0 0 0.2rem; }
    .notes .finding { font-weight: 600; }
    .notes .finding[data-severity="alert"] { color: var(--finding-alert); }
    dl { margin: 0 0 0.5rem; display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.6rem; }
    dt { font-weight: 600; }
    dd { margin: 0; }
    h2 { margin: 0.6rem 0 0.3rem; font-size: 13px; }
    .examples { margin: 0; padding-left: 1.1rem; font-size: 13px; color: var(--muted); }
    .examples li { margin: 0 0 0.3rem; }
    .service { font-weight: 600; }
    a { color: var(--link); }
    a:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
    @media (forced-colors: active) {
      .card { border: 1px solid CanvasText; }
    }
  `;

  let host = null;
  let shadow = null;
  let openFor = null; // clause number of the open card
  let openMark = null; // the mark it is placed by
  let openTimer = 0;
  let closeTimer = 0;

  function ensureHost() {
    if (host?.isConnected) return;
    ({ host, shadow } = fineprint.createShadowHost('fineprint-card',
      { 'z-index': '2147483647', top: '0px', left: '0px' }, CARD_CSS));
    host.addEventListener('mouseenter', () => clearTimeout(closeTimer));
    host.addEventListener('mouseleave', scheduleClose);
    document.documentElement.append(host);
  }

  const isUrl = (text) => /^https?:\/\/\S+$/i.test(text.trim());

  // A slot's value: a link when it is a URL, else text (a URL inside longer
  // text becomes a link, the rest stays text).
  function slotValue(value) {
    const dd = el('dd');
    const text = String(value);
    const match = /https?:\/\/[^\s<>"')]+/i.exec(text);
    if (match && isUrl(match[0])) {
      dd.append(document.createTextNode(text.slice(0, match.index)));
      const link = el('a', match[0]);
      link.href = match[0];
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      dd.append(link, document.createTextNode(text.slice(match.index + match[0].length)));
    } else {
      dd.textContent = text;
    }
    return dd;
  }

  const humanise = (key) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

  function buildCard(clause) {
    const labels = clause.labels;
    const severity = fineprint.clauseSeverity(labels);
    const card = el('section', undefined, 'card');
    card.dataset.severity = severity;
    card.setAttribute('role', 'dialog');
    card.setAttribute('aria-label', t('cardLabel'));

    const chips = el('ul', undefined, 'labels');
    for (const label of labels) {
      const chip = el('li', label.name, 'label');
      chip.dataset.severity = label.severity ?? 'info';
      chip.title = severityWords[label.severity] ?? '';
      chips.append(chip);
    }
    card.append(chips);

    const notes = el('ul', undefined, 'notes');
    for (const note of new Set(labels.map((label) => label.note).filter(Boolean))) notes.append(el('li', note));
    for (const { explanation, severity: findingSeverity } of clause.findings ?? []) {
      const finding = el('li', explanation, 'finding');
      finding.dataset.severity = findingSeverity ?? 'info';
      notes.append(finding);
    }
    if (notes.childElementCount > 0) card.append(notes);

    const details = el('dl');
    const seen = new Set();
    for (const label of labels) {
      for (const [key, value] of Object.entries(label.slots ?? {})) {
        if (HIDDEN_SLOTS.has(key) || value === null || value === '' || seen.has(`${key}=${value}`)) continue;
        seen.add(`${key}=${value}`);
        details.append(el('dt', SLOT_WORDS[key] ?? humanise(key)), slotValue(value));
      }
    }
    if (details.childElementCount > 0) card.append(details);

    const examples = fineprint.cardExamples ?? {};
    const list = el('ul', undefined, 'examples');
    for (const label of labels) {
      for (const example of (examples[label.id] ?? []).slice(0, MAX_EXAMPLES_PER_LABEL)) {
        const item = el('li');
        item.append(el('span', example.service, 'service'));
        item.append(document.createTextNode(` (${example.document}, ${example.date}): “${example.excerpt}”`));
        list.append(item);
      }
    }
    if (list.childElementCount > 0) card.append(el('h2', t('otherPlatforms')), list);
    return card;
  }

  // The open card's size before any height limit, measured once per opening:
  // it does not change while the page scrolls, so following the mark needs no
  // forced layout of the card.
  let naturalSize = null;

  function place(mark) {
    const rect = mark.getBoundingClientRect();
    const card = shadow.querySelector('.card');
    if (!naturalSize) {
      card.style.maxHeight = '';
      naturalSize = { width: card.offsetWidth, height: card.offsetHeight };
    }
    const { width } = naturalSize;
    let { height } = naturalSize;
    const below = innerHeight - rect.bottom - 14;
    const above = rect.top - 14;
    let top = rect.bottom + 6;
    let maxHeight = '';
    if (height > below) {
      // Whichever side has more room; the card scrolls inside if need be.
      const room = Math.max(below, above, 120);
      if (height > room) {
        maxHeight = `${room}px`;
        height = room;
      }
      if (height > below && above > below) top = rect.top - height - 6;
    }
    if (card.style.maxHeight !== maxHeight) card.style.maxHeight = maxHeight;
    const left = Math.min(Math.max(8, rect.left), Math.max(8, innerWidth - width - 8));
    host.style.setProperty('top', `${Math.max(8, top)}px`, 'important');
    host.style.setProperty('left', `${left}px`, 'important');
  }

  function openCard(mark) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    const number = mark.dataset.fineprintClause;
    const clause = fineprint.paintedClauses?.get(Number(number));
    if (!clause) return;
    ensureHost();
    if (openFor !== number) {
      shadow.querySelector('.card')?.remove();
      shadow.append(buildCard(clause));
      openFor = number;
    }
    openMark = mark;
    naturalSize = null;
    place(mark);
  }

  function closeCard() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    host?.remove();
    host = null;
    shadow = null;
    openFor = null;
    openMark = null;
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(closeCard, CLOSE_DELAY_MS);
  }

  const markOf = (target) => (target instanceof Element ? target.closest('fineprint-mark') : null);

  document.addEventListener('mouseover', (event) => {
    const mark = markOf(event.target);
    if (!mark) return;
    clearTimeout(closeTimer);
    clearTimeout(openTimer);
    openTimer = setTimeout(() => openCard(mark), OPEN_DELAY_MS);
  }, true);
  document.addEventListener('mouseout', (event) => {
    if (markOf(event.target) && !markOf(event.relatedTarget)) {
      clearTimeout(openTimer);
      if (host) scheduleClose();
    }
  }, true);
  document.addEventListener('focusin', (event) => {
    const mark = markOf(event.target);
    if (mark) openCard(mark);
  }, true);
  document.addEventListener('focusout', (event) => {
    if (markOf(event.target) && host) scheduleClose();
  }, true);
  document.addEventListener('click', (event) => {
    const mark = markOf(event.target);
    if (mark) openCard(mark);
    else if (host && !event.composedPath().includes(host)) closeCard();
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && host) {
      closeCard();
      return;
    }
    const mark = markOf(event.target);
    if (mark && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      openCard(mark);
    }
  }, true);
  // The card follows its mark when the page scrolls (focusing a mark scrolls)
  // or the window is resized, at most once per frame however many events come.
  let placeFrame = 0;
  function followMark() {
    if (!host || placeFrame) return;
    placeFrame = requestAnimationFrame(() => {
      placeFrame = 0;
      if (openMark?.isConnected) place(openMark);
      else closeCard();
    });
  }
  addEventListener('scroll', followMark, { passive: true, capture: true });
  addEventListener('resize', () => {
    naturalSize = null;
    followMark();
  }, { passive: true });

  fineprint.closeCard = closeCard;
})();
