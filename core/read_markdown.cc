// Markdown reader, for Markdown as Open Terms Archive stores it.
//
// Two levels, as in CommonMark:
//   * Block structure, line by line: blank lines, ATX ("## x") and setext
//     ("x" over "===" or "---") headings, thematic breaks ("* * *"), bullet
//     and ordered lists nested by indentation (a stack of the open items'
//     marker and content columns), GFM pipe tables, fenced code, block
//     quotes, paragraphs with lazy continuation lines. A paragraph is kept
//     as one contiguous slice of the input, so the inline pass maps straight
//     back to input offsets. Indented code blocks are not recognised: OTA
//     indents nested list content, never code.
//   * Inline content, per slice, in three passes: tokenize (text, backslash
//     escapes, entities, code spans, '*'/'_' delimiter runs with CommonMark
//     flanking rules, link and image brackets with their "(url "title")"
//     part, autolinks, inline HTML), pair emphasis delimiters with a stack
//     (an unpaired '*' stays text), then emit into the block.
// Text a reader sees is kept (link text, image alt text, code); markup is
// dropped (emphasis marks, brackets, URLs, tags, the '\' of an escape).
//
// A hard line break (two trailing spaces, a trailing '\', or <br>) ends the
// block and starts another of the same kind: OTA keeps them where a page had
// separate lines (addresses, a heading set on two lines, "<br><br>"-separated
// paragraphs in a table cell), and the corpus labels treat each as its own
// line. In a table cell a leading "* " or "- " bullet is dropped too.
// A paragraph that is all bold ("**1.1 Information you provide us.**") is
// the heading OTA pages use: it becomes a heading one level below the
// enclosing Markdown heading.
#include <algorithm>
#include <string>
#include <vector>

#include "core/reader_util.h"
#include "core/readers.h"

