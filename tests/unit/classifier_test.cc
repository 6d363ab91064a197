#include "core/classifier.h"

#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <sstream>
#include <set>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/document.h"
#include "core/little_endian.h"
#include "core/normalize.h"
#include "core/readers.h"
#include "core/segmenter.h"
#include "tests/unit/reader_test_util.h"
#include "tests/unit/rule_pack_test_util.h"

namespace fineprint {
namespace {

std::unique_ptr<Classifier> Builtin() {
  auto classifier = Classifier::Load("");
  REQUIRE(classifier.ok());
  return std::move(classifier).value();
}

// `json` checked at load, with no prepared form.
std::unique_ptr<Classifier> Checked(const std::string& json) {
  auto classifier = Classifier::CreateFromJson(json, "");
  REQUIRE(classifier.ok());
  return std::move(classifier).value();
}

// Checks that `a` and `b` hold the same labels with the same evidence spans,
// in order.
void CheckSameLabels(const std::vector<LabelMatch>& a, const std::vector<LabelMatch>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].label == b[i].label);
    CHECK(a[i].rule->id == b[i].rule->id);
    CHECK(a[i].evidence_start == b[i].evidence_start);
    CHECK(a[i].evidence_end == b[i].evidence_end);
  }
}

// `json` loaded both ways a pack loads: checked at load ("checked") and
// with the prepared form Classifier::Prepare makes of it ("prepared").
std::vector<std::pair<std::string, std::unique_ptr<Classifier>>> LoadedBothWays(const std::string& json) {
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  std::vector<std::pair<std::string, std::unique_ptr<Classifier>>> loaded;
  for (const auto& [how, with] : {std::pair<std::string, std::string>{"checked", ""}, {"prepared", prepared.value()}}) {
    auto classifier = Classifier::CreateFromJson(json, with);
    REQUIRE(classifier.ok());
    loaded.emplace_back(how, std::move(classifier).value());
  }
  return loaded;
}

// A corpus policy (Markdown, `relative` to the corpus root), read and
// segmented as the CLI does.
struct SegmentedPolicy {
  Document document;
  std::vector<ClauseSpan> spans;
};
SegmentedPolicy ReadSegmentedPolicy(const std::string& relative) {
  const std::string markdown = testing::ReadFileOrEmpty(testing::CorpusPath(relative));
  REQUIRE_FALSE(markdown.empty());
  auto document = ReadDocument(markdown, DocumentFormat::kMarkdown);
  REQUIRE(document.ok());
  SegmentedPolicy policy{std::move(document).value(), {}};
  policy.spans = SegmentDocument(policy.document);
  return policy;
}

std::vector<std::string> Labels(const Classifier& classifier, std::string_view text) {
  std::vector<std::string> ids;
  for (const LabelMatch& match : classifier.Classify(text)) ids.push_back(match.label);
  return ids;
}

bool Has(const std::vector<std::string>& labels, const std::string& id) {
  return std::find(labels.begin(), labels.end(), id) != labels.end();
}

TEST_CASE("X's 2024 third-party AI-training clause", "[classifier]") {
  auto classifier = Builtin();
  auto labels = Labels(*classifier,
      "If you do not opt out, in some instances the recipients of the information may use it for "
      "their own independent purposes in addition to those stated in X’s Privacy Policy, including, "
      "for example, to train their artificial intelligence models, whether generative or otherwise.");
  CHECK(Has(labels, "ai_training.third_party"));
  CHECK(Has(labels, "choice.default_on"));
  CHECK_FALSE(Has(labels, "ai_training.first_party"));
}

TEST_CASE("Negation makes a training clause an exclusion", "[classifier]") {
  auto classifier = Builtin();
  auto labels = Labels(*classifier,
      "Zoom does not use any of your audio, video, chat, screen sharing, attachments or other "
      "communications-like Customer Content to train Zoom or third-party artificial intelligence models.");
  CHECK(Has(labels, "ai_training.excluded"));
  CHECK_FALSE(Has(labels, "ai_training.first_party"));
  CHECK_FALSE(Has(labels, "ai_training.third_party"));
}

TEST_CASE("First-party training and concrete retention", "[classifier]") {
  auto classifier = Builtin();
  CHECK(Has(Labels(*classifier,
                   "We may use the information we collect and publicly available information to help "
                   "train our machine learning or artificial intelligence models."),
            "ai_training.first_party"));
  CHECK(Has(Labels(*classifier, "We keep cookies and information collected using cookies for up to 13 months."),
            "retention.fixed_period"));
}

TEST_CASE("Plain sentences get no labels", "[classifier]") {
  auto classifier = Builtin();
  CHECK(Labels(*classifier, "The weather in Amsterdam was mild this week.").empty());
  CHECK(Labels(*classifier, "").empty());
}

TEST_CASE("Evidence points at what the rule saw", "[classifier]") {
  auto classifier = Builtin();
  const std::string text = "We keep information shared by partners for up to 90 days.";
  auto matches = classifier->Classify(text);
  auto it = std::find_if(matches.begin(), matches.end(),
                         [](const LabelMatch& m) { return m.label == "retention.fixed_period"; });
  REQUIRE(it != matches.end());
  CHECK(text.substr(it->evidence_start, it->evidence_end - it->evidence_start) == "for up to 90 days");
  CHECK(it->info->name == "Kept for a set time");
}

TEST_CASE("A rule pack with a broken pattern is rejected naming the rule", "[classifier]") {
  auto pack = ParseRulePack(R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "choice.opt_out", "name": "n", "family": "choice"}],
      "rules": [{"id": "broken-one", "label": "choice.opt_out", "match": "opt (out", "why": "w"}]})");
  REQUIRE(pack.ok());
  auto classifier = Classifier::Create(std::move(pack).value());
  REQUIRE_FALSE(classifier.ok());
  CHECK(classifier.error().message.rfind("rule 'broken-one': match pattern does not compile", 0) == 0);
}

// A one-label pack's JSON around `rules` (a JSON list) and `slots`.
std::string SmallPackJson(const std::string& rules, const std::string& slots = "[]") {
  return R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "choice.opt_out", "name": "n", "family": "choice"}], "rules": )" +
         rules + R"(, "slots": )" + slots + "}";
}

// The same pack, checked and compiled.
Expected<std::unique_ptr<Classifier>> SmallPack(const std::string& rules, const std::string& slots = "[]") {
  auto pack = ParseRulePack(SmallPackJson(rules, slots));
  REQUIRE(pack.ok());
  return Classifier::Create(std::move(pack).value());
}

TEST_CASE("Every pattern is checked when the pack loads, not on first use", "[classifier]") {
  // Patterns are compiled lazily; a guard no clause ever reaches must still
  // fail the load, with RE2's own words.
  auto bad_require = SmallPack(
      R"([{"id": "r", "label": "choice.opt_out", "match": "opt out", "require": ["set(tings"], "why": "w"}])");
  REQUIRE_FALSE(bad_require.ok());
  CHECK(bad_require.error().message == "rule 'r': require pattern does not compile: missing ): set(tings");
  auto bad_exclude = SmallPack(
      R"([{"id": "r", "label": "choice.opt_out", "match": "opt out", "exclude": ["a**"], "why": "w"}])");
  REQUIRE_FALSE(bad_exclude.ok());
  CHECK(bad_exclude.error().message == "rule 'r': exclude pattern does not compile: bad repetition operator: **");
  auto bad_heading = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": "opt out", "why": "w",
                                    "context": {"heading_excludes": "[z-a]"}}])");
  REQUIRE_FALSE(bad_heading.ok());
  CHECK(bad_heading.error().message ==
        "rule 'r': context heading_excludes pattern does not compile: invalid character class range: z-a");
  const std::string rule = R"([{"id": "r", "label": "choice.opt_out", "match": "opt out", "why": "w"}])";
  auto no_group = SmallPack(rule, R"([{"name": "where", "pattern": "in settings"}])");
  REQUIRE_FALSE(no_group.ok());
  CHECK(no_group.error().message == "slot 'where': pattern needs a capture group for the value");
  auto bad_slot = SmallPack(rule, R"([{"name": "where", "pattern": "in (settings"}])");
  REQUIRE_FALSE(bad_slot.ok());
  CHECK(bad_slot.error().message == "slot 'where': pattern pattern does not compile: missing ): in (settings");
  CHECK(SmallPack(rule, R"j([{"name": "where", "pattern": "in (settings)"}])j").ok());
  auto bad_link_text =
      SmallPack(rule, R"j([{"name": "where", "kind": "link", "pattern": "(.+)", "link_text": "set(tings"}])j");
  REQUIRE_FALSE(bad_link_text.ok());
  CHECK(bad_link_text.error().message == "slot 'where': link_text pattern does not compile: missing ): set(tings");
  // The prefilter parses a form with every branch in a group of its own
  // (WithBranchesCaptured); a "?" starting a branch must not become group
  // syntax there and load.
  for (const char* match : {"kept|?", "x|?:a", "(?:a|?)", "?i:A|b"}) {
    INFO(match);
    auto question_mark = SmallPack(std::string(R"([{"id": "r", "label": "choice.opt_out", "match": ")") + match +
                                   R"(", "why": "w"}])");
    REQUIRE_FALSE(question_mark.ok());
    CHECK(question_mark.error().message ==
          "rule 'r': match pattern does not compile: no argument for repetition operator: ?");
  }
}

TEST_CASE("Patterns fold ASCII case only", "[classifier]") {
  // Patterns are compiled case-sensitively, lower-cased, and run on
  // ASCII-lower-cased text: any ASCII case matches, with the offsets of the
  // original text, while the non-ASCII letters RE2's own folding would map
  // onto ASCII (KELVIN SIGN, LONG S) do not.
  auto classifier = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": "Keep|share|[A-C]x", "why": "w"}])");
  REQUIRE(classifier.ok());
  auto upper = classifier.value()->Classify("We KEEP it.");
  REQUIRE(upper.size() == 1);
  CHECK(upper[0].evidence_start == 3);
  CHECK(upper[0].evidence_end == 7);
  CHECK(classifier.value()->Classify("We ShArE it.").size() == 1);
  CHECK(classifier.value()->Classify("a bX b").size() == 1);
  CHECK(classifier.value()->Classify("We \xE2\x84\xAA" "eep it.").empty());
  CHECK(classifier.value()->Classify("We \xC5\xBFhare it.").empty());
  // A pattern that sets its own flags keeps RE2's Unicode folding.
  auto flagged = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": "(?i)keep", "why": "w"}])");
  REQUIRE(flagged.ok());
  CHECK(flagged.value()->Classify("We \xE2\x84\xAA" "eep it.").size() == 1);
  CHECK(flagged.value()->Classify("We KEEP it.").size() == 1);
  // So do patterns that name letters by code or class.
  for (const char* pattern : {R"(\\x4Beep)", R"(\\x{4B}eep)", R"(\\113eep)", R"([[:upper:]]eep)", R"(\\p{Lu}eep)"}) {
    INFO(pattern);
    auto named = SmallPack(std::string(R"([{"id": "r", "label": "choice.opt_out", "match": ")") + pattern +
                           R"(", "why": "w"}])");
    REQUIRE(named.ok());
    CHECK(named.value()->Classify("We Keep it.").size() == 1);
    CHECK(named.value()->Classify("we keep it.").size() == 1);
  }
  // So does a class range that lower-casing would change ("[Y-b]" holds
  // Y, Z, [, \, ], ^, _, `, a, b and, folded, y, z, A, B).
  auto range = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": "q[Y-b]q", "why": "w"}])");
  REQUIRE(range.ok());
  CHECK(range.value()->Classify("a qzq b").size() == 1);
  CHECK(range.value()->Classify("a QBQ b").size() == 1);
  CHECK(range.value()->Classify("a q_q b").size() == 1);
  CHECK(range.value()->Classify("a qcq b").empty());
  // Letters are lowered inside \Q...\E and in a class that starts with "^]";
  // what the class excludes stays excluded in either case.
  auto quoted = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": "\\QKeep.\\E|[^]X]yz", "why": "w"}])");
  REQUIRE(quoted.ok());
  CHECK(quoted.value()->Classify("We KEEP. it").size() == 1);
  CHECK(quoted.value()->Classify("We keepx it").empty());
  CHECK(quoted.value()->Classify("a bYZ c").size() == 1);
  CHECK(quoted.value()->Classify("a xyz c").empty());
  CHECK(quoted.value()->Classify("a ]yz c").empty());
}

TEST_CASE("A pack whose atoms outgrow 16-bit automaton states still finds every rule", "[classifier]") {
  // The atom automaton numbers its states in 16 bits; past 65,536 states it
  // reports every atom instead, so every rule runs its pattern: slower, but
  // the candidates are the same. 1,500 distinct 61-byte literals that share
  // only their first bytes need over 80,000 states.
  const std::string tail = " no clause of a real policy would ever contain, surely.";
  std::string rules = "[";
  for (int i = 0; i < 1500; ++i) {
    const std::string id = "w" + std::to_string(10000 + i);
    if (i > 0) rules += ",";
    rules += R"({"id": ")" + id + R"(", "label": "choice.opt_out", "match": ")" + id + tail + R"(", "why": "w"})";
  }
  rules += "]";
  auto classifier = SmallPack(rules);
  REQUIRE(classifier.ok());
  auto last = classifier.value()->Classify("Here: W11499" + tail);
  REQUIRE(last.size() == 1);
  CHECK(last[0].rule->id == "w11499");
  CHECK(last[0].evidence_start == 6);
  CHECK(classifier.value()->Classify("w10000" + tail).size() == 1);
  CHECK(classifier.value()->Classify("w12000" + tail).empty());
}

