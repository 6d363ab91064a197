#include "core/change_summary.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/rule_pack.h"

namespace fineprint {
namespace {

const ChangeNotes& Notes() {
  const auto& notes = BuiltinChangeNotes();
  REQUIRE(notes.ok());
  return notes.value();
}

// Snapshots built by hand: the summary is tested apart from the classifier.
SnapshotClause Clause(const std::string& text, std::vector<std::string> labels = {}) {
  SnapshotClause clause;
  clause.text = text;
  std::sort(labels.begin(), labels.end());
  clause.labels = labels;
  if (!labels.empty()) clause.durations = ExtractDurations(text);
  return clause;
}

Snapshot Doc(std::vector<SnapshotClause> clauses, const std::string& title = "Example Privacy Policy") {
  Snapshot snapshot;
  snapshot.title = title;
  uint32_t at = 0;
  for (SnapshotClause& clause : clauses) {
    clause.source_start = at;
    clause.source_end = at + static_cast<uint32_t>(clause.text.size());
    at = clause.source_end + 1;
  }
  snapshot.source_size = at;
  snapshot.clauses = std::move(clauses);
  return snapshot;
}

const std::vector<SnapshotClause> kCommon = {
    Clause("Information we collect"), Clause("We collect the name and email address you give us when you sign up."),
    Clause("We use it to provide and secure the service for everyone."),
};

Snapshot With(std::vector<SnapshotClause> extra, size_t at = 3) {
  std::vector<SnapshotClause> clauses = kCommon;
  clauses.insert(clauses.begin() + static_cast<long>(std::min(at, clauses.size())), extra.begin(), extra.end());
  return Doc(clauses);
}

std::string Notes(const DocumentDiff& diff) {
  std::string out;
  for (const SummaryItem& item : diff.summary) {
    out += "[" + item.severity + "] " + item.note + " (" + item.label + " " + item.change + ")\n";
  }
  return out;
}

TEST_CASE("The built-in change notes parse, and bad ones are refused", "[change_summary]") {
  CHECK(Notes().rules.size() > 20);
  CHECK(Notes().values.at("retention.fixed_period") == "durations");
  CHECK_FALSE(ParseChangeNotes("{").ok());
  CHECK(ParseChangeNotes(R"({"schema": "x", "language": "en", "version": "1", "notes": []})").error().message ==
        "change notes: schema is \"x\", expected \"fineprint.change_notes/1\"");
  auto bad = ParseChangeNotes(R"({"schema": "fineprint.change_notes/1", "language": "en", "version": "1",
      "notes": [{"label": "*", "change": "added", "severity": "scary", "note": "x"}]})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "change note #1: severity must be alert, caution, info or good, not \"scary\"");
  auto bad_kind = ParseChangeNotes(R"({"schema": "fineprint.change_notes/1", "language": "en", "version": "1",
      "notes": [{"label": "*", "change": "added", "severity": "info", "note": "x", "kind": ["moved"]}]})");
  REQUIRE_FALSE(bad_kind.ok());
}

TEST_CASE("Amounts with their unit", "[change_summary]") {
  CHECK(ExtractAmount("in any 24-hour period - $15,000 USD per 1,000,000 posts. You agree") ==
        "$15,000 per 1,000,000 posts");
  CHECK(ExtractAmount("\xE2\x82\xAC" "15,000 EUR per 1,000,000 posts") == "\xE2\x82\xAC" "15,000 per 1,000,000 posts");
  CHECK(ExtractAmount("will not exceed fifty dollars ($50.00).") == "$50.00");
  CHECK(ExtractAmount("no money here, just $ signs") == "");
}

TEST_CASE("A new third-party AI-training clause, on by default", "[change_summary]") {
  const Snapshot before = With({});
  const Snapshot after = With({Clause("If you do not opt out, the recipients may use it to train their artificial "
                                      "intelligence models.",
                                      {"ai_training.third_party", "choice.default_on", "sharing.third_party"})});
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  REQUIRE(diff.changes.size() == 1);
  CHECK(diff.changes[0].clause.kind == ChangeKind::kAdded);
  REQUIRE_FALSE(diff.summary.empty());
  CHECK(diff.summary[0].label == "ai_training.third_party");
  CHECK(diff.summary[0].severity == "alert");
  CHECK(diff.summary[0].note == "A new clause lets other companies train AI on your data (on unless you opt out)");
  CHECK(diff.summary[0].before.empty());
  CHECK(diff.summary[0].after.rfind("If you do not opt out", 0) == 0);
}

