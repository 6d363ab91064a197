// The popup only renders: it asks the background for the active tab's
// analysis status, and asks it to analyse the tab when the button is pressed.
import { api } from '../browser/api.js';
import { Message } from '../shared/messages.js';

const statusLine = document.getElementById('status');
const analyzeButton = document.getElementById('analyze');

function describe(status) {
  switch (status.phase) {
    case 'not-analyzed':
      return 'This page has not been analyzed.';
    case 'analyzing':
      return 'Analyzing…';
    case 'done':
      if (status.noted === 0) return `Nothing of note in ${status.clauses} clauses.`;
      return `${status.noted} of ${status.clauses} clauses noted.`;
    default:
      return `Couldn't analyze this page: ${status.error ?? 'unknown error'}`;
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

async function activeTabId() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new Error('no active tab');
  return tab.id;
}

async function analyze() {
  render({ phase: 'analyzing' });
  try {
    render(await ask({ type: Message.ANALYZE_TAB, tabId: await activeTabId() }));
  } catch (error) {
    // Browser pages, the web store and file:// URLs refuse injection.
    render({ phase: 'error', error: error.message });
  }
}

analyzeButton.addEventListener('click', analyze);

try {
  render(await ask({ type: Message.GET_TAB_STATUS, tabId: await activeTabId() }));
} catch (error) {
  render({ phase: 'error', error: error.message });
}
