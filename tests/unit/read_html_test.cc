#include <catch2/catch.hpp>

#include <string>
#include <tuple>
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

Document Read(const std::string& input, ClauseSpanCheck clause_spans = ClauseSpanCheck::kCheck) {
  return testing::ReadChecked(ReadHtml, input, clause_spans);
}

TEST_CASE("HTML: blocks, kinds and levels", "[read_html]") {
  const std::string input =
      "<!DOCTYPE html>\n"
      "<html><head><title>Privacy &amp; Terms</title>\n"
      "<meta charset=\"utf-8\"><link rel=stylesheet href=a.css></head>\n"
      "<body>\n"
      "<h1>Privacy Policy</h1>\n"
      "<p>We collect <b>some</b> data.</p>\n"
      "<h3 id=\"s2\">Sharing</h3>\n"
      "<ul><li>Partners<ul><li>Advertisers</li></ul></li><li>Affiliates</li></ul>\n"
      "<table><tr><th>Purpose</th><td>Legal basis</td></tr></table>\n"
      "<dl><dt>Data</dt><dd>Information about you.</dd></dl>\n"
      "<blockquote>Quoted.</blockquote>\n"
      "</body></html>\n";
  const Document document = Read(input);
  CHECK(document.format == DocumentFormat::kHtml);
  CHECK(document.title == "Privacy & Terms");
  const std::vector<std::tuple<std::string, BlockKind, int>> expected = {
      {"Privacy Policy", BlockKind::kHeading, 1},
      {"We collect some data.", BlockKind::kParagraph, 0},
      {"Sharing", BlockKind::kHeading, 3},
      {"Partners", BlockKind::kListItem, 1},
      {"Advertisers", BlockKind::kListItem, 2},
      {"Affiliates", BlockKind::kListItem, 1},
      {"Purpose", BlockKind::kTableCell, 1},
      {"Legal basis", BlockKind::kTableCell, 2},
      {"Data", BlockKind::kParagraph, 0},
      {"Information about you.", BlockKind::kParagraph, 0},
      {"Quoted.", BlockKind::kParagraph, 0}};
  REQUIRE(document.blocks.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(document.blocks[i].text == std::get<0>(expected[i]));
    CHECK(document.blocks[i].kind == std::get<1>(expected[i]));
    CHECK(document.blocks[i].level == std::get<2>(expected[i]));
  }
  CHECK(SourceOf(document.blocks[1], input) == "We collect <b>some</b> data.");
}

TEST_CASE("HTML: links keep their targets, decoded and trimmed; in-page and hidden ones do not count",
          "[read_html]") {
  const std::string input =
      "<nav><a href=\"https://x.com/settings\">Settings</a></nav>\n"
      "<p>Depending on your <a class=s href=\" https://x.com/settings/account?a=1&amp;b=2 \">"
      "<b>privacy</b> settings</a>, <a href=\"#s2\">section 2</a> or <a>no target</a> or "
      "<a href=\"https://a.example/\"> </a> <a href='mailto:privacy@example.com'>write to us</a>.</p>\n"
      "<p hidden>A <a href=\"https://hidden.example/\">hidden</a> link.</p>\n"
      "<ul><li>Outer <a href=\"https://outer.example/\">outer link</a>"
      "<ul><li><a href=\"https://inner.example/\">inner link</a></li></ul></li></ul>\n"
      "<p>Unclosed <a href=\"https://open.example/\">to the end";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 4);
  CHECK(LinksOf(document.blocks[0]) == LinkList{
      {"privacy settings", "https://x.com/settings/account?a=1&b=2"},
      {"write to us", "mailto:privacy@example.com"}});
  CHECK(LinksOf(document.blocks[1]) == LinkList{{"outer link", "https://outer.example/"}});
  CHECK(LinksOf(document.blocks[2]) == LinkList{{"inner link", "https://inner.example/"}});
  CHECK(LinksOf(document.blocks[3]) == LinkList{{"to the end", "https://open.example/"}});
}

