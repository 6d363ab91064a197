#include "core/classifier.h"

#include <catch2/catch.hpp>
#include <string>

#include "core/document.h"

namespace fineprint {
namespace {

std::unique_ptr<Classifier> Builtin() {
  auto pack = ParseRulePack(BuiltinRulePackJson());
  REQUIRE(pack.ok());
  auto classifier = Classifier::Create(std::move(pack).value());
  REQUIRE(classifier.ok());
  return std::move(classifier).value();
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
}

}  // namespace
}  // namespace fineprint
