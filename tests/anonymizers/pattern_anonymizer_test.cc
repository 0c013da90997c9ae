#include <doctest/doctest.h>

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

TEST_CASE("pattern ranges draw integers in any of DbToolsBundle's spellings") {
  struct Case {
    const char* pattern;
    const char* shape;
    std::set<std::string> all;  // every possible output, when few
  } cases[] = {
      {"[1,3]", "", {"1", "2", "3"}},
      {"[3-1]", "", {"1", "2", "3"}},
      {"[-2;-1]", "", {"-2", "-1"}},
      {"[-1--2]", "", {"-2", "-1"}},
      {"x[0:1]y", "", {"x0y", "x1y"}},
      {"CUST-[100000,999999]", "^CUST-[1-9][0-9]{5}$", {}},
  };
  for (const Case& c : cases) {
    auto a = Make("pattern", {{"pattern", Str(c.pattern)}});
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) seen.insert(RunText(*a, std::to_string(i)));
    if (!c.all.empty()) CHECK_MESSAGE(seen == c.all, c.pattern);
    for (const std::string& s : seen) {
      if (*c.shape) CHECK_MESSAGE(std::regex_match(s, std::regex(c.shape)), s);
    }
  }
  // Two ranges draw independently.
  auto two = Make("pattern", {{"pattern", Str("[0,9][0,9]")}});
  std::set<std::string> pairs;
  for (int i = 0; i < 500; ++i) pairs.insert(RunText(*two, std::to_string(i)));
  CHECK(pairs.size() > 90);
}

TEST_CASE("pattern text without a closing bracket is copied as it is") {
  CHECK(RunText(*Make("pattern", {{"pattern", Str("a[b {c")}}), "v") == "a[b {c");
  CHECK(RunText(*Make("pattern", {{"pattern", Str("plain text")}}), "v") == "plain text");
  CHECK(RunText(*Make("pattern", {{"pattern", Str("{x{lastname}")}}), "v").substr(0, 2) == "{x");
}

TEST_CASE("pattern inserts single-column anonymizers and never shows them the value") {
  auto a = Make("pattern", {{"pattern", Str("{firstname} {lastname} <{email}> {keep}")}});
  std::regex shape("^[^ ]+( [^ ]+)* <anon-[0-9a-f]{32}@example\\.com> [0-9a-f]{64}$");
  for (const char* v : {"Ann Smith", "Bob Jones", "Carol Kirk"}) {
    std::string out = RunText(*a, v);
    CHECK_MESSAGE(std::regex_match(out, shape), out);
    CHECK_FALSE(Contains(out, v));
  }
  // The DbToolsBundle documentation's option name.
  CHECK(RunText(*Make("pattern", {{"value", Str("[5,5]")}}), "x") == "5");
}

TEST_CASE("pattern takes the parts of one multi-column anonymizer from one coherent call") {
  if (FindAnonymizer("address") == nullptr) {
    MESSAGE("no address anonymizer registered: skipped");
    return;
  }
  auto a = Make("pattern", {{"pattern", Str("{address:postal_code}|{address:region}|{address:postal_code}")}});
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string out = RunText(*a, std::to_string(i));
    size_t bar1 = out.find('|'), bar2 = out.rfind('|');
    REQUIRE(bar1 != bar2);
    CHECK(out.substr(0, bar1) == out.substr(bar2 + 1));  // one call: the same postal code twice
    CHECK(bar1 > 0);
    CHECK(bar2 > bar1 + 1);
    seen.insert(out);
  }
  CHECK(seen.size() > 40);
  CHECK(Contains(MakeError("pattern", {{"pattern", Str("{address}")}}), "'pattern'"));
  CHECK(Contains(MakeError("pattern", {{"pattern", Str("{address:planet}")}}), "'pattern'"));
  CHECK(Contains(MakeError("pattern", {{"pattern", Str("{address:locality} {address}")}}), "'pattern'"));
}

TEST_CASE("pattern depends on value, options and salt only, and keeps NULL") {
  OptionTable options{{"pattern", Str("{lastname}-[1,1000000]")}};
  auto a = Make("pattern", options), b = Make("pattern", options), other = Make("pattern", options, "other salt");
  int differ = 0;
  for (int i = 0; i < 20; ++i) {
    std::string v = std::to_string(i);
    CHECK(RunText(*a, v) == RunText(*b, v));
    differ += RunText(*a, v) != RunText(*other, v);
  }
  CHECK(differ > 15);
  CHECK(testing::RunIsNull(*a));
}

TEST_CASE("pattern errors name the option") {
  CHECK(Contains(MakeError("pattern", {}), "'pattern'"));
  for (const char* bad : {"[a,b]", "[1]", "[1,2,3]", "[1_2]", "[99999999999999999999,1]", "{}", "{firstname:}",
                          "{no-such-anonymizer}", "{firstname:part}", "{integer}", "{pattern}"}) {
    CHECK_MESSAGE(Contains(MakeError("pattern", {{"pattern", Str(bad)}}), "'pattern'"), bad);
  }
  CHECK(Contains(MakeError("pattern", {{"pattern", Str("x")}, {"value", Str("y")}}), "'value'"));
}

}  // namespace
}  // namespace dbanon
