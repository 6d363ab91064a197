// The test pages the end-to-end tests open, served from 127.0.0.1 only.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { marked } from 'marked';
import { repoRoot } from '../../../scripts/build-extension.mjs';

export const corpusRoot = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const X_PRIVACY_2024 = path.join(corpusRoot, 'policies', 'x-twitter', 'privacy-policy', '2024-11-16.md');
// The version before it: the November 2024 one added the AI-training clause.
// (2024-10-17 already has it: that capture holds the upcoming text too.)
export const X_PRIVACY_2024_07 = path.join(corpusRoot, 'policies', 'x-twitter', 'privacy-policy', '2024-07-25.md');
// The largest document of the corpus (about 200 KB of Markdown).
export const META_PRIVACY = path.join(corpusRoot, 'policies', 'meta-facebook', 'privacy-policy', '2025-05-28.md');

// The clause the product exists for (X privacy policy, Nov 2024), and the
// labels the core's rule pack must give it.
export const AI_TRAINING_PHRASE = 'to train their artificial intelligence models';
export const AI_TRAINING_LABELS = ['ai_training.third_party', 'choice.default_on'];
// That clause's full text, for pages that place it in markup of their own.
const AI_TRAINING_CLAUSE =
  'If you do not opt out, in some instances the recipients of the information may use it for their own ' +
  'independent purposes in addition to those stated in X’s Privacy Policy, including, for example, ' +
  'to train their artificial intelligence models, whether generative or otherwise.';

export const STRICT_CSP = "default-src 'none'; style-src 'unsafe-inline'";

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// A page shaped like a real policy site: site header and navigation, the
// document in <main>, a site footer. The chrome around the document repeats
// the AI-training clause so the tests can check it is not analysed there.
function policyPage({ title, bodyHtml }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 Georgia, serif; margin: 0; color: #1a1a1a; background: #fff; }
  header, footer { background: #f1f1f1; padding: 0.5rem 2rem; font: 13px/1.4 sans-serif; }
  main { max-width: 46rem; margin: 0 auto; padding: 1rem 2rem 4rem; }
  table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3rem; }
</style>
</head>
<body>
<header><nav><a href="/">Home</a> · <a href="/tos">Terms</a> · <span id="nav-clause">${escapeHtml(AI_TRAINING_CLAUSE)}</span></nav>
<p id="banner-clause">${escapeHtml(AI_TRAINING_CLAUSE)}</p></header>
<main><article>
${bodyHtml}
</article></main>
<footer><p id="footer-clause">${escapeHtml(AI_TRAINING_CLAUSE)}</p></footer>
</body>
</html>`;
}

// A corpus document (Markdown) as a policy page.
async function markdownPolicyPage(file, title) {
  return policyPage({ title, bodyHtml: marked.parse(await readFile(file, 'utf8')) });
}

const xPrivacyPage = (file = X_PRIVACY_2024) => markdownPolicyPage(file, 'X Privacy Policy');

// Markup shapes extraction and painting must cope with: a clause running
// through emphasis and a link, a line break, a list, a table, a cell that
// says something only under its column's header ("90 days" under
// "Retention period", one of them after a cell spanning two rows, and the
// <thead> left unclosed: the content script gives each cell its column and
// header), and copies of
// the clause that must not be analysed (hidden, in a script-free template).
function markupPage() {
  const [beforeLink, afterLink] = AI_TRAINING_CLAUSE.split('X’s Privacy Policy');
  const spanning =
    escapeHtml(beforeLink).replace('do not opt out', 'do <em>not</em> opt out') +
    '<a id="policy-link" href="https://x.com/en/privacy">X’s <strong>Privacy</strong> Policy</a>' +
    escapeHtml(afterLink);
  const bodyHtml = `
<h1>Markup shapes</h1>
<p id="spanning">Third-party collaborators. ${spanning}</p>
<p id="with-break">We keep some data<br>about you for different periods of time.</p>
<ul><li id="list-item">${escapeHtml(AI_TRAINING_CLAUSE)}</li></ul>
<table><tr><th>Use</th><td id="table-cell">${escapeHtml(AI_TRAINING_CLAUSE)}</td></tr></table>
<table><thead><tr><th>Information</th><th>Kind</th><th>Retention period</th></tr>
<tbody><tr><td rowspan="2">Calls</td><td>Recordings</td><td id="retention-cell">90 days</td></tr>
<tr><td>Transcripts</td><td id="retention-cell-below">30 days</td></tr></tbody></table>
<div id="hidden-clause" style="display:none"><p>${escapeHtml(AI_TRAINING_CLAUSE)}</p></div>
<p id="hidden-attribute" hidden>${escapeHtml(AI_TRAINING_CLAUSE)}</p>
<p id="markup-in-text">A clause with &lt;b&gt;markup&lt;/b&gt; as text: ${escapeHtml(AI_TRAINING_CLAUSE)}</p>`;
  return policyPage({ title: 'Markup shapes', bodyHtml });
}

function notAPolicyPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sourdough at home</title></head>
<body><main>
<h1>Sourdough at home</h1>
<p>Mix the flour and water and let the dough rest for an hour before adding the starter.</p>
<p>Fold the dough every half hour, then shape it and leave it in the fridge overnight.</p>
<ul><li>500 g bread flour</li><li>350 g water</li><li>100 g starter</li><li>10 g salt</li></ul>
<p>Bake at 250 °C in a covered pot for twenty minutes, then uncovered until deep brown.</p>
</main></body></html>`;
}

