// Diffs two analysed versions of a document (as snapshots: the old one is
// usually stored, the new one made from the page being read) and says what
// changed in meaning, per label family, in plain language.
//
// The clause-level changes come from AlignClauses (diff.h). The summary
// compares the labels of each change's two sides: a label only the new side
// carries was "added", one only the old side carries "removed", and a label
// both carry whose value moved (the durations of a retention clause, the
// amount of a liquidated-damages clause), or whose clause was reworded,
// "changed". Each such event gets the
// first note template that fits it from the change notes (data, like the
// rule pack: core/rules/en.changes.json, schema
// "fineprint.change_notes/1"); events with the same label, change and note
// are one summary item listing every change they came from.
#ifndef FINEPRINT_CORE_CHANGE_SUMMARY_H_
#define FINEPRINT_CORE_CHANGE_SUMMARY_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/classifier.h"
#include "core/diff.h"
#include "core/expected.h"
#include "core/snapshot.h"

namespace fineprint {

// One note template. Empty condition lists do not constrain.
struct ChangeNoteRule {
  std::string label;   // a label id, or "*" for any
  std::string change;  // "added", "removed" or "changed"
  std::vector<std::string> before_has;    // the old side carries all of these
  std::vector<std::string> after_has;     // the new side carries all of these
  std::vector<std::string> before_lacks;  // the old side carries none of these
  std::vector<std::string> after_lacks;   // the new side carries none of these
  std::vector<std::string> kind;          // the clause change is one of these
                                          // ("added", "removed", "modified")
  // "changed" only: "longer" or "shorter" (durations), or "reworded" (the
  // clause keeps the label and its values but its words changed; only
  // rules naming "reworded" match such a change).
  std::string when;
  std::vector<std::string> needs;         // placeholders that must have a value
  std::vector<std::string> consumes;      // labels whose opposite event it tells
  std::string severity;                   // "alert", "caution", "info", "good"
  std::string note;                       // with {before} {after} {amount} {name} {service}
};

struct ChangeNotes {
  std::string language;
  std::string version;
  // Labels whose value is compared within a clause: "durations" or "amount".
  std::map<std::string, std::string> values;
  std::vector<ChangeNoteRule> rules;
};

// Parses and checks change notes: the schema, every field's type, change,
// severity and when from their vocabularies, values kinds known. The error
// names the entry (by position) and the field.
Expected<ChangeNotes> ParseChangeNotes(std::string_view json);

// The change notes built into this binary (core/rules/en.changes.json).
std::string_view BuiltinChangeNotesJson();

// BuiltinChangeNotesJson() parsed, on the first call only (thread-safe):
// every diff in a process reads the same notes, and a process that never
// diffs (an engine made for a page's first analysis) never parses them.
const Expected<ChangeNotes>& BuiltinChangeNotes();

// A sum of money in `text` and what it is per: "$15,000 USD per 1,000,000
// posts" -> "$15,000 per 1,000,000 posts"; "" when there is none.
std::string ExtractAmount(std::string_view text);

// A clause-level change with the labels of each side (the union over the
// side's clauses, sorted).
struct DocumentChange {
  ClauseChange clause;
  std::vector<std::string> labels_before;
  std::vector<std::string> labels_after;
};

struct SummaryItem {
  std::string label;
  std::string family;    // the label id's prefix ("ai_training")
  std::string change;    // "added", "removed", "changed"
  std::string before;    // the old value or a short excerpt; "" for none
  std::string after;     // the new value or a short excerpt; "" for none
  std::string note;
  std::string severity;
  std::vector<uint32_t> changes;  // indices into DocumentDiff::changes
};

struct DocumentDiff {
  std::vector<DocumentChange> changes;  // in the order of the new document
  // Grouped by family (taxonomy order), then by severity (alert, caution,
  // good, info), then label.
  std::vector<SummaryItem> summary;
};

// What changed from `before` to `after`. When `classifier` is given and
// the texts changed, a snapshot labelled under other rules
// (LabelledUnderOtherRules) is relabelled, on a copy, before its labels are
// read, so rule updates do not show up as document changes (except in
// snapshots from before pack fingerprints, judged by version alone); the
// classifier's pack also names labels for {name}. {service} is `after`'s
// service (Snapshot::service), else `before`'s, else the one the newer
// title names, else "the service". Cost is that of AlignClauses plus
// linear work, plus a classification per snapshot relabelled.
DocumentDiff DiffSnapshots(const Snapshot& before, const Snapshot& after, const ChangeNotes& notes,
                           const Classifier* classifier = nullptr,
                           const AlignOptions& options = AlignOptions());

// {"schema": "fineprint.diff/1", "before": {title, date, clauses},
//  "after": {...}, "changes": [...], "summary": [...]}. A change is
// {kind, old, new, labels_before, labels_after} with old/new null or
// {start, end, text} (UTF-8 byte offsets into that version's input; a
// side of several clauses spans them all, texts joined by a space); a
// modified change adds "words" [{op, text}] and, when it changed place,
// "moved": true. A summary item is {label, family, change, before, after,
// note, severity, changes}, before/after null when empty.
std::string DocumentDiffToJson(const DocumentDiff& diff, const Snapshot& before, const Snapshot& after,
                               int indent = -1);

// A report for a person: the summary, then each change with its word diff
// written as [-deleted-]{+inserted+}.
std::string DocumentDiffToText(const DocumentDiff& diff, const Snapshot& before, const Snapshot& after);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_CHANGE_SUMMARY_H_
