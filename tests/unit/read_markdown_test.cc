#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/readers.h"
#include "reader_test_util.h"

namespace fineprint {
namespace {

using testing::ClauseSpanCheck;
using testing::LinkList;
using testing::LinksOf;
using testing::SourceOf;
using testing::Texts;

Document Read(const std::string& input) {
  return testing::ReadChecked(ReadMarkdown, input, ClauseSpanCheck::kCheck);
}

TEST_CASE("Markdown: emphasis and links reduce to their text, runs point back",
          "[read_markdown]") {
  const std::string input =
      "* **Third-party collaborators.** Depending on your "
      "[settings](https://x.com/settings/account), or if you decide to share.";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 1);
  const Block& block = document.blocks[0];
  CHECK(block.kind == BlockKind::kListItem);
  CHECK(block.level == 1);
  CHECK(block.text ==
        "Third-party collaborators. Depending on your settings, or if you decide to share.");
  // The first sentence maps to the bold text without its markers...
  CHECK(SourceOf(block, input, 0, 26) == "Third-party collaborators.");
  // ...the link text to the link text, and a span across the link to the
  // source with the URL inside it.
  const uint32_t settings = static_cast<uint32_t>(block.text.find("settings"));
  CHECK(SourceOf(block, input, settings, settings + 8) == "settings");
  CHECK(SourceOf(block, input, settings, settings + 12) ==
        "settings](https://x.com/settings/account), or");
  CHECK(SourceOf(block, input, 27, static_cast<uint32_t>(block.text.size())) ==
        input.substr(input.find("Depending")));
}

TEST_CASE("Markdown: links keep their targets; images and in-page links are not links",
          "[read_markdown]") {
  const std::string input =
      "Depending on your [settings](https://x.com/settings/account \"Your settings\"), see "
      "[**our form**]( <https://example.com/a form> ), ![a logo](https://example.com/logo.png), "
      "[section 2](#s2) or [![icon](i.png) help](https://help.example.com/).\n\n"
      "| Control | Where |\n|---|---|\n| Ads | [Ad Preferences](https://example.com/ads) |\n";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 5);  // the paragraph, then a block per cell
  CHECK(LinksOf(document.blocks[0]) == LinkList{
      {"settings", "https://x.com/settings/account"},
      {"our form", "https://example.com/a form"},
      {"icon help", "https://help.example.com/"}});
  for (size_t i = 1; i < 4; ++i) CHECK(LinksOf(document.blocks[i]).empty());
  CHECK(LinksOf(document.blocks[4]) == LinkList{{"Ad Preferences", "https://example.com/ads"}});
}

TEST_CASE("Markdown: setext and ATX headings, title from the first", "[read_markdown]") {
  const Document document = Read(
      "X Privacy Policy\n"
      "================\n"
      "\n"
      "Before you scroll, read this\n"
      "----------------------------\n"
      "\n"
      "### Third level ###\n"
      "#### Fourth *level*\n"
      "#hashtag is text\n");
  CHECK(document.title == "X Privacy Policy");
  REQUIRE(document.blocks.size() == 5);
  CHECK(document.blocks[0].kind == BlockKind::kHeading);
  CHECK(document.blocks[0].level == 1);
  CHECK(document.blocks[1].text == "Before you scroll, read this");
  CHECK(document.blocks[1].level == 2);
  CHECK(document.blocks[2].text == "Third level");
  CHECK(document.blocks[2].level == 3);
  CHECK(document.blocks[3].text == "Fourth level");
  CHECK(document.blocks[3].level == 4);
  CHECK(document.blocks[4].kind == BlockKind::kParagraph);
  CHECK(document.blocks[4].text == "#hashtag is text");
}

TEST_CASE("Markdown: a bold line is a heading below the current one", "[read_markdown]") {
  const Document document = Read(
      "1\\. Information We Collect\n"
      "--------------------------\n"
      "\n"
      "**1.1 Information you provide us.**\n"
      "\n"
      "**Personal Accounts.** If you create an account, you provide a name.\n"
      "\n"
      "**THIS IS A VERY LONG BOLD DISCLAIMER THAT GOES ON AND ON ABOUT WARRANTIES AND "
      "LIABILITY AND IS CLEARLY NOT A HEADING AT ALL, EVEN THOUGH IT IS ALL BOLD.**\n");
  REQUIRE(document.blocks.size() == 4);
  CHECK(document.blocks[0].text == "1. Information We Collect");
  CHECK(document.blocks[0].level == 2);
  CHECK(document.blocks[1].text == "1.1 Information you provide us.");
  CHECK(document.blocks[1].kind == BlockKind::kHeading);
  CHECK(document.blocks[1].level == 3);
  CHECK(document.blocks[2].kind == BlockKind::kParagraph);
  CHECK(document.blocks[3].kind == BlockKind::kParagraph);
}

