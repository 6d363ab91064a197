// "What changed since your last visit", as a file: the popup's Export. Pure
// functions (no browser API), so they run and are tested under Node.
//
// The input is what the background answers to GET_TAB_CHANGES:
//   {url, title, comparison: {fromDate, toDate, at, diff} | null, versions}
// where diff is the engine's (fineprint.diff/1: summary and changes).

export const CHANGES_SCHEMA = 'fineprint.changes/1';

// The report both formats are written from; null when there is no
// comparison (nothing changed, or a first visit).
export function changeReport(changes) {
  const comparison = changes?.comparison;
  if (!comparison?.diff) return null;
  const diff = comparison.diff;
  return {
    schema: CHANGES_SCHEMA,
    document: { url: changes.url ?? '', title: changes.title ?? '' },
    versions: { from: comparison.fromDate, to: comparison.toDate },
    comparedAt: comparison.at ?? null,
    summary: (diff.summary ?? []).map(({ label, family, change, severity, note, before, after }) => ({
      label,
      family: family ?? null,
      change: change ?? null,
      severity,
      note,
      before: before ?? null,
      after: after ?? null,
    })),
    clauses: (diff.changes ?? []).map((change) => ({
      kind: change.kind,
      labelsBefore: change.labels_before ?? [],
      labelsAfter: change.labels_after ?? [],
      before: change.old?.text ?? null,
      after: change.new?.text ?? null,
      words: Array.isArray(change.words) ? change.words.map(({ op, text }) => ({ op, text })) : [],
    })),
  };
}

export function toJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// Page text as Markdown text: nothing in it can become markup (emphasis,
// links, HTML, headings, list items) and it stays on one line.
export function escapeMarkdown(text) {
  return String(text)
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_~[\]<>#|!{}]/g, '\\$&')
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

// Emphasis markers must touch the text they wrap ("** x**" is not bold), so
// the wrapped run's outer spaces go outside them.
function wrap(marker, text) {
  const [, lead, middle, trail] = /^(\s*)(.*?)(\s*)$/s.exec(text);
  if (middle === '') return text;
  return `${lead}${marker}${escapeMarkdown(middle)}${marker}${trail}`;
}

function wordsToMarkdown(words) {
  return words
    .map(({ op, text }) => {
      if (op === 'insert') return wrap('**', text);
      if (op === 'delete') return wrap('~~', text);
      return escapeMarkdown(text);
    })
    .join('');
}

// The words for severities and change kinds, in the language of `t`: what
// the popup shows and the Markdown export writes.
export function changeWords(t) {
  return {
    severityWords: {
      alert: t('severityAlert'),
      caution: t('severityCaution'),
      info: t('severityInfo'),
      good: t('severityGood'),
    },
    kindWords: { added: t('kindAdded'), removed: t('kindRemoved'), modified: t('kindModified'), moved: t('kindMoved') },
  };
}

// The report as Markdown, in the language of `t` (the i18n lookup:
// t(key, ...substitutions)).
export function toMarkdown(report, t) {
  const { severityWords, kindWords } = changeWords(t);
  const { document, versions } = report;
  const lines = [`# ${escapeMarkdown(t('exportTitle', document.title || document.url))}`, ''];
  if (document.url) lines.push(`- ${t('exportDocument')}: <${document.url.replace(/[<>\s]/g, encodeURIComponent)}>`);
  lines.push(`- ${escapeMarkdown(t('exportVersions', versions.from, versions.to))}`, '');

  lines.push(`## ${t('exportSummary')}`, '');
  if (report.summary.length === 0) lines.push(escapeMarkdown(t('onlyWording')));
  for (const item of report.summary) {
    lines.push(`- **${escapeMarkdown(severityWords[item.severity] ?? item.severity)}:** ${escapeMarkdown(item.note)}`);
  }
  lines.push('');

  lines.push(`## ${escapeMarkdown(t('exportClauses', report.clauses.length))}`, '');
  report.clauses.forEach((clause, index) => {
    lines.push(`### ${index + 1}. ${escapeMarkdown(kindWords[clause.kind] ?? clause.kind)}`, '');
    if (clause.labelsBefore.length + clause.labelsAfter.length > 0) {
      const list = (labels) => (labels.length > 0 ? labels.map((label) => `\`${label}\``).join(', ') : t('exportNoLabels'));
      lines.push(`${t('exportLabels')}: ${list(clause.labelsBefore)} → ${list(clause.labelsAfter)}`, '');
    }
    if (clause.before !== null) lines.push(`${t('exportBefore')}:`, '', `> ${escapeMarkdown(clause.before)}`, '');
    if (clause.after !== null) lines.push(`${t('exportAfter')}:`, '', `> ${escapeMarkdown(clause.after)}`, '');
    if (clause.words.length > 0) lines.push(`${t('exportWords')}: ${wordsToMarkdown(clause.words)}`, '');
  });
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

// "fineprint-changes-x.com-2024-11-16.md": the site and the newer date.
export function exportFileName(report, extension) {
  let host = 'page';
  try {
    host = new URL(report.document.url).hostname || host;
  } catch {
    // Not a URL: the generic name.
  }
  const safe = (text) => String(text).replace(/[^A-Za-z0-9.-]+/g, '-');
  return `fineprint-changes-${safe(host)}-${safe(report.versions.to)}.${extension}`;
}
