#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Make;
using testing::MakeError;
using testing::Str;
using testing::Run;

constexpr std::string_view kStates[] = {
#include "anonymizers/data/en_states.inc"
};
constexpr std::string_view kStateAbbrs[] = {
#include "anonymizers/data/en_state_abbrs.inc"
};

std::vector<Cell> RunRow(const Anonymizer& a, const std::vector<Cell>& in, Scratch& scratch) {
  std::vector<Cell> out(in.size());
  a.Anonymize(in, scratch, out);
  return out;
}

OptionTable AllParts() {
  return {{"street_address", Str("street")}, {"secondary_address", Str("street2")}, {"postal_code", Str("zip")},
          {"locality", Str("city")},         {"region", Str("state")},              {"country", Str("country")}};
}

// The first digit of a ZIP code names a group of states (USPS national
// areas), written out here independently of the anonymizer's ranges.
int ZipArea(std::string_view abbr) {
  static const std::map<std::string_view, int> areas = [] {
    std::map<std::string_view, int> m;
    const char* groups[] = {"CT MA ME NH NJ RI VT", "DE NY PA",          "MD NC SC VA WV", "AL FL GA MS TN",
                            "IN KY MI OH",          "IA MN MT ND SD WI", "IL KS MO NE",    "AR LA OK TX",
                            "AZ CO ID NM NV UT WY", "AK CA HI OR WA"};
    for (int d = 0; d < 10; ++d) {
      std::string_view g = groups[d];
      for (size_t i = 0; i < g.size(); i += 3) m[g.substr(i, 2)] = d;
    }
    return m;
  }();
  return areas.at(abbr);
}

TEST_CASE("address gives one coherent US record: the ZIP code is in the state's area") {
  auto a = Make("address", AllParts());
  REQUIRE(a->columns() == std::vector<std::string>{"street", "street2", "zip", "city", "state", "country"});
  std::map<std::string_view, std::string_view> abbr_of;
  for (size_t i = 0; i < std::size(kStates); ++i) abbr_of[kStates[i]] = kStateAbbrs[i];
  std::set<std::string> states, streets;
  Scratch scratch;
  const std::regex zip_re("[0-9]{5}"), street_re("[0-9]{1,4} [A-Z][A-Za-z' -]+ [A-Z][a-z]+"),
      secondary_re("(Apt\\.|Suite) [0-9]{3}");
  for (int i = 0; i < 2000; ++i) {
    std::string street = std::to_string(i) + " Main Street";
    std::vector<Cell> in = {Cell{street, false}, Cell{"Apt 1", false}, Cell{"12345", false},
                            Cell{"Springfield", false}, Cell{"Illinois", false}, Cell{"USA", false}};
    auto out = RunRow(*a, in, scratch);
    std::string zip(out[2].value), state(out[4].value);
    REQUIRE(abbr_of.count(state) == 1);
    CHECK(std::regex_match(zip, zip_re));
    CHECK(zip[0] - '0' == ZipArea(abbr_of[state]));
    CHECK(std::regex_match(std::string(out[0].value), street_re));
    CHECK(std::regex_match(std::string(out[1].value), secondary_re));
    CHECK(!out[3].value.empty());
    CHECK(out[5].value == "United States");
    states.insert(state);
    streets.insert(std::string(out[0].value));
  }
  CHECK(states.size() == 50);
  CHECK(streets.size() > 1990);
}

TEST_CASE("address keeps a ZIP+4 postal code in that form") {
  auto a = Make("address", {{"postal_code", Str("zip")}, {"region", Str("state")}});
  Scratch scratch;
  auto out = RunRow(*a, {Cell{"12345-6789", false}, Cell{"Ohio", false}}, scratch);
  CHECK(std::regex_match(std::string(out[0].value), std::regex("[0-9]{5}-[0-9]{4}")));
}

