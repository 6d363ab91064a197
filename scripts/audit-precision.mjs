#!/usr/bin/env node
// Precision of the primary labels on documents no label set covers, from a
// hand audit (tests/data/precision-audit/audit.tsv: README there).
//
//   node scripts/audit-precision.mjs [--rules PACK.json]
//
// Runs build/native/fineprint (FINEPRINT_NATIVE_BUILD_DIR) on each audited
// document and looks up every primary label it gives by (document, clause
// text, label). Prints, per label, the audited labels still given (correct,
// wrong, unsure; precision counts only "correct") and the labels given that
// the audit never judged, which a change of the pack can add: those need a
// verdict before the figure means anything.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusPolicies = path.resolve(repoRoot, '../shared/corpus/policies');
const nativeBuildDir = process.env.FINEPRINT_NATIVE_BUILD_DIR
  ? path.resolve(process.env.FINEPRINT_NATIVE_BUILD_DIR)
  : path.join(repoRoot, 'build/native');
const rulesAt = process.argv.indexOf('--rules');
const rulesArgs = rulesAt > 0 ? ['--rules', process.argv[rulesAt + 1]] : [];

// Clause texts as the audit wrote them: white space folded.
const fold = (text) => text.replace(/\s+/g, ' ').trim();

const [header, ...lines] = readFileSync(path.join(repoRoot, 'tests/data/precision-audit/audit.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
if (header !== 'document\tlabel\tverdict\treason\tclause') throw new Error(`unexpected audit header: ${header}`);
const verdicts = new Map(); // "document\tlabel\tclause" -> verdict
for (const line of lines) {
  const [document, label, verdict, , clause] = line.split('\t');
  verdicts.set(`${document}\t${label}\t${fold(clause)}`, verdict);
}
const documents = [...new Set(lines.map((line) => line.split('\t')[0]))];

const primary = new Set(
  JSON.parse(readFileSync(rulesArgs[1] ?? path.join(repoRoot, 'core/rules/en.json'), 'utf8'))
    .labels.filter((label) => label.primary)
    .map((label) => label.id),
);
const counts = new Map(); // label -> {correct, wrong, unsure, unaudited}
const count = (label) => {
  if (!counts.has(label)) counts.set(label, { correct: 0, wrong: 0, unsure: 0, unaudited: 0 });
  return counts.get(label);
};
for (const document of documents) {
  const analysis = JSON.parse(
    execFileSync(path.join(nativeBuildDir, 'fineprint'), ['analyze', '--format', 'json', ...rulesArgs,
      path.join(corpusPolicies, document)], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
  for (const clause of analysis.clauses) {
    for (const { id } of clause.labels) {
      if (!primary.has(id)) continue;
      const verdict = verdicts.get(`${document}\t${id}\t${fold(clause.text)}`);
      count(id)[verdict ?? 'unaudited'] += 1;
    }
  }
}

const total = { correct: 0, wrong: 0, unsure: 0, unaudited: 0 };
console.log(`${'label'.padEnd(28)} audited  correct  wrong  unsure  precision  not audited`);
const row = (name, c) => {
  const audited = c.correct + c.wrong + c.unsure;
  const precision = audited ? (c.correct / audited).toFixed(3) : '-';
  console.log(`${name.padEnd(28)} ${String(audited).padStart(7)}  ${String(c.correct).padStart(7)}  ${String(c.wrong).padStart(5)}  ${String(c.unsure).padStart(6)}  ${precision.padStart(9)}  ${String(c.unaudited).padStart(11)}`);
};
for (const label of [...counts.keys()].sort()) {
  row(label, counts.get(label));
  for (const key of Object.keys(total)) total[key] += counts.get(label)[key];
}
row('ALL primary', total);
console.log(`${documents.length} documents, ${verdicts.size} audited labels`);
