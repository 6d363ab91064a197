// Plain text reader.
//
// Every non-blank line is a paragraph, except in hard-wrapped text, where a
// paragraph spans several lines. Joining lines is a guess, and a wrong join
// merges two sentences or a heading into a paragraph, so it is made only
// when the evidence is strong:
//   1. the document looks hard-wrapped: almost all of its lines (all but
//      1 in 20) are at most kMaxWrapWidth characters, and the wrap width W
//      is the longest such line;
//   2. the line does not end in sentence punctuation and the next line
//      starts with a lower-case letter;
//   3. the next line's first word would not have fitted on the line
//      (length + 1 + word > W), which is why a wrapping tool broke it there.
// Text written one paragraph per line (the corpus labels/*.txt files, text
// copied from a web page) has many long lines, so nothing is joined; a short
// line followed by a lower-case one ("We collect some data" / "about you")
// is a deliberate break and fails test 3.
#include <algorithm>
#include <vector>

#include "core/reader_util.h"
#include "core/readers.h"

namespace fineprint {
namespace {

using reader_internal::BlockBuilder;
using reader_internal::DecodeUtf8;
using reader_internal::WhiteSpaceLength;

constexpr size_t kMaxWrapWidth = 100;

struct Line {
  uint32_t start = 0;    // first byte of the line
  uint32_t end = 0;      // past the last byte, line terminator excluded
  uint32_t content = 0;  // past the last non-space byte
  size_t width = 0;      // characters up to `content`
  bool blank = true;
};

size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::vector<Line> SplitLines(std::string_view input, size_t begin) {
  std::vector<Line> lines;
  size_t pos = begin;
  while (pos < input.size()) {
    Line line;
    line.start = static_cast<uint32_t>(pos);
    size_t end = pos;
    while (end < input.size() && input[end] != '\n' && input[end] != '\r') ++end;
    line.end = static_cast<uint32_t>(end);
    // CRLF, a lone LF and a lone CR (old Mac files) all end a line.
    if (end < input.size() && input[end] == '\r' && end + 1 < input.size() &&
        input[end + 1] == '\n') {
      pos = end + 2;
    } else {
      pos = end + 1;
    }
    // Step back over trailing white space (one UTF-8 character at a time):
    // what is left is the content, and the line is blank if nothing is.
    size_t last = end;
    while (last > line.start) {
      size_t previous = last - 1;
      while (previous > line.start &&
             (static_cast<unsigned char>(input[previous]) & 0xC0) == 0x80) {
        --previous;
      }
      if (WhiteSpaceLength(input, previous) == 0) break;
      last = previous;
    }
    line.blank = last == line.start;
    line.content = static_cast<uint32_t>(last);
    line.width = CountCharacters(input.substr(line.start, last - line.start));
    lines.push_back(line);
  }
  return lines;
}

// True when the line's last visible character, ignoring closing quotes and
// brackets, is sentence punctuation.
bool EndsInSentencePunctuation(std::string_view input, const Line& line) {
  size_t end = line.content;
  while (end > line.start) {
    // Step back one UTF-8 character.
    size_t begin = end - 1;
    while (begin > line.start && (static_cast<unsigned char>(input[begin]) & 0xC0) == 0x80) {
      --begin;
    }
    size_t length = 0;
    const uint32_t cp = DecodeUtf8(input, begin, &length);
    switch (cp) {
      case ')': case ']': case '"': case '\'':
      case 0x2019: case 0x201D: case 0xBB:  // ’ ” »
        end = begin;
        continue;
      case '.': case '!': case '?': case ':': case ';':
      case 0x2026: case 0x3002: case 0xFF01: case 0xFF1F:  // … 。 ！ ？
        return true;
      default:
        return false;
    }
  }
  return false;
}

bool IsLowerCaseLetter(uint32_t cp) {
  if (cp >= 'a' && cp <= 'z') return true;
  if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) return true;  // Latin-1
  if (cp >= 0x100 && cp <= 0x17F) return (cp & 1) == 1;    // Latin Extended-A, mostly
  if (cp >= 0x3B1 && cp <= 0x3C9) return true;              // Greek
  if (cp >= 0x430 && cp <= 0x45F) return true;              // Cyrillic
  return false;
}

// Code points of the line's first word; *lower says whether it starts with a
// lower-case letter.
size_t FirstWord(std::string_view input, const Line& line, bool* lower) {
  size_t i = line.start;
  while (i < line.content && WhiteSpaceLength(input, i) > 0) i += WhiteSpaceLength(input, i);
  size_t length = 0;
  *lower = i < line.content && IsLowerCaseLetter(DecodeUtf8(input, i, &length));
  size_t width = 0;
  while (i < line.content && WhiteSpaceLength(input, i) == 0) {
    if ((static_cast<unsigned char>(input[i]) & 0xC0) != 0x80) ++width;
    ++i;
  }
  return width;
}

// The wrap width of a hard-wrapped text, or 0 when the text is not wrapped.
size_t WrapWidth(const std::vector<Line>& lines) {
  size_t non_blank = 0, over = 0, width = 0;
  for (const Line& line : lines) {
    if (line.blank) continue;
    ++non_blank;
    if (line.width > kMaxWrapWidth) {
      ++over;
    } else {
      width = std::max(width, line.width);
    }
  }
  if (non_blank < 2 || over * 20 > non_blank) return 0;
  return width;
}

}  // namespace

Expected<Document> ReadPlainText(std::string_view input) {
  const Expected<bool> valid = ValidateInput(input);
  if (!valid.ok()) return valid.error();
  Document document;
  document.format = DocumentFormat::kPlainText;
  document.source_size = static_cast<uint32_t>(input.size());

  const std::vector<Line> lines =
      SplitLines(input, reader_internal::ByteOrderMarkLength(input));
  const size_t wrap_width = WrapWidth(lines);

  BlockBuilder builder(&document.blocks);
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (line.blank) {
      builder.Finish();
      continue;
    }
    if (!builder.is_open()) {
      builder.Start(BlockKind::kParagraph, 0);
    } else {
      // A continued block: the line break between the lines is one space.
      const Line& previous = lines[i - 1];
      builder.AddSpace(previous.end, line.start - previous.end);
    }
    builder.AddText(input.substr(line.start, line.end - line.start), line.start);

    bool joins = false;
    if (wrap_width > 0 && i + 1 < lines.size() && !lines[i + 1].blank &&
        !EndsInSentencePunctuation(input, line)) {
      bool lower = false;
      const size_t word = FirstWord(input, lines[i + 1], &lower);
      joins = lower && line.width + 1 + word > wrap_width;
    }
    if (!joins) builder.Finish();
  }
  builder.Finish();
  return document;
}

}  // namespace fineprint
