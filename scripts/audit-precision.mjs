#!/usr/bin/env node
// Precision of the primary labels on documents no label set covers, from a
// hand audit (tests/data/precision-audit: README there).
//
//   node scripts/audit-precision.mjs [--rules PACK.json]   (default core/rules/en.json)
//
// Runs build/native/fineprint (FINEPRINT_NATIVE_BUILD_DIR) with the pack on
// each audited document and looks up every primary label it gives by
// (document, clause text, label). Prints per label the audited labels still
// given (precision counts only "correct"); the labels given inside the
// audit's scope that it never judged (a whole document, or in the others the
// clauses it judged), which a pack change can add and which need a verdict
// before the figure is complete; and the audited labels no longer given, by
// verdict (a "correct" one lost is a recall loss).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusRoot, nativeCli, repoRoot } from '../tests/wasm/helpers.mjs';

const USAGE = 'usage: node scripts/audit-precision.mjs [--rules PACK.json]';
const args = process.argv.slice(2);
if (args.includes('--help') || !(args.length === 0 || (args.length === 2 && args[0] === '--rules'))) {
  console.log(USAGE);
  process.exit(args.includes('--help') ? 0 : 2);
}
const auditDir = path.join(repoRoot, 'tests/data/precision-audit');
const corpusPolicies = path.join(corpusRoot, 'policies');
const pack = args.length === 2 ? path.resolve(args[1]) : path.join(repoRoot, 'core/rules/en.json');

// Clause texts as the audit holds them: white space folded.
const fold = (text) => text.replace(/\s+/g, ' ').trim();

function readTsv(file, header) {
  const [first, ...lines] = readFileSync(path.join(auditDir, file), 'utf8').split('\n').filter((line) => line !== '');
  if (first !== header) throw new Error(`${file}: unexpected header: ${first}`);
  return lines.map((line) => line.split('\t'));
}
const audit = readTsv('audit.tsv', 'document\tlabel\tverdict\treason\tclause');
const wholeDocuments = new Set(
  readTsv('scope.tsv', 'document\tscope').filter(([, scope]) => scope === 'whole').map(([document]) => document),
);

const verdicts = new Map(); // "document\tlabel\tclause" -> verdict
const auditedClauses = new Set(); // "document\tclause"
for (const [document, label, verdict, , clause] of audit) {
  verdicts.set(`${document}\t${label}\t${fold(clause)}`, verdict);
  auditedClauses.add(`${document}\t${fold(clause)}`);
}
const documents = [...new Set(audit.map(([document]) => document))];

const primary = new Set(JSON.parse(readFileSync(pack, 'utf8')).labels.filter((l) => l.primary).map((l) => l.id));
const counts = new Map();
const count = (label) => {
  if (!counts.has(label)) counts.set(label, { correct: 0, wrong: 0, unsure: 0, unjudged: 0 });
  return counts.get(label);
};
const given = new Set();
for (const document of documents) {
  const analysis = JSON.parse(
    execFileSync(nativeCli, ['analyze', '--format', 'json', '--rules', pack,
      path.join(corpusPolicies, document)], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
  for (const clause of analysis.clauses) {
    const text = fold(clause.text);
    for (const { id } of clause.labels) {
      if (!primary.has(id)) continue;
      const key = `${document}\t${id}\t${text}`;
      given.add(key);
      const verdict = verdicts.get(key);
      if (verdict) count(id)[verdict] += 1;
      else if (wholeDocuments.has(document) || auditedClauses.has(`${document}\t${text}`)) count(id).unjudged += 1;
    }
  }
}
const lost = { correct: 0, wrong: 0, unsure: 0 };
for (const [key, verdict] of verdicts) if (!given.has(key)) lost[verdict] += 1;

const total = { correct: 0, wrong: 0, unsure: 0, unjudged: 0 };
const cell = (value, width) => String(value).padStart(width);
console.log(`${'label'.padEnd(28)} audited  correct  wrong  unsure  precision  given, never judged`);
const row = (name, c) => {
  const audited = c.correct + c.wrong + c.unsure;
  const precision = audited ? (c.correct / audited).toFixed(3) : '-';
  console.log(`${name.padEnd(28)} ${cell(audited, 7)}  ${cell(c.correct, 7)}  ${cell(c.wrong, 5)}  ${cell(c.unsure, 6)}  ${cell(precision, 9)}  ${cell(c.unjudged, 19)}`);
};
for (const label of [...counts.keys()].sort()) {
  row(label, counts.get(label));
  for (const key of Object.keys(total)) total[key] += counts.get(label)[key];
}
row('ALL primary', total);
console.log(`audited labels no longer given: ${lost.correct} correct, ${lost.wrong} wrong, ${lost.unsure} unsure`);
console.log(`${documents.length} documents (${wholeDocuments.size} audited whole), ${audit.length} audit rows, ${verdicts.size} distinct (document, label, clause)`);
