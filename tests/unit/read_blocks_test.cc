#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/readers.h"
#include "reader_test_util.h"

namespace fineprint {
namespace {

using testing::CheckDocument;
using testing::LinkList;
using testing::LinksOf;
using testing::SourceOf;
using testing::Texts;

Document Read(const std::string& json, std::string* source) {
  const auto result = ReadBlocksJson(json, source);
  if (!result.ok()) FAIL(result.error().message);
  CheckDocument(result.value(), *source);
  return result.value();
}

std::string ErrorOf(const std::string& json) {
  std::string source;
  const auto result = ReadBlocksJson(json, &source);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

TEST_CASE("Blocks JSON: kinds, levels, title and the joined source", "[read_blocks]") {
  const std::string json = R"({
    "title": "  Terms \n of Service ",
    "blocks": [
      {"kind": "heading", "level": 2, "text": "Terms of Service"},
      {"kind": "paragraph", "text": "  We collect\n   data.  "},
      {"kind": "list_item", "level": 3, "text": "Cookies"},
      {"kind": "table_cell", "text": "Purpose"},
      {"text": "No kind means a paragraph."}
    ]})";
  std::string source;
  const Document document = Read(json, &source);
  CHECK(source ==
        "Terms of Service\n  We collect\n   data.  \nCookies\nPurpose\nNo kind means a paragraph.");
  CHECK(document.source_size == source.size());
  CHECK(document.format == DocumentFormat::kHtml);
  CHECK(document.title == "Terms of Service");
  CHECK(Texts(document) == std::vector<std::string>{"Terms of Service", "We collect data.",
                                                    "Cookies", "Purpose",
                                                    "No kind means a paragraph."});
  CHECK(document.blocks[0].kind == BlockKind::kHeading);
  CHECK(document.blocks[0].level == 2);
  CHECK(document.blocks[1].kind == BlockKind::kParagraph);
  CHECK(document.blocks[1].level == 0);
  CHECK(document.blocks[2].kind == BlockKind::kListItem);
  CHECK(document.blocks[2].level == 3);
  CHECK(document.blocks[3].kind == BlockKind::kTableCell);
  CHECK(document.blocks[4].kind == BlockKind::kParagraph);
  // Folded white space maps back to what the page had.
  CHECK(SourceOf(document.blocks[1], source) == "We collect\n   data.");
  CHECK(document.blocks[1].SourceStart(0) == 19);
}

TEST_CASE("Blocks JSON: defaults, clamping and empty blocks", "[read_blocks]") {
  std::string source;
  const Document document = Read(R"({"blocks": [
      {"kind": "heading", "text": "Default level"},
      {"kind": "heading", "level": 9, "text": "Too deep"},
      {"kind": "list_item", "level": 0, "text": "Too shallow"},
      {"kind": "paragraph", "level": 4, "text": "Paragraphs have no level"},
      {"kind": "table_cell", "level": 3, "table": 2, "table_header": true, "text": "A cell's level is its column"},
      {"kind": "table_cell", "level": -2, "text": "Unknown column"},
      {"kind": "paragraph", "table": 4, "table_header": true, "text": "Not a cell"},
      {"kind": "paragraph", "text": " \n\t "},
      {"kind": "paragraph", "level": null, "text": ""}
    ]})",
                                 &source);
  REQUIRE(document.blocks.size() == 7);  // white-space blocks make none
  CHECK(document.title == "Default level");  // no title: the first heading
  CHECK(document.blocks[0].level == 1);
  CHECK(document.blocks[1].level == 6);
  CHECK(document.blocks[2].level == 1);
  CHECK(document.blocks[3].level == 0);
  CHECK(document.blocks[4].level == 3);
  CHECK(document.blocks[4].table == 2);
  CHECK(document.blocks[4].table_header);
  CHECK(document.blocks[5].level == 0);
  CHECK(document.blocks[5].table == 0);
  CHECK_FALSE(document.blocks[5].table_header);
  CHECK(document.blocks[6].table == 0);  // only cells are in tables
  CHECK_FALSE(document.blocks[6].table_header);
  // Every block's text is still in the source, empty ones included.
  CHECK(source ==
        "Default level\nToo deep\nToo shallow\nParagraphs have no level\nA cell's level is its "
        "column\nUnknown column\nNot a cell\n \n\t \n");
}

