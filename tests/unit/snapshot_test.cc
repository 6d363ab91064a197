#include "core/snapshot.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <functional>
#include <string>
#include <tuple>

#include "core/analysis.h"
#include "core/change_summary.h"
#include "core/classifier.h"
#include "core/readers.h"
#include "core/rule_pack.h"

namespace fineprint {
namespace {

const Classifier& Builtin() {
  static const std::unique_ptr<Classifier> classifier = [] {
    auto pack = ParseRulePack(BuiltinRulePackJson());
    REQUIRE(pack.ok());
    auto created = Classifier::Create(std::move(pack).value());
    REQUIRE(created.ok());
    return std::move(created).value();
  }();
  return *classifier;
}

std::string ReadCorpus(const std::string& relative) {
  std::ifstream in(std::string(FINEPRINT_CORPUS_DIR) + "/" + relative, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

Snapshot SnapshotOf(const std::string& input, DocumentFormat format, const std::string& date = "2025-01-01") {
  auto analysis = AnalyzeInput(input, format, Builtin());
  REQUIRE(analysis.ok());
  return MakeSnapshot(analysis.value(), date);
}

constexpr char kPolicy[] =
    "# Example Privacy Policy\n\n"
    "## 1. What we collect\n\n"
    "We collect your name and email address. We keep cookies for up to 13 months.\n\n"
    "* If you do not opt out, our partners may use it to train their artificial intelligence models.\n"
    "* You can opt out in your \xE2\x80\x9CPrivacy\xE2\x80\x9D settings.\n";

TEST_CASE("A snapshot round-trips through JSON", "[snapshot]") {
  const Snapshot snapshot = SnapshotOf(kPolicy, DocumentFormat::kMarkdown);
  REQUIRE(snapshot.clauses.size() >= 5);
  const std::string json = SnapshotToJson(snapshot);
  CHECK(json.rfind("{\"schema\":\"fineprint.snapshot/1\"", 0) == 0);
  CHECK(LooksLikeSnapshot(json));
  auto loaded = ParseSnapshot(json);
  REQUIRE(loaded.ok());
  const Snapshot& back = loaded.value();
  CHECK(back.date == "2025-01-01");
  CHECK(back.title == snapshot.title);
  CHECK(back.format == DocumentFormat::kMarkdown);
  CHECK(back.source_size == snapshot.source_size);
  CHECK(back.rules_version == Builtin().pack().version);
  CHECK(back.rules_fingerprint == Builtin().pack().fingerprint);
  CHECK(back.rules_fingerprint.size() == 16);
  REQUIRE(back.clauses.size() == snapshot.clauses.size());
  for (size_t i = 0; i < back.clauses.size(); ++i) {
    INFO("clause " << i);
    CHECK(back.clauses[i].text == snapshot.clauses[i].text);
    CHECK(back.clauses[i].kind == snapshot.clauses[i].kind);
    CHECK(back.clauses[i].block_start == snapshot.clauses[i].block_start);
    CHECK(back.clauses[i].block_level == snapshot.clauses[i].block_level);
    CHECK(back.clauses[i].table == snapshot.clauses[i].table);
    CHECK(back.clauses[i].table_header == snapshot.clauses[i].table_header);
    CHECK(back.clauses[i].source_start == snapshot.clauses[i].source_start);
    CHECK(back.clauses[i].source_end == snapshot.clauses[i].source_end);
    CHECK(back.clauses[i].labels == snapshot.clauses[i].labels);
    CHECK(back.clauses[i].durations.size() == snapshot.clauses[i].durations.size());
  }
  CHECK(SnapshotToJson(back) == json);
  // Typography is normalised in what is stored.
  CHECK(json.find("\\\"Privacy\\\"") != std::string::npos);
}

TEST_CASE("A snapshot keeps labels and durations of labelled clauses", "[snapshot]") {
  const Snapshot snapshot = SnapshotOf(kPolicy, DocumentFormat::kMarkdown);
  bool third_party = false, cookies = false;
  for (const SnapshotClause& clause : snapshot.clauses) {
    if (clause.text.find("train their artificial intelligence") != std::string::npos) {
      third_party = std::find(clause.labels.begin(), clause.labels.end(), "ai_training.third_party") !=
                    clause.labels.end();
    }
    if (clause.text.find("13 months") != std::string::npos) {
      REQUIRE(clause.durations.size() == 1);
      CHECK(clause.text.substr(clause.durations[0].start, clause.durations[0].end - clause.durations[0].start) ==
            "up to 13 months");
      CHECK(clause.durations[0].bound == DurationBound::kAtMost);
      cookies = true;
    }
  }
  CHECK(third_party);
  CHECK(cookies);
}

TEST_CASE("Snapshots are at most 1.2x the document's plain text", "[snapshot]") {
  for (const char* path : {"policies/x-twitter/privacy-policy/2024-11-16.md",
                           "policies/meta-facebook/privacy-policy/2025-05-28.md",
                           "policies/zoom/terms-of-service/2023-08-11.md",
                           "policies/x-twitter/developer-agreement/2025-06-04.md",
                           "policies/google/privacy-policy/2023-06-29.md"}) {
    const std::string input = ReadCorpus(path);
    REQUIRE(!input.empty());
    const Snapshot snapshot = SnapshotOf(input, DocumentFormat::kMarkdown);
    const size_t size = SnapshotToJson(snapshot).size();
    INFO(path << ": snapshot " << size << " bytes, plain text " << snapshot.text_size);
    CHECK(snapshot.text_size > 0);
    CHECK(size <= snapshot.text_size * 12 / 10);
  }
}

TEST_CASE("An empty document has a valid, empty snapshot", "[snapshot]") {
  const Snapshot snapshot = SnapshotOf("", DocumentFormat::kMarkdown);
  CHECK(snapshot.clauses.empty());
  auto loaded = ParseSnapshot(SnapshotToJson(snapshot));
  REQUIRE(loaded.ok());
  CHECK(loaded.value().clauses.empty());
}

std::string ErrorOf(const std::string& json) {
  auto loaded = ParseSnapshot(json);
  REQUIRE_FALSE(loaded.ok());
  return loaded.error().message;
}

TEST_CASE("Corrupt snapshots are reported, never repaired", "[snapshot]") {
  const std::string good = SnapshotToJson(SnapshotOf(kPolicy, DocumentFormat::kMarkdown));
  using nlohmann::json;
  const json parsed = json::parse(good);
  auto edit = [&](const std::function<void(json&)>& change) {
    json copy = parsed;
    change(copy);
    return copy.dump();
  };

  CHECK(ErrorOf("").rfind("corrupt snapshot: empty", 0) == 0);
  CHECK(ErrorOf(good.substr(0, good.size() / 2)).rfind("corrupt snapshot: not valid JSON", 0) == 0);
  CHECK(ErrorOf("[1, 2]") == "corrupt snapshot: top level must be an object");
  CHECK(ErrorOf(edit([](json& j) { j["schema"] = "fineprint.analysis/1"; })).rfind("corrupt snapshot: schema", 0) == 0);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["text"][2] = "We collect nothing at all."; })) ==
        "corrupt snapshot: clause 2 does not match its hash (text altered or damaged)");
  CHECK(ErrorOf(edit([](json& j) { j["rules"]["fingerprint"] = 7; })).find("\"fingerprint\"") != std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["kind"] = "P"; })).find("\"kind\" has 1 entries") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) {
          std::string kinds = j["clauses"]["kind"];
          kinds[0] = 'x';
          j["clauses"]["kind"] = kinds;
        })).find("unknown kind 'x'") != std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["labels"][0][1] = 99; })).find("label index out of range") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["span"][0] = 100000000; })).find("span ends past the document") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["span"][1] = -100000; })).find("negative length") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["durations"][0][2] = 100000; })).find("a duration is") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["document"]["hash"] = "0000000000000000"; })).find("document hash does not match") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["document"].erase("title"); })) == "corrupt snapshot: missing \"title\"");
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["text"] = 7; })) == "corrupt snapshot: \"text\" must be a list");
  // Dropping a whole clause (text, kind, span, hash consistently) is caught
  // by the document hash.
  CHECK(ErrorOf(edit([](json& j) {
          j["clauses"]["text"].erase(j["clauses"]["text"].size() - 1);
          std::string kinds = j["clauses"]["kind"];
          j["clauses"]["kind"] = kinds.substr(0, kinds.size() - 1);
          j["clauses"]["span"].erase(j["clauses"]["span"].size() - 1);
          j["clauses"]["span"].erase(j["clauses"]["span"].size() - 1);
          std::string hashes = j["clauses"]["hash"];
          j["clauses"]["hash"] = hashes.substr(0, hashes.size() - 4);
          j["clauses"]["labels"] = json::array();
          j["clauses"]["slots"] = json::array();
          j["clauses"]["durations"] = json::array();
          j["clauses"].erase("place");
        })).find("document hash does not match") != std::string::npos);
  // "place" must describe the blocks exactly.
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["place"] = 7; })) == "corrupt snapshot: \"place\" must be a string");
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["place"] = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"; }))
            .find("\"place\" is longer than the blocks") != std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["place"] = "C"; })).find("\"place\" lacks a level") !=
        std::string::npos);
  CHECK(ErrorOf(edit([](json& j) { j["clauses"]["place"] = "B*BB"; })).find("\"place\" lacks a level") !=
        std::string::npos);
}

