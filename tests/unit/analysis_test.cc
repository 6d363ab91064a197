#include "core/analysis.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/readers.h"

namespace fineprint {
namespace {

std::unique_ptr<Classifier> Builtin() {
  auto classifier = Classifier::Create(ParseRulePack(BuiltinRulePackJson()).value());
  REQUIRE(classifier.ok());
  return std::move(classifier).value();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST_CASE("Analysis JSON offsets slice the clause out of the Markdown as given", "[analysis]") {
  const std::string input =
      "# Policy\n\n**Third-party collaborators.** Depending on your [settings](https://x.com/s), "
      "we may share your information with third parties. If you do not opt out, the recipients "
      "may use it to train their artificial intelligence models.\n";
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  auto json = nlohmann::json::parse(AnalysisToJson(analysis.value(), input));
  CHECK(json["schema"] == "fineprint.analysis/1");
  CHECK(json["document"]["format"] == "markdown");
  bool found = false;
  for (const auto& clause : json["clauses"]) {
    const std::string source = input.substr(clause["start"].get<size_t>(),
                                            clause["end"].get<size_t>() - clause["start"].get<size_t>());
    if (clause["text"].get<std::string>().find("train their") != std::string::npos) {
      found = true;
      CHECK(source == clause["text"].get<std::string>());
      std::vector<std::string> ids;
      for (const auto& label : clause["labels"]) ids.push_back(label["id"]);
      CHECK(std::find(ids.begin(), ids.end(), "ai_training.third_party") != ids.end());
      CHECK(std::find(ids.begin(), ids.end(), "choice.default_on") != ids.end());
    }
    if (clause["text"] == "Policy") CHECK(clause["labels"].empty());  // headings carry none
  }
  CHECK(found);
}

TEST_CASE("UTF-16 offsets count emoji as two units", "[analysis]") {
  const std::string input = "😀 We keep cookies for up to 13 months.\n日本語のテキスト。\n";
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kPlainText, *classifier);
  REQUIRE(analysis.ok());
  auto bytes = nlohmann::json::parse(AnalysisToJson(analysis.value(), input, OffsetUnit::kUtf8Bytes));
  auto units = nlohmann::json::parse(AnalysisToJson(analysis.value(), input, OffsetUnit::kUtf16CodeUnits));
  REQUIRE(bytes["clauses"].size() == units["clauses"].size());
  CHECK(units["document"]["offsets"] == "utf16");
  // "😀 We keep..." starts at 0 either way; the Japanese line starts after
  // 4+1+35 bytes+newline in UTF-8 but 2+1+35+1 code units in UTF-16.
  const auto& last_bytes = bytes["clauses"].back();
  const auto& last_units = units["clauses"].back();
  CHECK(last_bytes["text"] == "日本語のテキスト。");
  CHECK(last_bytes["start"].get<int>() - last_units["start"].get<int>() == 2);
  CHECK(last_bytes["end"].get<int>() - last_bytes["start"].get<int>() == 27);
  CHECK(last_units["end"].get<int>() - last_units["start"].get<int>() == 9);
}

TEST_CASE("The X Nov 2024 privacy policy: the third-party AI clause is found", "[analysis][corpus]") {
  const std::string input =
      ReadFile(std::string(FINEPRINT_CORPUS_DIR) + "/policies/x-twitter/privacy-policy/2024-11-16.md");
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  int hits = 0;
  for (const AnalyzedClause& clause : analysis.value().clauses) {
    if (analysis.value().ClauseText(clause).find("to train their artificial intelligence models") ==
        std::string_view::npos) {
      continue;
    }
    ++hits;
    std::vector<std::string> ids;
    for (const LabelMatch& match : clause.labels) ids.push_back(match.label);
    CHECK(std::find(ids.begin(), ids.end(), "ai_training.third_party") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), "choice.default_on") != ids.end());
  }
  CHECK(hits == 1);
}

TEST_CASE("Bad input is an error, empty input an empty analysis", "[analysis]") {
  auto classifier = Builtin();
  CHECK_FALSE(AnalyzeInput(std::string("a\0b", 3), DocumentFormat::kPlainText, *classifier).ok());
  CHECK_FALSE(AnalyzeInput("ok \xff", DocumentFormat::kHtml, *classifier).ok());
  auto empty = AnalyzeInput("", DocumentFormat::kMarkdown, *classifier);
  REQUIRE(empty.ok());
  CHECK(empty.value().clauses.empty());
}