// A page that shows only its shell at first (a loading line, or nothing)
// and inserts the policy's <main> 1 s after load, as pages that render on
// the client do.
// With `whileFirstRun`, the policy comes instead as soon as the content
// script's first run has begun (its performance mark), while that run's
// request is with the background: the shell must then be enough to send
// one (a policy's opening, which passes the policy check).
function latePolicyPage(fullPage, shell = '<p>Loading…</p>', { whileFirstRun = false } = {}) {
  const main = /<main>[\s\S]*<\/main>/.exec(fullPage)[0];
  const insertWhen = whileFirstRun
    ? `const waitForRun = setInterval(() => {
    if (performance.getEntriesByName('fineprint:content-start').length === 0) return;
    clearInterval(waitForRun);
    insert();
  }, 1);`
    : 'setTimeout(insert, 1000);';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>X Privacy Policy (late)</title></head>
<body><div id="root">${shell}</div>
<template id="later">${main}</template>
<script>
  function insert() {
    const root = document.getElementById('root');
    root.replaceChildren(document.getElementById('later').content.cloneNode(true));
    // When the text arrived, for the tests to compare with the run that painted.
    document.documentElement.dataset.insertedAt = String(performance.now());
  }
  ${insertWhen}
</script>
</body></html>`;
}

// The opening of X's privacy policy (November 2024), up to "3. Sharing
// Information": a policy by the policy check's measure, without the
// AI-training clause, which comes in that section.
async function xPrivacyOpening() {
  const markdown = await readFile(X_PRIVACY_2024, 'utf8');
  // (The table of contents near the top names the section too.)
  const opening = markdown.slice(0, markdown.indexOf('3\\. Sharing Information\n---'));
  if (opening.includes(AI_TRAINING_PHRASE)) throw new Error('the opening of the X policy holds the AI-training clause');
  return marked.parse(opening);
}

// Starts the test page server on an ephemeral port of 127.0.0.1. Resolves to
// {origin, close()}; the pages are rendered once, up front.
export async function startPageServer() {
  const xNovember = await xPrivacyPage(X_PRIVACY_2024);
  const xJuly = await xPrivacyPage(X_PRIVACY_2024_07);
  const pages = new Map([
    ['/x-privacy', { html: xNovember }],
    ['/x-privacy-strict-csp', { html: xNovember, headers: { 'Content-Security-Policy': STRICT_CSP } }],
    ['/markup', { html: markupPage() }],
    ['/not-a-policy', { html: notAPolicyPage() }],
    // Serves whichever version setVersion chose: one URL, a changing document.
    ['/x-history', { html: xJuly }],
    ['/late-policy', { html: latePolicyPage(xNovember) }],
    ['/late-policy-blank', { html: latePolicyPage(xNovember, '') }],
    ['/late-policy-while-first-run', { html: latePolicyPage(xNovember, await xPrivacyOpening(), { whileFirstRun: true }) }],
    ['/meta-privacy', { html: await markdownPolicyPage(META_PRIVACY, 'Meta Privacy Policy') }],
    // The X policy at a URL with no policy word in it: nothing runs by
    // itself there, only the popup's button.
    ['/x-document', { html: xNovember }],
  ]);
  const versions = new Map([
    ['2024-07-25', xJuly],
    ['2024-11-16', xNovember],
  ]);
  const server = http.createServer((request, response) => {
    const page = pages.get(new URL(request.url, 'http://127.0.0.1').pathname);
    if (!page) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...page.headers }).end(page.html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    renderedPage: (pathname) => pages.get(pathname).html,
    // Makes /x-history serve the X privacy policy of `date`.
    setVersion: (date) => {
      pages.get('/x-history').html = versions.get(date);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