TEST_CASE("Patterns compiled on first use give the same labels from many threads", "[classifier]") {
  const std::vector<std::string> clauses = {
      "If you do not opt out, the recipients may use it to train their artificial intelligence models.",
      "We keep information shared by partners for up to 90 days.",
      "You can turn this off in Settings and privacy > Privacy and safety > Grok.",
      "The weather in Amsterdam was mild this week.",
      "We do not use your content to train our models."};
  std::vector<std::vector<std::string>> expected;
  {
    auto reference = Builtin();
    for (const std::string& clause : clauses) expected.push_back(Labels(*reference, clause));
  }
  auto classifier = Builtin();  // nothing compiled yet
  std::vector<std::vector<std::vector<std::string>>> seen(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      for (const std::string& clause : clauses) seen[t].push_back(Labels(*classifier, clause));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& labels : seen) CHECK(labels == expected);
}

TEST_CASE("First matching rule per label wins and require/exclude apply", "[classifier]") {
  auto pack = ParseRulePack(R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "choice.opt_out", "name": "n", "family": "choice"}],
      "rules": [
        {"id": "a", "label": "choice.opt_out", "match": "opt out", "require": ["settings"], "why": "a"},
        {"id": "b", "label": "choice.opt_out", "match": "opt out", "exclude": ["arbitration"], "why": "b"}]})");
  REQUIRE(pack.ok());
  auto classifier = Classifier::Create(std::move(pack).value());
  REQUIRE(classifier.ok());
  auto with_settings = classifier.value()->Classify("You can opt out in Settings.");
  REQUIRE(with_settings.size() == 1);
  CHECK(with_settings[0].rule->id == "a");
  auto plain = classifier.value()->Classify("You can OPT OUT here.");
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].rule->id == "b");
  CHECK(classifier.value()->Classify("You can opt out of arbitration.").empty());
}

// A document of one paragraph block per line, one clause per line, as the
// plain-text reader and segmenter give it for simple text.
struct Lines {
  Document document;
  std::vector<ClauseSpan> spans;
  explicit Lines(const std::vector<std::string>& lines) {
    document.format = DocumentFormat::kPlainText;
    for (const std::string& line : lines) {
      Block block;
      block.text = line;
      spans.push_back({static_cast<uint32_t>(document.blocks.size()), 0, static_cast<uint32_t>(line.size())});
      document.blocks.push_back(std::move(block));
    }
  }
};

std::vector<std::string> Ids(const std::vector<LabelMatch>& matches) {
  std::vector<std::string> ids;
  for (const LabelMatch& m : matches) ids.push_back(m.label);
  return ids;
}

TEST_CASE("Context: an opt-out pointer takes its meaning from the sentence before", "[classifier][context]") {
  auto classifier = Builtin();
  Lines doc({"Privacy choices",
             "You can opt out of personalised ads in your settings.",
             "For Visitors, the setting is here.",
             "The weather was fine.",
             "For Visitors, the setting is here."});
  auto labels = classifier->ClassifyClauses(doc.document, doc.spans);
  REQUIRE(labels.size() == 5);
  CHECK(labels[0].empty());  // a title-like line gets no labels
  CHECK(Has(Ids(labels[2]), "choice.opt_out"));
  CHECK_FALSE(Has(Ids(labels[4]), "choice.opt_out"));  // no opt-out just before it
  // Alone, without its neighbour, the pointer says nothing.
  CHECK(Labels(*classifier, "For Visitors, the setting is here.").empty());
}

TEST_CASE("Context: retention list items inherit from their lead-in", "[classifier][context]") {
  auto classifier = Builtin();
  Lines doc({"How long we keep information",
             "How long we retain personal data will depend on a number of factors, such as:",
             "The amount, nature, and sensitivity of the information;",
             "Any legal requirements that we are subject to.",
             "Sharing",
             "We may share it if we believe it is reasonably necessary to:",
             "The amount, nature, and sensitivity of the information;"});
  std::vector<ClauseSituation> situations;
  auto labels = classifier->ClassifyClauses(doc.document, doc.spans, &situations);
  CHECK(Has(Ids(labels[1]), "retention.vague"));
  CHECK(situations[2].lead_in == 1);
  CHECK(situations[2].heading == 0);
  CHECK(Has(Ids(labels[2]), "retention.vague"));
  CHECK(Has(Ids(labels[3]), "retention.vague"));
  CHECK(situations[4].heading_like);
  CHECK_FALSE(Has(Ids(labels[6]), "retention.vague"));  // not a retention lead-in or section
}

TEST_CASE("Context: a table cell is about its column's header", "[classifier][context]") {
  auto classifier = Builtin();
  auto document = ReadDocument(
      "# Privacy Policy\n\n"
      "| Category of data | Retention period |\n| --- | --- |\n"
      "| Account information | Until you delete your account |\n"
      "| Call recordings | 90 days<br><br>As long as necessary for disputes |\n\n"
      "| | |\n| --- | --- |\n| Logs | 90 days |\n\n"
      "| How we use your information | Information used |\n| --- | --- |\n"
      "| Develop and improve our machine learning models | Your posts |\n\n"
      "| Partner | Purpose |\n| --- | --- |\n| A research lab | To develop and improve AI models |\n\n"
      "| Plan | Price |\n| --- | --- |\n"
      "| Monthly | 30 days free |\n\n"
      "| Data | Why we keep it |\n| --- | --- |\n| Invoices | To comply with legal obligations |\n\n"
      "| We collect a great deal of information about you when you use the service, including the content "
      "you post, the messages you send, the people you follow and the devices you use, as explained below. |\n"
      "| --- |\n| 90 days |\n\n"
      "To keep your account secure:\n\n- Change your password every 90 days\n",
      DocumentFormat::kMarkdown);
  REQUIRE(document.ok());
  const auto spans = SegmentDocument(document.value());
  std::vector<ClauseSituation> situations;
  const auto labels = classifier->ClassifyClauses(document.value(), spans, &situations);
  std::vector<std::string> texts;
  for (const ClauseSpan& span : spans) {
    texts.push_back(document.value().blocks[span.block_index].text.substr(span.start, span.end - span.start));
  }
  auto index_of = [&](const std::string& text, size_t from = 0) {
    for (size_t i = from; i < texts.size(); ++i) {
      if (texts[i] == text) return i;
    }
    FAIL("no clause " << text);
    return texts.size();
  };
  const size_t retention_header = index_of("Retention period");
  const size_t until = index_of("Until you delete your account");
  CHECK(situations[until].column_header == static_cast<int>(retention_header));
  CHECK(Has(Ids(labels[until]), "retention.event_based"));
  // The second piece of a cell split at <br> keeps its column.
  const size_t ninety = index_of("90 days");
  CHECK(Has(Ids(labels[ninety]), "retention.fixed_period"));
  CHECK(Has(Ids(labels[index_of("As long as necessary for disputes")]), "retention.vague"));
  // Header cells, and cells under another column, are no retention items.
  CHECK(Ids(labels[retention_header]).empty());
  CHECK(Ids(labels[index_of("Call recordings")]).empty());
  CHECK(Has(Ids(labels[index_of("Develop and improve our machine learning models")]), "ai_training.first_party"));
  // A partner's purpose is not the service's own use.
  CHECK(Ids(labels[index_of("To develop and improve AI models")]).empty());
  // Not under a retention header: a table with an empty header row right
  // after one with headers (none is left over from it); a price; a column
  // of reasons to keep data, which names no period.
  CHECK(Ids(labels[index_of("30 days free")]).empty());
  const size_t headless = index_of("90 days", ninety + 1);
  CHECK(situations[headless].column_header == -1);
  CHECK(Ids(labels[headless]).empty());
  CHECK(Ids(labels[index_of("To comply with legal obligations")]).empty());
  // A header row of long text is content laid out as a table.
  const size_t laid_out = index_of("90 days", headless + 1);
  CHECK(situations[laid_out].column_header == -1);
  CHECK(Ids(labels[laid_out]).empty());
  // A list item whose lead-in mentions keeping something is not a cell.
  CHECK(Ids(labels[index_of("Change your password every 90 days")]).empty());
}

TEST_CASE("Each clause's labels come ordered by taxonomy id", "[classifier][context]") {
  // Context labels are decided after text labels and appended to them; the
  // order callers (notes, JSON, snapshots) see is still by id.
  auto classifier = Builtin();
  const SegmentedPolicy policy = ReadSegmentedPolicy("policies/x-twitter/privacy-policy/2024-11-16.md");
  const auto labels = classifier->ClassifyClauses(policy.document, policy.spans);
  size_t with_several = 0;
  for (const std::vector<LabelMatch>& clause : labels) {
    const std::vector<std::string> ids = Ids(clause);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    if (ids.size() > 1) ++with_several;
  }
  CHECK(with_several >= 5);
}

TEST_CASE("Context rules are data: a pack rule with heading_matches", "[classifier][context]") {
  auto pack = ParseRulePack(R"({"schema": "fineprint.rules/1", "language": "en", "version": "t",
      "labels": [{"id": "retention.vague", "name": "n", "family": "retention"},
                 {"id": "choice.opt_in", "name": "n", "family": "choice"},
                 {"id": "choice.default_on", "name": "n", "family": "choice"}],
      "rules": [
        {"id": "in-section", "label": "retention.vague", "match": "\\bkeep\\b", "why": "w",
         "context": {"heading_matches": "how long"}},
        {"id": "on", "label": "choice.default_on", "match": "unless you", "why": "w",
         "unless_labels": ["choice.opt_in"]},
        {"id": "in", "label": "choice.opt_in", "match": "only if you agree", "why": "w"}]})");
  REQUIRE(pack.ok());
  auto classifier = Classifier::Create(std::move(pack).value());
  REQUIRE(classifier.ok());
  Lines doc({"How long we keep data", "We keep logs.", "Other things", "We keep logs.",
             "We do it only if you agree, unless you object."});
  auto labels = classifier.value()->ClassifyClauses(doc.document, doc.spans);
  CHECK(Has(Ids(labels[1]), "retention.vague"));
  CHECK(labels[3].empty());
  // unless_labels: opt-in wins over on-by-default in the same clause.
  CHECK(Ids(labels[4]) == std::vector<std::string>{"choice.opt_in"});
}

TEST_CASE("Actors: the service, third parties and the reader", "[classifier]") {
  auto classifier = Builtin();
  auto reader = Labels(*classifier,
      "You shall not use the X API or X Content to fine-tune or train a foundation or frontier model.");
  CHECK(Has(reader, "ai_training.prohibited_use"));
  CHECK_FALSE(Has(reader, "ai_training.first_party"));
  CHECK_FALSE(Has(reader, "ai_training.excluded"));
  auto excluded = Labels(*classifier, "We do not use your content to train our AI models.");
  CHECK(Has(excluded, "ai_training.excluded"));
  CHECK_FALSE(Has(excluded, "ai_training.first_party"));
  CHECK_FALSE(Has(Labels(*classifier, "We use AI to moderate content."), "ai_training.first_party"));
  CHECK_FALSE(Has(Labels(*classifier, "We use your information to improve our services."),
                  "ai_training.first_party"));
}

TEST_CASE("Slots: where to opt out, durations and amounts", "[classifier]") {
  auto classifier = Builtin();
  const std::string opt_out =
      "You can opt out of this in Settings and privacy > Privacy and safety > Grok.";
  auto slots = classifier->ExtractSlots(opt_out, classifier->Classify(opt_out));
  REQUIRE_FALSE(slots.empty());
  CHECK(slots[0].name == "opt_out_where");
  CHECK(slots[0].value.find("Privacy and safety > Grok") != std::string::npos);
  const std::string damages =
      "You agree to pay liquidated damages of $15,000 USD per 1,000,000 posts requested in any 24-hour period.";
  auto amount = classifier->ExtractSlots(damages, classifier->Classify(damages));
  REQUIRE_FALSE(amount.empty());
  CHECK(amount[0].name == "amount");
  CHECK(amount[0].value.rfind("$15,000 USD per 1,000,000 posts", 0) == 0);
  // A slot rule only fills clauses carrying one of its labels.
  CHECK(classifier->ExtractSlots("Send it to privacy@example.com.", {}).empty());
  // An age is not how long data is kept: the duration is the length after it.
  for (const std::string age_first : {
           "Children under the age of sixteen (16) years may not use the service; we delete such accounts within 30 "
           "days.",
           "If you are under 16 years of age, we delete your data within 30 days.",
           "Data of seventeen-year-olds is deleted within 30 days."}) {
    INFO(age_first);
    auto durations = classifier->ExtractSlots(age_first, classifier->Classify(age_first));
    REQUIRE(durations.size() == 1);
    CHECK(durations[0].name == "duration");
    CHECK(durations[0].value == "within 30 days");
  }
  // A clause whose only number is an age has no duration.
  const std::string only_age = "Users aged 16 years or older may keep their data for as long as they like.";
  for (const SlotValue& slot : classifier->ExtractSlots(only_age, classifier->Classify(only_age))) {
    CHECK(slot.name != "duration");
  }
}

// The opt_out_where slot's value for a clause with `links`, or "<none>".
std::string WhereFromLinks(const Classifier& classifier, const std::string& text,
                           const std::vector<ClauseLink>& links) {
  for (const SlotValue& slot : classifier.ExtractSlots(text, classifier.Classify(text), links)) {
    if (slot.name == "opt_out_where") return slot.value;
  }
  return "<none>";
}

