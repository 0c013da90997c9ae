#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Make;
using testing::MakeError;
using testing::RunIsNull;
using testing::Str;
using testing::Run;

// std::regex is slow to build: one per pattern.
bool Matches(const std::string& s, const char* re) {
  static std::map<std::string, std::regex> cache;
  auto it = cache.find(re);
  if (it == cache.end()) it = cache.emplace(re, std::regex(re)).first;
  return std::regex_match(s, it->second);
}

std::string Shape(std::string_view s) {
  std::string d(s);
  for (char& c : d) {
    if (c >= '0' && c <= '9') c = 'D';
  }
  return d;
}

std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

// Ofcom drama numbers (fixed lines), as digits.
constexpr const char* kGbFixedDigits = R"(02079460[0-9]{3}|011[3-8]4960[0-9]{3}|01[2-6]14960[0-9]{3}|01632960[0-9]{3})";

// NANP fiction: any area code, exchange 555, line 0100-0199.
constexpr const char* kUsNational = R"([2-9][0-8][0-9]-555-01[0-9]{2})";

TEST_CASE("phone en-us gives 555-01xx numbers in the input's form") {
  auto a = Make("phone");
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    std::string n = std::to_string(2000000 + i * 7);
    std::string national = Run(*a, "(212) " + n.substr(0, 3) + "-" + n.substr(3));
    CHECK(Matches(national, R"(\([2-9][0-8][0-9]\) 555-01[0-9]{2})"));
    CHECK(Matches(Run(*a, "212-" + n.substr(0, 3) + "-" + n.substr(3)), kUsNational));
    CHECK(Matches(Run(*a, "+1 212 " + n), R"(\+1 [2-9][0-8][0-9] 55501[0-9]{2})"));
    CHECK(Matches(Run(*a, "+1212" + n), R"(\+1[2-9][0-8][0-9]55501[0-9]{2})"));
    CHECK(Matches(Run(*a, "1.212." + n.substr(0, 3) + "." + n.substr(3)), R"(1\.[2-9][0-8][0-9]\.555\.01[0-9]{2})"));
    seen.insert(national);
  }
  CHECK(seen.size() > 400);
  // Unusual forms get the default national form; nothing of the input stays.
  CHECK(Matches(Run(*a, "call me: 212 555 7788 ext 4"), kUsNational));
  CHECK(Matches(Run(*a, ""), kUsNational));
  CHECK(Matches(Run(*a, "+1 (212) 5"), R"(\+1[2-9][0-8][0-9]55501[0-9]{2})"));
  CHECK(RunIsNull(*a));
}

TEST_CASE("phone fr-fr uses ARCEP's fiction ranges and keeps mobile or landline") {
  auto a = Make("phone", {{"locale", Str("fr-fr")}});
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(10000000 + i * 31);  // 8 digits
    std::string mobile = Run(*a, "06 " + n.substr(0, 2) + " " + n.substr(2, 2) + " " + n.substr(4, 2) + " " + n.substr(6));
    CHECK(Matches(mobile, R"(06 39 98 [0-9]{2} [0-9]{2})"));
    CHECK(Matches(Run(*a, "07" + n), R"(063998[0-9]{4})"));
    CHECK(Matches(Run(*a, "01." + n.substr(0, 2) + "." + n.substr(2, 2) + "." + n.substr(4, 2) + "." + n.substr(6)),
                  R"(02\.61\.91\.[0-9]{2}\.[0-9]{2})"));
    CHECK(Matches(Run(*a, "+33 6 " + n), R"(\+33 6 3998[0-9]{4})"));
    CHECK(Matches(Run(*a, "+33 1 " + n), R"(\+33 2 6191[0-9]{4})"));
  }
  // The national number is the key: the E.164 and national forms agree.
  std::string e164 = Run(*a, "+33612345678"), national = Run(*a, "0612345678");
  CHECK(e164 == "+33" + national.substr(1));
  CHECK(Matches(Run(*a, "0033 6 12 34 56 78"), R"(06 39 98 [0-9]{2} [0-9]{2})"));
}

