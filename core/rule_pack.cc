#include "core/rule_pack.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <re2/regexp.h>
#include <set>

#include "core/little_endian.h"
#include "core/normalize.h"

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

bool IsSeverity(const std::string& severity) {
  return severity == "alert" || severity == "caution" || severity == "info" || severity == "good";
}

// Checks that every id in `ids` is a declared label; `what` names the field.
bool LabelsDeclared(const RulePack& pack, const std::vector<std::string>& ids,
                    const std::string& where, const char* what, Error* error) {
  for (const std::string& id : ids) {
    if (pack.FindLabel(id) == nullptr) {
      error->message = where + ": " + what + " names undeclared label \"" + id + "\"";
      return false;
    }
  }
  return true;
}

bool ReadInt(const json& object, const char* key, int low, int high, const std::string& where,
             int* out, Error* error) {
  auto it = object.find(key);
  if (it == object.end()) return true;
  if (!it->is_number_integer() || it->get<int64_t>() < low || it->get<int64_t>() > high) {
    error->message = where + ": field \"" + key + "\" must be an integer from " +
                     std::to_string(low) + " to " + std::to_string(high);
    return false;
  }
  *out = it->get<int>();
  return true;
}

bool ReadSeverity(const json& object, const std::string& where, std::string* out, Error* error) {
  if (!ReadString(object, "severity", false, where, out, error)) return false;
  if (!out->empty() && !IsSeverity(*out)) {
    error->message = where + ": severity must be alert, caution, info or good, not \"" + *out + "\"";
    return false;
  }
  return true;
}

// The pack's named pieces of pattern ("fragments"), as written.
using Fragments = std::map<std::string, std::string>;

// How deep fragments may use fragments (deeper is refused, which also
// stops a loop), and how long a pattern may grow by them: a fragment used
// ten times in a fragment used ten times ... grows a pack of a few hundred
// bytes into gigabytes.
constexpr int kMaxFragmentDepth = 8;
constexpr size_t kMaxExpandedPatternBytes = 64 * 1024;

