// The background's settings (extension/background/settings.js) in Node,
// against an in-memory chrome.storage.local: defaults, damaged settings read
// as defaults with the damage reported (and left stored until a save),
// storage errors, and the family filter applied to analysis replies.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { storage } from './support/fake-browser.mjs';

const { SETTINGS_KEY, defaultSettings, familyOf, filterByFamilies, parseSettings, readSettings, removeSettings, writeSettings } =
  await import('../../extension/background/settings.js');

const ALL_ON = { autoRun: true, families: { ai_training: true, choice: true, retention: true, other: true } };

describe('settings', () => {
  beforeEach(() => storage.reset());

  test('nothing stored: every default is on, and nothing is reported', async () => {
    assert.deepEqual(defaultSettings(), ALL_ON);
    assert.deepEqual(await readSettings(), { settings: ALL_ON, errors: [] });
  });

  test('a save is read back, and merged field by field', async () => {
    await writeSettings({ autoRun: false });
    await writeSettings({ families: { retention: false } });
    const expected = { autoRun: false, families: { ai_training: true, choice: true, retention: false, other: true } };
    assert.deepEqual(storage.data.get(SETTINGS_KEY), expected);
    assert.deepEqual(await readSettings(), { settings: expected, errors: [] });
  });

  test('the settings handed out are copies: changing one changes nothing stored', async () => {
    const { settings } = await readSettings();
    settings.families.ai_training = false;
    assert.equal((await readSettings()).settings.families.ai_training, true);
  });

  test('damaged settings: the defaults, each damage reported, the stored value kept until a save', async () => {
    storage.put(SETTINGS_KEY, 'on');
    const whole = await readSettings();
    assert.deepEqual(whole.settings, ALL_ON);
    assert.equal(whole.errors.length, 1);
    assert.match(whole.errors[0], /stored settings are damaged \(the text "on"\)/);
    assert.equal(storage.data.get(SETTINGS_KEY), 'on', 'reading never overwrites');

    storage.put(SETTINGS_KEY, { autoRun: 'yes', families: { ai_training: false, choice: 0, retention: null } });
    const fields = await readSettings();
    assert.deepEqual(fields.settings, { autoRun: true, families: { ai_training: false, choice: true, retention: true, other: true } });
    assert.equal(fields.errors.length, 3);
    assert.match(fields.errors[0], /autoRun is damaged \(the text "yes"\)/);
    assert.match(fields.errors[1], /families\.choice is damaged \(a number\)/);
    assert.match(fields.errors[2], /families\.retention is damaged \(null\)/);

    // A save replaces the damaged value with whole, valid settings.
    await writeSettings({ autoRun: false });
    assert.deepEqual(storage.data.get(SETTINGS_KEY), {
      autoRun: false,
      families: { ai_training: false, choice: true, retention: true, other: true },
    });
    assert.deepEqual((await readSettings()).errors, []);
  });

  test('fields an older version did not store take their default silently', () => {
    assert.deepEqual(parseSettings({ families: { ai_training: false } }), {
      settings: { autoRun: true, families: { ai_training: false, choice: true, retention: true, other: true } },
      errors: [],
    });
    assert.deepEqual(parseSettings({ families: [] }).errors.length, 1);
  });

  test('a bad update is refused and stores nothing', async () => {
    await assert.rejects(writeSettings({ autoRun: 'no' }), /autoRun must be true or false/);
    await assert.rejects(writeSettings({ families: { sharing: false } }), /unknown family sharing/);
    await assert.rejects(writeSettings({ families: { choice: 1 } }), /families\.choice must be true or false/);
    await assert.rejects(writeSettings({ colour: 'red' }), /unknown setting colour/);
    await assert.rejects(writeSettings(null), /settings must be an object/);
    assert.equal(storage.data.has(SETTINGS_KEY), false);
  });

  test('storage errors are reported: a failed read gives the defaults and is retried, a failed save rejects', async () => {
    storage.failWith('get', 'IO error: the disk is gone');
    const failed = await readSettings();
    assert.deepEqual(failed.settings, ALL_ON);
    assert.match(failed.errors[0], /could not be read: IO error: the disk is gone/);
    storage.failWith('get', null);
    storage.put(SETTINGS_KEY, { autoRun: false });
    assert.equal((await readSettings()).settings.autoRun, false, 'the failure was not cached');

    storage.failWith('set', 'QUOTA_BYTES quota exceeded');
    await assert.rejects(writeSettings({ autoRun: true }), /storage is full: QUOTA_BYTES quota exceeded/);
    storage.failWith('set', null);
    assert.equal((await readSettings()).settings.autoRun, false, 'a failed save changes nothing');
  });

  test('removing the settings brings the defaults back and says whether there were any', async () => {
    await writeSettings({ autoRun: false });
    assert.equal(await removeSettings(), true);
    assert.deepEqual((await readSettings()).settings, ALL_ON);
    assert.equal(await removeSettings(), false);
  });
});