TEST_CASE("Snapshot versions: newer refused, older migrated", "[snapshot]") {
  const std::string good = SnapshotToJson(SnapshotOf(kPolicy, DocumentFormat::kMarkdown));
  nlohmann::json newer = nlohmann::json::parse(good);
  newer["schema"] = "fineprint.snapshot/2";
  CHECK(ErrorOf(newer.dump()) == "unsupported snapshot: version 2 is newer than this build reads (1)");

  // A hypothetical version 0 that called "clauses" "items": no step is
  // built in, so it is refused; with a step it loads.
  nlohmann::json older = nlohmann::json::parse(good);
  older["schema"] = "fineprint.snapshot/0";
  older["items"] = older["clauses"];
  older.erase("clauses");
  CHECK(ErrorOf(older.dump()) == "unsupported snapshot: no migration from version 0");
  std::map<int, SnapshotMigration> steps;
  steps[0] = [](nlohmann::json& j) -> Expected<bool> {
    if (!j.contains("items")) return Error{"no items"};
    j["clauses"] = j["items"];
    j.erase("items");
    return true;
  };
  auto migrated = ParseSnapshot(older.dump(), steps);
  REQUIRE(migrated.ok());
  CHECK(migrated.value().clauses.size() == nlohmann::json::parse(good)["clauses"]["text"].size());
  nlohmann::json broken = older;
  broken.erase("items");
  auto failed = ParseSnapshot(broken.dump(), steps);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "corrupt snapshot: cannot migrate from version 0: no items");
  CHECK(BuiltinSnapshotMigrations().empty());
}

