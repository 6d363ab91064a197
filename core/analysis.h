// The whole pipeline for one input: read, segment, classify. Plain data out,
// plus its JSON form (schema "fineprint.analysis/1"), which the CLI, the WASM
// module and the tests all share.
#ifndef FINEPRINT_CORE_ANALYSIS_H_
#define FINEPRINT_CORE_ANALYSIS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/classifier.h"
#include "core/document.h"
#include "core/expected.h"
#include "core/segmenter.h"

namespace fineprint {

// A plain-language note for one label on one clause: the label's (or the
// rule's) template filled from the clause's slots and the service's name.
struct LabelNote {
  std::string text;      // at most ~25 words; "" when the pack has no note
  std::string severity;  // "alert", "caution", "info" or "good"
};

struct AnalyzedClause {
  ClauseSpan span;
  // Byte span of the clause in the input exactly as given.
  uint32_t source_start = 0;
  uint32_t source_end = 0;
  std::vector<LabelMatch> labels;
  std::vector<LabelNote> notes;  // parallel to labels
  std::vector<SlotValue> slots;  // values pulled out for the notes
};

// Something the document as a whole says or leaves out (FindingRule).
struct Finding {
  const FindingRule* rule = nullptr;  // owned by the Classifier
  std::vector<uint32_t> clauses;      // indices into Analysis::clauses
};

struct Analysis {
  Document document;
  std::vector<AnalyzedClause> clauses;
  std::vector<Finding> findings;
  // The service's name as notes use it ("X", "Zoom"), from the title; ""
  // when the title names none.
  std::string service;
  // The classifier's rule pack (slot rules for the JSON); null when the
  // Analysis was not made by AnalyzeDocument.
  const RulePack* pack = nullptr;

  std::string_view ClauseText(const AnalyzedClause& clause) const;
};

// The service a document is about, for notes: the title with "Privacy
// Policy", "Terms of Service" and the like removed ("X Privacy Policy" ->
// "X"); for plain text without a title, the first line if it reads like
// one. "" when nothing usable is found (notes then say "this service").
std::string ServiceName(const Document& document);

// Segments and classifies a document, fills notes and slots, and derives
// the document-level findings. The classifier must outlive the Analysis
// (labels and findings point at its rules).
Analysis AnalyzeDocument(Document document, const Classifier& classifier);

// Validates, reads and analyses an input.
Expected<Analysis> AnalyzeInput(std::string_view input, DocumentFormat format,
                                const Classifier& classifier);

// Which unit "start" and "end" are written in. The core works in UTF-8
// bytes; JavaScript callers ask for UTF-16 code units.
enum class OffsetUnit { kUtf8Bytes, kUtf16CodeUnits };

// {"schema": "fineprint.analysis/1", "document": {...}, "clauses": [...],
//  "findings": [...], "examples": {...}}.
// `source` is the input the analysis was made from (offsets refer to it).
// Every clause is listed, in order, with start, end, block, kind, text and
// labels ([{id, name, rule, why, evidence, note, severity, slots}], empty
// when none apply); slots is an object {name: value}, a duration slot also
// giving "<name>_days". findings: [{id, severity, explanation, clauses}].
// examples: for each label present, how other platforms word it
// ([{service, document, date, excerpt}], from core/rules/en.examples.json).
std::string AnalysisToJson(const Analysis& analysis, std::string_view source,
                           OffsetUnit unit = OffsetUnit::kUtf8Bytes,
                           int indent = -1);

// A report for a person: the document's size, then every labelled clause
// with its labels and why.
std::string AnalysisToText(const Analysis& analysis);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_ANALYSIS_H_
