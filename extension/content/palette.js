// What the cards (card.js) and the summary panel (panel.js) share: their
// colours, in one table per colour scheme, and the shadow-rooted host each
// lives in. Their stylesheets only name these as custom
// properties (var(--text)); `paletteCss` defines them on the shadow host, the
// dark ones under prefers-color-scheme: dark. tests/extension/
// page-contrast.test.mjs reads this table and checks every pair of colours
// the stylesheets put together against WCAG AA.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.palette) return; // Injected before: keep the first copy.

  const palette = {
    light: {
      text: '#1a1a1a',
      muted: '#4a4a4a',
      surface: '#ffffff',
      hover: '#f1f3f4',
      // Separators between parts of a card or panel: decoration, not the
      // boundary of a control (entries are marked by their severity bar).
      divider: '#dadce0',
      'control-border': '#5f6368',
      link: '#1a5cc8',
      focus: '#1a5cc8',
      // Severity bars, dots and card edges (non-text).
      'severity-alert': '#b3261e',
      'severity-caution': '#a15800',
      'severity-info': '#1a5cc8',
      'severity-good': '#1e7d34',
      // Severity chips: text on its own background.
      'chip-alert-bg': '#fbe9e7',
      'chip-alert-text': '#8c1d18',
      'chip-caution-bg': '#fff1dc',
      'chip-caution-text': '#6e3c00',
      'chip-info-bg': '#e8eefb',
      'chip-info-text': '#17478f',
      'chip-good-bg': '#e5f4e8',
      'chip-good-text': '#17602a',
      // An alert finding's note in a card.
      'finding-alert': '#8c1d18',
      // Depth only: the shadow, and the hairline around a floating box.
      shadow: 'rgb(0 0 0 / 0.25)',
      ring: 'rgb(0 0 0 / 0.13)',
    },
    dark: {
      text: '#e8eaed',
      muted: '#bdc1c6',
      surface: '#202124',
      hover: '#303134',
      divider: '#5f6368',
      'control-border': '#9aa0a6',
      link: '#8ab4f8',
      focus: '#8ab4f8',
      'severity-alert': '#f28b82',
      'severity-caution': '#fdd663',
      'severity-info': '#8ab4f8',
      'severity-good': '#81c995',
      'chip-alert-bg': '#5c1a15',
      'chip-alert-text': '#ffdad6',
      'chip-caution-bg': '#4d3000',
      'chip-caution-text': '#ffddb3',
      'chip-info-bg': '#1c3a6b',
      'chip-info-text': '#d6e3ff',
      'chip-good-bg': '#0f4020',
      'chip-good-text': '#b8f0c4',
      'finding-alert': '#f28b82',
      shadow: 'rgb(0 0 0 / 0.5)',
      ring: '#5f6368',
    },
  };

  const properties = (colours) => Object.entries(colours).map(([name, value]) => `--${name}: ${value};`).join(' ');

  fineprint.palette = palette;
  // Set on :host, so that a page's own custom properties of the same names,
  // which inherit into the shadow tree, are overridden.
  fineprint.paletteCss = `
    :host { ${properties(palette.light)} }
    @media (prefers-color-scheme: dark) { :host { ${properties(palette.dark)} } }
  `;

  // Each severity in words, as the chips of cards and panel entries name it.
  const { t } = fineprint;
  fineprint.severityWords = { alert: t('severityAlert'), caution: t('severityCaution'), info: t('severityInfo'), good: t('severityGood') };

  fineprint.el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };

  // A <tag> host, not yet in the page, whose own box is `box` (inline and
  // !important, so page rules lose) and whose open shadow root has `css`.
  fineprint.createShadowHost = (tag, box, css) => {
    const host = document.createElement(tag);
    for (const [name, value] of Object.entries({ all: 'initial', position: 'fixed', display: 'block', ...box })) {
      host.style.setProperty(name, value, 'important');
    }
    const shadow = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement('style');
      style.textContent = css;
      shadow.append(style);
    }
    return { host, shadow };
  };
})();
