// UTF-8 helpers. The core speaks UTF-8 byte offsets everywhere; JavaScript
// strings index UTF-16 code units. Utf16OffsetMap is the one place where one
// becomes the other.
#ifndef FINEPRINT_CORE_UTF8_H_
#define FINEPRINT_CORE_UTF8_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

// The offset of the first byte that is not part of valid UTF-8 (overlong
// forms, surrogates and code points past U+10FFFF are invalid), or
// text.size() when all of it is valid.
size_t FirstInvalidUtf8(std::string_view text);

// What DecodeUtf8 returns for a byte that does not start a valid sequence.
inline constexpr uint32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the UTF-8 character at text[pos] (pos < text.size()); *length
// receives its byte length. A byte that does not start a complete sequence
// decodes to kInvalidCodePoint with length 1, so a scan always advances.
uint32_t DecodeUtf8(std::string_view text, size_t pos, size_t* length);

// Appends code point cp (<= U+10FFFF) to out as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// Converts between byte offsets of a valid UTF-8 text and UTF-16 code-unit
// offsets of the same text. Construction is one pass; each lookup is O(1)
// (ToUtf16) or O(log n) (ToUtf8) plus a scan of at most kStride bytes.
class Utf16OffsetMap {
 public:
  explicit Utf16OffsetMap(std::string_view utf8_text);
  // byte_offset must be <= text size. An offset inside a multi-byte
  // character maps to the start of that character.
  uint32_t ToUtf16(uint32_t byte_offset) const;
  // The inverse: the byte offset where UTF-16 offset `utf16_offset` falls.
  // An offset between the two halves of a surrogate pair maps to the start
  // of that character; one past the end maps to the text size.
  uint32_t ToUtf8(uint32_t utf16_offset) const;

 private:
  static constexpr uint32_t kStride = 64;
  std::string_view text_;
  std::vector<uint32_t> checkpoints_;  // UTF-16 offset at byte i * kStride
};

}  // namespace fineprint

#endif  // FINEPRINT_CORE_UTF8_H_