TEST_CASE("HTML: a link starting inside another closes it; an href's first value counts", "[read_html]") {
  // As browsers' parsers read it (found by a code review: the first link
  // used to swallow the second).
  const std::string input =
      "<p>See <a href=\"https://one.example/\">one <b>bold <a href=\"https://two.example/\">two</a></b> rest</p>"
      "<p><a href=\"#x\" href=\"https://y.example/\">first value</a> and <a href=\" #s\">spaced</a> "
      "<a href=\"https://z.example/\"><div>a block</div></a></p>";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() >= 2);
  CHECK(LinksOf(document.blocks[0]) ==
        LinkList{{"one bold", "https://one.example/"}, {"two", "https://two.example/"}});
  CHECK(LinksOf(document.blocks[1]).empty());
}

TEST_CASE("HTML: chrome is skipped", "[read_html]") {
  const std::string input =
      "<body><nav><a href=/>Home</a> <a href=/tos>Terms</a></nav>"
      "<header><div>Site banner</div></header>"
      "<aside>Related links</aside><form><label>Email</label><input name=e></form>"
      "<main><article><header><h1>Terms of Service</h1></header>"
      "<p>Keep this.</p><footer>Last updated May 2025</footer></article></main>"
      "<noscript>Enable JavaScript.</noscript><template><p>Hidden</p></template>"
      "<div hidden>Hidden by attribute</div><p aria-hidden=\"true\">Hidden too</p>"
      "<footer>Copyright footer</footer></body>";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Terms of Service", "Keep this.", "Last updated May 2025"});
  CHECK(document.title == "Terms of Service");  // no <title>: the first heading
}

TEST_CASE("HTML: inline chrome does not split the text around it", "[read_html]") {
  const std::string input =
      "<p>Learn more <svg viewBox=\"0 0 1 1\"><title>icon</title><path d=\"M0\"/></svg>"
      "about <button>Accept</button>cookies<script>var s = \"</p><p>\";</script>.</p>"
      "<style>p > a { color: red }</style>";
  const Document document = Read(input, ClauseSpanCheck::kSkip);
  CHECK(Texts(document) == std::vector<std::string>{"Learn more about cookies."});
  CHECK(document.title.empty());  // an icon's <title> is not the page's
}

TEST_CASE("HTML: nested blocks end the outer text run, nothing is duplicated",
          "[read_html]") {
  const std::string input =
      "<div>Intro text<p>A paragraph</p>tail text<div>inner <span>div</span></div>"
      "closing words</div>"
      "<li>Item start<ul><li>Sub item</li></ul>item end</li>";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Intro text", "A paragraph", "tail text", "inner div",
                                 "closing words", "Item start", "Sub item", "item end"});
  CHECK(document.blocks[7].kind == BlockKind::kListItem);
  CHECK(document.blocks[7].level == 1);
  CHECK(document.blocks[6].level == 2);
}

TEST_CASE("HTML: paragraphs in list items and cells keep the item's kind", "[read_html]") {
  const Document document = Read(
      "<ul><li><p><strong>Personal Accounts.</strong> If you create one.</p>"
      "<p>Second paragraph.</p></li></ul><table><tr><td><div><p>Cell</p></div></td></tr>"
      "</table><blockquote><p>Quote</p></blockquote>");
  REQUIRE(document.blocks.size() == 4);
  CHECK(document.blocks[0].kind == BlockKind::kListItem);
  CHECK(document.blocks[0].text == "Personal Accounts. If you create one.");
  CHECK(document.blocks[1].kind == BlockKind::kListItem);
  CHECK(document.blocks[2].kind == BlockKind::kTableCell);
  CHECK(document.blocks[3].kind == BlockKind::kParagraph);
}

TEST_CASE("HTML: unclosed p, li, td and headings are closed implicitly", "[read_html]") {
  const std::string input =
      "<p>First paragraph<p>Second paragraph<ul><li>One<li>Two</ul>"
      "<table><tr><td>A<td>B<tr><td>C</table><h2>Heading<h3>Next heading</h3>"
      "<dl><dt>Term<dd>Definition</dl>";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"First paragraph", "Second paragraph", "One", "Two", "A",
                                 "B", "C", "Heading", "Next heading", "Term", "Definition"});
  CHECK(document.blocks[3].kind == BlockKind::kListItem);
  CHECK(document.blocks[6].kind == BlockKind::kTableCell);
  CHECK(document.blocks[8].level == 3);
}

