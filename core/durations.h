// Lengths of time named in policy text ("up to 90 days", "thirty (30)
// days", "18-month", "one year"), normalised to days so two versions of a
// retention clause can be compared: "up to 90 days" -> "up to 12 months" is
// a longer period, "12 months" -> "one year" is no change at all.
//
// Convention (documented because every comparison depends on it):
//   day = 1, week = 7, month = 365/12 (30.4166...), year = 365,
//   hour = 1/24, minute = 1/1440.
// A month is a twelfth of a year, not 30 days, so "12 months" and "1 year"
// are the same length ("18 months" is 547.5 days). Business and calendar
// days count as days.
#ifndef FINEPRINT_CORE_DURATIONS_H_
#define FINEPRINT_CORE_DURATIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

// How the text bounds the length: "90 days" is exact, "up to 90 days" or
// "within 90 days" an upper bound, "at least 90 days" a lower bound.
enum class DurationBound { kExact, kAtMost, kAtLeast };

// "exact", "at_most", "at_least".
const char* DurationBoundName(DurationBound bound);

struct Duration {
  // Byte span of the phrase in the text, its bound words included
  // ("up to 12 months", "thirty (30) days").
  uint32_t start = 0;
  uint32_t end = 0;
  double days = 0;
  DurationBound bound = DurationBound::kExact;
};

// Every length of time in `text`, in order. Numbers are digits ("1,000",
// "1.5") or English words ("thirty", "twenty-four", "one hundred and
// eighty", "a"/"an" directly before a unit); a word number followed by the
// same number in parentheses counts once. In a range ("30 to 90 days") both
// ends are durations in the unit named last. Ages ("13 years old", "the age
// of 16 years") are not durations and are skipped. Linear in text size.
std::vector<Duration> ExtractDurations(std::string_view text);

// The length in days of the first duration in `text`; 0 when there is none
// but the text says "immediately" (data deleted at once); -1 otherwise. For
// slot values such as "up to 18 months".
double DurationDays(std::string_view text);

// Days written back as a person says them, in the largest unit that divides
// them evenly: 90 -> "90 days", 365 -> "1 year", 547.5 -> "18 months",
// 0.5 -> "12 hours".
std::string FormatDays(double days);

// True when two day counts name the same length: within a hundredth of a
// day, which absorbs the rounding of stored values (1/10000 of a day).
bool SameDays(double a, double b);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_DURATIONS_H_
