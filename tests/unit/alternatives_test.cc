#include "core/alternatives.h"

#include <re2/prefilter.h>
#include <re2/re2.h>
#include <re2/regexp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/rule_pack.h"
#include "tests/unit/reader_test_util.h"

namespace fineprint {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("AlternativesOf splits at top-level bars and inside a trailing group", "[alternatives]") {
  CHECK(AlternativesOf("a|b|c", 3) == Strings{"a", "b", "c"});
  CHECK(AlternativesOf("\\b(?:a|b)|c", 3) == Strings{"\\b(?:a)", "\\b(?:b)", "c"});
  CHECK(AlternativesOf("^(?:a b|c+)|d", 3) == Strings{"^(?:a b)", "^(?:c+)", "d"});
  CHECK(AlternativesOf("(?:a|\\b(?:b|c))|d", 3) ==
        Strings{"(?:a)", "(?:\\b(?:b))", "(?:\\b(?:c))", "d"});
  // Bars that are not syntax.
  CHECK(AlternativesOf("[|(]x|\\|y|z", 3) == Strings{"[|(]x", "\\|y", "z"});
  CHECK(AlternativesOf("[]|]a|b|c", 3) == Strings{"[]|]a", "b", "c"});
  CHECK(AlternativesOf("[^]|]a|b|c", 3) == Strings{"[^]|]a", "b", "c"});
  CHECK(AlternativesOf("a(?:b|c)d|e|f", 3) == Strings{"a(?:b|c)d", "e", "f"});
}

TEST_CASE("AlternativesOf keeps a group whole behind a prefix or before a suffix", "[alternatives]") {
  // What comes after the group, or a prefix that matches in several ways,
  // would change the order RE2 tries things in.
  CHECK(AlternativesOf("\\b(?:a|b)\\b|c|d", 3) == Strings{"\\b(?:a|b)\\b", "c", "d"});
  CHECK(AlternativesOf("\\b(?:a|b)\\w|c|d", 3) == Strings{"\\b(?:a|b)\\w", "c", "d"});
  CHECK(AlternativesOf("x+(?:a|b)|c|d", 3) == Strings{"x+(?:a|b)", "c", "d"});
  CHECK(AlternativesOf("(?:a|b)?|c|d", 3) == Strings{"(?:a|b)?", "c", "d"});
  CHECK(AlternativesOf("(a|b)|c|d", 3) == Strings{"(a|b)", "c", "d"});
}

TEST_CASE("AlternativesOf declines what it cannot split safely", "[alternatives]") {
  CHECK(AlternativesOf("a|b", 3).empty());          // too few to be worth it
  CHECK(AlternativesOf("\\b(?:a|b)", 3).empty());
  CHECK(AlternativesOf("a||b|c", 3).empty());       // an empty alternative matches everywhere
  CHECK(AlternativesOf("(?:a|)|b|c", 3).empty());
  CHECK(AlternativesOf("a|b|c|", 3).empty());
  CHECK(AlternativesOf("(?i)a|b|c", 3).empty());    // flags
  CHECK(AlternativesOf("a|(?i:b)|c", 3).empty());
  CHECK(AlternativesOf("a|(?P<n>b)|c", 3).empty()); // a named group
  CHECK(AlternativesOf("\\Qa|b\\E|c|d", 3).empty());
  CHECK(AlternativesOf("(a|b|c", 3).empty());       // unbalanced
  CHECK(AlternativesOf("a)|b|c", 3).empty());
  CHECK(AlternativesOf("[a|b|c", 3).empty());
  // "[:" in a class: a POSIX class, or a range ending in "[" then ":"
  // (RE2 reads "[!-[:]" as '!' to '[' and ':', so the "|" after it is
  // outside any class).
  CHECK(AlternativesOf("[[:alpha:]|]x|y|z", 3).empty());
  CHECK(AlternativesOf("[!-[:]|a|b", 3).empty());
  CHECK(AlternativesOf("", 1).size() == 0);
}

// The non-empty lines of two corpus policies (X's and Meta's): real text for
// the pack's patterns to match.
std::vector<std::string> PolicyLines() {
  std::vector<std::string> lines;
  for (const char* policy : {"policies/x-twitter/privacy-policy/2024-11-16.md",
                             "policies/meta-facebook/privacy-policy/2025-05-28.md"}) {
    const std::string text = testing::ReadFileOrEmpty(testing::CorpusPath(policy));
    REQUIRE_FALSE(text.empty());
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
  }
  return lines;
}

// The promise itself, checked against RE2 on real text (here with RE2's own
// case folding; the classifier's lower-cased way is checked through its
// answers in classifier_test.cc): for every pattern of the built-in pack and
// every line of two corpus policies, the whole pattern
// matches exactly when an alternative does, and its leftmost match is the
// alternatives' earliest-starting one, the earlier alternative at a tie.
TEST_CASE("The built-in pack's patterns match as their alternatives do", "[alternatives]") {
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  const std::vector<std::string> lines = PolicyLines();
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_never_capture(true);
  options.set_log_errors(false);
  size_t split = 0;
  size_t matches = 0;
  // Every pattern the classifier may split (Classifier::Build): rules'
  // match, require, exclude and context patterns, findings' patterns.
  std::vector<std::string> patterns;
  for (const Rule& rule : pack.value().rules) {
    patterns.push_back(rule.match);
    patterns.insert(patterns.end(), rule.require.begin(), rule.require.end());
    patterns.insert(patterns.end(), rule.exclude.begin(), rule.exclude.end());
    patterns.push_back(rule.context.heading_matches);
    patterns.push_back(rule.context.lead_in_matches);
    patterns.push_back(rule.context.column_header_matches);
    patterns.push_back(rule.context.heading_excludes);
  }
  for (const FindingRule& finding : pack.value().findings) {
    patterns.push_back(finding.trigger_matches);
    patterns.push_back(finding.companion_matches);
    patterns.push_back(finding.companion_anywhere_matches);
  }
  for (const std::string& pattern : patterns) {
    const Strings alternatives = AlternativesOf(pattern, 2);
    if (alternatives.empty()) continue;
    ++split;
    INFO(pattern);
    const RE2 whole(pattern, options);
    REQUIRE(whole.ok());
    std::vector<std::unique_ptr<RE2>> parts;
    for (const std::string& alternative : alternatives) {
      parts.push_back(std::make_unique<RE2>(alternative, options));
      REQUIRE(parts.back()->ok());
    }
    for (const std::string& line : lines) {
      std::string_view expected;
      const bool whole_matches = whole.Match(line, 0, line.size(), RE2::UNANCHORED, &expected, 1);
      bool found = false;
      std::string_view earliest;
      for (const std::unique_ptr<RE2>& part : parts) {
        std::string_view span;
        if (!part->Match(line, 0, line.size(), RE2::UNANCHORED, &span, 1)) continue;
        if (!found || span.data() < earliest.data()) earliest = span;
        found = true;
      }
      REQUIRE(found == whole_matches);
      if (!found) continue;
      ++matches;
      CHECK(earliest.data() == expected.data());
      CHECK(earliest.size() == expected.size());
    }
  }
  // The pack's long alternations are split, and they match real text.
  CHECK(split >= 40);
  CHECK(matches >= 500);
}

TEST_CASE("WithBranchesCaptured wraps every branch of every alternation", "[alternatives]") {
  int added = -1;
  CHECK(WithBranchesCaptured("kept|keeps", &added) == "(kept)|(keeps)");
  CHECK(added == 2);
  CHECK(WithBranchesCaptured("\\b(?:kept|keep (?:data|logs))\\b", &added) ==
        "(\\b(?:(kept)|(keep (?:(data)|(logs))))\\b)");
  CHECK(added == 5);
  CHECK(WithBranchesCaptured("abc", &added) == "(abc)");
  CHECK(added == 1);
  CHECK(WithBranchesCaptured("(a|)x*", &added) == "(((a)|())x*)");
  CHECK(added == 3);
  // Bars, parentheses and escapes that are not syntax are copied as they are.
  CHECK(WithBranchesCaptured("[|(]x|\\|y\\(", &added) == "([|(]x)|(\\|y\\()");
  CHECK(WithBranchesCaptured("[]|)]a|b", &added) == "([]|)]a)|(b)");
}

TEST_CASE("WithBranchesCaptured declines what the wrapping could change", "[alternatives]") {
  int added = -1;
  CHECK(WithBranchesCaptured("(?i)a|b", &added).empty());     // flags reach across "|"
  CHECK(WithBranchesCaptured("a|(?i:b)", &added).empty());
  CHECK(WithBranchesCaptured("(?P<n>a|b)", &added).empty());  // a named group
  CHECK(WithBranchesCaptured("\\Qa|b\\E", &added).empty());
  CHECK(WithBranchesCaptured("(a|b", &added).empty());        // unbalanced
  CHECK(WithBranchesCaptured("a)|b", &added).empty());
  CHECK(WithBranchesCaptured("[a|b", &added).empty());
  CHECK(WithBranchesCaptured("[[:alpha:]|]x", &added).empty());
  // "?" where a branch starts is an error; after an added "(" it would be
  // group syntax.
  CHECK(WithBranchesCaptured("?", &added).empty());
  CHECK(WithBranchesCaptured("a|?", &added).empty());
  CHECK(WithBranchesCaptured("x|?:a", &added).empty());
  CHECK(WithBranchesCaptured("(?:a|?)", &added).empty());
  CHECK(WithBranchesCaptured("(?i)", &added).empty());
  CHECK(WithBranchesCaptured("x(?a)", &added).empty());
  CHECK(added == -1);
  // A "?" elsewhere is a quantifier or a group's own.
  CHECK(WithBranchesCaptured("a?|b*?|(?:c)?", &added) == "(a?)|(b*?)|((?:(c))?)");
}

// The wrapped form is for re2::Prefilter: it must match exactly what the
// pattern matches, with the groups counted, and its atoms must not be the
// letter pairs RE2's factoring leaves ("ke" of "kept|keep").
TEST_CASE("The built-in pack's patterns match as their wrapped forms do", "[alternatives]") {
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  const std::vector<std::string> lines = PolicyLines();
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  size_t wrapped_count = 0;
  size_t matches = 0;
  for (const Rule& rule : pack.value().rules) {
    INFO(rule.id);
    int added = 0;
    const std::string wrapped = WithBranchesCaptured(rule.match, &added);
    if (wrapped.empty()) continue;  // the prefilter parses the pattern itself
    ++wrapped_count;
    const RE2 original(rule.match, options);
    const RE2 unfactored(wrapped, options);
    REQUIRE(original.ok());
    REQUIRE(unfactored.ok());
    CHECK(unfactored.NumberOfCapturingGroups() == original.NumberOfCapturingGroups() + added);
    for (const std::string& line : lines) {
      std::string_view expected, got;
      const bool original_matches = original.Match(line, 0, line.size(), RE2::UNANCHORED, &expected, 1);
      REQUIRE(unfactored.Match(line, 0, line.size(), RE2::UNANCHORED, &got, 1) == original_matches);
      if (!original_matches) continue;
      ++matches;
      CHECK(got.data() == expected.data());
      CHECK(got.size() == expected.size());
    }
  }
  CHECK(wrapped_count == pack.value().rules.size());  // the pack sets no flags and names no group
  CHECK(matches >= 200);

  // retention-vague-legal's keeping words ("kept|keep ...") factored to "ke"
  // and "ep": the prefilter had no atom for them at all.
  RE2::Options parse_only;
  parse_only.set_log_errors(false);
  int added = 0;
  const std::string pattern = "\\b(?:kept|keeps? (?:data|logs)|retain\\w*) [^.]*\\b(?:longer|legal)\\b";
  const RE2 factored(pattern, parse_only), unfactored(WithBranchesCaptured(pattern, &added), parse_only);
  const std::unique_ptr<re2::Prefilter> before(re2::Prefilter::FromRE2(&factored));
  const std::unique_ptr<re2::Prefilter> after(re2::Prefilter::FromRE2(&unfactored));
  REQUIRE(before);
  REQUIRE(after);
  CHECK(before->DebugString().find("ke (") != std::string::npos);
  CHECK(after->DebugString().find("kept") != std::string::npos);
}

}  // namespace
}  // namespace fineprint