TEST_CASE("Slots: a link in the clause says where to opt out when the text does not", "[classifier]") {
  auto classifier = Builtin();
  const std::string settings = "Depending on your settings, we may share your information with third parties.";
  // X's flagship case: "settings" links to the account settings.
  CHECK(WhereFromLinks(*classifier, settings, {{"settings", "https://x.com/settings/account"}}) ==
        "https://x.com/settings/account");
  // A link's text can say it is a control when its address does not...
  const std::string object = "You have the right to object to our processing by using this form.";
  CHECK(WhereFromLinks(*classifier, object, {{"form", "https://www.linkedin.com/help/linkedin/ask/TS-DPRO"}}) ==
        "https://www.linkedin.com/help/linkedin/ask/TS-DPRO");
  // ...and an e-mail link gives its address.
  const std::string write = "You can opt out at any time by writing to our privacy team.";
  CHECK(WhereFromLinks(*classifier, write, {{"writing to our privacy team", "mailto:privacy@example.com?subject=Opt"}}) ==
        "privacy@example.com");
  // Other places a link can name (all from a probe review).
  CHECK(WhereFromLinks(*classifier, settings, {{"Privacy Request Portal", "https://privacyportal.onetrust.com/webform/4f"}}) ==
        "https://privacyportal.onetrust.com/webform/4f");
  CHECK(WhereFromLinks(*classifier, settings, {{"Do Not Sell or Share My Personal Information", "https://example.com/dnsmpi"}}) ==
        "https://example.com/dnsmpi");
  CHECK(WhereFromLinks(*classifier, settings, {{"Improve the model for everyone", "https://chat.example.com/#settings/DataControls"}}) ==
        "https://chat.example.com/#settings/DataControls");
  CHECK(WhereFromLinks(*classifier, settings, {{"here", "https://www.linkedin.com/psettings/advertising-data"}}) ==
        "https://www.linkedin.com/psettings/advertising-data");
  for (const char* place : {"http://www.aboutads.info/choices/", "https://www.networkadvertising.org/choices/",
                            "https://www.optoutprescreen.com", "https://www.stormforge.com/en-us/do-not-sell-or-share",
                            "https://click.e.shopnest.com/preference-center?qs=8a7b",
                            "https://secure.firstcitybank.com/OLB/PrivacyChoices.aspx",
                            "https://www.spotify.com/account/privacy/",
                            "https://www.lumenbank.com/en-gb/account/settings/marketing?from=terms-and-conditions"}) {
    INFO(place);
    CHECK(WhereFromLinks(*classifier, settings, {{"here", place}}) == place);
  }
  // A help article is a place when its link is named for the opt-out.
  CHECK(WhereFromLinks(*classifier, settings, {{"opt out\u2060", "https://help.openai.com/en/articles/7730893-data-controls-faq"}}) ==
        "https://help.openai.com/en/articles/7730893-data-controls-faq");
  // Links that are none: a policy or notice (however its address reads), a
  // help article named by its topic, a section of the policy itself, a blog
  // post, a form or dashboard for something else, a law, a support address,
  // a non-web scheme. The first link that is a place wins over one before it
  // that is not.
  for (const ClauseLink& link : std::vector<ClauseLink>{
           {"Privacy Policy", "https://stackoverflow.com/legal/privacy-policy"},
           {"Consent Policy", "https://example.com/privacy/consent-policy"},
           {"Cookie Choices Notice", "https://example.com/legal/cookie-choices-notice"},
           {"Privacy Notice", "https://example.com/privacy?utm_source=cookie-preferences-banner"},
           {"device type", "https://support.google.com/android/answer/9021432"},
           {"partners", "https://example.com/privacy#choices"},
           {"Preferences", "https://example.com/privacy#preferences"},
           {"Smart Settings feature", "https://example.com/blog/introducing-smart-settings"},
           {"why we made ad personalization opt-out", "https://blog.example.com/2023/why-we-made-ad-personalization-opt-out"},
           {"application form", "https://example.com/careers/apply"},
           {"Analytics Dashboard", "https://example.com/analytics/dashboard"},
           {"opt-out rights under Colorado law", "https://coag.gov/resources/colorado-privacy-act/"},
           {"Setting up your account", "https://help.example.com/getting-started"},
           {"Smart Choices Insurance", "https://smartchoicesinsurance.com"},
           {"contact our support team", "mailto:support@example.com"},
           // From a second probe review: a link named like a setting that is
           // another setting, a cookie or privacy policy, a law or regulator.
           {"dietary preferences", "https://www.freshbox.com/account/dietary-preferences"},
           {"content settings", "https://www.freshbox.com/app/content-settings"},
           {"Two-step verification settings", "https://help.taskly.io/hc/en-us/articles/36-two-step-verification-settings"},
           {"cookie settings", "https://www.shopnest.com/en-gb/cookie-policy/"},
           {"Do Not Sell or Share My Personal Information", "https://www.brightline-outdoors.com/privacy-policy"},
           {"Settings", "https://www.streamly.com/privacy#settings"},
           {"right to opt out", "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?sectionNum=1798.120"},
           {"opt-out preference signals", "https://cppa.ca.gov/regulations/pdf/cppa_regs.pdf"},
           {"Open Data Hub", "https://data.citybikes-app.com/open-data"},
           {"consent form", "https://www.vitalpulse.com/studies/heart-study/consent-form.pdf"},
           {"settings", "javascript:openSettings()"}}) {
    INFO(link.text << " -> " << link.target);
    CHECK(WhereFromLinks(*classifier, settings, {link}) == "<none>");
  }
  CHECK(WhereFromLinks(*classifier, settings, {{"Consent Policy", "https://example.com/legal/consent"},
                                               {"this page", "https://example.com/account/ad-settings"}}) ==
        "https://example.com/account/ad-settings");
  // Where the text says where, the text wins; with no opt-out label a link
  // fills nothing.
  const std::string in_settings = "You can opt out of this in your Privacy and Safety settings.";
  CHECK(WhereFromLinks(*classifier, in_settings, {{"Privacy and Safety settings", "https://x.com/settings/privacy"}}) ==
        "in your Privacy and Safety settings");
  CHECK(WhereFromLinks(*classifier, "We collect your email address.", {{"settings", "https://x.com/settings"}}) ==
        "<none>");
}

// The duration slot's value in `text`, given a fixed-period label, or "<none>".
std::string DurationSlot(const Classifier& classifier, const std::string& text) {
  const auto labels = classifier.Classify("We keep server logs for 90 days.");  // retention.fixed_period
  for (const SlotValue& slot : classifier.ExtractSlots(text, labels)) {
    if (slot.name == "duration") return slot.value;
  }
  return "<none>";
}

TEST_CASE("Slots: a duration is a length of time, not a person's age (found by a review)", "[classifier]") {
  auto classifier = Builtin();
  // "immediately" is a duration slot that is no number and unit.
  CHECK(DurationSlot(*classifier, "Uploaded images are deleted immediately after processing.") == "immediately");
  // The age of data is a length: "old" and "or older" make an age only after years.
  CHECK(DurationSlot(*classifier, "Server logs are deleted once they are 90 days old.") == "90 days");
  const std::vector<std::pair<std::string, std::string>> ages_first = {
      {"You must be at least 18 years or older to use the Service, and we delete inactive accounts after 2 years.",
       "after 2 years"},
      {"Accounts of children aged 13 to 15 years are deleted within 30 days.", "within 30 days"},
      {"If you are 16 years or older, we keep your chat history for 30 days.", "for 30 days"},
      {"Users between the ages of 13 and 17 years get accounts whose data we delete within 90 days.",
       "within 90 days"}};
  for (const auto& [text, length] : ages_first) {
    INFO(text);
    CHECK(DurationSlot(*classifier, text) == length);
  }
  // Passing over ages is one scan of the clause, not one per age: 336 KB took ~20 s before.
  std::string many_ages = "We delete the data of users aged 16 years";
  for (int i = 0; i < 16000; ++i) many_ages += ", users aged 16 years";
  many_ages += " within 30 days.";
  const auto start = std::chrono::steady_clock::now();
  CHECK(DurationSlot(*classifier, many_ages) == "within 30 days");
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
}

}  // namespace
}  // namespace fineprint

namespace fineprint {
namespace {

// Sentences written for these tests (not from the gold corpus), plus the
// taxonomy's own examples: each says whether `label` applies.
struct LabelCase {
  const char* text;
  const char* label;
  bool expected;
};

void CheckCases(const Classifier& classifier, const std::vector<LabelCase>& cases) {
  for (const LabelCase& c : cases) {
    INFO(c.text);
    INFO(c.label);
    CHECK(Has(Labels(classifier, c.text), c.label) == c.expected);
  }
}

TEST_CASE("Taxonomy examples get their labels", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"We use the information we collect to train our machine learning and artificial intelligence "
       "models.", "ai_training.first_party", true},
      {"DeepL Pro subscribers' texts are not used to train our machine translation systems.",
       "ai_training.excluded", true},
      {"You shall not use the X API or X Content to fine-tune or train a foundation or frontier model.",
       "ai_training.prohibited_use", true},
      {"You can opt out of this sharing in your Privacy and safety settings.", "choice.opt_out", true},
      {"We will only use your precise location if you give us your consent.", "choice.opt_in", true},
      // AI training by other companies: recipients as contracts name them.
      {"We may sell or license transcripts to research institutions for use in training speech models.",
       "ai_training.third_party", true},
      {"We provide telemetry to OEM partners, who may use it to train driver-assistance algorithms.",
       "ai_training.third_party", true},
      {"Survey responses may be transferred to our analytics provider to train its sentiment models.",
       "ai_training.third_party", true},
      {"We may share your listening history with record labels, which may use it for training recommendation models.",
       "ai_training.third_party", true},
      {"We allow selected researchers to use your public posts to train and test AI systems.",
       "ai_training.third_party", true},
      {"We make our models available to developers for training their own applications.", "ai_training.third_party",
       false},
      {"Private posts are never included in the content we make available to AI companies for model training.",
       "ai_training.third_party", false},
      {"We may share call recordings with our partners for quality assurance and training purposes.",
       "ai_training.third_party", false},
      {"We share your contact details with partner organisations for use in training.", "ai_training.third_party",
       false},
      {"We work with OEMs that can fine-tune the assistant's language model using their own product manuals.",
       "ai_training.third_party", false},
      {"We keep search logs for up to 18 months.", "retention.fixed_period", true},
      {"We keep your posts for as long as your account is active or until the content is deleted.",
       "retention.event_based", true},
      // A reader's duty to keep something is not the service keeping data; a
      // sentence that also tells the reader what they will see still is.
      {"You agree to maintain accurate information for as long as you have an account.", "retention.event_based",
       false},
      {"We retain your data until you close your account; you will receive an email confirming deletion.",
       "retention.event_based", true},
      {"We keep different types of information for different periods of time.", "retention.vague", true},
      {"Deleted content may persist elsewhere, such as in search engine caches.",
       "retention.after_deletion", true},
  });
}

TEST_CASE("Rules of thumb: AI training", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"We use your conversations to improve the models that power our assistant.",
       "ai_training.first_party", true},
      {"We may use publicly available information from the web to train our AI models.",
       "ai_training.first_party", true},
      {"We use the information we collect to improve our services.", "ai_training.first_party", false},
      {"We use automated tools to detect spam and abusive content.", "ai_training.first_party", false},
      {"We do not allow our vendors to train their models on your data.", "ai_training.excluded", true},
      {"Content from business accounts is never used to train our models.", "ai_training.excluded", true},
      {"You may not use content obtained from the service to train or fine-tune machine learning models.",
       "ai_training.prohibited_use", true},
  });
}

