#include "core/rule_pack.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "tests/unit/rule_pack_test_util.h"

namespace fineprint {
namespace {

std::string Pack(const std::string& rules, const std::string& labels =
    R"([{"id": "choice.opt_out", "name": "You can opt out", "family": "choice", "primary": true}])") {
  return R"({"schema": "fineprint.rules/1", "language": "en", "version": "t", "labels": )" +
         labels + R"(, "rules": )" + rules + "}";
}

TEST_CASE("ParseRulePack reads a minimal pack", "[rule_pack]") {
  auto pack = ParseRulePack(Pack(
      R"([{"id": "r1", "label": "choice.opt_out", "match": "opt out", "exclude": ["arbitration"], "why": "w"}])"));
  REQUIRE(pack.ok());
  REQUIRE(pack.value().rules.size() == 1);
  CHECK(pack.value().rules[0].exclude == std::vector<std::string>{"arbitration"});
  CHECK(pack.value().FindLabel("choice.opt_out")->primary);
  CHECK(pack.value().FindLabel("nope") == nullptr);
}

TEST_CASE("ParseRulePack names the rule and field that are wrong", "[rule_pack]") {
  CHECK(ParseRulePack("{").error().message == "rule pack: not valid JSON");
  CHECK(ParseRulePack(R"({"schema": "other/1"})").error().message ==
        R"(rule pack: schema is "other/1", expected "fineprint.rules/1")");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "why": "w"}])")).error().message ==
        R"(rule 'r1': missing field "match")");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "nope", "match": "x", "why": "w"}])")).error().message ==
        R"(rule 'r1': label "nope" is not declared in "labels")");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w"},
                               {"id": "r1", "label": "choice.opt_out", "match": "y", "why": "w"}])"))
            .error().message == "rule 'r1': id used twice");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w", "require": "x"}])"))
            .error().message == R"(rule 'r1': field "require" must be a list of strings)");
  CHECK(ParseRulePack(Pack(R"([{"label": "choice.opt_out", "match": "x", "why": "w"}])")).error().message ==
        R"(rule #1: missing field "id")");
}

TEST_CASE("Rules share exclusions and requirements through named pattern sets", "[rule_pack]") {
  const std::string rules =
      R"([{"id": "r1", "label": "choice.opt_out", "match": "opt out", "exclude": ["own"],
           "exclude_sets": ["pointers", "legal"], "why": "w"},
          {"id": "r2", "label": "choice.opt_out", "match": "object", "exclude_sets": ["legal"],
           "require": ["you"], "require_sets": ["legal", "pointers"], "why": "w"}])";
  const std::string sets = R"({"pointers": ["^learn more", "^see "], "legal": ["arbitration"]})";
  auto with_sets = [&](const std::string& the_sets, const std::string& the_rules) {
    std::string json = Pack(the_rules);
    json.insert(json.size() - 1, R"(, "pattern_sets": )" + the_sets);
    return ParseRulePack(json);
  };
  auto pack = with_sets(sets, rules);
  REQUIRE(pack.ok());
  // The rule's own exclusions first, then each set's in the order listed.
  CHECK(pack.value().rules[0].exclude == std::vector<std::string>{"own", "^learn more", "^see ", "arbitration"});
  CHECK(pack.value().rules[1].exclude == std::vector<std::string>{"arbitration"});
  CHECK(pack.value().rules[1].require == std::vector<std::string>{"you", "arbitration", "^learn more", "^see "});
  CHECK(pack.value().rules[0].require.empty());
  CHECK(with_sets(sets, R"([{"id": "r3", "label": "choice.opt_out", "match": "x", "exclude_sets": ["nope"],
                             "why": "w"}])")
            .error().message == R"(rule 'r3': exclude set "nope" is not declared in "pattern_sets")");
  CHECK(with_sets(sets, R"([{"id": "r4", "label": "choice.opt_out", "match": "x", "require_sets": ["nope"],
                             "why": "w"}])")
            .error().message == R"(rule 'r4': require set "nope" is not declared in "pattern_sets")");
  CHECK(with_sets(sets, R"([{"id": "r5", "label": "choice.opt_out", "match": "x", "require_sets": "legal",
                             "why": "w"}])")
            .error().message == R"(rule 'r5': field "require_sets" must be a list of strings)");
  CHECK(with_sets(R"({"legal": "arbitration"})", rules).error().message ==
        "pattern set 'legal': must be a non-empty list of non-empty strings");
  CHECK(with_sets(R"({"legal": [""]})", rules).error().message ==
        "pattern set 'legal': must be a non-empty list of non-empty strings");
  CHECK(with_sets(R"(["arbitration"])", rules).error().message ==
        R"(rule pack: "pattern_sets" must be an object of lists)");
}

