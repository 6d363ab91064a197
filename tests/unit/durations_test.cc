#include "core/durations.h"

#include <catch2/catch.hpp>
#include <string>

namespace fineprint {
namespace {

// "phrase|bound|days" for each duration found, joined by "; ".
std::string Describe(const std::string& text) {
  std::string out;
  for (const Duration& d : ExtractDurations(text)) {
    if (!out.empty()) out += "; ";
    char days[32];
    std::snprintf(days, sizeof days, "%g", d.days);
    out += text.substr(d.start, d.end - d.start) + "|" + DurationBoundName(d.bound) + "|" + days;
  }
  return out;
}

TEST_CASE("Digits and units, with bounds", "[durations]") {
  CHECK(Describe("We keep it for up to 90 days.") == "up to 90 days|at_most|90");
  CHECK(Describe("for a maximum of 18 months") == "a maximum of 18 months|at_most|547.5");
  CHECK(Describe("at least 24 hours before") == "at least 24 hours|at_least|1");
  CHECK(Describe("within 2 weeks") == "within 2 weeks|at_most|14");
  CHECK(Describe("kept 1,000 days") == "1,000 days|exact|1000");
  CHECK(Describe("no more than 2 years") == "no more than 2 years|at_most|730");
  CHECK(Describe("in any 24-hour period") == "24-hour|exact|1");
  CHECK(Describe("a 90-day window") == "90-day|exact|90");
  CHECK(Describe("30 calendar days") == "30 calendar days|exact|30");
}

TEST_CASE("Numbers in words, with a repeat in parentheses", "[durations]") {
  CHECK(Describe("thirty (30) days") == "thirty (30) days|exact|30");
  CHECK(Describe("within twenty four (24) hours") == "within twenty four (24) hours|at_most|1");
  CHECK(Describe("one hundred and eighty (180) days") == "one hundred and eighty (180) days|exact|180");
  CHECK(Describe("thirty-six months") == "thirty-six months|exact|1095");
  CHECK(Describe("for one year") == "one year|exact|365");
  CHECK(Describe("for a year") == "a year|exact|365");
  CHECK(Describe("twelve months") == "twelve months|exact|365");
  CHECK(Describe("30 (thirty) days") == "30 (thirty) days|exact|30");
}

TEST_CASE("Ranges give both ends in the unit named last", "[durations]") {
  CHECK(Describe("between 30 and 90 days") == "30|exact|30; 90 days|exact|90");
  CHECK(Describe("6-12 months") == "6|exact|182.5; 12 months|exact|365");
  // Both ends written as compound adjectives share the unit of the second.
  CHECK(Describe("a 30- or 60-day period") == "30|exact|30; 60-day|exact|60");
  CHECK(Describe("for either 30- or 60-days") == "30|exact|30; 60-days|exact|60");
  CHECK(Describe("3- to 6-month terms") == "3|exact|91.25; 6-month|exact|182.5");
  CHECK(Describe("a 3- and 6-month review") == "3|exact|91.25; 6-month|exact|182.5");
  // A dash before "or" with no number after it joins nothing, and nor does
  // a dash set apart from the number; a range whose second end has no unit
  // is no duration.
  CHECK(Describe("30- or more days") == "");
  CHECK(Describe("see Section 4 — or 30 days after") == "30 days|exact|30");
  CHECK(Describe("3- to 6 items") == "");
}

TEST_CASE("Ages and unit-less numbers are not durations", "[durations]") {
  CHECK(Describe("You must be at least 13 years old.") == "");
  CHECK(Describe("under the age of 16 years") == "");
  CHECK(Describe("the age of majority (18 years or older)") == "");
  CHECK(Describe("a 17-year-old") == "");
  CHECK(Describe("teens (13- to 17-year-olds)") == "");
  CHECK(Describe("children 13 to 16 years old") == "");
  // Both ends of a range of ages, however it is introduced.
  CHECK(Describe("children aged 13 to 15 years") == "");
  CHECK(Describe("between the ages of 13 and 17 years") == "");
  CHECK(Describe("16 years or older") == "");
  // The age of data is a length: "old" makes an age only after years.
  CHECK(Describe("deleted once they are 90 days old") == "90 days|exact|90");
  CHECK(Describe("1,000,000 posts") == "");
  CHECK(Describe("a day's notice is not a thing we parse") == "a day|exact|1");
  CHECK(Describe("") == "");
}

TEST_CASE("Month convention: a twelfth of a year", "[durations]") {
  REQUIRE(ExtractDurations("12 months").size() == 1);
  REQUIRE(ExtractDurations("1 year").size() == 1);
  CHECK(SameDays(ExtractDurations("12 months")[0].days, ExtractDurations("1 year")[0].days));
  CHECK_FALSE(SameDays(ExtractDurations("3 months")[0].days, ExtractDurations("90 days")[0].days));
}

TEST_CASE("DurationDays for slot values", "[durations]") {
  CHECK(DurationDays("up to 18 months") == Approx(547.5));
  CHECK(DurationDays("immediately") == 0);
  CHECK(DurationDays("as long as necessary") == -1);
}

TEST_CASE("FormatDays picks the largest whole unit", "[durations]") {
  CHECK(FormatDays(90) == "90 days");
  CHECK(FormatDays(365) == "1 year");
  CHECK(FormatDays(730) == "2 years");
  CHECK(FormatDays(547.5) == "18 months");
  CHECK(FormatDays(365.0 / 12) == "1 month");
  CHECK(FormatDays(1) == "1 day");
  CHECK(FormatDays(0.5) == "12 hours");
  CHECK(FormatDays(0) == "0 days");
}

}  // namespace
}  // namespace fineprint
