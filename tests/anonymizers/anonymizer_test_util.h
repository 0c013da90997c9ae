// Small helpers for the anonymizer tests: create an anonymizer by name with
// options, run it on one value.
#ifndef DBANON_TESTS_ANONYMIZERS_ANONYMIZER_TEST_UTIL_H_
#define DBANON_TESTS_ANONYMIZERS_ANONYMIZER_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "anonymizers/anonymizer.h"

namespace dbanon::testing {

inline OptionValue Str(std::string s) { return OptionValue{std::move(s)}; }
inline OptionValue Int(int64_t i) { return OptionValue{i}; }
inline OptionValue Real(double d) { return OptionValue{d}; }
inline OptionValue Bool(bool b) { return OptionValue{b}; }

inline absl::StatusOr<std::unique_ptr<Anonymizer>> TryMake(std::string_view name, OptionTable options,
                                                           std::string_view salt = "s3cret") {
  Prf prf(salt);
  return CreateAnonymizer(name, Options(std::move(options)), prf, "col");
}

inline std::unique_ptr<Anonymizer> Make(std::string_view name, OptionTable options = {},
                                        std::string_view salt = "s3cret") {
  auto made = TryMake(name, std::move(options), salt);
  REQUIRE_MESSAGE(made.ok(), std::string(made.status().message()));
  return *std::move(made);
}

// The error message of a creation that must fail ("" if it succeeded).
inline std::string MakeError(std::string_view name, OptionTable options) {
  auto made = TryMake(name, std::move(options));
  if (made.ok()) return "";
  CHECK(made.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(made.status().message());
}

// Runs `a` on one non-NULL value with `scratch`: a loop over many distinct
// values keeps one Scratch (its value cache is built on first use, and
// building one per call took minutes under AddressSanitizer).
inline std::string RunText(const Anonymizer& a, std::string_view value, Scratch& scratch) {
  Cell in{value, false}, out;
  a.Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
  REQUIRE_FALSE(out.is_null);
  return std::string(out.value);
}

// The same with a fresh Scratch: the output computed without any cache.
inline std::string RunText(const Anonymizer& a, std::string_view value) {
  Scratch scratch;
  return RunText(a, value, scratch);
}

// Like RunText, with one Scratch kept across calls: a new Scratch per call
// would rebuild the anonymizers' value caches every time.
inline std::string Run(const Anonymizer& a, std::string_view value) {
  static Scratch scratch;
  Cell in{value, false}, out;
  a.Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
  REQUIRE_FALSE(out.is_null);
  return std::string(out.value);
}

inline bool RunIsNull(const Anonymizer& a) {
  Scratch scratch;
  Cell in = Cell::Null(), out{"x", false};
  a.Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
  return out.is_null;
}

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace dbanon::testing

#endif  // DBANON_TESTS_ANONYMIZERS_ANONYMIZER_TEST_UTIL_H_
