#include "anonymizers/bank_internal.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Bool;
using testing::Int;
using testing::Make;
using testing::MakeError;
using testing::RunIsNull;
using testing::Str;
using testing::Run;

// Runs a multi-column anonymizer on one row.
std::vector<Cell> RunRow(const Anonymizer& a, const std::vector<Cell>& in, Scratch& scratch) {
  std::vector<Cell> out(in.size());
  a.Anonymize(in, scratch, out);
  return out;
}

// IBAN lengths and BBAN shapes from the SWIFT IBAN Registry, written out
// independently of the implementation's table.
struct CountryShape {
  int length;
  const char* bban_regex;
};
const std::map<std::string, CountryShape>& Shapes() {
  static const std::map<std::string, CountryShape> shapes = {
      {"AT", {20, "[0-9]{16}"}},          {"BE", {16, "[0-9]{12}"}},
      {"CH", {21, "[0-9]{5}[0-9A-Z]{12}"}}, {"DE", {22, "[0-9]{18}"}},
      {"DK", {18, "[0-9]{14}"}},          {"ES", {24, "[0-9]{20}"}},
      {"FI", {18, "[0-9]{14}"}},          {"FR", {27, "[0-9]{10}[0-9A-Z]{11}[0-9]{2}"}},
      {"GB", {22, "[A-Z]{4}[0-9]{14}"}},  {"IE", {22, "[A-Z]{4}[0-9]{14}"}},
      {"IT", {27, "[A-Z][0-9]{10}[0-9A-Z]{12}"}}, {"LU", {20, "[0-9]{3}[0-9A-Z]{13}"}},
      {"NL", {18, "[A-Z]{4}[0-9]{10}"}},  {"NO", {15, "[0-9]{11}"}},
      {"PL", {28, "[0-9]{24}"}},          {"PT", {25, "[0-9]{21}"}},
      {"SE", {24, "[0-9]{20}"}},
  };
  return shapes;
}

TEST_CASE("check-digit helpers accept the IBAN Registry's example IBANs") {
  for (const char* iban :
       {"AT611904300234573201", "BE68539007547034", "CH9300762011623852957", "DE89370400440532013000",
        "DK5000400440116243", "ES9121000418450200051332", "FI2112345600000785", "FR1420041010050500013M02606",
        "GB29NWBK60161331926819", "IE29AIBK93115212345678", "IT60X0542811101000000123456", "LU280019400644750000",
        "NL91ABNA0417164300", "NO9386011117947", "PL61109010140000071219812874", "PT50000201231234567890154",
        "SE4550000000058398257466"}) {
    CHECK_MESSAGE(internal::IbanValid(iban), iban);
  }
  CHECK_FALSE(internal::IbanValid("FR1420041010050500013M02607"));
  CHECK_FALSE(internal::IbanValid("DE89370400440532013001"));
  // The RIB key of the French example (account letter M counts as 4).
  CHECK(internal::RibKey("20041", "01005", "0500013M026") == 6);
  CHECK(internal::LuhnValid("4111111111111111"));
  CHECK(internal::LuhnValid("79927398713"));
  CHECK_FALSE(internal::LuhnValid("79927398710"));
}

