// Colour contrast of the popup and the options page, in light and dark mode,
// against WCAG 2.x AA: at least 4.5:1 for text, 3:1 for the non-text parts a
// person must see (focus rings, control borders, severity bars).
//
// Each page links shared/base.css (the colours both pages use) and then its
// own stylesheet. Each stylesheet defines its colours once, as custom
// properties of :root (light) and of :root inside @media
// (prefers-color-scheme: dark); the rules only name them. This test reads
// the definitions of a page's stylesheets, resolves var() references, and
// checks every foreground/background pair declared below in both schemes. It
// also checks that no stylesheet has a colour outside the definitions (which
// this test would not see) or redefines another's, that every pair's
// properties are used, and that every colour defined is in some pair.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';
// One WCAG implementation for every contrast test; its formula is checked
// against known values in page-contrast.test.mjs. It throws on a translucent
// colour, which has no contrast of its own.
import { contrastRatio } from './support/wcag.mjs';

const TEXT = 4.5;
const NON_TEXT = 3;

const BASE = 'shared/base.css';

// For each page, its stylesheets in the order it links them, and its pairs:
// [foreground, background, minimum ratio, where it is seen].
const PAGES = {
  'popup/popup.html': {
    stylesheets: [BASE, 'popup/popup.css'],
    pairs: [
      ['--text', '--bg', TEXT, 'body text'],
      ['--text', '--surface', TEXT, 'summary lines'],
      ['--muted', '--bg', TEXT, 'change kinds, timeline'],
      ['--muted', '--surface', TEXT, 'severity words in the summary'],
      ['--link', '--bg', TEXT, 'the Options button'],
      ['--error', '--bg', TEXT, 'errors'],
      ['--button-text', '--button-bg', TEXT, 'buttons'],
      ['--primary-text', '--primary-bg', TEXT, 'the Analyze button'],
      ['--ins-text', '--ins-bg', TEXT, 'inserted words'],
      ['--del-text', '--del-bg', TEXT, 'deleted words'],
      ['--focus', '--bg', NON_TEXT, 'focus ring'],
      ['--border', '--bg', NON_TEXT, 'button borders'],
      ['--severity-alert', '--surface', NON_TEXT, 'severity bar'],
      ['--severity-caution', '--surface', NON_TEXT, 'severity bar'],
      ['--severity-info', '--surface', NON_TEXT, 'severity bar'],
      ['--severity-good', '--surface', NON_TEXT, 'severity bar'],
    ],
    unpaired: [],
  },
  'options/options.html': {
    stylesheets: [BASE, 'options/options.css'],
    pairs: [
      ['--text', '--bg', TEXT, 'body text'],
      ['--muted', '--bg', TEXT, 'hints'],
      ['--text', '--surface', TEXT, 'the confirm dialog'],
      ['--text', '--error-bg', TEXT, 'problems'],
      ['--button-text', '--button-bg', TEXT, 'buttons'],
      ['--danger-text', '--danger-bg', TEXT, 'the Clear buttons'],
      ['--focus', '--bg', NON_TEXT, 'focus ring'],
      ['--focus', '--surface', NON_TEXT, 'focus ring in the dialog'],
      ['--border', '--bg', NON_TEXT, 'control and section borders'],
      ['--border', '--surface', NON_TEXT, 'button borders in the dialog'],
      ['--accent', '--bg', NON_TEXT, 'checked boxes'],
      ['--error', '--error-bg', NON_TEXT, 'problem bar'],
    ],
    // The dialog's backdrop only dims the page behind it.
    unpaired: ['--backdrop'],
  },
};

const COLOUR_LITERAL = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|(?<![-\w])(?:white|black|red|green|blue|gray|grey|yellow|orange|purple)(?![-\w])/i;

// The body of the block that starts at `open` (the index of its "{").
function blockAt(css, open) {
  let depth = 0;
  for (let index = open; index < css.length; index += 1) {
    if (css[index] === '{') depth += 1;
    else if (css[index] === '}' && --depth === 0) return { body: css.slice(open + 1, index), end: index + 1 };
  }
  throw new Error('unbalanced braces');
}

function declarations(body) {
  const properties = {};
  for (const [, name, value] of body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) properties[name] = value.trim();
  return properties;
}