describe('families', () => {
  test('a label\'s family is its first part for the primary families, else other', () => {
    assert.equal(familyOf('ai_training.third_party'), 'ai_training');
    assert.equal(familyOf('choice.default_on'), 'choice');
    assert.equal(familyOf('retention.vague'), 'retention');
    assert.equal(familyOf('sharing.third_party'), 'other');
    assert.equal(familyOf('policy.changes'), 'other');
    assert.equal(familyOf('ai_trainingish.x'), 'other');
  });

  // An analysis reply as engine.js makes it: noted clauses, findings with
  // indexes into them, examples by label.
  const label = (id) => ({ id, name: id, note: `note ${id}`, severity: 'info', slots: {} });
  const reply = () => ({
    ok: true,
    clauseCount: 40,
    clauses: [
      { start: 0, end: 10, block: 1, labels: [label('retention.fixed_period')], findings: [] },
      { start: 20, end: 30, block: 2, labels: [label('ai_training.third_party'), label('choice.default_on')], findings: [] },
      { start: 40, end: 50, block: 3, labels: [label('sharing.third_party')], findings: [] },
      { start: 60, end: 70, block: 4, labels: [label('choice.opt_out'), label('policy.changes')], findings: [] },
      { start: 80, end: 90, block: 5, labels: [label('ai_training.first_party')], findings: [] },
    ],
    findings: [
      { id: 'opt_out_without_where', severity: 'caution', explanation: 'no where', clauses: [1, 3] },
      { id: 'ai_without_opt_out', severity: 'alert', explanation: 'no opt-out', clauses: [4] },
      { id: 'vague_retention', severity: 'caution', explanation: 'vague', clauses: [] },
    ],
    examples: { 'ai_training.third_party': [{ service: 'A' }], 'choice.opt_out': [{ service: 'B' }], 'sharing.third_party': [{ service: 'C' }] },
    timing: { engineStartupMs: null, analysisMs: 3 },
  });

  test('all families on: the reply is unchanged', () => {
    assert.deepEqual(filterByFamilies(reply(), ALL_ON.families), reply());
  });

  test('labels of hidden families go, clauses left without one go, and findings point at the clauses kept', () => {
    const original = reply();
    const filtered = filterByFamilies(original, { ai_training: false, choice: true, retention: true, other: false });
    assert.deepEqual(
      filtered.clauses.map((clause) => [clause.start, clause.labels.map((each) => each.id)]),
      [
        [0, ['retention.fixed_period']],
        [20, ['choice.default_on']],
        [60, ['choice.opt_out']],
      ],
    );
    // Old indexes 1 -> 1 and 3 -> 2; 4 was dropped; every finding stays.
    assert.deepEqual(
      filtered.findings.map(({ id, clauses }) => [id, clauses]),
      [
        ['opt_out_without_where', [1, 2]],
        ['ai_without_opt_out', []],
        ['vague_retention', []],
      ],
    );
    assert.deepEqual(Object.keys(filtered.examples), ['choice.opt_out']);
    assert.equal(filtered.clauseCount, 40, 'the count of all clauses is not a count of labels');
    assert.deepEqual(filtered.timing, original.timing);
    assert.deepEqual(original, reply(), 'the reply given is not modified');
  });

  test('every family off: no clauses, findings kept with no clauses', () => {
    const filtered = filterByFamilies(reply(), { ai_training: false, choice: false, retention: false, other: false });
    assert.deepEqual(filtered.clauses, []);
    assert.equal(filtered.findings.length, 3);
    assert.ok(filtered.findings.every((finding) => finding.clauses.length === 0));
    assert.deepEqual(filtered.examples, {});
  });

  test('a reply without findings (an older engine) is filtered all the same', () => {
    const { findings, ...withoutFindings } = reply();
    const filtered = filterByFamilies(withoutFindings, { ai_training: true, choice: true, retention: false, other: true });
    assert.equal(filtered.clauses.length, 4);
    assert.deepEqual(filtered.findings, []);
  });
});