// Départements of each région, written here région by région (INSEE code
// officiel géographique), independently of the anonymizer's table.
const std::map<std::string, std::vector<std::string>>& Regions() {
  static const std::map<std::string, std::vector<std::string>> r = {
      {"Auvergne-Rhône-Alpes", {"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}},
      {"Bourgogne-Franche-Comté", {"21", "25", "39", "58", "70", "71", "89", "90"}},
      {"Bretagne", {"22", "29", "35", "56"}},
      {"Centre-Val de Loire", {"18", "28", "36", "37", "41", "45"}},
      {"Corse", {"20"}},
      {"Grand Est", {"08", "10", "51", "52", "54", "55", "57", "67", "68", "88"}},
      {"Hauts-de-France", {"02", "59", "60", "62", "80"}},
      {"Île-de-France", {"75", "77", "78", "91", "92", "93", "94", "95"}},
      {"Normandie", {"14", "27", "50", "61", "76"}},
      {"Nouvelle-Aquitaine", {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}},
      {"Occitanie", {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}},
      {"Pays de la Loire", {"44", "49", "53", "72", "85"}},
      {"Provence-Alpes-Côte d'Azur", {"04", "05", "06", "13", "83", "84"}},
      {"Guadeloupe", {"971"}},
      {"Martinique", {"972"}},
      {"Guyane", {"973"}},
      {"La Réunion", {"974"}},
      {"Mayotte", {"976"}},
  };
  return r;
}

TEST_CASE("fr-fr.address gives a code postal of a département of the région") {
  auto a = Make("fr-fr.address", AllParts());
  std::set<std::string> regions, prefixes;
  Scratch scratch;
  const std::regex cp_re("[0-9]{5}"), street_re("[0-9]{1,3} (rue|avenue|boulevard|chemin) .+");
  for (int i = 0; i < 3000; ++i) {
    std::string street = std::to_string(i) + " rue de la Paix";
    std::vector<Cell> in = {Cell{street, false}, Cell{"", false},     Cell{"75002", false},
                            Cell{"Paris", false}, Cell{"IDF", false}, Cell{"France", false}};
    auto out = RunRow(*a, in, scratch);
    std::string cp(out[2].value), region(out[4].value);
    CAPTURE(cp);
    CAPTURE(region);
    REQUIRE(Regions().count(region) == 1);
    CHECK(std::regex_match(cp, cp_re));
    bool ok = false;
    for (const std::string& dep : Regions().at(region)) ok |= cp.compare(0, dep.size(), dep) == 0;
    CHECK(ok);
    CHECK(std::regex_match(std::string(out[0].value), street_re));
    CHECK(!out[1].value.empty());
    CHECK(!out[3].value.empty());
    CHECK(out[5].value == "France");
    regions.insert(region);
    prefixes.insert(cp.substr(0, 2));
  }
  CHECK(regions.size() == 18);
  CHECK(prefixes.size() > 90);
}

TEST_CASE("address keeps NULL parts NULL and replaces the others") {
  for (const char* name : {"address", "fr-fr.address"}) {
    auto a = Make(name, AllParts());
    Scratch scratch;
    std::vector<Cell> in = {Cell{"1 Main St", false}, Cell::Null(),          Cell{"12345", false},
                            Cell::Null(),             Cell{"Texas", false}, Cell{"US", false}};
    auto out = RunRow(*a, in, scratch);
    CHECK_FALSE(out[0].is_null);
    CHECK(out[1].is_null);
    CHECK_FALSE(out[2].is_null);
    CHECK(out[3].is_null);
    CHECK(out[0].value != "1 Main St");
    CHECK(out[2].value != "12345");
    std::vector<Cell> nulls(6, Cell::Null());
    for (const Cell& c : RunRow(*a, nulls, scratch)) CHECK(c.is_null);
  }
}

TEST_CASE("address is a function of the row, the options and the salt") {
  auto a = Make("address", AllParts());
  auto b = Make("address", AllParts());
  auto c = Make("address", AllParts(), "other salt");
  Scratch sa, sb, sc;
  std::vector<Cell> row = {Cell{"1 Main St", false}, Cell::Null(),           Cell{"12345", false},
                           Cell{"Austin", false},    Cell{"Texas", false}, Cell{"US", false}};
  auto x = RunRow(*a, row, sa);
  auto y = RunRow(*b, row, sb);
  auto z = RunRow(*c, row, sc);
  for (size_t i = 0; i < row.size(); ++i) CHECK(x[i].value == y[i].value);
  CHECK(x[0].value != z[0].value);
  // Another value in any part gives another address.
  std::vector<Cell> other = row;
  other[3] = Cell{"Dallas", false};
  CHECK(RunRow(*b, other, sb)[0].value != x[0].value);
}

TEST_CASE("address options: a non-empty subset of parts, each column once") {
  auto one = Make("address", {{"locality", Str("city")}});
  CHECK(one->columns() == std::vector<std::string>{"city"});
  CHECK(Run(*one, "Paris") != "Paris");
  std::string e = MakeError("address", {{"locality", Str("c")}, {"region", Str("c")}});
  CHECK(testing::Contains(e, "'region'"));
  CHECK(testing::Contains(e, "'locality'"));
  CHECK(testing::Contains(MakeError("address", {}), "'street_address'"));
  CHECK(testing::Contains(MakeError("fr-fr.address", {{"country", Str("")}}), "'country'"));
  CHECK(testing::Contains(MakeError("address", {{"locality", Str("c")}, {"city", Str("d")}}), "'city'"));
  CHECK(testing::Contains(MakeError("address", {{"locality", testing::Int(3)}}), "'locality'"));
}

constexpr std::string_view kFrFirstNames[] = {
#include "anonymizers/data/fr_first_names.inc"
};
constexpr std::string_view kFrLastNames[] = {
#include "anonymizers/data/fr_last_names.inc"
};

TEST_CASE("fr-fr names come from the French lists of at least 1,000 entries") {
  const std::pair<const char*, std::span<const std::string_view>> cases[] = {{"fr-fr.firstname", kFrFirstNames},
                                                                             {"fr-fr.lastname", kFrLastNames}};
  for (const auto& c : cases) {
    const char* name = c.first;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
    const std::span<const std::string_view> list = c.second;
    CAPTURE(name);
    CHECK(list.size() >= 1000);
    const std::set<std::string_view> names(list.begin(), list.end());
    CHECK(names.size() == list.size());
    auto a = Make(name);
    auto b = Make(name);
    std::set<std::string> seen;
    for (int i = 0; i < 20000; ++i) {
      std::string v = Run(*a, std::to_string(i));
      CHECK(v == Run(*b, std::to_string(i)));
      CHECK(names.count(v) == 1);
      seen.insert(v);
    }
    CHECK(seen.size() >= 1000);
    CHECK(testing::RunIsNull(*a));
  }
}

}  // namespace
}  // namespace dbanon
