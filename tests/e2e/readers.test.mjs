// The two readers of a page agree on tables and links: the core's HTML reader
// (core/read_html.cc, what the CLI and `analyze(html, 'html')` use) and the
// content script's extractor (extension/content/extract.js, which reads the
// DOM Chromium built). Each lays out a table itself (a cell's table, column
// and whether it is a column header), and a cell's labels depend on that
// layout: "90 days" is a retention period only under a "Retention period"
// header. Each also finds a block's links, and a link can be where an
// opt-out is. So each page below is read both ways and analysed by the same
// WASM engine, and the clauses must come out the same: kind, text, labels
// and slots, in order.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';
import { createTestEngine } from '../wasm/helpers.mjs';
import { launchPlainChromium } from './support/chromium.mjs';

const page = (body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Privacy Policy</title></head>
<body><main><h1>Privacy Policy</h1>
<p>We keep the information we collect for the periods below.</p>
${body}
</main></body></html>`;

// Table shapes whose cells' columns a reader can get wrong. In each, the
// retention periods sit under a "Retention period" header (labelled) and
// other durations elsewhere (not).
const PAGES = {
  'header row in thead, cells in tbody': page(`
<table><thead><tr><th>Information</th><th>Retention period</th></tr></thead>
<tbody><tr><td>Call recordings</td><td>90 days</td></tr>
<tr><td>Support chats</td><td>18 months</td></tr></tbody></table>`),
  'a cell spanning two rows': page(`
<table><tr><th>Information</th><th>Kind</th><th>Retention period</th></tr>
<tr><td rowspan="2">Calls</td><td>Recordings</td><td>90 days</td></tr>
<tr><td>Transcripts</td><td>30 days</td></tr>
<tr><td>Logs</td><td>Kept for 2 years</td><td>until you delete your account</td></tr></table>`),
  'a header spanning two columns': page(`
<table><tr><th colspan="2">Information</th><th>Retention period</th></tr>
<tr><td>Calls</td><td>Recordings</td><td>90 days</td></tr>
<tr><td colspan="2">Payment records</td><td>7 years</td></tr></table>`),
  'an unclosed thead': page(`
<table><thead><tr><th>Information</th><th>Retention period</th></tr>
<tbody><tr><td>Recordings</td><td>90 days</td></tr></tbody></table>`),
  'cells straight inside the table, after a row': page(`
<table><tr><th>Information</th><th>Retention period</th></tr>
<td>Logs</td><td>18 months</td></table>`),
  'a caption and a colgroup': page(`
<table><caption>How long we keep data (30 days at least)</caption><colgroup><col><col></colgroup>
<tr><th>Information</th><th>Retention period</th></tr>
<tr><td>Recordings</td><td>90 days</td></tr></table>`),
  // The nested table's rows are not the outer table's: counted as its rows,
  // they would end the span of the cell that holds them too early.
  'a table nested in a cell spanning two rows': page(`
<table><tr><th>Information</th><th>Retention period</th></tr>
<tr><td rowspan="2"><table><tr><th>Name</th><th>Duration</th></tr><tr><td>Cookies</td><td>13 months</td></tr></table></td>
<td>90 days</td></tr>
<tr><td>30 days</td></tr></table>`),
  'row headers in the first column': page(`
<table><tr><th>Information</th><th>Retention period</th></tr>
<tr><th scope="row">Recordings</th><td>90 days</td></tr>
<tr><th scope="row">Backups</th><td>35 days</td></tr></table>`),
  'two tables, the second with its header elsewhere': page(`
<table><tr><th>Retention period</th><th>Information</th></tr><tr><td>90 days</td><td>Recordings</td></tr></table>
<table><tr><th>Information</th><th>Notice period</th></tr><tr><td>Changes</td><td>30 days</td></tr></table>`),
};

// Links, which each reader finds itself: an opt-out that says where only
// through a link ("your settings", linked to the settings page) gets the
// link's address as where to opt out. Text before the link holds an emoji
// (the extractor counts UTF-16 code units, the core bytes) and markup. A
// link with no text (a logo) first in a block must not move that block's
// text ahead of the paragraph nested in it (found by a code review).
const LINKS_PAGE = page(`
<div><a href="https://www.example.com/"><img alt="logo"></a><p>We keep your information for 30 days.</p>
Text directly in the div, after a paragraph.</div>
<p>😀 Depending on your <a href="https://x.com/settings/account"><b>privacy</b> settings</a>, we may share your
information with third parties.</p>
<p>Where we rely on legitimate interests you have the right to object, by using
<a href="https://www.example.com/help/ask/objection">this form</a> or as <a href="#rights">section 2</a> says.</p>`);

// A clause as both sides are compared on: its kind, its text with white
// space folded (the readers keep a page's spacing differently), and its
// labels' ids with their slots.
const summary = (analysis) =>
  analysis.clauses.map(({ kind, text, labels }) => ({
    kind,
    text: text.replace(/\s+/g, ' ').trim(),
    labels: labels.map(({ id, slots }) => `${id} ${JSON.stringify(slots)}`).sort(),
  }));

// Both readings of `html`: the content script's blocks, analysed, and the
// core's HTML reader's.
async function readBothWays(tab, extractScript, engine, html) {
  await tab.setContent(html);
  await tab.addScriptTag({ content: extractScript });
  // What content.js sends the background.
  const extracted = await tab.evaluate(() => {
    const { title, blocks } = globalThis.fineprint.extractBlocks();
    return { title, blocks: globalThis.fineprint.blocksForCore(blocks) };
  });
  return { fromDom: summary(engine.analyzeBlocks(extracted)), fromHtml: summary(engine.analyze(html, 'html')) };
}

describe('the core and the content script read tables and links alike', () => {
  let browser;
  let tab;
  let engine;
  let extractScript;

  before(async () => {
    [browser, engine, extractScript] = await Promise.all([
      launchPlainChromium(),
      createTestEngine(),
      readFile(path.join(repoRoot, 'extension', 'content', 'extract.js'), 'utf8'),
    ]);
    tab = await browser.newPage();
  });

  after(async () => {
    engine?.delete();
    await browser?.close();
  });

  for (const [name, html] of Object.entries(PAGES)) {
    test(name, async () => {
      const { fromDom, fromHtml } = await readBothWays(tab, extractScript, engine, html);
      assert.deepEqual(fromDom, fromHtml);
      // The pages are built so that the layout matters: some cell is labelled
      // for its column.
      assert.ok(
        fromHtml.some(({ kind, labels }) => kind === 'table_cell' && labels.length > 0),
        JSON.stringify(fromHtml),
      );
    });
  }

  test('links: where to opt out, found through the link', async () => {
    const { fromDom, fromHtml } = await readBothWays(tab, extractScript, engine, LINKS_PAGE);
    assert.deepEqual(fromDom, fromHtml);
    const where = fromHtml.flatMap(({ labels }) =>
      labels.filter((label) => label.startsWith('choice.opt_out ')).map((label) => JSON.parse(label.slice(label.indexOf(' ') + 1)).opt_out_where));
    assert.deepEqual(where, ['https://x.com/settings/account', 'https://www.example.com/help/ask/objection']);
  });
});