TEST_CASE("A context pattern may name a pattern set", "[rule_pack]") {
  auto with_sets = [](const std::string& context) {
    std::string json = Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w", "context": )" +
                            context + "}]");
    json.insert(json.size() - 1, R"(, "pattern_sets": {"retention": ["how long"], "legal": ["arbitration", "(?i)jury"]})");
    return ParseRulePack(json);
  };
  auto pack = with_sets(R"({"heading_matches": {"set": "retention"}, "lead_in_matches": "lead",
                            "column_header_matches": {"set": "retention"}, "heading_excludes": {"set": "retention"}})");
  REQUIRE(pack.ok());
  const RuleContext& context = pack.value().rules[0].context;
  CHECK(context.heading_matches == "how long");
  CHECK(context.column_header_matches == "how long");
  CHECK(context.lead_in_matches == "lead");
  CHECK(context.heading_excludes == "how long");
  CHECK(with_sets(R"({"lead_in_matches": {"set": "legal"}})").error().message ==
        R"(rule 'r1' context: lead_in_matches set "legal" must hold one pattern, not 2)");
  CHECK(with_sets(R"({"heading_matches": {"set": "nope"}})").error().message ==
        R"(rule 'r1' context: heading_matches set "nope" is not declared in "pattern_sets")");
  const std::string malformed =
      R"(rule 'r1' context: field "column_header_matches" must be a pattern or {"set": "<pattern set>"})";
  CHECK(with_sets(R"({"column_header_matches": {"sets": "retention"}})").error().message == malformed);
  CHECK(with_sets(R"({"column_header_matches": {"set": "retention", "also": 1}})").error().message == malformed);
  CHECK(with_sets(R"({"column_header_matches": {"set": ["retention"]}})").error().message == malformed);
  CHECK(with_sets(R"({"column_header_matches": ["how long"]})").error().message == malformed);
}

