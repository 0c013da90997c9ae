// date: DbToolsBundle's date anonymizer (shared/docs/dbtoolsbundle.md, part 1;
// DateAnonymizer.php) with its option names: a date drawn in [min, max], or
// the value moved by up to ±delta; `format` = "date" draws whole days.
//
// Dump text in, dump text out. The output keeps the shape of the value it
// replaces, so that it loads back into the same column:
//   PostgreSQL (docs, "Date/Time Output", ISO style): YYYY-MM-DD,
//     YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]], with " BC" after the year 1 BC;
//   MySQL (docs, "The DATE, DATETIME, and TIMESTAMP Types"): YYYY-MM-DD,
//     YYYY-MM-DD HH:MM:SS[.ffffff];
//   and ISO 8601's "T" separator and "Z".
// Fraction digits, separator and UTC offset are copied as written, and a
// date-only value stays date-only (whatever `format` says, as the database
// would store a timestamp in a date column). The arithmetic is on the
// wall-clock time; the offset is kept aside, so the shift never crosses a
// time-zone rule. Outputs are clamped to [4713 BC, 9999-12-31], the range
// both PostgreSQL and MySQL load (a "9999-12-31" end-of-time marker stays
// loadable when shifted up).
//
// Determinism: each draw comes from the keyed hash of the value. Relative
// bounds ("now -3 month") are resolved once per process against the start of
// the current UTC day, not the current second: runs on the same day, and all
// worker threads, agree.
//
// Values that are not dates: PostgreSQL's "infinity" and "-infinity" and
// MySQL's zero date stay as they are in delta mode (the database would leave
// them unchanged too: infinity ± interval = infinity); anything else counts as
// 1970-01-01 00:00:00 in delta mode. In min/max mode every value is replaced;
// an unparsable one gets the shape `format` names. The value itself is never
// copied to the output.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"

