#include "core/analysis.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/readers.h"

namespace fineprint {
namespace {

std::unique_ptr<Classifier> Builtin() {
  auto classifier = Classifier::Load("");
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

TEST_CASE("Labelled-only JSON lists the labelled clauses with their indexes, findings unchanged", "[analysis]") {
  const std::string input =
      "# Privacy 🔒\n\nWe publish a blog.\n\nWe may use your posts to train our artificial intelligence "
      "models.\n\nWe like cats.\n\nLogs are kept for up to 18 months.\n";
  auto classifier = Builtin();
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  REQUIRE(analysis.ok());
  const auto all = nlohmann::json::parse(
      AnalysisToJson(analysis.value(), input, OffsetUnit::kUtf16CodeUnits, -1, ClauseListing::kAll));
  const auto labelled = nlohmann::json::parse(
      AnalysisToJson(analysis.value(), input, OffsetUnit::kUtf16CodeUnits, -1, ClauseListing::kLabelledOnly));
  std::vector<size_t> expected_indexes;
  for (size_t i = 0; i < all["clauses"].size(); ++i) {
    if (!all["clauses"][i]["labels"].empty()) expected_indexes.push_back(i);
  }
  REQUIRE(expected_indexes.size() >= 2);
  REQUIRE(expected_indexes.size() < all["clauses"].size());
  REQUIRE(labelled["clauses"].size() == expected_indexes.size());
  for (size_t k = 0; k < expected_indexes.size(); ++k) {
    auto listed = labelled["clauses"][k];
    CHECK(listed["index"] == expected_indexes[k]);
    listed.erase("index");
    CHECK(listed == all["clauses"][expected_indexes[k]]);
  }
  CHECK(all["clauses"][0].count("index") == 0);
  CHECK(labelled["document"] == all["document"]);
  CHECK(labelled["findings"] == all["findings"]);
  CHECK(labelled["examples"] == all["examples"]);
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

Document Titled(const std::string& title) {
  Document document;
  document.title = title;
  return document;
}

TEST_CASE("ServiceName strips the document kind from the title", "[analysis]") {
  CHECK(ServiceName(Titled("X Privacy Policy")) == "X");
  CHECK(ServiceName(Titled("Terms of Service | Zoom")) == "Zoom");
  CHECK(ServiceName(Titled("Zoom - Terms")) == "Zoom");
  CHECK(ServiceName(Titled("Privacy Policy \xE2\x80\x93 Privacy & Terms \xE2\x80\x93 Google")) == "Google");
  CHECK(ServiceName(Titled("Terms of Service for Zoom")) == "Zoom");
  CHECK(ServiceName(Titled("Reddit User Agreement")) == "Reddit");
  CHECK(ServiceName(Titled("Discord's Privacy Policy")) == "Discord");
  CHECK(ServiceName(Titled("The New York Times Terms of Service")) == "The New York Times");
  // Where a version applies is not whose it is.
  CHECK(ServiceName(Titled("LinkedIn European Regional Privacy Notice")) == "LinkedIn");
  CHECK(ServiceName(Titled("Europe privacy policy")).empty());
  CHECK(ServiceName(Titled("Privacy Policy")).empty());
  CHECK(ServiceName(Titled("Developer terms")).empty());
  CHECK(ServiceName(Titled("Our Privacy Policy")).empty());
  CHECK(ServiceName(Titled("")).empty());
}

TEST_CASE("ServiceName ignores a title that names no kind of document", "[analysis]") {
  // Headings the readers took for the title (Google's, Meta's and the New
  // York Times' pages in the corpus).
  for (const char* heading : {"Contents", "Table of Contents", "Europe", "Introduction", "Overview",
                              "How to manage the info we use"}) {
    INFO(heading);
    CHECK(ServiceName(Titled(heading)).empty());
  }
  // A sentence that mentions terms is no name either.
  CHECK(ServiceName(Titled("PLEASE READ THESE TERMS CAREFULLY BEFORE USING THE SERVICES")).empty());
}

TEST_CASE("ServiceName reads plain text's first line as its title", "[analysis]") {
  Document document = ReadDocument("Zoom Terms of Service\n\nWe may share your data.\n",
                                   DocumentFormat::kPlainText).value();
  CHECK(ServiceName(document) == "Zoom");
  document = ReadDocument("Contents\n\nWe may share your data.\n", DocumentFormat::kPlainText).value();
  CHECK(ServiceName(document).empty());
}

TEST_CASE("HostOfUrl takes the host out of a URL or a bare host", "[analysis]") {
  CHECK(HostOfUrl("https://help.x.com/en/rules-and-policies?lang=en#top") == "help.x.com");
  CHECK(HostOfUrl("HTTPS://User:pw@WWW.Facebook.COM:443/privacy/policy/") == "www.facebook.com");
  CHECK(HostOfUrl("https://x.com.") == "x.com");
  CHECK(HostOfUrl("  zoom.us/terms ") == "zoom.us");
  CHECK(HostOfUrl("zoom.us:8443/terms") == "zoom.us");
  CHECK(HostOfUrl("www.linkedin.com") == "www.linkedin.com");
  for (const char* none : {"", "about:blank", "file:///home/me/policy.html", "mailto:privacy@x.com",
                           "data:text/html,<p>x</p>", "http://[::1]/privacy", "https://exa mple.com/"}) {
    INFO(none);
    CHECK(HostOfUrl(none).empty());
  }
}

TEST_CASE("ServiceName names a known host's service, whatever the title", "[analysis]") {
  const Document untitled = Titled("Terms of Service");
  CHECK(ServiceName(untitled, "https://x.com/en/tos") == "X");
  CHECK(ServiceName(untitled, "https://help.x.com/en/rules-and-policies") == "X");
  CHECK(ServiceName(untitled, "https://developer.x.com/en/developer-terms/agreement-and-policy") == "X");
  CHECK(ServiceName(untitled, "https://twitter.com/en/privacy") == "X");
  CHECK(ServiceName(untitled, "https://www.facebook.com/privacy/policy/") == "Meta");
  CHECK(ServiceName(untitled, "https://privacycenter.instagram.com/policy") == "Instagram");
  CHECK(ServiceName(untitled, "https://openai.com/policies/eu-privacy-policy/") == "OpenAI");
  CHECK(ServiceName(untitled, "https://policies.google.com/privacy") == "Google");
  CHECK(ServiceName(untitled, "https://explore.zoom.us/en/terms/") == "Zoom");
  CHECK(ServiceName(untitled, "https://www.redditinc.com/policies/user-agreement") == "Reddit");
  CHECK(ServiceName(untitled, "https://help.nytimes.com/hc/en-us/articles/115014893428") == "The New York Times");
  // The host wins over a title that names the service otherwise.
  CHECK(ServiceName(Titled("Twitter Privacy Policy"), "https://x.com/en/privacy") == "X");
  CHECK(ServiceName(Titled("Contents"), "https://policies.google.com/privacy") == "Google");
  // Whole labels only: spacex.com is not x.com.
  CHECK(ServiceName(untitled, "https://www.spacex.com/legal") == "Spacex");
}

TEST_CASE("ServiceName falls back on the title, then on the domain", "[analysis]") {
  // An unknown host: the title names the service when it can.
  CHECK(ServiceName(Titled("Acme Privacy Policy"), "https://legal.acme-corp.com/privacy") == "Acme");
  // Otherwise the registrable domain does.
  CHECK(ServiceName(Titled("Contents"), "https://www.example.com/privacy") == "Example");
  CHECK(ServiceName(Titled("Privacy Policy"), "https://shop.example.co.uk/privacy") == "Example");
  CHECK(ServiceName(Titled(""), "https://bbc.co.uk/terms") == "Bbc");
  // Nothing to go on: notes say "this service".
  for (const char* url : {"", "http://localhost:8080/privacy", "http://192.168.1.10/terms", "about:blank",
                          "file:///tmp/policy.md"}) {
    INFO(url);
    CHECK(ServiceName(Titled("Contents"), url).empty());
  }
}

TEST_CASE("The source URL names the service in notes and in the JSON", "[analysis]") {
  const std::string input =
      "# Contents\n\n"
      "We may share your posts with third parties, who may use them to train their artificial "
      "intelligence models.\n\n"
      "We keep cookies for up to 30 days.\n";
  auto classifier = Builtin();
  auto untitled = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier);
  auto named = AnalyzeInput(input, DocumentFormat::kMarkdown, *classifier, "https://help.x.com/en/privacy");
  REQUIRE(untitled.ok());
  REQUIRE(named.ok());
  CHECK(untitled.value().service.empty());
  CHECK(named.value().service == "X");
  auto plain = nlohmann::json::parse(AnalysisToJson(untitled.value(), input));
  auto json = nlohmann::json::parse(AnalysisToJson(named.value(), input));
  CHECK(json["document"]["service"] == "X");
  bool retention = false;
  for (size_t i = 0; i < json["clauses"].size(); ++i) {
    const auto& labels = json["clauses"][i]["labels"];
    for (size_t k = 0; k < labels.size(); ++k) {
      if (labels[k]["id"] != "retention.fixed_period") continue;
      retention = true;
      CHECK(labels[k]["note"] == "X keeps this data for up to 30 days.");
      CHECK(plain["clauses"][i]["labels"][k]["note"] == "This service keeps this data for up to 30 days.");
    }
  }
  CHECK(retention);
  // The URL changes only who the notes name: every clause, label and
  // finding is the same, and X's own excerpts leave the examples.
  for (auto* analysis : {&plain, &json}) {
    (*analysis)["document"].erase("service");
    analysis->erase("examples");
    for (auto& clause : (*analysis)["clauses"]) {
      for (auto& label : clause["labels"]) label.erase("note");
    }
  }
  CHECK(plain == json);
}

// The "examples" object for a policy with AI-training, opt-out and
// retention clauses under `title`, as {label: [service, ...]}.
std::map<std::string, std::vector<std::string>> ExampleServices(const Classifier& classifier,
                                                                const std::string& title) {
  const std::string input =
      "# " + title + "\n\n"
      "We use your content to train our artificial intelligence models.\n\n"
      "We may share your information with third parties. If you do not opt out, the recipients "
      "may use it to train their artificial intelligence models.\n\n"
      "You can opt out of this in your settings.\n\n"
      "We keep cookies for up to 30 days.\n\n"
      "After you delete your account, we keep some data for up to 90 days.\n";
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, classifier);
  REQUIRE(analysis.ok());
  const auto json = nlohmann::json::parse(AnalysisToJson(analysis.value(), input));
  std::map<std::string, std::vector<std::string>> services;
  for (const auto& [label, entries] : json["examples"].items()) {
    for (const auto& entry : entries) services[label].push_back(entry["service"]);
  }
  return services;
}

// What the examples for an unrelated service ("Zoom") show, without `own`.
std::map<std::string, std::vector<std::string>> Without(
    std::map<std::string, std::vector<std::string>> services, const std::set<std::string>& own) {
  for (auto it = services.begin(); it != services.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const std::string& service) { return own.count(service) > 0; }),
               list.end());
    it = list.empty() ? services.erase(it) : std::next(it);
  }
  return services;
}