TEST_CASE("Patterns share pieces through named fragments", "[rule_pack]") {
  const std::string labels = R"J([{"id": "choice.opt_out", "name": "n", "family": "choice"}])J";
  auto with_fragments = [&](const std::string& fragments, const std::string& rules,
                            const std::string& more = "") {
    return ParseRulePack(R"J({"schema": "fineprint.rules/1", "language": "en", "version": "t", "labels": )J" +
                         labels + R"J(, "fragments": )J" + fragments + R"J(, "rules": )J" + rules + more + "}");
  };
  const std::string fragments = R"J({"number": "\\d+|two|ten", "period": "{{number}} (?:days?|months?)"})J";
  auto pack = with_fragments(fragments, R"J([{"id": "r1", "label": "choice.opt_out", "why": "w",
      "match": "\\bfor {{period}}\\b", "require": ["{{number}}"], "exclude": ["\\{{number}}", "x{{number}}y"],
      "exclude_sets": ["long"], "context": {"heading_matches": "^{{number}}\\."}}])J",
      R"J(, "pattern_sets": {"long": ["over {{period}}"]},
         "slots": [{"name": "d", "labels": ["choice.opt_out"], "pattern": "({{period}})", "kind": "duration"}],
         "findings": [{"id": "f", "severity": "info", "explanation": "e", "trigger_labels": ["choice.opt_out"],
                       "trigger_matches": "{{number}}", "companion_labels": ["choice.opt_out"],
                       "companion_matches": "a{{number}}", "companion_anywhere_matches": "b{{number}}",
                       "fires_when": "companion_absent"}])J");
  REQUIRE(pack.ok());
  const Rule& rule = pack.value().rules[0];
  // Each use is a group of its own (alternations inside stay inside), and
  // fragments may use fragments.
  CHECK(rule.match == R"J(\bfor (?:(?:\d+|two|ten) (?:days?|months?))\b)J");
  CHECK(rule.require == std::vector<std::string>{R"J((?:\d+|two|ten))J"});
  // An escaped brace is the pattern's own; the set's patterns are expanded too.
  CHECK(rule.exclude == std::vector<std::string>{R"J(\{{number}})J", R"J(x(?:\d+|two|ten)y)J",
                                                 R"J(over (?:(?:\d+|two|ten) (?:days?|months?)))J"});
  CHECK(rule.context.heading_matches == R"J(^(?:\d+|two|ten)\.)J");
  CHECK(pack.value().slots[0].pattern == R"J(((?:(?:\d+|two|ten) (?:days?|months?))))J");
  CHECK(pack.value().findings[0].trigger_matches == R"J((?:\d+|two|ten))J");
  CHECK(pack.value().findings[0].companion_matches == R"J(a(?:\d+|two|ten))J");
  CHECK(pack.value().findings[0].companion_anywhere_matches == R"J(b(?:\d+|two|ten))J");

  const std::string rule_using = R"J([{"id": "r2", "label": "choice.opt_out", "why": "w", "match": "for {{)J";
  CHECK(with_fragments(fragments, rule_using + R"J(nombre}}"}])J").error().message ==
        R"J(rule 'r2': fragment {{nombre}} is not declared in "fragments")J");
  CHECK(with_fragments(fragments, rule_using + R"J(number"}])J").error().message ==
        R"J(rule 'r2': "{{" with no closing "}}" (a fragment is written {{name}}))J");
  CHECK(with_fragments(fragments, "[]", R"J(, "pattern_sets": {"s": ["{{days}}"]})J").error().message ==
        R"J(pattern set 's': fragment {{days}} is not declared in "fragments")J");
  CHECK_THAT(with_fragments(R"J({"a": "x{{b}}", "b": "y{{a}}"})J", "[]").error().message,
             Catch::StartsWith("fragment 'a': fragments nest more than 8 deep or use each other in a loop (through {{"));
  CHECK(with_fragments(R"J({"a": "{{a}}"})J", "[]").error().message ==
        "fragment 'a': fragments nest more than 8 deep or use each other in a loop (through {{a}})");
  CHECK(with_fragments(R"J({"Number": "1"})J", "[]").error().message ==
        R"J(rule pack: fragment name "Number" must be lower-case letters, digits, - and _)J");
  CHECK(with_fragments(R"J({"n": ""})J", "[]").error().message == "fragment 'n': must be a non-empty string");
  CHECK(with_fragments(R"J(["n"])J", "[]").error().message ==
        R"J(rule pack: "fragments" must be an object of strings)J");
}