namespace dbanon::internal {
namespace {

namespace chrono = std::chrono;
using Micros = chrono::microseconds;
// A wall-clock time (no offset applied), in microseconds, PostgreSQL's and MySQL's finest unit.
using Instant = chrono::sys_time<Micros>;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr int64_t kPow10[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};

// 4713 BC is PostgreSQL's lowest date; 9999 MySQL's highest year.
constexpr Instant kMinInstant = chrono::sys_days{chrono::year{-4712} / 1 / 1};
constexpr Instant kMaxInstant = chrono::sys_days{chrono::year{9999} / 12 / 31} + chrono::days{1} - Micros{1};

// Limits on option numbers, so interval arithmetic stays far from overflow.
constexpr int64_t kMaxTermNumber = 1'000'000;
constexpr int64_t kMaxIntervalMicros = 10'000LL * 366 * kMicrosPerDay;

// How a value is written; copied from the input to its replacement.
struct Shape {
  bool has_time = false;
  char separator = ' ';
  int fraction_digits = 0;  // 0 to 6
  std::string_view zone;    // as written ("+00", "+05:30", "Z"), empty when none
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads exactly `n` digits at `pos`; advances only on success.
bool ReadDigits(std::string_view s, size_t& pos, int n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0 && a < 0) ? 1 : 0); }

// Parses a date or date-time at `pos`, which it advances past it (the caller
// checks for trailing text). Forms in the header comment.
bool ParseDateTime(std::string_view s, size_t& pos, Instant* t, Shape* shape) {
  size_t p = pos;
  int y = 0, digits = 0;
  while (p < s.size() && IsDigit(s[p]) && digits < 6) {
    y = y * 10 + (s[p] - '0');
    ++p;
    ++digits;
  }
  int mo = 0, d = 0;
  if (digits < 4 || digits > 5 || !Expect(s, p, '-') || !ReadDigits(s, p, 2, &mo) || !Expect(s, p, '-') ||
      !ReadDigits(s, p, 2, &d)) {
    return false;
  }
  Shape sh;
  int64_t time_of_day = 0;
  if (p + 1 < s.size() && (s[p] == ' ' || s[p] == 'T') && IsDigit(s[p + 1])) {
    sh.has_time = true;
    sh.separator = s[p++];
    int h = 0, mi = 0, se = 0;
    if (!ReadDigits(s, p, 2, &h) || !Expect(s, p, ':') || !ReadDigits(s, p, 2, &mi) || !Expect(s, p, ':') ||
        !ReadDigits(s, p, 2, &se) || h > 23 || mi > 59 || se > 59) {
      return false;
    }
    int64_t fraction = 0;
    if (Expect(s, p, '.')) {
      while (p < s.size() && IsDigit(s[p])) {
        if (sh.fraction_digits == 6) return false;
        fraction = fraction * 10 + (s[p++] - '0');
        ++sh.fraction_digits;
      }
      if (sh.fraction_digits == 0) return false;
      fraction *= kPow10[6 - sh.fraction_digits];
    }
    time_of_day = ((h * 60 + mi) * 60 + se) * kMicrosPerSecond + fraction;
    size_t zone_start = p;
    if (Expect(s, p, 'Z')) {
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      ++p;
      int part = 0;
      if (!ReadDigits(s, p, 2, &part)) return false;
      for (int i = 0; i < 2; ++i) {  // [:]MM, then [:]SS
        size_t q = p;
        Expect(s, q, ':');
        if (!ReadDigits(s, q, 2, &part)) break;
        p = q;
      }
    }
    sh.zone = s.substr(zone_start, p - zone_start);
  }
  if (s.substr(p, 3) == " BC") {
    if (y < 1) return false;
    y = 1 - y;  // 1 BC is the astronomical year 0
    p += 3;
  } else if (y < 1) {
    return false;  // no year 0 (MySQL's zero date is handled apart)
  }
  chrono::year_month_day ymd{chrono::year{y}, chrono::month{static_cast<unsigned>(mo)},
                             chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  *t = Instant{chrono::sys_days{ymd}} + Micros{time_of_day};
  *shape = sh;
  pos = p;
  return true;
}

// Writes the decimal digits of `v` at `p`, left-padded with '0' to `width`
// (what absl::StrCat(v) padded gave, a '-' included), and returns the end.
// REQUIRES: room for 21 + width bytes at p.
char* PutPadded(char* p, int64_t v, int width) {
  char digits[24];
  char* const end = digits + sizeof(digits);
  char* d = end;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--d = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--d = '-';
  for (int n = static_cast<int>(end - d); n < width; ++n) *p++ = '0';
  std::memcpy(p, d, static_cast<size_t>(end - d));
  return p + (end - d);
}

// The fields of a date go to a stack buffer and the output gets one append:
// five formatted integers (absl::StrCat) and eleven small appends per value
// cost more than the draw (callgrind, short-row dump).
void AppendDateTime(Instant t, const Shape& shape, std::string* out) {
  t = std::clamp(t, kMinInstant, kMaxInstant);
  chrono::sys_days day = chrono::floor<chrono::days>(t);
  chrono::year_month_day ymd{day};
  int y = static_cast<int>(ymd.year());
  bool bc = y <= 0;
  char buf[256];
  char* p = buf;
  p = PutPadded(p, bc ? 1 - y : y, 4);
  *p++ = '-';
  p = PutPadded(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  p = PutPadded(p, static_cast<unsigned>(ymd.day()), 2);
  if (shape.has_time) {
    int64_t us = (t - day).count();
    int64_t secs = us / kMicrosPerSecond;
    *p++ = shape.separator;
    p = PutPadded(p, secs / 3600, 2);
    *p++ = ':';
    p = PutPadded(p, secs / 60 % 60, 2);
    *p++ = ':';
    p = PutPadded(p, secs % 60, 2);
    if (shape.fraction_digits > 0) {
      *p++ = '.';
      p = PutPadded(p, us % kMicrosPerSecond / kPow10[6 - shape.fraction_digits], shape.fraction_digits);
    }
    out->append(buf, static_cast<size_t>(p - buf));
    out->append(shape.zone);
  } else {
    out->append(buf, static_cast<size_t>(p - buf));
  }
  if (bc) out->append(" BC");
}

// A calendar interval as PHP's DateInterval keeps it: months apart from days,
// because a month has no fixed length.
struct Interval {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
};

// "[+|-]N unit" terms ("1 month 15 day", "-3 months", "2 weeks ago"), the
// relative formats of PHP's strtotime and DateInterval::createFromDateString
// that a bound or delta needs.
bool ParseTerms(std::string_view s, size_t pos, bool allow_ago, Interval* out) {
  Interval iv;
  bool any = false;
  while (true) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos == s.size()) break;
    size_t word_start = pos;
    while (pos < s.size() && absl::ascii_isalpha(s[pos])) ++pos;
    if (pos > word_start) {
      if (!allow_ago || !any || Lower(s.substr(word_start, pos - word_start)) != "ago") return false;
      iv = Interval{-iv.months, -iv.days, -iv.seconds};
      continue;
    }
    int64_t sign = 1;
    if (s[pos] == '+' || s[pos] == '-') sign = s[pos++] == '-' ? -1 : 1;
    int64_t n = 0;
    size_t digits_start = pos;
    while (pos < s.size() && IsDigit(s[pos]) && n <= kMaxTermNumber) n = n * 10 + (s[pos++] - '0');
    if (pos == digits_start || n > kMaxTermNumber) return false;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    word_start = pos;
    while (pos < s.size() && absl::ascii_isalpha(s[pos])) ++pos;
    std::string unit = Lower(s.substr(word_start, pos - word_start));
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    n *= sign;
    if (unit == "year" || unit == "yr") {
      iv.months += 12 * n;
    } else if (unit == "month" || unit == "mon") {
      iv.months += n;
    } else if (unit == "week") {
      iv.days += 7 * n;
    } else if (unit == "day") {
      iv.days += n;
    } else if (unit == "hour") {
      iv.seconds += 3600 * n;
    } else if (unit == "minute" || unit == "min") {
      iv.seconds += 60 * n;
    } else if (unit == "second" || unit == "sec") {
      iv.seconds += n;
    } else {
      return false;
    }
    any = true;
  }
  *out = iv;
  return any;
}

// ISO 8601 durations as PHP's DateInterval reads them: P[nY][nM][nW][nD][T[nH][nM][nS]].
bool ParseIsoDuration(std::string_view s, Interval* out) {
  if (s.size() < 3 || s[0] != 'P') return false;
  Interval iv;
  bool in_time = false, any = false;
  for (size_t pos = 1; pos < s.size();) {
    if (!in_time && s[pos] == 'T') {
      in_time = true;
      ++pos;
      continue;
    }
    int64_t n = 0;
    size_t digits_start = pos;
    while (pos < s.size() && IsDigit(s[pos]) && n <= kMaxTermNumber) n = n * 10 + (s[pos++] - '0');
    if (pos == digits_start || pos == s.size() || n > kMaxTermNumber) return false;
    char unit = s[pos++];
    if (!in_time && unit == 'Y') {
      iv.months += 12 * n;
    } else if (!in_time && unit == 'M') {
      iv.months += n;
    } else if (!in_time && unit == 'W') {
      iv.days += 7 * n;
    } else if (!in_time && unit == 'D') {
      iv.days += n;
    } else if (in_time && unit == 'H') {
      iv.seconds += 3600 * n;
    } else if (in_time && unit == 'M') {
      iv.seconds += 60 * n;
    } else if (in_time && unit == 'S') {
      iv.seconds += n;
    } else {
      return false;
    }
    any = true;
  }
  *out = iv;
  return any;
}

// Calendar arithmetic as PHP does it: months first, keeping the day of the
// month and letting it overflow (January 31 + 1 month = March 3 or 2), then
// days and seconds. Within range by the limits on the numbers.
Instant AddInterval(Instant t, const Interval& iv) {
  chrono::sys_days day = chrono::floor<chrono::days>(t);
  Micros time_of_day = t - day;
  chrono::year_month_day ymd{day};
  chrono::year_month ym = ymd.year() / ymd.month() + chrono::months{iv.months};
  // For a day past the month's end, sys_days counts on from the 1st: [time.cal.ymd.nonmembers].
  chrono::sys_days moved = chrono::sys_days{ym / chrono::day{1}} + chrono::days{static_cast<unsigned>(ymd.day()) - 1};
  return Instant{moved + chrono::days{iv.days}} + time_of_day + chrono::seconds{iv.seconds};
}

chrono::sys_days StartupDay() {
  static const chrono::sys_days day = chrono::floor<chrono::days>(chrono::system_clock::now());
  return day;
}

// A min or max: an absolute date or date-time, optionally followed by
// relative terms, or a keyword (now, today, midnight, yesterday, tomorrow)
// or nothing, then terms: "2020-01-01", "now -3 month", "-18 years", "today".
std::optional<Instant> ParseBound(std::string_view text) {
  text = Strip(text);
  size_t pos = 0;
  Instant base;
  Shape shape;
  if (!ParseDateTime(text, pos, &base, &shape)) {
    while (pos < text.size() && absl::ascii_isalpha(text[pos])) ++pos;
    std::string word = Lower(text.substr(0, pos));
    base = Instant{StartupDay()};
    if (word == "yesterday") {
      base -= chrono::days{1};
    } else if (word == "tomorrow") {
      base += chrono::days{1};
    } else if (!word.empty() && word != "now" && word != "today" && word != "midnight") {
      return std::nullopt;
    }
  } else if (!shape.zone.empty()) {
    return std::nullopt;  // a bound is a wall-clock time, compared with the value's own
  }
  Interval iv;
  if (pos < text.size()) {
    if (text[pos] != ' ' && pos > 0) return std::nullopt;
    if (!ParseTerms(text, pos, /*allow_ago=*/true, &iv)) return std::nullopt;
    if (std::abs(iv.months) > 12 * 10'000 || std::abs(iv.days) > 366 * 10'000 ||
        std::abs(iv.seconds) > 86'400LL * 366 * 10'000) {
      return std::nullopt;
    }
  }
  Instant t = AddInterval(base, iv);
  if (t < kMinInstant || t > kMaxInstant) return std::nullopt;
  return t;
}

// A delta: ISO 8601 ("P1M2D", "PT3H") or terms ("1 month 15 day"). Months
// count as 30 days and years as 360, as in DbToolsBundle: the delta is one
// length, drawn from symmetrically.
std::optional<int64_t> ParseDelta(std::string_view text) {
  text = Strip(text);
  Interval iv;
  if (!ParseIsoDuration(text, &iv) && !ParseTerms(text, 0, /*allow_ago=*/false, &iv)) return std::nullopt;
  __int128 micros = (static_cast<__int128>(iv.months * 30 + iv.days) * 86'400 + iv.seconds) * kMicrosPerSecond;
  if (micros < 0) micros = -micros;
  if (micros == 0 || micros > kMaxIntervalMicros) return std::nullopt;
  return static_cast<int64_t>(micros);
}

bool IsSentinel(std::string_view value) {
  return value == "infinity" || value == "-infinity" || value == "0000-00-00" || value == "0000-00-00 00:00:00";
}

class DateAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a date", kTextFamilies | FamilyBit(TypeFamily::kDate)|FamilyBit(TypeFamily::kTime)|FamilyBit(TypeFamily::kTimestamp)}; }
  struct Config {
    bool by_day = false;  // format = "date"
    bool range = false;   // min/max, else delta
    Instant min, max;
    int64_t delta = 0;  // microseconds
  };

  DateAnonymizer(std::string target, Config config, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), config_(config), prf_(std::move(prf)) {
    SetTagPrf(prf_.get());
  }

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    return AnonymizeWithTag(value, prf_->Cmac(value), scratch);
  }