// {light, dark, rest}: the custom properties of each scheme, and the CSS
// with both definition blocks taken out.
function parseSchemes(source) {
  const css = source.replace(/\/\*[\s\S]*?\*\//g, '');
  const lightMatch = /(^|})\s*:root\s*{/.exec(css);
  assert.ok(lightMatch, 'a top-level :root block');
  const lightOpen = css.indexOf('{', lightMatch.index + lightMatch[1].length);
  const light = blockAt(css, lightOpen);
  const mediaMatch = /@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*{/.exec(css);
  assert.ok(mediaMatch, 'an @media (prefers-color-scheme: dark) block');
  const media = blockAt(css, mediaMatch.index + mediaMatch[0].length - 1);
  const darkRoot = /^\s*:root\s*{/.exec(media.body);
  assert.ok(darkRoot, 'the dark block holds a :root block');
  const dark = blockAt(media.body, darkRoot[0].length - 1);
  assert.equal(media.body.slice(dark.end).trim(), '', 'the dark block holds only :root');
  const rest = css.slice(0, lightOpen) + css.slice(light.end, mediaMatch.index) + css.slice(media.end);
  return { light: declarations(light.body), dark: declarations(dark.body), rest };
}

function resolve(properties, name, seen = new Set()) {
  assert.ok(!seen.has(name), `${name} refers to itself`);
  const value = properties[name];
  assert.ok(value !== undefined, `${name} is not defined`);
  const reference = /^var\(\s*(--[\w-]+)\s*\)$/.exec(value);
  return reference ? resolve(properties, reference[1], new Set([...seen, name])) : value;
}

// The stylesheets' schemes as one: {light, dark, rest}, each colour defined
// by exactly one of them.
function mergeSchemes(files, parsed) {
  const merged = { light: {}, dark: {}, rest: '' };
  parsed.forEach((schemes, index) => {
    for (const scheme of ['light', 'dark']) {
      for (const [name, value] of Object.entries(schemes[scheme])) {
        assert.ok(!(name in merged[scheme]), `${files[index]} defines ${name} again`);
        merged[scheme][name] = value;
      }
    }
    merged.rest += schemes.rest;
  });
  return merged;
}

for (const [page, { stylesheets, pairs, unpaired }] of Object.entries(PAGES)) {
  describe(page, async () => {
    const html = await readFile(path.join(repoRoot, 'extension', page), 'utf8');
    const sources = [];
    for (const file of stylesheets) sources.push(await readFile(path.join(repoRoot, 'extension', file), 'utf8'));
    // Parsed inside each test that needs it: a stylesheet without its scheme
    // blocks then fails those tests, where a throw out here would cancel the
    // page's suite.
    const parseAll = () => sources.map(parseSchemes);

    test('links its stylesheets in order', () => {
      const linked = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((match) =>
        path.posix.join(path.posix.dirname(page), match[1]),
      );
      assert.deepEqual(linked, stylesheets);
    });

    test('colours are defined only as custom properties of :root, in both schemes', () => {
      const colourNames = (properties) => Object.keys(properties).filter((name) => name.startsWith('--')).sort();
      parseAll().forEach((schemes, index) => {
        const stray = schemes.rest.split(/[;{}]/).filter((declaration) => COLOUR_LITERAL.test(declaration));
        assert.deepEqual(stray.map((each) => each.trim()), [], `colours outside the :root definitions of ${stylesheets[index]}`);
        assert.deepEqual(colourNames(schemes.dark), colourNames(schemes.light), `the dark scheme of ${stylesheets[index]} defines the same colours`);
      });
    });

    // Merged inside each test that needs it, for the same reason.
    test('defines each colour in one stylesheet only', () => {
      mergeSchemes(stylesheets, parseAll());
    });

    test('every colour is checked and every checked colour is used', () => {
      const schemes = mergeSchemes(stylesheets, parseAll());
      const paired = new Set(pairs.flatMap(([foreground, background]) => [foreground, background]));
      for (const name of Object.keys(schemes.light)) {
        assert.ok(paired.has(name) || unpaired.includes(name), `${name} is in no pair of this test`);
      }
      for (const name of paired) assert.match(schemes.rest, new RegExp(`var\\(\\s*${name}\\s*\\)`), `${name} is not used`);
    });

    for (const scheme of ['light', 'dark']) {
      test(`${scheme} mode passes WCAG AA`, (t) => {
        const schemes = mergeSchemes(stylesheets, parseAll());
        const failures = [];
        for (const [foreground, background, minimum, where] of pairs) {
          const ratio = contrastRatio(resolve(schemes[scheme], foreground), resolve(schemes[scheme], background));
          t.diagnostic(`${foreground} on ${background} (${where}): ${ratio.toFixed(2)}:1`);
          if (ratio < minimum) failures.push(`${foreground} on ${background} (${where}): ${ratio.toFixed(2)}:1 < ${minimum}:1`);
        }
        assert.deepEqual(failures, []);
      });
    }
  });
}