TEST_CASE("An opt-out removed, and a default flipped", "[change_summary]") {
  const Snapshot before = With({Clause("You can opt out of personalised ads in your settings at any time.",
                                       {"choice.opt_out"}),
                                Clause("We share your contact list with partners only if you give us consent first.",
                                       {"choice.opt_in", "sharing.third_party"})});
  const Snapshot after = With({Clause("We share your contact list with partners unless you opt out first.",
                                      {"choice.default_on", "choice.opt_out", "sharing.third_party"})});
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  const std::string notes = Notes(diff);
  CHECK(notes.find("[alert] A default flipped: what needed your consent is now on unless you opt out "
                   "(choice.default_on added)") != std::string::npos);
  // The flip tells the consent's removal: no separate note for it.
  CHECK(notes.find("choice.opt_in removed") == std::string::npos);
  CHECK(notes.find("[alert] An opt-out was removed (choice.opt_out removed)") != std::string::npos);
}

TEST_CASE("Retention: a period that changed, and a limit that went", "[change_summary]") {
  const Snapshot before = With({Clause("We keep information shared by ad partners for up to 90 days.",
                                       {"retention.fixed_period"}),
                                Clause("We delete server logs after a maximum of 18 months, whatever happens.",
                                       {"retention.fixed_period"})});
  const Snapshot after = With({Clause("We keep information shared by ad partners for up to 12 months.",
                                      {"retention.fixed_period"})});
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  const std::string notes = Notes(diff);
  CHECK(notes.find("[caution] Retention changed from up to 90 days to up to 12 months (longer) "
                   "(retention.fixed_period changed)") != std::string::npos);
  CHECK(notes.find("[alert] A concrete retention limit was removed (was a maximum of 18 months) "
                   "(retention.fixed_period removed)") != std::string::npos);
  for (const SummaryItem& item : diff.summary) {
    if (item.change == "changed") {
      CHECK(item.before == "up to 90 days");
      CHECK(item.after == "up to 12 months");
    }
  }
  // Shorter is good news; the same length in other words is no change.
  const Snapshot shorter = With({Clause("We keep information shared by ad partners for up to 30 days.",
                                        {"retention.fixed_period"})});
  CHECK(Notes(DiffSnapshots(after, shorter, Notes())).find("[good] Retention changed from up to 12 months to up "
                                                           "to 30 days (shorter)") != std::string::npos);
  const Snapshot same = With({Clause("We keep information shared by ad partners for up to one year.",
                                     {"retention.fixed_period"})});
  const DocumentDiff reworded = DiffSnapshots(after, same, Notes());
  CHECK(reworded.changes.size() == 1);
  CHECK(reworded.summary.empty());
}

TEST_CASE("A new ban on training models, and liquidated damages over a passage", "[change_summary]") {
  const Snapshot before = Doc(kCommon, "Developer Agreement");
  std::vector<SnapshotClause> clauses = kCommon;
  clauses.push_back(Clause("(k) use the X API or X Content to fine-tune or train a foundation or frontier model;",
                           {"ai_training.prohibited_use"}));
  clauses.push_back(Clause("You will be liable for liquidated damages for accessing more than 1,000,000 posts in "
                           "any 24-hour period - $15,000 USD per 1,000,000 posts.",
                           {"scraping.liquidated_damages"}));
  clauses.push_back(Clause("You agree that these amounts are a reasonable estimate of our damages.",
                           {"scraping.liquidated_damages"}));
  const Snapshot after = Doc(clauses, "Developer Agreement");
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  CHECK(Notes(diff) ==
        "[caution] A new ban on training AI models with the service's content (ai_training.prohibited_use added)\n"
        "[caution] Liquidated damages added ($15,000 per 1,000,000 posts) (scraping.liquidated_damages added)\n");
  REQUIRE(diff.summary.size() == 2);
  CHECK(diff.summary[1].changes == std::vector<uint32_t>{1, 2});
}

TEST_CASE("Moved and noise-only changes say nothing", "[change_summary]") {
  const SnapshotClause ai = Clause("We use your posts to train our artificial intelligence models every day.",
                                   {"ai_training.first_party"});
  std::vector<SnapshotClause> a = kCommon, b = kCommon;
  a.insert(a.begin() + 1, ai);
  b.push_back(ai);
  const DocumentDiff diff = DiffSnapshots(Doc(a), Doc(b), Notes());
  REQUIRE(diff.changes.size() == 1);
  CHECK(diff.changes[0].clause.kind == ChangeKind::kMoved);
  CHECK(diff.summary.empty());
  std::vector<SnapshotClause> retyped = a;
  retyped[1].text = "We use your posts to train our artificial\xC2\xA0intelligence models every day";
  CHECK(DiffSnapshots(Doc(a), Doc(retyped), Notes()).changes.empty());
}

TEST_CASE("A reworded clause speaks only where a note asks for it", "[change_summary]") {
  const Snapshot before = With({Clause("We use public information to help train our language models.",
                                       {"ai_training.first_party"}),
                                Clause("We share device data with measurement partners for reporting.",
                                       {"sharing.third_party"})});
  const Snapshot after = With({Clause("We use public information to help train our AI models and chatbots.",
                                      {"ai_training.first_party"}),
                               Clause("We share device data with measurement partners for reporting only.",
                                      {"sharing.third_party"})});
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  CHECK(diff.changes.size() == 2);
  CHECK(Notes(diff) == "[info] A clause about Example training AI on your data was reworded "
                       "(ai_training.first_party changed)\n");
}