TEST_CASE("Rules of thumb: choices", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"You can unsubscribe from our marketing emails at any time.", "choice.opt_out", true},
      {"You have the right to object to the processing of your personal data.", "choice.opt_out", true},
      {"Subscribers may object at any time to the use of their data for direct marketing.", "choice.opt_out", true},
      // A contract's ways of saying it: withdrawing from a programme, excluding data, instructing the service to stop.
      {"The Member may withdraw from the Data Sharing Programme by notifying the Company in writing.",
       "choice.opt_out", true},
      {"Account Holders may elect to exclude their transaction history from the Personalisation Features.",
       "choice.opt_out", true},
      {"You may instruct us to cease using your personal data for direct marketing purposes.", "choice.opt_out",
       true},
      {"Where processing is based on legitimate interests, the Data Subject may lodge an objection with our DPO.",
       "choice.opt_out", true},
      {"Either party may withdraw from the arbitration programme before the hearing.", "choice.opt_out", false},
      {"You may instruct us to stop payment on a cheque by calling your branch.", "choice.opt_out", false},
      {"You may lodge an objection to the fee increase within 30 days.", "choice.opt_out", false},
      // "Analytics" is a use of data ("analy[sz]" alone missed it).
      {"You may withdraw from the beta analytics programme at any time.", "choice.opt_out", true},
      {"Customers may object at any time to the new fees by cancelling their subscription.", "choice.opt_out", false},
      {"You can withdraw your consent at any time in your account settings.", "choice.opt_out", true},
      {"You can turn off personalized ads in your ad settings.", "choice.opt_out", true},
      // Contract terms and account closure are not opt-outs of a data use.
      {"You may opt out of this arbitration agreement by sending written notice within 30 days.",
       "choice.opt_out", false},
      {"You can delete your account at any time from the settings page.", "choice.opt_out", false},
      {"You can deactivate your profile whenever you like.", "choice.opt_out", false},
      {"We may be required to disable access to your content.", "choice.opt_out", false},
      {"You can disable auto-renewal of your subscription at any time.", "choice.opt_out", false},
      {"You have the right to access and correct your personal data.", "choice.opt_out", false},
      // Defaults.
      {"Personalized ads are turned on by default.", "choice.default_on", true},
      {"Depending on your settings, we may use your activity to personalize ads.", "choice.default_on", true},
      {"Depending on your settings, we may use your activity to personalize ads.", "choice.opt_out", true},
      {"You may opt out of personalized ads.", "choice.default_on", false},
      // Opt-in.
      {"We will share your health data with partners only with your explicit consent.",
       "choice.opt_in", true},
      {"If you choose to turn on location history, we will store the places you go.",
       "choice.opt_in", true},
      {"By using the service you agree to these terms.", "choice.opt_in", false},
      {"If you choose to join the beta programme, you agree to be bound by these additional terms.",
       "choice.opt_in", false},
      {"Tell us at once if someone has used your account without your permission.", "choice.opt_in", false},
      {"Your friends can choose to share your posts with people outside your audience.",
       "choice.opt_in", false},
      {"If you connect your calendar, we will read your events to suggest meeting times.",
       "choice.opt_in", true},
      // "Only ... if/after you" act, or "not ... unless you" switch it on, for a use of data.
      {"We will only share your contact details with partners if you tick the box on the registration form.",
       "choice.opt_in", true},
      {"We share your profile with the game developer only after you approve the permissions it requests.",
       "choice.opt_in", true},
      {"Your messages are not used to train our models unless you enable Improve the Model in Settings.",
       "choice.opt_in", true},
      {"Your subscription will not renew unless you turn on auto-renew.", "choice.opt_in", false},
      {"We only ship to your address after you approve the quote.", "choice.opt_in", false},
      {"The discount applies only after you sign up for a yearly plan.", "choice.opt_in", false},
      // A contract's way of saying it: the person has elected, opted in or consented first.
      {"Provided that the Account Holder has affirmatively elected to participate in the Research Programme, the "
       "Company may use de-identified sleep data to improve its algorithms.", "choice.opt_in", true},
      {"Subject to the Subscriber's prior election in the Preferences Centre, the Company may share the Subscriber's "
       "viewing history with selected partners.", "choice.opt_in", true},
      {"Upon the Client opting in to Enhanced Fraud Screening, transaction metadata will be shared with partners.",
       "choice.opt_in", true},
      {"Provided that the Customer has paid all undisputed fees, the Provider shall deliver the Services.",
       "choice.opt_in", false},
      {"Either party may assign this Agreement with the other party's prior written consent.", "choice.opt_in",
       false},
      {"Upon the Customer's written request, the Provider shall delete or return all Customer Data.",
       "choice.opt_in", false},
      // A second probe review's false alarms: money, access and consent between contract parties are not
      // a use of the person's data waiting for their agreement.
      {"Loan funds will be released only after you approve the disbursement schedule.", "choice.opt_in", false},
      {"The free plan is not available unless you enable two-factor authentication.", "choice.opt_in", false},
      {"Subject to the Landlord's prior written consent, the Tenant may sublet the property.", "choice.opt_in",
       false},
      {"Unless the Customer has elected otherwise, Customer Data will be hosted in the European Union.",
       "choice.opt_in", false},
      {"Upon the Member opting in to automatic renewal, the membership renews each year.", "choice.opt_in", false},
      {"Images from the cabin camera do not leave your vehicle unless you enable data sharing.", "choice.opt_in",
       true},
      // Giving is consent only when what is given is.
      {"If you give us false information, we may close your account.", "choice.opt_in", false},
      {"Here is what happens if you give the app developer permission to view these lists.", "choice.opt_in", true},
  });
}

TEST_CASE("A use that goes on unless you act is on by default, and acting on it is an opt-out",
          "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      // The ways of stopping it that "unless you ..." names, written once for both labels.
      {"Unless you adjust your ad preferences, we use your purchase history to personalise the ads you see.",
       "choice.default_on", true},
      {"Unless you set your profile to private, partners may use your public photos in their advertising.",
       "choice.opt_out", true},
      {"Unless the member chooses not to allow this, we share their listening history with our partners.",
       "choice.default_on", true},
      {"Partners may use your public photos to train their own models unless you set your profile to private.",
       "choice.default_on", true},
      {"Unless you select 'Do not share' in the dashboard, we share your usage data with our partners.",
       "choice.opt_out", true},
      {"We use your voice recordings to train our speech models, unless you choose not to allow this in the app.",
       "choice.default_on", true},
      {"Unless you turn on 'Block data sharing' in Settings, we may share your listening history with advertisers.",
       "choice.default_on", true},
      {"If you do not change the 'Improve the model' toggle, which is on, your chats may be used for training.",
       "choice.opt_out", true},
      // A default that keeps things private, and acts that are not about a use of data.
      {"Unless you choose otherwise, your drafts are private and visible only to you.", "choice.default_on", false},
      {"Unless you choose otherwise, your drafts are private and visible only to you.", "choice.opt_out", false},
      {"Your current plan stays in place unless you change your subscription settings.", "choice.default_on",
       false},
      // The second probe review's false alarms: settings that are not about a use of data.
      {"Your training plan is based on a 5K goal unless you update your goal settings.", "choice.default_on", false},
      {"We'll use your home address as the delivery address unless you update your address settings.",
       "choice.opt_out", false},
      {"Your password stays valid for 90 days unless you change it sooner.", "choice.default_on", false},
      {"Printing is double-sided unless you turn on 'Disable duplex printing'.", "choice.default_on", false},
  });
}

TEST_CASE("Telling those who do not want their data used for AI training how to stop it", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      // Not wanting is a way out of the service's own training, not a promise or a prohibition.
      {"If you do not want us to use your recordings to train our speech models, switch off Voice Improvement "
       "in Settings.", "ai_training.first_party", true},
      {"If you do not want us to use your recordings to train our speech models, switch off Voice Improvement "
       "in Settings.", "ai_training.excluded", false},
      {"If you do not want us to use your prompts for AI model training, untick 'Allow us to use my data' in "
       "Settings.", "ai_training.prohibited_use", false},
      {"Sellers who prefer that their shop data not be used for AI model training can opt out in Seller "
       "Preferences.", "ai_training.first_party", true},
      {"Sellers who prefer that their shop data not be used for AI model training can opt out in Seller "
       "Preferences.", "ai_training.excluded", false},
      {"Customers may object to the use of their support tickets for model training by writing to our privacy "
       "team.", "ai_training.first_party", true},
      // The wish names the data as theirs, whatever it is called.
      {"Podcasters who do not want their episodes used to train our AI models can switch this off in the Creator "
       "Dashboard.", "ai_training.first_party", true},
      // Someone else's training, and not wanting something else.
      {"If you do not want partners to use your posts to train their AI, you can switch off Partner Sharing.",
       "ai_training.first_party", false},
      {"If you do not want your recordings used for model training, you can switch off Voice Improvement, but "
       "we never use recordings from children's accounts to train our models.", "ai_training.first_party", false},
      {"You may object to the use of your details for staff training by writing to us.", "ai_training.first_party",
       false},
      {"If you do not want your employees' data used to train models, choose a vendor that keeps no data.",
       "ai_training.first_party", false},
      {"If you do not wish to be bound by these Terms, you may not use any API output to train AI models.",
       "ai_training.prohibited_use", true},
      {"If you do not want to receive marketing emails, click the unsubscribe link.", "ai_training.first_party",
       false},
      {"You may not use the service to train artificial intelligence models.", "ai_training.prohibited_use",
       true},
  });
}

TEST_CASE("AI training: a recipient's own terms may let it train on what it receives", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"If you link a third-party writing assistant, your drafts are sent to that provider, whose terms may "
       "permit it to use your data for model training.", "ai_training.third_party", true},
      {"If you link a third-party writing assistant, your drafts are sent to that provider, whose terms may "
       "permit it to use your data for model training.", "ai_training.first_party", false},
      {"Requests you send through the connector are handled under Acme's policies, which may allow Acme to use "
       "them to train its models.", "ai_training.third_party", true},
      // The reader's own training, people's training, and a provider that only runs the service.
      {"Our terms may allow employees to use the data to train the models we provide.", "ai_training.third_party",
       false},
      {"We may allow Acme to use your data to train its models.", "ai_training.third_party", true},
      {"We may allow our hosting provider to use your data to provide the service.", "ai_training.third_party",
       false},
  });
}

TEST_CASE("Opt-in: a use of data that waits for consent you can take back", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"If you give us your consent, we'll use your transaction history to suggest savings goals, and you can "
       "withdraw your consent at any time.", "choice.opt_in", true},
      {"We read your contacts only after you have given permission, and you can withdraw your consent in your "
       "phone's settings.", "choice.opt_in", true},
      {"If you give us your consent, we will use your location to show nearby offers; you have the right to "
       "withdraw your consent.", "choice.opt_in", true},
      // Consent to treatment is not a use of data waiting for the reader.
      {"If you give your consent, we will use the sedation records to plan the procedure, and you may withdraw "
       "your consent before it starts.", "choice.opt_in", false},
  });
}

TEST_CASE("Retention: what you delete waits in a trash folder for a while", "[classifier][retention]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"Emails you delete are moved to the Deleted folder, which is emptied after thirty (30) days.",
       "retention.after_deletion", true},
      {"Photos you delete are kept in the Deleted photos folder for 60 days, after which they are removed.",
       "retention.after_deletion", true},
      {"Documents you delete are held in a recovery area for 25 days before they are removed for good.",
       "retention.after_deletion", true},
      // The review's false alarms: a duration must follow, and a bin or deleted message is not always one.
      {"Remove the bin bag before the collection truck arrives.", "retention.after_deletion", false},
      {"Deleted messages are removed for everyone in the chat.", "retention.after_deletion", false},
      {"Files you delete are gone for good.", "retention.after_deletion", false},
  });
}

TEST_CASE("Rules of thumb: retention", "[classifier][taxonomy]") {
  auto classifier = Builtin();
  CheckCases(*classifier, {
      // Zero retention is a fixed period.
      {"We do not store your voice recordings.", "retention.fixed_period", true},
      {"Uploaded images are deleted immediately after processing.", "retention.fixed_period", true},
      {"Your payment card number is not retained after the transaction.", "retention.fixed_period", true},
      {"We delete server logs after 30 days.", "retention.fixed_period", true},
      // Other words for deleting.
      {"Raw telemetry is wiped from our systems after one week.", "retention.fixed_period", true},
      {"Chat transcripts are disposed of after 6 months.", "retention.fixed_period", true},
      {"Closed tickets are expunged after 24 months.", "retention.fixed_period", true},
      {"Coupons are at your disposal for 30 days.", "retention.fixed_period", false},
      // Lengths in words of tens and units, and limits, written out.
      {"Personal Data is retained for a period not exceeding thirty-six (36) months.", "retention.fixed_period", true},
      {"Call recordings are purged no later than ninety (90) days after the call.", "retention.fixed_period", true},
      {"The retention period for candidate applications is two (2) years.", "retention.fixed_period", true},
      // Every rule reads numbers in words alike (the pack's {{number}} fragment).
      {"Tenant documents are deleted six months after the application is decided.", "retention.fixed_period", true},
      {"Accounts inactive for over seven months are closed and their data deleted.", "retention.fixed_period", true},
      {"Call logs have a lifespan of seven days.", "retention.fixed_period", true},
      {"Our retention specialists may call you within 30 days.", "retention.fixed_period", false},
      {"The subscription term of 12 months renews automatically and we store your card.", "retention.fixed_period",
       false},
      {"The retention period for the security deposit is thirty (30) days.", "retention.fixed_period", false},
      // Holds, store credit, rights kept and the reader's own records are not data kept by the service.
      {"Funds are placed on hold for up to fifty (50) days while we review the transaction.",
       "retention.fixed_period", false},
      {"We will hold the reservation for forty-eight (48) hours, after which it will be released.",
       "retention.fixed_period", false},
      {"You may return the item no later than thirty (30) days after delivery to receive store credit.",
       "retention.fixed_period", false},
      {"We keep the right to suspend your access for a period not exceeding thirty (30) days.",
       "retention.fixed_period", false},
      {"You must keep records of your transactions for seventy-two (72) hours in case of chargebacks.",
       "retention.fixed_period", false},
      {"Stored value is removed no later than sixty (60) days after the card expires.", "retention.fixed_period",
       false},
      {"We keep the right to delete unused accounts no later than ninety (90) days after the last login.",
       "retention.fixed_period", false},
      {"You must retain the signed forms no later than thirty (30) days after the event.", "retention.fixed_period",
       false},
      // A permission given to the reader is not a duty: the service's own period still counts.
      {"You may remove your posts at any time, and we delete backups after 30 days.", "retention.fixed_period",
       true},
      {"We do not sell your personal information.", "retention.fixed_period", false},
      {"We will not keep your data longer than necessary.", "retention.fixed_period", false},
      // Vague.
      {"We keep your information for as long as necessary to provide the service.", "retention.vague", true},
      {"We store this data for a short period to detect fraud.", "retention.vague", true},
      {"We may preserve your information to comply with legal obligations.", "retention.vague", true},
      {"We keep information indefinitely.", "retention.vague", true},
      {"We retain device logs for different lengths of time depending on the type of log.", "retention.vague", true},
      {"Different plans come with different lengths of time for free support.", "retention.vague", false},
      // A deletion with an exception for what the law makes the service keep: no limit to that.
      {"Customer Data is deleted within 60 days of termination, except where retention is required by law.",
       "retention.vague", true},
      {"We erase inactive profiles after two years, unless we are legally obliged to retain them.", "retention.vague",
       true},
      {"We will respond to your request within 30 days, unless we are required by law to respond sooner.",
       "retention.vague", false},
      {"You must retain invoices for seven years unless you are required by law to keep them longer.",
       "retention.vague", false},
      {"You can keep using the service for a reasonable period afterwards.", "retention.vague", false},
      {"We collect, use, store and analyse your information to provide our services.",
       "retention.vague", false},
      {"Please see How long we keep information below.", "retention.vague", false},
      // Event-based.
      {"We keep your profile until you delete your account.", "retention.event_based", true},
      // A service that speaks of itself in the third person "keeps" (the {{keep}} fragment).
      {"Acme keeps your playlists for as long as your account remains open.", "retention.event_based", true},
      {"Acme keeps invoices until the workspace is deleted.", "retention.event_based", true},
      {"You can close your account at any time.", "retention.event_based", false},
      // A set time counted from the end of the account, contract or relationship: both kinds.
      {"We keep rental agreements for seven years after the end of the rental.", "retention.event_based", true},
      {"Transaction records are retained for five (5) years from the date on which the business relationship ends.",
       "retention.event_based", true},
      {"The Bank retains signed mandates for the duration of the mandate plus six (6) years.",
       "retention.event_based", true},
      {"Your account data is deleted 90 days after your account is closed.", "retention.fixed_period", true},
      {"Your points expire 24 months after the end of your membership.", "retention.event_based", false},
      {"The warranty lasts two years from the end of the rental.", "retention.event_based", false},
      {"Customer shall retain copies of its invoices for six years after the end of the contract.",
       "retention.event_based", false},
      {"Customer shall retain copies of its invoices for six years after the end of the contract.",
       "retention.fixed_period", false},
      {"Sections 9 and 12 survive for five years after the end of the agreement.", "retention.event_based", false},
      {"The security deposit is returned within 14 days after the end of the tenancy.", "retention.event_based",
       false},
      // The service keeping data stays labelled when another clause gives the reader a duty of their own.
      {"We delete call recordings after 90 days; members must keep their own copies if they need them.",
       "retention.fixed_period", true},
      {"The Supplier shall retain Customer Data for 30 days after the end of the agreement.",
       "retention.fixed_period", true},
      // After deletion.
      {"Copies of your content may remain in our backups for a limited time after you delete it.",
       "retention.after_deletion", true},
      {"Some information may remain in backup systems after your account is closed.",
       "retention.after_deletion", true},
      {"Other users may still have copies of messages you sent them.", "retention.after_deletion", true},
      // ... and recipients keeping their own copies is that, not the service keeping data for an open time.
      {"Even after you delete a contract, each party who signed it keeps their own copy.",
       "retention.after_deletion", true},
      {"Even after you delete a contract, each party who signed it keeps their own copy.", "retention.vague",
       false},
      {"We may retain some data even after you delete your account.", "retention.after_deletion", true},
      {"A perpetual, irrevocable licence to your content survives termination.",
       "retention.after_deletion", false},
      // Kept once deletion has been asked for, or for a while after the account ends.
      {"Acme may retain certain data after it receives an account deletion request, such as transaction records.",
       "retention.after_deletion", true},
      {"Some records are preserved after we process your request to close your account.", "retention.after_deletion",
       true},
      {"We will delete your account after we receive your request to delete it.", "retention.after_deletion", false},
      {"We retain your data while your subscription is active and for a limited period thereafter.",
       "retention.after_deletion", true},
      {"Account information is stored for the life of your account and for six months after that.",
       "retention.after_deletion", true},
      {"Your warranty covers the device while your subscription is active and for a limited period thereafter.",
       "retention.after_deletion", false},
  });
}

