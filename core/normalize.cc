#include "core/normalize.h"

#include <cstring>

#include "core/utf8.h"

namespace fineprint {
namespace {

constexpr uint32_t kInvalid = kInvalidCodePoint;

bool IsSpace(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0x1680;
}

// Characters that carry nothing: zero-width spaces and joiners, the word
// joiner, a byte-order mark, soft hyphens, variation selectors.
bool IsInvisible(uint32_t cp) {
  return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||
         cp == 0xAD || (cp >= 0xFE00 && cp <= 0xFE0F);
}

bool IsApostrophe(uint32_t cp) {
  return cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x201B ||
         cp == 0x2032 || cp == 0x02BC;
}

bool IsDoubleQuote(uint32_t cp) {
  return cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F || cp == 0x2033 ||
         cp == 0xAB || cp == 0xBB;
}

bool IsDash(uint32_t cp) { return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212; }

bool IsDigit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

// A word of its own: currency signs, per cent, section sign.
bool IsSymbolWord(uint32_t cp) {
  return cp == '$' || cp == '%' || cp == 0xA3 || cp == 0xA5 || cp == 0xA7 || cp == 0x20AC ||
         cp == 0x20B9;
}

// Letters and digits: ASCII alphanumerics, and any code point outside the
// punctuation, symbol and space blocks (accented letters, other scripts).
bool IsWordChar(uint32_t cp) {
  if (cp < 0x80) {
    return IsDigit(cp) || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  }
  if (cp == kInvalid) return false;
  if (cp >= 0xA0 && cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE6F) return false;  // selectors, small forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // full-width punctuation
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

uint32_t FoldCase(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    return cp | 1;
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp & 1) ? cp + 1 : cp;
  if (cp >= 0x391 && cp <= 0x3A9) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// "i", "iv", "xii": a lower- or upper-case Roman numeral up to 39.
bool IsRoman(std::string_view s) {
  if (s.empty() || s.size() > 6) return false;
  size_t i = 0;
  auto is = [&](char c) { return i < s.size() && (s[i] | 0x20) == c; };
  while (i < 3 && is('x')) ++i;
  if (is('i') && i + 1 < s.size() && ((s[i + 1] | 0x20) == 'x' || (s[i + 1] | 0x20) == 'v')) {
    i += 2;
  } else {
    if (is('v')) ++i;
    size_t ones = 0;
    while (ones < 3 && is('i')) {
      ++i;
      ++ones;
    }
  }
  return i == s.size();
}

// The length of one list marker at the start of `text` (followed by a space
// or the end), or 0.
size_t OneMarker(std::string_view text) {
  if (text.empty()) return 0;
  size_t length = 0;
  const unsigned char c = static_cast<unsigned char>(text[0]);
  auto followed_by_space = [&](size_t at) { return at == text.size() || text[at] == ' '; };
  // Bullets: * - + > and • · ▪ ◦ ‣ – —
  if (c == '*' || c == '-' || c == '+' || c == '>') {
    length = 1;
  } else if (c >= 0x80) {
    size_t n = 0;
    const uint32_t cp = DecodeUtf8(text, 0, &n);
    if (cp == 0x2022 || cp == 0xB7 || cp == 0x25AA || cp == 0x25E6 || cp == 0x2023 ||
        cp == 0x2013 || cp == 0x2014 || cp == 0x25CF || cp == 0x25A0) {
      length = n;
    }
  }
  if (length > 0) return followed_by_space(length) ? length : 0;

  // (1) (a) (iv)
  size_t i = 0;
  const bool open = text[0] == '(';
  if (open) i = 1;
  size_t body_start = i;
  while (i < text.size() && (IsDigit(static_cast<unsigned char>(text[i])) || text[i] == '.') &&
         i - body_start < 12) {
    ++i;
  }
  std::string_view body = text.substr(body_start, i - body_start);
  bool numeric = !body.empty() && IsDigit(static_cast<unsigned char>(body[0]));
  if (!numeric) {
    while (i < text.size() && IsAsciiAlpha(text[i]) && i - body_start < 6) ++i;
    body = text.substr(body_start, i - body_start);
    if (body.empty() || (body.size() > 1 && !IsRoman(body))) return 0;
  }
  if (open) {
    if (i < text.size() && text[i] == ')' && followed_by_space(i + 1) && !body.empty()) return i + 1;
    return 0;
  }
  if (i < text.size() && (text[i] == ')' || (text[i] == '.' && !numeric))) {
    return followed_by_space(i + 1) ? i + 1 : 0;
  }
  if (numeric) {
    // "4." (the dot is inside body for digits) or "2.2": a dot somewhere.
    if (body.find('.') != std::string_view::npos && followed_by_space(i)) return i;
  }
  return 0;
}

}  // namespace

std::string NormalizeTypography(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t n = 0;
    const uint32_t cp = DecodeUtf8(text, i, &n);
    const size_t at = i;
    i += n;
    if (IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (IsInvisible(cp)) continue;
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    if (cp == kInvalid) {
      out.push_back(text[at]);
    } else if (IsApostrophe(cp)) {
      out.push_back('\'');
    } else if (IsDoubleQuote(cp)) {
      out.push_back('"');
    } else if (IsDash(cp)) {
      out.push_back('-');
    } else if (cp == 0x2026) {
      out += "...";
    } else {
      out.append(text.data() + at, n);
    }
  }
  return out;
}

size_t ListMarkerLength(std::string_view text) {
  size_t total = 0;
  for (int k = 0; k < 3; ++k) {
    size_t skip = total;
    while (skip < text.size() && text[skip] == ' ') ++skip;
    const size_t marker = OneMarker(text.substr(skip));
    if (marker == 0) break;
    total = skip + marker;
  }
  if (total > 0) {
    while (total < text.size() && text[total] == ' ') ++total;
  }
  return total;
}

std::vector<ComparisonWord> ComparisonWords(std::string_view text) {
  std::vector<ComparisonWord> words;
  size_t i = ListMarkerLength(text);
  ComparisonWord current;
  bool in_word = false;
  uint32_t previous = 0;  // last code point of the current word
  auto finish = [&](size_t end) {
    if (!in_word) return;
    current.end = static_cast<uint32_t>(end);
    words.push_back(std::move(current));
    current = ComparisonWord();
    in_word = false;
  };
  words.reserve(text.size() / 5);
  while (i < text.size()) {
    // ASCII letters and digits, the bulk of any policy, without decoding.
    const unsigned char byte = static_cast<unsigned char>(text[i]);
    const bool ascii_alnum = (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z');
    if (ascii_alnum) {
      if (!in_word) {
        in_word = true;
        current.start = static_cast<uint32_t>(i);
      }
      current.folded.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 0x20 : byte));
      previous = byte;
      ++i;
      continue;
    }
    size_t n = 0;
    const uint32_t cp = DecodeUtf8(text, i, &n);
    if (IsInvisible(cp)) {
      i += n;
      continue;
    }
    if (IsWordChar(cp)) {
      if (!in_word) {
        in_word = true;
        current.start = static_cast<uint32_t>(i);
      }
      AppendUtf8(FoldCase(cp), &current.folded);
      previous = cp;
      i += n;
      continue;
    }
    // Joiners keep a word whole: an apostrophe between letters ("don't"),
    // "," or "." between digits ("15,000", "1.5").
    if (in_word && i + n < text.size()) {
      size_t m = 0;
      const uint32_t next = DecodeUtf8(text, i + n, &m);
      const bool apostrophe = IsApostrophe(cp) && IsWordChar(next) && !IsDigit(next);
      const bool number = (cp == ',' || cp == '.') && IsDigit(previous) && IsDigit(next);
      if (apostrophe || number) {
        current.folded.push_back(apostrophe ? '\'' : static_cast<char>(cp));
        i += n;
        continue;
      }
    }
    finish(i);
    if (cp == '&' || IsSymbolWord(cp)) {
      ComparisonWord word;
      word.start = static_cast<uint32_t>(i);
      word.end = static_cast<uint32_t>(i + n);
      if (cp == '&') {
        word.folded = "and";
      } else {
        AppendUtf8(cp, &word.folded);
      }
      words.push_back(std::move(word));
    }
    i += n;
  }
  finish(text.size());
  return words;
}

std::string ComparisonKey(std::string_view text) {
  std::string key;
  for (const ComparisonWord& word : ComparisonWords(text)) {
    if (!key.empty()) key.push_back(' ');
    key += word.folded;
  }
  return key;
}

uint64_t Fingerprint64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t WordFingerprint64(std::string_view bytes) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "words are read little-endian");
  uint64_t hash = 0xcbf29ce484222325ull;
  size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + at, sizeof word);
    hash = (hash ^ word) * 0x100000001b3ull;
    hash ^= hash >> 29;
  }
  for (; at < bytes.size(); ++at) hash = (hash ^ static_cast<unsigned char>(bytes[at])) * 0x100000001b3ull;
  return hash;
}

std::string Hex16(uint64_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (size_t i = 16; i-- > 0; value >>= 4) out[i] = kDigits[value & 0xF];
  return out;
}

}  // namespace fineprint