// A snapshot as builds wrote it before snapshots kept the service (no
// "service" in "document"), verbatim from `fineprint snapshot` of that time.
constexpr char kSnapshotWithoutService[] = R"({"schema":"fineprint.snapshot/1","date":"2024-01-02","document":{"title":"Privacy Policy","format":"markdown","bytes":107,"text_bytes":102,"hash":"f836418c2e8895b5"},"rules":{"language":"en","version":"0.2.0"},"labels":["retention.fixed_period"],"clauses":{"text":["Privacy Policy","We keep cookies for up to 13 months.","We collect the name and email address you give us."],"kind":"HPP","span":[2,0,2,0,2,0],"hash":"7ZQ_TRKPzm_W","labels":[[1,0]],"slots":[[1,"duration","up to 13 months"]],"durations":[[1,20,35,395.4167,"<"]]}})";

TEST_CASE("A snapshot keeps the service its analysis named", "[snapshot]") {
  // X's terms are titled "Terms of Service": only the address names X.
  const std::string input = ReadCorpus("policies/x-twitter/terms-of-service/2024-11-16.md");
  REQUIRE(!input.empty());
  auto analysis = AnalyzeInput(input, DocumentFormat::kMarkdown, Builtin(),
                               "https://help.x.com/en/rules-and-policies/x-tos");
  REQUIRE(analysis.ok());
  const Snapshot named = MakeSnapshot(analysis.value(), "2024-11-16");
  CHECK(named.service == "X");
  CHECK(named.service == analysis.value().service);
  const std::string json = SnapshotToJson(named);
  CHECK(json.find("\"document\":{\"title\":\"Terms of Service\",\"service\":\"X\",") != std::string::npos);
  auto loaded = ParseSnapshot(json);
  REQUIRE(loaded.ok());
  CHECK(loaded.value().service == "X");
  CHECK(SnapshotToJson(loaded.value()) == json);

  // Without the address nothing names it, and nothing is written.
  const Snapshot unnamed = SnapshotOf(input, DocumentFormat::kMarkdown);
  CHECK(unnamed.service.empty());
  CHECK(SnapshotToJson(unnamed).find("\"service\"") == std::string::npos);
  // A title that names it is enough.
  CHECK(SnapshotOf(kPolicy, DocumentFormat::kMarkdown).service == "Example");

  nlohmann::json damaged = nlohmann::json::parse(json);
  damaged["document"]["service"] = 7;
  CHECK(ErrorOf(damaged.dump()) == "corrupt snapshot: \"service\" must be a string");
}

