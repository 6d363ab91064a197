// The options page only renders: the settings, the stored history's export,
// import and clearing are all done by the background (settings.js,
// history.js), asked through the messages in shared/messages.js. Whatever
// goes wrong there comes back here and is shown, never dropped.
import { api } from '../browser/api.js';
import { download } from '../shared/download.js';
import { localisePage, t } from '../shared/i18n.js';
import { Message } from '../shared/messages.js';

localisePage();

const autoRunBox = document.getElementById('auto-run');
const familyBoxes = [...document.querySelectorAll('input[data-family]')];
const problemList = document.getElementById('problems');
const statusLine = document.getElementById('status');
const exportButton = document.getElementById('export');
const importButton = document.getElementById('import');
const importFile = document.getElementById('import-file');
const clearButton = document.getElementById('clear');
const confirmDialog = document.getElementById('confirm-clear');

// An export file is a few megabytes at most (the history's budget is 4 MB):
// anything far larger is not one, and is not read into memory.
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

// Replies with ok false carry `error` (the router) or `code` and `detail`
// (an import the background refused); both are handed to the caller.
async function send(message) {
  const reply = await api.runtime.sendMessage(message);
  if (!reply) throw new Error(t('optionsNoReply'));
  return reply;
}

function say(text) {
  statusLine.textContent = text;
}

function showProblems(texts) {
  problemList.replaceChildren(
    ...texts.map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }),
  );
}

function renderSettings(settings) {
  autoRunBox.checked = settings.autoRun;
  for (const box of familyBoxes) box.checked = settings.families[box.dataset.family];
  for (const box of [autoRunBox, ...familyBoxes]) box.disabled = false;
}

async function loadSettings() {
  try {
    const reply = await send({ type: Message.GET_SETTINGS });
    if (!reply.ok) throw new Error(reply.error);
    renderSettings(reply.settings);
    return reply.errors.map((error) => t('optionsSettingsDamaged', error));
  } catch (error) {
    return [t('optionsLoadFailed', error.message)];
  }
}

// Saves one change as soon as it is made; on failure the box goes back to
// what is stored and the reason is shown.
async function save(update, box) {
  try {
    const reply = await send({ type: Message.SET_SETTINGS, settings: update });
    if (!reply.ok) throw new Error(reply.error);
    renderSettings(reply.settings);
    showProblems([]);
    say(t('optionsSaved'));
  } catch (error) {
    box.checked = !box.checked;
    showProblems([t('optionsSaveFailed', error.message)]);
  }
}

autoRunBox.addEventListener('change', () => save({ autoRun: autoRunBox.checked }, autoRunBox));
for (const box of familyBoxes) {
  box.addEventListener('change', () => save({ families: { [box.dataset.family]: box.checked } }, box));
}

// One data operation at a time: its buttons are disabled while it runs.
async function busy(task) {
  const buttons = [exportButton, importButton, clearButton];
  for (const button of buttons) button.disabled = true;
  try {
    await task();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

// ---- Export -----------------------------------------------------------------

exportButton.addEventListener('click', () =>
  busy(async () => {
    try {
      const reply = await send({ type: Message.EXPORT_DATA });
      if (!reply.ok) throw new Error(reply.error);
      const date = reply.export.exportedAt.slice(0, 10);
      download(`${JSON.stringify(reply.export, null, 2)}\n`, `fineprint-history-${date}.json`, 'application/json');
      const lines = [t('optionsExported', reply.documents, reply.versions)];
      if (reply.damaged.length > 0) lines.push(t('optionsExportDamaged', reply.damaged.length));
      say(lines.join(' '));
      showProblems([]);
    } catch (error) {
      showProblems([t('optionsExportFailed', error.message)]);
    }
  }),
);

// ---- Import -----------------------------------------------------------------

function importProblem(reply) {
  switch (reply.code) {
    case 'not-json':
      return t('optionsImportNotJson', reply.detail);
    case 'not-export':
      return t('optionsImportNotExport', reply.detail);
    case 'newer-version':
      return t('optionsImportNewer', reply.detail);
    case 'invalid':
      return t('optionsImportInvalid', reply.detail);
    case 'storage':
      return t('optionsImportStorage', reply.detail);
    default:
      return t('optionsImportFailed', reply.detail ?? reply.error ?? t('optionsNoReply'));
  }
}

importButton.addEventListener('click', () => importFile.click());
// The file chooser gives focus back to nothing in particular: back to the
// button that opened it, whether a file was chosen or not.
importFile.addEventListener('cancel', () => importButton.focus());
importFile.addEventListener('change', () =>
  busy(async () => {
    const [file] = importFile.files;
    importFile.value = '';
    importButton.focus();
    if (!file) return;
    say('');
    if (file.size > MAX_IMPORT_BYTES) {
      showProblems([t('optionsImportTooBig', file.name)]);
      return;
    }
    try {
      const reply = await send({ type: Message.IMPORT_DATA, text: await file.text() });
      if (!reply.ok) {
        showProblems([importProblem(reply)]);
        return;
      }
      const { documents, versions } = reply;
      const lines = [t('optionsImported', documents.added, documents.updated, documents.unchanged, versions.added)];
      if (versions.leftOut > 0) lines.push(t('optionsImportLeftOut', versions.leftOut));
      say(lines.join(' '));
      showProblems(documents.damaged.length > 0 ? [t('optionsImportDamagedKept', documents.damaged.join(', '))] : []);
    } catch (error) {
      showProblems([t('optionsImportFailed', error.message)]);
    }
  }),
);

// ---- Clear ------------------------------------------------------------------

// A modal <dialog>: it keeps focus inside itself and Escape closes it (as
// Cancel); when it closes, focus returns to the button that opened it.
clearButton.addEventListener('click', () => {
  confirmDialog.returnValue = '';
  confirmDialog.showModal();
});
document.getElementById('confirm-cancel').addEventListener('click', () => confirmDialog.close('cancel'));
document.getElementById('confirm-ok').addEventListener('click', () => confirmDialog.close('clear'));
confirmDialog.addEventListener('close', () => {
  clearButton.focus();
  if (confirmDialog.returnValue !== 'clear') return;
  busy(async () => {
    try {
      const reply = await send({ type: Message.CLEAR_DATA });
      if (!reply.ok) throw new Error(reply.error);
      const { documents, versions, damaged, settings } = reply.removed;
      const lines = [t('optionsCleared', documents, versions)];
      if (damaged > 0) lines.push(t('optionsClearedDamaged', damaged));
      if (settings) lines.push(t('optionsClearedSettings'));
      showProblems(await loadSettings());
      say(lines.join(' '));
    } catch (error) {
      showProblems([t('optionsClearFailed', error.message)]);
    }
  });
});

showProblems(await loadSettings());