// Appends `pattern` to *out with each {{name}} replaced by fragment `name`
// as a non-capturing group (itself expanded). RE2 gives "{{" no meaning, so
// a pattern holding it means a fragment or a mistake; an escaped brace,
// "\{{", is left as written. `where` names the pattern in the error.
bool AppendExpanded(const Fragments& fragments, std::string_view pattern, int depth,
                    const std::string& where, std::string* out, Error* error) {
  size_t copied = 0;
  for (size_t at = pattern.find("{{"); at != std::string_view::npos; at = pattern.find("{{", at + 1)) {
    size_t backslashes = 0;
    while (backslashes < at && pattern[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) continue;
    const size_t close = pattern.find("}}", at + 2);
    if (close == std::string_view::npos) {
      error->message = where + ": \"{{\" with no closing \"}}\" (a fragment is written {{name}})";
      return false;
    }
    const std::string name(pattern.substr(at + 2, close - at - 2));
    const auto fragment = fragments.find(name);
    if (fragment == fragments.end()) {
      error->message = where + ": fragment {{" + name + "}} is not declared in \"fragments\"";
      return false;
    }
    if (depth >= kMaxFragmentDepth) {
      error->message = where + ": fragments nest more than " + std::to_string(kMaxFragmentDepth) +
                       " deep or use each other in a loop (through {{" + name + "}})";
      return false;
    }
    out->append(pattern.substr(copied, at - copied));
    out->append("(?:");
    if (!AppendExpanded(fragments, fragment->second, depth + 1, where, out, error)) return false;
    out->append(")");
    if (out->size() > kMaxExpandedPatternBytes) {
      error->message = where + ": with its fragments a pattern grows past " +
                       std::to_string(kMaxExpandedPatternBytes) + " bytes";
      return false;
    }
    copied = close + 2;
    at = close + 1;
  }
  out->append(pattern.substr(copied));
  return true;
}

// Replaces *pattern by its expansion (AppendExpanded).
bool ExpandFragments(const Fragments& fragments, const std::string& where, std::string* pattern,
                     Error* error) {
  if (pattern->find("{{") == std::string::npos) return true;
  std::string expanded;
  if (!AppendExpanded(fragments, *pattern, 0, where, &expanded, error)) return false;
  *pattern = std::move(expanded);
  return true;
}

bool ExpandFragments(const Fragments& fragments, const std::string& where,
                     std::vector<std::string>* patterns, Error* error) {
  for (std::string& pattern : *patterns) {
    if (!ExpandFragments(fragments, where, &pattern, error)) return false;
  }
  return true;
}

// Empty when `expanded` (a fragment, its own fragments expanded) is one
// piece of pattern; otherwise what is wrong, in RE2's words. RE2's parser
// decides, as it does for every pattern: alone the piece must parse (its
// groups and classes balance: "a)|(b" would break out of the group a use
// puts around it, and parse inside it), inside that group too (a "\Q" with
// no "\E" would quote the group's ")"), and it must capture nothing, so a
// slot's first capture stays the slot pattern's own.
std::string FragmentProblem(const std::string& expanded) {
  const std::string alone_and_used[] = {expanded, "(?:" + expanded + ")"};
  for (const std::string& text : alone_and_used) {
    re2::RegexpStatus status;
    re2::Regexp* parsed = re2::Regexp::Parse(text, re2::Regexp::LikePerl, &status);
    if (parsed == nullptr) return "is not one piece of pattern (" + status.Text() + ")";
    const int captures = parsed->NumCaptures();
    parsed->Decref();
    if (captures > 0) return "has a capturing group (write (?:...) instead)";
  }
  return "";
}

// Reads "fragments": {"<name>": "<piece of RE2>", ...}, each checked once
// expanded (an unknown name, a loop or a piece that is not one piece of
// pattern is refused here, not in the first pattern that uses it).
bool ReadFragments(const json& root, Fragments* fragments, Error* error) {
  auto it = root.find("fragments");
  if (it == root.end()) return true;
  if (!it->is_object()) {
    error->message = "rule pack: \"fragments\" must be an object of strings";
    return false;
  }
  for (const auto& [name, piece] : it->items()) {
    const bool plain_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!plain_name) {
      error->message = "rule pack: fragment name \"" + name + "\" must be lower-case letters, digits, - and _";
      return false;
    }
    if (!piece.is_string() || piece.get_ref<const std::string&>().empty()) {
      error->message = "fragment '" + name + "': must be a non-empty string";
      return false;
    }
    (*fragments)[name] = piece.get<std::string>();
  }
  for (const auto& [name, piece] : *fragments) {
    std::string expanded;
    if (!AppendExpanded(*fragments, piece, 1, "fragment '" + name + "'", &expanded, error)) return false;
    const std::string problem = FragmentProblem(expanded);
    if (!problem.empty()) {
      error->message = "fragment '" + name + "': " + problem;
      return false;
    }
  }
  return true;
}

// The pack's named pattern lists ("pattern_sets").
using PatternSets = std::map<std::string, std::vector<std::string>>;

// Reads a context field that holds one pattern: a pattern string, or
// {"set": "<name>"} for a declared pattern set of one pattern. Several rules
// look for the same kind of heading or column header, and a set lets them
// share one written pattern. (A longer set is refused: joining patterns
// into one text is not always sound, e.g. after a "\Q" with no "\E", and
// the classifier's unions of excludes already handle that case; no rule
// has needed it here.)
bool ReadContextPattern(const json& context, const char* key, const PatternSets& pattern_sets,
                        const std::string& where, std::string* out, Error* error) {
  auto it = context.find(key);
  if (it == context.end() || it->is_string()) return ReadString(context, key, false, where, out, error);
  const auto name = it->is_object() && it->size() == 1 ? it->find("set") : it->end();
  if (name == it->end() || !name->is_string()) {
    error->message = where + ": field \"" + key + "\" must be a pattern or {\"set\": \"<pattern set>\"}";
    return false;
  }
  auto set = pattern_sets.find(name->get<std::string>());
  if (set == pattern_sets.end()) {
    error->message = where + ": " + key + " set \"" + name->get<std::string>() +
                     "\" is not declared in \"pattern_sets\"";
    return false;
  }
  if (set->second.size() != 1) {
    error->message = where + ": " + key + " set \"" + set->first + "\" must hold one pattern, not " +
                     std::to_string(set->second.size());
    return false;
  }
  *out = set->second.front();
  return true;
}