TEST_CASE("Rules of thumb: keeping is about data, and a legal exception about a deletion", "[classifier][taxonomy]") {
  // False alarms a probe review found in the widened retention rules, each stopped by a narrowing.
  auto classifier = Builtin();
  CheckCases(*classifier, {
      {"The seller keeps the payment for 14 days before releasing it to your bank account.",
       "retention.fixed_period", false},
      {"The app keeps you signed in even after you close the browser.", "retention.vague", false},
      {"The music player keeps playing until you close the app.", "retention.event_based", false},
      {"Acme keeps sharing your activity with advertising partners until you opt out.", "retention.event_based",
       false},
      {"Acme keeps sharing your activity with advertising partners until you opt out.", "choice.default_on", true},
      {"Netflix keeps the viewing history of each profile for as long as your account is active.",
       "retention.event_based", true},
      {"We retain your messages even after you leave the group, and other members keep their own copies.",
       "retention.vague", true},
      {"Callers may be placed on hold for varying amounts of time.", "retention.vague", false},
      {"We ship orders within 5 days, unless we are required to hold them for customs.", "retention.vague", false},
      {"Provider shall maintain insurance during the term of this Agreement and for three years thereafter.",
       "retention.after_deletion", false},
      {"Each party shall keep the other's Confidential Information confidential for the term of the Agreement and "
       "for three years thereafter.", "retention.event_based", false},
      {"We will email you after we receive your account closure request.", "retention.after_deletion", false},
      {"The Organizer may object at any time to the use of its trademarks.", "choice.opt_out", false},
      {"Warranty claims are stored by the retailer and handled two years after cancellation of the order.",
       "retention.fixed_period", false},
      // Found by a review of the {{number}} fragment: number words widened old deadlines and counts.
      {"Your free trial ends seven days after your account is created, and we store your payment details.",
       "retention.fixed_period", false},
      {"Items may be returned fourteen days from delivery, and we keep a record of your order.",
       "retention.fixed_period", false},
      {"We keep your information where necessary to comply with legal obligations, and share it with no more than "
       "fifty partners.", "retention.vague", true},
  });
}

// The primary labels the pipeline gives `sentence` read as a document of its
// own (segmented, each clause classified), as fineprint_eval reads a line.
std::set<std::string> SentenceLabels(const Classifier& classifier, const std::string& sentence) {
  std::set<std::string> ids;
  auto document = ReadPlainText(sentence);
  if (!document.ok()) return ids;
  const auto spans = SegmentDocument(document.value());
  for (const auto& clause : classifier.ClassifyClauses(document.value(), spans)) {
    for (const LabelMatch& match : clause) {
      if (match.info != nullptr && match.info->primary) ids.insert(match.label);
    }
  }
  return ids;
}

TEST_CASE("Probe reviews: sentences reviewers wrote against widened rules keep their verdicts",
          "[classifier][taxonomy]") {
  // tests/data/probes/README.md: each row names labels the sentence must get
  // (right gains) and labels it must not get (false alarms the review found).
  std::ifstream file(std::string(FINEPRINT_SOURCE_DIR) + "/tests/data/probes/reviewed.tsv");
  REQUIRE(file);
  auto classifier = Builtin();
  auto split = [](const std::string& field) {
    std::vector<std::string> ids;
    std::stringstream in(field);
    for (std::string id; std::getline(in, id, ',');) {
      if (!id.empty()) ids.push_back(id);
    }
    return ids;
  };
  size_t rows = 0;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
    if (line.back() == '\t') fields.push_back("");
    REQUIRE(fields.size() == 4);
    ++rows;
    const std::set<std::string> got = SentenceLabels(*classifier, fields[3]);
    INFO(fields[0] << ": " << fields[3]);
    for (const std::string& id : split(fields[1])) {
      INFO("must have " << id);
      CHECK(classifier->pack().FindLabel(id) != nullptr);
      CHECK(got.count(id) == 1);
    }
    for (const std::string& id : split(fields[2])) {
      INFO("must not have " << id);
      CHECK(classifier->pack().FindLabel(id) != nullptr);
      CHECK(got.count(id) == 0);
    }
  }
  CHECK(rows >= 250);
}

TEST_CASE("Context: heading_excludes drops an opt-out under an arbitration section",
          "[classifier][context]") {
  auto classifier = Builtin();
  Lines doc({"Arbitration Agreement",
             "You may opt out within 30 days by sending us a written notice.",
             "Your privacy choices",
             "You may opt out within 30 days by sending us a written notice."});
  auto labels = classifier->ClassifyClauses(doc.document, doc.spans);
  REQUIRE(labels.size() == 4);
  CHECK_FALSE(Has(Ids(labels[1]), "choice.opt_out"));
  CHECK(Has(Ids(labels[3]), "choice.opt_out"));
}

TEST_CASE("A numbered title closed by a period is a heading", "[classifier][context]") {
  auto classifier = Builtin();
  Lines doc({"27. Dispute Resolution", "27.11 Opt-Out.", "You may opt out of personalised ads in your settings."});
  std::vector<ClauseSituation> situations;
  auto labels = classifier->ClassifyClauses(doc.document, doc.spans, &situations);
  REQUIRE(labels.size() == 3);
  CHECK(situations[1].heading_like);
  CHECK(labels[1].empty());
  // The sub-title does not hide the section heading above it.
  CHECK_FALSE(Has(Ids(labels[2]), "choice.opt_out"));
}

TEST_CASE("Retention: event-based and after-deletion phrasings", "[classifier][retention]") {
  auto classifier = Builtin();
  const std::vector<std::string> event_based = {
      "We keep your profile information until you delete your account.",
      "We retain your messages for as long as you maintain an account with us.",
      "When you close your account, we delete your personal information from our systems.",
      "If you delete your account, we will delete your information.",
      "We keep your data for as long as your account is active.",
  };
  for (const std::string& text : event_based) {
    INFO(text);
    CHECK(Has(Labels(*classifier, text), "retention.event_based"));
  }
  const std::vector<std::string> after_deletion = {
      "Deleted information may remain in our backup systems for a limited time.",
      "Residual copies of your information may remain in our backup systems for a limited period.",
      "Other users may still have copies of messages you sent them.",
      "Messages you sent to other users remain in their inbox even if you delete your account.",
      "Information you have shared with others may remain visible after you delete your account.",
  };
  for (const std::string& text : after_deletion) {
    INFO(text);
    CHECK(Has(Labels(*classifier, text), "retention.after_deletion"));
  }
  const std::vector<std::string> vague = {
      "We may retain certain information for legitimate business purposes and/or if we believe doing "
      "so is in accordance with, or as required by, any applicable law.",
      "We store personal information for only as long as we have a reason to keep it.",
      "We generally discard information about you when it’s no longer needed for the purposes for "
      "which we collect and use it.",
      "If you are a job applicant, we will keep your personal data during the application process, "
      "and for a certain period thereafter.",
      "Legal obligations sometimes require us to retain certain information for purposes like "
      "financial record-keeping.",
  };
  for (const std::string& text : vague) {
    INFO(text);
    CHECK(Has(Labels(*classifier, text), "retention.vague"));
  }
  CHECK(Has(Labels(*classifier,
                   "The posts and messages you submitted prior to deleting your account will still be "
                   "visible to others unless you first delete the specific content."),
            "retention.after_deletion"));
  for (const std::string& text : {std::string("We may use your information for legitimate business purposes."),
                                   std::string("You can delete your account when you no longer need it.")}) {
    INFO(text);
    CHECK(Labels(*classifier, text).empty());
  }
  // A pointer to the retention section, and a content licence, are not retention.
  for (const std::string& text : {std::string("Our policy explains how long we keep information."),
                                   std::string("We may change this policy from time to time.")}) {
    INFO(text);
    const auto labels = Labels(*classifier, text);
    CHECK_FALSE(Has(labels, "retention.event_based"));
    CHECK_FALSE(Has(labels, "retention.after_deletion"));
  }
}

TEST_CASE("Sharing with third parties, and what is not", "[classifier][sharing]") {
  auto classifier = Builtin();
  const std::vector<std::string> shared = {
      "We share your personal information with service providers who help us operate the Service.",
      "We disclose information to our vendors and partners to provide the services.",
      "We may share personal data with our affiliates for the purposes described in this policy.",
      "We may disclose your information to law enforcement when required by law.",
      "We work with advertising partners who receive information about your activity on our services.",
      "We may use a payments service provider who may separately collect information about you.",
      "Advertising partners can match personal data with device identifiers received from us.",
      "We also allow some others to use cookies as described in our Cookie Policy.",
  };
  for (const std::string& text : shared) {
    INFO(text);
    CHECK(Has(Labels(*classifier, text), "sharing.third_party"));
  }
  const std::vector<std::string> not_shared = {
      "We do not sell your personal information to third parties.",
      "We may share aggregated, de-identified information with our partners.",
      "We may share information that does not identify you with advertisers.",
      "Our partners do not receive your personal information.",
  };
  for (const std::string& text : not_shared) {
    INFO(text);
    CHECK_FALSE(Has(Labels(*classifier, text), "sharing.third_party"));
  }
}

TEST_CASE("Opt-out: objecting, restricting, withdrawing, unsubscribing, named settings",
          "[classifier][choice]") {
  auto classifier = Builtin();
  const std::vector<std::string> opt_out = {
      "You have the right to object to the processing of your personal data.",
      "You may withdraw your consent at any time.",
      "You have the right to request that we restrict the processing of your personal data.",
      "You can unsubscribe from our marketing emails by clicking the unsubscribe link in any email.",
      "To stop receiving promotional emails, follow the instructions in those emails.",
      "You can use the Ad Preferences setting to control whether we use your activity to show you "
      "personalized ads.",
      "You can limit the use of your data for ad personalization in Settings.",
      "You can turn off location history in your device settings.",
      // How an objection is weighed: the right to object is the reader's.
      "Your objection will be upheld, and we will cease processing your information.",
      "We will stop processing your information unless we have compelling legitimate grounds for the processing.",
      "If you object to profiling, we will respect your objection.",
  };
  for (const std::string& text : opt_out) {
    INFO(text);
    CHECK(Has(Labels(*classifier, text), "choice.opt_out"));
  }
  const std::vector<std::string> not_opt_out = {
      "You can opt out of arbitration by sending us a written notice within 30 days.",
      "You have rights to access, correct and delete your personal data.",
      "We use cookies to remember your preferences.",
      "We will consider your objections to the proposed changes to these Terms.",
      "The court will consider any objection filed by a class member.",
      "If you have an objection to a decision to remove your post, we will assess your objection through our "
      "internal complaint-handling system.",
      "The Data Protection Officer will handle any objection from staff to the new hot-desking policy.",
      "Applicants must show compelling legitimate grounds for urgent processing of their application.",
  };
  for (const std::string& text : not_opt_out) {
    INFO(text);
    CHECK_FALSE(Has(Labels(*classifier, text), "choice.opt_out"));
  }
}