TEST_CASE("Markdown: table-of-contents links and backslash escapes", "[read_markdown]") {
  const std::string input =
      "* [1\\. Information We Collect](#chapter1)\n"
      "* [10\\. How To Contact X](#chapter10 \"How to contact Twitter\")\n"
      "\n"
      "Use [Meta Products\\[1\\]](#annotation-1) \\*not\\* `a*b`.\n";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{"1. Information We Collect",
                                                    "10. How To Contact X",
                                                    "Use Meta Products[1] *not* a*b."});
  const Block& escaped = document.blocks[0];
  CHECK(SourceOf(escaped, input, 0, 2) == "1\\.");
  CHECK(escaped.runs.size() == 3);  // "1", "\." -> ".", " Information We Collect"
}

TEST_CASE("Markdown: hard line breaks end the block", "[read_markdown]") {
  const std::string input =
      "**We collect some data  \n"
      "about you**\n"
      "\n"
      "X Corp.  \n"
      "Attn: Copyright Agent\\\n"
      "Bastrop, TX 78602\n"
      "\n"
      "Trailing spaces at the end of a paragraph are nothing.  \n";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"We collect some data", "about you", "X Corp.",
                                 "Attn: Copyright Agent", "Bastrop, TX 78602",
                                 "Trailing spaces at the end of a paragraph are nothing."});
  CHECK(SourceOf(document.blocks[1], input) == "about you");
}

TEST_CASE("Markdown: soft line breaks are spaces", "[read_markdown]") {
  const std::string input = "One paragraph\nover two lines.\r\n";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 1);
  CHECK(document.blocks[0].text == "One paragraph over two lines.");
  CHECK(SourceOf(document.blocks[0], input) == "One paragraph\nover two lines.");
}

TEST_CASE("Markdown: nested and ordered lists", "[read_markdown]") {
  const Document document = Read(
      "* Cookies\n"
      "    * Technologies used for [Advertising](https://x.com/ads)\n"
      "        * Deeper\n"
      "    * Second child\n"
      "* Back to the top\n"
      "continued lazily\n"
      "\n"
      "1. First\n"
      "2) Second\n"
      "\n"
      "   An indented paragraph inside the item.\n"
      "\n"
      "Not in the list.\n"
      "\n"
      "- \n"
      "+ Plus item\n");
  const std::vector<std::pair<std::string, int>> expected = {
      {"Cookies", 1}, {"Technologies used for Advertising", 2}, {"Deeper", 3},
      {"Second child", 2}, {"Back to the top continued lazily", 1}, {"First", 1},
      {"Second", 1}, {"An indented paragraph inside the item.", 0},
      {"Not in the list.", 0}, {"Plus item", 1}};
  REQUIRE(document.blocks.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(document.blocks[i].text == expected[i].first);
    CHECK(document.blocks[i].level == expected[i].second);
  }
  CHECK(document.blocks[7].kind == BlockKind::kParagraph);
}

TEST_CASE("Markdown: an ordered list may interrupt a paragraph only at 1",
          "[read_markdown]") {
  const Document document = Read("The year was\n2023. Then things changed.\n");
  REQUIRE(document.blocks.size() == 1);
  CHECK(document.blocks[0].text == "The year was 2023. Then things changed.");
}

TEST_CASE("Markdown: sections nested in list items, as LinkedIn's are", "[read_markdown]") {
  const Document document = Read(
      "1. Introduction\n"
      "    ------------\n"
      "    \n"
      "    We are a social network.\n"
      "    \n"
      "    ### Services\n"
      "    \n"
      "    This Privacy Policy applies.\n"
      "    \n"
      "2. 1\\. Data We Collect\n"
      "    -------------------\n");
  REQUIRE(document.blocks.size() == 5);
  CHECK(document.blocks[0].text == "Introduction");
  CHECK(document.blocks[0].kind == BlockKind::kHeading);
  CHECK(document.blocks[0].level == 2);
  CHECK(document.blocks[1].text == "We are a social network.");
  CHECK(document.blocks[2].text == "Services");
  CHECK(document.blocks[2].kind == BlockKind::kHeading);
  CHECK(document.blocks[2].level == 3);
  CHECK(document.blocks[4].text == "1. Data We Collect");
  CHECK(document.blocks[4].kind == BlockKind::kHeading);
}

TEST_CASE("Markdown: thematic breaks are not list items", "[read_markdown]") {
  const Document document = Read("Before\n\n* * *\n\n- - -\n***\nAfter\n");
  CHECK(Texts(document) == std::vector<std::string>{"Before", "After"});
}