TEST_CASE("HTML: table cells know their table, column and headers", "[read_html]") {
  // Columns count the columns the cells before span; a cell's later
  // paragraphs keep its column; a cell straight inside a table is in a row
  // of its own, as browsers read it. Headers:
  // cells of <thead>, and <th>s of a table's first row, but not a title
  // spanning columns; a nested table is a table of its own.
  const Document document = Read(
      "<table><thead><tr><th colspan=\"2\">Schedule</th></tr><tr><th>Data</th><th>Retention</th></tr>"
      "</thead><tbody><tr><td>Logs</td><td><p>90 days</p><p>Then deleted.</p></td></tr>"
      "<tr><td colspan=2>A</td><td>B<table><tr><th>In</th></tr><tr><td>Inner</td></tr></table></td></tr>"
      "<tr><th>Row title</th><td>C</td></tr></tbody></table>"
      "<table><td>Loose</td></table><table><tr><th>First</th><td>x</td></tr></table><p>After</p>");
  CHECK(Texts(document) == std::vector<std::string>{"Schedule", "Data", "Retention", "Logs", "90 days",
                                                    "Then deleted.", "A", "B", "In", "Inner", "Row title",
                                                    "C", "Loose", "First", "x", "After"});
  std::vector<std::tuple<int, uint32_t, bool>> cells;
  for (const Block& block : document.blocks) cells.emplace_back(block.level, block.table, block.table_header);
  CHECK(cells == std::vector<std::tuple<int, uint32_t, bool>>{
                     {1, 1, false}, {1, 1, true}, {2, 1, true}, {1, 1, false}, {2, 1, false},
                     {2, 1, false}, {1, 1, false}, {3, 1, false}, {1, 2, true}, {1, 2, false},
                     {1, 1, false}, {2, 1, false}, {1, 3, false}, {1, 4, true}, {2, 4, false},
                     {0, 0, false}});
}

TEST_CASE("HTML: cells straight inside a table or its sections get the row browsers give them", "[read_html]") {
  // A browser's parser opens a row before such a cell: the first one is the
  // table's first row, and in a <thead> a header row.
  const Document document = Read(
      "<table><th>Data<th>Retention period<tr><td>Logs<td>90 days</table>"
      "<table><thead><th>Kind</th><th>How long we keep it</th></thead><tbody><td>Backups</td><td>30 days</td></tbody></table>"
      "<table><caption>Logs</caption><colgroup><col></colgroup><td>Access<td>90 days</table>");
  std::vector<std::tuple<std::string, int, uint32_t, bool>> cells;
  for (const Block& block : document.blocks) cells.emplace_back(block.text, block.level, block.table, block.table_header);
  CHECK(cells == std::vector<std::tuple<std::string, int, uint32_t, bool>>{
                     {"Data", 1, 1, true}, {"Retention period", 2, 1, true}, {"Logs", 1, 1, false},
                     {"90 days", 2, 1, false}, {"Kind", 1, 2, true}, {"How long we keep it", 2, 2, true},
                     {"Backups", 1, 2, false}, {"30 days", 2, 2, false}, {"Logs", 0, 0, false},
                     {"Access", 1, 3, false}, {"90 days", 2, 3, false}});
}

TEST_CASE("HTML: a tbody ends the header row left open before it", "[read_html]") {
  // Valid HTML: </th>, </tr> and </thead> may be left out.
  const Document document = Read("<table><thead><tr><th>A<th>Retention period<tbody><tr><td>x<td>90 days</table>");
  std::vector<std::tuple<std::string, int, uint32_t, bool>> cells;
  for (const Block& block : document.blocks) cells.emplace_back(block.text, block.level, block.table, block.table_header);
  CHECK(cells == std::vector<std::tuple<std::string, int, uint32_t, bool>>{
                     {"A", 1, 1, true}, {"Retention period", 2, 1, true}, {"x", 1, 1, false}, {"90 days", 2, 1, false}});
}