// National check digits, recomputed here from their published rules.
bool NationalCheckOk(const std::string& country, const std::string& b) {
  auto d = [&](size_t i) { return b[i] - '0'; };
  if (country == "FR") {
    int key = internal::RibKey(b.substr(0, 5), b.substr(5, 5), b.substr(10, 11));
    return std::stoi(b.substr(21, 2)) == key;
  }
  if (country == "BE") {
    int r = static_cast<int>(std::stoll(b.substr(0, 10)) % 97);
    return std::stoi(b.substr(10, 2)) == (r == 0 ? 97 : r);
  }
  if (country == "ES") {
    const int w[] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
    auto control = [&](const std::string& ten) {
      int sum = 0;
      for (int i = 0; i < 10; ++i) sum += (ten[i] - '0') * w[i];
      int c = 11 - sum % 11;
      return c == 11 ? 0 : c == 10 ? 1 : c;
    };
    return d(8) == control("00" + b.substr(0, 8)) && d(9) == control(b.substr(10, 10));
  }
  if (country == "NL") {
    int sum = 0;
    for (int i = 0; i < 10; ++i) sum += d(4 + i) * (10 - i);
    return sum % 11 == 0;
  }
  if (country == "NO") {
    const int w[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    int sum = 0;
    for (int i = 0; i < 11; ++i) sum += d(i) * w[i];
    return sum % 11 == 0;
  }
  if (country == "FI") return internal::LuhnValid(b);
  if (country == "PT") return internal::Mod97(b) == 1;  // NIB: 98 - (n * 100 mod 97) makes the whole mod 97 == 1
  if (country == "PL") {
    const int w[] = {3, 9, 7, 1, 3, 9, 7, 1};
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += d(i) * w[i];
    return sum % 10 == 0;
  }
  return true;
}

TEST_CASE("iban-bic gives valid IBANs of the country's format and well-formed BICs, 1,000 per country") {
  for (const auto& entry : Shapes()) {
    // Not a structured binding: CAPTURE's lambda cannot capture one in clang 14.
    const std::string& country = entry.first;
    const auto& shape = entry.second;
    CAPTURE(country);
    auto a = Make("iban-bic", {{"iban", Str("iban")}, {"bic", Str("bic")}, {"country", Str(country)},
                               {"sample_size", Int(100000000)}});
    REQUIRE(a->columns() == std::vector<std::string>{"iban", "bic"});
    std::regex iban_re(country + "[0-9]{2}" + shape.bban_regex);
    std::regex bic_re("[A-Z]{4}" + country + "[2-9A-NP-Z]{2}");
    std::set<std::string> seen;
    Scratch scratch;
    for (int i = 0; i < 1000; ++i) {
      std::string in = "FR76300060000112345678901" + std::to_string(i);
      auto out = RunRow(*a, {Cell{in, false}, Cell{"BNPAFRPP", false}}, scratch);
      std::string iban(out[0].value), bic(out[1].value);
      CHECK(static_cast<int>(iban.size()) == shape.length);
      CHECK(std::regex_match(iban, iban_re));
      CHECK(internal::IbanValid(iban));
      CHECK(NationalCheckOk(country, iban.substr(4)));
      CHECK(std::regex_match(bic, bic_re));
      seen.insert(iban);
    }
    CHECK(seen.size() > 990);
  }
}

TEST_CASE("iban-bic picks among sample_size pairs, deterministically") {
  auto a = Make("iban-bic", {{"iban", Str("i")}, {"bic", Str("b")}, {"sample_size", Int(5)}});
  auto b = Make("iban-bic", {{"iban", Str("i")}, {"bic", Str("b")}, {"sample_size", Int(5)}});
  std::set<std::pair<std::string, std::string>> pairs;
  Scratch sa, sb;
  for (int i = 0; i < 200; ++i) {
    std::string in = "input" + std::to_string(i);
    auto x = RunRow(*a, {Cell{in, false}, Cell{"BIC", false}}, sa);
    std::pair<std::string, std::string> px(x[0].value, x[1].value);
    auto y = RunRow(*b, {Cell{in, false}, Cell{"BIC", false}}, sb);
    CHECK(px == std::pair<std::string, std::string>(y[0].value, y[1].value));
    pairs.insert(px);
  }
  CHECK(pairs.size() == 5);
  // Default: 500 pairs, French.
  auto d = Make("iban-bic", {{"iban", Str("i")}});
  std::set<std::string> ibans;
  for (int i = 0; i < 5000; ++i) {
    std::string v = Run(*d, std::to_string(i));
    CHECK(v.substr(0, 2) == "FR");
    ibans.insert(v);
  }
  CHECK(ibans.size() <= 500);
  CHECK(ibans.size() > 450);
}

TEST_CASE("iban-bic keeps NULL parts, the IBAN's paper form and an 11-character BIC") {
  auto a = Make("iban-bic", {{"iban", Str("i")}, {"bic", Str("b")}});
  Scratch scratch;
  auto out = RunRow(*a, {Cell::Null(), Cell{"BNPAFRPPXXX", false}}, scratch);
  CHECK(out[0].is_null);
  CHECK(std::regex_match(std::string(out[1].value), std::regex("[A-Z]{4}FR[2-9A-NP-Z]{2}XXX")));
  out = RunRow(*a, {Cell{"FR76 3000 6000 0112 3456 7890 189", false}, Cell::Null()}, scratch);
  CHECK(out[1].is_null);
  std::string printed(out[0].value);
  CHECK(std::regex_match(printed, std::regex("FR[0-9]{2}( [0-9]{4}){5} [0-9]{3}")));
  printed.erase(std::remove(printed.begin(), printed.end(), ' '), printed.end());
  CHECK(internal::IbanValid(printed));
  out = RunRow(*a, {Cell::Null(), Cell::Null()}, scratch);
  CHECK(out[0].is_null);
  CHECK(out[1].is_null);
}

TEST_CASE("iban-bic option errors name the option") {
  CHECK(testing::Contains(MakeError("iban-bic", {}), "'iban'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("x")}, {"bic", Str("x")}}), "'bic'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("x")}, {"country", Str("US")}}), "'country'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("x")}, {"sample_size", Int(0)}}), "'sample_size'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("x")}, {"sample_size", Str("5")}}), "'sample_size'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("")}}), "'iban'"));
  CHECK(testing::Contains(MakeError("iban-bic", {{"iban", Str("x")}, {"swift", Str("y")}}), "'swift'"));
  // Lower-case country codes are accepted.
  CHECK(Run(*Make("iban-bic", {{"iban", Str("x")}, {"country", Str("de")}}), "a").substr(0, 2) == "DE");
}

