// Fixed-width little-endian numbers in byte strings: the prepared form of
// the built-in rule pack (classifier.cc) and its pack record (rule_pack.cc)
// are written at build time and read by every new engine.
#ifndef FINEPRINT_CORE_LITTLE_ENDIAN_H_
#define FINEPRINT_CORE_LITTLE_ENDIAN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fineprint {

// Appends `value` as `size` bytes, low byte first.
inline void PutBytes(uint64_t value, int size, std::string* out) {
  for (int k = 0; k < size; ++k) *out += static_cast<char>((value >> (8 * k)) & 0xFF);
}

// Reads what PutBytes wrote from the front of *bytes into *value and drops
// those bytes; false (nothing read) when fewer than `size` are left.
template <typename Number>
bool TakeBytes(std::string_view* bytes, int size, Number* value) {
  if (bytes->size() < static_cast<size_t>(size)) return false;
  *value = 0;
  for (int k = 0; k < size; ++k) *value |= static_cast<Number>(static_cast<unsigned char>((*bytes)[k])) << (8 * k);
  bytes->remove_prefix(size);
  return true;
}

}  // namespace fineprint

#endif  // FINEPRINT_CORE_LITTLE_ENDIAN_H_
