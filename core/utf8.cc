#include "core/utf8.h"

#include <algorithm>

namespace fineprint {

size_t FirstInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t min_code_point;
    uint32_t code_point;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, min_code_point = 0x80, code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, min_code_point = 0x800, code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, min_code_point = 0x10000, code_point = lead & 0x07;
    } else {
      return i;
    }
    if (i + length > size) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return size;
}

uint32_t DecodeUtf8(std::string_view text, size_t pos, size_t* length) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  *length = 1;
  if (lead < 0x80) return lead;
  size_t continuation;
  uint32_t cp;
  if ((lead & 0xE0) == 0xC0) {
    continuation = 1, cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    continuation = 2, cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    continuation = 3, cp = lead & 0x07;
  } else {
    return kInvalidCodePoint;
  }
  if (pos + continuation >= text.size()) return kInvalidCodePoint;
  for (size_t k = 1; k <= continuation; ++k) {
    const auto byte = static_cast<unsigned char>(text[pos + k]);
    if ((byte & 0xC0) != 0x80) return kInvalidCodePoint;
    cp = (cp << 6) | (byte & 0x3F);
  }
  *length = continuation + 1;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

// UTF-16 code units taken by the character whose lead byte is `lead`;
// continuation bytes count zero, so summing over bytes counts units.
inline uint32_t Utf16UnitsForByte(unsigned char lead) {
  if ((lead & 0xC0) == 0x80) return 0;
  return (lead & 0xF8) == 0xF0 ? 2 : 1;
}

}  // namespace

Utf16OffsetMap::Utf16OffsetMap(std::string_view utf8_text) : text_(utf8_text) {
  checkpoints_.reserve(text_.size() / kStride + 1);
  uint32_t units = 0;
  for (size_t i = 0; i < text_.size(); ++i) {
    if (i % kStride == 0) checkpoints_.push_back(units);
    units += Utf16UnitsForByte(static_cast<unsigned char>(text_[i]));
  }
  if (text_.size() % kStride == 0) checkpoints_.push_back(units);
}

uint32_t Utf16OffsetMap::ToUtf16(uint32_t byte_offset) const {
  if (byte_offset > text_.size()) byte_offset = static_cast<uint32_t>(text_.size());
  // Back up to the start of the character holding byte_offset.
  while (byte_offset > 0 && byte_offset < text_.size() &&
         (static_cast<unsigned char>(text_[byte_offset]) & 0xC0) == 0x80) {
    --byte_offset;
  }
  const uint32_t checkpoint = byte_offset / kStride;
  uint32_t units = checkpoints_[checkpoint];
  for (uint32_t i = checkpoint * kStride; i < byte_offset; ++i) {
    units += Utf16UnitsForByte(static_cast<unsigned char>(text_[i]));
  }
  return units;
}

uint32_t Utf16OffsetMap::ToUtf8(uint32_t utf16_offset) const {
  // The last checkpoint at or before the offset, then a scan by characters.
  const auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), utf16_offset);
  const size_t checkpoint = after == checkpoints_.begin() ? 0 : static_cast<size_t>(after - checkpoints_.begin()) - 1;
  uint32_t units = checkpoints_.empty() ? 0 : checkpoints_[checkpoint];
  size_t i = checkpoint * kStride;
  // A checkpoint may fall inside a character: step to the next one's start.
  while (i < text_.size() && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) ++i;
  while (i < text_.size()) {
    size_t length = 1;
    while (i + length < text_.size() && (static_cast<unsigned char>(text_[i + length]) & 0xC0) == 0x80) ++length;
    const uint32_t character_units = Utf16UnitsForByte(static_cast<unsigned char>(text_[i]));
    if (units + character_units > utf16_offset) break;
    units += character_units;
    i += length;
  }
  return static_cast<uint32_t>(i);
}

}  // namespace fineprint