TEST_CASE("Markdown: pipe tables give one block per cell", "[read_markdown]") {
  const std::string input =
      "|     |     |\n"
      "| --- | --- |\n"
      "| **Purpose** | **Legal basis** |\n"
      "| To provide the Services | * Account Information<br>    <br>* User Content |\n"
      "| Safety<br><br>Security | a \\| b |\n"
      "\n"
      "After the table.\n";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Purpose", "Legal basis", "To provide the Services",
                                 "Account Information", "User Content", "Safety",
                                 "Security", "a | b", "After the table."});
  for (size_t i = 0; i + 1 < document.blocks.size(); ++i) {
    CHECK(document.blocks[i].kind == BlockKind::kTableCell);
  }
  // A cell's level is its column; the pieces of a cell split at <br> keep it,
  // and the empty header cells still count. (This table's header row is
  // empty: none of its cells is a header.)
  std::vector<int> levels;
  for (const Block& block : document.blocks) levels.push_back(block.level);
  CHECK(levels == std::vector<int>{1, 2, 1, 2, 2, 1, 1, 2, 0});
  for (const Block& block : document.blocks) {
    CHECK(block.table == (block.kind == BlockKind::kTableCell ? 1u : 0u));
    CHECK_FALSE(block.table_header);
  }
  CHECK(document.blocks.back().kind == BlockKind::kParagraph);
  CHECK(SourceOf(document.blocks[4], input) == "User Content");
}

TEST_CASE("Markdown: each table is numbered and its header row marked", "[read_markdown]") {
  const Document document = Read(
      "| Data | Retention period |\n| --- | --- |\n| Logs | 90 days |\n\n"
      "| Plan | Price |\n|---|---|\n| Monthly | 30 days free |\n\nAfter.\n");
  std::vector<std::tuple<std::string, int, uint32_t, bool>> blocks;
  for (const Block& block : document.blocks) {
    blocks.emplace_back(block.text, block.level, block.table, block.table_header);
  }
  CHECK(blocks == std::vector<std::tuple<std::string, int, uint32_t, bool>>{
                      {"Data", 1, 1, true}, {"Retention period", 2, 1, true}, {"Logs", 1, 1, false},
                      {"90 days", 2, 1, false}, {"Plan", 1, 2, true}, {"Price", 2, 2, true},
                      {"Monthly", 1, 2, false}, {"30 days free", 2, 2, false}, {"After.", 0, 0, false}});
}

TEST_CASE("Markdown: inline HTML, images, code, entities and autolinks",
          "[read_markdown]") {
  const std::string input =
      "Text <span class=\"x\">inside</span> a tag<!-- a comment -->.\n"
      "\n"
      "![Company logo](logo.png \"Logo\") Our logo.\n"
      "\n"
      "`123.45.67.89` is an IP address.\n"
      "\n"
      "AT&amp;T&nbsp;and &copy; 2024 &#8217;&#x2019; &bogus; a & b.\n"
      "\n"
      "Write to <privacy@x.com> or see <https://x.com/tos>.\n";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Text inside a tag.", "Company logo Our logo.",
                                 "123.45.67.89 is an IP address.",
                                 "AT&T and © 2024 ’’ &bogus; a & b.",
                                 "Write to privacy@x.com or see https://x.com/tos."});
  const Block& entities = document.blocks[3];
  CHECK(SourceOf(entities, input, 0, 4) == "AT&amp;T");
  CHECK(SourceOf(entities, input, 2, 3) == "&amp;");
}

TEST_CASE("Markdown: stray and literal emphasis characters", "[read_markdown]") {
  const Document document = Read(
      "Unpaired bold at the end.**\n"
      "\n"
      "**\n"
      "\n"
      "Prices marked * exclude tax, as does 5 * 3, and snake_case_name stays.\n"
      "\n"
      "_“_Renewal Term_”_ means the renewal term.\n"
      "\n"
      "***Bold italic*** and __strong__ and _em_.\n");
  CHECK(Texts(document) ==
        std::vector<std::string>{
            "Unpaired bold at the end.",
            "Prices marked * exclude tax, as does 5 * 3, and snake_case_name stays.",
            "“Renewal Term” means the renewal term.", "Bold italic and strong and em."});
}

TEST_CASE("Markdown: links that are not links stay text", "[read_markdown]") {
  const Document document = Read(
      "See [1] and [this] (not a link) and [[email protected]](https://x.com/cdn).\n"
      "\n"
      "An [unclosed bracket and a ] stray one.\n"
      "\n"
      "[ref]: https://example.com/reference \"Title\"\n"
      "\n"
      "[1]: See the notes below.\n"
      "\n"
      "Link with (parens) [in URL](https://en.wikipedia.org/wiki/Foo_(bar)) works.\n");
  CHECK(Texts(document) ==
        std::vector<std::string>{
            "See [1] and [this] (not a link) and [email protected].",
            "An [unclosed bracket and a ] stray one.", "[1]: See the notes below.",
            "Link with (parens) in URL works."});
}

