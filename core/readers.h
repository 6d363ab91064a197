// Readers turn an input into a Document. Each accepts any bytes: invalid
// input yields an Error naming what is wrong and where, never a crash.
#ifndef FINEPRINT_CORE_READERS_H_
#define FINEPRINT_CORE_READERS_H_

#include <string_view>

#include "core/document.h"
#include "core/expected.h"

namespace fineprint {

// The largest input any reader accepts, in bytes. Real policies are under
// 1 MB; the limit keeps a runaway input from exhausting a WASM heap.
inline constexpr uint32_t kMaxInputBytes = 32u * 1024u * 1024u;

// Checks what every reader requires of its input: at most kMaxInputBytes,
// valid UTF-8 (a leading byte-order mark is allowed), and no NUL bytes
// (which mark binary files). The error message gives the first bad offset.
Expected<bool> ValidateInput(std::string_view input);

// Plain text: every non-blank line is a block (a paragraph), except that a
// line not ending in sentence punctuation continues into a next line that
// starts with a lower-case letter (hard-wrapped text). Lines are joined only
// in text that looks hard-wrapped (nearly all lines at most 100 characters)
// and only where the next line's first word would not have fitted on the
// line, so text written one paragraph per line (the corpus labels/*.txt
// files) reads as exactly one block per line. LF, CRLF and CR all end lines.
Expected<Document> ReadPlainText(std::string_view input);

// Markdown as Open Terms Archive stores it: ATX and setext headings, bullet
// and numbered lists (nested by indentation), pipe tables (one block per
// cell), paragraphs; emphasis, links, images, code spans, backslash escapes
// and inline HTML are reduced to their text (link text kept, URLs dropped
// from the text but kept as the block's links; list markers are not part of
// an item's text). A hard line break (two
// trailing spaces, a trailing '\', <br>) ends the block and starts another
// of the same kind, so a table cell holding "a<br><br>b" gives two blocks. A
// paragraph that is all bold ("**1.1 Information you provide us.**", up to
// 120 bytes) is read as a heading one level below the current one.
Expected<Document> ReadMarkdown(std::string_view input);

// HTML: h1-h6, p, li, td/th, dt/dd, blockquote and text directly inside
// div/section/article/main/body become blocks; nav, header, footer, aside,
// form, script, style, noscript, template, svg, button, select (and elements
// marked hidden or aria-hidden="true") are skipped, except that a header or
// footer inside article or main is the document's own and kept; <br> is a
// space; entities are decoded; <a href> elements become the block's links
// (Block::links). The title is the first <title>. Tolerates
// malformed markup the way a reader would expect (unclosed p/li/td, stray
// end tags, '>' inside quoted attributes).
Expected<Document> ReadHtml(std::string_view input);

// Blocks a browser extracted from a page's DOM, as JSON:
//   {"title": "...", "url": "...", "blocks": [{"kind": "heading", "level": 2,
//                                              "text": "..."}, ...]}
// kind is a BlockKindName (default "paragraph"); level is optional (headings
// default to 1 and are clamped to 1-6, list items to at least 1; a table
// cell's is its column, 1-based, 0 when not known); a table cell's "table"
// numbers its table (from 1; Block::table) and "table_header": true marks one
// of that table's column headers; "navigation": true marks a table-of-
// contents entry; "links", optional, lists the block's hyperlinks as
// {"start", "end", "href"}: the link's text is text[start, end), counted in
// UTF-16 code units (JavaScript's string offsets), and href is where it
// points (Block::links). The text of each block is taken as the page shows it
// (white space is folded here, not by the caller); a block of white space only gives no block. The document's
// source is every block's text joined with "\n"; it is written to *source
// (which may be null), and all runs point into it. The document's format is
// kHtml: the blocks come from a web page. "url", optional, is the page's
// address, written as given to *url (which may be null; "" when absent),
// for AnalyzeDocument, which names the service from it.
Expected<Document> ReadBlocksJson(std::string_view json, std::string* source,
                                  std::string* url = nullptr);

// Dispatches on format.
Expected<Document> ReadDocument(std::string_view input, DocumentFormat format);

// The format a file name implies: .md/.markdown -> Markdown, .html/.htm ->
// HTML, anything else -> plain text.
DocumentFormat FormatForPath(std::string_view path);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_READERS_H_
