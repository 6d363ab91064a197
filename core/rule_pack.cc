#include "core/rule_pack.h"

#include <nlohmann/json.hpp>
#include <set>

namespace fineprint {
namespace {

using nlohmann::json;

constexpr std::string_view kSchema = "fineprint.rules/1";

// Reads object[key] as a string into *out. `where` names the object in the
// error ("rule 'x'").
bool ReadString(const json& object, const char* key, bool required,
                const std::string& where, std::string* out, Error* error) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (!required) return true;
    error->message = where + ": missing field \"" + key + "\"";
    return false;
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
    error->message = where + ": field \"" + key + "\" must be a non-empty string";
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

bool ReadStringList(const json& object, const char* key, const std::string& where,
                    std::vector<std::string>* out, Error* error) {
  auto it = object.find(key);
  if (it == object.end()) return true;
  if (!it->is_array()) {
    error->message = where + ": field \"" + key + "\" must be a list of strings";
    return false;
  }
  for (const json& item : *it) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      error->message = where + ": field \"" + key + "\" must hold only non-empty strings";
      return false;
    }
    out->push_back(item.get<std::string>());
  }
  return true;
}

}  // namespace

const LabelInfo* RulePack::FindLabel(std::string_view id) const {
  for (const LabelInfo& label : labels) {
    if (label.id == id) return &label;
  }
  return nullptr;
}

Expected<RulePack> ParseRulePack(std::string_view text) {
  const json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Error{"rule pack: not valid JSON"};
  if (!root.is_object()) return Error{"rule pack: top level must be an object"};

  Error error;
  RulePack pack;
  std::string schema;
  if (!ReadString(root, "schema", true, "rule pack", &schema, &error)) return error;
  if (schema != kSchema) {
    return Error{"rule pack: schema is \"" + schema + "\", expected \"" + std::string(kSchema) + "\""};
  }
  if (!ReadString(root, "language", true, "rule pack", &pack.language, &error) ||
      !ReadString(root, "version", true, "rule pack", &pack.version, &error)) {
    return error;
  }

  auto labels = root.find("labels");
  if (labels == root.end() || !labels->is_array()) {
    return Error{"rule pack: \"labels\" must be a list"};
  }
  for (size_t i = 0; i < labels->size(); ++i) {
    const json& entry = (*labels)[i];
    std::string where = "label #" + std::to_string(i + 1);
    if (!entry.is_object()) return Error{where + ": must be an object"};
    LabelInfo label;
    if (!ReadString(entry, "id", true, where, &label.id, &error)) return error;
    where = "label '" + label.id + "'";
    if (!ReadString(entry, "name", true, where, &label.name, &error) ||
        !ReadString(entry, "family", true, where, &label.family, &error)) {
      return error;
    }
    auto primary = entry.find("primary");
    if (primary != entry.end()) {
      if (!primary->is_boolean()) return Error{where + ": field \"primary\" must be true or false"};
      label.primary = primary->get<bool>();
    }
    if (pack.FindLabel(label.id) != nullptr) return Error{where + ": declared twice"};
    pack.labels.push_back(std::move(label));
  }

  auto rules = root.find("rules");
  if (rules == root.end() || !rules->is_array()) {
    return Error{"rule pack: \"rules\" must be a list"};
  }
  std::set<std::string> rule_ids;
  for (size_t i = 0; i < rules->size(); ++i) {
    const json& entry = (*rules)[i];
    std::string where = "rule #" + std::to_string(i + 1);
    if (!entry.is_object()) return Error{where + ": must be an object"};
    Rule rule;
    if (!ReadString(entry, "id", true, where, &rule.id, &error)) return error;
    where = "rule '" + rule.id + "'";
    if (!rule_ids.insert(rule.id).second) return Error{where + ": id used twice"};
    if (!ReadString(entry, "label", true, where, &rule.label, &error) ||
        !ReadString(entry, "match", true, where, &rule.match, &error) ||
        !ReadString(entry, "why", true, where, &rule.why, &error) ||
        !ReadStringList(entry, "require", where, &rule.require, &error) ||
        !ReadStringList(entry, "exclude", where, &rule.exclude, &error)) {
      return error;
    }
    if (pack.FindLabel(rule.label) == nullptr) {
      return Error{where + ": label \"" + rule.label + "\" is not declared in \"labels\""};
    }
    pack.rules.push_back(std::move(rule));
  }
  return pack;
}

}  // namespace fineprint
