// The popup only renders: it asks the background for the active tab's
// analysis status, and asks it to analyse the tab when the button is pressed.
import { api } from '../browser/api.js';
import { download } from '../shared/download.js';
import { changeReport, changeWords, exportFileName, toJson, toMarkdown } from '../shared/export.js';
import { localisePage, t } from '../shared/i18n.js';
import { Message } from '../shared/messages.js';

localisePage();
document.getElementById('export').setAttribute('aria-label', t('popupExportGroup'));

const statusLine = document.getElementById('status');
const analyzeButton = document.getElementById('analyze');

function describe(status) {
  switch (status.phase) {
    case 'not-analyzed':
      return t('statusNotAnalyzed');
    case 'analyzing':
      return t('statusAnalyzing');
    case 'skipped':
      // The page's own run stopped short; the button still reads it.
      if (status.reason === 'auto-run-off') return t('popupSkippedAutoRunOff');
      if (status.reason === 'not-a-policy') return t('popupSkippedNotPolicy');
      return t('popupSkipped', status.reason);
    case 'done':
      if (status.noted === 0) return t('statusNothing', status.clauses);
      return t('statusNoted', status.noted, status.clauses);
    default:
      return t('statusError', status.error ?? t('statusUnknownError'));
  }
}

function render(status) {
  statusLine.dataset.phase = status.phase;
  statusLine.textContent = describe(status);
  analyzeButton.disabled = status.phase === 'analyzing';
}

async function ask(message) {
  const reply = await api.runtime.sendMessage(message);
  if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
  return reply.status;
}

// The tab to show: ?tab=<id> when the popup is opened as a page (tests,
// keyboard users), else the active tab of this window.
async function activeTabId() {
  const requested = Number.parseInt(new URLSearchParams(location.search).get('tab') ?? '', 10);
  if (Number.isInteger(requested)) return requested;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new Error('no active tab');
  return tab.id;
}

async function analyze() {
  render({ phase: 'analyzing' });
  try {
    const tabId = await activeTabId();
    render(await ask({ type: Message.ANALYZE_TAB, tabId }));
    await showChanges(tabId);
  } catch (error) {
    // Browser pages, the web store and file:// URLs refuse injection.
    render({ phase: 'error', error: error.message });
  }
}

analyzeButton.addEventListener('click', analyze);

// ---- What changed since the last visit -------------------------------------

const changesSection = document.getElementById('changes');

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

const { severityWords: SEVERITY_WORDS, kindWords: KIND_WORDS } = changeWords(t);

// One changed clause: word-level insertions and deletions when the core gave
// them, else the whole old or new text. Page text only ever becomes text.
function renderChange(change) {
  const item = element('li');
  item.dataset.kind = change.kind;
  item.append(element('span', KIND_WORDS[change.kind] ?? change.kind, { class: 'change-kind' }));
  const body = element('span', undefined, { class: 'change-text' });
  if (Array.isArray(change.words) && change.words.length > 0) {
    for (const { op, text } of change.words) {
      if (op === 'insert') body.append(element('ins', text));
      else if (op === 'delete') body.append(element('del', text));
      else body.append(document.createTextNode(text));
    }
  } else if (change.kind === 'removed') {
    body.append(element('del', change.old?.text ?? ''));
  } else if (change.kind === 'added') {
    body.append(element('ins', change.new?.text ?? ''));
  } else {
    body.append(document.createTextNode(change.new?.text ?? change.old?.text ?? ''));
  }
  item.append(body);
  return item;
}

const hasLabels = (change) => (change.labels_before?.length ?? 0) + (change.labels_after?.length ?? 0) > 0;

// The report behind the Export buttons: the comparison shown, or null.
let shownReport = null;