bool ReadContext(const json& entry, const RulePack& pack, const PatternSets& pattern_sets,
                 const Fragments& fragments, const std::string& where, RuleContext* context, Error* error) {
  auto it = entry.find("context");
  if (it == entry.end()) return true;
  if (!it->is_object()) {
    error->message = where + ": field \"context\" must be an object";
    return false;
  }
  static const std::set<std::string> kKnown = {"previous_labels", "window", "heading_matches",
                                                "lead_in_labels", "lead_in_matches",
                                                "column_header_matches", "heading_excludes"};
  for (auto field = it->begin(); field != it->end(); ++field) {
    if (kKnown.count(field.key()) == 0) {
      // A misspelt context key would silently make a context rule a plain
      // one; refuse it instead.
      error->message = where + ": unknown context field \"" + field.key() + "\"";
      return false;
    }
  }
  const std::string in = where + " context";
  if (!ReadStringList(*it, "previous_labels", in, &context->previous_labels, error) ||
      !ReadInt(*it, "window", 1, 10, in, &context->window, error) ||
      !ReadContextPattern(*it, "heading_matches", pattern_sets, in, &context->heading_matches, error) ||
      !ReadStringList(*it, "lead_in_labels", in, &context->lead_in_labels, error) ||
      !ReadContextPattern(*it, "lead_in_matches", pattern_sets, in, &context->lead_in_matches, error) ||
      !ReadContextPattern(*it, "column_header_matches", pattern_sets, in, &context->column_header_matches,
                          error) ||
      !ReadContextPattern(*it, "heading_excludes", pattern_sets, in, &context->heading_excludes, error) ||
      !LabelsDeclared(pack, context->previous_labels, in, "previous_labels", error) ||
      !LabelsDeclared(pack, context->lead_in_labels, in, "lead_in_labels", error) ||
      !ExpandFragments(fragments, in, &context->heading_matches, error) ||
      !ExpandFragments(fragments, in, &context->lead_in_matches, error) ||
      !ExpandFragments(fragments, in, &context->column_header_matches, error) ||
      !ExpandFragments(fragments, in, &context->heading_excludes, error)) {
    return false;
  }
  if (context->empty() && context->heading_excludes.empty()) {
    error->message = in + ": must constrain something";
    return false;
  }
  return true;
}

// Parses `text` into *root: a JSON object whose "schema" is `schema` and
// whose `key` holds an object keyed by `keyed_by`. `what` names the file in
// the error ("examples: not a JSON object").
bool ReadKeyedFile(std::string_view text, const std::string& what, std::string_view schema,
                   const char* key, const char* keyed_by, json* root, Error* error) {
  *root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root->is_discarded() || !root->is_object()) {
    error->message = what + ": not a JSON object";
    return false;
  }
  std::string found;
  if (!ReadString(*root, "schema", true, what, &found, error)) return false;
  if (found != schema) {
    error->message = what + ": schema is \"" + found + "\", expected \"" + std::string(schema) + "\"";
    return false;
  }
  auto object = root->find(key);
  if (object == root->end() || !object->is_object()) {
    error->message = what + ": \"" + key + "\" must be an object keyed by " + keyed_by;
    return false;
  }
  return true;
}