TEST_CASE("Fragments: every context field, adjacent uses, escapes, and what a fragment may hold", "[rule_pack]") {
  const std::string labels = R"J([{"id": "choice.opt_out", "name": "n", "family": "choice"}])J";
  auto with_fragments = [&](const std::string& fragments, const std::string& rules) {
    return ParseRulePack(R"J({"schema": "fineprint.rules/1", "language": "en", "version": "t", "labels": )J" +
                         labels + R"J(, "fragments": )J" + fragments + R"J(, "rules": )J" + rules + "}");
  };
  auto pack = with_fragments(R"J({"a": "x|y", "b": "[()]z"})J", R"J([{"id": "r1", "label": "choice.opt_out",
      "why": "w", "match": "{{a}}{{b}}\\\\{{a}}", "context": {"lead_in_matches": "l{{a}}",
      "column_header_matches": "c{{b}}", "heading_excludes": "h{{a}}"}}])J");
  REQUIRE(pack.ok());
  const Rule& rule = pack.value().rules[0];
  // Two uses side by side are both read; an escaped backslash before "{{" escapes nothing.
  CHECK(rule.match == R"J((?:x|y)(?:[()]z)\\(?:x|y))J");
  CHECK(rule.context.lead_in_matches == "l(?:x|y)");
  CHECK(rule.context.column_header_matches == "c(?:[()]z)");
  CHECK(rule.context.heading_excludes == "h(?:x|y)");

  // Eight fragments, each using the next, are read; a ninth on top is refused.
  std::string chain = R"J({"f0": "end")J";
  for (int level = 1; level <= 7; ++level) {
    chain += ", \"f" + std::to_string(level) + "\": \"{{f" + std::to_string(level - 1) + "}}\"";
  }
  const std::string uses = R"J([{"id": "r1", "label": "choice.opt_out", "why": "w", "match": "{{f7}}"}])J";
  auto deep = with_fragments(chain + "}", uses);
  INFO((deep.ok() ? std::string() : deep.error().message));
  CHECK(deep.ok());
  CHECK_THAT(with_fragments(chain + R"J(, "f8": "{{f7}}"})J", uses).error().message,
             Catch::StartsWith("fragment 'f8': fragments nest more than 8 deep or use each other in a loop"));
  // A fragment used ten times over in fragments used ten times over is refused, not expanded.
  std::string wide = R"J({"w0": "abcdefghij")J";
  for (int level = 1; level <= 5; ++level) {
    wide += ", \"w" + std::to_string(level) + "\": \"";
    for (int use = 0; use < 10; ++use) wide += "{{w" + std::to_string(level - 1) + "}}";
    wide += "\"";
  }
  CHECK(with_fragments(wide + "}", "[]").error().message ==
        "fragment 'w4': with its fragments a pattern grows past 65536 bytes");

  // A fragment is one piece that captures nothing.
  CHECK(with_fragments(R"J({"u": "a)|(?:b"})J", "[]").error().message ==
        "fragment 'u': is not one piece of pattern (unexpected ): a)|(?:b)");
  CHECK(with_fragments(R"J({"u": "(?:a"})J", "[]").error().message ==
        "fragment 'u': is not one piece of pattern (missing ): (?:a)");
  CHECK(with_fragments(R"J({"u": "(a)"})J", "[]").error().message ==
        "fragment 'u': has a capturing group (write (?:...) instead)");
  CHECK(with_fragments(R"J({"u": "(?P<n>a)"})J", "[]").error().message ==
        "fragment 'u': has a capturing group (write (?:...) instead)");
  CHECK(with_fragments(R"J({"u": "[a"})J", "[]").error().message ==
        "fragment 'u': is not one piece of pattern (missing ]: [a)");
  CHECK(with_fragments(R"J({"u": "\\(a[)\\]]"})J", "[]").ok());

  // \Q...\E is literal text, and a POSIX class inside a class does not end it.
  CHECK(with_fragments(R"J({"u": "\\Q(\\E"})J", "[]").ok());
  CHECK(with_fragments(R"J({"u": "\\Q:-)\\E"})J", "[]").ok());
  CHECK(with_fragments(R"J({"u": "\\Q[\\E"})J", "[]").ok());
  CHECK(with_fragments(R"J({"u": "[[:alpha:](]"})J", "[]").ok());
  CHECK(with_fragments(R"J({"u": "[^[:space:])]+"})J", "[]").ok());
  // ... so a quoted '[' hides neither a capturing group nor a way out of the group (a review found both).
  CHECK(with_fragments(R"J({"u": "\\Q[\\E(a)]"})J", "[]").error().message ==
        "fragment 'u': has a capturing group (write (?:...) instead)");
  CHECK(with_fragments(R"J({"u": "\\Q[\\E)|(?:]"})J", "[]").error().message ==
        "fragment 'u': is not one piece of pattern (unexpected ): \\Q[\\E)|(?:])");
  // A \Q with no \E parses alone, and would quote the ")" of the group a use puts around it.
  CHECK(with_fragments(R"J({"u": "\\Qa"})J", "[]").error().message ==
        "fragment 'u': is not one piece of pattern (missing ): (?:\\Qa))");
}

TEST_CASE("The built-in pack parses and declares every taxonomy label", "[rule_pack]") {
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  for (const char* id : {"ai_training.first_party", "ai_training.third_party", "ai_training.excluded",
                         "ai_training.prohibited_use", "choice.opt_out", "choice.default_on",
                         "choice.opt_in", "retention.fixed_period", "retention.event_based",
                         "retention.vague", "retention.after_deletion", "sharing.third_party",
                         "scraping.prohibited", "scraping.liquidated_damages", "data.deidentified",
                         "legal.basis", "policy.changes"}) {
    INFO(id);
    CHECK(pack.value().FindLabel(id) != nullptr);
  }
}

TEST_CASE("ParseRulePack reads context, notes, slots and findings", "[rule_pack]") {
  const std::string labels =
      R"([{"id": "choice.opt_out", "name": "n", "family": "choice", "note": "{service} lets you say no.",
           "severity": "good"},
          {"id": "ai_training.first_party", "name": "n", "family": "ai_training"}])";
  auto pack = ParseRulePack(R"({"schema": "fineprint.rules/1", "language": "en", "version": "t", "labels": )" +
      labels + R"J(, "rules": [{"id": "r1", "label": "choice.opt_out", "match": "turn this off", "why": "w",
        "context": {"previous_labels": ["ai_training.first_party"], "window": 2}}],
      "slots": [{"name": "where", "labels": ["choice.opt_out"], "pattern": "in (\\w+ settings)"}],
      "findings": [{"id": "f", "severity": "alert", "explanation": "e", "trigger_labels":
        ["ai_training.first_party"], "companion_labels": ["choice.opt_out"], "near": 3,
        "fires_when": "companion_absent"}]})J");
  REQUIRE(pack.ok());
  const Rule& rule = pack.value().rules[0];
  CHECK(rule.context.previous_labels == std::vector<std::string>{"ai_training.first_party"});
  CHECK(rule.context.window == 2);
  CHECK(pack.value().FindLabel("choice.opt_out")->severity == "good");
  CHECK(pack.value().FindLabel("ai_training.first_party")->severity == "info");  // the default
  REQUIRE(pack.value().slots.size() == 1);
  CHECK(pack.value().slots[0].kind == "text");
  REQUIRE(pack.value().findings.size() == 1);
  CHECK_FALSE(pack.value().findings[0].fires_when_present);
  CHECK(pack.value().findings[0].near == 3);
}