TEST_CASE("HTML: a cell spanning rows pushes the cells below it right", "[read_html]") {
  // And a <tbody> after an unclosed <thead> ends the header rows.
  const Document document = Read(
      "<table><thead><tr><th>Category</th><th>Data</th><th>Retention period</th></tr>"
      "<tbody><tr><td rowspan=\"2\">Orders</td><td>Invoices</td><td>10 years</td></tr>"
      "<tr><td>Receipts</td><td>7 years</td></tr><tr><td>Logs</td><td ROWSPAN=+0>x</td></tr></tbody></table>");
  std::vector<std::pair<int, bool>> cells;
  for (const Block& block : document.blocks) cells.emplace_back(block.level, block.table_header);
  CHECK(cells == std::vector<std::pair<int, bool>>{{1, true}, {2, true}, {3, true}, {1, false}, {2, false},
                                                   {3, false}, {2, false}, {3, false}, {1, false}, {2, false}});
}

TEST_CASE("HTML: entities decode, line breaks fold", "[read_html]") {
  const std::string input =
      "<p>AT&amp;T&nbsp;&amp; Co&#8217;s &rsquo;quote&lsquo; &#x2019; &#146; &copy 2024 "
      "&eacute;t&eacute; &hellip; &unknown; &amplifier; 5 &lt; 6 &mdash; "
      "soft&shy;hyphen<br>next line<br/>and\n\n  more</p>";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 1);
  const Block& block = document.blocks[0];
  CHECK(block.text ==
        "AT&T & Co’s ’quote‘ ’ ’ © 2024 été … &unknown; &amplifier; 5 < 6 — softhyphen "
        "next line and more");
  CHECK(SourceOf(block, input, 0, 4) == "AT&amp;T");
  const auto co = static_cast<uint32_t>(block.text.find("Co’s"));
  CHECK(SourceOf(block, input, co, co + 6) == "Co&#8217;s");
  CHECK(SourceOf(block, input, co + 2, co + 5) == "&#8217;");
  const auto next = static_cast<uint32_t>(block.text.find("hyphen next"));
  CHECK(SourceOf(block, input, next, next + 11) == "hyphen<br>next");
}

TEST_CASE("HTML: comments, CDATA, doctype, processing instructions", "[read_html]") {
  const std::string input =
      "<?xml version=\"1.0\"?><!DOCTYPE html><!-- <p>commented out</p> -->"
      "<p>Visible<!-- inline comment --> text<![CDATA[ <p>not markup</p> ]]>.</p>"
      "<p>a < b and c > d</p><p>x<3 and <-arrow</p>";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Visible text.", "a < b and c > d", "x<3 and <-arrow"});
}

TEST_CASE("HTML: attributes may hold '>' inside quotes", "[read_html]") {
  const std::string input =
      "<p title=\"a > b\" data-x='c>d' class=plain checked>Text after the tag.</p>"
      "<A HREF=\"/x\">Upper-case</A> <P>tags work</P>";
  const Document document = Read(input);
  CHECK(Texts(document) ==
        std::vector<std::string>{"Text after the tag.", "Upper-case", "tags work"});
}

TEST_CASE("HTML: raw text elements hide markup-like content", "[read_html]") {
  const Document document = Read(
      "<script>document.write('<p>not text</p>'); if (a < b) {}</script>"
      "<STYLE>body{}</STYLE><textarea><p>typed</p></textarea><p>Real text.</p>");
  CHECK(Texts(document) == std::vector<std::string>{"Real text."});
}

TEST_CASE("HTML: bare text in containers is a paragraph", "[read_html]") {
  const std::string input =
      "Text before any tag.<section>Section text<article>Article text</article></section>"
      "<main>Main text</main></body>Text after body.";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{"Text before any tag.", "Section text",
                                                    "Article text", "Main text",
                                                    "Text after body."});
}

TEST_CASE("HTML: non-Latin text and emoji", "[read_html]") {
  const std::string input =
      "<html lang=ja><title>利用規約</title><h1>利用規約</h1><p>当社は&nbsp;データを"
      "収集します。</p><p dir=\"rtl\">نحن نجمع <b>بياناتك</b> 🔒</p></html>";
  const Document document = Read(input);
  CHECK(document.title == "利用規約");
  CHECK(Texts(document) == std::vector<std::string>{"利用規約", "当社は データを収集します。",
                                                    "نحن نجمع بياناتك 🔒"});
}

