// Colour contrast of what the extension paints on pages, in light and dark,
// against WCAG 2.x AA: the cards and the summary panel (4.5:1 for text, 3:1
// for focus rings, control borders and severity bars), and the highlights
// (underline, keyboard dot and focus ring at least 3:1 against the page).
//
// The cards' and the panel's colours are one table per scheme in
// content/palette.js, which their stylesheets only name (var(--text)); the
// highlights' are custom properties per severity in content/highlight.css.
// Besides the ratios, this checks that no colour is written anywhere else in
// those stylesheets (this test would not see it), that every colour of the
// table is used and in some pair below, and that every name used is defined.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';
import { composite, contrastRatio, parseColour } from './support/wcag.mjs';

const TEXT = 4.5;
const NON_TEXT = 3;
const SCHEMES = ['light', 'dark'];
const contentDir = path.join(repoRoot, 'extension', 'content');
const source = (file) => readFileSync(path.join(contentDir, file), 'utf8');

const COLOUR_LITERAL = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|(?<![-\w])(?:white|black|red|green|blue|gray|grey|yellow|orange|purple)(?![-\w])/i;

test('the contrast formula matches known WCAG values', () => {
  assert.equal(contrastRatio('#000000', '#ffffff').toFixed(2), '21.00');
  assert.equal(contrastRatio('#777777', '#ffffff').toFixed(2), '4.48'); // just fails AA
  assert.equal(contrastRatio('#767676', '#fff').toFixed(2), '4.54'); // just passes
  assert.equal(contrastRatio(composite('rgb(0 0 0 / 0.5)', '#ffffff'), '#ffffff').toFixed(2), '3.98');
  assert.deepEqual(parseColour('rgba(10, 20, 30, 50%)'), { r: 10, g: 20, b: 30, a: 0.5 });
  assert.throws(() => parseColour('tomato'));
});

