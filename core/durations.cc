// Extraction is a small hand-written scanner over word tokens rather than a
// regular expression: word numbers ("one hundred and eighty"), a repeated
// number in parentheses, ranges and bound words are easier to get right, and
// to keep linear, as a token walk.
#include "core/durations.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace fineprint {
namespace {

constexpr double kDaysPerMonth = 365.0 / 12.0;

enum class TokenKind { kWord, kNumber, kOpen, kClose, kDash, kOther };

struct Token {
  TokenKind kind;
  uint32_t start;
  uint32_t end;
  std::string word;   // lower-case, for kWord
  double value = 0;   // for kNumber
};

bool IsAsciiLetter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const uint32_t start = static_cast<uint32_t>(i);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      i += 2;  // no-break space
    } else if (IsAsciiLetter(c)) {
      Token t{TokenKind::kWord, start, 0, {}};
      while (i < n && IsAsciiLetter(static_cast<unsigned char>(text[i]))) {
        t.word.push_back(static_cast<char>(text[i] | 0x20));
        ++i;
      }
      // A letter run glued to other non-ASCII letters ("días") is not an
      // English word; leave it as an unknown word so it matches nothing.
      t.end = static_cast<uint32_t>(i);
      tokens.push_back(std::move(t));
    } else if (IsDigit(c)) {
      std::string digits;
      while (i < n) {
        const unsigned char d = static_cast<unsigned char>(text[i]);
        if (IsDigit(d)) {
          digits.push_back(static_cast<char>(d));
          ++i;
        } else if (d == ',' && i + 3 < n && IsDigit(static_cast<unsigned char>(text[i + 1])) &&
                   IsDigit(static_cast<unsigned char>(text[i + 2])) &&
                   IsDigit(static_cast<unsigned char>(text[i + 3])) &&
                   (i + 4 >= n || !IsDigit(static_cast<unsigned char>(text[i + 4])))) {
          ++i;  // thousands separator: "1,000"
        } else if (d == '.' && i + 1 < n && IsDigit(static_cast<unsigned char>(text[i + 1])) &&
                   digits.find('.') == std::string::npos) {
          digits.push_back('.');
          ++i;
        } else {
          break;
        }
      }
      Token t{TokenKind::kNumber, start, static_cast<uint32_t>(i), {}};
      t.value = digits.size() > 15 ? 0 : std::strtod(digits.c_str(), nullptr);
      tokens.push_back(std::move(t));
    } else if (c == '(') {
      tokens.push_back({TokenKind::kOpen, start, start + 1, {}});
      ++i;
    } else if (c == ')') {
      tokens.push_back({TokenKind::kClose, start, start + 1, {}});
      ++i;
    } else if (c == '-') {
      tokens.push_back({TokenKind::kDash, start, start + 1, {}});
      ++i;
    } else if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) >= 0x90 &&
                static_cast<unsigned char>(text[i + 2]) <= 0x94)) {
      tokens.push_back({TokenKind::kDash, start, start + 3, {}});  // hyphens, en/em dash
      i += 3;
    } else {
      // Any other character (punctuation, a multi-byte letter) separates.
      size_t len = 1;
      if (c >= 0xF0) len = 4;
      else if (c >= 0xE0) len = 3;
      else if (c >= 0xC0) len = 2;
      i = std::min(n, i + len);
      tokens.push_back({TokenKind::kOther, start, static_cast<uint32_t>(i), {}});
    }
  }
  return tokens;
}

int SmallNumber(const std::string& w) {
  static const char* const kWords[] = {"zero",     "one",     "two",       "three",    "four",
                                       "five",     "six",     "seven",     "eight",    "nine",
                                       "ten",      "eleven",  "twelve",    "thirteen", "fourteen",
                                       "fifteen",  "sixteen", "seventeen", "eighteen", "nineteen"};
  for (int k = 0; k < 20; ++k) {
    if (w == kWords[k]) return k;
  }
  return -1;
}

int TensNumber(const std::string& w) {
  static const char* const kWords[] = {"twenty", "thirty",  "forty",  "fifty",
                                       "sixty",  "seventy", "eighty", "ninety"};
  for (int k = 0; k < 8; ++k) {
    if (w == kWords[k]) return 20 + 10 * k;
  }
  return -1;
}