TEST_CASE("Markdown: block quotes and fenced code", "[read_markdown]") {
  const std::string input =
      "> Quoted text\n"
      "> continues here.\n"
      "\n"
      "```\n"
      "code line one\n"
      "code *line* two\n"
      "```\n";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{"Quoted text continues here.",
                                                    "code line one code *line* two"});
}

TEST_CASE("Markdown: non-Latin text and emoji", "[read_markdown]") {
  const std::string input =
      "# プライバシーポリシー\n"
      "\n"
      "当社は**個人情報**を収集します。詳しくは[こちら](https://example.jp)。\n"
      "\n"
      "* نحن **نجمع** بياناتك 🔒\n";
  const Document document = Read(input);
  CHECK(document.title == "プライバシーポリシー");
  CHECK(Texts(document) == std::vector<std::string>{
                               "プライバシーポリシー",
                               "当社は個人情報を収集します。詳しくはこちら。",
                               "نحن نجمع بياناتك 🔒"});
  const Block& japanese = document.blocks[1];
  const uint32_t start = static_cast<uint32_t>(japanese.text.find("個人情報"));
  CHECK(SourceOf(japanese, input, start, start + 12) == "個人情報");
}

TEST_CASE("Markdown: CRLF and a byte-order mark", "[read_markdown]") {
  const std::string input = "\xEF\xBB\xBFTitle\r\n=====\r\n\r\n* Item  \r\nnext\r\n";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{"Title", "Item", "next"});
  CHECK(document.blocks[0].SourceStart(0) == 3);
}

TEST_CASE("Markdown: malformed input never fails", "[read_markdown]") {
  for (const char* input :
       {"[", "](", "![", "**", "`", "``x`", "<", "<a href=\"", "&", "&#", "&#x;", "\\",
        "|", "| --- |", "1.", "* ", "#", "######## x", "> ", "```", "[a](b \"c)", "<!--",
        "_*_*", "[x](<y)"}) {
    INFO(input);
    testing::ReadChecked(ReadMarkdown, input, ClauseSpanCheck::kSkip);
  }
}

// The corpus labels were made from these Markdown files, one block per line;
// where the labels' converter read the Markdown right, so must we.
TEST_CASE("Markdown: corpus documents read as their label text", "[read_markdown][corpus]") {
  for (const char* name :
       {"x-twitter__privacy-policy__2024-11-16", "x-twitter__terms-of-service__2024-11-16",
        "x-twitter__developer-agreement__2025-06-04", "discord__privacy-policy__2025-09-01"}) {
    INFO(name);
    std::string path = name;
    for (size_t at = path.find("__"); at != std::string::npos; at = path.find("__")) {
      path.replace(at, 2, "/");
    }
    const std::string markdown = testing::ReadFileOrEmpty(testing::CorpusPath("policies/" + path + ".md"));
    const std::string labels =
        testing::ReadFileOrEmpty(testing::CorpusPath(std::string("labels/") + name + ".txt"));
    REQUIRE_FALSE(markdown.empty());
    std::vector<std::string> lines;
    for (const auto& [start, end] : testing::NonEmptyLines(labels)) {
      lines.push_back(labels.substr(start, end - start));
    }
    CHECK(Texts(Read(markdown)) == lines);
  }
}

TEST_CASE("Markdown: every corpus document maps every clause back", "[read_markdown][corpus]") {
  const auto files = testing::CorpusFiles("policies", ".md");
  REQUIRE(files.size() >= 40);
  size_t blocks = 0;
  for (const std::string& path : files) {
    INFO(path);
    const std::string input = testing::ReadFileOrEmpty(path);
    const Document document = Read(input);
    CHECK(document.blocks.size() > 20);
    CHECK_FALSE(document.title.empty());
    blocks += document.blocks.size();
  }
  CHECK(blocks > 5000);
}

TEST_CASE("Markdown: a list item that is one in-page link is navigation", "[read_markdown]") {
  const std::string input =
      "*   [8\\. Changes To This Privacy Policy](#chapter8)\n"
      "*   **[Contact us](#contact)**\n"
      "*   See [our changes](#chapter8) for details.\n"
      "*   [Changes](https://example.com/changes)\n"
      "\n"
      "[Back to top](#top)\n";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 5);
  CHECK(document.blocks[0].text == "8. Changes To This Privacy Policy");
  CHECK(document.blocks[0].navigation);
  CHECK(document.blocks[1].navigation);
  CHECK_FALSE(document.blocks[2].navigation);  // text outside the link
  CHECK_FALSE(document.blocks[3].navigation);  // not an in-page link
  CHECK(document.blocks[4].navigation);
}

}  // namespace
}  // namespace fineprint