TEST_CASE("ParseRulePack rejects bad context, severities and findings", "[rule_pack]") {
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w",
                               "context": {"previous_label": ["choice.opt_out"]}}])"))
            .error().message == R"(rule 'r1': unknown context field "previous_label")");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w",
                               "context": {"previous_labels": ["nope"]}}])"))
            .error().message == R"(rule 'r1' context: previous_labels names undeclared label "nope")");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w",
                               "context": {"window": 3}}])"))
            .error().message == "rule 'r1' context: must constrain something");
  CHECK(ParseRulePack(Pack(R"([{"id": "r1", "label": "choice.opt_out", "match": "x", "why": "w",
                               "severity": "scary"}])"))
            .error().message == R"(rule 'r1': severity must be alert, caution, info or good, not "scary")");
  auto bad_finding = ParseRulePack(R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "choice.opt_out", "name": "n", "family": "choice"}], "rules": [],
      "findings": [{"id": "f", "severity": "alert", "explanation": "e", "fires_when": "sometimes",
                    "companion_labels": ["choice.opt_out"]}]})");
  REQUIRE_FALSE(bad_finding.ok());
  CHECK(bad_finding.error().message == "finding 'f': fires_when must be companion_absent or companion_present");
  const std::string slots_pack = R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "choice.opt_out", "name": "n", "family": "choice"}], "rules": [], "slots": )";
  CHECK(ParseRulePack(slots_pack + R"j([{"name": "w", "pattern": "(x)", "kind": "href"}]})j").error().message ==
        R"(slot 'w': kind must be text, duration or link, not "href")");
  CHECK(ParseRulePack(slots_pack + R"j([{"name": "w", "pattern": "(x)", "link_text": "settings"}]})j")
            .error().message == "slot 'w': link_text and link_exclude are for slots of kind link");
  CHECK(ParseRulePack(slots_pack + R"j([{"name": "w", "pattern": "(x)", "link_exclude": "blog"}]})j")
            .error().message == "slot 'w': link_text and link_exclude are for slots of kind link");
  CHECK(ParseRulePack(slots_pack + R"j([{"name": "w", "pattern": "(x)", "kind": "link", "link_text": 3}]})j")
            .error().message.rfind("slot 'w'", 0) == 0);
  auto link_slot =
      ParseRulePack(slots_pack + R"j([{"name": "w", "pattern": "(x)", "kind": "link", "link_text": "settings"}]})j");
  REQUIRE(link_slot.ok());
  CHECK(link_slot.value().slots[0].kind == "link");
  CHECK(link_slot.value().slots[0].link_text == "settings");
}