// One opt-out rule whose prefilter has atoms, for the prepared-form tests.
std::string OptOutPackJson() {
  return SmallPackJson(R"([{"id": "r", "label": "choice.opt_out", "match": "opt(?:-| )?out", "why": "w"}])");
}

// Where a prepared form's first rule tree starts: after its header line and
// its pack section ("pack <length> <fingerprint>\n", the record, "\n").
size_t FirstTreeAt(const std::string& prepared) {
  const size_t pack_at = prepared.find('\n') + 1;
  REQUIRE(prepared.compare(pack_at, 5, "pack ") == 0);
  const size_t record_at = prepared.find('\n', pack_at) + 1;
  return record_at + std::stoul(prepared.substr(pack_at + 5)) + 1;
}

TEST_CASE("The built-in pack's prepared form is the one its JSON gives today", "[classifier][prepared]") {
  // The build remakes it from core/rules/en.json (tools/prepare_rules.cc):
  // this fails if Prepare is not deterministic or the embedding not exact.
  auto prepared = Classifier::Prepare(BuiltinRulePackJson());
  REQUIRE(prepared.ok());
  CHECK(prepared.value() == BuiltinPreparedRulePack());
  auto classifier = Classifier::CreateFromJson(BuiltinRulePackJson(), BuiltinPreparedRulePack());
  REQUIRE(classifier.ok());
  CHECK(classifier.value()->pack().rules.size() == Builtin()->pack().rules.size());
  // The pack's fingerprint is the JSON's it was given: a prepared form made
  // from other text (here, the same rules with a newline more) is not taken
  // for it.
  CHECK(classifier.value()->pack().fingerprint == RulePackFingerprint(BuiltinRulePackJson()));
  const std::string respaced = std::string(BuiltinRulePackJson()) + "\n";
  auto from_respaced = Classifier::CreateFromJson(respaced, BuiltinPreparedRulePack());
  REQUIRE(from_respaced.ok());
  CHECK(from_respaced.value()->pack().fingerprint == RulePackFingerprint(respaced));
  CHECK(from_respaced.value()->pack().fingerprint != classifier.value()->pack().fingerprint);
}

TEST_CASE("A prepared pack labels and quotes every clause as a freshly checked one", "[classifier][prepared]") {
  auto prepared = Classifier::CreateFromJson(BuiltinRulePackJson(), BuiltinPreparedRulePack());
  REQUIRE(prepared.ok());
  // Not Builtin(): that loads the prepared form too.
  const std::unique_ptr<Classifier> checked = Checked(std::string(BuiltinRulePackJson()));
  for (const char* text :
       {"If you do not opt out, in some instances the recipients of the information may use it to train "
        "their artificial intelligence models, whether generative or otherwise.",
        "We keep information shared by partners for up to 90 days.",
        "You may withdraw your consent at any time.", "The weather in Amsterdam was mild this week."}) {
    INFO(text);
    CheckSameLabels(prepared.value()->Classify(text), checked->Classify(text));
  }
}

TEST_CASE("A prepared form decides the candidates, and only for the text it was made from",
          "[classifier][prepared]") {
  const std::string json = OptOutPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  // The rule's prefilter, rewritten to "never": the prepared form is what
  // the classifier goes by (no pattern is parsed to find the prefilter).
  std::string never = prepared.value();
  const size_t first_tree = FirstTreeAt(never);
  never.replace(first_tree, never.find('\n', first_tree) - first_tree, "N");
  auto from_prepared = Classifier::CreateFromJson(json, prepared.value());
  auto from_never = Classifier::CreateFromJson(json, never);
  REQUIRE(from_prepared.ok());
  REQUIRE(from_never.ok());
  CHECK(from_prepared.value()->Classify("You can opt out.").size() == 1);
  CHECK(from_never.value()->Classify("You can opt out.").empty());
  // The same prepared form with other JSON text (one space more) is
  // ignored: every pattern is checked and the prefilter found afresh.
  auto other_text = Classifier::CreateFromJson(json + " ", never);
  REQUIRE(other_text.ok());
  CHECK(other_text.value()->Classify("You can opt out.").size() == 1);
  // A damaged prepared form is ignored too.
  for (const std::string& damaged : {never.substr(0, never.size() - 1), never + "N\n", never + "a9:x\n",
                                     prepared.value().substr(0, first_tree) + "&2 a3:opt\n"}) {
    auto classifier = Classifier::CreateFromJson(json, damaged);
    REQUIRE(classifier.ok());
    CHECK(classifier.value()->Classify("You can opt out.").size() == 1);
  }
}

TEST_CASE("A prepared form's pack section is the pack, and a damaged one is not used",
          "[classifier][prepared]") {
  const std::string json = OptOutPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  auto classifier = Classifier::CreateFromJson(json, prepared.value());
  REQUIRE(classifier.ok());
  CheckSamePack(classifier.value()->pack(), ParseRulePack(json).value());
  // With the rule's prefilter rewritten to "never", a prepared form is used
  // only if nothing flags it: a damaged pack record (one byte of the rule's
  // id changed, so that the record still reads) must send the pack through
  // the full check, which finds the prefilter afresh.
  std::string never = prepared.value();
  const size_t first_tree = FirstTreeAt(never);
  never.replace(first_tree, never.find('\n', first_tree) - first_tree, "N");
  auto from_never = Classifier::CreateFromJson(json, never);
  REQUIRE(from_never.ok());
  REQUIRE(from_never.value()->Classify("You can opt out.").empty());
  std::string damaged = never;
  const size_t rule_id = damaged.find(std::string("\x01\0\0\0r", 5), damaged.find("\npack ")) + 4;
  REQUIRE(damaged[rule_id] == 'r');
  damaged[rule_id] = 's';
  auto from_damaged = Classifier::CreateFromJson(json, damaged);
  REQUIRE(from_damaged.ok());
  CHECK(from_damaged.value()->pack().rules.at(0).id == "r");
  CHECK(from_damaged.value()->Classify("You can opt out.").size() == 1);
  // A record not closed by its newline (the section's framing) is not read.
  std::string unclosed = never;
  REQUIRE(unclosed[first_tree - 1] == '\n');
  unclosed[first_tree - 1] = 'x';
  auto from_unclosed = Classifier::CreateFromJson(json, unclosed);
  REQUIRE(from_unclosed.ok());
  CHECK(from_unclosed.value()->Classify("You can opt out.").size() == 1);
  // A prepared form without its pack section (as version 4 had) is not
  // read either: made from `never`, it would lose the opt-out if it were.
  std::string old_version = never;
  const size_t pack_at = old_version.find('\n') + 1;
  old_version.erase(pack_at, first_tree - pack_at);
  auto from_old = Classifier::CreateFromJson(json, old_version);
  REQUIRE(from_old.ok());
  CHECK(from_old.value()->Classify("You can opt out.").size() == 1);
}

// A rule whose require, exclude and slot need literals ("opt out",
// "arbitration", "in "), behind a match pattern that every clause with
// "opt" or "choose" matches: only the gates keep the others uncompiled.
std::string GuardedPackJson() {
  return SmallPackJson(R"([{"id": "r", "label": "choice.opt_out", "match": "(?:opt|choose)\\s*\\w*",
                            "require": ["opt out"], "exclude": ["\\barbitration\\b"], "why": "w"}])",
                       R"j([{"name": "where", "pattern": "\\bin ([A-Z][a-z]+)"}])j");
}

TEST_CASE("A pattern is compiled only for a text holding the literals it needs", "[classifier][gates]") {
  for (const auto& [how, loaded] : LoadedBothWays(GuardedPackJson())) {
    INFO(how);
    const Classifier& classifier = *loaded;
    CHECK(classifier.CompiledPatternCount() == 0);
    // The match pattern runs; the require lacks "opt out", so neither it
    // nor the exclude behind it is compiled.
    CHECK(classifier.Classify("You may choose wisely.").empty());
    CHECK(classifier.CompiledPatternCount() == 1);
    // The require matches; the exclude still lacks "arbitration".
    const std::vector<LabelMatch> labels = classifier.Classify("You can opt out here.");
    CHECK(labels.size() == 1);
    CHECK(classifier.CompiledPatternCount() == 2);
    CHECK(classifier.ExtractSlots("You can opt out here.", labels).empty());
    CHECK(classifier.CompiledPatternCount() == 2);
    const std::vector<SlotValue> slots = classifier.ExtractSlots("You can opt out in Settings.", labels);
    REQUIRE(slots.size() == 1);
    CHECK(slots[0].value == "Settings");
    CHECK(classifier.CompiledPatternCount() == 3);
    CHECK(classifier.Classify("You can OPT OUT of Arbitration.").empty());
    CHECK(classifier.CompiledPatternCount() == 4);
  }
}

TEST_CASE("A pattern its gate keeps ruling out is compiled after 64 texts", "[classifier][gates]") {
  const std::unique_ptr<Classifier> loaded = Checked(GuardedPackJson());
  const Classifier& classifier = *loaded;
  // Match and require compile on the first text; the exclude's gate
  // ("arbitration") rules it out 64 times, then gives way.
  for (int i = 0; i < 64; ++i) REQUIRE(classifier.Classify("You can opt out here.").size() == 1);
  CHECK(classifier.CompiledPatternCount() == 2);
  CHECK(classifier.Classify("You can opt out here.").size() == 1);
  CHECK(classifier.CompiledPatternCount() == 3);
}

TEST_CASE("A gate never rules out a text its pattern matches", "[classifier][gates]") {
  // Each exclude is tried first on the text it must exclude, while it is
  // not compiled, so only its gate stands between the text and the label.
  const std::vector<std::pair<std::string, std::string>> excludes = {
      // ASCII case, both ways.
      {"Arbitration", "You can opt out of ARBITRATION."},
      // An atom with a non-ASCII character that is not a letter.
      {"you\u2019ve chosen", "You can opt out if YOU\u2019VE CHOSEN to."},
      // A non-ASCII letter with a case pair: ASCII lower-casing leaves the
      // text's "\u00C9" as it is, so only " noir" is sure to be there.
      {"(?i)caf\u00e9 noir", "You can opt out of CAF\u00C9 NOIR."},
      // RE2's Unicode folding matches KELVIN SIGN for k, which
      // ASCII lower-casing does not turn into "k".
      {"(?i)kelvin", "You can opt out of \u212Aelvin."},
      // ... and LONG S for s.
      {"(?i)sale", "You can opt out of \u017Fale."},
      // Alternatives and optional parts: the prefilter asks for less.
      {"(?:never|no) (?:sell|share)s?", "You can opt out; we never share."},
      // A long exclude answered by its alternatives while it is not
      // compiled: "\\x41" keeps the whole pattern's Unicode folding, and
      // each alternative must fold as the whole does (KELVIN SIGN for k).
      {"kelvin|\\\\x41bc|zzz", "You can opt out of \u212Aelvin."},
      {"x*", "You can opt out."}};
  for (const auto& [exclude, text] : excludes) {
    const std::string json = SmallPackJson(
        R"([{"id": "r", "label": "choice.opt_out", "match": "opt out", "exclude": [")" + exclude +
        R"("], "why": "w"}])");
    for (const auto& [how, classifier] : LoadedBothWays(json)) {
      INFO(exclude << " on " << text << ", " << how);
      CHECK(classifier->Classify(text).empty());
    }
  }
}

// A match pattern of three alternatives, each with literals of its own,
// and an exclude of three.
std::string AlternativesPackJson() {
  return SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out",
      "match": "\\b(?:opt(?:ing)? out|unsubscribe\\w*|withdraw (?:your )?consent)",
      "exclude": ["\\bnewsletters?\\b|\\bsweepstakes\\b|\\bcontests?\\b"], "why": "w"}])j");
}

TEST_CASE("A long pattern is first answered by the alternatives a text can match", "[classifier][gates]") {
  for (const auto& [how, loaded] : LoadedBothWays(AlternativesPackJson())) {
    INFO(how);
    const Classifier& classifier = *loaded;
    // Only "withdraw (?:your )?consent" is compiled; the exclude's
    // alternatives all lack their literals.
    const std::string text = "You may withdraw your consent or opt out at any time.";
    const std::vector<LabelMatch> first = classifier.Classify(text);
    REQUIRE(first.size() == 1);
    CHECK(first[0].evidence_start == text.find("withdraw"));
    CHECK(first[0].evidence_end == text.find(" or opt"));
    CHECK(classifier.CompiledPatternCount() == 2);  // both alternatives that can match
    CHECK(classifier.Classify("Unsubscribe from newsletters.").empty());
    CHECK(classifier.CompiledPatternCount() == 4);
    // The idle-time step compiles the two patterns whole, one at a time.
    CHECK(classifier.CompileDeferredPatterns(0) == 2);
    CHECK(classifier.CompileDeferredPatterns(1) == 1);
    CHECK(classifier.CompiledPatternCount() == 5);
    CHECK(classifier.CompileDeferredPatterns(8) == 0);
    CHECK(classifier.CompiledPatternCount() == 6);
    // Same answers from the whole programs: the leftmost match, however
    // the alternatives are ordered.
    const std::vector<LabelMatch> again = classifier.Classify(text);
    REQUIRE(again.size() == 1);
    CHECK(again[0].evidence_start == first[0].evidence_start);
    CHECK(again[0].evidence_end == first[0].evidence_end);
    CHECK(classifier.Classify("Unsubscribe from newsletters.").empty());
    CHECK(classifier.CompiledPatternCount() == 6);
  }
}

