#include "core/analysis.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "core/readers.h"
#include "core/utf8.h"

namespace fineprint {

std::string_view Analysis::ClauseText(const AnalyzedClause& clause) const {
  const std::string& text = document.blocks[clause.span.block_index].text;
  return std::string_view(text).substr(clause.span.start, clause.span.end - clause.span.start);
}

Analysis AnalyzeDocument(Document document, const Classifier& classifier) {
  Analysis analysis;
  analysis.document = std::move(document);
  const std::vector<ClauseSpan> spans = SegmentDocument(analysis.document);
  analysis.clauses.reserve(spans.size());
  for (const ClauseSpan& span : spans) {
    const Block& block = analysis.document.blocks[span.block_index];
    AnalyzedClause clause;
    clause.span = span;
    clause.source_start = block.SourceStart(span.start);
    clause.source_end = block.SourceEnd(span.end);
    // Headings name sections; they commit to nothing (taxonomy: no labels).
    if (block.kind != BlockKind::kHeading) {
      clause.labels = classifier.Classify(analysis.ClauseText(clause));
    }
    analysis.clauses.push_back(std::move(clause));
  }
  return analysis;
}

Expected<Analysis> AnalyzeInput(std::string_view input, DocumentFormat format,
                                const Classifier& classifier) {
  Expected<Document> document = ReadDocument(input, format);
  if (!document.ok()) return document.error();
  return AnalyzeDocument(std::move(document).value(), classifier);
}

std::string AnalysisToJson(const Analysis& analysis, std::string_view source,
                           OffsetUnit unit, int indent) {
  using nlohmann::json;
  std::optional<Utf16OffsetMap> utf16;
  if (unit == OffsetUnit::kUtf16CodeUnits) utf16.emplace(source);
  auto offset = [&](uint32_t byte_offset) -> uint32_t {
    return utf16 ? utf16->ToUtf16(byte_offset) : byte_offset;
  };

  const Document& document = analysis.document;
  json clauses = json::array();
  size_t labelled = 0;
  for (const AnalyzedClause& clause : analysis.clauses) {
    const Block& block = document.blocks[clause.span.block_index];
    const std::string_view text = analysis.ClauseText(clause);
    json labels = json::array();
    for (const LabelMatch& match : clause.labels) {
      json label = {{"id", match.label}, {"name", match.info->name}};
      label["rule"] = match.rule->id;
      label["why"] = match.rule->why;
      label["evidence"] = std::string(text.substr(match.evidence_start,
                                                  match.evidence_end - match.evidence_start));
      labels.push_back(std::move(label));
    }
    if (!labels.empty()) ++labelled;
    clauses.push_back({{"start", offset(clause.source_start)},
                       {"end", offset(clause.source_end)},
                       {"block", clause.span.block_index},
                       {"kind", BlockKindName(block.kind)},
                       {"text", std::string(text)},
                       {"labels", std::move(labels)}});
  }
  json root = {
      {"schema", "fineprint.analysis/1"},
      {"document", {{"format", DocumentFormatName(document.format)},
                    {"title", document.title},
                    {"bytes", document.source_size},
                    {"blocks", document.blocks.size()},
                    {"clauses", analysis.clauses.size()},
                    {"labelled_clauses", labelled},
                    {"offsets", unit == OffsetUnit::kUtf8Bytes ? "utf8" : "utf16"}}},
      {"clauses", std::move(clauses)}};
  return root.dump(indent, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

std::string AnalysisToText(const Analysis& analysis) {
  const Document& document = analysis.document;
  std::string out;
  size_t labelled = 0;
  for (const AnalyzedClause& clause : analysis.clauses) labelled += !clause.labels.empty();
  out += document.title.empty() ? std::string("(untitled document)") : document.title;
  out += "\n";
  out += std::to_string(document.source_size) + " bytes, " +
         std::to_string(document.blocks.size()) + " blocks, " +
         std::to_string(analysis.clauses.size()) + " clauses, " +
         std::to_string(labelled) + " labelled\n";
  for (const AnalyzedClause& clause : analysis.clauses) {
    if (clause.labels.empty()) continue;
    out += "\n[bytes " + std::to_string(clause.source_start) + "-" +
           std::to_string(clause.source_end) + "] ";
    out += analysis.ClauseText(clause);
    out += "\n";
    for (const LabelMatch& match : clause.labels) {
      out += "  - " + match.label + ": " + match.rule->why + " (saw \"";
      out += analysis.ClauseText(clause).substr(match.evidence_start,
                                                match.evidence_end - match.evidence_start);
      out += "\")\n";
    }
  }
  return out;
}

}  // namespace fineprint