TEST_CASE("A pack's record reads back as the same pack, every field", "[rule_pack]") {
  auto builtin = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(builtin.ok());
  // A pack whose fields all differ from their defaults, so that a field the
  // record drops cannot pass by both sides holding the default.
  RulePack every_field;
  every_field.language = "nl";
  every_field.version = "9";
  every_field.labels.push_back({"a.b", "Naam", "a", true, "Noot {x} \xF0\x9F\x98\x80", "good", "duration", 90.5, "alert"});
  Rule rule;
  rule.id = "r";
  rule.label = "a.b";
  rule.match = "m";
  rule.require = {"q1", ""};
  rule.exclude = {"e"};
  rule.why = "w";
  rule.context = {{"p"}, 3, "h", {"l"}, "lm", "ch", "he"};
  rule.unless_labels = {"u"};
  rule.note = "n";
  rule.severity = "caution";
  every_field.rules.push_back(rule);
  every_field.slots.push_back({"s", {"a.b"}, "(x)", "duration", "lt", "le"});
  every_field.findings.push_back(
      {"f", "alert", "x", {"t"}, "tm", {"c"}, "cs", "cm", "cam", 4, true, 2});
  for (const RulePack* pack : {&builtin.value(), &every_field}) {
    const std::string record = RulePackToRecord(*pack);
    RulePack read;
    REQUIRE(RulePackFromRecord(record, &read));
    CheckSamePack(read, *pack);
  }
}

TEST_CASE("A record cut short, overlong or damaged in its framing is refused", "[rule_pack]") {
  auto builtin = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(builtin.ok());
  const std::string record = RulePackToRecord(builtin.value());
  RulePack read;
  // Cut anywhere (every 97th length, and the last few bytes).
  for (size_t length = 0; length < record.size(); length += (length + 8 < record.size() ? 97 : 1)) {
    INFO(length);
    CHECK_FALSE(RulePackFromRecord(record.substr(0, length), &read));
  }
  CHECK_FALSE(RulePackFromRecord(record + "x", &read));
  // A count that could not fit in what is left: refused, not allocated.
  std::string huge = record;
  const size_t labels_count_at = 4 + builtin.value().language.size() + 4 + builtin.value().version.size();
  huge.replace(labels_count_at, 4, "\xff\xff\xff\x7f");
  CHECK_FALSE(RulePackFromRecord(huge, &read));
  // A bool that is neither 0 nor 1.
  RulePack one_label;
  one_label.labels.push_back({"a", "b", "c", true, "", "info", "", -1, ""});
  std::string bad_bool = RulePackToRecord(one_label);
  // language, version (both empty), the label count, then the label's id,
  // name and family.
  const size_t primary_at = 4 + 4 + 4 + (4 + 1) + (4 + 1) + (4 + 1);
  REQUIRE(bad_bool[primary_at] == '\x01');
  bad_bool[primary_at] = '\x02';
  CHECK_FALSE(RulePackFromRecord(bad_bool, &read));
}

TEST_CASE("Every built-in label has a short plain-language note", "[rule_pack]") {
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  for (const LabelInfo& label : pack.value().labels) {
    INFO(label.id);
    CHECK_FALSE(label.note.empty());
    size_t words = 1;
    for (char c : label.note) words += c == ' ';
    CHECK(words <= 25);
  }
}

TEST_CASE("The built-in examples parse and cover every primary label", "[rule_pack]") {
  auto examples = ParseExamples(BuiltinExamplesJson());
  REQUIRE(examples.ok());
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  for (const LabelInfo& label : pack.value().labels) {
    if (!label.primary) continue;
    INFO(label.id);
    const auto* list = examples.value().Find(label.id);
    REQUIRE(list != nullptr);
    CHECK(list->size() >= 2);
    CHECK(list->size() <= 4);
    for (const PlatformExample& example : *list) {
      CHECK(example.date.size() == 10);  // YYYY-MM-DD
      CHECK(example.excerpt.size() <= 400);  // short excerpts only (corpus licence)
    }
  }
  CHECK(ParseExamples(R"({"schema": "fineprint.examples/1", "examples": {"x": [{"service": "S"}]}})")
            .error().message == R"(example #1 of 'x': missing field "document")");
}

TEST_CASE("ParseExamples gives each example its service's aliases", "[rule_pack]") {
  const std::string entry = R"({"service": "X", "document": "Privacy Policy", "date": "2024-11-16",
                                "excerpt": "to train their artificial intelligence models"})";
  auto examples = ParseExamples(R"({"schema": "fineprint.examples/1", "aliases": {"X": ["Twitter"]},
                                    "examples": {"ai_training.third_party": [)" + entry + "]}}");
  REQUIRE(examples.ok());
  CHECK(examples.value().Find("ai_training.third_party")->front().aliases ==
        std::vector<std::string>{"Twitter"});
  auto with_aliases = [&](const std::string& aliases) {
    auto parsed = ParseExamples(R"({"schema": "fineprint.examples/1", "aliases": )" + aliases +
                                R"(, "examples": {"a": [)" + entry + "]}}");
    return parsed.ok() ? std::string() : parsed.error().message;
  };
  CHECK(with_aliases(R"({"X": "Twitter"})") == "examples: aliases of 'X' must be a list of names");
  CHECK(with_aliases(R"({"X": [""]})") == "examples: aliases of 'X' must be a list of names");
  CHECK(with_aliases(R"(["X"])") == R"(examples: "aliases" must be an object keyed by service)");
  CHECK(with_aliases(R"({"Twiter": ["X"]})") ==
        "examples: aliases of 'Twiter': no example is from that service");
}