TEST_CASE("Blocks JSON: Unicode escapes, emoji and non-Latin text", "[read_blocks]") {
  std::string source;
  const Document document = Read(
      R"({"blocks": [{"text": "\u65e5\u672c\u8a9e \ud83d\udd12 caf\u00e9"},
                     {"text": "نحن نجمع بياناتك"}, {"text": "👍🏽 ok"}]})",
      &source);
  CHECK(Texts(document) ==
        std::vector<std::string>{"日本語 🔒 café", "نحن نجمع بياناتك", "👍🏽 ok"});
  CHECK(SourceOf(document.blocks[0], source, 10, 14) == "🔒");
}

TEST_CASE("Blocks JSON: a byte-order mark is allowed", "[read_blocks]") {
  std::string source;
  const Document document = Read("\xEF\xBB\xBF{\"blocks\": [{\"text\": \"x\"}]}", &source);
  CHECK(source == "x");
  CHECK(document.blocks.size() == 1);
}

TEST_CASE("Blocks JSON: a null source pointer is allowed", "[read_blocks]") {
  const auto result = ReadBlocksJson(R"({"blocks": [{"text": "x"}]})", nullptr);
  REQUIRE(result.ok());
  CHECK(result.value().blocks.size() == 1);
}

TEST_CASE("Blocks JSON: the page's url is handed back as given", "[read_blocks]") {
  std::string source, url = "stale";
  REQUIRE(ReadBlocksJson(R"({"url": "https://help.x.com/en", "blocks": [{"text": "x"}]})", &source, &url).ok());
  CHECK(url == "https://help.x.com/en");
  REQUIRE(ReadBlocksJson(R"({"url": null, "blocks": [{"text": "x"}]})", &source, &url).ok());
  CHECK(url.empty());
  CHECK(ReadBlocksJson(R"({"url": 7, "blocks": [{"text": "x"}]})", &source, &url).error().message ==
        "blocks JSON: \"url\" is not a string");
}

TEST_CASE("Blocks JSON: links count UTF-16 code units of the text as given", "[read_blocks]") {
  // "😀" is two UTF-16 units and four bytes; the text's spaces fold, the
  // offsets are of the text as sent.
  std::string source;
  const Document document = Read(
      R"({"blocks": [{"text": "Intro"},
                     {"text": "\ud83d\ude00  Go to  your settings, or Привет форму.",
                      "links": [{"start": 10, "end": 24, "href": " https://x.com/settings/account "},
                                {"start": 36, "end": 41, "href": "https://example.com/форма"},
                                {"start": 3, "end": 4, "href": "https://space.example/"}]},
                     {"text": "No links here", "links": []}]})",
      &source);
  REQUIRE(document.blocks.size() == 3);
  CHECK(LinksOf(document.blocks[0]).empty());
  CHECK(LinksOf(document.blocks[1]) == LinkList{
      {"your settings", "https://x.com/settings/account"},
      {"форму", "https://example.com/форма"}});
  CHECK(LinksOf(document.blocks[2]).empty());
}

