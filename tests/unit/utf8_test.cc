#include "core/utf8.h"

#include <catch2/catch.hpp>
#include <string>

namespace fineprint {
namespace {

TEST_CASE("FirstInvalidUtf8 accepts valid text of every width", "[utf8]") {
  const std::string text = "ascii é 日本語 العربية 😀 👩‍👩‍👧";
  CHECK(FirstInvalidUtf8(text) == text.size());
  CHECK(FirstInvalidUtf8("") == 0);
}

TEST_CASE("FirstInvalidUtf8 finds the first bad byte", "[utf8]") {
  CHECK(FirstInvalidUtf8(std::string("ab\xff", 3)) == 2);           // never valid
  CHECK(FirstInvalidUtf8(std::string("a\xc3", 2)) == 1);            // truncated
  CHECK(FirstInvalidUtf8(std::string("a\xc0\xaf", 3)) == 1);        // overlong '/'
  CHECK(FirstInvalidUtf8(std::string("\xed\xa0\x80", 3)) == 0);     // surrogate
  CHECK(FirstInvalidUtf8(std::string("\xf4\x90\x80\x80", 4)) == 0); // > U+10FFFF
  CHECK(FirstInvalidUtf8(std::string("ok\xe6\x97x", 5)) == 2);      // bad continuation
}

TEST_CASE("Utf16OffsetMap counts surrogate pairs and multi-byte characters", "[utf8]") {
  // "a😀é日b": a(1 byte,1 unit) 😀(4,2) é(2,1) 日(3,1) b(1,1)
  const std::string text = "a\xF0\x9F\x98\x80\xC3\xA9\xE6\x97\xA5" "b";
  Utf16OffsetMap map(text);
  CHECK(map.ToUtf16(0) == 0);
  CHECK(map.ToUtf16(1) == 1);    // before 😀
  CHECK(map.ToUtf16(5) == 3);    // after 😀
  CHECK(map.ToUtf16(7) == 4);    // after é
  CHECK(map.ToUtf16(10) == 5);   // after 日
  CHECK(map.ToUtf16(11) == 6);   // end
  CHECK(map.ToUtf16(3) == 1);    // inside 😀 maps to its start
}

TEST_CASE("Utf16OffsetMap::ToUtf8 is the inverse, a surrogate half to its character", "[utf8]") {
  const std::string text = "a\xF0\x9F\x98\x80\xC3\xA9\xE6\x97\xA5" "b";  // a😀é日b
  Utf16OffsetMap map(text);
  CHECK(map.ToUtf8(0) == 0);
  CHECK(map.ToUtf8(1) == 1);    // before 😀
  CHECK(map.ToUtf8(2) == 1);    // between 😀's two halves: its start
  CHECK(map.ToUtf8(3) == 5);    // after 😀
  CHECK(map.ToUtf8(4) == 7);    // after é
  CHECK(map.ToUtf8(5) == 10);   // after 日
  CHECK(map.ToUtf8(6) == 11);   // end
  CHECK(map.ToUtf8(60) == 11);  // past the end: the end
  CHECK(Utf16OffsetMap("").ToUtf8(0) == 0);
}

TEST_CASE("Utf16OffsetMap agrees with a direct count across checkpoints", "[utf8]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "Zoom 😀 日本語 👩‍👩‍👧 text ";
  Utf16OffsetMap map(text);
  uint32_t units = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool boundary =
        i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (boundary) REQUIRE(map.ToUtf16(static_cast<uint32_t>(i)) == units);
    if (boundary) REQUIRE(map.ToUtf8(units) == i);
    if (i < text.size() && boundary) {
      units += (static_cast<unsigned char>(text[i]) >= 0xF0) ? 2 : 1;
    }
  }
}

}  // namespace
}  // namespace fineprint