std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

// The input with every digit replaced by 'D'.
std::string Shape(std::string_view s) {
  std::string d(s);
  for (char& c : d) {
    if (c >= '0' && c <= '9') c = 'D';
  }
  return d;
}

TEST_CASE("credit_card gives Luhn-valid numbers with the input's length and separators") {
  auto plain = Make("credit_card");
  auto bin = Make("credit_card", {{"keep_bin", Bool(true)}});
  auto last4 = Make("credit_card", {{"keep_last4", Bool(true)}});
  auto both = Make("credit_card", {{"keep_bin", Bool(true)}, {"keep_last4", Bool(true)}});
  const char* forms[] = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
                         "3782 822463 10005", "5555555555554444", "6011 0009 9013 9424", "3530111333300000",
                         "4222222222222", "6759649826438453111"};
  std::set<std::string> seen;
  for (int i = 0; i < 400; ++i) {
    std::string in = forms[i % std::size(forms)];
    // Vary the digits so that inputs differ.
    std::string suffix = std::to_string(1000 + i);
    for (size_t k = 0, j = in.size(); k < suffix.size() && j > 0; --j) {
      if (in[j - 1] >= '0' && in[j - 1] <= '9') in[j - 1] = suffix[suffix.size() - 1 - k++];
    }
    CAPTURE(in);
    const std::string din = Digits(in);
    for (const Anonymizer* a : {plain.get(), bin.get(), last4.get(), both.get()}) {
      std::string out = Run(*a, in);
      CHECK(Shape(out) == Shape(in));
      CHECK(internal::LuhnValid(Digits(out)));
      CHECK(Digits(out) != din);
    }
    std::string dbin = Digits(Run(*bin, in)), dlast = Digits(Run(*last4, in)), dboth = Digits(Run(*both, in));
    CHECK(dbin.substr(0, 6) == din.substr(0, 6));
    CHECK(dlast.substr(dlast.size() - 4) == din.substr(din.size() - 4));
    CHECK(dboth.substr(0, 6) == din.substr(0, 6));
    CHECK(dboth.substr(dboth.size() - 4) == din.substr(din.size() - 4));
    seen.insert(Run(*plain, in));
  }
  CHECK(seen.size() == 400);
  CHECK(Run(*plain, "4111 1111 1111 1111") == Run(*Make("credit_card"), "4111 1111 1111 1111"));
  // Only spaces and dashes are kept; other characters are dropped.
  CHECK(Shape(Run(*plain, "card: 4111.1111.1111.1111")) == " DDDDDDDDDDDDDDDD");
  // No digits at all: a 16-digit number.
  std::string none = Run(*plain, "n/a");
  CHECK(none.size() == 16);
  CHECK(internal::LuhnValid(none));
  // Too short to keep 6 + 4 digits and still change three: everything changes.
  CHECK(internal::LuhnValid(Run(*both, "123456789012")));
  CHECK(RunIsNull(*plain));
}

TEST_CASE("credit_card option errors name the option") {
  CHECK(testing::Contains(MakeError("credit_card", {{"keep_bin", Str("yes")}}), "'keep_bin'"));
  CHECK(testing::Contains(MakeError("credit_card", {{"keep_last4", Int(1)}}), "'keep_last4'"));
}

}  // namespace
}  // namespace dbanon