TEST_CASE("phone en-gb uses Ofcom drama numbers") {
  auto a = Make("phone", {{"locale", Str("en-gb")}});
  std::set<std::string> areas;
  for (int i = 0; i < 400; ++i) {
    std::string n = std::to_string(1000000 + i * 13);  // 7 digits
    CHECK(Matches(Run(*a, "07911 " + n.substr(1)), R"(07700 900[0-9]{3})"));
    CHECK(Matches(Run(*a, "+44 7911 " + n.substr(1)), R"(\+44 7700 900[0-9]{3})"));
    std::string fixed = Run(*a, "020 7" + n.substr(0, 3) + " " + n.substr(3));
    CHECK(Shape(fixed) == "DDD DDDD DDDD");
    CHECK(Matches(Digits(fixed), kGbFixedDigits));
    std::string plain = Run(*a, "0161 " + n);
    areas.insert(plain.substr(0, 5));
    CHECK(Matches(Digits(plain), kGbFixedDigits));
  }
  CHECK(areas.size() > 5);
}

TEST_CASE("phone de-de uses the Bundesnetzagentur drama numbers") {
  auto a = Make("phone", {{"locale", Str("de-de")}});
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(1000000 + i * 17);
    std::string out = Run(*a, "030 " + n + "9");
    CHECK(Matches(out, R"(030 23125[0-9]{3}|069 90009[0-9]{3}|040 66969[0-9]{3}|022 14710[0-9]{3}|089 99998[0-9]{3})"));
    CHECK(Matches(Run(*a, "+49 151 " + n), R"(\+49 [0-9]{3} [0-9]{7})"));
    std::string e164 = Run(*a, "+4915112345" + n.substr(0, 2));
    CHECK(Matches(e164, R"(\+49(3023125|6990009|4066969|2214710|8999998)[0-9]{3})"));
  }
}

TEST_CASE("phone is deterministic and keyed by the salt") {
  auto a = Make("phone", {{"locale", Str("fr-fr")}});
  auto b = Make("phone", {{"locale", Str("fr-fr")}});
  auto c = Make("phone", {{"locale", Str("fr-fr")}}, "other salt");
  int differ = 0;
  for (int i = 0; i < 50; ++i) {
    std::string in = "06" + std::to_string(10000000 + i);
    CHECK(Run(*a, in) == Run(*b, in));
    differ += Run(*a, in) != Run(*c, in);
  }
  CHECK(differ > 40);
}

TEST_CASE("fr-fr.phone gives DbToolsBundle's 10-digit fiction numbers") {
  auto mobile = Make("fr-fr.phone");
  auto landline = Make("fr-fr.phone", {{"mode", Str("landline")}});
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string in = "+33 6 " + std::to_string(i);
    std::string m = Run(*mobile, in);
    CHECK(Matches(m, "063998[0-9]{4}"));
    CHECK(Matches(Run(*landline, in), "026191[0-9]{4}"));
    seen.insert(m);
  }
  CHECK(seen.size() > 1500);
  CHECK(RunIsNull(*mobile));
}

TEST_CASE("phone option errors name the option") {
  CHECK(testing::Contains(MakeError("phone", {{"locale", Str("xx-yy")}}), "'locale'"));
  CHECK(testing::Contains(MakeError("fr-fr.phone", {{"mode", Str("fax")}}), "'mode'"));
  CHECK(testing::Contains(MakeError("fr-fr.phone", {{"locale", Str("fr-fr")}}), "'locale'"));
  // en_GB and EN-GB are read as en-gb.
  CHECK(Matches(Run(*Make("phone", {{"locale", Str("EN_GB")}}), "07911123456"), "07700900[0-9]{3}"));
}

}  // namespace
}  // namespace dbanon