// The unit a word names, in days, or 0 when it names none.
double UnitDays(const std::string& w) {
  if (w == "day" || w == "days") return 1;
  if (w == "week" || w == "weeks") return 7;
  if (w == "month" || w == "months") return kDaysPerMonth;
  if (w == "year" || w == "years") return 365;
  if (w == "hour" || w == "hours") return 1.0 / 24;
  if (w == "minute" || w == "minutes") return 1.0 / 1440;
  return 0;
}

bool IsWord(const std::vector<Token>& t, size_t i, const char* w) {
  return i < t.size() && t[i].kind == TokenKind::kWord && t[i].word == w;
}

// Parses an English number in words starting at token i: "thirty",
// "thirty-six", "twenty four", "one hundred and eighty", "two thousand".
// Returns the index past it, or i when there is none.
size_t ParseWordNumber(const std::vector<Token>& t, size_t i, double* value) {
  double total = 0;
  double current = 0;
  bool any = false;
  bool after_tens = false;   // "thirty" may take a unit word: "thirty six"
  bool after_small = false;  // "one" may take "hundred"/"thousand"
  size_t j = i;
  size_t end = i;
  while (j < t.size() && t[j].kind == TokenKind::kWord) {
    const std::string& w = t[j].word;
    const int small = SmallNumber(w);
    const int tens = TensNumber(w);
    // after_small and after_tens are both false only at the start and right
    // after "hundred"/"thousand", where any number word may follow.
    if (small >= 0 && (!any || (after_tens && small > 0 && small < 10) || (!after_small && !after_tens))) {
      current += small;
      any = true;
      after_small = true;
      after_tens = false;
      end = ++j;
    } else if (tens >= 0 && !after_small && !after_tens) {
      current += tens;
      any = true;
      after_tens = true;
      after_small = false;
      end = ++j;
      // "thirty-six": a dash joins tens and units.
      if (j + 1 < t.size() && t[j].kind == TokenKind::kDash && t[j].start == t[j - 1].end &&
          t[j + 1].kind == TokenKind::kWord && t[j + 1].start == t[j].end) {
        const int unit = SmallNumber(t[j + 1].word);
        if (unit > 0 && unit < 10) {
          current += unit;
          after_tens = false;
          after_small = true;
          j += 2;
          end = j;
        }
      }
    } else if (w == "hundred" && any && current > 0 && current < 100) {
      current *= 100;
      after_small = after_tens = false;
      end = ++j;
      if (IsWord(t, j, "and") && j + 1 < t.size() &&
          (SmallNumber(t[j + 1].word) > 0 || TensNumber(t[j + 1].word) > 0)) {
        ++j;  // "one hundred and eighty"
      }
    } else if (w == "thousand" && any && current > 0) {
      total += current * 1000;
      current = 0;
      after_small = after_tens = false;
      end = ++j;
    } else {
      break;
    }
  }
  if (!any) return i;
  *value = total + current;
  return end;
}

// A number at token i (digits, words, or "a"/"an" directly before a unit),
// with an optional repeat in parentheses: "thirty (30)", "30 (thirty)".
// Returns the index past it, or i.
size_t ParseNumber(const std::vector<Token>& t, size_t i, double* value) {
  if (i >= t.size()) return i;
  size_t j = i;
  if (t[i].kind == TokenKind::kNumber) {
    *value = t[i].value;
    j = i + 1;
  } else if (t[i].kind == TokenKind::kWord) {
    if ((t[i].word == "a" || t[i].word == "an") && i + 1 < t.size() &&
        t[i + 1].kind == TokenKind::kWord && UnitDays(t[i + 1].word) > 0) {
      *value = 1;
      return i + 1;
    }
    j = ParseWordNumber(t, i, value);
    if (j == i) return i;
  } else {
    return i;
  }
  // "thirty (30)" or "30 (thirty)": the parenthesised repeat belongs to it.
  if (j + 2 < t.size() && t[j].kind == TokenKind::kOpen) {
    double repeat = 0;
    size_t k = ParseNumber(t, j + 1, &repeat);
    if (k > j + 1 && k < t.size() && t[k].kind == TokenKind::kClose) {
      if (t[i].kind == TokenKind::kWord) *value = repeat;  // the digits are exact
      j = k + 1;
    }
  }
  return j;
}