// The pack record (RulePackToRecord): strings as a 4-byte length and their
// bytes, counts and ints as 4 bytes, doubles as their 8 IEEE bytes, all
// little-endian, bools as one byte. Writing and reading share one list of
// fields (TransferPack), so the two cannot disagree on their order.
class RecordWriter {
 public:
  bool operator()(const std::string& text) {
    PutBytes(text.size(), 4, &out_);
    out_.append(text);
    return true;
  }
  bool operator()(int value) {
    PutBytes(static_cast<uint32_t>(value), 4, &out_);
    return true;
  }
  bool operator()(bool value) {
    out_ += value ? '\1' : '\0';
    return true;
  }
  bool operator()(double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    PutBytes(bits, 8, &out_);
    return true;
  }
  template <typename Item, typename Each>
  bool List(const std::vector<Item>& items, Each each) {
    PutBytes(items.size(), 4, &out_);
    for (const Item& item : items) each(item);
    return true;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : bytes_(bytes) {}
  bool operator()(std::string& text) {
    uint64_t size = 0;
    if (!TakeBytes(&bytes_, 4, &size) || size > bytes_.size()) return false;
    text.assign(bytes_.data(), size);
    bytes_.remove_prefix(size);
    return true;
  }
  bool operator()(int& value) {
    uint64_t bits = 0;
    if (!TakeBytes(&bytes_, 4, &bits)) return false;
    value = static_cast<int32_t>(static_cast<uint32_t>(bits));
    return true;
  }
  bool operator()(bool& value) {
    uint64_t byte = 0;
    if (!TakeBytes(&bytes_, 1, &byte) || byte > 1) return false;
    value = byte == 1;
    return true;
  }
  bool operator()(double& value) {
    uint64_t bits = 0;
    if (!TakeBytes(&bytes_, 8, &bits)) return false;
    std::memcpy(&value, &bits, sizeof bits);
    return true;
  }
  template <typename Item, typename Each>
  bool List(std::vector<Item>& items, Each each) {
    uint64_t count = 0;
    // Every item takes four bytes at least (a string's length): a larger
    // count is damage, refused before anything is allocated; and items are
    // added as they are read, so a count that fits the bytes but not the
    // items allocates no more than the bytes could hold.
    if (!TakeBytes(&bytes_, 4, &count) || count > bytes_.size() / 4) return false;
    items.clear();
    for (uint64_t n = 0; n < count; ++n) {
      items.emplace_back();
      if (!each(items.back())) return false;
    }
    return true;
  }
  bool AtEnd() const { return bytes_.empty(); }

 private:
  std::string_view bytes_;
};

// Every field of `pack`, in record order, through `io` (a RecordWriter with
// a const pack, or a RecordReader). A field added to RulePack goes here too:
// rule_pack_test counts each struct's fields at compile time and compares
// every one after a round trip.
template <typename Io, typename Pack>
bool TransferPack(Io& io, Pack& pack) {
  auto strings = [&io](auto& list) { return io.List(list, [&io](auto& text) { return io(text); }); };
  return io(pack.language) && io(pack.version) &&
         io.List(pack.labels,
                 [&](auto& label) {
                   return io(label.id) && io(label.name) && io(label.family) && io(label.primary) &&
                          io(label.note) && io(label.severity) && io(label.short_slot) && io(label.short_days) &&
                          io(label.short_severity);
                 }) &&
         io.List(pack.rules,
                 [&](auto& rule) {
                   return io(rule.id) && io(rule.label) && io(rule.match) && strings(rule.require) &&
                          strings(rule.exclude) && io(rule.why) && strings(rule.context.previous_labels) &&
                          io(rule.context.window) && io(rule.context.heading_matches) &&
                          strings(rule.context.lead_in_labels) && io(rule.context.lead_in_matches) &&
                          io(rule.context.column_header_matches) &&
                          io(rule.context.heading_excludes) && strings(rule.unless_labels) && io(rule.note) &&
                          io(rule.severity);
                 }) &&
         io.List(pack.slots,
                 [&](auto& slot) {
                   return io(slot.name) && strings(slot.labels) && io(slot.pattern) && io(slot.kind) &&
                          io(slot.link_text) && io(slot.link_exclude);
                 }) &&
         io.List(pack.findings, [&](auto& finding) {
           return io(finding.id) && io(finding.severity) && io(finding.explanation) &&
                  strings(finding.trigger_labels) && io(finding.trigger_matches) &&
                  strings(finding.companion_labels) && io(finding.companion_slot) &&
                  io(finding.companion_matches) && io(finding.companion_anywhere_matches) && io(finding.near) &&
                  io(finding.fires_when_present) && io(finding.min_labelled_clauses);
         });
}

}  // namespace

const LabelInfo* RulePack::FindLabel(std::string_view id) const {
  for (const LabelInfo& label : labels) {
    if (label.id == id) return &label;
  }
  return nullptr;
}

