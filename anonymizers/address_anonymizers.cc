// address and fr-fr.address: coherent postal addresses (DbToolsBundle's core
// `address` and its fr-fr pack's, same part names; shared/docs/dbtoolsbundle.md
// part 1).
//
// DbToolsBundle joins each row to one of ~300 stored sample addresses at
// random. We generate the address instead, from the keyed hash of the row's
// input parts, so the same input address always gives the same output
// (within one salt) and street, postal code, locality and region of one
// output belong together:
//   address:        a US address; the ZIP code's first three digits lie in
//                   the USPS range of the state (region).
//   fr-fr.address:  a French address; the code postal starts with the
//                   département number and region is that département's
//                   région (2016 regions).
//
// NULL handling (unlike DbToolsBundle, which fills NULL parts): a NULL input
// part stays NULL and every non-NULL part is replaced, so a row without a
// secondary address keeps none.
#include <array>

#include "anonymizers/generate_internal.h"

namespace dbanon::internal {
namespace {

constexpr std::string_view kFirstNames[] = {
#include "anonymizers/data/first_names.inc"
};
constexpr std::string_view kLastNames[] = {
#include "anonymizers/data/last_names.inc"
};
constexpr std::string_view kStreetSuffixes[] = {
#include "anonymizers/data/en_street_suffixes.inc"
};
constexpr std::string_view kCityPrefixes[] = {
#include "anonymizers/data/en_city_prefixes.inc"
};
constexpr std::string_view kCitySuffixes[] = {
#include "anonymizers/data/en_city_suffixes.inc"
};
constexpr std::string_view kStates[] = {
#include "anonymizers/data/en_states.inc"
};
constexpr std::string_view kStateAbbrs[] = {
#include "anonymizers/data/en_state_abbrs.inc"
};

constexpr std::string_view kFrFirstNames[] = {
#include "anonymizers/data/fr_first_names.inc"
};
constexpr std::string_view kFrLastNames[] = {
#include "anonymizers/data/fr_last_names.inc"
};
constexpr std::string_view kFrStreetPrefixes[] = {
#include "anonymizers/data/fr_street_prefixes.inc"
};
constexpr std::string_view kFrCityPrefixes[] = {
#include "anonymizers/data/fr_city_prefixes.inc"
};
constexpr std::string_view kFrCitySuffixes[] = {
#include "anonymizers/data/fr_city_suffixes.inc"
};
constexpr std::string_view kFrDepartmentCodes[] = {
#include "anonymizers/data/fr_department_codes.inc"
};

// The parts, in the order of the anonymizer's columns.
constexpr std::string_view kParts[] = {"street_address", "secondary_address", "postal_code",
                                       "locality",       "region",            "country"};
enum Part { kStreet, kSecondary, kPostal, kLocality, kRegion, kCountry, kNumParts };

// Three-digit ZIP code prefixes of each state (USPS Domestic Mail Manual,
// L002 "3-Digit ZIP Code Prefix Matrix"), in the order of en_states.inc.
// Ranges may include a few prefixes not in use; all lie within the state's
// block. Military prefixes (340 AA) are left out.
struct ZipRanges {
  std::string_view abbr;
  std::array<std::array<int, 2>, 2> ranges;  // {lo, hi}; {0, -1} when unused
};
constexpr ZipRanges kZipRanges[] = {
    {"AL", {{{350, 369}, {0, -1}}}}, {"AK", {{{995, 999}, {0, -1}}}}, {"AZ", {{{850, 865}, {0, -1}}}},
    {"AR", {{{716, 729}, {0, -1}}}}, {"CA", {{{900, 961}, {0, -1}}}}, {"CO", {{{800, 816}, {0, -1}}}},
    {"CT", {{{60, 69}, {0, -1}}}},   {"DE", {{{197, 199}, {0, -1}}}}, {"FL", {{{320, 339}, {341, 349}}}},
    {"GA", {{{300, 319}, {398, 399}}}}, {"HI", {{{967, 968}, {0, -1}}}}, {"ID", {{{832, 838}, {0, -1}}}},
    {"IL", {{{600, 629}, {0, -1}}}}, {"IN", {{{460, 479}, {0, -1}}}}, {"IA", {{{500, 528}, {0, -1}}}},
    {"KS", {{{660, 679}, {0, -1}}}}, {"KY", {{{400, 427}, {0, -1}}}}, {"LA", {{{700, 714}, {0, -1}}}},
    {"ME", {{{39, 49}, {0, -1}}}},   {"MD", {{{206, 219}, {0, -1}}}}, {"MA", {{{10, 27}, {0, -1}}}},
    {"MI", {{{480, 499}, {0, -1}}}}, {"MN", {{{550, 567}, {0, -1}}}}, {"MS", {{{386, 397}, {0, -1}}}},
    {"MO", {{{630, 658}, {0, -1}}}}, {"MT", {{{590, 599}, {0, -1}}}}, {"NE", {{{680, 693}, {0, -1}}}},
    {"NV", {{{889, 898}, {0, -1}}}}, {"NH", {{{30, 38}, {0, -1}}}},   {"NJ", {{{70, 89}, {0, -1}}}},
    {"NM", {{{870, 884}, {0, -1}}}}, {"NY", {{{100, 149}, {0, -1}}}}, {"NC", {{{270, 289}, {0, -1}}}},
    {"ND", {{{580, 588}, {0, -1}}}}, {"OH", {{{430, 459}, {0, -1}}}}, {"OK", {{{730, 749}, {0, -1}}}},
    {"OR", {{{970, 979}, {0, -1}}}}, {"PA", {{{150, 196}, {0, -1}}}}, {"RI", {{{28, 29}, {0, -1}}}},
    {"SC", {{{290, 299}, {0, -1}}}}, {"SD", {{{570, 577}, {0, -1}}}}, {"TN", {{{370, 385}, {0, -1}}}},
    {"TX", {{{750, 799}, {0, -1}}}}, {"UT", {{{840, 847}, {0, -1}}}}, {"VT", {{{50, 59}, {0, -1}}}},
    {"VA", {{{220, 246}, {0, -1}}}}, {"WA", {{{980, 994}, {0, -1}}}}, {"WV", {{{247, 268}, {0, -1}}}},
    {"WI", {{{530, 549}, {0, -1}}}}, {"WY", {{{820, 831}, {0, -1}}}},
};

consteval bool ZipRangesAligned() {
  if (std::size(kZipRanges) != std::size(kStateAbbrs) || std::size(kStates) != std::size(kStateAbbrs)) return false;
  for (size_t i = 0; i < std::size(kZipRanges); ++i) {
    if (kZipRanges[i].abbr != kStateAbbrs[i]) return false;
  }
  return true;
}
static_assert(ZipRangesAligned(), "kZipRanges must follow en_state_abbrs.inc");

// The région (since 1 January 2016, loi n° 2015-29) of each département, in
// the order of fr_department_codes.inc.
constexpr std::string_view kAra = "Auvergne-Rhône-Alpes", kBfc = "Bourgogne-Franche-Comté", kBre = "Bretagne",
                           kCvl = "Centre-Val de Loire", kCor = "Corse", kGes = "Grand Est",
                           kHdf = "Hauts-de-France", kIdf = "Île-de-France", kNor = "Normandie",
                           kNaq = "Nouvelle-Aquitaine", kOcc = "Occitanie", kPdl = "Pays de la Loire",
                           kPac = "Provence-Alpes-Côte d'Azur";
struct Departement {
  std::string_view code;
  std::string_view region;
};
constexpr Departement kDepartements[] = {
    {"01", kAra}, {"02", kHdf}, {"03", kAra}, {"04", kPac}, {"05", kPac}, {"06", kPac}, {"07", kAra},
    {"08", kGes}, {"09", kOcc}, {"10", kGes}, {"11", kOcc}, {"12", kOcc}, {"13", kPac}, {"14", kNor},
    {"15", kAra}, {"16", kNaq}, {"17", kNaq}, {"18", kCvl}, {"19", kNaq}, {"2A", kCor}, {"2B", kCor},
    {"21", kBfc}, {"22", kBre}, {"23", kNaq}, {"24", kNaq}, {"25", kBfc}, {"26", kAra}, {"27", kNor},
    {"28", kCvl}, {"29", kBre}, {"30", kOcc}, {"31", kOcc}, {"32", kOcc}, {"33", kNaq}, {"34", kOcc},
    {"35", kBre}, {"36", kCvl}, {"37", kCvl}, {"38", kAra}, {"39", kBfc}, {"40", kNaq}, {"41", kCvl},
    {"42", kAra}, {"43", kAra}, {"44", kPdl}, {"45", kCvl}, {"46", kOcc}, {"47", kNaq}, {"48", kOcc},
    {"49", kPdl}, {"50", kNor}, {"51", kGes}, {"52", kGes}, {"53", kPdl}, {"54", kGes}, {"55", kGes},
    {"56", kBre}, {"57", kGes}, {"58", kBfc}, {"59", kHdf}, {"60", kHdf}, {"61", kNor}, {"62", kHdf},
    {"63", kAra}, {"64", kNaq}, {"65", kOcc}, {"66", kOcc}, {"67", kGes}, {"68", kGes}, {"69", kAra},
    {"70", kBfc}, {"71", kBfc}, {"72", kPdl}, {"73", kAra}, {"74", kAra}, {"75", kIdf}, {"76", kNor},
    {"77", kIdf}, {"78", kIdf}, {"79", kNaq}, {"80", kHdf}, {"81", kOcc}, {"82", kOcc}, {"83", kPac},
    {"84", kPac}, {"85", kPdl}, {"86", kNaq}, {"87", kNaq}, {"88", kGes}, {"89", kBfc}, {"90", kBfc},
    {"91", kIdf}, {"92", kIdf}, {"93", kIdf}, {"94", kIdf}, {"95", kIdf}, {"971", "Guadeloupe"},
    {"972", "Martinique"}, {"973", "Guyane"}, {"974", "La Réunion"}, {"976", "Mayotte"},
};

consteval bool DepartementsAligned() {
  if (std::size(kDepartements) != std::size(kFrDepartmentCodes)) return false;
  for (size_t i = 0; i < std::size(kDepartements); ++i) {
    if (kDepartements[i].code != kFrDepartmentCodes[i]) return false;
  }
  return true;
}
static_assert(DepartementsAligned(), "kDepartements must follow fr_department_codes.inc");

// Builds one address into `parts` (one string per Part, all written).
// `postal_in` is the input postal code (or null) so that its form can be kept.
using AddressGenerator = void (*)(Draws& draws, const Cell* postal_in, std::array<std::string*, kNumParts> parts);

bool IsZipPlus4(std::string_view s) {
  if (s.size() != 10 || s[5] != '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != 5 && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

// Formats follow Faker's en_US address provider (the source of the lists).
void GenerateUs(Draws& d, const Cell* postal_in, std::array<std::string*, kNumParts> p) {
  size_t state = d.Below(std::size(kStates));
  const auto& ranges = kZipRanges[state].ranges;
  int size0 = ranges[0][1] - ranges[0][0] + 1, size1 = ranges[1][1] - ranges[1][0] + 1;
  int k = static_cast<int>(d.Below(size0 + size1));
  int prefix = k < size0 ? ranges[0][0] + k : ranges[1][0] + (k - size0);
  std::string& zip = *p[kPostal];
  zip.clear();
  AppendPadded(prefix, 3, &zip);
  AppendPadded(d.Between(1, 99), 2, &zip);
  if (postal_in != nullptr && !postal_in->is_null && IsZipPlus4(postal_in->value)) {
    zip.push_back('-');
    AppendPadded(d.Between(1, 9999), 4, &zip);
  }

  std::string& street = *p[kStreet];
  street.clear();
  AppendPadded(d.Between(1, 9999), 1, &street);
  street.push_back(' ');
  street.append(d.Below(3) == 0 ? d.Pick(kFirstNames) : d.Pick(kLastNames));
  street.push_back(' ');
  street.append(d.Pick(kStreetSuffixes));

  std::string& secondary = *p[kSecondary];
  secondary.assign(d.Below(2) == 0 ? "Apt. " : "Suite ");
  AppendPadded(d.Between(100, 999), 3, &secondary);

  std::string& city = *p[kLocality];
  city.clear();
  switch (d.Below(4)) {
    case 0:
      city.append(d.Pick(kCityPrefixes)).append(" ").append(d.Pick(kFirstNames)).append(d.Pick(kCitySuffixes));
      break;
    case 1:
      city.append(d.Pick(kCityPrefixes)).append(" ").append(d.Pick(kFirstNames));
      break;
    case 2:
      city.append(d.Pick(kFirstNames)).append(d.Pick(kCitySuffixes));
      break;
    default:
      city.append(d.Pick(kLastNames)).append(d.Pick(kCitySuffixes));
      break;
  }
  p[kRegion]->assign(kStates[state]);
  p[kCountry]->assign("United States");
}

// Formats follow Faker's fr_FR address provider; the code postal is the
// département number followed by digits (La Poste: the first two digits are
// the département, 20 for Corsica, three digits overseas).
void GenerateFr(Draws& d, const Cell*, std::array<std::string*, kNumParts> p) {
  const Departement& dep = kDepartements[d.Below(std::size(kDepartements))];
  std::string& cp = *p[kPostal];
  cp.clear();
  if (dep.code == "2A") {
    cp.append("20");
    AppendPadded(d.Between(0, 199), 3, &cp);
  } else if (dep.code == "2B") {
    cp.append("20");
    AppendPadded(d.Between(200, 699), 3, &cp);
  } else if (dep.code.size() == 3) {
    cp.append(dep.code);
    AppendPadded(d.Between(0, 99), 2, &cp);
  } else {
    cp.append(dep.code);
    AppendPadded(d.Between(1, 999), 3, &cp);
  }

  std::string& street = *p[kStreet];
  street.clear();
  AppendPadded(d.Between(1, 199), 1, &street);
  street.push_back(' ');
  street.append(d.Pick(kFrStreetPrefixes));
  switch (d.Below(3)) {
    case 0:
      street.append(" ").append(d.Pick(kFrLastNames));
      break;
    case 1:
      street.append(" ").append(d.Pick(kFrFirstNames)).append(" ").append(d.Pick(kFrLastNames));
      break;
    default:
      street.append(" de ").append(d.Pick(kFrLastNames));
      break;
  }

  std::string& secondary = *p[kSecondary];
  secondary.clear();
  switch (d.Below(3)) {
    case 0:
      secondary.assign("Appartement ");
      AppendPadded(d.Between(1, 99), 1, &secondary);
      break;
    case 1:
      secondary.assign("Bâtiment ");
      secondary.push_back(static_cast<char>('A' + d.Below(8)));
      break;
    default:
      secondary.assign("Étage ");
      AppendPadded(d.Between(1, 12), 1, &secondary);
      break;
  }

  std::string& city = *p[kLocality];
  city.clear();
  switch (d.Below(3)) {
    case 0:
      city.append(d.Pick(kFrLastNames));
      break;
    case 1: {
      city.append(d.Pick(kFrLastNames));
      std::string_view suffix = d.Pick(kFrCitySuffixes);
      // "-sur-Mer" is glued as is; "Ville", "bourg", ... become one word.
      if (suffix.front() != '-') {
        city.push_back(static_cast<char>(suffix.front() >= 'A' && suffix.front() <= 'Z' ? suffix.front() + 32
                                                                                          : suffix.front()));
        suffix.remove_prefix(1);
      }
      city.append(suffix);
      break;
    }
    default:
      city.append(d.Pick(kFrCityPrefixes)).append("-").append(d.Pick(kFrLastNames));
      break;
  }
  p[kRegion]->assign(dep.region);
  p[kCountry]->assign("France");
}

class AddressAnonymizer : public Anonymizer {
 public:
  AddressAnonymizer(PartColumns parts, AddressGenerator generate, std::shared_ptr<const Prf> prf)
      : part_(std::move(parts.part)), generate_(generate), prf_(std::move(prf)) {
    columns_ = std::move(parts.columns);
    for (size_t i = 0; i < part_.size(); ++i) {
      if (part_[i] == kPostal) postal_column_ = static_cast<int>(i);
    }
  }

  void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const override {
    bool any = false;
    for (const Cell& c : in) any |= !c.is_null;
    if (!any) {
      for (Cell& c : out) c = Cell::Null();
      return;
    }
    // The highest index first: growing the scratch later would move the strings.
    std::string& key = scratch.String(kNumParts);
    key.clear();
    AppendRowKey(in, &key);
    Draws draws(*prf_, key);
    std::array<std::string*, kNumParts> parts;
    for (int i = 0; i < kNumParts; ++i) parts[i] = &scratch.String(i);
    generate_(draws, postal_column_ < 0 ? nullptr : &in[postal_column_], parts);
    for (size_t i = 0; i < in.size(); ++i) {
      out[i] = in[i].is_null ? Cell::Null() : Cell{*parts[part_[i]], false};
    }
  }

 private:
  std::vector<int> part_;
  int postal_column_ = -1;
  AddressGenerator generate_;
  std::shared_ptr<const Prf> prf_;
};

AnonymizerFactory AddressFactory(AddressGenerator generate) {
  return [generate](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
    DBANON_ASSIGN_OR_RETURN(parts, ReadPartColumns(o, kParts));
    return std::make_unique<AddressAnonymizer>(std::move(parts), generate, ctx.prf);
  };
}

std::vector<std::string> PartOptionLines(std::string_view country) {
  return {
      absl::StrCat("street_address (none): column for the number and street (", ToAbsl(country), ")"),
      "secondary_address (none): column for the apartment, suite, building or floor",
      "postal_code (none): column for the postal code, matching the region",
      "locality (none): column for the city",
      "region (none): column for the state or region",
      "country (none): column for the country name",
  };
}

}  // namespace

void AddAddressAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"address",
                  "a coherent US postal address (street, ZIP code in the state's range, city, state) derived from "
                  "the keyed hash of the row's address columns; NULL parts stay NULL",
                  PartOptionLines("US"), AddressFactory(&GenerateUs),
                  "{ street_address = \"street\", secondary_address = \"street2\", postal_code = \"zip\", "
                  "locality = \"city\", region = \"state\", country = \"country\" }"});
  out->push_back({"fr-fr.address",
                  "a coherent French postal address (rue, code postal of the département, ville, région, France) "
                  "derived from the keyed hash of the row's address columns; NULL parts stay NULL",
                  PartOptionLines("France"), AddressFactory(&GenerateFr),
                  "{ street_address = \"adresse\", postal_code = \"code_postal\", locality = \"ville\", "
                  "region = \"region\", country = \"pays\" }"});
}

}  // namespace dbanon::internal
