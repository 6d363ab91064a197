// The popup's export of what changed (extension/shared/export.js) in Node:
// the report, its JSON and Markdown (short golden strings, in English and
// Dutch from the real _locales), Markdown escaping of page text, file names.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/build-extension.mjs';
import { CHANGES_SCHEMA, changeReport, escapeMarkdown, exportFileName, toJson, toMarkdown } from '../../extension/shared/export.js';

// chrome.i18n.getMessage over a locale's messages.json: $ARGn$ placeholders
// whose content is $n.
async function translator(locale) {
  const messages = JSON.parse(await readFile(path.join(repoRoot, 'extension', '_locales', locale, 'messages.json'), 'utf8'));
  return (key, ...substitutions) => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key} in ${locale}`);
    return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name) => {
      const content = entry.placeholders[name.toLowerCase()].content;
      return String(substitutions[Number(content.slice(1)) - 1]);
    });
  };
}

// What GET_TAB_CHANGES answers, with a diff shaped as the engine's.
const changes = {
  url: 'https://x.com/en/privacy',
  title: 'X Privacy Policy',
  status: 'changed',
  versions: [{ date: '2024-07-25' }, { date: '2024-11-16' }],
  comparison: {
    fromDate: '2024-07-25',
    toDate: '2024-11-16',
    at: '2024-11-16T09:00:00.000Z',
    diff: {
      schema: 'fineprint.diff/1',
      summary: [
        {
          label: 'ai_training.third_party',
          family: 'ai_training',
          change: 'added',
          severity: 'alert',
          note: 'A new clause lets other companies train AI on your data',
          before: null,
          after: 'the recipients may use it to train their AI models',
          changes: [1],
        },
      ],
      changes: [
        {
          kind: 'modified',
          labels_before: ['retention.fixed_period'],
          labels_after: ['retention.fixed_period'],
          old: { start: 0, end: 30, text: 'We keep it for 18 months.' },
          new: { start: 0, end: 30, text: 'We keep it for *24* months.' },
          words: [
            { op: 'equal', text: 'We keep it for ' },
            { op: 'delete', text: '18' },
            { op: 'insert', text: '*24*' },
            { op: 'equal', text: ' months.' },
          ],
        },
        {
          kind: 'added',
          labels_before: [],
          labels_after: ['ai_training.third_party'],
          old: null,
          new: { start: 40, end: 90, text: 'The recipients may use it to train their AI models.' },
        },
      ],
    },
  },
};

test('the report carries the document, the dates compared, the summary and every changed clause', () => {
  const report = changeReport(changes);
  assert.equal(report.schema, CHANGES_SCHEMA);
  assert.deepEqual(report.document, { url: 'https://x.com/en/privacy', title: 'X Privacy Policy' });
  assert.deepEqual(report.versions, { from: '2024-07-25', to: '2024-11-16' });
  assert.deepEqual(report.summary[0], {
    label: 'ai_training.third_party',
    family: 'ai_training',
    change: 'added',
    severity: 'alert',
    note: 'A new clause lets other companies train AI on your data',
    before: null,
    after: 'the recipients may use it to train their AI models',
  });
  assert.deepEqual(report.clauses[1], {
    kind: 'added',
    labelsBefore: [],
    labelsAfter: ['ai_training.third_party'],
    before: null,
    after: 'The recipients may use it to train their AI models.',
    words: [],
  });
  assert.equal(report.clauses[0].words.length, 4);
  assert.deepEqual(JSON.parse(toJson(report)), report);
  assert.ok(toJson(report).endsWith('}\n'));
});

test('nothing to export without a comparison', () => {
  assert.equal(changeReport(null), null);
  assert.equal(changeReport({ ...changes, comparison: null }), null);
});

test('Markdown, in English', async () => {
  const markdown = toMarkdown(changeReport(changes), await translator('en'));
  assert.equal(
    markdown,
    `# What changed in X Privacy Policy

- Document: <https://x.com/en/privacy>
- Versions compared: 2024-07-25 → 2024-11-16

## Summary

- **Watch out:** A new clause lets other companies train AI on your data

## Changed clauses (2)

### 1. Changed

Labels: \`retention.fixed_period\` → \`retention.fixed_period\`

Before:

> We keep it for 18 months.

After:

> We keep it for \\*24\\* months.

Word changes: We keep it for ~~18~~**\\*24\\*** months.

### 2. Added

Labels: none → \`ai_training.third_party\`

After:

> The recipients may use it to train their AI models.
`,
  );
});

test('Markdown, in Dutch, and only wording changed', async () => {
  const wordingOnly = structuredClone(changes);
  wordingOnly.comparison.diff.summary = [];
  wordingOnly.comparison.diff.changes = [wordingOnly.comparison.diff.changes[1]];
  wordingOnly.comparison.diff.changes[0].labels_after = [];
  assert.equal(
    toMarkdown(changeReport(wordingOnly), await translator('nl')),
    `# Wat er veranderd is in X Privacy Policy

- Document: <https://x.com/en/privacy>
- Vergeleken versies: 2024-07-25 → 2024-11-16

## Samenvatting

Alleen de formulering is veranderd; niets wat Fineprint markeert.

## Gewijzigde bepalingen (1)

### 1. Toegevoegd

Nieuwe versie:

> The recipients may use it to train their AI models.
`,
  );
});

test('page text never becomes Markdown markup', () => {
  assert.equal(escapeMarkdown('a *b* _c_ `d` [e](f) <img src=x> # g | h ~~i~~'), 'a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<img src=x\\> \\# g \\| h \\~\\~i\\~\\~');
  assert.equal(escapeMarkdown('# Heading'), '\\# Heading');
  assert.equal(escapeMarkdown('- item'), '\\- item');
  assert.equal(escapeMarkdown('12. item'), '12\\. item');
  assert.equal(escapeMarkdown('one\nline\n\n> quote'), 'one line \\> quote');
});

test('word changes keep spaces outside the emphasis markers', async () => {
  const report = changeReport(changes);
  report.clauses = [{ ...report.clauses[0], words: [
    { op: 'equal', text: 'keep' },
    { op: 'insert', text: ' all ' },
    { op: 'delete', text: ' ' },
    { op: 'equal', text: 'data' },
  ] }];
  assert.match(toMarkdown(report, await translator('en')), /^Word changes: keep \*\*all\*\*  data$/m);
});

test('file names name the site and the newer date', () => {
  const report = changeReport(changes);
  assert.equal(exportFileName(report, 'md'), 'fineprint-changes-x.com-2024-11-16.md');
  assert.equal(exportFileName({ ...report, document: { url: 'not a url', title: '' } }, 'json'), 'fineprint-changes-page-2024-11-16.json');
});
