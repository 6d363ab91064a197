// Rule packs are data: a JSON file per language that names the taxonomy's
// labels and the patterns that find them. Adding or fixing a pattern is an
// edit to the JSON, never to C++.
//
// Format (schema "fineprint.rules/1"):
//   {
//     "schema": "fineprint.rules/1", "language": "en", "version": "...",
//     "labels": [{"id": "ai_training.first_party", "name": "...",
//                 "family": "ai_training", "primary": true}, ...],
//     "rules": [{
//       "id": "unique-rule-id",
//       "label": "<a label id above>",
//       "match": "<RE2 pattern; the candidate finder>",
//       "require": ["<RE2>", ...],   // optional: each must also match
//       "exclude": ["<RE2>", ...],   // optional: none may match
//       "why": "<one line a person reads: what the rule saw>"
//     }, ...]
//   }
// Patterns are matched case-insensitively against a clause's plain text.
#ifndef FINEPRINT_CORE_RULE_PACK_H_
#define FINEPRINT_CORE_RULE_PACK_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace fineprint {

struct LabelInfo {
  std::string id;      // taxonomy id, e.g. "choice.opt_out"
  std::string name;    // words for a person, e.g. "You can opt out"
  std::string family;  // "ai_training", "choice", "retention", ...
  bool primary = false;
};

struct Rule {
  std::string id;
  std::string label;
  std::string match;
  std::vector<std::string> require;
  std::vector<std::string> exclude;
  std::string why;
};

struct RulePack {
  std::string language;
  std::string version;
  std::vector<LabelInfo> labels;
  std::vector<Rule> rules;

  // The LabelInfo with this id, or nullptr.
  const LabelInfo* FindLabel(std::string_view id) const;
};

// Parses and checks a rule pack: valid JSON, the right schema, every field
// present with the right type, rule ids unique, every rule's label declared.
// Patterns are checked when compiled (Classifier::Create). The error names
// the rule and the field.
Expected<RulePack> ParseRulePack(std::string_view json);

// The rule pack built into this binary (core/rules/en.json).
std::string_view BuiltinRulePackJson();

}  // namespace fineprint

#endif  // FINEPRINT_CORE_RULE_PACK_H_
