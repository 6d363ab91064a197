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

struct AnalyzedClause {
  ClauseSpan span;
  // Byte span of the clause in the input exactly as given.
  uint32_t source_start = 0;
  uint32_t source_end = 0;
  std::vector<LabelMatch> labels;
};

struct Analysis {
  Document document;
  std::vector<AnalyzedClause> clauses;

  std::string_view ClauseText(const AnalyzedClause& clause) const;
};

// Segments and classifies a document.
Analysis AnalyzeDocument(Document document, const Classifier& classifier);

// Validates, reads and analyses an input.
Expected<Analysis> AnalyzeInput(std::string_view input, DocumentFormat format,
                                const Classifier& classifier);

// Which unit "start" and "end" are written in. The core works in UTF-8
// bytes; JavaScript callers ask for UTF-16 code units.
enum class OffsetUnit { kUtf8Bytes, kUtf16CodeUnits };

// {"schema": "fineprint.analysis/1", "document": {...}, "clauses": [...]}.
// `source` is the input the analysis was made from (offsets refer to it).
// Every clause is listed, in order, with start, end, block, kind, text and
// labels ([{id, name, rule, why, evidence}], empty when none apply).
std::string AnalysisToJson(const Analysis& analysis, std::string_view source,
                           OffsetUnit unit = OffsetUnit::kUtf8Bytes,
                           int indent = -1);

// A report for a person: the document's size, then every labelled clause
// with its labels and why.
std::string AnalysisToText(const Analysis& analysis);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_ANALYSIS_H_
