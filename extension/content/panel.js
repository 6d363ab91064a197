// The summary panel: a small floating "Fineprint" button that opens a list
// of what the policy leaves out (the document's findings) and of every noted
// clause, each entry jumping to its highlight on the page.
//
// Like the cards (card.js) it lives in a shadow root with its own stylesheet
// on a <fineprint-panel> host whose own box is set inline with !important,
// so the page can neither restyle it nor be broken by it. Page text (clause
// excerpts) is only ever set with textContent. The list is built when the
// panel is first opened, not when the page is painted, so a page that is
// never summarised pays only for the button.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.panelInstalled) return; // Injected before: keep the first copy.
  fineprint.panelInstalled = true;

  const { t, el, severityWords } = fineprint;
  const EXCERPT_CHARS = 110;

  // Colours: only the palette's (palette.js), by name.
  const PANEL_CSS = `${fineprint.paletteCss}
    :host { all: initial; }
    * { box-sizing: border-box; }
    .toggle {
      display: inline-flex; align-items: center; gap: 0.45rem;
      padding: 0.45rem 0.8rem; border-radius: 2rem; cursor: pointer;
      border: 1px solid var(--control-border); background: var(--surface); color: var(--text);
      box-shadow: 0 3px 12px var(--shadow);
      font: 600 14px/1.2 system-ui, -apple-system, "Segoe UI", sans-serif;
    }
    .toggle:hover { background: var(--hover); }
    .toggle:focus-visible, button:focus-visible, .panel:focus-visible {
      outline: 3px solid var(--focus); outline-offset: 2px;
    }
    .dot { width: 0.7rem; height: 0.7rem; border-radius: 50%; background: var(--severity-info); flex: none; }
    .dot[data-severity="alert"] { background: var(--severity-alert); }
    .dot[data-severity="caution"] { background: var(--severity-caution); }
    .dot[data-severity="good"] { background: var(--severity-good); }
    .count { font-weight: 700; color: var(--text); }
    .panel {
      position: fixed; right: 12px; bottom: 64px;
      width: min(25rem, calc(100vw - 24px)); max-height: min(36rem, calc(100vh - 88px));
      display: flex; flex-direction: column;
      border-radius: 0.6rem; background: var(--surface); color: var(--text);
      box-shadow: 0 8px 28px var(--shadow), 0 0 0 1px var(--ring);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; text-align: left;
    }
    .panel[hidden] { display: none; }
    header { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem;
      padding: 0.6rem 0.6rem 0.5rem 0.9rem; border-bottom: 1px solid var(--divider); }
    h2 { margin: 0; font-size: 15px; }
    h3 { margin: 0.8rem 0 0.35rem; font-size: 13px; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); }
    .close { border: 0; background: transparent; color: var(--text); font: 20px/1 system-ui, sans-serif;
      width: 2rem; height: 2rem; border-radius: 50%; cursor: pointer; }
    .close:hover { background: var(--hover); }
    .body { overflow: auto; padding: 0 0.9rem 0.9rem; }
    ul, ol { list-style: none; margin: 0; padding: 0; }
    li { margin: 0 0 0.4rem; }
    .entry { display: block; width: 100%; text-align: left; cursor: pointer;
      padding: 0.45rem 0.55rem; border-radius: 0.4rem; border: 1px solid var(--divider);
      border-left: 0.3rem solid var(--severity-info); background: var(--surface); color: var(--text); font: inherit; }
    div.entry { cursor: default; }
    button.entry:hover { background: var(--hover); }
    .entry[data-severity="alert"] { border-left-color: var(--severity-alert); }
    .entry[data-severity="caution"] { border-left-color: var(--severity-caution); }
    .entry[data-severity="good"] { border-left-color: var(--severity-good); }
    .severity { display: inline-block; margin: 0 0 0.2rem; padding: 0.05rem 0.45rem; border-radius: 1rem;
      font-size: 12px; font-weight: 600; background: var(--chip-info-bg); color: var(--chip-info-text); }
    .severity[data-severity="alert"] { background: var(--chip-alert-bg); color: var(--chip-alert-text); }
    .severity[data-severity="caution"] { background: var(--chip-caution-bg); color: var(--chip-caution-text); }
    .severity[data-severity="good"] { background: var(--chip-good-bg); color: var(--chip-good-text); }
    .note { display: block; }
    .labels, .excerpt, .none { display: block; font-size: 12.5px; color: var(--muted); }
    .excerpt { font-style: italic; }
    @media (forced-colors: active) {
      .toggle, .panel, .entry { border: 1px solid CanvasText; }
    }
  `;

  let host = null;
  let shadow = null;
  let toggle = null;
  let panel = null;
  // What the panel lists: set by showPanel, read when it is first opened.
  let summary = null;

  function createHost() {
    ({ host, shadow } = fineprint.createShadowHost('fineprint-panel',
      { 'z-index': '2147483646', right: '12px', bottom: '12px' }, PANEL_CSS));
    toggle = el('button', undefined, 'toggle');
    toggle.id = 'fineprint-panel-toggle';
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', 'fineprint-panel');
    toggle.addEventListener('click', () => (panel && !panel.hidden ? closePanel() : openPanel()));
    shadow.append(toggle);
    // Escape anywhere in the panel (or on the button) closes it, and focus
    // goes back to the button.
    shadow.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || !panel || panel.hidden) return;
      event.stopPropagation();
      closePanel();
    });
    document.documentElement.append(host);
  }

  function renderToggle() {
    const severity = fineprint.worstSeverity([...summary.clauses.map((clause) => fineprint.clauseSeverity(clause.labels)),
      ...summary.findings.map((finding) => finding.severity)]);
    const dot = el('span', undefined, 'dot');
    dot.dataset.severity = severity;
    dot.setAttribute('aria-hidden', 'true');
    const count = el('span', String(summary.clauses.length), 'count');
    count.setAttribute('aria-hidden', 'true');
    toggle.replaceChildren(dot, el('span', t('panelToggle')), count);
    toggle.setAttribute('aria-label', t('panelToggleLabel', summary.clauses.length, summary.findings.length));
    host.dataset.fineprintOpen = 'false';
    host.dataset.fineprintFindings = String(summary.findings.length);
    host.dataset.fineprintClauses = String(summary.clauses.length);
  }

  // A finding or clause entry: a button that jumps to `clauseNumber`'s
  // highlight, or plain text when there is nowhere to jump.
  function entry(clauseNumber, severity, parts) {
    const canJump = clauseNumber !== null && fineprint.markerOf(clauseNumber) !== null;
    const node = el(canJump ? 'button' : 'div', undefined, 'entry');
    node.dataset.severity = severity;
    if (canJump) {
      node.type = 'button';
      node.dataset.fineprintJump = String(clauseNumber);
      node.addEventListener('click', () => jumpTo(clauseNumber));
    }
    const chip = el('span', severityWords[severity] ?? severityWords.info, 'severity');
    chip.dataset.severity = severity;
    node.append(chip, ...parts);
    return node;
  }

  function buildPanel() {
    panel = el('section', undefined, 'panel');
    panel.id = 'fineprint-panel';
    panel.hidden = true;
    panel.tabIndex = -1;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'fineprint-panel-title');

    const header = el('header');
    const title = el('h2', t('panelTitle'));
    title.id = 'fineprint-panel-title';
    const close = el('button', '×', 'close');
    close.id = 'fineprint-panel-close';
    close.type = 'button';
    close.setAttribute('aria-label', t('panelClose'));
    close.addEventListener('click', () => closePanel());
    header.append(title, close);

    const body = el('div', undefined, 'body');
    body.append(el('h3', t('panelFindingsHeading')));
    const findings = el('ul');
    findings.id = 'fineprint-panel-findings';
    for (const finding of summary.findings) {
      const item = el('li');
      item.dataset.finding = finding.id;
      item.dataset.severity = finding.severity ?? 'info';
      item.append(entry(finding.clauses[0] ?? null, finding.severity ?? 'info', [el('span', finding.explanation, 'note')]));
      findings.append(item);
    }
    if (summary.findings.length === 0) body.append(el('p', t('panelNoFindings'), 'none'));
    else body.append(findings);

    body.append(el('h3', t('panelClausesHeading', summary.clauses.length)));
    const clauses = el('ol');
    clauses.id = 'fineprint-panel-clauses';
    for (const clause of summary.clauses) {
      const severity = fineprint.clauseSeverity(clause.labels);
      const notes = [...new Set(clause.labels.map((label) => label.note).filter(Boolean))].join(' ');
      const names = [...new Set(clause.labels.map((label) => label.name))].join(' · ');
      const item = el('li');
      item.dataset.fineprintClause = String(clause.number);
      item.dataset.severity = severity;
      item.dataset.fineprintLabels = [...new Set(clause.labels.map((label) => label.id))].join(' ');
      const parts = [el('span', notes || names, 'note')];
      if (notes) parts.push(el('span', names, 'labels'));
      const excerpt = summary.excerptOf(clause);
      if (excerpt) parts.push(el('span', `“${excerpt}”`, 'excerpt'));
      item.append(entry(clause.number, severity, parts));
      clauses.append(item);
    }
    body.append(clauses);
    panel.append(header, body);
    shadow.append(panel);
  }

  function openPanel() {
    if (!panel) buildPanel();
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    host.dataset.fineprintOpen = 'true';
    panel.focus();
  }

  // returnFocus: false when focus has just moved to the page (a jump).
  function closePanel({ returnFocus = true } = {}) {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    host.dataset.fineprintOpen = 'false';
    if (returnFocus) toggle.focus();
  }

  // Scrolls the clause's first mark to the middle of the window and focuses
  // it (which opens its card); the panel folds away if it hides the mark.
  function jumpTo(clauseNumber) {
    const marker = fineprint.markerOf(clauseNumber);
    if (!marker) return;
    marker.scrollIntoView({ block: 'center', inline: 'nearest' });
    const markRect = marker.getBoundingClientRect();
    const panelRect = panel.getBoundingClientRect();
    const covered = markRect.right > panelRect.left && markRect.left < panelRect.right &&
      markRect.bottom > panelRect.top && markRect.top < panelRect.bottom;
    if (covered) closePanel({ returnFocus: false });
    marker.focus({ preventScroll: true });
  }

  // Shows the button for a painted page. summary: {findings: the reply's
  // findings, clauses: [{number, start, end, labels}] of the painted clauses, in page
  // order, excerptOf(clause) -> the clause's text on the page}. Nothing to
  // show (no clause, no finding): no button.
  fineprint.showPanel = (next) => {
    fineprint.removePanel();
    if (next.clauses.length === 0 && next.findings.length === 0) return;
    summary = next;
    createHost();
    renderToggle();
  };

  fineprint.removePanel = () => {
    host?.remove();
    host = shadow = toggle = panel = summary = null;
  };

  // The page's summary as it is shown, for tests and the status.
  fineprint.panelShown = () => host?.isConnected === true;

  fineprint.excerpt = (text) => {
    const folded = text.replace(/\s+/g, ' ').trim();
    return folded.length > EXCERPT_CHARS ? `${folded.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : folded;
  };
})();
