// The document model (SourceRun mapping) and the reader entry points shared
// by every format: ValidateInput, ReadDocument, FormatForPath.
#include <catch2/catch.hpp>

#include <string>

#include "core/document.h"
#include "core/readers.h"

namespace fineprint {
namespace {

TEST_CASE("BlockKindName and DocumentFormatName spell the JSON names", "[document]") {
  CHECK(std::string(BlockKindName(BlockKind::kHeading)) == "heading");
  CHECK(std::string(BlockKindName(BlockKind::kParagraph)) == "paragraph");
  CHECK(std::string(BlockKindName(BlockKind::kListItem)) == "list_item");
  CHECK(std::string(BlockKindName(BlockKind::kTableCell)) == "table_cell");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kPlainText)) == "text");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kMarkdown)) == "markdown");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kHtml)) == "html");
}

TEST_CASE("AppendText merges contiguous copied text into one run", "[document]") {
  Block block;
  AppendText(block, "Hello", 10, 5);
  AppendText(block, " world", 15, 6);
  REQUIRE(block.runs.size() == 1);
  CHECK(block.text == "Hello world");
  CHECK(block.runs[0].text_length == 11);
  CHECK(block.runs[0].source_start == 10);
  CHECK(block.runs[0].source_length == 11);

  SECTION("a gap in the source starts a new run") {
    AppendText(block, "!", 40, 1);
    CHECK(block.runs.size() == 2);
  }
  SECTION("an atomic run is never merged") {
    AppendText(block, "&", 21, 5);  // "&amp;"
    AppendText(block, "x", 26, 1);
    REQUIRE(block.runs.size() == 3);
    CHECK(block.runs[1].text_length == 1);
    CHECK(block.runs[1].source_length == 5);
  }
  SECTION("empty text records nothing") {
    AppendText(block, "", 30, 3);
    CHECK(block.runs.size() == 1);
  }
}

TEST_CASE("SourceStart and SourceEnd map copied bytes one to one", "[document]") {
  // Source: "<p>Hello world</p>", text "Hello world" copied from offset 3.
  Block block;
  AppendText(block, "Hello world", 3, 11);
  CHECK(block.SourceStart(0) == 3);
  CHECK(block.SourceStart(6) == 9);
  CHECK(block.SourceEnd(5) == 8);
  CHECK(block.SourceEnd(11) == 14);
  CHECK(block.SourceStart(11) == 14);  // the end of the block
}

TEST_CASE("Atomic runs map only their two ends", "[document]") {
  // Source "A &amp; B": text "A & B".
  const std::string source = "A &amp; B";
  Block block;
  AppendText(block, "A ", 0, 2);
  AppendText(block, "&", 2, 5);
  AppendText(block, " B", 7, 2);
  REQUIRE(block.text == "A & B");
  CHECK(block.SourceStart(2) == 2);  // the '&' starts where "&amp;" starts
  CHECK(block.SourceEnd(3) == 7);    // and ends where it ends
  CHECK(block.SourceStart(3) == 7);
  CHECK(source.substr(block.SourceStart(2), block.SourceEnd(5) - block.SourceStart(2)) ==
        "&amp; B");

  SECTION("a multi-byte atomic text maps every inner offset to the run's ends") {
    Block quote;
    AppendText(quote, "\xE2\x80\x99", 4, 7);  // "&rsquo;" -> U+2019
    CHECK(quote.SourceStart(1) == 4);
    CHECK(quote.SourceEnd(2) == 11);
  }
}

TEST_CASE("Text not covered by a run maps to the nearest run boundary", "[document]") {
  Block block;
  block.text = "ab cd";
  block.runs.push_back(SourceRun{0, 2, 10, 2});
  block.runs.push_back(SourceRun{3, 2, 20, 2});  // text byte 2 has no run
  CHECK(block.SourceStart(2) == 20);
  CHECK(block.SourceEnd(3) == 12);
  CHECK(block.SourceEnd(5) == 22);

  SECTION("a block without runs maps to 0") {
    Block empty;
    empty.text = "x";
    CHECK(empty.SourceStart(0) == 0);
    CHECK(empty.SourceEnd(1) == 0);
  }
}