// The unit at token j, allowing "-" ("90-day") and "business"/"calendar"/
// "working" before it. Returns the index past the unit, or j.
size_t ParseUnit(const std::vector<Token>& t, size_t j, double* unit_days) {
  size_t k = j;
  if (k < t.size() && t[k].kind == TokenKind::kDash) ++k;
  if (IsWord(t, k, "business") || IsWord(t, k, "calendar") || IsWord(t, k, "working")) ++k;
  if (k < t.size() && t[k].kind == TokenKind::kWord) {
    const double days = UnitDays(t[k].word);
    if (days > 0) {
      *unit_days = days;
      return k + 1;
    }
  }
  return j;
}

// How many tokens the connector of a range spans at token j, right after a
// number: 1 for "to", "and", "or", "through" or a dash ("6-12 months"), 2
// for a hyphen on the number followed by one of the first three ("30- or
// 60-day", whose first end keeps the hyphen of the unit it shares; a dash
// set apart, "4 — or 30 days", joins nothing), 0 when there is none.
size_t RangeConnectorLength(const std::vector<Token>& t, size_t j) {
  if (j == 0 || j >= t.size()) return 0;
  const auto is_joining_word = [&](size_t k) { return IsWord(t, k, "to") || IsWord(t, k, "and") || IsWord(t, k, "or"); };
  if (t[j].kind == TokenKind::kDash) {
    if (!is_joining_word(j + 1)) return 1;
    return t[j].start == t[j - 1].end ? 2 : 0;
  }
  return is_joining_word(j) || IsWord(t, j, "through") ? 1 : 0;
}

// Bound words that end right before token i, and where they start.
DurationBound BoundBefore(const std::vector<Token>& t, size_t i, size_t* first) {
  struct Phrase {
    const char* words[3];
    DurationBound bound;
  };
  static const Phrase kPhrases[] = {
      {{"up", "to", nullptr}, DurationBound::kAtMost},
      {{"no", "more", "than"}, DurationBound::kAtMost},
      {{"not", "more", "than"}, DurationBound::kAtMost},
      {{"no", "longer", "than"}, DurationBound::kAtMost},
      {{"not", "longer", "than"}, DurationBound::kAtMost},
      {{"maximum", "of", nullptr}, DurationBound::kAtMost},
      {{"at", "most", nullptr}, DurationBound::kAtMost},
      {{"less", "than", nullptr}, DurationBound::kAtMost},
      {{"within", nullptr, nullptr}, DurationBound::kAtMost},
      {{"at", "least", nullptr}, DurationBound::kAtLeast},
      {{"no", "less", "than"}, DurationBound::kAtLeast},
      {{"not", "less", "than"}, DurationBound::kAtLeast},
      {{"minimum", "of", nullptr}, DurationBound::kAtLeast},
      {{"more", "than", nullptr}, DurationBound::kAtLeast},
      {{"longer", "than", nullptr}, DurationBound::kAtLeast},
  };
  for (const Phrase& phrase : kPhrases) {
    size_t count = 0;
    while (count < 3 && phrase.words[count] != nullptr) ++count;
    if (i < count) continue;
    bool match = true;
    for (size_t k = 0; k < count && match; ++k) match = IsWord(t, i - count + k, phrase.words[k]);
    if (match) {
      *first = i - count;
      // "a maximum of", "a minimum of"
      if (*first > 0 && IsWord(t, *first - 1, "a") &&
          (phrase.words[0] == std::string("maximum") || phrase.words[0] == std::string("minimum"))) {
        --*first;
      }
      return phrase.bound;
    }
  }
  *first = i;
  return DurationBound::kExact;
}