  std::string_view AnonymizeWithTag(std::string_view value, const Prf::Block& tag, Scratch& scratch) const override {
    Instant t{};
    Shape shape;
    size_t pos = 0;
    if (!ParseDateTime(value, pos, &t, &shape) || pos != value.size()) {
      if (!config_.range && IsSentinel(value)) return value;
      t = Instant{};
      shape = Shape{};
      shape.has_time = !config_.by_day;
    }
    // Draw on the grid the output can show: days, seconds or the value's fractions.
    bool by_day = config_.by_day || !shape.has_time;
    int64_t unit = by_day ? kMicrosPerDay : kPow10[6 - shape.fraction_digits];
    uint64_t bits = TagBits(tag);
    int64_t out = 0;
    if (config_.range) {
      out = UniformInRange(bits, FloorDiv(config_.min.time_since_epoch().count(), unit),
                           FloorDiv(config_.max.time_since_epoch().count(), unit)) *
            unit;
    } else {
      int64_t base = t.time_since_epoch().count();
      if (by_day) base = FloorDiv(base, kMicrosPerDay) * kMicrosPerDay;
      // A date moves by whole days, at least by one.
      int64_t steps = std::max<int64_t>(1, config_.delta / unit);
      out = base + UniformInRange(bits, -steps, steps) * unit;
    }
    std::string& s = scratch.String(0);
    s.clear();
    AppendDateTime(Instant{Micros{out}}, shape, &s);
    return s;
  }

