#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/readers.h"
#include "reader_test_util.h"

namespace fineprint {
namespace {

using testing::SourceOf;
using testing::Texts;

Document Read(const std::string& input) {
  return testing::ReadChecked(ReadPlainText, input, testing::ClauseSpanCheck::kSkip);
}

TEST_CASE("Plain text: each non-blank line is a paragraph", "[read_text]") {
  const std::string input = "Privacy Policy\n\nWe collect data.\nWe share data.\n";
  const Document document = Read(input);
  CHECK(document.format == DocumentFormat::kPlainText);
  CHECK(document.title.empty());
  CHECK(Texts(document) ==
        std::vector<std::string>{"Privacy Policy", "We collect data.", "We share data."});
  for (const Block& block : document.blocks) {
    CHECK(block.kind == BlockKind::kParagraph);
    CHECK(block.level == 0);
  }
  CHECK(document.blocks[1].SourceStart(0) == 16);
  CHECK(document.blocks[1].SourceEnd(16) == 32);
}

TEST_CASE("Plain text: white space is folded and trimmed, offsets kept", "[read_text]") {
  const std::string input = "  Two\tspaces  here.  \n";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 1);
  const Block& block = document.blocks[0];
  CHECK(block.text == "Two spaces here.");
  CHECK(SourceOf(block, input) == "Two\tspaces  here.");
  CHECK(SourceOf(block, input, 4, 10) == "spaces");
}

TEST_CASE("Plain text: CRLF, lone CR and a byte-order mark", "[read_text]") {
  const std::string input = "\xEF\xBB\xBF" "First line.\r\nSecond line.\rThird.";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"First line.", "Second line.", "Third."});
  CHECK(document.blocks[0].SourceStart(0) == 3);  // offsets into the input as given
  CHECK(document.blocks[1].SourceStart(0) == 16);
  CHECK(SourceOf(document.blocks[2], input) == "Third.");
}

TEST_CASE("Plain text: Unicode is kept, Unicode spaces fold", "[read_text]") {
  const std::string input =
      "個人情報を収集します。\n"
      "نحن نجمع بياناتك.\n"
      "Emoji \xF0\x9F\x94\x92 lock\xC2\xA0" "and\xE3\x80\x80" "more 👍🏽\n";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{
                               "個人情報を収集します。", "نحن نجمع بياناتك.",
                               "Emoji \xF0\x9F\x94\x92 lock and more 👍🏽"});
  const Block& emoji = document.blocks[2];
  const uint32_t lock = static_cast<uint32_t>(emoji.text.find("lock"));
  CHECK(SourceOf(emoji, input, lock, lock + 8) == "lock\xC2\xA0" "and");
}

TEST_CASE("Plain text: hard-wrapped paragraphs are joined", "[read_text]") {
  // Wrapped at 60 columns, as a text editor or an email client does.
  const std::string input =
      "Terms of Service\n"
      "\n"
      "By using the service you agree to these terms, which govern\n"
      "your use of the service and any content that you post. We\n"
      "may change them at any time.\n"
      "\n"
      "Contact us at legal@example.com if you have any questions.\n";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{
            "Terms of Service",
            "By using the service you agree to these terms, which govern your use of the "
            "service and any content that you post. We may change them at any time.",
            "Contact us at legal@example.com if you have any questions."});
  const Block& joined = document.blocks[1];
  CHECK(joined.SourceStart(0) == 18);
  const auto govern = static_cast<uint32_t>(joined.text.find("govern your use"));
  CHECK(SourceOf(joined, input, govern, govern + 15) == "govern\nyour use");
  CHECK(joined.SourceEnd(static_cast<uint32_t>(joined.text.size())) ==
        input.find("any time.") + 9);
}

TEST_CASE("Plain text: lines are not joined without the evidence", "[read_text]") {
  SECTION("a short line before a lower-case line was broken on purpose") {
    // From the X privacy policy: a heading set on two lines.
    const Document document =
        Read("We collect some data\nabout you\nLearn what we collect & how\n");
    CHECK(document.blocks.size() == 3);
  }
  SECTION("sentence punctuation ends the line") {
    const std::string wrapped =
        "This line is long enough to have been wrapped by a tool, and\n"
        "it continues here but ends with a period after the wrap width.\n"
        "and this line starts lower case but the previous one ended.\n";
    const Document document = Read(wrapped);
    REQUIRE(document.blocks.size() == 2);
    CHECK(document.blocks[1].text.substr(0, 8) == "and this");
  }
  SECTION("an upper-case next line starts a new block") {
    const Document document = Read(
        "Some wrapped text that goes on for quite a while to the wrap\n"
        "Column and this line starts with a capital letter, so it's\n"
        "kept apart.\n");
    CHECK(document.blocks.size() == 2);
  }
  SECTION("text with long lines is not hard-wrapped at all") {
    std::string long_line(150, 'x');
    const Document document =
        Read(long_line + "\n" + "short line without a stop\n" + "continues lower case\n");
    CHECK(document.blocks.size() == 3);
  }
}

// The corpus labels/*.txt files are the reference text of the gold sentence
// spans: each line must come out as exactly one block spanning the line.
TEST_CASE("Plain text: corpus label files read one block per line", "[read_text][corpus]") {
  const auto files = testing::CorpusFiles("labels", ".txt");
  REQUIRE_FALSE(files.empty());
  for (const std::string& path : files) {
    INFO(path);
    const std::string input = testing::ReadFileOrEmpty(path);
    const Document document = Read(input);
    const std::vector<std::pair<uint32_t, uint32_t>> lines = testing::NonEmptyLines(input);
    REQUIRE(document.blocks.size() == lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const Block& block = document.blocks[i];
      INFO("line " << i);
      CHECK(block.SourceStart(0) == lines[i].first);
      CHECK(block.SourceEnd(static_cast<uint32_t>(block.text.size())) == lines[i].second);
      CHECK(block.text == input.substr(lines[i].first, lines[i].second - lines[i].first));
    }
  }
}

}  // namespace
}  // namespace fineprint