// "13 years old", "a 17-year-old", "13- to 17-year-olds", "the age of 16
// years", "aged 18 years": an age.
bool IsAge(const std::vector<Token>& t, size_t number, size_t past_unit) {
  const size_t after = past_unit < t.size() && t[past_unit].kind == TokenKind::kDash ? past_unit + 1 : past_unit;
  // "old" and "or older" only after years: "90 days old" is the age of data.
  const bool in_years = past_unit > 0 && (IsWord(t, past_unit - 1, "year") || IsWord(t, past_unit - 1, "years"));
  if (in_years && (IsWord(t, after, "old") || IsWord(t, after, "olds"))) return true;
  if (in_years && (IsWord(t, past_unit, "or") || IsWord(t, past_unit, "and")) &&
      (IsWord(t, past_unit + 1, "older") || IsWord(t, past_unit + 1, "over") || IsWord(t, past_unit + 1, "above"))) {
    return true;
  }
  if (IsWord(t, past_unit, "of") && IsWord(t, past_unit + 1, "age")) return true;
  if (number >= 2 && (IsWord(t, number - 2, "age") || IsWord(t, number - 2, "ages")) && IsWord(t, number - 1, "of")) {
    return true;
  }
  if (number >= 1 && IsWord(t, number - 1, "aged")) return true;
  // "the age of majority (18 years": an age in parentheses.
  if (number >= 3 && t[number - 1].kind == TokenKind::kOpen && IsWord(t, number - 2, "majority")) return true;
  return false;
}

}  // namespace

const char* DurationBoundName(DurationBound bound) {
  switch (bound) {
    case DurationBound::kExact: return "exact";
    case DurationBound::kAtMost: return "at_most";
    case DurationBound::kAtLeast: return "at_least";
  }
  return "exact";
}

std::vector<Duration> ExtractDurations(std::string_view text) {
  std::vector<Duration> out;
  const std::vector<Token> t = Tokenize(text);
  size_t i = 0;
  while (i < t.size()) {
    double value = 0;
    const size_t past_number = ParseNumber(t, i, &value);
    if (past_number == i) {
      ++i;
      continue;
    }
    double unit = 0;
    size_t past_unit = ParseUnit(t, past_number, &unit);
    size_t resume = past_unit;
    size_t age_from = past_unit;  // where an age's "-year-old" or "old" would follow
    if (past_unit == past_number) {
      // A range's first end takes the unit named after the second:
      // "30 to 90 days", "6-12 months", "30- or 60-day".
      double second = 0;
      const size_t connector = RangeConnectorLength(t, past_number);
      if (connector == 0) {
        i = past_number;
        continue;
      }
      const size_t past_second = ParseNumber(t, past_number + connector, &second);
      const size_t past_second_unit = ParseUnit(t, past_second, &unit);
      if (past_second == past_number + connector || past_second_unit == past_second) {
        i = past_number;
        continue;
      }
      resume = past_number + connector;  // the second end is found on its own
      past_unit = past_number;
      // A range of ages is told by what follows its second end.
      age_from = past_second_unit;
    }
    if (IsAge(t, i, age_from)) {
      i = age_from != past_unit ? age_from : resume;  // a range of ages: its second end too
      continue;
    }
    size_t first = i;
    Duration d;
    d.bound = BoundBefore(t, i, &first);
    d.start = t[first].start;
    d.end = t[past_unit - 1].end;
    d.days = value * unit;
    out.push_back(d);
    i = resume;
  }
  return out;
}

double DurationDays(std::string_view text) {
  const std::vector<Duration> durations = ExtractDurations(text);
  if (!durations.empty()) return durations.front().days;
  for (const Token& t : Tokenize(text)) {
    if (t.kind == TokenKind::kWord && t.word == "immediately") return 0;
  }
  return -1;
}

// A hundredth of a day: snapshots store days to 1/10000, and no policy
// distinguishes lengths closer than that.
bool SameDays(double a, double b) { return std::fabs(a - b) < 0.01; }

std::string FormatDays(double days) {
  auto whole = [](double x) { return std::fabs(x - std::round(x)) < 1e-6; };
  auto plural = [](double n, const char* unit) {
    char buffer[64];
    const long long k = std::llround(n);
    std::snprintf(buffer, sizeof buffer, "%lld %s%s", k, unit, k == 1 ? "" : "s");
    return std::string(buffer);
  };
  if (days < 0) return "unknown";
  if (days == 0) return "0 days";
  if (whole(days / 365)) return plural(days / 365, "year");
  if (whole(days / kDaysPerMonth)) return plural(days / kDaysPerMonth, "month");
  if (whole(days)) return plural(days, "day");
  if (whole(days * 24)) return plural(days * 24, "hour");
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f days", days);
  return buffer;
}

}  // namespace fineprint