TEST_CASE("Of alternatives matching at the same start, the earlier one gives the evidence", "[classifier][gates]") {
  // RE2's leftmost-first rule: "opt out" comes first in the pattern, so it
  // wins over the longer "opt out of \\w+" starting at the same place.
  auto loaded = Classifier::CreateFromJson(SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out",
      "match": "\\b(?:zzz|opt out|opt out of \\w+)", "why": "w"}])j"), "");
  REQUIRE(loaded.ok());
  const Classifier& classifier = *loaded.value();
  const std::string text = "You can opt out of sales.";
  for (const char* from : {"alternatives", "the whole pattern"}) {
    INFO(from);
    const std::vector<LabelMatch> labels = classifier.Classify(text);
    REQUIRE(labels.size() == 1);
    CHECK(text.substr(labels[0].evidence_start, labels[0].evidence_end - labels[0].evidence_start) == "opt out");
    classifier.CompileDeferredPatterns(1);
  }
  CHECK(classifier.CompiledPatternCount() == 3);
}

TEST_CASE("Alternatives and whole patterns give the same labels and evidence on real policies",
          "[classifier][gates]") {
  // A fresh engine's first reading goes through the alternatives (a pattern
  // many clauses reach switches to its whole program partway); the second,
  // after the idle-time step, through whole patterns.
  for (const char* policy : {"policies/x-twitter/privacy-policy/2024-11-16.md",
                             "policies/meta-facebook/privacy-policy/2025-05-28.md"}) {
    INFO(policy);
    const SegmentedPolicy read = ReadSegmentedPolicy(policy);
    auto classifier = Builtin();
    const auto first = classifier->ClassifyClauses(read.document, read.spans);
    const size_t deferred = classifier->CompileDeferredPatterns(0);
    CHECK(deferred >= 5);
    CHECK(classifier->CompileDeferredPatterns(SIZE_MAX) == 0);
    const auto second = classifier->ClassifyClauses(read.document, read.spans);
    REQUIRE(first.size() == second.size());
    size_t labelled = 0;
    for (size_t i = 0; i < first.size(); ++i) {
      CheckSameLabels(first[i], second[i]);
      labelled += first[i].size();
    }
    CHECK(labelled >= 50);
  }
}

TEST_CASE("A pattern its alternatives answered 16 times is compiled whole", "[classifier][gates]") {
  const std::unique_ptr<Classifier> loaded = Checked(AlternativesPackJson());
  const Classifier& classifier = *loaded;
  for (int i = 0; i < 16; ++i) REQUIRE(classifier.Classify("You can opt out.").size() == 1);
  CHECK(classifier.CompiledPatternCount() == 1);
  CHECK(classifier.CompileDeferredPatterns(0) == 1);
  CHECK(classifier.Classify("You can opt out.").size() == 1);
  CHECK(classifier.CompiledPatternCount() == 2);
  CHECK(classifier.CompileDeferredPatterns(0) == 0);
  // The exclude's own gate rules "opt out" texts out 64 times, then gives
  // way; its alternatives' gates then rule the text out, so none of them is
  // compiled. Idle time still compiles the exclude whole: left to its
  // alternatives, it would check their literals on the next 15 texts.
  for (int i = 0; i < 47; ++i) REQUIRE(classifier.Classify("You can opt out.").size() == 1);
  CHECK(classifier.CompileDeferredPatterns(0) == 0);
  REQUIRE(classifier.Classify("You can opt out.").size() == 1);
  CHECK(classifier.CompiledPatternCount() == 2);
  CHECK(classifier.CompileDeferredPatterns(0) == 1);
  CHECK(classifier.CompileDeferredPatterns(1) == 0);
  CHECK(classifier.CompiledPatternCount() == 3);
}

// A rule with three excludes, each behind literals of its own.
std::string ThreeExcludesPackJson() {
  return SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out", "match": "opt out",
      "exclude": ["\\barbitration\\b", "\\bnewsletters?\\b", "\\bcontests?\\b"], "why": "w"}])j");
}

// Texts a rule with `excludes` must keep or drop, read `uses` times each.
void CheckExcludes(const Classifier& classifier, int uses, const std::vector<std::string>& excluded,
                   const std::vector<std::string>& kept) {
  for (int i = 0; i < uses; ++i) {
    INFO("use " << i);
    for (const std::string& text : excluded) REQUIRE(classifier.Classify(text).empty());
    for (const std::string& text : kept) REQUIRE(classifier.Classify(text).size() == 1);
  }
}

TEST_CASE("A rule's excludes are answered one by one, then as one pattern", "[classifier][gates]") {
  for (const auto& [how, loaded] : LoadedBothWays(ThreeExcludesPackJson())) {
    INFO(how);
    const Classifier& classifier = *loaded;
    const std::vector<std::string> excluded = {"You can opt out of arbitration.", "Opt out of newsletters.",
                                               "Opt out of CONTESTS here."};
    const std::vector<std::string> kept = {"You can opt out of sweepstakes."};
    CheckExcludes(classifier, 1, excluded, kept);
    // The match pattern and the three excludes. Their union is not left
    // to idle time: it waits for 128 uses.
    CHECK(classifier.CompiledPatternCount() == 4);
    CHECK(classifier.CompileDeferredPatterns(0) == 0);
    CheckExcludes(classifier, 31, excluded, kept);
    CHECK(classifier.CompiledPatternCount() == 4);
    CheckExcludes(classifier, 1, excluded, kept);
    CHECK(classifier.CompiledPatternCount() == 5);
    CheckExcludes(classifier, 2, excluded, kept);
  }
}

TEST_CASE("Excludes that fold case apart are never compiled as one pattern", "[classifier][gates]") {
  // "\\x41" keeps RE2's Unicode folding, which matches KELVIN SIGN for k;
  // "kelvin" alone folds ASCII only. One program would fold both alike.
  for (const auto& [how, loaded] : LoadedBothWays(SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out",
      "match": "opt out", "exclude": ["\\x41bc", "kelvin"], "why": "w"}])j"))) {
    INFO(how);
    CheckExcludes(*loaded, 70, {"You can opt out of KELVIN.", "You can opt out of abc."},
                  {"You can opt out of \u212Aelvin."});
    CHECK(loaded->CompiledPatternCount() == 3);
  }
}

TEST_CASE("Excludes that quote with \\Q are never compiled as one pattern", "[classifier][gates]") {
  // Joined as "(?:\\Qxq)|(?:\\Qzz\\E)", the first quote would run on to the
  // second's \\E: one literal, "xq)|(?:\\Qzz", where the rule means xq or zz.
  for (const auto& [how, loaded] : LoadedBothWays(SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out",
      "match": "opt out", "exclude": ["\\Qxq", "\\Qzz\\E"], "why": "w"}])j"))) {
    INFO(how);
    CheckExcludes(*loaded, 70, {"You can opt out of xq.", "You can opt out of zz."}, {"You can opt out of ww."});
    CHECK(loaded->CompiledPatternCount() == 3);
  }
}

// Patterns each of which compiles alone, while their alternation is too
// large for RE2's memory budget (20,000 repetitions of a class, about
// 160,000 instructions each): "<prefix>(?:[^q]{1000}...|ok)z".
std::vector<std::string> TooLargeTogether(const std::vector<std::string>& prefixes) {
  std::string repeats;
  for (int i = 0; i < 20; ++i) repeats += "[^q]{1000}";
  std::vector<std::string> patterns;
  for (const std::string& prefix : prefixes) patterns.push_back(prefix + "(?:" + repeats + "|ok)z");
  // The premise, checked as LazyPattern compiles them (no capture groups).
  RE2::Options options;
  options.set_never_capture(true);
  options.set_log_errors(false);
  std::string alternation;
  for (const std::string& pattern : patterns) {
    REQUIRE(RE2(pattern, options).ok());
    alternation += (alternation.empty() ? "(?:" : "|(?:") + pattern + ")";
  }
  REQUIRE_FALSE(RE2(alternation, options).ok());
  return patterns;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", \"" : "\"") + item + "\"";
  return out + "]";
}

TEST_CASE("Excludes too large to compile as one pattern still exclude", "[classifier][gates]") {
  const std::string json = SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out", "match": "opt out",
      "exclude": )j" + JsonList(TooLargeTogether({"aa", "bb", "cc"})) + R"j(, "why": "w"}])j");
  for (const auto& [how, loaded] : LoadedBothWays(json)) {
    INFO(how);
    CheckExcludes(*loaded, 140, {"You can opt out: aaokz.", "You can opt out: ccokz."}, {"You can opt out: ddokz."});
    CHECK(loaded->CompiledPatternCount() == 5);  // the union counts, though it is not ok()
  }
}

TEST_CASE("A match pattern too large to compile whole is still found by its alternatives", "[classifier][gates]") {
  std::string match;
  for (const std::string& pattern : TooLargeTogether({"aa", "bb", "cc"})) match += (match.empty() ? "" : "|") + pattern;
  const std::string json = SmallPackJson(R"j([{"id": "r", "label": "choice.opt_out", "match": ")j" + match +
                                         R"j(", "why": "w"}])j");
  for (const auto& [how, loaded] : LoadedBothWays(json)) {
    INFO(how);
    const std::string text = "Opt out here: bbokz, or ccokz.";
    for (int i = 0; i < 20; ++i) {
      INFO("use " << i);
      const std::vector<LabelMatch> labels = loaded->Classify(text);
      REQUIRE(labels.size() == 1);
      CHECK(text.substr(labels[0].evidence_start, labels[0].evidence_end - labels[0].evidence_start) == "bbokz");
      loaded->CompileDeferredPatterns(SIZE_MAX);
    }
  }
}

// The line of gate `index` (in pattern order) in a prepared form, as
// (offset, length).
std::pair<size_t, size_t> GateLine(const std::string& prepared, size_t index) {
  size_t at = prepared.find("\ngates ");
  REQUIRE(at != std::string::npos);
  at = prepared.find('\n', at + 1) + 1;
  for (size_t k = 0; k < index; ++k) at = prepared.find('\n', at) + 1;
  return {at, prepared.find('\n', at) - at};
}

TEST_CASE("A prepared form brings the pattern gates, and a damaged one is not used", "[classifier][gates]") {
  const std::string json = GuardedPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  const std::string excluded = "You can opt out of arbitration.";
  // Patterns in pack order: match, require, exclude. The exclude's gate,
  // rewritten to "never": the classifier goes by the prepared gate.
  const auto [exclude_at, exclude_length] = GateLine(prepared.value(), 2);
  std::string never = prepared.value();
  never.replace(exclude_at, exclude_length, "N");
  auto from_never = Classifier::CreateFromJson(json, never);
  REQUIRE(from_never.ok());
  CHECK(from_never.value()->Classify(excluded).size() == 1);
  // A gate too few (the count fits the lines, not the patterns), one that
  // does not read, or none at all: the pack is checked afresh, and labels
  // right. The exclude's gate in the first two reads "never" wherever it is
  // read at all, so a form used despite the damage would lose the exclusion.
  std::string fewer = never;
  const auto [last_at, last_length] = GateLine(fewer, 3);
  fewer.erase(last_at, last_length + 1);
  const size_t count_at = fewer.find("\ngates ") + 7;
  fewer.replace(count_at, 1, "3");
  REQUIRE(fewer.substr(count_at - 6, 8) == "gates 3\n");
  std::string unreadable = prepared.value();
  unreadable.replace(exclude_at, exclude_length, "N a11:arbitration");  // "never", then left-over bytes
  // The match pattern's gate names its rule's prefilter: here a rule the
  // pack lacks (from `never` too, so that a form used despite it would lose
  // the exclusion rather than pass).
  std::string no_rule = never;
  const auto [match_at, match_length] = GateLine(no_rule, 0);
  REQUIRE(no_rule.substr(match_at, match_length) == "=0");
  no_rule.replace(match_at, match_length, "=1");
  std::string no_gates = prepared.value();
  const size_t gates_at = no_gates.find("\ngates ") + 1;
  const auto [slot_at, slot_length] = GateLine(no_gates, 3);
  no_gates.erase(gates_at, slot_at + slot_length + 1 - gates_at);
  REQUIRE(no_gates.find("gates") == std::string::npos);
  for (const std::string& damaged : {fewer, unreadable, no_rule, no_gates}) {
    auto classifier = Classifier::CreateFromJson(json, damaged);
    REQUIRE(classifier.ok());
    CHECK(classifier.value()->Classify(excluded).empty());
    CHECK(classifier.value()->Classify("You can opt out.").size() == 1);
  }
}

// `size` bytes of `form` at `at` overwritten with `value`, as the prepared
// form writes numbers (PutBytes).
void OverwriteNumber(std::string* form, size_t at, uint64_t value, int size) {
  std::string bytes;
  PutBytes(value, size, &bytes);
  form->replace(at, bytes.size(), bytes);
}

// The number of `size` bytes at `at` in `form`, as the prepared form reads
// them (TakeBytes).
uint64_t NumberAt(const std::string& form, size_t at, int size) {
  std::string_view bytes = std::string_view(form).substr(at);
  uint64_t value = 0;
  REQUIRE(TakeBytes(&bytes, size, &value));
  return value;
}

