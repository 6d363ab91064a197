// Classifier::Load, apart from classifier.cc because it needs the built-in
// pack's embedded data, which the build makes with a tool
// (tools/prepare_rules.cc) that compiles classifier.cc itself.
#include "core/classifier.h"
#include "core/rule_pack.h"

namespace fineprint {

Expected<std::unique_ptr<Classifier>> Classifier::Load(std::string_view rules_json) {
  if (rules_json.empty()) return CreateFromJson(BuiltinRulePackJson(), BuiltinPreparedRulePack());
  return CreateFromJson(rules_json, {});
}

}  // namespace fineprint