TEST_CASE("HTML: CRLF, byte-order mark and white space only", "[read_html]") {
  const std::string input = "\xEF\xBB\xBF<p>\r\n  Line one\r\n  line two\r\n</p>\r\n<p> </p>";
  const Document document = Read(input);
  CHECK(Texts(document) == std::vector<std::string>{"Line one line two"});
  CHECK(document.blocks[0].SourceStart(0) == 10);
}

TEST_CASE("HTML: malformed input never fails", "[read_html]") {
  for (const char* input :
       {"<", "<div", "<a href='x", "<a href=\"x>text", "</p>", "<p>unclosed", "<!--",
        "<![CDATA[", "<script>", "<script>text", "</", "<>", "< p>", "&", "&#", "&#x;",
        "&#99999999999;", "&#0;", "<p>&#xD800;</p>", "<title>", "<title>&amp", "<br/>",
        "</br>", "<p/>x", "<div/><li>y", "<table><td>z", "<ul><li><ul><li>deep"}) {
    INFO(input);
    testing::ReadChecked(ReadHtml, input, ClauseSpanCheck::kSkip);
  }
  SECTION("invalid references become U+FFFD") {
    const Document document = Read("<p>a&#0;b&#xD800;c&#1114112;d</p>");
    CHECK(document.blocks[0].text == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d");
  }
}

TEST_CASE("HTML: a stray end tag still separates blocks", "[read_html]") {
  const Document document = Read("<body>First part</p>Second part</div>Third</span>.");
  CHECK(Texts(document) ==
        std::vector<std::string>{"First part", "Second part", "Third."});
}

// The Markdown corpus rendered to simple HTML by hand would test little
// more than the cases above; instead, a synthetic page of the size of the
// Meta policy checks the reader at scale.
TEST_CASE("HTML: a large page keeps every run consistent", "[read_html]") {
  std::string input = "<html><head><title>Big</title></head><body><nav>menu</nav>";
  for (int i = 0; i < 2000; ++i) {
    input += "<h2>Section " + std::to_string(i) + "</h2><p>We collect data&nbsp;&amp; "
             "share it with <a href=\"/p?a=1&b=2\">partners</a>. Learn more.</p>"
             "<ul><li>Item one<li>Item two</ul>";
  }
  input += "</body></html>";
  const Document document = Read(input);
  CHECK(document.blocks.size() == 8000);
  CHECK(document.blocks[1].text == "We collect data & share it with partners. Learn more.");
}

// 100,000 levels took 89 s when every close rescanned the whole open-element
// stack; nesting now stops at 512 levels, as in browsers' parsers.
TEST_CASE("HTML: hostile nesting depth reads in linear time and keeps the text", "[read_html]") {
  const int depth = 100000;
  std::string input = "<p>start</p>";
  for (int i = 0; i < depth; ++i) input += "<div>";
  input += "We keep cookies for up to 13 months.";
  for (int i = 0; i < depth; ++i) input += "</div>";
  input += "<p>after</p>";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 3);
  CHECK(document.blocks[1].text == "We keep cookies for up to 13 months.");
  CHECK(document.blocks[2].text == "after");
}

TEST_CASE("HTML: a list item that is all in-page links is navigation", "[read_html]") {
  const std::string input =
      "<ul><li><a href=\"#chapter8\">8. Changes To This Privacy Policy</a></li>"
      "<li> <A HREF='#c'><b>Contact</b> us</A> </li>"
      "<li>See <a href=\"#chapter8\">our changes</a>.</li>"
      "<li><a href=\"https://example.com/#x\">Changes</a></li></ul>"
      "<h2><a href=\"#h\">A heading</a></h2>";
  const Document document = Read(input);
  REQUIRE(document.blocks.size() == 5);
  CHECK(document.blocks[0].navigation);
  CHECK(document.blocks[1].navigation);
  CHECK(document.blocks[1].text == "Contact us");
  CHECK_FALSE(document.blocks[2].navigation);
  CHECK_FALSE(document.blocks[3].navigation);
  CHECK_FALSE(document.blocks[4].navigation);  // a heading already
}

}  // namespace
}  // namespace fineprint