// Where each part of a prepared form's automaton ("matcher <length>\n",
// then the bytes AtomMatcher::Build writes) sits, as byte offsets into the
// form: its header numbers (decimal, each closed by a space) and, per state
// record, its number, failure state, edges' columns (each followed by its
// 2-byte child) and own atoms.
struct MatcherLayout {
  std::vector<size_t> header;  // fingerprint, atoms, shift, first reporting, reporting, outputs
  struct State {
    size_t number = 0, fail = 0;
    std::vector<size_t> edge_columns;
    std::vector<size_t> atoms;
  };
  std::vector<State> states;  // the root first
};

MatcherLayout LayoutOfMatcher(const std::string& prepared) {
  MatcherLayout layout;
  size_t at = prepared.find("\nmatcher ");
  REQUIRE(at != std::string::npos);
  at = prepared.find('\n', at + 1) + 1;
  for (int number = 0; number < 6; ++number) {
    layout.header.push_back(at);
    at = prepared.find(' ', at) + 1;
  }
  const uint64_t states = std::stoull(prepared.substr(layout.header[3])) + std::stoull(prepared.substr(layout.header[4]));
  at += 256;  // byte -> column map
  for (uint64_t n = 0; n < states; ++n) {
    MatcherLayout::State state;
    state.number = at;
    state.fail = at + 2;
    const uint64_t edges = NumberAt(prepared, at + 4, 2);
    at += 6;
    for (uint64_t k = 0; k < edges; ++k, at += 3) state.edge_columns.push_back(at);
    const uint64_t own = NumberAt(prepared, at, 4);
    at += 4;
    for (uint64_t k = 0; k < own; ++k, at += 4) state.atoms.push_back(at);
    layout.states.push_back(state);
  }
  return layout;
}

// `prepared` with every edge out of the automaton's root led back to the
// root: a sound automaton that finds no atom, so that no rule is a
// candidate. A damaged copy of it shows whether the damage is caught: used,
// it leaves every clause unlabelled; refused, the automaton is rebuilt.
std::string WithDeafAutomaton(std::string prepared) {
  const MatcherLayout layout = LayoutOfMatcher(prepared);
  REQUIRE_FALSE(layout.states.at(0).edge_columns.empty());
  for (size_t column : layout.states[0].edge_columns) OverwriteNumber(&prepared, column + 1, 0, 2);
  return prepared;
}

TEST_CASE("A prepared form brings the atom automaton, which is checked before it is used",
          "[classifier][prepared]") {
  const std::string json = OptOutPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  // The deaf automaton (every root edge back to the root) is sound: the
  // classifier goes by it.
  const std::string deaf = WithDeafAutomaton(prepared.value());
  auto from_deaf = Classifier::CreateFromJson(json, deaf);
  REQUIRE(from_deaf.ok());
  CHECK(from_deaf.value()->Classify("You can opt out.").empty());
  // A child out of range, or an automaton cut short, is not used: the
  // automaton is built from the prefilters instead.
  std::string out_of_range = prepared.value();
  OverwriteNumber(&out_of_range, LayoutOfMatcher(out_of_range).states[0].edge_columns[0] + 1, 0xFFFF, 2);
  std::string cut = prepared.value();
  cut.pop_back();
  const std::string length_line = "\nmatcher ";
  const size_t length_at = cut.find(length_line) + length_line.size();
  const size_t length_end = cut.find('\n', length_at);
  cut.replace(length_at, length_end - length_at,
              std::to_string(std::stoul(cut.substr(length_at, length_end - length_at)) - 1));
  for (const std::string& damaged : {out_of_range, cut}) {
    auto classifier = Classifier::CreateFromJson(json, damaged);
    REQUIRE(classifier.ok());
    CHECK(classifier.value()->Classify("You can opt out.").size() == 1);
  }
}

TEST_CASE("A prepared automaton that breaks any of its rules is rebuilt, not used", "[classifier][prepared]") {
  const std::string json = OptOutPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  // Each damage is made to a deaf automaton (WithDeafAutomaton): used, it
  // would leave the clause unlabelled; refused, the automaton is rebuilt
  // and the clause is labelled.
  const std::string deaf = WithDeafAutomaton(prepared.value());
  const MatcherLayout layout = LayoutOfMatcher(deaf);
  REQUIRE(layout.states.size() > 2);
  const auto reporting = std::find_if(layout.states.begin(), layout.states.end(),
                                      [](const MatcherLayout::State& state) { return !state.atoms.empty(); });
  REQUIRE(reporting != layout.states.end());
  std::map<std::string, std::string> damaged;
  damaged["column past the row"] = deaf;
  damaged["column past the row"][layout.states[0].edge_columns.at(0)] = static_cast<char>(0xFF);
  damaged["atom past the atoms"] = deaf;
  OverwriteNumber(&damaged["atom past the atoms"], reporting->atoms[0], 0xFFFFFFFF, 4);
  damaged["a state twice"] = deaf;
  OverwriteNumber(&damaged["a state twice"], layout.states[2].number, NumberAt(deaf, layout.states[1].number, 2), 2);
  damaged["failure state not yet read"] = deaf;
  OverwriteNumber(&damaged["failure state not yet read"], layout.states[1].fail,
                  NumberAt(deaf, layout.states.back().number, 2), 2);
  damaged["a reporting state renumbered"] = deaf;
  OverwriteNumber(&damaged["a reporting state renumbered"], reporting->number, 1, 2);
  // The outputs count, one more (same digits: the section keeps its length).
  std::string& outputs = damaged["outputs miscounted"] = deaf;
  const size_t outputs_at = layout.header[5];
  REQUIRE(outputs[outputs_at] >= '1');
  REQUIRE(outputs[outputs_at] < '9');
  ++outputs[outputs_at];
  for (const auto& [what, form] : damaged) {
    INFO(what);
    REQUIRE(form != deaf);
    auto classifier = Classifier::CreateFromJson(json, form);
    REQUIRE(classifier.ok());
    CHECK(classifier.value()->Classify("You can opt out.").size() == 1);
  }
  // And the deaf automaton itself is used.
  auto from_deaf = Classifier::CreateFromJson(json, deaf);
  REQUIRE(from_deaf.ok());
  CHECK(from_deaf.value()->Classify("You can opt out.").empty());
}

// `prepared` with its flattened filter ("filter <length>\n", the bytes,
// "\n") replaced by `edit` applied to the filter's body (what follows its
// 8-byte fingerprint); with `refingerprint`, the fingerprint is remade for
// the edited body, so only the filter's own checks can tell.
std::string WithFilterEdited(const std::string& prepared, const std::function<void(std::string*)>& edit,
                             bool refingerprint) {
  const std::string section = "\nfilter ";
  const size_t at = prepared.find(section);
  REQUIRE(at != std::string::npos);
  const size_t length_at = at + section.size();
  const size_t body_at = prepared.find('\n', length_at) + 1;
  const size_t length = std::stoul(prepared.substr(length_at, body_at - 1 - length_at));
  std::string fingerprint = prepared.substr(body_at, 8);
  std::string body = prepared.substr(body_at + 8, length - 8);
  edit(&body);
  if (refingerprint) OverwriteNumber(&fingerprint, 0, WordFingerprint64(body), 8);
  return prepared.substr(0, length_at) + std::to_string(8 + body.size()) + "\n" + fingerprint + body +
         prepared.substr(body_at + length);
}

TEST_CASE("A prepared form brings the flattened filter, which is checked before it is used",
          "[classifier][prepared]") {
  const std::string json = OptOutPackJson();
  auto prepared = Classifier::Prepare(json);
  REQUIRE(prepared.ok());
  // The filter's atoms renamed ("opt" spelled "qqq"), the automaton then
  // built for them: the filter is what the classifier goes by, so the
  // clause no longer reaches the rule (a filter flattened afresh from the
  // prefilters would let it through).
  const auto rename = [](std::string* body) {
    for (size_t at = body->find("opt"); at != std::string::npos; at = body->find("opt", at)) {
      body->replace(at, 3, "qqq");
    }
  };
  const std::string renamed = WithFilterEdited(prepared.value(), rename, /*refingerprint=*/true);
  REQUIRE(renamed != prepared.value());
  auto from_renamed = Classifier::CreateFromJson(json, renamed);
  REQUIRE(from_renamed.ok());
  CHECK(from_renamed.value()->Classify("You can opt out.").empty());
  // The same renamed filter, but with bytes that do not match their
  // fingerprint, cut short, with bytes left over, or naming a node as its
  // own child, is not used: the filter is flattened from the prefilters
  // instead, and the clause reaches the rule (were the damaged filter used,
  // it would not).
  const std::vector<std::string> damaged = {
      WithFilterEdited(prepared.value(), rename, false),
      WithFilterEdited(prepared.value(), [&](std::string* body) { rename(body); body->pop_back(); }, true),
      WithFilterEdited(prepared.value(), [&](std::string* body) { rename(body); body->push_back('\0'); }, true),
      // The first atom's length past the end of the filter (counts and
      // lengths here are one byte each).
      WithFilterEdited(
          prepared.value(),
          [&](std::string* body) {
            rename(body);
            REQUIRE(static_cast<unsigned char>((*body)[1]) < body->size());
            (*body)[1] = 0x7F;
          },
          true),
      // Every 1 made 0: among others, a child one node back becomes the
      // node itself.
      WithFilterEdited(
          prepared.value(),
          [&](std::string* body) {
            rename(body);
            for (char& byte : *body) {
              if (byte == 1) byte = 0;
            }
          },
          true),
  };
  for (const std::string& form : damaged) {
    auto classifier = Classifier::CreateFromJson(json, form);
    REQUIRE(classifier.ok());
    CHECK(classifier.value()->Classify("You can opt out.").size() == 1);
  }
}

TEST_CASE("The built-in pack's stored automaton is the one loading uses", "[classifier][prepared]") {
  // A stored automaton that does not check out is quietly rebuilt (slower,
  // still right), so only a deaf one shows that the stored one is read.
  const std::string text = "You may withdraw your consent at any time.";
  auto stored = Classifier::CreateFromJson(BuiltinRulePackJson(), BuiltinPreparedRulePack());
  REQUIRE(stored.ok());
  REQUIRE_FALSE(stored.value()->Classify(text).empty());
  const std::string deaf = WithDeafAutomaton(std::string(BuiltinPreparedRulePack()));
  auto from_deaf = Classifier::CreateFromJson(BuiltinRulePackJson(), deaf);
  REQUIRE(from_deaf.ok());
  CHECK(from_deaf.value()->Classify(text).size() < stored.value()->Classify(text).size());
}

TEST_CASE("A broken pattern is still rejected, naming the rule, whatever prepared form comes along",
          "[classifier][prepared]") {
  const std::string broken =
      SmallPackJson(R"([{"id": "broken-one", "label": "choice.opt_out", "match": "opt (out", "why": "w"}])");
  auto prepared = Classifier::Prepare(broken);
  REQUIRE_FALSE(prepared.ok());
  CHECK(prepared.error().message.rfind("rule 'broken-one': match pattern does not compile", 0) == 0);
  for (std::string_view with : {std::string_view(), BuiltinPreparedRulePack()}) {
    auto classifier = Classifier::CreateFromJson(broken, with);
    REQUIRE_FALSE(classifier.ok());
    CHECK(classifier.error().message.rfind("rule 'broken-one': match pattern does not compile", 0) == 0);
  }
  auto not_json = Classifier::CreateFromJson("{", BuiltinPreparedRulePack());
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.error().message == "rule pack: not valid JSON");
}

TEST_CASE("Evidence is the span RE2 gives for the leftmost match", "[classifier]") {
  // The classifier finds a match's start without RE2's reverse program (an
  // anchored search from each earlier position); the span must be RE2's own.
  const std::vector<std::string> patterns = {
      "a|ab",          "ab|a",          "b+c",      "\\bopt(?:-| )?out\\b", "x*",
      "(?:data|da)ta", "\xC3\xA9+t",    ".{0,5}end", "[^.]*\\btrain\\w*",  "(?:\\w+\\s+){0,3}models?\\b",
      "s.*?t",         "(?m)^we keep", "end$"};
  const std::vector<std::string> texts = {
      "xxabc abbbc",        "You can opt-out or OPT OUT.", "the datata data",  "caf\xC3\xA9\xC3\xA9t \xC3\x89T",
      "we send the end",    "We train. Then retrain models.", "big language models here",
      "sat on a mat, set",  "first\nwe keep it",            "it ends at the end", "",
      // Far into a long clause: enough positions before the match that the
      // pattern then switches to RE2's own way for the rounds after.
      std::string(2500, '-') + " the data: we train ab c models, opt out, sat at the end"};
  for (const std::string& pattern : patterns) {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_never_capture(true);
    const RE2 re(pattern, options);
    REQUIRE(re.ok());
    std::string escaped;
    for (char c : pattern) {
      if (c == '\\' || c == '"') escaped += '\\';
      escaped += c == '\n' ? 'n' : c;
    }
    auto classifier = SmallPack(R"([{"id": "r", "label": "choice.opt_out", "match": ")" + escaped +
                                R"(", "why": "w"}])");
    REQUIRE(classifier.ok());
    // Three times over: a pattern that has searched long enough goes back
    // to RE2's own way of finding the start, which must agree as well.
    for (int round = 0; round < 3; ++round) {
    for (const std::string& text : texts) {
      INFO(pattern << " on " << text << ", round " << round);
      std::string_view expected;
      const bool matches = re.Match(text, 0, text.size(), RE2::UNANCHORED, &expected, 1);
      const std::vector<LabelMatch> got = classifier.value()->Classify(text);
      REQUIRE(got.size() == (matches ? 1u : 0u));
      if (!matches) continue;
      CHECK(got[0].evidence_start == expected.data() - text.data());
      CHECK(got[0].evidence_end == expected.data() - text.data() + expected.size());
    }
    }
  }
}

}  // namespace
}  // namespace fineprint
