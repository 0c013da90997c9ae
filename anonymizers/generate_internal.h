// Helpers for the anonymizers that build a value from keyed random draws
// (address, iban-bic, phone, credit_card, ip): a stream of draws from the
// PRF for one input, and the option handling shared by the multi-column
// anonymizers (DbToolsBundle's `part = "column"` options).
//
// Thread-safety: Draws is a per-call object; the functions are pure.
#ifndef DBANON_ANONYMIZERS_GENERATE_INTERNAL_H_
#define DBANON_ANONYMIZERS_GENERATE_INTERNAL_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"
#include "base/string_view_compat.h"

namespace dbanon::internal {

// The random draws for one input: the bytes of CMAC(message || 0 || 0),
// CMAC(message || 0 || 1), ... (Prf::Cmac with a counter), 8 bytes per draw.
// The same (Prf, message) always gives the same sequence.
// REQUIRES: `message` and `prf` outlive the Draws.
class Draws {
 public:
  Draws(const Prf& prf, std::string_view message) : prf_(prf), message_(message) {}

  uint64_t Bits() {
    if (used_ == 2 * kBlocks) {
      // Several counters per refill: their blocks go through the cipher
      // together, and the message's blocks only once per Draws.
      prf_.CmacCounters(message_, counter_, kBlocks, blocks_, &stream_);
      counter_ += kBlocks;
      used_ = 0;
    }
    uint64_t v;
    std::memcpy(&v, blocks_[used_ / 2].data() + 8 * (used_ % 2), 8);
    ++used_;
    return v;
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return Uniform(Bits(), n); }
  // Uniform in [lo, hi].
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  // Digits and letters come 9 (10^9) and 6 (26^6) to a 64-bit draw; the
  // modulo bias is below 2^-32 as for Below().
  char Digit() {
    if (digits_left_ == 0) {
      digit_pool_ = Below(1'000'000'000);
      digits_left_ = 9;
    }
    --digits_left_;
    char c = static_cast<char>('0' + digit_pool_ % 10);
    digit_pool_ /= 10;
    return c;
  }
  char Letter() {
    if (letters_left_ == 0) {
      letter_pool_ = Below(308'915'776);  // 26^6
      letters_left_ = 6;
    }
    --letters_left_;
    char c = static_cast<char>('A' + letter_pool_ % 26);
    letter_pool_ /= 26;
    return c;
  }
  std::string_view Pick(std::span<const std::string_view> list) { return list[Below(list.size())]; }

 private:
  const Prf& prf_;
  std::string_view message_;
  static constexpr int kBlocks = 4;
  Prf::CmacStream stream_;
  Prf::Block blocks_[kBlocks];
  uint32_t counter_ = 0;
  int used_ = 2 * kBlocks;
  uint64_t digit_pool_ = 0;
  uint64_t letter_pool_ = 0;
  int digits_left_ = 0;
  int letters_left_ = 0;
};

// Appends `n` as `width` decimal digits (zero-padded).
inline void AppendPadded(uint64_t n, int width, std::string* out) {
  char buf[24];
  int len = 0;
  do {
    buf[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  for (int i = len; i < width; ++i) out->push_back('0');
  while (len > 0) out->push_back(buf[--len]);
}

// The key of a row for a multi-column anonymizer: every input cell as 0x01
// (NULL) or 0x00, its length as 8 little-endian bytes and its bytes, so that
// no two different rows share a key.
inline void AppendRowKey(std::span<const Cell> in, std::string* out) {
  for (const Cell& c : in) {
    if (c.is_null) {
      out->push_back('\x01');
      continue;
    }
    out->push_back('\x00');
    uint64_t n = c.value.size();
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    out->append(c.value);
  }
}

// Columns of a multi-column anonymizer, in the fixed order of its parts.
struct PartColumns {
  std::vector<std::string> columns;
  std::vector<int> part;  // part[i] = index in `parts` of columns[i]
};

// Reads the options `part = "column"` (DbToolsBundle's multi-column
// options): any non-empty subset of `parts`, each a non-empty column name, no
// column twice. Errors name the option.
inline absl::StatusOr<PartColumns> ReadPartColumns(Options& options, std::span<const std::string_view> parts) {
  PartColumns out;
  for (size_t i = 0; i < parts.size(); ++i) {
    DBANON_ASSIGN_OR_RETURN(column, options.GetOptionalString(parts[i]));
    if (!column.has_value()) continue;
    if (column->empty()) {
      return absl::InvalidArgumentError(absl::StrCat("option '", ToAbsl(parts[i]), "' must name a column"));
    }
    for (size_t j = 0; j < out.columns.size(); ++j) {
      if (out.columns[j] == *column) {
        return absl::InvalidArgumentError(absl::StrCat("option '", ToAbsl(parts[i]), "' maps column '", *column,
                                                       "' already mapped by option '",
                                                       ToAbsl(parts[out.part[j]]), "'"));
      }
    }
    out.columns.push_back(*column);
    out.part.push_back(static_cast<int>(i));
  }
  if (out.columns.empty()) {
    std::string names;
    for (std::string_view p : parts) absl::StrAppend(&names, names.empty() ? "'" : ", '", ToAbsl(p), "'");
    return absl::InvalidArgumentError(absl::StrCat("at least one of the options ", names, " is required"));
  }
  return out;
}

}  // namespace dbanon::internal

#endif  // DBANON_ANONYMIZERS_GENERATE_INTERNAL_H_