namespace fineprint {
namespace {

using reader_internal::BlockBuilder;
using reader_internal::DecodeCharacterReference;
using reader_internal::DecodeUtf8;

constexpr size_t kMaxBoldHeadingBytes = 120;

bool IsAsciiPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

bool IsUnicodeWhiteSpace(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool IsUnicodePunctuation(uint32_t cp) {
  if (cp < 0x80) return IsAsciiPunctuation(static_cast<char>(cp));
  return (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB2 && cp != 0xB3 &&
          cp != 0xB5 && cp != 0xB9 && cp != 0xBA && cp != 0xBC && cp != 0xBD &&
          cp != 0xBE) ||
         (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
         (cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
         (cp >= 0xFF01 && cp <= 0xFF0F);
}

// The code point just before pos (a space at the slice start).
uint32_t PreviousCodePoint(std::string_view src, size_t pos, size_t begin) {
  if (pos <= begin) return ' ';
  size_t start = pos - 1;
  while (start > begin && (static_cast<unsigned char>(src[start]) & 0xC0) == 0x80) --start;
  size_t length = 0;
  return DecodeUtf8(src, start, &length);
}

uint32_t CodePointAt(std::string_view src, size_t pos, size_t end) {
  if (pos >= end) return ' ';
  size_t length = 0;
  return DecodeUtf8(src, pos, &length);
}

enum class TokenType : uint8_t {
  kText,    // input bytes copied to the text
  kAtomic,  // decoded text standing for the token's bytes
  kSkip,    // markup: nothing in the text
  kDelim,   // a run of '*' or '_': markup if paired, else text
  kBreak,   // a hard line break
};

struct Token {
  TokenType type = TokenType::kText;
  uint32_t start = 0;
  uint32_t length = 0;
  // kDelim:
  char delim = 0;
  bool can_open = false;
  bool can_close = false;
  bool paired = false;
  int32_t partner = -1;
  // kAtomic: at most one code point.
  uint8_t decoded_length = 0;
  char decoded[4] = {0, 0, 0, 0};
  // kSkip: a '[' or '![' waiting for its ']'.
  bool bracket = false;
  // kSkip: the '[' opening a link (not an image), or the "](destination)"
  // closing one.
  bool link = false;
};

struct ListEntry {
  int marker_indent;
  int content_indent;
};

struct Paragraph {
  bool open = false;
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;
  uint32_t start = 0;
  uint32_t end = 0;
  // Input ranges inside [start, end) that are block markup (the '>' of a
  // block quote's continuation lines).
  std::vector<std::pair<uint32_t, uint32_t>> skips;
};

class MarkdownReader {
 public:
  MarkdownReader(std::string_view input, Document* document)
      : src_(input), document_(document), builder_(&document->blocks) {}

  void Run();

 private:
  struct LineInfo {
    uint32_t start;  // first byte
    uint32_t end;    // past the last byte, terminator excluded
  };

  void SplitLines();
  void OpenParagraph(BlockKind kind, int level, uint32_t start, uint32_t end);
  void CloseParagraph();
  bool TableRowAt(size_t line_index) const;
  bool IsDelimiterRow(size_t line_index) const;
  // One block per cell (more where a cell holds line breaks), each with its
  // column as its level, in table number `table`; `header` marks the header
  // row's (Block::table_header).
  void EmitTableRow(const LineInfo& line, uint32_t table, bool header);

  // Tokenizes, pairs and emits [begin, end) as blocks of `kind`.
  // `bold_heading_allowed`: a slice that is all bold becomes a heading.
  void EmitInline(uint32_t begin, uint32_t end, BlockKind kind, int level,
                  bool strip_bullets, bool bold_heading_allowed,
                  const std::vector<std::pair<uint32_t, uint32_t>>* skips);
  void Tokenize(uint32_t begin, uint32_t end,
                const std::vector<std::pair<uint32_t, uint32_t>>* skips);
  void PairDelimiters();
  size_t ParseLinkTarget(size_t pos, size_t end) const;
  size_t ParseHtmlTag(size_t pos, size_t end, bool* is_break) const;
  size_t ParseAutolink(size_t pos, size_t end) const;

  std::string_view src_;
  Document* document_;
  BlockBuilder builder_;
  std::vector<LineInfo> lines_;
  std::vector<ListEntry> lists_;
  Paragraph paragraph_;
  std::vector<Token> tokens_;
  std::vector<size_t> scratch_;
  // Every link met so far, for AttachLinks; link_starts_: where the text of
  // each link still open in the paragraph being emitted starts.
  std::vector<SourceLink> links_;
  std::vector<uint32_t> link_starts_;
  std::string decoded_;
  int heading_level_ = 0;  // of the last ATX or setext heading
};

void MarkdownReader::SplitLines() {
  size_t pos = reader_internal::ByteOrderMarkLength(src_);
  while (pos < src_.size()) {
    size_t end = pos;
    while (end < src_.size() && src_[end] != '\n' && src_[end] != '\r') ++end;
    lines_.push_back(LineInfo{static_cast<uint32_t>(pos), static_cast<uint32_t>(end)});
    if (end < src_.size() && src_[end] == '\r' && end + 1 < src_.size() &&
        src_[end + 1] == '\n') {
      pos = end + 2;
    } else {
      pos = end + 1;
    }
  }
}

void MarkdownReader::OpenParagraph(BlockKind kind, int level, uint32_t start,
                                   uint32_t end) {
  CloseParagraph();
  paragraph_.open = true;
  paragraph_.kind = kind;
  paragraph_.level = level;
  paragraph_.start = start;
  paragraph_.end = end;
  paragraph_.skips.clear();
}

void MarkdownReader::CloseParagraph() {
  if (!paragraph_.open) return;
  paragraph_.open = false;
  EmitInline(paragraph_.start, paragraph_.end, paragraph_.kind, paragraph_.level,
             /*strip_bullets=*/false,
             /*bold_heading_allowed=*/paragraph_.kind == BlockKind::kParagraph,
             paragraph_.skips.empty() ? nullptr : &paragraph_.skips);
}

// First non-space position and indentation (in columns) of a line.
struct Indent {
  uint32_t pos;
  int columns;
};

Indent MeasureIndent(std::string_view src, uint32_t start, uint32_t end) {
  int columns = 0;
  uint32_t pos = start;
  while (pos < end && IsSpaceOrTab(src[pos])) {
    columns = src[pos] == '\t' ? (columns / 4 + 1) * 4 : columns + 1;
    ++pos;
  }
  return Indent{pos, columns};
}

bool IsBlank(std::string_view src, uint32_t start, uint32_t end) {
  for (size_t i = start; i < end;) {
    const size_t ws = reader_internal::WhiteSpaceLength(src, i);
    if (ws == 0) return false;
    i += ws;
  }
  return true;
}

// Past the last non-space byte of [start, end).
uint32_t TrimEnd(std::string_view src, uint32_t start, uint32_t end) {
  while (end > start && IsSpaceOrTab(src[end - 1])) --end;
  return end;
}

// "---", "***", "___", "* * *": three or more of one character, spaces
// allowed between.
bool IsThematicBreak(std::string_view src, uint32_t pos, uint32_t end) {
  const char c = src[pos];
  if (c != '-' && c != '*' && c != '_') return false;
  int count = 0;
  for (uint32_t i = pos; i < end; ++i) {
    if (src[i] == c) {
      ++count;
    } else if (!IsSpaceOrTab(src[i])) {
      return false;
    }
  }
  return count >= 3;
}

// A setext underline: '=' or '-' repeated, then optional spaces. Returns
// the heading level (1 or 2), or 0.
int SetextLevel(std::string_view src, uint32_t pos, uint32_t end) {
  const char c = src[pos];
  if (c != '=' && c != '-') return 0;
  uint32_t i = pos;
  while (i < end && src[i] == c) ++i;
  while (i < end && IsSpaceOrTab(src[i])) ++i;
  if (i != end) return 0;
  return c == '=' ? 1 : 2;
}

// "[id]: destination" with nothing after it but an optional title: a link
// reference definition. "[1]: See below" is text.
bool IsLinkDefinition(std::string_view src, uint32_t pos, uint32_t end) {
  const size_t close = src.substr(0, end).find("]:", pos);
  if (close == std::string_view::npos || close == pos + 1 ||
      src.substr(pos + 1, close - pos - 1).find_first_of("[]") != std::string_view::npos) {
    return false;
  }
  size_t i = close + 2;
  while (i < end && IsSpaceOrTab(src[i])) ++i;
  const size_t destination = i;
  while (i < end && !IsSpaceOrTab(src[i])) ++i;
  if (i == destination) return false;
  while (i < end && IsSpaceOrTab(src[i])) ++i;
  return i == end || src[i] == '"' || src[i] == '\'' || src[i] == '(';
}

bool LineHasPipe(std::string_view src, uint32_t start, uint32_t end) {
  for (uint32_t i = start; i < end; ++i) {
    if (src[i] == '|' && (i == start || src[i - 1] != '\\')) return true;
  }
  return false;
}

bool MarkdownReader::IsDelimiterRow(size_t line_index) const {
  if (line_index >= lines_.size()) return false;
  const LineInfo& line = lines_[line_index];
  bool dash = false, pipe = false;
  for (uint32_t i = line.start; i < line.end; ++i) {
    const char c = src_[i];
    if (c == '-') {
      dash = true;
    } else if (c == '|') {
      pipe = true;
    } else if (c != ':' && !IsSpaceOrTab(c)) {
      return false;
    }
  }
  return dash && pipe;
}

// A table starts at a row with a pipe followed by a delimiter row.
bool MarkdownReader::TableRowAt(size_t line_index) const {
  const LineInfo& line = lines_[line_index];
  return LineHasPipe(src_, line.start, line.end) && IsDelimiterRow(line_index + 1);
}

void MarkdownReader::EmitTableRow(const LineInfo& line, uint32_t table, bool header) {
  const size_t blocks_before = document_->blocks.size();
  const Indent indent = MeasureIndent(src_, line.start, line.end);
  uint32_t pos = indent.pos;
  const uint32_t end = TrimEnd(src_, pos, line.end);
  if (pos < end && src_[pos] == '|') ++pos;
  int column = 0;  // of the cell being read, 1-based: the block's level
  while (pos < end) {
    ++column;
    uint32_t cell_end = pos;
    while (cell_end < end && !(src_[cell_end] == '|' && src_[cell_end - 1] != '\\')) {
      ++cell_end;
    }
    // Trim the cell; a cell of white space (or the end after a final '|')
    // is empty and makes no block.
    uint32_t cell_start = pos;
    while (cell_start < cell_end && IsSpaceOrTab(src_[cell_start])) ++cell_start;
    const uint32_t trimmed_end = TrimEnd(src_, cell_start, cell_end);
    if (cell_start < trimmed_end) {
      EmitInline(cell_start, trimmed_end, BlockKind::kTableCell, column,
                 /*strip_bullets=*/true, /*bold_heading_allowed=*/false, nullptr);
    }
    pos = cell_end + 1;
  }
  for (size_t i = blocks_before; i < document_->blocks.size(); ++i) {
    document_->blocks[i].table = table;
    document_->blocks[i].table_header = header;
  }
}

// At src_[pos] == '(' after a link's ']': the end of "(destination "title")",
// or 0 when it is not one.
size_t MarkdownReader::ParseLinkTarget(size_t pos, size_t end) const {
  size_t i = pos + 1;
  auto skip_space = [&] {
    while (i < end && (IsSpaceOrTab(src_[i]) || src_[i] == '\n' || src_[i] == '\r')) ++i;
  };
  skip_space();
  if (i < end && src_[i] == '<') {
    ++i;
    while (i < end && src_[i] != '>' && src_[i] != '\n') i += src_[i] == '\\' ? 2 : 1;
    if (i >= end || src_[i] != '>') return 0;
    ++i;
  } else {
    int depth = 0;
    while (i < end) {
      const char c = src_[i];
      if (c == '\\' && i + 1 < end) {
        i += 2;
        continue;
      }
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (depth == 0) break;
        --depth;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        break;
      }
      ++i;
    }
  }
  skip_space();
  if (i < end && (src_[i] == '"' || src_[i] == '\'' || src_[i] == '(')) {
    const char close = src_[i] == '(' ? ')' : src_[i];
    ++i;
    while (i < end && src_[i] != close) i += src_[i] == '\\' ? 2 : 1;
    if (i >= end) return 0;
    ++i;
    skip_space();
  }
  if (i < end && src_[i] == ')') return i + 1;
  return 0;
}

// At src_[pos] == '<': the end of an inline HTML tag or comment, or 0.
size_t MarkdownReader::ParseHtmlTag(size_t pos, size_t end, bool* is_break) const {
  *is_break = false;
  if (src_.compare(pos, 4, "<!--") == 0) {
    const size_t close = src_.substr(0, end).find("-->", pos + 4);
    return close == std::string_view::npos ? 0 : close + 3;
  }
  size_t i = pos + 1;
  if (i < end && src_[i] == '/') ++i;
  const size_t name_start = i;
  if (i >= end || !((src_[i] >= 'a' && src_[i] <= 'z') || (src_[i] >= 'A' && src_[i] <= 'Z'))) {
    return 0;
  }
  while (i < end && ((src_[i] >= 'a' && src_[i] <= 'z') || (src_[i] >= 'A' && src_[i] <= 'Z') ||
                     (src_[i] >= '0' && src_[i] <= '9') || src_[i] == '-')) {
    ++i;
  }
  const std::string_view name = src_.substr(name_start, i - name_start);
  // After the name: white space, '/', or '>' (else "<foo@bar" etc. is text).
  if (i < end && !(IsSpaceOrTab(src_[i]) || src_[i] == '\n' || src_[i] == '\r' ||
                   src_[i] == '/' || src_[i] == '>')) {
    return 0;
  }
  while (i < end && src_[i] != '>') {
    if (src_[i] == '"' || src_[i] == '\'') {
      const size_t close = src_.substr(0, end).find(src_[i], i + 1);
      if (close == std::string_view::npos) return 0;
      i = close;
    } else if (src_[i] == '<') {
      return 0;
    }
    ++i;
  }
  if (i >= end) return 0;
  *is_break = name.size() == 2 && (name[0] == 'b' || name[0] == 'B') &&
              (name[1] == 'r' || name[1] == 'R');
  return i + 1;
}

// At src_[pos] == '<': the end of an autolink ("<https://x.com>",
// "<privacy@x.com>"), or 0.
size_t MarkdownReader::ParseAutolink(size_t pos, size_t end) const {
  size_t i = pos + 1;
  bool colon = false, at = false;
  while (i < end && src_[i] != '>') {
    const char c = src_[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '<') return 0;
    if (c == ':') colon = true;
    if (c == '@') at = true;
    ++i;
  }
  if (i >= end || i == pos + 1 || !(colon || at)) return 0;
  const char first = src_[pos + 1];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
        (first >= '0' && first <= '9'))) {
    return 0;
  }
  return i + 1;
}

// The destination of a link's closing markup "](destination "title")":
// "<...>" unwrapped, else up to the first white space.
std::string LinkDestination(std::string_view closer) {
  std::string_view rest = closer.substr(2, closer.size() - 3);  // inside "](" and ")"
  while (!rest.empty() && (IsSpaceOrTab(rest.front()) || rest.front() == '\n' || rest.front() == '\r')) {
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest.front() == '<') {
    const size_t close = rest.find('>');
    return std::string(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  size_t end = 0;
  while (end < rest.size() && !IsSpaceOrTab(rest[end]) && rest[end] != '\n' && rest[end] != '\r') ++end;
  return std::string(rest.substr(0, end));
}

// A link destination, as opposed to "(some words)" after a stray ']'.
bool LooksLikeUrl(std::string_view target) {
  return target.find("://") != std::string_view::npos || target.rfind("mailto:", 0) == 0 ||
         target.rfind('#', 0) == 0 || target.rfind('/', 0) == 0;
}

void MarkdownReader::Tokenize(uint32_t begin, uint32_t end,
                              const std::vector<std::pair<uint32_t, uint32_t>>* skips) {
  tokens_.clear();
  scratch_.clear();  // indices of '[' tokens waiting for ']'
  size_t next_skip = 0;
  auto push = [&](TokenType type, size_t start, size_t length) {
    Token token;
    token.type = type;
    token.start = static_cast<uint32_t>(start);
    token.length = static_cast<uint32_t>(length);
    tokens_.push_back(token);
  };
  size_t pos = begin;
  while (pos < end) {
    if (skips != nullptr && next_skip < skips->size() && pos >= (*skips)[next_skip].first) {
      const size_t skip_end = (*skips)[next_skip].second;
      push(TokenType::kSkip, pos, skip_end - pos);
      pos = skip_end;
      ++next_skip;
      continue;
    }
    const char c = src_[pos];
    switch (c) {
      case '\\': {
        if (pos + 1 < end && IsAsciiPunctuation(src_[pos + 1])) {
          Token token;
          token.type = TokenType::kAtomic;
          token.start = static_cast<uint32_t>(pos);
          token.length = 2;
          token.decoded[0] = src_[pos + 1];
          token.decoded_length = 1;
          tokens_.push_back(token);
          pos += 2;
          continue;
        }
        if (pos + 1 < end && (src_[pos + 1] == '\n' || src_[pos + 1] == '\r')) {
          size_t after = pos + 1;
          while (after < end && reader_internal::WhiteSpaceLength(src_, after) > 0) {
            after += reader_internal::WhiteSpaceLength(src_, after);
          }
          if (after < end) {  // a break at the very end of a block is nothing
            push(TokenType::kBreak, pos, after - pos);
            pos = after;
            continue;
          }
        }
        push(TokenType::kText, pos, 1);
        ++pos;
        continue;
      }
      case '\n':
      case '\r': {
        // Two or more spaces before a line ending make a hard break.
        size_t back = pos;
        while (back > begin && src_[back - 1] == ' ') --back;
        size_t after = pos;
        while (after < end && reader_internal::WhiteSpaceLength(src_, after) > 0) {
          after += reader_internal::WhiteSpaceLength(src_, after);
        }
        if (pos - back >= 2 && after < end) {
          push(TokenType::kBreak, pos, after - pos);
        } else {
          push(TokenType::kText, pos, after - pos);
        }
        pos = after;
        continue;
      }
      case '`': {
        size_t run = pos;
        while (run < end && src_[run] == '`') ++run;
        const size_t ticks = run - pos;
        // Find a closing run of exactly as many backticks.
        size_t search = run;
        size_t close = std::string_view::npos;
        while (search < end) {
          const size_t found = src_.substr(0, end).find('`', search);
          if (found == std::string_view::npos) break;
          size_t found_end = found;
          while (found_end < end && src_[found_end] == '`') ++found_end;
          if (found_end - found == ticks) {
            close = found;
            break;
          }
          search = found_end;
        }
        if (close == std::string_view::npos) {
          push(TokenType::kText, pos, ticks);
          pos = run;
          continue;
        }
        push(TokenType::kSkip, pos, ticks);
        if (close > run) push(TokenType::kText, run, close - run);
        push(TokenType::kSkip, close, ticks);
        pos = close + ticks;
        continue;
      }
      case '*':
      case '_': {
        size_t run = pos;
        while (run < end && src_[run] == c) ++run;
        const uint32_t before = PreviousCodePoint(src_, pos, begin);
        const uint32_t after = CodePointAt(src_, run, end);
        const bool before_space = IsUnicodeWhiteSpace(before);
        const bool after_space = IsUnicodeWhiteSpace(after);
        const bool before_punct = IsUnicodePunctuation(before);
        const bool after_punct = IsUnicodePunctuation(after);
        const bool left = !after_space && (!after_punct || before_space || before_punct);
        const bool right = !before_space && (!before_punct || after_space || after_punct);
        Token token;
        token.type = TokenType::kDelim;
        token.start = static_cast<uint32_t>(pos);
        token.length = static_cast<uint32_t>(run - pos);
        token.delim = c;
        if (c == '*') {
          token.can_open = left;
          token.can_close = right;
        } else {  // '_' does not work inside words (snake_case stays)
          token.can_open = left && (!right || before_punct);
          token.can_close = right && (!left || after_punct);
        }
        tokens_.push_back(token);
        pos = run;
        continue;
      }
      case '!':
        if (pos + 1 < end && src_[pos + 1] == '[') {
          scratch_.push_back(tokens_.size());
          push(TokenType::kSkip, pos, 2);
          tokens_.back().bracket = true;
          pos += 2;
          continue;
        }
        push(TokenType::kText, pos, 1);
        ++pos;
        continue;
      case '[':
        scratch_.push_back(tokens_.size());
        push(TokenType::kSkip, pos, 1);
        tokens_.back().bracket = true;
        ++pos;
        continue;
      case ']': {
        if (!scratch_.empty()) {
          const size_t opener = scratch_.back();
          scratch_.pop_back();
          const size_t target_end =
              pos + 1 < end && src_[pos + 1] == '(' ? ParseLinkTarget(pos + 1, end) : 0;
          if (target_end > 0) {
            tokens_[opener].bracket = false;  // stays markup
            const bool link = tokens_[opener].length == 1;  // "[", not "!["
            tokens_[opener].link = link;
            push(TokenType::kSkip, pos, target_end - pos);
            tokens_.back().link = link;
            pos = target_end;
            continue;
          }
          tokens_[opener].type = TokenType::kText;  // not a link after all
          tokens_[opener].bracket = false;
        } else if (pos + 1 < end && src_[pos + 1] == '(') {
          // "](url)" whose '[' is in an earlier paragraph: OTA splits some
          // links across a blank line. The URL is still not text.
          const size_t target_end = ParseLinkTarget(pos + 1, end);
          if (target_end > 0 && LooksLikeUrl(src_.substr(pos + 2, target_end - pos - 3))) {
            push(TokenType::kSkip, pos, target_end - pos);
            pos = target_end;
            continue;
          }
        }
        push(TokenType::kText, pos, 1);
        ++pos;
        continue;
      }
      case '<': {
        const size_t autolink_end = ParseAutolink(pos, end);
        if (autolink_end > 0) {
          push(TokenType::kSkip, pos, 1);
          push(TokenType::kText, pos + 1, autolink_end - pos - 2);
          push(TokenType::kSkip, autolink_end - 1, 1);
          pos = autolink_end;
          continue;
        }
        bool is_break = false;
        const size_t tag_end = ParseHtmlTag(pos, end, &is_break);
        if (tag_end > 0) {
          push(is_break ? TokenType::kBreak : TokenType::kSkip, pos, tag_end - pos);
          pos = tag_end;
          continue;
        }
        push(TokenType::kText, pos, 1);
        ++pos;
        continue;
      }
      case '&': {
        const size_t length = DecodeCharacterReference(src_.substr(0, end), pos, &decoded_);
        if (length > 0 && decoded_.size() <= 4) {
          Token token;
          token.type = TokenType::kAtomic;
          token.start = static_cast<uint32_t>(pos);
          token.length = static_cast<uint32_t>(length);
          token.decoded_length = static_cast<uint8_t>(decoded_.size());
          for (size_t k = 0; k < decoded_.size(); ++k) token.decoded[k] = decoded_[k];
          tokens_.push_back(token);
          pos += length;
          continue;
        }
        push(TokenType::kText, pos, 1);
        ++pos;
        continue;
      }
      default:
        break;
    }
    // Plain text up to the next character that may start something.
    static constexpr reader_internal::ByteSet kSpecial =
        reader_internal::MakeByteSet("\\\n\r`*_![]<&");
    size_t run = pos + 1;
    while (run < end && !kSpecial[src_[run]]) ++run;
    if (skips != nullptr && next_skip < skips->size() && run > (*skips)[next_skip].first) {
      run = std::max<size_t>(pos + 1, (*skips)[next_skip].first);
    }
    // Merge with a preceding text token: fewer, longer runs.
    if (!tokens_.empty() && tokens_.back().type == TokenType::kText &&
        tokens_.back().start + tokens_.back().length == pos) {
      tokens_.back().length += static_cast<uint32_t>(run - pos);
    } else {
      push(TokenType::kText, pos, run - pos);
    }
    pos = run;
  }
  // Brackets never closed are text, except a '[' opening a paragraph with
  // no ']' at all: the other half of a link split across paragraphs.
  for (const size_t index : scratch_) {
    tokens_[index].bracket = false;
    const bool split_link = index == 0 && tokens_[index].length == 1 &&
                            src_.substr(begin, end - begin).find(']') == std::string_view::npos;
    if (!split_link) tokens_[index].type = TokenType::kText;
  }
}

// Pairs '*' and '_' runs: each closer takes the nearest opener of its
// character; openers between them are left unpaired (text).
void MarkdownReader::PairDelimiters() {
  scratch_.clear();
  for (size_t i = 0; i < tokens_.size(); ++i) {
    Token& token = tokens_[i];
    if (token.type != TokenType::kDelim) continue;
    if (token.can_close) {
      size_t k = scratch_.size();
      while (k > 0 && tokens_[scratch_[k - 1]].delim != token.delim) --k;
      if (k > 0) {
        Token& opener = tokens_[scratch_[k - 1]];
        opener.paired = token.paired = true;
        opener.partner = static_cast<int32_t>(i);
        token.partner = static_cast<int32_t>(scratch_[k - 1]);
        scratch_.resize(k - 1);
        continue;
      }
    }
    if (token.can_open) scratch_.push_back(i);
  }
}

void MarkdownReader::EmitInline(uint32_t begin, uint32_t end, BlockKind kind, int level,
                                bool strip_bullets, bool bold_heading_allowed,
                                const std::vector<std::pair<uint32_t, uint32_t>>* skips) {
  Tokenize(begin, end, skips);
  PairDelimiters();

  // All bold: the first and last visible tokens are a pair of "**" or "__"
  // and nothing breaks the line.
  bool bold_heading = false;
  if (bold_heading_allowed) {
    size_t first = 0, last = tokens_.size();
    auto blank = [&](const Token& token) {
      return token.type == TokenType::kText && IsBlank(src_, token.start, token.start + token.length);
    };
    while (first < last && blank(tokens_[first])) ++first;
    while (last > first && blank(tokens_[last - 1])) --last;
    if (last - first >= 2) {
      const Token& open = tokens_[first];
      bold_heading = open.type == TokenType::kDelim && open.paired && open.length >= 2 &&
                     open.partner == static_cast<int32_t>(last - 1);
      for (size_t i = first; bold_heading && i < last; ++i) {
        if (tokens_[i].type == TokenType::kBreak) bold_heading = false;
      }
    }
  }
  if (bold_heading) {
    kind = BlockKind::kHeading;
    level = heading_level_ >= 6 ? 6 : (heading_level_ > 0 ? heading_level_ + 1 : 2);
  }
  // Navigation (a table-of-contents entry): every visible token is inside a
  // link whose target is in-page ("[8. Changes](#chapter8)").
  bool navigation = kind != BlockKind::kHeading;
  {
    bool in_link = false, any_link = false;
    for (size_t i = 0; navigation && i < tokens_.size(); ++i) {
      const Token& token = tokens_[i];
      const std::string_view piece = src_.substr(token.start, token.length);
      switch (token.type) {
        case TokenType::kSkip:
          if (piece == "[") {
            navigation = !in_link;
            in_link = true;
          } else if (piece.size() >= 2 && piece[0] == ']' && piece[1] == '(') {
            navigation = in_link && piece.size() > 3 && piece[2] == '#';
            in_link = false;
            any_link = true;
          }
          break;
        case TokenType::kText:
          if (!in_link && !IsBlank(src_, token.start, token.start + token.length)) navigation = false;
          break;
        case TokenType::kAtomic:
          if (!in_link) navigation = false;
          break;
        case TokenType::kDelim:
          if (!in_link && !token.paired) navigation = false;
          break;
        case TokenType::kBreak:
          break;
      }
    }
    navigation = navigation && any_link && !in_link;
  }
  const size_t blocks_before = document_->blocks.size();

  builder_.Start(kind, level);
  for (const Token& token : tokens_) {
    switch (token.type) {
      case TokenType::kText: {
        uint32_t start = token.start;
        uint32_t length = token.length;
        if (strip_bullets && builder_.empty()) {
          // "* item" or "- item" at the start of a cell's line: a bullet.
          uint32_t i = start;
          while (i < start + length && IsSpaceOrTab(src_[i])) ++i;
          if (i + 1 < start + length && (src_[i] == '-' || src_[i] == '+') &&
              IsSpaceOrTab(src_[i + 1])) {
            length -= i + 1 - start;
            start = i + 1;
          }
        }
        builder_.AddText(src_.substr(start, length), start);
        break;
      }
      case TokenType::kAtomic:
        builder_.AddAtomic(std::string_view(token.decoded, token.decoded_length), token.start,
                           token.length);
        break;
      case TokenType::kSkip:
        if (token.link && src_[token.start] == '[') {
          link_starts_.push_back(token.start + 1);
        } else if (token.link && !link_starts_.empty()) {
          links_.push_back(SourceLink{link_starts_.back(), token.start,
                                      LinkDestination(src_.substr(token.start, token.length))});
          link_starts_.pop_back();
        }
        break;
      case TokenType::kDelim:
        // An unpaired "**" (or "__" next to a word) is broken emphasis
        // markup ("...with us.**"), never meant as text; a single '*' may
        // be a footnote mark and stays.
        if (!token.paired &&
            !(token.length >= 2 && (token.delim == '*' || token.can_open || token.can_close))) {
          if (strip_bullets && builder_.empty() && token.delim == '*' && token.length == 1 &&
              !token.can_open) {
            break;  // a "* " bullet
          }
          builder_.AddText(src_.substr(token.start, token.length), token.start);
        }
        break;
      case TokenType::kBreak:
        builder_.Start(kind, level);  // finishes the block before the break
        break;
    }
  }
  builder_.Finish();
  link_starts_.clear();
  if (navigation) {
    for (size_t b = blocks_before; b < document_->blocks.size(); ++b) {
      document_->blocks[b].navigation = true;
    }
  }

  if (bold_heading && document_->blocks.size() == blocks_before + 1 &&
      document_->blocks.back().text.size() > kMaxBoldHeadingBytes) {
    // Too long for a heading: a bold paragraph (a disclaimer, say).
    document_->blocks.back().kind = BlockKind::kParagraph;
    document_->blocks.back().level = 0;
  }
}

void MarkdownReader::Run() {
  SplitLines();
  bool blank_before = true;  // a blank line (or the start) precedes this line
  bool in_table = false;
  uint32_t tables = 0;  // tables so far: each is numbered (Block::table)
  bool in_fence = false;
  char fence_char = 0;
  size_t fence_length = 0;

  for (size_t index = 0; index < lines_.size(); ++index) {
    const LineInfo& line = lines_[index];
    Indent indent = MeasureIndent(src_, line.start, line.end);

    if (in_fence) {
      uint32_t i = indent.pos;
      while (i < line.end && src_[i] == fence_char) ++i;
      if (indent.columns < 4 && i - indent.pos >= fence_length &&
          IsBlank(src_, i, line.end)) {
        in_fence = false;
        builder_.Finish();
        continue;
      }
      // Code is kept as text, one block for the whole fence; the line
      // break before each line folds to a space.
      const uint32_t from = builder_.empty() ? line.start : lines_[index - 1].end;
      builder_.AddText(src_.substr(from, line.end - from), from);
      continue;
    }

    if (IsBlank(src_, line.start, line.end)) {
      CloseParagraph();
      in_table = false;
      blank_before = true;
      continue;
    }

    if (in_table) {
      if (LineHasPipe(src_, line.start, line.end)) {
        EmitTableRow(line, tables, /*header=*/false);
        continue;
      }
      in_table = false;
    }

    // Block quote markers: their content is read like any other.
    bool quoted = false;
    while (indent.columns < 4 && indent.pos < line.end && src_[indent.pos] == '>') {
      quoted = true;
      uint32_t after = indent.pos + 1;
      if (after < line.end && IsSpaceOrTab(src_[after])) ++after;
      const Indent inner = MeasureIndent(src_, after, line.end);
      indent = Indent{inner.pos, inner.columns};
    }
    if (quoted && indent.pos >= line.end) {  // ">" alone: a blank line
      CloseParagraph();
      blank_before = true;
      continue;
    }

    const uint32_t pos = indent.pos;
    const char first = src_[pos];
    const bool lazy_continuation = paragraph_.open && !blank_before;
    // Indented to an open list item's content, a line is inside the item
    // (OTA nests whole sections, headings included, in list items); block
    // syntax is then read relative to the item's content column.
    size_t container = 0;  // open list items the line is inside
    for (size_t k = lists_.size(); k > 0; --k) {
      if (indent.columns >= lists_[k - 1].content_indent) {
        container = k;
        break;
      }
    }
    const int relative_indent =
        indent.columns - (container > 0 ? lists_[container - 1].content_indent : 0);

    if (relative_indent < 4) {
      // Fenced code.
      if (first == '`' || first == '~') {
        uint32_t i = pos;
        while (i < line.end && src_[i] == first) ++i;
        if (i - pos >= 3 &&
            (first == '~' || src_.substr(i, line.end - i).find('`') == std::string_view::npos)) {
          CloseParagraph();
          in_fence = true;
          fence_char = first;
          fence_length = i - pos;
          builder_.Start(BlockKind::kParagraph, 0);
          blank_before = false;
          continue;
        }
      }
      // ATX heading.
      if (first == '#') {
        uint32_t i = pos;
        while (i < line.end && src_[i] == '#') ++i;
        const int hashes = static_cast<int>(i - pos);
        if (hashes <= 6 && (i == line.end || IsSpaceOrTab(src_[i]))) {
          CloseParagraph();
          lists_.resize(container);
          uint32_t content_end = TrimEnd(src_, i, line.end);
          // An optional closing run of '#', after a space.
          uint32_t closing = content_end;
          while (closing > i && src_[closing - 1] == '#') --closing;
          if (closing < content_end && (closing == i || IsSpaceOrTab(src_[closing - 1]))) {
            content_end = TrimEnd(src_, i, closing);
          }
          heading_level_ = hashes;
          EmitInline(i, content_end, BlockKind::kHeading, hashes, false, false, nullptr);
          blank_before = false;
          continue;
        }
      }
      // Setext underline under a paragraph, or under a list item's first
      // line when indented into the item ("1. Introduction" over "----").
      const bool underlines_item = paragraph_.kind == BlockKind::kListItem &&
                                   container == lists_.size() && container > 0;
      if (paragraph_.open && !blank_before && !quoted &&
          (paragraph_.kind == BlockKind::kParagraph || underlines_item)) {
        const int level = SetextLevel(src_, pos, line.end);
        if (level > 0) {
          paragraph_.kind = BlockKind::kHeading;
          paragraph_.level = level;
          heading_level_ = level;
          CloseParagraph();
          lists_.resize(container);
          blank_before = false;
          continue;
        }
      }
      if (IsThematicBreak(src_, pos, line.end)) {
        CloseParagraph();
        lists_.resize(container);
        blank_before = true;
        continue;
      }
      if (TableRowAt(index) && first != '-') {
        CloseParagraph();
        lists_.clear();
        EmitTableRow(line, ++tables, /*header=*/true);
        ++index;  // the delimiter row
        in_table = true;
        blank_before = false;
        continue;
      }
      // A link reference definition ("[id]: url "title"") is not text.
      if (first == '[' && !lazy_continuation && IsLinkDefinition(src_, pos, line.end)) {
        blank_before = false;
        continue;
      }
    }

    // List item?
    {
      uint32_t marker_end = 0;
      bool ordered = false;
      long number = 0;
      if ((first == '*' || first == '-' || first == '+') &&
          (pos + 1 == line.end || IsSpaceOrTab(src_[pos + 1]))) {
        marker_end = pos + 1;
      } else if (first >= '0' && first <= '9') {
        uint32_t i = pos;
        while (i < line.end && i - pos < 9 && src_[i] >= '0' && src_[i] <= '9') {
          number = number * 10 + (src_[i] - '0');
          ++i;
        }
        if (i < line.end && (src_[i] == '.' || src_[i] == ')') &&
            (i + 1 == line.end || IsSpaceOrTab(src_[i + 1]))) {
          marker_end = i + 1;
          ordered = true;
        }
      }
      const bool empty_item = marker_end > 0 && IsBlank(src_, marker_end, line.end);
      // Only a bullet with text or an ordered list starting at 1 may
      // interrupt a paragraph ("2023. Next..." continues it).
      if (marker_end > 0 && lazy_continuation && paragraph_.kind == BlockKind::kParagraph &&
          (empty_item || (ordered && number != 1))) {
        marker_end = 0;
      }
      if (marker_end > 0) {
        CloseParagraph();
        const Indent content = MeasureIndent(src_, marker_end, line.end);
        const int marker_columns = static_cast<int>(marker_end - pos);
        const int content_indent =
            indent.columns + marker_columns +
            (empty_item ? 1 : std::max(1, static_cast<int>(content.pos - marker_end)));
        while (!lists_.empty() && lists_.back().marker_indent > indent.columns) {
          lists_.pop_back();
        }
        if (!lists_.empty() && indent.columns < lists_.back().content_indent) {
          lists_.back() = ListEntry{indent.columns, content_indent};  // a sibling
        } else {
          lists_.push_back(ListEntry{indent.columns, content_indent});
        }
        OpenParagraph(BlockKind::kListItem, static_cast<int>(lists_.size()),
                      empty_item ? line.end : content.pos, line.end);
        blank_before = false;
        continue;
      }
    }

    // Paragraph text.
    if (lazy_continuation) {
      if (quoted) {
        // The '>' markers of a continuation line are markup, not text.
        paragraph_.skips.emplace_back(line.start, indent.pos);
      }
      paragraph_.end = line.end;
      blank_before = false;
      continue;
    }
    if (!lists_.empty()) {
      // After a blank line, text indented to an open item's content belongs
      // to that item (as a paragraph of its own); less indented text ends
      // the lists.
      while (!lists_.empty() && indent.columns < lists_.back().content_indent) {
        lists_.pop_back();
      }
    }
    OpenParagraph(BlockKind::kParagraph, 0, indent.pos, line.end);
    blank_before = false;
  }
  if (in_fence) builder_.Finish();
  CloseParagraph();
  AttachLinks(std::move(links_), document_);

  for (const Block& block : document_->blocks) {
    if (block.kind == BlockKind::kHeading) {
      document_->title = block.text;
      break;
    }
  }
}

}  // namespace

Expected<Document> ReadMarkdown(std::string_view input) {
  const Expected<bool> valid = ValidateInput(input);
  if (!valid.ok()) return valid.error();
  Document document;
  document.format = DocumentFormat::kMarkdown;
  document.source_size = static_cast<uint32_t>(input.size());
  MarkdownReader reader(input, &document);
  reader.Run();
  return document;
}

}  // namespace fineprint