TEST_CASE("ValidateInput rejects what no reader accepts", "[document][readers]") {
  CHECK(ValidateInput("").ok());
  CHECK(ValidateInput("plain ASCII").ok());
  CHECK(ValidateInput("\xEF\xBB\xBF" "BOM then text").ok());
  CHECK(ValidateInput("emoji \xF0\x9F\x94\x92 and 日本語 and العربية").ok());

  SECTION("NUL bytes mark a binary file") {
    const auto result = ValidateInput(std::string("abc\0def", 7));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "binary file: NUL byte at byte offset 3");
  }
  SECTION("invalid UTF-8 is reported with its offset") {
    const auto result = ValidateInput("caf\xC3(");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "invalid UTF-8 at byte offset 3");
  }
  SECTION("an overlong encoding is invalid") {
    const auto result = ValidateInput("ab\xC0\xAF");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "invalid UTF-8 at byte offset 2");
  }
  SECTION("input over kMaxInputBytes is refused before it is scanned") {
    const std::string big(kMaxInputBytes + 1, 'a');
    const auto result = ValidateInput(big);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("over the limit") != std::string::npos);
  }
  SECTION("every reader reports the same error and does not throw") {
    const std::string bad = "ok\xFF";
    for (const DocumentFormat format :
         {DocumentFormat::kPlainText, DocumentFormat::kMarkdown, DocumentFormat::kHtml}) {
      const auto result = ReadDocument(bad, format);
      REQUIRE_FALSE(result.ok());
      CHECK(result.error().message == "invalid UTF-8 at byte offset 2");
    }
  }
}

TEST_CASE("Empty input is a document with no blocks", "[document][readers]") {
  for (const DocumentFormat format :
       {DocumentFormat::kPlainText, DocumentFormat::kMarkdown, DocumentFormat::kHtml}) {
    for (const char* input : {"", "\xEF\xBB\xBF", "   \n\n\t \r\n"}) {
      const auto result = ReadDocument(input, format);
      REQUIRE(result.ok());
      CHECK(result.value().blocks.empty());
      CHECK(result.value().title.empty());
      CHECK(result.value().format == format);
    }
  }
}

TEST_CASE("ReadDocument dispatches on the format", "[document][readers]") {
  const std::string input = "# Title\n\nText.";
  CHECK(ReadDocument(input, DocumentFormat::kMarkdown).value().blocks.size() == 2);
  CHECK(ReadDocument(input, DocumentFormat::kMarkdown).value().title == "Title");
  CHECK(ReadDocument(input, DocumentFormat::kPlainText).value().blocks[0].text == "# Title");
  CHECK(ReadDocument("<h1>T</h1>", DocumentFormat::kHtml).value().title == "T");
}

TEST_CASE("FormatForPath goes by the extension, ignoring case", "[document][readers]") {
  CHECK(FormatForPath("policy.md") == DocumentFormat::kMarkdown);
  CHECK(FormatForPath("dir.v2/policy.MARKDOWN") == DocumentFormat::kMarkdown);
  CHECK(FormatForPath("/a/b/page.html") == DocumentFormat::kHtml);
  CHECK(FormatForPath("C:\\pages\\page.HTM") == DocumentFormat::kHtml);
  CHECK(FormatForPath("terms.txt") == DocumentFormat::kPlainText);
  CHECK(FormatForPath("README") == DocumentFormat::kPlainText);
  CHECK(FormatForPath("archive.md/notes") == DocumentFormat::kPlainText);
  CHECK(FormatForPath("") == DocumentFormat::kPlainText);
}

}  // namespace
}  // namespace fineprint