 private:
  Config config_;
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeDate(Options& o, const AnonymizerContext& ctx) {
  DateAnonymizer::Config config;
  DBANON_ASSIGN_OR_RETURN(format, o.GetString("format", "datetime"));
  if (format != "date" && format != "datetime") {
    return absl::InvalidArgumentError("option 'format' must be \"date\" or \"datetime\"");
  }
  config.by_day = format == "date";
  DBANON_ASSIGN_OR_RETURN(min, o.GetOptionalString("min"));
  DBANON_ASSIGN_OR_RETURN(max, o.GetOptionalString("max"));
  DBANON_ASSIGN_OR_RETURN(delta, o.GetOptionalString("delta"));
  if (min.has_value() != max.has_value()) {
    return absl::InvalidArgumentError("options 'min' and 'max' must be given together");
  }
  if (min.has_value() && delta.has_value()) {
    return absl::InvalidArgumentError("option 'delta' cannot be combined with 'min' and 'max'");
  }
  if (!min.has_value() && !delta.has_value()) {
    return absl::InvalidArgumentError("give either options 'min' and 'max' or option 'delta'");
  }
  if (min.has_value()) {
    config.range = true;
    for (auto [key, text, bound] : {std::tuple{"min", &*min, &config.min}, std::tuple{"max", &*max, &config.max}}) {
      std::optional<Instant> t = ParseBound(*text);
      if (!t) {
        return absl::InvalidArgumentError(
            absl::StrCat("option '", key,
                         "' must be a date (\"2020-01-31\"), a date and time (\"2020-01-31 12:00:00\") or "
                         "a time relative to today (\"now -3 month\"), between 4713 BC and 9999"));
      }
      *bound = *t;
    }
    if (config.min > config.max) return absl::InvalidArgumentError("option 'min' must not be after 'max'");
  } else {
    std::optional<int64_t> micros = ParseDelta(*delta);
    if (!micros) {
      return absl::InvalidArgumentError(
          "option 'delta' must be a non-zero interval below 10000 years such as \"P1M15D\", \"PT3H\" or "
          "\"1 month 15 day\"");
    }
    // DbToolsBundle's rule: a date moves by whole days (it reports an empty interval).
    if (config.by_day && *micros < kMicrosPerDay) {
      return absl::InvalidArgumentError("option 'delta' must be at least one day with format = \"date\"");
    }
    config.delta = *micros;
  }
  return std::make_unique<DateAnonymizer>(ctx.target, config, ctx.prf);
}

}  // namespace

void AddDateAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back(
      {"date",
       "a date drawn in [min, max], or the value moved by up to delta; keeps the value's format and UTC offset",
       {"min (none): earliest date, with max: \"2020-01-31\", \"2020-01-31 12:00:00\" or relative to the "
        "start of the current UTC day, resolved once per run (\"now -3 month\", \"-18 years\", \"today\")",
        "max (none): latest date, with min, in the same forms",
        "delta (none): largest shift: ISO 8601 (\"P1M15D\", \"PT3H\") or \"1 month 15 day\"; a month counts as "
        "30 days, a year as 360",
        "format (datetime): \"date\" draws whole days (time 00:00:00); \"datetime\" draws down to the value's "
        "precision; date-only values stay dates either way"},
       MakeDate,
       "{ min = \"1950-01-01\", max = \"2005-12-31\", format = \"date\" }"});
}

}  // namespace dbanon::internal
