// The document model every reader produces and every later stage consumes.
//
// A reader turns an input (plain text, Markdown, HTML, or blocks handed over
// by a browser's DOM) into Blocks of plain UTF-8 text. Each block remembers
// where its text came from in the input, as a list of SourceRuns, so a clause
// found in the plain text can be reported as a byte span of the input exactly
// as given (Markdown markup, HTML tags and entities included).
#ifndef FINEPRINT_CORE_DOCUMENT_H_
#define FINEPRINT_CORE_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

enum class BlockKind { kHeading, kParagraph, kListItem, kTableCell };

// "heading", "paragraph", "list_item", "table_cell".
const char* BlockKindName(BlockKind kind);

// Maps text_length bytes of a block's text, starting at text_start, to
// source_length bytes of the input, starting at source_start. When both
// lengths are equal the bytes correspond one to one (copied text); otherwise
// the run is atomic (a decoded entity "&amp;" -> "&", a line break folded to
// a space) and only its two ends map.
struct SourceRun {
  uint32_t text_start = 0;
  uint32_t text_length = 0;
  uint32_t source_start = 0;
  uint32_t source_length = 0;
};

// A hyperlink in a block's text: the link's visible text is
// text[text_start, text_end) and `target` is where it points, as the input
// gives it (Markdown's destination, an <a>'s href; the extension sends the
// address the browser resolved). Readers keep links to other pages only:
// in-page ("#section") links are navigation, not places.
struct Link {
  uint32_t text_start = 0;
  uint32_t text_end = 0;
  std::string target;
};

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  // Heading level (1-6) for headings, nesting depth (1-based) for list items,
  // the column (1-based; 0 when the reader could not tell) for table cells,
  // 0 otherwise.
  int level = 0;
  // Navigation, not content: the block's whole visible text is in-page links
  // (a table-of-contents entry such as "[8. Changes](#chapter8)" or
  // <li><a href="#s8">8. Changes</a></li>). The classifier treats such a
  // block like a heading: it commits to nothing and gets no labels.
  bool navigation = false;
  // For table cells: which table (numbered from 1 in document order; 0 for
  // every other block), and whether the cell is one of its table's column
  // headers (Markdown's header row; in HTML a cell of <thead>, or a <th> of
  // the table's first row, but never one spanning several columns). The
  // classifier reads a short header cell as what the cells below it in its
  // column are about.
  uint32_t table = 0;
  bool table_header = false;
  // Plain text: markup removed, entities decoded, runs of white space folded
  // to one space, no leading or trailing space. Valid UTF-8.
  std::string text;
  // Ordered by text_start, non-overlapping. Text bytes covered by no run
  // (none, for the built-in readers) map to the nearest run boundary.
  std::vector<SourceRun> runs;
  // Ordered by text_start, non-overlapping, each at least one byte.
  std::vector<Link> links;

  // The input offset where text byte `text_offset` starts. text_offset may be
  // text.size(), meaning the end of the block.
  uint32_t SourceStart(uint32_t text_offset) const;
  // The input offset just past the byte before `text_offset`; use it for the
  // exclusive end of a span. text_offset must be > 0.
  uint32_t SourceEnd(uint32_t text_offset) const;
};

enum class DocumentFormat { kPlainText, kMarkdown, kHtml };

// "text", "markdown", "html".
const char* DocumentFormatName(DocumentFormat format);

// The inverse of DocumentFormatName: false, leaving *format alone, for any
// other name.
bool ParseDocumentFormat(std::string_view name, DocumentFormat* format);

struct Document {
  DocumentFormat format = DocumentFormat::kPlainText;
  // The document's title: the HTML <title>, else the first heading, else "".
  std::string title;
  std::vector<Block> blocks;
  // Size of the input in bytes.
  uint32_t source_size = 0;
};

// A link as a reader meets it: its visible text is the input's bytes
// [source_start, source_end).
struct SourceLink {
  uint32_t source_start = 0;
  uint32_t source_end = 0;
  std::string target;
};

// Gives each block the links whose visible text lies in it (Block::links),
// mapping input offsets to text offsets through the block's runs. The blocks
// must be in input order, as every reader makes them. A link whose text
// spans several blocks is kept in the first; one with no visible text, or an
// empty or in-page ("#section") target, is dropped; white space at either
// end of its text or its target is not part of it.
void AttachLinks(std::vector<SourceLink> links, Document* document);

// Appends text to block.text and records a run mapping it to
// [source_start, source_start + source_length). Readers build blocks with it.
void AppendText(Block& block, std::string_view text, uint32_t source_start,
                uint32_t source_length);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_DOCUMENT_H_