describe('cards and summary panel (content/palette.js)', () => {
  // fineprint.t as browser/content-api.js defines it before palette.js runs.
  const context = vm.createContext({ fineprint: { t: (key) => key } });
  vm.runInContext(source('palette.js'), context);
  // Out of the vm's realm, so that deepEqual compares plain objects.
  const palette = JSON.parse(JSON.stringify(context.fineprint.palette));
  const paletteCss = context.fineprint.paletteCss;

  // [foreground, background, minimum, where it is seen]
  const PAIRS = [
    ['text', 'surface', TEXT, 'card and panel text'],
    ['text', 'hover', TEXT, 'a hovered panel entry, the button'],
    ['muted', 'surface', TEXT, 'examples in a card; panel headings, label names, excerpts'],
    ['muted', 'hover', TEXT, 'label names and excerpts in a hovered entry'],
    ['link', 'surface', TEXT, 'opt-out links in a card'],
    ['finding-alert', 'surface', TEXT, 'an alert finding in a card'],
    ['chip-alert-text', 'chip-alert-bg', TEXT, 'alert chip'],
    ['chip-caution-text', 'chip-caution-bg', TEXT, 'caution chip'],
    ['chip-info-text', 'chip-info-bg', TEXT, 'info chip'],
    ['chip-good-text', 'chip-good-bg', TEXT, 'good chip'],
    ['focus', 'surface', NON_TEXT, 'focus ring'],
    ['control-border', 'surface', NON_TEXT, 'the panel button border'],
    ...['alert', 'caution', 'info', 'good'].flatMap((severity) => [
      [`severity-${severity}`, 'surface', NON_TEXT, 'card edge, entry bar, button dot'],
      [`severity-${severity}`, 'hover', NON_TEXT, 'bar of a hovered entry'],
    ]),
  ];
  // Separators are decoration (an entry is marked by its severity bar);
  // shadow and ring only give depth.
  const UNPAIRED = ['divider', 'shadow', 'ring'];

  // The stylesheet text of `const NAME = \`...\`;` in a content script.
  function stylesheetIn(file, name) {
    const match = new RegExp(`const ${name} = \`([\\s\\S]*?)\`;`).exec(source(file));
    assert.ok(match, `${file} defines ${name}`);
    return match[1];
  }
  const stylesheets = { 'card.js': stylesheetIn('card.js', 'CARD_CSS'), 'panel.js': stylesheetIn('panel.js', 'PANEL_CSS') };

  test('both schemes define the same colours, and the generated CSS holds them all', () => {
    assert.deepEqual(Object.keys(palette.dark).sort(), Object.keys(palette.light).sort());
    for (const scheme of SCHEMES) {
      for (const [name, value] of Object.entries(palette[scheme])) {
        parseColour(value);
        assert.ok(paletteCss.includes(`--${name}: ${value};`), `${scheme} --${name}`);
      }
    }
    assert.match(paletteCss, /@media \(prefers-color-scheme: dark\) \{ :host \{/);
  });

  for (const [file, css] of Object.entries(stylesheets)) {
    test(`${file} starts with the palette and writes no colour of its own`, () => {
      assert.ok(css.startsWith('${fineprint.paletteCss}'), 'the palette comes first');
      const stray = css.split(/[;{}]/).filter((declaration) => COLOUR_LITERAL.test(declaration));
      assert.deepEqual(stray.map((each) => each.trim()), []);
      for (const [, name] of css.matchAll(/var\(\s*--([\w-]+)\s*\)/g)) {
        assert.ok(name in palette.light, `${file} uses --${name}, which the palette does not define`);
      }
    });
  }

  test('every colour of the palette is used and in some pair', () => {
    const used = Object.values(stylesheets).join('\n');
    const paired = new Set(PAIRS.flatMap(([foreground, background]) => [foreground, background]));
    for (const name of Object.keys(palette.light)) {
      assert.ok(paired.has(name) || UNPAIRED.includes(name), `--${name} is in no pair of this test`);
      assert.match(used, new RegExp(`var\\(\\s*--${name}\\s*\\)`), `--${name} is not used`);
    }
  });

  for (const scheme of SCHEMES) {
    test(`${scheme} scheme passes WCAG AA`, (t) => {
      const failures = [];
      for (const [foreground, background, minimum, where] of PAIRS) {
        const ratio = contrastRatio(palette[scheme][foreground], palette[scheme][background]);
        t.diagnostic(`${foreground} on ${background} (${where}): ${ratio.toFixed(2)}:1`);
        if (ratio < minimum) failures.push(`${foreground} on ${background} (${where}): ${ratio.toFixed(2)}:1 < ${minimum}:1`);
      }
      assert.deepEqual(failures, []);
    });
  }
});

describe('highlights (content/highlight.css)', () => {
  const css = source('highlight.css').replace(/\/\*[\s\S]*?\*\//g, '');
  // The page behind a mark: its colours are the page's, whatever the
  // browser's scheme; these stand for light and dark pages.
  const PAGES = { light: '#ffffff', dark: '#121212' };
  // Page text at the AAA ratio (7:1) on such a page.
  const PAGE_TEXT = { light: '#595959', dark: '#a0a0a0' };
  const SEVERITIES = ['alert', 'caution', 'info', 'good'];

  function declarationsOf(selector) {
    const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`(?:^|})\\s*${escaped}\\s*\\{([^}]*)\\}`).exec(css);
    assert.ok(match, `a ${selector} rule`);
    return Object.fromEntries([...match[1].matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map(([, name, value]) => [name, value.trim()]));
  }
  const focus = declarationsOf('fineprint-mark.fineprint-mark')['--fineprint-focus'];
  const colours = Object.fromEntries(SEVERITIES.map((severity) => {
    const declarations = declarationsOf(`fineprint-mark.fineprint-severity-${severity}`);
    return [severity, { tint: declarations['--fineprint-tint'], line: declarations['--fineprint-line'] }];
  }));

  test('colours are written only as the custom properties of the mark', () => {
    const stray = css.split(/[;{}]/).filter((declaration) => COLOUR_LITERAL.test(declaration) && !/^\s*--fineprint-/.test(declaration));
    assert.deepEqual(stray.map((each) => each.trim()), []);
    for (const name of ['--fineprint-tint', '--fineprint-line', '--fineprint-focus']) {
      assert.match(css, new RegExp(`var\\(${name}\\)`), `${name} is used`);
    }
    assert.ok(focus, '--fineprint-focus is defined');
    for (const severity of SEVERITIES) {
      assert.ok(colours[severity].tint && colours[severity].line, `${severity} defines its tint and line`);
      assert.equal(parseColour(colours[severity].line).a, 1, `the ${severity} line is opaque`);
    }
  });

  for (const scheme of SCHEMES) {
    test(`on a ${scheme} page: underline, keyboard dot and focus ring at 3:1, page text still at 4.5:1`, (t) => {
      const page = PAGES[scheme];
      assert.ok(contrastRatio(PAGE_TEXT[scheme], page) >= 7, 'the stand-in page text is at 7:1 on its page');
      const failures = [];
      const check = (what, ratio, minimum) => {
        t.diagnostic(`${what}: ${ratio.toFixed(2)}:1`);
        if (ratio < minimum) failures.push(`${what}: ${ratio.toFixed(2)}:1 < ${minimum}:1`);
      };
      check('focus ring against the page', contrastRatio(focus, page), NON_TEXT);
      for (const severity of SEVERITIES) {
        const tinted = composite(colours[severity].tint, page);
        check(`${severity} underline and dot against the page`, contrastRatio(colours[severity].line, page), NON_TEXT);
        check(`${severity} underline against its tint`, contrastRatio(colours[severity].line, tinted), NON_TEXT);
        check(`page text on the ${severity} tint`, contrastRatio(PAGE_TEXT[scheme], tinted), TEXT);
      }
      assert.deepEqual(failures, []);
    });
  }
});