function renderChanges(changes) {
  shownReport = changeReport(changes);
  document.getElementById('export').hidden = shownReport === null;
  // A page never remembered (not a policy, or nothing of note on it) has
  // nothing to show here.
  if (!changes || (!changes.comparison && changes.versions.length === 0 && changes.errors.length === 0)) {
    changesSection.hidden = true;
    return;
  }
  changesSection.hidden = false;
  const heading = document.getElementById('changes-heading');
  const summary = document.getElementById('summary');
  const clauses = document.getElementById('clauses');
  const clausesHeading = document.getElementById('clauses-heading');
  const others = document.getElementById('other-clauses');
  const otherBox = document.getElementById('other-box');
  summary.replaceChildren();
  clauses.replaceChildren();
  others.replaceChildren();
  clausesHeading.hidden = true;
  otherBox.hidden = true;
  const comparison = changes.comparison;
  const latest = changes.versions.at(-1);
  if (comparison) {
    heading.textContent = t('changesSince', comparison.fromDate);
    for (const item of comparison.diff.summary ?? []) {
      // The severity in words as well as in colour.
      const line = element('li');
      line.append(element('span', `${SEVERITY_WORDS[item.severity] ?? item.severity}:`, { class: 'severity-word' }), item.note);
      line.dataset.severity = item.severity;
      line.dataset.label = item.label;
      summary.append(line);
    }
    if ((comparison.diff.summary ?? []).length === 0) summary.append(element('li', t('onlyWording')));
    // Clauses that carry labels (before or after) in full; wording-only
    // edits folded away below them.
    const labelled = comparison.diff.changes.filter(hasLabels);
    const wording = comparison.diff.changes.filter((change) => !hasLabels(change));
    for (const change of labelled) clauses.append(renderChange(change));
    for (const change of wording) others.append(renderChange(change));
    clausesHeading.textContent = t('changedClauses', labelled.length);
    clausesHeading.hidden = labelled.length === 0;
    document.getElementById('other-heading').textContent = t('otherEdits', wording.length);
    otherBox.hidden = wording.length === 0;
  } else if (changes.versions.length > 1 || changes.status === 'unchanged') {
    const date = changes.versions.at(-1)?.date;
    heading.textContent = date ? t('noChangesSince', date) : t('noChangesSinceLastVisit');
  } else {
    heading.textContent = latest ? t('firstSeen', latest.date) : t('notRemembered');
  }
  const timeline = document.getElementById('timeline');
  timeline.replaceChildren(
    ...changes.versions.map((version) => {
      const seen = typeof version.seenAt === 'string' ? ` ${version.seenAt.slice(11, 16)} UTC` : '';
      const last = version.lastSeenAt ? t('lastSeen', version.lastSeenAt.slice(0, 10)) : '';
      return element('li', `${version.date}${seen}${last}${version.corrupt ? t('damagedCopy') : ''}`);
    }),
  );
  document.getElementById('errors').replaceChildren(...changes.errors.map((error) => element('li', error)));
}

// ---- Export, options, keyboard ----------------------------------------------

const exportStatus = document.getElementById('export-status');

function exportShown(text, fileName, type) {
  download(text, fileName, type);
  exportStatus.textContent = t('popupExported', fileName);
}

document.getElementById('export-markdown').addEventListener('click', () => {
  if (shownReport) exportShown(toMarkdown(shownReport, t), exportFileName(shownReport, 'md'), 'text/markdown;charset=utf-8');
});
document.getElementById('export-json').addEventListener('click', () => {
  if (shownReport) exportShown(toJson(shownReport), exportFileName(shownReport, 'json'), 'application/json');
});

document.getElementById('open-options').addEventListener('click', async () => {
  try {
    await api.runtime.openOptionsPage();
    window.close();
  } catch (error) {
    render({ phase: 'error', error: error.message });
  }
});

// Escape closes what was opened (the folded edits); with nothing open the
// browser's own Escape closes the popup.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const open = event.target instanceof Element ? event.target.closest('details[open]') : null;
  if (!open) return;
  event.preventDefault();
  open.open = false;
  open.querySelector('summary').focus();
});

async function showChanges(tabId) {
  try {
    const reply = await api.runtime.sendMessage({ type: Message.GET_TAB_CHANGES, tabId });
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
    renderChanges(reply.changes);
  } catch (error) {
    renderChanges({ comparison: null, versions: [], status: 'error', errors: [error.message] });
  }
}

try {
  const tabId = await activeTabId();
  const status = await ask({ type: Message.GET_TAB_STATUS, tabId });
  render(status);
  if (status.phase !== 'not-analyzed') await showChanges(tabId);
} catch (error) {
  render({ phase: 'error', error: error.message });
}