// The note the summary gives a new first-party AI-training clause.
std::string FirstPartyNote(const Snapshot& before, const Snapshot& after) {
  for (const SummaryItem& item : DiffSnapshots(before, after, Notes()).summary) {
    if (item.label == "ai_training.first_party") return item.note;
  }
  return "(none)";
}

TEST_CASE("The summary names the newer version's service", "[change_summary]") {
  Snapshot before = Doc(kCommon, "Terms of Service");
  std::vector<SnapshotClause> clauses = kCommon;
  clauses.push_back(Clause("We may use your posts to train our artificial intelligence models.",
                           {"ai_training.first_party"}));
  Snapshot after = Doc(clauses, "Terms of Service");
  CHECK(FirstPartyNote(before, after) == "A new clause lets the service train AI on your data");
  before.service = "Twitter";
  CHECK(FirstPartyNote(before, after) == "A new clause lets Twitter train AI on your data");
  after.service = "X";
  CHECK(FirstPartyNote(before, after) == "A new clause lets X train AI on your data");
  // Neither kept one: the newer title names it, as it always did.
  before.service.clear();
  after.service.clear();
  after.title = "Example Privacy Policy";
  CHECK(FirstPartyNote(before, after) == "A new clause lets Example train AI on your data");
}

TEST_CASE("A snapshot without a service compared with one that has it", "[change_summary]") {
  // Written before snapshots kept the service; titled "Privacy Policy".
  auto stored = ParseSnapshot(
      R"({"schema":"fineprint.snapshot/1","date":"2024-01-02","document":{"title":"Privacy Policy","format":"markdown","bytes":107,"text_bytes":102,"hash":"f836418c2e8895b5"},"rules":{"language":"en","version":"0.2.0"},"labels":["retention.fixed_period"],"clauses":{"text":["Privacy Policy","We keep cookies for up to 13 months.","We collect the name and email address you give us."],"kind":"HPP","span":[2,0,2,0,2,0],"hash":"7ZQ_TRKPzm_W","labels":[[1,0]],"slots":[[1,"duration","up to 13 months"]],"durations":[[1,20,35,395.4167,"<"]]}})");
  REQUIRE(stored.ok());
  Snapshot after = stored.value();
  after.date = "2025-01-02";
  after.clauses.push_back(Clause("We may use your posts to train our artificial intelligence models.",
                                 {"ai_training.first_party"}));
  after.clauses.back().source_start = after.source_size;
  after.source_size += static_cast<uint32_t>(after.clauses.back().text.size()) + 2;
  after.clauses.back().source_end = after.source_size - 1;
  CHECK(FirstPartyNote(stored.value(), after) == "A new clause lets the service train AI on your data");
  after.service = "X";
  CHECK(FirstPartyNote(stored.value(), after) == "A new clause lets X train AI on your data");
}

TEST_CASE("Diff JSON has the documented shape", "[change_summary]") {
  const Snapshot before = With({Clause("We keep logs for up to 90 days.", {"retention.fixed_period"}),
                                Clause("This sentence will go away entirely, never to return.")});
  const Snapshot after = With({Clause("We keep logs for up to 12 months.", {"retention.fixed_period"}),
                               Clause("A completely fresh statement about something unrelated appears.")});
  const DocumentDiff diff = DiffSnapshots(before, after, Notes());
  const nlohmann::json j = nlohmann::json::parse(DocumentDiffToJson(diff, before, after));
  CHECK(j["schema"] == "fineprint.diff/1");
  REQUIRE(j["changes"].size() == 3);
  std::set<std::string> kinds;
  for (const auto& change : j["changes"]) {
    kinds.insert(change["kind"].get<std::string>());
    CHECK(change.contains("labels_before"));
    CHECK(change.contains("labels_after"));
    if (change["kind"] == "modified") {
      CHECK(change["old"]["text"] == "We keep logs for up to 90 days.");
      CHECK(change["new"]["start"].is_number());
      CHECK(change["words"][1]["op"] == "delete");
      CHECK(change["words"][1]["text"] == "90 days");
    } else if (change["kind"] == "added") {
      CHECK(change["old"].is_null());
      CHECK_FALSE(change.contains("words"));
    } else {
      CHECK(change["new"].is_null());
    }
  }
  CHECK(kinds == std::set<std::string>{"added", "removed", "modified"});
  REQUIRE(j["summary"].size() == 1);
  for (const char* key : {"label", "change", "before", "after", "note", "severity"}) CHECK(j["summary"][0].contains(key));
  CHECK(j["summary"][0]["change"] == "changed");
  const std::string text = DocumentDiffToText(diff, before, after);
  CHECK(text.find("[-90 days-]{+12 months+}") != std::string::npos);
}

}  // namespace
}  // namespace fineprint