std::string RulePackFingerprint(std::string_view json) { return Hex16(WordFingerprint64(json)); }

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
    if (!ReadString(entry, "note", false, where, &label.note, &error)) return error;
    std::string severity;
    if (!ReadSeverity(entry, where, &severity, &error)) return error;
    if (!severity.empty()) label.severity = severity;
    if (auto when = entry.find("severity_when"); when != entry.end()) {
      const std::string in = where + " severity_when";
      if (!when->is_object() || !when->contains("at_most_days") || !(*when)["at_most_days"].is_number() ||
          !ReadString(*when, "slot", true, in, &label.short_slot, &error) ||
          !ReadString(*when, "severity", true, in, &label.short_severity, &error) ||
          !IsSeverity(label.short_severity)) {
        return Error{in + ": needs slot, at_most_days (a number) and a severity"};
      }
      label.short_days = (*when)["at_most_days"].get<double>();
    }
    auto primary = entry.find("primary");
    if (primary != entry.end()) {
      if (!primary->is_boolean()) return Error{where + ": field \"primary\" must be true or false"};
      label.primary = primary->get<bool>();
    }
    if (pack.FindLabel(label.id) != nullptr) return Error{where + ": declared twice"};
    pack.labels.push_back(std::move(label));
  }

  // Named lists of patterns that rules share ("exclude_sets",
  // "require_sets"), so that a pattern written once serves every rule that
  // needs it.
  Fragments fragments;
  if (!ReadFragments(root, &fragments, &error)) return error;
  PatternSets pattern_sets;
  if (auto sets = root.find("pattern_sets"); sets != root.end()) {
    if (!sets->is_object()) return Error{"rule pack: \"pattern_sets\" must be an object of lists"};
    for (const auto& [name, patterns] : sets->items()) {
      if (name.empty()) return Error{"rule pack: a pattern set has an empty name"};
      const std::string where = "pattern set '" + name + "'";
      const bool strings = patterns.is_array() && !patterns.empty() &&
                           std::all_of(patterns.begin(), patterns.end(), [](const json& pattern) {
                             return pattern.is_string() && !pattern.get_ref<const std::string&>().empty();
                           });
      if (!strings) return Error{where + ": must be a non-empty list of non-empty strings"};
      for (const json& pattern : patterns) pattern_sets[name].push_back(pattern.get<std::string>());
      if (!ExpandFragments(fragments, where, &pattern_sets[name], &error)) return error;
    }
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
        !ReadStringList(entry, "exclude", where, &rule.exclude, &error) ||
        !ExpandFragments(fragments, where, &rule.match, &error) ||
        !ExpandFragments(fragments, where, &rule.require, &error) ||
        !ExpandFragments(fragments, where, &rule.exclude, &error)) {
      return error;
    }
    if (pack.FindLabel(rule.label) == nullptr) {
      return Error{where + ": label \"" + rule.label + "\" is not declared in \"labels\""};
    }
    // Each named set's patterns join the rule's own, in the order listed.
    auto append_sets = [&](const char* field, const char* kind, std::vector<std::string>* patterns) {
      std::vector<std::string> names;
      if (!ReadStringList(entry, field, where, &names, &error)) return false;
      for (const std::string& name : names) {
        auto set = pattern_sets.find(name);
        if (set == pattern_sets.end()) {
          error = Error{where + ": " + kind + " set \"" + name + "\" is not declared in \"pattern_sets\""};
          return false;
        }
        patterns->insert(patterns->end(), set->second.begin(), set->second.end());
      }
      return true;
    };
    if (!append_sets("exclude_sets", "exclude", &rule.exclude) ||
        !append_sets("require_sets", "require", &rule.require)) {
      return error;
    }
    if (!ReadContext(entry, pack, pattern_sets, fragments, where, &rule.context, &error) ||
        !ReadStringList(entry, "unless_labels", where, &rule.unless_labels, &error) ||
        !LabelsDeclared(pack, rule.unless_labels, where, "unless_labels", &error) ||
        !ReadString(entry, "note", false, where, &rule.note, &error) ||
        !ReadSeverity(entry, where, &rule.severity, &error)) {
      return error;
    }
    pack.rules.push_back(std::move(rule));
  }

  if (auto slots = root.find("slots"); slots != root.end()) {
    if (!slots->is_array()) return Error{"rule pack: \"slots\" must be a list"};
    for (size_t i = 0; i < slots->size(); ++i) {
      const json& entry = (*slots)[i];
      std::string where = "slot #" + std::to_string(i + 1);
      if (!entry.is_object()) return Error{where + ": must be an object"};
      SlotRule slot;
      if (!ReadString(entry, "name", true, where, &slot.name, &error)) return error;
      where = "slot '" + slot.name + "'";
      std::string kind;
      if (!ReadString(entry, "pattern", true, where, &slot.pattern, &error) ||
          !ReadStringList(entry, "labels", where, &slot.labels, &error) ||
          !LabelsDeclared(pack, slot.labels, where, "labels", &error) ||
          !ReadString(entry, "kind", false, where, &kind, &error) ||
          !ReadString(entry, "link_text", false, where, &slot.link_text, &error) ||
          !ReadString(entry, "link_exclude", false, where, &slot.link_exclude, &error) ||
          !ExpandFragments(fragments, where, &slot.pattern, &error) ||
          !ExpandFragments(fragments, where, &slot.link_text, &error) ||
          !ExpandFragments(fragments, where, &slot.link_exclude, &error)) {
        return error;
      }
      if (!kind.empty()) {
        if (kind != "text" && kind != "duration" && kind != "link") {
          return Error{where + ": kind must be text, duration or link, not \"" + kind + "\""};
        }
        slot.kind = kind;
      }
      if ((!slot.link_text.empty() || !slot.link_exclude.empty()) && slot.kind != "link") {
        return Error{where + ": link_text and link_exclude are for slots of kind link"};
      }
      pack.slots.push_back(std::move(slot));
    }
  }

  if (auto findings = root.find("findings"); findings != root.end()) {
    if (!findings->is_array()) return Error{"rule pack: \"findings\" must be a list"};
    std::set<std::string> finding_ids;
    for (size_t i = 0; i < findings->size(); ++i) {
      const json& entry = (*findings)[i];
      std::string where = "finding #" + std::to_string(i + 1);
      if (!entry.is_object()) return Error{where + ": must be an object"};
      FindingRule finding;
      if (!ReadString(entry, "id", true, where, &finding.id, &error)) return error;
      where = "finding '" + finding.id + "'";
      if (!finding_ids.insert(finding.id).second) return Error{where + ": id used twice"};
      std::string fires_when;
      if (!ReadString(entry, "severity", true, where, &finding.severity, &error) ||
          !ReadSeverity(entry, where, &finding.severity, &error) ||
          !ReadString(entry, "explanation", true, where, &finding.explanation, &error) ||
          !ReadStringList(entry, "trigger_labels", where, &finding.trigger_labels, &error) ||
          !LabelsDeclared(pack, finding.trigger_labels, where, "trigger_labels", &error) ||
          !ReadString(entry, "trigger_matches", false, where, &finding.trigger_matches, &error) ||
          !ReadStringList(entry, "companion_labels", where, &finding.companion_labels, &error) ||
          !LabelsDeclared(pack, finding.companion_labels, where, "companion_labels", &error) ||
          !ReadString(entry, "companion_slot", false, where, &finding.companion_slot, &error) ||
          !ReadString(entry, "companion_matches", false, where, &finding.companion_matches, &error) ||
          !ReadString(entry, "companion_anywhere_matches", false, where,
                      &finding.companion_anywhere_matches, &error) ||
          !ReadInt(entry, "near", -1, 50, where, &finding.near, &error) ||
          !ReadInt(entry, "min_labelled_clauses", 0, 1000, where, &finding.min_labelled_clauses,
                   &error) ||
          !ReadString(entry, "fires_when", true, where, &fires_when, &error) ||
          !ExpandFragments(fragments, where, &finding.trigger_matches, &error) ||
          !ExpandFragments(fragments, where, &finding.companion_matches, &error) ||
          !ExpandFragments(fragments, where, &finding.companion_anywhere_matches, &error)) {
        return error;
      }
      if (fires_when != "companion_absent" && fires_when != "companion_present") {
        return Error{where + ": fires_when must be companion_absent or companion_present"};
      }
      finding.fires_when_present = fires_when == "companion_present";
      if (finding.companion_labels.empty() && finding.companion_slot.empty()) {
        return Error{where + ": needs companion_labels or companion_slot"};
      }
      pack.findings.push_back(std::move(finding));
    }
  }
  pack.fingerprint = RulePackFingerprint(text);
  return pack;
}

