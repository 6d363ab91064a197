// Private helpers shared by the readers (not part of the core's API).
//
// BlockBuilder is how every reader assembles a block: it folds white space
// (ASCII and Unicode space separators, CR/LF included) to single spaces,
// trims the ends, and records SourceRuns as it goes, so no reader has to
// reason about run bookkeeping itself.
#ifndef FINEPRINT_CORE_READER_UTIL_H_
#define FINEPRINT_CORE_READER_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/utf8.h"

namespace fineprint {
namespace reader_internal {

// Table columns past this are past any real table (browsers clamp colspan
// there too): readers give cells past it column kMaxTableColumns + 1.
inline constexpr int kMaxTableColumns = 1000;

// Whether `text` is `lower` (ASCII, lower case) whatever the case of its
// ASCII letters: HTML attribute names and values, abbreviations.
inline bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// A set of byte values, for scanning loops that skip uninteresting bytes.
struct ByteSet {
  bool contains[256] = {};
  constexpr bool operator[](char c) const { return contains[static_cast<unsigned char>(c)]; }
};

constexpr ByteSet MakeByteSet(std::string_view bytes) {
  ByteSet set;
  for (const char c : bytes) set.contains[static_cast<unsigned char>(c)] = true;
  return set;
}

// Bytes that may start white space: ASCII white space and the lead bytes of
// the Unicode space separators.
inline constexpr ByteSet kMayStartSpace = MakeByteSet(" \t\n\r\f\v\xC2\xE1\xE2\xE3");

// WhiteSpaceLength for bytes >= 0xC2 (out of line: rare in practice).
size_t UnicodeWhiteSpaceLength(std::string_view text, size_t pos);

// Length of the white space character at text[pos] (ASCII space, tab, CR,
// LF, FF, VT, or a Unicode space separator such as U+00A0 or U+3000), or 0
// when text[pos] does not start one. Inline: readers call it per byte.
inline size_t WhiteSpaceLength(std::string_view text, size_t pos) {
  const char c = text[pos];
  if (!kMayStartSpace[c]) return 0;
  return static_cast<unsigned char>(c) < 0x80 ? 1 : UnicodeWhiteSpaceLength(text, pos);
}

// 3 when the input starts with a UTF-8 byte-order mark, else 0.
size_t ByteOrderMarkLength(std::string_view input);

// The core's one UTF-8 decoder and encoder (core/utf8.h).
using ::fineprint::AppendUtf8;
using ::fineprint::DecodeUtf8;

// Decodes an HTML character reference starting at text[pos] == '&'
// ("&amp;", "&#8217;", "&#x2019;", the common named ones, and the legacy few
// that may omit the ';'). On success returns the reference's length in bytes
// and writes its UTF-8 text (possibly empty, for a soft hyphen) to *decoded;
// returns 0 when text[pos] does not start a reference we know.
size_t DecodeCharacterReference(std::string_view text, size_t pos,
                                std::string* decoded);

// Builds blocks one at a time and appends the non-empty ones to a vector.
class BlockBuilder {
 public:
  explicit BlockBuilder(std::vector<Block>* blocks) : blocks_(blocks) {}

  // Finishes any open block, then opens a new one.
  void Start(BlockKind kind, int level);
  bool is_open() const { return open_; }
  // True when the open block has no text yet.
  bool empty() const { return block_.text.empty(); }
  BlockKind kind() const { return block_.kind; }
  int level() const { return block_.level; }
  // Marks the open block as navigation (see Block::navigation), or clears it.
  void set_navigation(bool navigation) { block_.navigation = navigation; }
  // The open block's table and whether it is a header cell (Block::table,
  // Block::table_header).
  void set_table(uint32_t table, bool header) {
    block_.table = table;
    block_.table_header = header;
  }
  bool navigation() const { return block_.navigation; }

  // Appends input bytes that are copied into the text: `text` is the input's
  // substring at source_start. White space inside it is folded.
  void AddText(std::string_view text, uint32_t source_start);
  // Appends text that stands for different source bytes (a decoded entity,
  // an escaped character): one atomic run. White-space text folds.
  void AddAtomic(std::string_view text, uint32_t source_start,
                 uint32_t source_length);
  // Records white space that separates words but is not itself copied (a
  // <br>, a folded line break): it becomes one space if text follows.
  void AddSpace(uint32_t source_start, uint32_t source_length);

  // Emits the open block if it has text, and closes it.
  void Finish();

 private:
  void FlushSpace();

  std::vector<Block>* blocks_;
  Block block_;
  bool open_ = false;
  bool space_pending_ = false;
  uint32_t space_start_ = 0;
  uint32_t space_length_ = 0;
};

}  // namespace reader_internal
}  // namespace fineprint

#endif  // FINEPRINT_CORE_READER_UTIL_H_
