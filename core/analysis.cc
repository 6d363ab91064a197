#include "core/analysis.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/durations.h"
#include "core/readers.h"
#include "core/utf8.h"

namespace fineprint {

std::string_view Analysis::ClauseText(const AnalyzedClause& clause) const {
  const std::string& text = document.blocks[clause.span.block_index].text;
  return std::string_view(text).substr(clause.span.start, clause.span.end - clause.span.start);
}

namespace {

// Title words that name the kind of document, not the service.
constexpr const char* kDocumentWords[] = {
    "privacy policy", "privacy notice", "privacy statement", "terms of service",
    "terms of use", "terms and conditions", "user agreement", "developer agreement",
    "services agreement", "service agreement", "developer terms", "cookie policy",
    "terms", "policy", "agreement", "notice"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t|-:\xC2\xA0";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// Fills "{service}" and "{slot|fallback}" placeholders. A slot the clause
// does not have takes its fallback (possibly empty), so a template always
// renders to a sentence.
std::string RenderNote(std::string_view note, const std::string& service,
                       const std::vector<SlotValue>& slots) {
  std::string out;
  size_t i = 0;
  while (i < note.size()) {
    const size_t open = note.find('{', i);
    if (open == std::string_view::npos) {
      out.append(note.substr(i));
      break;
    }
    const size_t close = note.find('}', open);
    if (close == std::string_view::npos) {
      out.append(note.substr(i));
      break;
    }
    out.append(note.substr(i, open - i));
    std::string_view field = note.substr(open + 1, close - open - 1);
    std::string_view fallback;
    if (const size_t bar = field.find('|'); bar != std::string_view::npos) {
      fallback = field.substr(bar + 1);
      field = field.substr(0, bar);
    }
    if (field == "service") {
      if (!service.empty()) {
        out += service;
      } else {
        // No name found: "This service ..." opens a sentence, "... owe this
        // service ..." does not.
        const size_t last = out.find_last_not_of(' ');
        out += last == std::string::npos || out[last] == '.' ? "This service" : "this service";
      }
    } else {
      auto slot = std::find_if(slots.begin(), slots.end(), [&](const SlotValue& v) { return v.name == field; });
      if (slot == slots.end()) {
        out.append(fallback);
      } else if (slot->days > 0) {
        // A person's wording of the normalised length, keeping the bound:
        // "up to 18 months", "for 90 days", "at least 1 year".
        const std::vector<Duration> found = ExtractDurations(slot->value);
        const DurationBound bound = found.empty() ? DurationBound::kExact : found.front().bound;
        out += bound == DurationBound::kAtMost    ? "for up to "
               : bound == DurationBound::kAtLeast ? "for at least "
                                                  : "for ";
        out += FormatDays(slot->days);
      } else if (slot->days == 0) {
        out += "for no time at all";
      } else {
        out += slot->value;
      }
    }
    i = close + 1;
  }
  // A missing slot may leave "  " or " ." behind.
  std::string tidy;
  for (char c : out) {
    if (c == ' ' && !tidy.empty() && tidy.back() == ' ') continue;
    if ((c == '.' || c == ',') && !tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    tidy += c;
  }
  return std::string(Trim(tidy));
}

bool ClauseHasAny(const AnalyzedClause& clause, const std::vector<std::string>& ids) {
  for (const LabelMatch& match : clause.labels) {
    if (std::find(ids.begin(), ids.end(), match.label) != ids.end()) return true;
  }
  return false;
}

bool ClauseHasSlot(const AnalyzedClause& clause, const std::string& name) {
  return std::any_of(clause.slots.begin(), clause.slots.end(),
                     [&](const SlotValue& v) { return v.name == name; });
}

void DeriveFindings(const Classifier& classifier, Analysis* analysis) {
  const std::vector<AnalyzedClause>& clauses = analysis->clauses;
  size_t labelled = 0;
  for (const AnalyzedClause& clause : clauses) labelled += !clause.labels.empty();
  const std::vector<FindingRule>& rules = classifier.pack().findings;
  for (size_t r = 0; r < rules.size(); ++r) {
    const FindingRule& rule = rules[r];
    if (labelled < static_cast<size_t>(rule.min_labelled_clauses)) continue;
    auto is_companion = [&](size_t j, const char* field) {
      const AnalyzedClause& c = clauses[j];
      const bool has = (!rule.companion_labels.empty() && ClauseHasAny(c, rule.companion_labels)) ||
                       (!rule.companion_slot.empty() && ClauseHasSlot(c, rule.companion_slot));
      return has && classifier.FindingMatches(r, field, analysis->ClauseText(c));
    };
    // Companions that count at any distance, found once per rule.
    bool anywhere = false;
    for (size_t j = 0; j < clauses.size() && !anywhere && !rule.companion_anywhere_matches.empty(); ++j) {
      anywhere = is_companion(j, "anywhere");
    }
    std::vector<size_t> triggers;
    if (!rule.trigger_labels.empty()) {
      for (size_t i = 0; i < clauses.size(); ++i) {
        if (ClauseHasAny(clauses[i], rule.trigger_labels) &&
            classifier.FindingMatches(r, "trigger", analysis->ClauseText(clauses[i]))) {
          triggers.push_back(i);
        }
      }
      if (triggers.empty()) continue;
    }
    auto has_companion_near = [&](size_t i) {
      if (anywhere) return true;
      const size_t low = rule.near < 0 ? 0 : (i > static_cast<size_t>(rule.near) ? i - rule.near : 0);
      const size_t high = rule.near < 0 ? clauses.size() : std::min(clauses.size(), i + rule.near + 1);
      for (size_t j = low; j < high; ++j) {
        if (is_companion(j, "companion")) return true;
      }
      return false;
    };
    Finding finding;
    finding.rule = &rule;
    if (triggers.empty()) {  // the whole document is the trigger
      bool present = anywhere;
      for (size_t j = 0; j < clauses.size() && !present; ++j) present = is_companion(j, "companion");
      if (present != rule.fires_when_present) continue;
    } else if (rule.fires_when_present) {
      for (size_t i : triggers) {
        if (has_companion_near(i)) finding.clauses.push_back(static_cast<uint32_t>(i));
      }
      if (finding.clauses.empty()) continue;
    } else {
      // Absent: only when no trigger anywhere has its companion, so a summary
      // line without the details does not raise a false alarm.
      if (std::any_of(triggers.begin(), triggers.end(), has_companion_near)) continue;
      for (size_t i : triggers) finding.clauses.push_back(static_cast<uint32_t>(i));
    }
    analysis->findings.push_back(std::move(finding));
  }
}

// The built-in examples, parsed on first use. Null if they do not parse
// (a build problem the rule-pack tests catch), so analysis still works.
const ExamplePack* BuiltinExamples() {
  static const Expected<ExamplePack> examples = ParseExamples(BuiltinExamplesJson());
  return examples.ok() ? &examples.value() : nullptr;
}

}  // namespace

std::string ServiceName(const Document& document) {
  std::string_view title = document.title;
  if (title.empty() && !document.blocks.empty() && document.blocks.front().text.size() <= 80) {
    title = document.blocks.front().text;  // plain text: a first line like "X Privacy Policy"
  }
  // "Privacy Policy | Zoom" and "Zoom - Terms" both name Zoom: try each part.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= title.size(); ++i) {
    if (i == title.size() || title[i] == '|' || (title[i] == '-' && i > 0 && title[i - 1] == ' ')) {
      parts.push_back(Trim(title.substr(start, i - start)));
      start = i + 1;
    }
  }
  for (std::string_view part : parts) {
    std::string name(part);
    bool removed = true;
    while (removed) {
      removed = false;
      const std::string lower = Lower(name);
      for (const char* words : kDocumentWords) {
        const std::string w(words);
        const size_t at = lower.find(w);
        if (at != std::string::npos) {
          name = std::string(Trim(name.substr(0, at))) + " " + std::string(Trim(std::string_view(name).substr(at + w.size())));
          name = std::string(Trim(name));
          removed = true;
          break;
        }
      }
    }
    // Possessives ("X's") and trailing "'s" are dropped: "X's" -> "X".
    if (name.size() > 2 && (name.substr(name.size() - 2) == "'s")) name.resize(name.size() - 2);
    if (!name.empty() && name.size() <= 40 && Lower(name) != "the" && Lower(name) != "our") return name;
  }
  return "";
}

Analysis AnalyzeDocument(Document document, const Classifier& classifier) {
  Analysis analysis;
  analysis.document = std::move(document);
  analysis.service = ServiceName(analysis.document);
  analysis.pack = &classifier.pack();
  const std::vector<ClauseSpan> spans = SegmentDocument(analysis.document);
  // Headings get no labels: ClassifyClauses treats them (and title-like
  // plain-text lines) as section names that commit to nothing.
  std::vector<std::vector<LabelMatch>> labels = classifier.ClassifyClauses(analysis.document, spans);
  analysis.clauses.reserve(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    const ClauseSpan& span = spans[i];
    const Block& block = analysis.document.blocks[span.block_index];
    AnalyzedClause clause;
    clause.span = span;
    clause.source_start = block.SourceStart(span.start);
    clause.source_end = block.SourceEnd(span.end);
    clause.labels = std::move(labels[i]);
    if (!clause.labels.empty()) {
      const std::string_view text = analysis.ClauseText(clause);
      clause.slots = classifier.ExtractSlots(text, clause.labels);
      for (SlotValue& slot : clause.slots) {
        for (const SlotRule& rule : classifier.pack().slots) {
          if (rule.name == slot.name && rule.kind == "duration") slot.days = DurationDays(slot.value);
        }
      }
      for (const LabelMatch& match : clause.labels) {
        const std::string& note = match.rule->note.empty() ? match.info->note : match.rule->note;
        std::string severity = match.rule->severity.empty() ? match.info->severity : match.rule->severity;
        if (match.rule->severity.empty() && match.info->short_days >= 0) {
          for (const SlotValue& slot : clause.slots) {
            if (slot.name == match.info->short_slot && slot.days >= 0 && slot.days <= match.info->short_days) {
              severity = match.info->short_severity;
            }
          }
        }
        clause.notes.push_back({RenderNote(note, analysis.service, clause.slots), severity});
      }
    }
    analysis.clauses.push_back(std::move(clause));
  }
  DeriveFindings(classifier, &analysis);
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
  static const std::vector<SlotRule> kNoSlots;
  const std::vector<SlotRule>& slot_rules = analysis.pack ? analysis.pack->slots : kNoSlots;
  std::set<std::string> present;  // labels seen, for "examples"
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
      const size_t k = static_cast<size_t>(&match - clause.labels.data());
      if (k < clause.notes.size()) {
        label["note"] = clause.notes[k].text;
        label["severity"] = clause.notes[k].severity;
      }
      json slots = json::object();
      for (const SlotValue& slot : clause.slots) {
        // Only the slots this label's note or family can use: a slot rule
        // names the labels it serves.
        for (const SlotRule& rule : slot_rules) {
          if (rule.name != slot.name) continue;
          if (!rule.labels.empty() &&
              std::find(rule.labels.begin(), rule.labels.end(), match.label) == rule.labels.end()) {
            continue;
          }
          slots[slot.name] = slot.value;
          if (slot.days >= 0) slots[slot.name + "_days"] = slot.days;
        }
      }
      label["slots"] = std::move(slots);
      present.insert(match.label);
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
  json findings = json::array();
  for (const Finding& finding : analysis.findings) {
    findings.push_back({{"id", finding.rule->id},
                        {"severity", finding.rule->severity},
                        {"explanation", finding.rule->explanation},
                        {"clauses", finding.clauses}});
  }
  root["findings"] = std::move(findings);
  root["document"]["service"] = analysis.service;
  json examples = json::object();
  if (const ExamplePack* pack = BuiltinExamples()) {
    for (const std::string& label : present) {
      const std::vector<PlatformExample>* list = pack->Find(label);
      if (list == nullptr) continue;
      json entries = json::array();
      for (const PlatformExample& e : *list) {
        entries.push_back({{"service", e.service}, {"document", e.document}, {"date", e.date},
                           {"excerpt", e.excerpt}});
      }
      examples[label] = std::move(entries);
    }
  }
  root["examples"] = std::move(examples);
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

  // What the document leaves out comes first: it is what no highlight shows.
  if (!analysis.findings.empty()) {
    out += "\nWhat the document leaves out or warns about:\n";
    for (const Finding& finding : analysis.findings) {
      out += "  [" + finding.rule->severity + "] " + finding.rule->explanation;
      if (!finding.clauses.empty()) {
        out += " (clauses";
        size_t shown = 0;
        for (uint32_t index : finding.clauses) {
          if (shown++ == 5) {
            out += " ...";
            break;
          }
          out += " #" + std::to_string(index);
        }
        out += ")";
      }
      out += "\n";
    }
  }

  for (size_t index = 0; index < analysis.clauses.size(); ++index) {
    const AnalyzedClause& clause = analysis.clauses[index];
    if (clause.labels.empty()) continue;
    const std::string_view text = analysis.ClauseText(clause);
    out += "\n#" + std::to_string(index) + " [bytes " + std::to_string(clause.source_start) + "-" +
           std::to_string(clause.source_end) + "] ";
    out += text;
    out += "\n";
    for (size_t i = 0; i < clause.labels.size(); ++i) {
      const LabelMatch& match = clause.labels[i];
      const LabelNote* note = i < clause.notes.size() ? &clause.notes[i] : nullptr;
      out += "  - " + match.label;
      if (note != nullptr && !note->severity.empty()) out += " [" + note->severity + "]";
      if (note != nullptr && !note->text.empty()) out += ": " + note->text;
      out += "\n      why: " + match.rule->why + " (saw \"";
      out += text.substr(match.evidence_start, match.evidence_end - match.evidence_start);
      out += "\")\n";
    }
    for (const SlotValue& slot : clause.slots) {
      out += "      " + slot.name + ": " + slot.value + "\n";
    }
  }
  return out;
}

}  // namespace fineprint
