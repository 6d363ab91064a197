#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/readers.h"
#include "core/segmenter.h"
#include "reader_test_util.h"

namespace fineprint {
namespace {

std::vector<std::string> Clauses(std::string_view text) {
  std::vector<std::string> out;
  for (const ClauseSpan& span : SegmentText(text)) {
    out.emplace_back(text.substr(span.start, span.end - span.start));
  }
  return out;
}

using Strings = std::vector<std::string>;

// Two halves of a sentence, each long enough for a semicolon between them
// to split it (kMinSemicolonBytes, kMinSemicolonWords).
const std::string kLongLeft =
    "We may suspend or terminate your account at any time and for any reason, or for no "
    "reason at all, without liability to you";
const std::string kLongRight =
    "however, we will try to give you notice in advance wherever that is reasonably "
    "practical and lawful to do.";

TEST_CASE("Segmenter: sentences end at . ? ! before a new sentence", "[segmenter]") {
  CHECK(Clauses("We collect data. We share it! Do we sell it? No.") ==
        Strings{"We collect data.", "We share it!", "Do we sell it?", "No."});
  CHECK(Clauses("Yahoo! and Google are search engines.") ==
        Strings{"Yahoo! and Google are search engines."});
  CHECK(Clauses("Really?! Yes.") == Strings{"Really?!", "Yes."});
}

TEST_CASE("Segmenter: abbreviations do not end sentences", "[segmenter]") {
  CHECK(Clauses("We use partners (e.g. Google, i.e. Alphabet) to help. We log data.") ==
        Strings{"We use partners (e.g. Google, i.e. Alphabet) to help.", "We log data."});
  CHECK(Clauses("We share data with partners, e.g. Meta, and others.") ==
        Strings{"We share data with partners, e.g. Meta, and others."});
  CHECK(Clauses("Facebook, Inc. is based in the U.S. and Ireland.") ==
        Strings{"Facebook, Inc. is based in the U.S. and Ireland."});
  CHECK(Clauses("X Corp. Ltd. Group operates it. It is big.") ==
        Strings{"X Corp. Ltd. Group operates it.", "It is big."});
  CHECK(Clauses("Cookies, pixels, etc. are used. We also log data.") ==
        Strings{"Cookies, pixels, etc. are used.", "We also log data."});
  CHECK(Clauses("See Regulation No. 5 and Sec. 3 of the Act.") ==
        Strings{"See Regulation No. 5 and Sec. 3 of the Act."});
  CHECK(Clauses("Contact Dr. Smith or Mr. Jones.") == Strings{"Contact Dr. Smith or Mr. Jones."});
}

TEST_CASE("Segmenter: an ambiguous abbreviation ends a sentence before an opener",
          "[segmenter]") {
  CHECK(Clauses("We are X Corp., based in Bastrop, TX 78602 U.S.A. The words we use.") ==
        Strings{"We are X Corp., based in Bastrop, TX 78602 U.S.A.", "The words we use."});
  CHECK(Clauses("Data goes to the U.S. Department of Commerce.") ==
        Strings{"Data goes to the U.S. Department of Commerce."});
  CHECK(Clauses("We comply with the EU-U.S. and Swiss-U.S. Data Privacy Frameworks.") ==
        Strings{"We comply with the EU-U.S. and Swiss-U.S. Data Privacy Frameworks."});
  CHECK(Clauses("Our partner is Acme Inc. We trust them.") ==
        Strings{"Our partner is Acme Inc.", "We trust them."});
  CHECK(Clauses("As defined at 48 C.F.R. 2.101 and 15 C.F.R. Parts 730-774.") ==
        Strings{"As defined at 48 C.F.R. 2.101 and 15 C.F.R. Parts 730-774."});
  CHECK(Clauses("Photos, videos, etc. You can delete them.") ==
        Strings{"Photos, videos, etc.", "You can delete them."});
}

TEST_CASE("Segmenter: initials, one-letter names and numbers", "[segmenter]") {
  CHECK(Clauses("J. R. R. Tolkien wrote it. It is long.") ==
        Strings{"J. R. R. Tolkien wrote it.", "It is long."});
  CHECK(Clauses("When you use X. We collect data.") ==
        Strings{"When you use X.", "We collect data."});
  CHECK(Clauses("Except with the prior written consent of X. X is authorized to sign.") ==
        Strings{"Except with the prior written consent of X.", "X is authorized to sign."});
  CHECK(Clauses("Fees rise 1.5 percent. Version 2.0. Then 3.") ==
        Strings{"Fees rise 1.5 percent.", "Version 2.0.", "Then 3."});
  CHECK(Clauses("You must be 13. 16 in the EU.") == Strings{"You must be 13.", "16 in the EU."});
  CHECK(Clauses("As set out in Section 12.9. Nothing in it limits you.") ==
        Strings{"As set out in Section 12.9.", "Nothing in it limits you."});
}

TEST_CASE("Segmenter: URLs and e-mail addresses", "[segmenter]") {
  CHECK(Clauses("Visit x.com/settings or help.x.com. Write to privacy@x.com. We reply.") ==
        Strings{"Visit x.com/settings or help.x.com.", "Write to privacy@x.com.", "We reply."});
  CHECK(Clauses("Rules are at https://x.com/tos. They apply.") ==
        Strings{"Rules are at https://x.com/tos.", "They apply."});
  CHECK(Clauses("Go to example.co.uk. Or call us.") ==
        Strings{"Go to example.co.uk.", "Or call us."});
}

TEST_CASE("Segmenter: list markers start a block, they do not end a sentence",
          "[segmenter]") {
  CHECK(Clauses("1. Information We Collect") == Strings{"1. Information We Collect"});
  CHECK(Clauses("10. General Provisions") == Strings{"10. General Provisions"});
  CHECK(Clauses("5.1. Security") == Strings{"5.1. Security"});
  CHECK(Clauses("a. Assignment and Jurisdiction") == Strings{"a. Assignment and Jurisdiction"});
  CHECK(Clauses("IV. Ownership") == Strings{"IV. Ownership"});
  CHECK(Clauses("(a) You may not. (b) You must.") == Strings{"(a) You may not.", "(b) You must."});
  CHECK(Clauses("You agree to: (a) be honest; and b) be kind.") ==
        Strings{"You agree to: (a) be honest; and b) be kind."});
  CHECK(Clauses("First do this. (b) then that.") == Strings{"First do this.", "(b) then that."});
}

TEST_CASE("Segmenter: ellipses", "[segmenter]") {
  CHECK(Clauses("We may share... and more. Then stop.") ==
        Strings{"We may share... and more.", "Then stop."});
  CHECK(Clauses("Wait for it... The end.") == Strings{"Wait for it...", "The end."});
  CHECK(Clauses("Wait for it… The end.") == Strings{"Wait for it…", "The end."});
}

TEST_CASE("Segmenter: closing quotes and brackets after the stop", "[segmenter]") {
  CHECK(Clauses("We call this \"activity.\" We collect it.") ==
        Strings{"We call this \"activity.\"", "We collect it."});
  CHECK(Clauses("We rely on “legitimate interests.” Learn more.") ==
        Strings{"We rely on “legitimate interests.”", "Learn more."});
  CHECK(Clauses("We log data (see Section 3.) The logs expire.") ==
        Strings{"We log data (see Section 3.)", "The logs expire."});
  CHECK(Clauses("(We may also do this. And that.) Then we stop.") ==
        Strings{"(We may also do this. And that.)", "Then we stop."});
  CHECK(Clauses("It’s the users’. Next sentence.") ==
        Strings{"It’s the users’.", "Next sentence."});
}

TEST_CASE("Segmenter: no split inside brackets and quotes that close later",
          "[segmenter]") {
  CHECK(Clauses("We collect data (for example, names. And e-mails) to operate.") ==
        Strings{"We collect data (for example, names. And e-mails) to operate."});
  CHECK(Clauses("He said “Stop. Now” and left. Then.") ==
        Strings{"He said “Stop. Now” and left.", "Then."});
  SECTION("an unclosed bracket does not swallow the block") {
    CHECK(Clauses("An (unclosed bracket. Then a sentence.") ==
          Strings{"An (unclosed bracket.", "Then a sentence."});
  }
}

TEST_CASE("Segmenter: semicolons split only long clauses", "[segmenter]") {
  CHECK(Clauses("We collect your name; your email; and your phone number.") ==
        Strings{"We collect your name; your email; and your phone number."});
  CHECK(Clauses(kLongLeft + "; " + kLongRight) == Strings{kLongLeft + ";", kLongRight});
  SECTION("not inside parentheses") {
    const std::string text = "We share data (" + kLongLeft + "; " + kLongRight + ") today.";
    CHECK(Clauses(text).size() == 1);
  }
  SECTION("what follows a semicolon may start like a sentence of its own") {
    CHECK(Clauses("VII. Term; Subscription Fees; Payment; Suspension, and Termination.") ==
          Strings{"VII. Term;", "Subscription Fees;", "Payment;", "Suspension, and Termination."});
    CHECK(Clauses("You waive trial by jury; PROVIDED, HOWEVER, that the law applies.") ==
          Strings{"You waive trial by jury;", "PROVIDED, HOWEVER, that the law applies."});
    CHECK(Clauses("To (1) investigate; (2) enforce our terms; and (3) defend.") ==
          Strings{"To (1) investigate;", "(2) enforce our terms; and (3) defend."});
  }
}

TEST_CASE("Segmenter: what follows a stop decides", "[segmenter]") {
  SECTION("full-width stops") {
    CHECK(Clauses("データを集めます！次に進みます？終わり．") ==
          Strings{"データを集めます！", "次に進みます？", "終わり．"});
  }
  SECTION("a closing quote and a space after a CJK stop end the sentence") {
    CHECK(Clauses("「注意。」 次の文です。") == Strings{"「注意。」", "次の文です。"});
  }
  SECTION("a lower-case word after opening marks continues the sentence") {
    CHECK(Clauses("We said so. “and then” we left. Done.") ==
          Strings{"We said so. “and then” we left.", "Done."});
  }
  SECTION("a semicolon needs a space after it, and ends a run of stops") {
    CHECK(Clauses(kLongLeft + ";" + kLongRight) == Strings{kLongLeft + ";" + kLongRight});
    CHECK(Clauses(kLongLeft + ";") == Strings{kLongLeft + ";"});
    CHECK(Clauses("Keep this;. Next one.") == Strings{"Keep this;.", "Next one."});
  }
}

TEST_CASE("Segmenter: headings and blocks without punctuation are one clause",
          "[segmenter]") {
  CHECK(Clauses("How We Use Information") == Strings{"How We Use Information"});
  CHECK(Clauses("Effective: November 15, 2024") == Strings{"Effective: November 15, 2024"});
  CHECK(Clauses("").empty());
  CHECK(Clauses("   ").empty());
  CHECK(Clauses("  Trimmed.  Both ends.  ") == Strings{"Trimmed.", "Both ends."});
  CHECK(Clauses(".") == Strings{"."});
}

TEST_CASE("Segmenter: non-Latin scripts and emoji", "[segmenter]") {
  CHECK(Clauses("当社は個人情報を収集します。詳しくはこちら。「注意。」を読んでください。") ==
        Strings{"当社は個人情報を収集します。", "詳しくはこちら。", "「注意。」を読んでください。"});
  CHECK(Clauses("هل نجمع بياناتك؟ نعم، نجمعها۔ شكرا") ==
        Strings{"هل نجمع بياناتك؟", "نعم، نجمعها۔", "شكرا"});
  CHECK(Clauses("हम डेटा एकत्र करते हैं। धन्यवाद।") ==
        Strings{"हम डेटा एकत्र करते हैं।", "धन्यवाद।"});
  CHECK(Clauses("We love you 😍. Émile agrees! élan stays.") ==
        Strings{"We love you 😍.", "Émile agrees! élan stays."});
  CHECK(Clauses("Мы собираем данные. Вы можете удалить их.") ==
        Strings{"Мы собираем данные.", "Вы можете удалить их."});
}

TEST_CASE("Segmenter: SegmentDocument keeps block indices and never merges blocks",
          "[segmenter]") {
  const auto document = ReadMarkdown("# Heading\n\nOne. Two.\n\n* Item without stop\n");
  REQUIRE(document.ok());
  const auto clauses = SegmentDocument(document.value());
  REQUIRE(clauses.size() == 4);
  CHECK(clauses[0].block_index == 0);
  CHECK(clauses[1].block_index == 1);
  CHECK(clauses[2].block_index == 1);
  CHECK(clauses[2].start == 5);
  CHECK(clauses[3].block_index == 2);
  CHECK(SegmentText("Two clauses. Here.", 7)[1].block_index == 7);
}

// Every non-space byte of every block is in exactly one clause; clauses are
// ordered and trimmed.
void CheckCoverage(const Document& document) {
  const auto clauses = SegmentDocument(document);
  size_t next = 0;
  for (uint32_t b = 0; b < document.blocks.size(); ++b) {
    const std::string& text = document.blocks[b].text;
    uint32_t covered = 0;
    for (; next < clauses.size() && clauses[next].block_index == b; ++next) {
      const ClauseSpan& clause = clauses[next];
      REQUIRE(clause.start < clause.end);
      REQUIRE(clause.end <= text.size());
      CHECK(clause.start >= covered);
      for (uint32_t i = covered; i < clause.start; ++i) CHECK(text[i] == ' ');
      CHECK(text[clause.start] != ' ');
      CHECK(text[clause.end - 1] != ' ');
      covered = clause.end;
    }
    CHECK(covered == text.size());  // block text has no trailing space
  }
  CHECK(next == clauses.size());
}

TEST_CASE("Segmenter: corpus clauses cover every block exactly", "[segmenter][corpus]") {
  for (const std::string& path : testing::CorpusFiles("policies", ".md")) {
    INFO(path);
    const std::string input = testing::ReadFileOrEmpty(path);
    const auto document = ReadMarkdown(input);
    REQUIRE(document.ok());
    CheckCoverage(document.value());
  }
}

bool IsListMarkerSentence(std::string_view text) {
  if (text.empty() || text.size() > 6 || (text.back() != '.' && text.back() != ')')) {
    return false;
  }
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '(') return false;
  }
  return true;
}