const std::vector<PlatformExample>* ExamplePack::Find(std::string_view label) const {
  for (const auto& entry : labels) {
    if (entry.first == label) return &entry.second;
  }
  return nullptr;
}

Expected<ExamplePack> ParseExamples(std::string_view text) {
  json root;
  Error error;
  if (!ReadKeyedFile(text, "examples", "fineprint.examples/1", "examples", "label id", &root, &error)) {
    return error;
  }
  const auto examples = root.find("examples");
  std::map<std::string, std::vector<std::string>> aliases;
  if (auto names = root.find("aliases"); names != root.end()) {
    if (!names->is_object()) return Error{"examples: \"aliases\" must be an object keyed by service"};
    for (auto it = names->begin(); it != names->end(); ++it) {
      const Error not_names{"examples: aliases of '" + it.key() + "' must be a list of names"};
      if (!it->is_array()) return not_names;
      std::vector<std::string>& list = aliases[it.key()];
      for (const json& name : *it) {
        if (!name.is_string() || name.get_ref<const std::string&>().empty()) return not_names;
        list.push_back(name.get<std::string>());
      }
    }
  }
  ExamplePack pack;
  for (auto it = examples->begin(); it != examples->end(); ++it) {
    if (!it->is_array()) return Error{"examples for '" + it.key() + "': must be a list"};
    std::vector<PlatformExample> list;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& entry = (*it)[i];
      const std::string where = "example #" + std::to_string(i + 1) + " of '" + it.key() + "'";
      if (!entry.is_object()) return Error{where + ": must be an object"};
      PlatformExample example;
      if (!ReadString(entry, "service", true, where, &example.service, &error) ||
          !ReadString(entry, "document", true, where, &example.document, &error) ||
          !ReadString(entry, "date", true, where, &example.date, &error) ||
          !ReadString(entry, "excerpt", true, where, &example.excerpt, &error)) {
        return error;
      }
      if (auto names = aliases.find(example.service); names != aliases.end()) example.aliases = names->second;
      list.push_back(std::move(example));
    }
    pack.labels.emplace_back(it.key(), std::move(list));
  }
  // A misspelt service would silently alias nothing.
  for (const auto& [service, names] : aliases) {
    bool used = false;
    for (const auto& [label, list] : pack.labels) {
      for (const PlatformExample& example : list) used = used || example.service == service;
    }
    if (!used) return Error{"examples: aliases of '" + service + "': no example is from that service"};
  }
  return pack;
}

