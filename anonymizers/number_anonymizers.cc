// integer, float: DbToolsBundle's numeric anonymizers (shared/docs/dbtoolsbundle.md,
// part 1; IntegerAnonymizer.php, FloatAnonymizer.php) with the same three
// exclusive modes and option names:
//   min + max  a number drawn in [min, max]
//   delta      the value plus a number drawn in [-delta, +delta]
//   percent    the value times a factor drawn in [100 - percent, 100 + percent] %
// DbToolsBundle draws with SQL random() per row; here each draw comes from the
// keyed hash of the value, so equal values get equal outputs in every table.
//
// Input that is not a number: a numeric column always holds one, but a
// misconfigured text column may not. Such a value counts as 0 in the delta
// and percent modes, so the output still has the configured spread and says
// nothing about the value (which is never copied). integer reads a decimal
// ("12.5", "1e3") as the nearest integer, as a cast would.
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"

namespace dbanon::internal {
namespace {

constexpr int64_t kMaxPercent = 1'000'000;
constexpr int kMaxPrecision = 15;  // 10^15 is exact in a double
// |x| below this converts to int64 without overflow (2^63 rounded down to a double).
constexpr double kInt64Limit = 9.2e18;

std::optional<int64_t> ParseInt64(std::string_view s) {
  // from_chars takes no '+', which PostgreSQL and MySQL never write but a
  // hand-made dump might.
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A finite double written in decimal or exponent form; not "NaN" or "Infinity".
std::optional<double> ParseFiniteDouble(std::string_view s) {
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

int64_t ValueAsInt(std::string_view value) {
  if (std::optional<int64_t> i = ParseInt64(value)) return *i;
  if (std::optional<double> d = ParseFiniteDouble(value); d && std::fabs(*d) < kInt64Limit) {
    return std::llround(*d);
  }
  return 0;
}

double ValueAsDouble(std::string_view value) { return ParseFiniteDouble(value).value_or(0.0); }

int64_t Saturate(__int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::string_view WriteInt(int64_t v, Scratch& scratch) {
  std::string& out = scratch.String(0);
  out.resize(24);
  auto [end, ec] = std::to_chars(out.data(), out.data() + out.size(), v);
  out.resize(end - out.data());
  return out;
}

// k / 10^precision written with exactly `precision` decimals, without going
// through a double so that no binary rounding shows.
std::string_view WriteScaled(int64_t k, int precision, Scratch& scratch) {
  char digits[24];
  uint64_t magnitude = k < 0 ? 0 - static_cast<uint64_t>(k) : static_cast<uint64_t>(k);
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), magnitude);
  std::string_view d(digits, end - digits);
  size_t p = static_cast<size_t>(precision);
  std::string& out = scratch.String(0);
  out.clear();
  if (k < 0) out.push_back('-');
  if (d.size() <= p) {
    out.push_back('0');
    out.push_back('.');
    out.append(p - d.size(), '0');
    out.append(d);
  } else {
    out.append(d.substr(0, d.size() - p));
    if (p > 0) {
      out.push_back('.');
      out.append(d.substr(d.size() - p));
    }
  }
  return out;
}

// For doubles too large for the int64 grid of WriteScaled.
std::string_view WriteFixed(double x, int precision, Scratch& scratch) {
  if (!std::isfinite(x)) x = std::copysign(std::numeric_limits<double>::max(), x);
  std::string& out = scratch.String(0);
  out.resize(std::numeric_limits<double>::max_exponent10 + kMaxPrecision + 8);
  auto [end, ec] = std::to_chars(out.data(), out.data() + out.size(), x, std::chars_format::fixed, precision);
  out.resize(ec == std::errc() ? end - out.data() : 0);
  return out;
}

enum class Mode { kRange, kDelta, kPercent };

// Checks that exactly one mode is configured; DbToolsBundle's rules.
absl::StatusOr<Mode> ChooseMode(const Options& o) {
  bool has_min = o.Has("min"), has_max = o.Has("max");
  if (has_min != has_max) return absl::InvalidArgumentError("options 'min' and 'max' must be given together");
  int modes = (has_min ? 1 : 0) + (o.Has("delta") ? 1 : 0) + (o.Has("percent") ? 1 : 0);
  if (modes != 1) {
    return absl::InvalidArgumentError(absl::StrCat("give exactly one of options 'min' and 'max', 'delta' or 'percent' (",
                                                   modes == 0 ? "none" : "several", " given)"));
  }
  if (has_min) return Mode::kRange;
  return o.Has("delta") ? Mode::kDelta : Mode::kPercent;
}

absl::StatusOr<int64_t> GetPercent(Options& o) {
  DBANON_ASSIGN_OR_RETURN(percent, o.GetInt("percent", 0));
  if (percent <= 0 || percent > kMaxPercent) {
    return absl::InvalidArgumentError(absl::StrCat("option 'percent' must be between 1 and ", kMaxPercent));
  }
  return percent;
}

class IntegerAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"an integer", kTextFamilies | kNumberFamilies}; }
  IntegerAnonymizer(std::string target, Mode mode, int64_t a, int64_t b, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), mode_(mode), a_(a), b_(b), prf_(std::move(prf)) {
    SetTagPrf(prf_.get());
  }

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    return AnonymizeWithTag(value, prf_->Cmac(value), scratch);
  }

  std::string_view AnonymizeWithTag(std::string_view value, const Prf::Block& tag, Scratch& scratch) const override {
    uint64_t bits = TagBits(tag);
    switch (mode_) {
      case Mode::kRange:
        return WriteInt(UniformInRange(bits, a_, b_), scratch);
      case Mode::kDelta:
        return WriteInt(Saturate(static_cast<__int128>(ValueAsInt(value)) + UniformInRange(bits, -a_, a_)), scratch);
      case Mode::kPercent: {
        // Integer division truncates toward zero, as the SQL expression
        // `value * factor / 100` that DbToolsBundle runs.
        __int128 factor = UniformInRange(bits, 100 - a_, 100 + a_);
        return WriteInt(Saturate(static_cast<__int128>(ValueAsInt(value)) * factor / 100), scratch);
      }
    }
    return {};
  }
  std::optional<std::pair<double, double>> OutputRange(size_t) const override {
    if (mode_ != Mode::kRange) return std::nullopt;
    return std::make_pair(static_cast<double>(a_), static_cast<double>(b_));
  }

 private:
  Mode mode_;
  int64_t a_;  // min, delta or percent
  int64_t b_;  // max
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeInteger(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(mode, ChooseMode(o));
  int64_t a = 0, b = 0;
  if (mode == Mode::kRange) {
    DBANON_ASSIGN_OR_RETURN(min, o.GetInt("min", 0));
    DBANON_ASSIGN_OR_RETURN(max, o.GetInt("max", 0));
    if (min > max) return absl::InvalidArgumentError("option 'min' must not be greater than 'max'");
    a = min;
    b = max;
  } else if (mode == Mode::kDelta) {
    DBANON_ASSIGN_OR_RETURN(delta, o.GetInt("delta", 0));
    // Bounded so that [-delta, delta] and value + delta fit the arithmetic.
    if (delta <= 0 || delta > std::numeric_limits<int64_t>::max() / 2) {
      return absl::InvalidArgumentError("option 'delta' must be a positive integer below 2^62");
    }
    a = delta;
  } else {
    DBANON_ASSIGN_OR_RETURN(percent, GetPercent(o));
    a = percent;
  }
  return std::make_unique<IntegerAnonymizer>(ctx.target, mode, a, b, ctx.prf);
}

class FloatAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a decimal number", kTextFamilies | FamilyBit(TypeFamily::kDecimal)}; }
  FloatAnonymizer(std::string target, Mode mode, double a, double b, int precision, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)),
        mode_(mode),
        a_(a),
        b_(b),
        precision_(precision),
        scale_(std::pow(10.0, precision)),
        prf_(std::move(prf)) {
    SetTagPrf(prf_.get());
    // The draws happen on the grid of multiples of 10^-precision, like
    // DbToolsBundle's random integer divided by 10^precision. The bounds are
    // rounded inward so the output never leaves [min, max].
    if (mode_ == Mode::kRange) {
      double lo = std::ceil(a_ * scale_), hi = std::floor(b_ * scale_);
      grid_ok_ = std::fabs(lo) < kInt64Limit && std::fabs(hi) < kInt64Limit;
      if (grid_ok_) {
        lo_ = static_cast<int64_t>(lo);
        hi_ = static_cast<int64_t>(hi);
        // No grid point inside (min = max = 1.005 at precision 2): the nearest one.
        if (lo_ > hi_) lo_ = hi_ = std::llround(a_ * scale_);
      }
    } else if (mode_ == Mode::kDelta) {
      double d = std::ceil(a_ * scale_);
      grid_ok_ = d < kInt64Limit / 2;
      if (grid_ok_) hi_ = static_cast<int64_t>(d);
    }
  }

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    return AnonymizeWithTag(value, prf_->Cmac(value), scratch);
  }

  std::string_view AnonymizeWithTag(std::string_view value, const Prf::Block& tag, Scratch& scratch) const override {
    uint64_t bits = TagBits(tag);
    switch (mode_) {
      case Mode::kRange:
        if (grid_ok_) return WriteScaled(UniformInRange(bits, lo_, hi_), precision_, scratch);
        return WriteFixed(a_ * (1 - UnitInterval(bits)) + b_ * UnitInterval(bits), precision_, scratch);
      case Mode::kDelta: {
        double v = ValueAsDouble(value);
        if (grid_ok_ && std::fabs(v * scale_) < kInt64Limit / 2) {
          return WriteScaled(std::llround(v * scale_) + UniformInRange(bits, -hi_, hi_), precision_, scratch);
        }
        return WriteFixed(v + (2 * UnitInterval(bits) - 1) * a_, precision_, scratch);
      }
      case Mode::kPercent: {
        double x = ValueAsDouble(value) * static_cast<double>(UniformInRange(bits, 100 - a_, 100 + a_)) / 100;
        if (std::fabs(x * scale_) < kInt64Limit) return WriteScaled(std::llround(x * scale_), precision_, scratch);
        return WriteFixed(x, precision_, scratch);
      }
    }
    return {};
  }
  std::optional<std::pair<double, double>> OutputRange(size_t) const override {
    if (mode_ != Mode::kRange) return std::nullopt;
    return std::make_pair(a_, b_);
  }

 private:
  // A double in [0, 1) from the top 53 bits.
  static double UnitInterval(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

  Mode mode_;
  double a_;  // min, delta or percent
  double b_;  // max
  int precision_;
  double scale_;
  bool grid_ok_ = false;
  int64_t lo_ = 0, hi_ = 0;  // grid bounds (range), or grid delta in hi_ (delta)
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeFloat(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(precision, o.GetInt("precision", 2));
  if (precision < 0 || precision > kMaxPrecision) {
    return absl::InvalidArgumentError(absl::StrCat("option 'precision' must be between 0 and ", kMaxPrecision));
  }
  DBANON_ASSIGN_OR_RETURN(mode, ChooseMode(o));
  double a = 0, b = 0;
  if (mode == Mode::kRange) {
    DBANON_ASSIGN_OR_RETURN(min, o.GetOptionalDouble("min"));
    DBANON_ASSIGN_OR_RETURN(max, o.GetOptionalDouble("max"));
    if (*min > *max) return absl::InvalidArgumentError("option 'min' must not be greater than 'max'");
    a = *min;
    b = *max;
  } else if (mode == Mode::kDelta) {
    DBANON_ASSIGN_OR_RETURN(delta, o.GetOptionalDouble("delta"));
    if (!(*delta > 0) || *delta > 1e300) return absl::InvalidArgumentError("option 'delta' must be a positive number");
    a = *delta;
  } else {
    DBANON_ASSIGN_OR_RETURN(percent, GetPercent(o));
    a = static_cast<double>(percent);
  }
  return std::make_unique<FloatAnonymizer>(ctx.target, mode, a, b, static_cast<int>(precision), ctx.prf);
}

}  // namespace

void AddNumberAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"integer",
                  "an integer drawn in [min, max], or the value moved by up to delta or percent; "
                  "a non-numeric value counts as 0",
                  {"min (none): lower bound of the drawn integer, with max",
                   "max (none): upper bound of the drawn integer, with min",
                   "delta (none): add an integer drawn in [-delta, delta] to the value",
                   "percent (none): multiply the value by a factor drawn in [100 - percent, 100 + percent] %"},
                  MakeInteger,
                  "{ min = 18, max = 99 }"});
  out->push_back({"float",
                  "a decimal number drawn in [min, max], or the value moved by up to delta or percent; "
                  "a non-numeric value counts as 0",
                  {"min (none): lower bound of the drawn number, with max",
                   "max (none): upper bound of the drawn number, with min",
                   "delta (none): add a number drawn in [-delta, delta] to the value",
                   "percent (none): multiply the value by a factor drawn in [100 - percent, 100 + percent] %",
                   "precision (2): decimals in the output (0 to 15)"},
                  MakeFloat,
                  "{ min = 0.5, max = 99.5, precision = 2 }"});
}

}  // namespace dbanon::internal