TEST_CASE("Blocks JSON: errors name what and where", "[read_blocks]") {
  CHECK(ErrorOf(R"({"blocks": [}")") == "blocks JSON: syntax error at byte offset 12");
  CHECK(ErrorOf("") == "blocks JSON: syntax error at byte offset 0");
  CHECK(ErrorOf(R"({"blocks": []} trailing)") ==
        "blocks JSON: syntax error at byte offset 17");  // "tra" is not "true"
  CHECK(ErrorOf("[1, 2]") == "blocks JSON: the top level is not an object");
  CHECK(ErrorOf(R"({"title": "x"})") ==
        "blocks JSON: \"blocks\" is missing or not an array");
  CHECK(ErrorOf(R"({"blocks": {}})") ==
        "blocks JSON: \"blocks\" is missing or not an array");
  CHECK(ErrorOf(R"({"blocks": [{"text": "a"}, 7]})") ==
        "blocks JSON: block 1 is not an object");
  CHECK(ErrorOf(R"({"blocks": [{"kind": "heading"}]})") ==
        "blocks JSON: block 0 has no \"text\" string");
  CHECK(ErrorOf(R"({"blocks": [{"text": 5}]})") ==
        "blocks JSON: block 0 has no \"text\" string");
  CHECK(ErrorOf(R"({"blocks": [{"kind": "footer", "text": "x"}]})").find(
            "block 0 has an unknown \"kind\"") != std::string::npos);
  CHECK(ErrorOf(R"({"blocks": [{"kind": 3, "text": "x"}]})").find("unknown \"kind\"") !=
        std::string::npos);
  CHECK(ErrorOf(R"({"blocks": [{"level": "2", "text": "x"}]})") ==
        "blocks JSON: block 0 has a non-integer \"level\"");
  CHECK(ErrorOf(R"({"blocks": [{"level": 1.5, "text": "x"}]})") ==
        "blocks JSON: block 0 has a non-integer \"level\"");
  CHECK(ErrorOf(R"({"blocks": [{"kind": "table_cell", "table": -1, "text": "x"}]})") ==
        "blocks JSON: block 0 has a \"table\" that is not a whole number from 0");
  CHECK(ErrorOf(R"({"blocks": [{"kind": "table_cell", "table": "1", "text": "x"}]})") ==
        "blocks JSON: block 0 has a \"table\" that is not a whole number from 0");
  CHECK(ErrorOf(R"({"blocks": [{"kind": "table_cell", "table": 1, "table_header": 1, "text": "x"}]})") ==
        "blocks JSON: block 0 has a non-boolean \"table_header\"");
  CHECK(ErrorOf(R"({"blocks": [{"text": "a\u0000b"}]})") ==
        "blocks JSON: block 0 text contains a NUL");
  CHECK(ErrorOf(R"({"title": 1, "blocks": []})") == "blocks JSON: \"title\" is not a string");
  CHECK(ErrorOf(R"({"blocks": [{"text": "a", "links": {}}]})") ==
        "blocks JSON: block 0 has \"links\" that is not a list");
  const std::string bad_link = "blocks JSON: block 1 has a link that is not {\"start\", \"end\", \"href\"} with "
                               "0 <= start <= end <= the text's length in UTF-16 code units";
  for (const char* link : {R"({"start": 0, "end": 1})", R"({"start": 0, "end": 3, "href": "h"})",
                           R"({"start": 2, "end": 1, "href": "h"})", R"({"start": -1, "end": 1, "href": "h"})",
                           R"({"start": 0, "end": 1.5, "href": "h"})", R"({"start": 0, "end": 1, "href": 7})",
                           R"([0, 1, "h"])"}) {
    INFO(link);
    CHECK(ErrorOf(std::string(R"({"blocks": [{"text": "a"}, {"text": "\ud83d\ude00", "links": [)") + link +
                  "]}]}") == bad_link);
  }
  CHECK(ErrorOf(R"({"blocks": [{"text": "\ud800"}]})").find("syntax error") !=
        std::string::npos);
  CHECK(ErrorOf("{\"blocks\": [{\"text\": \"bad \xFF\"}]}") ==
        "blocks JSON: invalid UTF-8 at byte offset 26");
  CHECK(ErrorOf(std::string("{\"blocks\"\0:[]}", 14)) ==
        "blocks JSON: binary file: NUL byte at byte offset 9");
}

TEST_CASE("Blocks JSON: hostile nesting is an error, not a crash", "[read_blocks]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(ErrorOf(deep) == "blocks JSON: the top level is not an object");
  const std::string unclosed(100000, '{');
  CHECK(ErrorOf(unclosed).find("syntax error") != std::string::npos);
}

TEST_CASE("Blocks JSON: an optional navigation flag", "[read_blocks]") {
  std::string source;
  const Document document = Read(
      R"({"blocks": [{"kind": "list_item", "text": "8. Changes", "navigation": true},
                     {"kind": "list_item", "text": "We may change this policy."}]})",
      &source);
  REQUIRE(document.blocks.size() == 2);
  CHECK(document.blocks[0].navigation);
  CHECK_FALSE(document.blocks[1].navigation);
  CHECK(ErrorOf(R"({"blocks": [{"text": "x", "navigation": "yes"}]})").find("navigation") !=
        std::string::npos);
}

}  // namespace
}  // namespace fineprint