TEST_CASE("Snapshots from before the service was kept still load", "[snapshot]") {
  auto loaded = ParseSnapshot(kSnapshotWithoutService);
  REQUIRE(loaded.ok());
  const Snapshot& snapshot = loaded.value();
  CHECK(snapshot.service.empty());
  CHECK(snapshot.title == "Privacy Policy");
  CHECK(snapshot.date == "2024-01-02");
  REQUIRE(snapshot.clauses.size() == 3);
  CHECK(snapshot.clauses[1].labels == std::vector<std::string>{"retention.fixed_period"});
  // With no service to keep, it is written back as it was.
  CHECK(SnapshotToJson(snapshot) == kSnapshotWithoutService);
}

TEST_CASE("Only snapshots look like snapshots", "[snapshot]") {
  CHECK(LooksLikeSnapshot("  {\"schema\": \"fineprint.snapshot/1\", \"date\": \"x\"}"));
  CHECK(LooksLikeSnapshot("{\"schema\": \"fineprint.snapshot/1\""));  // damaged, still reported as one
  CHECK_FALSE(LooksLikeSnapshot("{\"blocks\": []}"));
  CHECK_FALSE(LooksLikeSnapshot("# Policy\n\nWe mention fineprint.snapshot/1 here."));
  CHECK_FALSE(LooksLikeSnapshot(""));
}

