#include "core/normalize.h"

#include <catch2/catch.hpp>
#include <string>

namespace fineprint {
namespace {

TEST_CASE("Typography: quotes, dashes, spaces and invisible characters", "[normalize]") {
  CHECK(NormalizeTypography("\xE2\x80\x9CX\xE2\x80\x99s\xE2\x80\x9D policy") == "\"X's\" policy");
  CHECK(NormalizeTypography("data \xE2\x80\x94 and more \xE2\x80\x93 less") == "data - and more - less");
  CHECK(NormalizeTypography("no\xC2\xA0" "break\xE2\x80\xAFthin\xE3\x80\x80wide") == "no break thin wide");
  CHECK(NormalizeTypography("zero\xE2\x80\x8Bwidth soft\xC2\xADhyphen") == "zerowidth softhyphen");
  CHECK(NormalizeTypography("  runs \t of\n\nspace  ") == "runs of space");
  CHECK(NormalizeTypography("wait\xE2\x80\xA6") == "wait...");
  CHECK(NormalizeTypography("") == "");
}

TEST_CASE("Typography normalisation is idempotent and keeps other text", "[normalize]") {
  const std::string once = NormalizeTypography("caf\xC3\xA9 \xE2\x80\x98quoted\xE2\x80\x99 \xE2\x82\xAC" "15");
  CHECK(once == "caf\xC3\xA9 'quoted' \xE2\x82\xAC" "15");
  CHECK(NormalizeTypography(once) == once);
}

TEST_CASE("Invalid UTF-8 is kept byte for byte, never read past", "[normalize]") {
  CHECK(NormalizeTypography(std::string("a\xE2\x80", 3)) == std::string("a\xE2\x80", 3));
  CHECK(ComparisonKey(std::string("ab\xFF" "cd", 5)) == "ab cd");
}

TEST_CASE("List markers and heading numbers", "[normalize]") {
  CHECK(ListMarkerLength("1. Information We Collect") == 3);
  CHECK(ListMarkerLength("2.2 Foster safety") == 4);
  CHECK(ListMarkerLength("(a) reverse engineer") == 4);
  CHECK(ListMarkerLength("iv) item") == 4);
  CHECK(ListMarkerLength("A. License from X.") == 3);
  CHECK(ListMarkerLength("\xE2\x80\xA2 bullet") == 4);
  CHECK(ListMarkerLength("- dash item") == 2);
  CHECK(ListMarkerLength("1. (a) nested") == 7);
  // Content, not markers.
  CHECK(ListMarkerLength("90 days after deletion") == 0);
  CHECK(ListMarkerLength("We keep data") == 0);
  CHECK(ListMarkerLength("I agree") == 0);
  CHECK(ListMarkerLength("i.e. the data") == 0);
  CHECK(ListMarkerLength("(see below) text") == 0);
  CHECK(ListMarkerLength("Mix. of words") == 0);
}

TEST_CASE("Comparison keys ignore noise but not words", "[normalize]") {
  // Renumbered, recased, retypeset: the same clause.
  CHECK(ComparisonKey("4. How Long We Keep Information") == ComparisonKey("5. How long we keep information"));
  CHECK(ComparisonKey("X\xE2\x80\x99s \xE2\x80\x9C" "Privacy\xE2\x80\x9D \xE2\x80\x94 policy") ==
        ComparisonKey("X's \"Privacy\" - policy"));
  CHECK(ComparisonKey("third-party sites") == ComparisonKey("third party sites"));
  CHECK(ComparisonKey("Privacy & Safety") == ComparisonKey("Privacy and Safety"));
  CHECK(ComparisonKey("legal process or request") == ComparisonKey("legal process, or request."));
  CHECK(ComparisonKey("Personal Accounts.") == ComparisonKey("Personal accounts."));
  // Words and numbers are content.
  CHECK(ComparisonKey("for up to 90 days") != ComparisonKey("for up to 12 months"));
  CHECK(ComparisonKey("$15,000 per post") == "$ 15,000 per post");
  CHECK(ComparisonKey("Up to 1.5 GB") == "up to 1.5 gb");
  // A dotted number opening a clause reads as a heading number ("2.2 Foster
  // safety"); a quantity there is the price of that rule.
  CHECK(ComparisonKey("1.5 GB of storage") == "gb of storage");
  CHECK(ComparisonKey("we do not sell") != ComparisonKey("we do sell"));
  CHECK(ComparisonKey("\xC3\x89T\xC3\x89") == "\xC3\xA9t\xC3\xa9");  // Latin-1 case folding
}

TEST_CASE("Comparison words carry their spans", "[normalize]") {
  const std::string text = "(b) Don\xE2\x80\x99t share 1,000,000 posts";
  const std::vector<ComparisonWord> words = ComparisonWords(text);
  REQUIRE(words.size() == 4);
  CHECK(words[0].folded == "don't");
  CHECK(text.substr(words[0].start, words[0].end - words[0].start) == "Don\xE2\x80\x99t");
  CHECK(words[2].folded == "1,000,000");
  CHECK(words[3].folded == "posts");
  CHECK(words[3].end == text.size());
}

TEST_CASE("Fingerprints are stable FNV-1a", "[normalize]") {
  CHECK(Fingerprint64("") == 0xcbf29ce484222325ull);
  CHECK(Fingerprint64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(Fingerprint64("abc") != Fingerprint64("acb"));
}

TEST_CASE("WordFingerprint64 changes when any one byte does, in whole words and in the tail", "[normalize]") {
  std::string text;
  for (int i = 0; i < 29; ++i) text += static_cast<char>('a' + i % 26);  // three words and a 5-byte tail
  const uint64_t original = WordFingerprint64(text);
  CHECK(WordFingerprint64(text) == original);
  for (size_t at = 0; at < text.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = text;
      changed[at] = static_cast<char>(changed[at] ^ (1 << bit));
      INFO(at << " bit " << bit);
      CHECK(WordFingerprint64(changed) != original);
    }
  }
  // The top bit flipped in two words at once: without the shift that
  // carries high bits down, the two flips cancel out.
  std::string two_top_bits = text;
  two_top_bits[7] = static_cast<char>(two_top_bits[7] ^ 0x80);
  two_top_bits[15] = static_cast<char>(two_top_bits[15] ^ 0x80);
  CHECK(WordFingerprint64(two_top_bits) != original);
  // Words swapped, a byte appended or dropped.
  CHECK(WordFingerprint64(text.substr(8, 8) + text.substr(0, 8) + text.substr(16)) != original);
  CHECK(WordFingerprint64(text + '\0') != original);
  CHECK(WordFingerprint64(text.substr(0, text.size() - 1)) != original);
}

}  // namespace
}  // namespace fineprint