// The gold sentence spans of labels/*.gold.jsonl are the reference for
// segmentation: the share of gold sentences whose span is exactly a clause.
// "Normalized" first merges a gold sentence that is only a list marker
// ("1.", "a.") into the sentence after it on the same line: the gold splits
// "1. Information We Collect" in two, which the segmenter deliberately does
// not (a marker is not a clause).
TEST_CASE("Segmenter: agreement with the gold sentences", "[segmenter][corpus]") {
  const auto files = testing::CorpusFiles("labels", ".txt");
  REQUIRE(files.size() >= 8);
  size_t gold_total = 0, gold_matched = 0, normalized_total = 0, normalized_matched = 0;
  std::ostringstream report;
  for (const std::string& path : files) {
    const std::string text = testing::ReadFileOrEmpty(path);
    const auto document = ReadPlainText(text);
    REQUIRE(document.ok());
    std::set<std::pair<uint32_t, uint32_t>> clauses;
    for (const ClauseSpan& clause : SegmentDocument(document.value())) {
      const Block& block = document.value().blocks[clause.block_index];
      clauses.emplace(block.SourceStart(clause.start), block.SourceEnd(clause.end));
    }
    std::vector<std::pair<uint32_t, uint32_t>> gold;
    std::istringstream lines(
        testing::ReadFileOrEmpty(path.substr(0, path.size() - 4) + ".gold.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const auto sentence = nlohmann::json::parse(line, nullptr, false);
      REQUIRE(sentence.is_object());
      gold.emplace_back(sentence["start"].get<uint32_t>(), sentence["end"].get<uint32_t>());
    }
    REQUIRE_FALSE(gold.empty());
    std::vector<std::pair<uint32_t, uint32_t>> normalized;
    for (size_t i = 0; i < gold.size(); ++i) {
      const auto [start, end] = gold[i];
      if (IsListMarkerSentence(std::string_view(text).substr(start, end - start)) &&
          i + 1 < gold.size() && gold[i + 1].first == end + 1 && text[end] == ' ') {
        normalized.emplace_back(start, gold[++i].second);
      } else {
        normalized.push_back(gold[i]);
      }
    }
    size_t matched = 0, normalized_hits = 0;
    for (const auto& span : gold) matched += clauses.count(span);
    for (const auto& span : normalized) normalized_hits += clauses.count(span);
    gold_total += gold.size();
    gold_matched += matched;
    normalized_total += normalized.size();
    normalized_matched += normalized_hits;
    char line[256];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    std::snprintf(line, sizeof line, "  %-36.36s raw %.3f  normalized %.3f (%zu)\n",
                  name.substr(0, name.size() - 4).c_str(),
                  static_cast<double>(matched) / gold.size(),
                  static_cast<double>(normalized_hits) / normalized.size(), normalized.size());
    report << line;
  }
  const double raw = static_cast<double>(gold_matched) / gold_total;
  const double normalized = static_cast<double>(normalized_matched) / normalized_total;
  char summary[160];
  std::snprintf(summary, sizeof summary,
                "  overall: raw %.3f (%zu/%zu), normalized %.3f (%zu/%zu)", raw, gold_matched,
                gold_total, normalized, normalized_matched, normalized_total);
  WARN("Segmentation agreement with gold sentences (exact span match):\n"
       << report.str() << summary);
  CHECK(normalized >= 0.96);
  CHECK(raw >= 0.82);
}

// Readers and segmenter on the largest policy in the corpus (about 200 KB).
// The budget is 2 ms in a Release build; the assertion is loose so that a
// Debug or sanitizer build passes, and the figure is printed.
TEST_CASE("Segmenter: read and segment the Meta policy quickly", "[segmenter][corpus][perf]") {
  const std::string input = testing::ReadFileOrEmpty(
      testing::CorpusPath("policies/meta-facebook/privacy-policy/2025-05-28.md"));
  REQUIRE(input.size() > 150000);
  double best_ms = 1e9;
  size_t clauses = 0;
  for (int run = 0; run < 20; ++run) {
    const auto started = std::chrono::steady_clock::now();
    const auto document = ReadMarkdown(input);
    clauses = SegmentDocument(document.value()).size();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(elapsed).count());
  }
  WARN("Meta policy (" << input.size() << " bytes, " << clauses
                       << " clauses): read + segment best of 20 = " << best_ms << " ms");
  CHECK(clauses > 1000);
  CHECK(best_ms < 50.0);
}

}  // namespace
}  // namespace fineprint