std::string_view ServiceDirectory::Find(std::string_view host) const {
  // help.x.com, then x.com: the most specific listed domain wins.
  while (!host.empty()) {
    for (const auto& [listed, service] : hosts) {
      if (listed == host) return service;
    }
    const size_t dot = host.find('.');
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return {};
}

Expected<ServiceDirectory> ParseServices(std::string_view text) {
  json root;
  Error error;
  if (!ReadKeyedFile(text, "services", "fineprint.services/1", "services", "service name", &root, &error)) {
    return error;
  }
  const auto services = root.find("services");
  // A host as Find compares it: lower-case labels of letters, digits and
  // "-", at least two of them. Anything else could never match.
  auto is_host = [](const std::string& host) {
    if (host.empty() || host.front() == '.' || host.back() == '.' || host.find("..") != std::string::npos ||
        host.find('.') == std::string::npos || host.rfind("www.", 0) == 0) {
      return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
  };
  ServiceDirectory directory;
  std::set<std::string> seen;
  for (auto it = services->begin(); it != services->end(); ++it) {
    const std::string where = "services: '" + it.key() + "'";
    if (it.key().empty()) return Error{"services: a service name is empty"};
    if (!it->is_array() || it->empty()) return Error{where + " must list at least one host"};
    for (const json& host : *it) {
      if (!host.is_string() || !is_host(host.get_ref<const std::string&>())) {
        return Error{where + ": " + host.dump() + " is not a lower-case host name such as \"example.com\""};
      }
      if (!seen.insert(host.get<std::string>()).second) {
        return Error{where + ": host \"" + host.get<std::string>() + "\" is listed twice"};
      }
      directory.hosts.emplace_back(host.get<std::string>(), it.key());
    }
  }
  return directory;
}

std::string RulePackToRecord(const RulePack& pack) {
  RecordWriter writer;
  TransferPack(writer, pack);
  return writer.Take();
}

bool RulePackFromRecord(std::string_view record, RulePack* pack) {
  RecordReader reader(record);
  *pack = RulePack();
  return TransferPack(reader, *pack) && reader.AtEnd();
}

}  // namespace fineprint
