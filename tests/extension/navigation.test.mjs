// Table-of-contents detection in content/extract.js: which extracted blocks
// are navigation (sent with navigation: true, so the core labels none of
// them). The walk over the DOM gathers, per block, whether it has text inside
// in-page links and text outside them; the decisions on those facts need no
// DOM and are tested here with plain objects.
//
// extract.js is a classic script attaching to globalThis.fineprint; it reads
// Node's node-type constants and Element.prototype as it loads, so the vm
// context gets those two and nothing else of a browser.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';

const context = vm.createContext({ Node: { TEXT_NODE: 3, ELEMENT_NODE: 1 }, Element: class Element {}, URL });
vm.runInContext(readFileSync(path.join(repoRoot, 'extension/content/extract.js'), 'utf8'), context);
const { markNavigation, isInPageHref, isNumbering } = context.fineprint;

// A block as the walk leaves it. link: text inside in-page links; other:
// text outside them that is not list numbering.
const item = (list, { link = true, other = false } = {}) => ({ kind: 'list_item', list, linkText: link, otherText: other });
const paragraph = ({ link = false, other = true } = {}) => ({ kind: 'paragraph', list: null, linkText: link, otherText: other });

// The navigation flags markNavigation sets, in block order.
function navigation(blocks) {
  markNavigation(blocks, (block) => block.list);
  return blocks.map((block) => block.navigation);
}

describe('markNavigation', () => {
  test('a list of in-page links is a table of contents', () => {
    assert.deepEqual(navigation([item('toc'), item('toc'), item('toc')]), [true, true, true]);
  });

  test('a list whose items say something of their own is not', () => {
    const blocks = [item('a', { link: true, other: true }), item('a', { link: true, other: true }), item('a', { link: false, other: true })];
    assert.deepEqual(navigation(blocks), [false, false, false]);
  });

  test('a contents list keeps its odd group title that is not a link (3 of 4 items are links)', () => {
    const blocks = [item('toc', { link: false, other: true }), item('toc'), item('toc'), item('toc')];
    assert.deepEqual(navigation(blocks), [true, true, true, true]);
  });

  test('below three quarters of link entries the list is content; its link entries stay navigation', () => {
    // 2 entries of 3 items: 0.67 < 0.75.
    const blocks = [item('mixed'), item('mixed'), item('mixed', { link: false, other: true })];
    assert.deepEqual(navigation(blocks), [true, true, false]);
  });

  test('one link entry does not make a table of contents of its list', () => {
    const blocks = [item('pair'), item('pair', { link: false, other: true })];
    assert.deepEqual(navigation(blocks), [true, false]);
    // Even a list of one link: the entry alone is navigation, nothing more.
    assert.deepEqual(navigation([item('one')]), [true]);
  });

  test('lists are judged apart', () => {
    const blocks = [item('toc'), item('toc'), item('body', { link: false, other: true }), item('body', { link: false, other: true })];
    assert.deepEqual(navigation(blocks), [true, true, false, false]);
  });

  test('a paragraph of in-page links only is navigation; one with its own words is not', () => {
    assert.deepEqual(navigation([paragraph({ link: true, other: false }), paragraph({ link: true, other: true }), paragraph()]),
      [true, false, false]);
  });

  test('a heading is never navigation, even a heading that is a link', () => {
    const blocks = [{ kind: 'heading', linkText: true, otherText: false }, item('toc'), item('toc')];
    assert.deepEqual(navigation(blocks), [false, true, true]);
  });

  test('a list item outside any list counts alone', () => {
    assert.deepEqual(navigation([item(null), item(null, { link: false, other: true })]), [true, false]);
  });

  test('blocks flagged by an earlier run are judged afresh', () => {
    const blocks = [{ ...paragraph(), navigation: true }];
    assert.deepEqual(navigation(blocks), [false]);
  });
});

describe('isNumbering: text beside a contents link that does not count as words', () => {
  for (const text of ['', ' ', '1.', '12. ', '3.2', '(a)', 'b)', ' · ', '—', '|', '4:', 'i.']) {
    test(JSON.stringify(text), () => assert.equal(isNumbering(text), true));
  }
  for (const text of ['Section', 'see', '1. Data', 'and', '(ab)', 'Last updated']) {
    test(`not ${JSON.stringify(text)}`, () => assert.equal(isNumbering(text), false));
  }
});

describe('isInPageHref', () => {
  const page = 'https://example.com/legal/privacy?lang=en#top';
  const cases = [
    ['#sharing', 'https://example.com/legal/privacy?lang=en#sharing', true],
    ['#', 'https://example.com/legal/privacy?lang=en#', false],
    ['/legal/privacy#sharing', 'https://example.com/legal/privacy#sharing', true], // any query
    ['?lang=fr#sharing', 'https://example.com/legal/privacy?lang=fr#sharing', true],
    ['/legal/terms#sharing', 'https://example.com/legal/terms#sharing', false], // another page
    ['https://other.example/legal/privacy#sharing', 'https://other.example/legal/privacy#sharing', false],
    ['http://example.com/legal/privacy#sharing', 'http://example.com/legal/privacy#sharing', false], // another origin
    ['/legal/privacy', 'https://example.com/legal/privacy', false], // no fragment
    ['javascript:void(0)', 'javascript:void(0)', false],
    ['not a url', 'not a url', false], // unparsable resolved href
  ];
  for (const [attribute, resolved, expected] of cases) {
    test(`${attribute} -> ${expected}`, () => assert.equal(isInPageHref(attribute, resolved, page), expected));
  }
});

// Which links extract.js sends the core as a block's links (where an opt-out
// may be): a link to another page or an e-mail address, never one to the
// page itself ("#" on a consent-settings button, a query, the page's own URL:
// found by a code review).
describe('isOutgoingHref', () => {
  const page = 'https://example.com/legal/privacy?lang=en#top';
  const cases = [
    ['https://example.com/settings/privacy', true],
    ['https://accounts.example.com/legal/privacy', true], // another origin
    ['mailto:privacy@example.com', true],
    ['https://example.com/legal/privacy#', false],
    ['https://example.com/legal/privacy?x=1', false],
    ['https://example.com/legal/privacy', false],
    ['javascript:void(0)', false],
    ['tel:+15551234', false],
    ['not a url', false],
    ['https://', false], // the scheme alone does not parse
  ];
  const { isOutgoingHref } = context.fineprint;
  for (const [href, expected] of cases) {
    test(`${href} -> ${expected}`, () => assert.equal(isOutgoingHref(href, page), expected));
  }
});