TEST_CASE("ParseServices reads hosts and finds a host's nearest listed domain", "[rule_pack]") {
  auto services = ParseServices(R"({"schema": "fineprint.services/1",
                                    "services": {"X": ["x.com", "twitter.com"], "Zoom": ["zoom.us"],
                                                 "X Developers": ["developer.x.com"]}})");
  REQUIRE(services.ok());
  const ServiceDirectory& directory = services.value();
  CHECK(directory.Find("x.com") == "X");
  CHECK(directory.Find("help.x.com") == "X");
  CHECK(directory.Find("mobile.twitter.com") == "X");
  CHECK(directory.Find("api.developer.x.com") == "X Developers");  // the most specific wins
  CHECK(directory.Find("explore.zoom.us") == "Zoom");
  CHECK(directory.Find("spacex.com").empty());  // whole labels only
  CHECK(directory.Find("x.com.evil.example").empty());
  CHECK(directory.Find("com").empty());
  CHECK(directory.Find("").empty());
}

TEST_CASE("ParseServices names the service and host that are wrong", "[rule_pack]") {
  auto error_of = [](const std::string& services) {
    auto parsed = ParseServices(R"({"schema": "fineprint.services/1", "services": )" + services + "}");
    return parsed.ok() ? std::string() : parsed.error().message;
  };
  CHECK(error_of(R"({"X": ["x.com"]})").empty());
  CHECK(error_of(R"({"X": "x.com"})") == "services: 'X' must list at least one host");
  CHECK(error_of(R"({"X": []})") == "services: 'X' must list at least one host");
  CHECK(error_of(R"({"X": ["X.com"]})") ==
        R"(services: 'X': "X.com" is not a lower-case host name such as "example.com")");
  for (const char* bad : {"https://x.com", "www.x.com", "x.com/tos", "com", ".x.com", "x..com", "x.com:443"}) {
    INFO(bad);
    CHECK_FALSE(error_of(std::string(R"({"X": [")") + bad + R"("]})").empty());
  }
  CHECK(error_of(R"({"X": ["x.com"], "Y": ["x.com"]})") == R"(services: 'Y': host "x.com" is listed twice)");
  CHECK(error_of(R"(["x.com"])") == R"(services: "services" must be an object keyed by service name)");
  CHECK(ParseServices(R"({"schema": "other/1"})").error().message ==
        R"(services: schema is "other/1", expected "fineprint.services/1")");
  CHECK(ParseServices("{").error().message == "services: not a JSON object");
}

TEST_CASE("The built-in services parse and name the corpus's services", "[rule_pack]") {
  auto services = ParseServices(BuiltinServicesJson());
  REQUIRE(services.ok());
  const ServiceDirectory& directory = services.value();
  CHECK(directory.Find("x.com") == "X");
  CHECK(directory.Find("twitter.com") == "X");
  CHECK(directory.Find("www.facebook.com") == "Meta");
  CHECK(directory.Find("www.linkedin.com") == "LinkedIn");
  CHECK(directory.Find("chatgpt.com") == "OpenAI");
  CHECK(directory.Find("stackoverflow.com") == "Stack Overflow");
  CHECK(directory.Find("huggingface.co") == "Hugging Face");
  CHECK(directory.Find("automattic.com") == "WordPress.com");
  // Notes and the examples' own-service check share these names.
  auto examples = ParseExamples(BuiltinExamplesJson());
  REQUIRE(examples.ok());
  std::set<std::string> example_services;
  for (const auto& [label, list] : examples.value().labels) {
    for (const PlatformExample& example : list) example_services.insert(example.service);
  }
  for (const std::string& service : example_services) {
    INFO(service);
    CHECK(std::any_of(directory.hosts.begin(), directory.hosts.end(),
                      [&](const auto& host) { return host.second == service; }));
  }
}

}  // namespace
}  // namespace fineprint
