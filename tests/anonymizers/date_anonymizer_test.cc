#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Contains;
using testing::Make;
using testing::MakeError;
using testing::RunText;
using testing::Str;

namespace chrono = std::chrono;

// Microseconds since 1970-01-01 of the wall-clock time in "YYYY-MM-DD[ HH:MM:SS[.f]]..."
// (any offset ignored), for checking distances.
int64_t Micros(const std::string& text) {
  static const std::regex re("^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]+))?)?.*$");
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_match(text, m, re), text);
  chrono::year_month_day ymd{chrono::year{std::stoi(m[1])}, chrono::month{static_cast<unsigned>(std::stoi(m[2]))},
                             chrono::day{static_cast<unsigned>(std::stoi(m[3]))}};
  REQUIRE(ymd.ok());
  int64_t us = chrono::duration_cast<chrono::microseconds>(chrono::sys_days{ymd}.time_since_epoch()).count();
  if (m[4].matched) us += ((std::stoll(m[4]) * 60 + std::stoll(m[5])) * 60 + std::stoll(m[6])) * 1'000'000;
  if (m[7].matched) us += std::stoll((m[7].str() + "000000").substr(0, 6));
  return us;
}

constexpr int64_t kDay = 86'400'000'000;

TEST_CASE("date keeps the shape of each value it replaces") {
  struct Case {
    const char* in;
    const char* shape;
  } cases[] = {
      {"2024-01-02", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
      {"2024-01-02 03:04:05", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"},
      {"2024-01-02 03:04:05.678+00", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}\\+00$"},
      {"2024-01-02 03:04:05.123456-08:30", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}-08:30$"},
      {"1900-02-28 23:59:59+00:09:21", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\+00:09:21$"},
      {"2024-01-02T03:04:05Z", "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
      {"0044-03-15 BC", "^00[0-9]{2}-[0-9]{2}-[0-9]{2} BC$"},
      {"0044-03-15 12:00:00+00:53:28 BC", "^00[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\+00:53:28 BC$"},
  };
  auto a = Make("date", {{"delta", Str("1 month")}});
  for (const Case& c : cases) {
    std::string out = RunText(*a, c.in);
    CHECK_MESSAGE(std::regex_match(out, std::regex(c.shape)), c.in, " -> ", out);
    CHECK(out != c.in);
  }
}

TEST_CASE("date with delta moves the value by at most delta, at the value's precision") {
  auto a = Make("date", {{"delta", Str("P1DT12H")}});
  std::set<int64_t> shifts;
  for (int i = 0; i < 300; ++i) {
    std::string in = std::to_string(1990 + i / 10) + "-03-" + std::to_string(10 + i % 10) + " 12:" +
                     std::to_string(10 + i % 50) + ":00";
    std::string out = RunText(*a, in);
    int64_t shift = Micros(out) - Micros(in);
    CHECK(std::abs(shift) <= kDay * 3 / 2);
    CHECK(shift % 1'000'000 == 0);  // no fraction in, whole seconds out
    shifts.insert(shift);
  }
  CHECK(shifts.size() > 250);
  // A date moves by whole days, at least one even when delta is shorter.
  auto hours = Make("date", {{"delta", Str("PT3H")}});
  std::set<std::string> outs;
  for (int i = 0; i < 100; ++i) {
    std::string in = std::to_string(1900 + i) + "-05-" + std::to_string(10 + i % 10);
    std::string out = RunText(*hours, in);
    CHECK(std::abs(Micros(out) - Micros(in)) <= kDay);
    outs.insert(out);
  }
  CHECK(outs.size() > 10);
}

TEST_CASE("date format = date draws whole days and sets a time of day to midnight") {
  auto a = Make("date", {{"delta", Str("10 day")}, {"format", Str("date")}});
  for (int i = 0; i < 100; ++i) {
    std::string in = "2024-03-15 13:14:15.5+02";
    in[9] = static_cast<char>('0' + i % 10);
    std::string out = RunText(*a, in);
    CHECK_MESSAGE(std::regex_match(out, std::regex("^2024-0[23]-[0-9]{2} 00:00:00\\.0\\+02$")), out);
    CHECK(std::abs(Micros(out) - (Micros(in) / kDay * kDay)) <= 10 * kDay);
  }
}

TEST_CASE("date with min and max stays within the bounds") {
  auto a = Make("date", {{"min", Str("2020-01-01")}, {"max", Str("2020-12-31 23:59:59")}});
  int64_t lo = Micros("2020-01-01"), hi = Micros("2020-12-31 23:59:59");
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    for (const char* in : {"1999-01-01", "1999-01-01 10:00:00.12"}) {
      std::string value = std::to_string(1000 + i) + std::string(in).substr(4);
      std::string out = RunText(*a, value);
      CHECK(Micros(out) >= lo);
      CHECK(Micros(out) <= hi);
      CHECK(out.size() == value.size());
      seen.insert(out);
    }
  }
  CHECK(seen.size() > 400);
  // format = date: days only, even for a date-time value.
  auto days = Make("date", {{"min", Str("2020-01-01")}, {"max", Str("2020-01-03")}, {"format", Str("date")}});
  std::set<std::string> few;
  for (int i = 0; i < 100; ++i) few.insert(RunText(*days, std::to_string(i) + "-01-01 10:00:00"));
  // Unparsable values get format's shape: "YYYY-MM-DD".
  CHECK(few == std::set<std::string>{"2020-01-01", "2020-01-02", "2020-01-03"});
  std::string dt = RunText(*days, "2024-06-01 10:00:00");
  CHECK(dt.substr(10) == " 00:00:00");
}

TEST_CASE("date bounds relative to today are resolved against the current day") {
  auto a = Make("date", {{"min", Str("now -1 month")}, {"max", Str("today")}, {"format", Str("date")}});
  int64_t today = chrono::floor<chrono::days>(chrono::system_clock::now()).time_since_epoch().count() * kDay;
  for (int i = 0; i < 50; ++i) {
    int64_t out = Micros(RunText(*a, std::to_string(i)));
    CHECK(out <= today + kDay);         // + a day: the test may straddle midnight
    CHECK(out >= today - 32 * kDay);
  }
  for (const char* bound : {"-18 years", "+1 week", "yesterday", "tomorrow", "3 days ago", "2020-01-31 +1 month",
                            "now +2 hours 30 minutes", "midnight"}) {
    CHECK_MESSAGE(MakeError("date", {{"min", Str(bound)}, {"max", Str("2100-01-01")}}).empty(), bound);
  }
}

TEST_CASE("date keeps PostgreSQL's infinities in delta mode and never echoes other junk") {
  auto a = Make("date", {{"delta", Str("1 day")}});
  CHECK(RunText(*a, "infinity") == "infinity");
  CHECK(RunText(*a, "-infinity") == "-infinity");
  CHECK(RunText(*a, "0000-00-00 00:00:00") == "0000-00-00 00:00:00");
  for (const char* junk : {"31/12/2020", "2020-02-30", "2020-01-01 25:00:00", "yesterday", ""}) {
    std::string out = RunText(*a, junk);
    CHECK_MESSAGE(std::regex_match(out, std::regex("^19(69-12-31|70-01-0[12]) [0-9]{2}:[0-9]{2}:[0-9]{2}$")), out);
  }
  // Min/max mode replaces everything.
  auto r = Make("date", {{"min", Str("2000-01-01")}, {"max", Str("2000-12-31")}});
  CHECK(RunText(*r, "infinity").substr(0, 4) == "2000");
}

TEST_CASE("date outputs stay within 4713 BC and 9999-12-31") {
  auto a = Make("date", {{"delta", Str("P10Y")}});
  for (int i = 0; i < 50; ++i) {
    std::string out = RunText(*a, "9999-12-" + std::to_string(10 + i % 20) + " 00:00:0" + std::to_string(i % 10));
    CHECK(out.substr(0, 4) <= "9999");
    CHECK(out.size() == 19);
  }
}

TEST_CASE("dates depend on value, options and salt only") {
  OptionTable options{{"delta", Str("1 year")}};
  auto a = Make("date", options), b = Make("date", options), other = Make("date", options, "other salt");
  int differ = 0;
  for (int i = 10; i < 30; ++i) {
    std::string v = "2001-01-" + std::to_string(i);
    CHECK(RunText(*a, v) == RunText(*b, v));
    differ += RunText(*a, v) != RunText(*other, v);
  }
  CHECK(differ > 15);
  CHECK(testing::RunIsNull(*a));
}

TEST_CASE("date option errors name the option") {
  CHECK(Contains(MakeError("date", {}), "'delta'"));
  CHECK(Contains(MakeError("date", {{"min", Str("2020-01-01")}}), "'max'"));
  CHECK(Contains(MakeError("date", {{"min", Str("2020-01-01")}, {"max", Str("2021-01-01")}, {"delta", Str("P1D")}}),
                 "'delta'"));
  CHECK(Contains(MakeError("date", {{"min", Str("someday")}, {"max", Str("2021-01-01")}}), "'min'"));
  CHECK(Contains(MakeError("date", {{"min", Str("2020-01-01")}, {"max", Str("2021-02-30")}}), "'max'"));
  CHECK(Contains(MakeError("date", {{"min", Str("2022-01-01")}, {"max", Str("2021-01-01")}}), "'min'"));
  CHECK(Contains(MakeError("date", {{"min", Str("2020-01-01 10:00:00+02")}, {"max", Str("2021-01-01")}}), "'min'"));
  for (const char* delta : {"", "P", "PT", "P1H", "1 fortnight", "0 day", "-", "P99999999Y", "1000000 years"}) {
    CHECK_MESSAGE(Contains(MakeError("date", {{"delta", Str(delta)}}), "'delta'"), delta);
  }
  for (const char* delta : {"P1M2D", "PT3H", "P1W", "P1Y2M3DT4H5M6S", "1 month 15 day", "2 weeks", "-1 day"}) {
    CHECK_MESSAGE(MakeError("date", {{"delta", Str(delta)}}).empty(), delta);
  }
  CHECK(Contains(MakeError("date", {{"delta", Str("PT3H")}, {"format", Str("date")}}), "'delta'"));
  CHECK(Contains(MakeError("date", {{"delta", Str("P1D")}, {"format", Str("time")}}), "'format'"));
  CHECK(Contains(MakeError("date", {{"delta", testing::Int(3)}}), "'delta'"));
}

}  // namespace
}  // namespace dbanon