TEST_CASE("Notes name the service and use slots; findings see the whole document", "[analysis]") {
  const std::string input =
      "# Zoom Privacy Policy\n\n"
      "We share information with our partners and service providers.\n\n"
      "We use your content to train our artificial intelligence models.\n\n"
      "We keep cookies for up to 30 days.\n\n"
      "We keep other data for as long as necessary.\n\n"
      "We may change this policy from time to time.\n\n"
      "Advertisers may receive your data.\n";
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  CHECK(analysis.value().service == "Zoom");
  auto json = nlohmann::json::parse(AnalysisToJson(analysis.value(), input));
  CHECK(json["document"]["service"] == "Zoom");
  bool retention = false;
  for (const auto& clause : json["clauses"]) {
    for (const auto& label : clause["labels"]) {
      CHECK(label.contains("note"));
      CHECK(label.contains("severity"));
      if (label["id"] == "retention.fixed_period") {
        retention = true;
        CHECK(label["note"] == "Zoom keeps this data for up to 30 days.");
        CHECK(label["severity"] == "good");  // short and concrete
        CHECK(label["slots"]["duration_days"] == 30.0);
      }
    }
  }
  CHECK(retention);
  std::vector<std::string> findings;
  for (const auto& finding : json["findings"]) findings.push_back(finding["id"]);
  // AI training with no opt-out described anywhere.
  CHECK(std::find(findings.begin(), findings.end(), "ai_training_no_opt_out") != findings.end());
  // A concrete period exists, so this one must not fire.
  CHECK(std::find(findings.begin(), findings.end(), "no_concrete_retention") == findings.end());
  CHECK(json["examples"].contains("ai_training.first_party"));
}

TEST_CASE("A news article or an empty page yields no findings", "[analysis]") {
  auto classifier = Builtin();
  const std::string news =
      "# Storm hits the coast\n\nA storm reached the coast on Monday. Trains were cancelled. "
      "Researchers trained a new AI model to predict floods, the university said. "
      "The council said schools would open again on Wednesday.\n";
  for (const std::string& input : {news, std::string()}) {
    auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
    REQUIRE(analysis.ok());
    CHECK(analysis.value().findings.empty());
    // No false alarms either: training a model on weather data is not
    // training on users' data.
    for (const AnalyzedClause& clause : analysis.value().clauses) CHECK(clause.labels.empty());
    auto json = nlohmann::json::parse(AnalysisToJson(analysis.value(), input));
    CHECK(json["findings"].empty());
  }
}

TEST_CASE("ServiceName strips the document kind from the title", "[analysis]") {
  Document document;
  document.title = "X Privacy Policy";
  CHECK(ServiceName(document) == "X");
  document.title = "Terms of Service | Zoom";
  CHECK(ServiceName(document) == "Zoom");
  document.title = "Privacy Policy";
  CHECK(ServiceName(document).empty());
}

TEST_CASE("X's Nov 2024 privacy policy: AI training on by default, an opt-out described", "[analysis][corpus]") {
  const std::string input =
      ReadFile(std::string(FINEPRINT_CORPUS_DIR) + "/policies/x-twitter/privacy-policy/2024-11-16.md");
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  CHECK(analysis.value().service == "X");
  std::vector<std::string> ids;
  for (const Finding& finding : analysis.value().findings) {
    ids.push_back(finding.rule->id);
    for (uint32_t index : finding.clauses) CHECK(index < analysis.value().clauses.size());
  }
  CHECK(std::find(ids.begin(), ids.end(), "ai_training_default_on") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "ai_training_no_opt_out") == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "no_retention_statement") == ids.end());
  // The third-party clause's note names X and says who may train.
  bool noted = false;
  for (const AnalyzedClause& clause : analysis.value().clauses) {
    for (size_t k = 0; k < clause.labels.size(); ++k) {
      if (clause.labels[k].label != "ai_training.third_party") continue;
      noted = true;
      CHECK(clause.notes[k].text.rfind("X may give your data to", 0) == 0);
      CHECK(clause.notes[k].severity == "alert");
    }
  }
  CHECK(noted);
}

TEST_CASE("Table-of-contents entries get no labels; the section they name does", "[analysis]") {
  auto classifier = Builtin();
  const std::string input =
      "# Privacy Policy\n\n"
      "*   [8\\. Changes To This Privacy Policy](#chapter8)\n"
      "*   [We may share your personal information with advertisers](#sharing)\n\n"
      "## 8. Changes To This Privacy Policy\n\n"
      "We may revise this Privacy Policy from time to time and will notify you of changes.\n";
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  int labelled = 0;
  for (const AnalyzedClause& clause : analysis.value().clauses) {
    const Block& block = analysis.value().document.blocks[clause.span.block_index];
    if (block.navigation) CHECK(clause.labels.empty());
    if (!clause.labels.empty()) {
      ++labelled;
      CHECK(block.text.rfind("We may revise", 0) == 0);
    }
  }
  CHECK(labelled == 1);
}

}  // namespace
}  // namespace fineprint