TEST_CASE("Relabelling under the current rules restores the labels", "[snapshot]") {
  const std::string input = ReadCorpus("policies/x-twitter/privacy-policy/2024-11-16.md");
  const Snapshot original = SnapshotOf(input, DocumentFormat::kMarkdown);
  Snapshot stale = original;
  stale.rules_version = "0.0.0-old";
  for (SnapshotClause& clause : stale.clauses) {
    clause.labels.clear();
    clause.durations.clear();
  }
  RelabelSnapshot(&stale, Builtin());
  CHECK(stale.rules_version == Builtin().pack().version);
  size_t same = 0, labelled = 0;
  for (size_t i = 0; i < original.clauses.size(); ++i) {
    labelled += !original.clauses[i].labels.empty();
    same += !original.clauses[i].labels.empty() && stale.clauses[i].labels == original.clauses[i].labels;
  }
  INFO(same << " of " << labelled << " labelled clauses relabelled identically");
  CHECK(labelled > 20);
  CHECK(same * 10 >= labelled * 9);
}

TEST_CASE("Block places round-trip, nested tables included", "[snapshot]") {
  const std::string html =
      "<h2>Data</h2><ul><li>One<ul><li>Two</li></ul></li></ul>"
      "<table><tr><th>Kind</th><th>Retention period</th></tr>"
      "<tr><td>Logs</td><td>Kept<table><tr><th>Inner</th></tr><tr><td>x</td></tr></table></td></tr>"
      "<tr><td>Mail</td><td>90 days</td></tr></table><table><tr><td>Other</td></tr></table>";
  const Snapshot snapshot = SnapshotOf(html, DocumentFormat::kHtml);
  auto loaded = ParseSnapshot(SnapshotToJson(snapshot));
  REQUIRE(loaded.ok());
  REQUIRE(loaded.value().clauses.size() == snapshot.clauses.size());
  std::vector<std::tuple<std::string, int, uint32_t, bool>> places;
  for (size_t i = 0; i < snapshot.clauses.size(); ++i) {
    const SnapshotClause& a = snapshot.clauses[i];
    const SnapshotClause& b = loaded.value().clauses[i];
    INFO(a.text);
    CHECK(std::tie(a.block_level, a.table, a.table_header) == std::tie(b.block_level, b.table, b.table_header));
    places.emplace_back(a.text, a.block_level, a.table, a.table_header);
  }
  // A damaged "place" on a page with tables is refused.
  auto error_of = [&](const std::string& place) {
    auto root = nlohmann::json::parse(SnapshotToJson(snapshot));
    root["clauses"]["place"] = place;
    auto parsed = ParseSnapshot(root.dump());
    return parsed.ok() ? std::string() : parsed.error().message;
  };
  const std::string place = nlohmann::json::parse(SnapshotToJson(snapshot))["clauses"]["place"];
  CHECK(error_of(place).empty());
  const size_t first_cell = place.find('!');
  REQUIRE(first_cell != std::string::npos);
  CHECK(error_of(place.substr(0, first_cell) + "B" + place.substr(first_cell + 1)).find("lacks a table cell's marker") !=
        std::string::npos);
  CHECK(error_of(place.substr(0, first_cell + 1) + "AA" + place.substr(first_cell + 3)).find("lacks a table number") !=
        std::string::npos);
  CHECK(error_of(place.substr(0, first_cell + 1) + std::string(1, '\0') + place.substr(first_cell + 2))
            .find("lacks a table number") != std::string::npos);
  // After the nested table, the outer table's cells are its own again.
  CHECK(places == std::vector<std::tuple<std::string, int, uint32_t, bool>>{
                      {"Data", 2, 0, false}, {"One", 1, 0, false}, {"Two", 2, 0, false}, {"Kind", 1, 1, true},
                      {"Retention period", 2, 1, true}, {"Logs", 1, 1, false}, {"Kept", 2, 1, false},
                      {"Inner", 1, 2, true}, {"x", 1, 2, false}, {"Mail", 1, 1, false}, {"90 days", 2, 1, false},
                      {"Other", 1, 3, false}});
}

