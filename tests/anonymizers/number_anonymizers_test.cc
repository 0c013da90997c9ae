#include <doctest/doctest.h>

#include <cstdint>
#include <regex>
#include <set>
#include <string>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Int;
using testing::Make;
using testing::MakeError;
using testing::Real;
using testing::RunText;
using testing::Str;

TEST_CASE("integer with min and max draws every integer of the range and no other") {
  auto a = Make("integer", {{"min", Int(-3)}, {"max", Int(3)}});
  std::set<int64_t> seen;
  for (int i = 0; i < 500; ++i) seen.insert(std::stoll(RunText(*a, std::to_string(i))));
  CHECK(seen == std::set<int64_t>{-3, -2, -1, 0, 1, 2, 3});
}

TEST_CASE("integer with delta moves the value by at most delta, both ways") {
  auto a = Make("integer", {{"delta", Int(10)}});
  std::set<int64_t> shifts;
  for (int64_t v = -50000; v < 50000; v += 97) {
    int64_t out = std::stoll(RunText(*a, std::to_string(v)));
    CHECK(out - v >= -10);
    CHECK(out - v <= 10);
    shifts.insert(out - v);
  }
  CHECK(shifts.size() == 21);
}

TEST_CASE("integer with percent scales the value by at most percent") {
  auto a = Make("integer", {{"percent", Int(20)}});
  std::set<int64_t> outs;
  int64_t plus = std::stoll(RunText(*a, "+1000"));  // a leading '+' is a number too
  CHECK(plus >= 800);
  CHECK(plus <= 1200);
  for (int64_t v = 1000; v < 100000; v += 1000) {
    int64_t out = std::stoll(RunText(*a, std::to_string(v)));
    CHECK(out >= v * 80 / 100);
    CHECK(out <= v * 120 / 100);
    outs.insert(out * 100 / v);
  }
  CHECK(outs.size() > 10);
}

TEST_CASE("integer reads a decimal as the nearest integer and anything else as 0, never echoing it") {
  auto a = Make("integer", {{"delta", Int(5)}});
  int64_t out = std::stoll(RunText(*a, "12.6"));
  CHECK(out >= 8);
  CHECK(out <= 18);
  for (const char* junk : {"abc", "", "NaN", "12abc", "99999999999999999999999999"}) {
    std::string text = RunText(*a, junk);
    int64_t v = std::stoll(text);
    CHECK(v >= -5);
    CHECK(v <= 5);
  }
  CHECK(RunText(*Make("integer", {{"percent", Int(50)}}), "secret") == "0");
}

TEST_CASE("integer saturates at the ends of the 64-bit range") {
  auto a = Make("integer", {{"delta", Int(int64_t{1} << 40)}});
  int64_t top = std::stoll(RunText(*a, "9223372036854775807"));
  CHECK(top > INT64_MAX - (int64_t{1} << 41));
  int64_t bottom = std::stoll(RunText(*a, "-9223372036854775808"));
  CHECK(bottom < INT64_MIN + (int64_t{1} << 41));
  auto full = Make("integer", {{"min", Int(INT64_MIN)}, {"max", Int(INT64_MAX)}});
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RunText(*full, std::to_string(i)));
  CHECK(seen.size() == 100);
  CHECK(RunText(*Make("integer", {{"min", Int(7)}, {"max", Int(7)}}), "1") == "7");
}

TEST_CASE("float draws in [min, max] with exactly precision decimals") {
  auto a = Make("float", {{"min", Real(-1.5)}, {"max", Real(2.25)}, {"precision", Int(3)}});
  std::regex shape("^-?[0-9]+\\.[0-9]{3}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string out = RunText(*a, std::to_string(i));
    CHECK_MESSAGE(std::regex_match(out, shape), out);
    double v = std::stod(out);
    CHECK(v >= -1.5);
    CHECK(v <= 2.25);
    seen.insert(out);
  }
  CHECK(seen.size() > 800);  // 1000 draws among 3751 values: about 880 distinct
  // Default precision 2; precision 0 gives whole numbers.
  CHECK(std::regex_match(RunText(*Make("float", {{"min", Int(0)}, {"max", Int(1)}}), "x"),
                         std::regex("^[01]\\.[0-9]{2}$")));
  CHECK(std::regex_match(RunText(*Make("float", {{"min", Int(0)}, {"max", Int(100)}, {"precision", Int(0)}}), "x"),
                         std::regex("^[0-9]+$")));
  // No grid point inside the range: the nearest one.
  CHECK(RunText(*Make("float", {{"min", Real(1.004)}, {"max", Real(1.004)}}), "x") == "1.00");
}