TEST_CASE("Examples from other platforms leave out the document's own service", "[analysis]") {
  auto classifier = Builtin();
  const auto others = ExampleServices(*classifier, "Zoom Privacy Policy");
  // The fixture reaches labels whose examples include X's and Meta's own.
  REQUIRE(others.count("ai_training.third_party") == 1);
  REQUIRE(std::count(others.at("ai_training.third_party").begin(),
                     others.at("ai_training.third_party").end(), "X") == 1);
  REQUIRE(Without(others, {"Meta"}) != others);

  for (const std::string title : {"X Privacy Policy", "X (Twitter) Privacy Policy",
                                   "Twitter Privacy Policy", "Privacy Policy | x.com"}) {
    INFO(title);
    CHECK(ExampleServices(*classifier, title) == Without(others, {"X"}));
  }
  for (const std::string title : {"Meta Privacy Policy", "Instagram Privacy Policy",
                                   "Meta Facebook Privacy Policy", "Privacy Policy | Meta AI"}) {
    INFO(title);
    CHECK(ExampleServices(*classifier, title) == Without(others, {"Meta"}));
  }
  // Whole words only: SpaceX is not X.
  CHECK(ExampleServices(*classifier, "SpaceX Privacy Policy") == others);
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
  // "If you do not opt out, ... to train their artificial intelligence
  // models" says where only through the sentence before it: "Depending on
  // your [settings](https://x.com/settings/account), ...". The link is the
  // place, so the opt-out is not reported as saying nowhere.
  CHECK(std::find(ids.begin(), ids.end(), "opt_out_without_where") == ids.end());
  bool linked = false;
  for (const AnalyzedClause& clause : analysis.value().clauses) {
    if (analysis.value().ClauseText(clause).rfind("Depending on your settings, or if you decide", 0) != 0) continue;
    for (const SlotValue& slot : clause.slots) {
      linked = linked || (slot.name == "opt_out_where" && slot.value == "https://x.com/settings/account");
    }
  }
  CHECK(linked);
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

TEST_CASE("ResolveUrl resolves a page's links as a browser does", "[analysis]") {
  const std::string page = "https://www.example.com/en/legal/privacy?lang=en#top";
  CHECK(ResolveUrl(page, "/settings/ads") == "https://www.example.com/settings/ads");
  CHECK(ResolveUrl(page, "choices") == "https://www.example.com/en/legal/choices");
  CHECK(ResolveUrl(page, "../../account/privacy?tab=ads#x") == "https://www.example.com/account/privacy?tab=ads#x");
  CHECK(ResolveUrl(page, "./a/../b/.") == "https://www.example.com/en/legal/b/");
  CHECK(ResolveUrl(page, "../../../../up") == "https://www.example.com/up");
  CHECK(ResolveUrl(page, "//accounts.example.com/prefs") == "https://accounts.example.com/prefs");
  CHECK(ResolveUrl(page, "?tab=2") == "https://www.example.com/en/legal/privacy?tab=2");
  CHECK(ResolveUrl(page, "#s2") == "https://www.example.com/en/legal/privacy?lang=en#s2");
  CHECK(ResolveUrl("HTTP://Example.com", "prefs") == "HTTP://Example.com/prefs");
  // Left as given: a reference with a scheme, or a base that is no web page.
  CHECK(ResolveUrl(page, "mailto:privacy@example.com") == "mailto:privacy@example.com");
  CHECK(ResolveUrl(page, "https://other.example/x") == "https://other.example/x");
  CHECK(ResolveUrl("file:///tmp/policy.html", "/settings") == "/settings");
  CHECK(ResolveUrl("", "/settings") == "/settings");
}

TEST_CASE("A page's relative link to its settings is where to opt out, given the page's URL", "[analysis]") {
  const std::string html =
      "<p>You can opt out of personalised ads <a href=\"/account/ad-settings\">here</a>.</p>";
  auto classifier = Builtin();
  auto where = [&](const std::string& url) {
    auto analysis = AnalyzeInput(html, DocumentFormat::kHtml, *classifier, url);
    REQUIRE(analysis.ok());
    for (const AnalyzedClause& clause : analysis.value().clauses) {
      for (const SlotValue& slot : clause.slots) {
        if (slot.name == "opt_out_where") return slot.value;
      }
    }
    return std::string("-");
  };
  CHECK(where("https://shop.example.com/help/privacy") == "https://shop.example.com/account/ad-settings");
  CHECK(where("") == "-");  // no URL, no address to give
}

TEST_CASE("Link probe reviews: where to opt out, read from a link, keeps the reviewers' verdicts", "[analysis]") {
  // tests/data/probes/README.md, "links.tsv": opt-out sentences with a link,
  // each read as a document of its own, and the place it must give ("-" for
  // none: a place a review found wrong, or rightly none).
  std::ifstream file(std::string(FINEPRINT_SOURCE_DIR) + "/tests/data/probes/links.tsv");
  REQUIRE(file);
  auto classifier = Builtin();
  size_t rows = 0, places = 0;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
    REQUIRE(fields.size() == 4);
    ++rows;
    places += fields[2] != "-";
    auto analysis = AnalyzeInput(fields[3], DocumentFormat::kMarkdown, *classifier);
    REQUIRE(analysis.ok());
    std::string where = "-";
    for (const AnalyzedClause& clause : analysis.value().clauses) {
      for (const SlotValue& slot : clause.slots) {
        if (slot.name == "opt_out_where" && where == "-") where = slot.value;
      }
    }
    INFO(fields[0] << " " << fields[1] << ": " << fields[3]);
    CHECK(where == fields[2]);
  }
  CHECK(rows >= 250);
  CHECK(places >= 150);
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