TEST_CASE("Relabelling reads a table cell's column header from the snapshot", "[snapshot]") {
  // Meta's "Develop and improve artificial intelligence technology" cells
  // are labelled by their column header alone.
  const std::string input = ReadCorpus("policies/meta-facebook/privacy-policy/2025-05-28.md");
  auto stored = ParseSnapshot(SnapshotToJson(SnapshotOf(input, DocumentFormat::kMarkdown)));
  REQUIRE(stored.ok());
  const Snapshot& original = stored.value();
  auto ai_cells = [](const Snapshot& snapshot) {
    size_t count = 0;
    for (const SnapshotClause& clause : snapshot.clauses) {
      count += clause.text.rfind("Develop and improve artificial intelligence technology", 0) == 0 &&
               std::count(clause.labels.begin(), clause.labels.end(), "ai_training.first_party") == 1;
    }
    return count;
  };
  REQUIRE(ai_cells(original) == 2);
  Snapshot relabelled = original;
  RelabelSnapshot(&relabelled, Builtin());
  CHECK(ai_cells(relabelled) == 2);
  // Without the places (a snapshot from before they were kept) they are lost.
  Snapshot placeless = original;
  for (SnapshotClause& clause : placeless.clauses) {
    clause.block_level = 0;
    clause.table = 0;
    clause.table_header = false;
  }
  RelabelSnapshot(&placeless, Builtin());
  CHECK(ai_cells(placeless) == 0);
}

TEST_CASE("A diff relabels a snapshot made under other rules of the same pack version", "[snapshot]") {
  // Labels made under other rules (here: none at all) with the pack's own
  // version: only the pack fingerprint tells, and the diff relabels them.
  Snapshot before = SnapshotOf(kPolicy, DocumentFormat::kMarkdown);
  for (SnapshotClause& clause : before.clauses) {
    clause.labels.clear();
    clause.durations.clear();
    clause.slots.clear();
  }
  std::string edited = kPolicy;
  edited.replace(edited.find("13 months"), 9, "25 months");
  const Snapshot after = SnapshotOf(edited, DocumentFormat::kMarkdown, "2025-02-01");
  auto labels_before_of_modified = [&](const Snapshot& old) {
    const DocumentDiff diff = DiffSnapshots(old, after, BuiltinChangeNotes().value(), &Builtin());
    for (const DocumentChange& change : diff.changes) {
      if (change.clause.kind == ChangeKind::kModified) return change.labels_before;
    }
    FAIL("no modified clause");
    return std::vector<std::string>{};
  };
  // Under the pack's fingerprint the (emptied) labels are taken as they are.
  CHECK(labels_before_of_modified(before).empty());
  // Another fingerprint: relabelled.
  before.rules_fingerprint = "0000000000000000";
  CHECK(labels_before_of_modified(before) == std::vector<std::string>{"retention.fixed_period"});
  // None (made before fingerprints, and block places, were kept): judged by
  // its version, which is the pack's.
  before.rules_fingerprint.clear();
  CHECK(labels_before_of_modified(before).empty());
  before.rules_version = "0.0.1";
  CHECK(labels_before_of_modified(before) == std::vector<std::string>{"retention.fixed_period"});
}

TEST_CASE("Fingerprints ignore noise", "[snapshot]") {
  CHECK(ClauseFingerprint("1. We keep \xE2\x80\x9C" "data\xE2\x80\x9D.") == ClauseFingerprint("2. we keep \"data\""));
  const Snapshot a = SnapshotOf(kPolicy, DocumentFormat::kMarkdown);
  std::string retyped = kPolicy;
  retyped.replace(retyped.find("13 months"), 9, "13\xC2\xA0months");
  const Snapshot b = SnapshotOf(retyped, DocumentFormat::kMarkdown);
  CHECK(DocumentFingerprint(a) == DocumentFingerprint(b));
  std::string edited = kPolicy;
  edited.replace(edited.find("13 months"), 9, "25 months");
  CHECK(DocumentFingerprint(a) != DocumentFingerprint(SnapshotOf(edited, DocumentFormat::kMarkdown)));
}

}  // namespace
}  // namespace fineprint