TEST_CASE("float with delta or percent keeps the value within reach and writes precision decimals") {
  auto d = Make("float", {{"delta", Real(0.5)}});
  auto p = Make("float", {{"percent", Int(10)}, {"precision", Int(1)}});
  for (int i = 1; i < 300; ++i) {
    double v = i * 3.7;
    std::string in = std::to_string(v);
    std::string out = RunText(*d, in);
    CHECK(std::regex_match(out, std::regex("^-?[0-9]+\\.[0-9]{2}$")));
    CHECK(std::stod(out) >= v - 0.51);
    CHECK(std::stod(out) <= v + 0.51);
    out = RunText(*p, in);
    CHECK(std::regex_match(out, std::regex("^[0-9]+\\.[0-9]$")));
    CHECK(std::stod(out) >= v * 0.9 - 0.05);
    CHECK(std::stod(out) <= v * 1.1 + 0.05);
  }
  // Huge values leave the int64 grid and still come out in fixed notation.
  std::string big = RunText(*d, "1e30");
  CHECK(std::regex_match(big, std::regex("^[0-9]{31}\\.[0-9]{2}$")));
  // Not a number counts as 0.
  double junk = std::stod(RunText(*d, "Infinity"));
  CHECK(junk >= -0.5);
  CHECK(junk <= 0.5);
}

TEST_CASE("numbers depend on value, options and salt only") {
  for (const char* name : {"integer", "float"}) {
    OptionTable options{{"min", Int(0)}, {"max", Int(1000000)}};
    auto a = Make(name, options), b = Make(name, options), other = Make(name, options, "other salt");
    int differ = 0;
    for (int i = 0; i < 20; ++i) {
      std::string v = std::to_string(i);
      CHECK(RunText(*a, v) == RunText(*b, v));
      differ += RunText(*a, v) != RunText(*other, v);
    }
    CHECK(differ > 15);
    CHECK(testing::RunIsNull(*a));
  }
}

TEST_CASE("numeric option errors name the option") {
  for (const char* name : {"integer", "float"}) {
    CHECK(testing::Contains(MakeError(name, {}), "'min'"));
    CHECK(testing::Contains(MakeError(name, {{"min", Int(1)}}), "'max'"));
    CHECK(testing::Contains(MakeError(name, {{"min", Int(1)}, {"max", Int(2)}, {"delta", Int(1)}}), "'delta'"));
    CHECK(testing::Contains(MakeError(name, {{"delta", Int(1)}, {"percent", Int(1)}}), "'percent'"));
    CHECK(testing::Contains(MakeError(name, {{"min", Int(5)}, {"max", Int(2)}}), "'min'"));
    CHECK(testing::Contains(MakeError(name, {{"delta", Int(0)}}), "'delta'"));
    CHECK(testing::Contains(MakeError(name, {{"percent", Int(-1)}}), "'percent'"));
    CHECK(testing::Contains(MakeError(name, {{"min", Str("1")}, {"max", Int(2)}}), "'min'"));
    CHECK(testing::Contains(MakeError(name, {{"delta", Int(1)}, {"detla", Int(1)}}), "'detla'"));
  }
  CHECK(testing::Contains(MakeError("integer", {{"min", Real(1.5)}, {"max", Int(2)}}), "'min'"));
  CHECK(testing::Contains(MakeError("float", {{"delta", Int(1)}, {"precision", Int(16)}}), "'precision'"));
}

}  // namespace
}  // namespace dbanon
