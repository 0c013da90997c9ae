#include "src/pii_hints.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "anonymizers/bank_internal.h"

namespace dbanon {
namespace {

// The firstname anonymizers' dictionaries (anonymizers/data/README.md says
// where they come from): a value found there looks like a first name.
constexpr std::string_view kFirstNames[] = {
#include "anonymizers/data/first_names.inc"
};
constexpr std::string_view kFrFirstNames[] = {
#include "anonymizers/data/fr_first_names.inc"
};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

const std::set<std::string, std::less<>>& FirstNameSet() {
  static const auto* names = [] {
    auto* set = new std::set<std::string, std::less<>>();
    for (std::string_view n : kFirstNames) set->insert(LowerString(n));
    for (std::string_view n : kFrFirstNames) set->insert(LowerString(n));
    return set;
  }();
  return *names;
}

// Words of a column name: split at separators, digits and lower-to-upper
// case changes; lower case.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsAlpha(c)) {
      flush();
      continue;
    }
    if (i > 0 && c >= 'A' && c <= 'Z' && name[i - 1] >= 'a' && name[i - 1] <= 'z') flush();
    word.push_back(Lower(c));
  }
  flush();
  return words;
}

}  // namespace

const char* PiiKindName(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail: return "e-mail address";
    case PiiKind::kPhone: return "phone number";
    case PiiKind::kFirstName: return "first name";
    case PiiKind::kLastName: return "last name";
    case PiiKind::kName: return "person's name";
    case PiiKind::kUsername: return "user name";
    case PiiKind::kStreet: return "street address";
    case PiiKind::kCity: return "city";
    case PiiKind::kRegion: return "region or district";
    case PiiKind::kPostalCode: return "postal code";
    case PiiKind::kBirthDate: return "date of birth";
    case PiiKind::kIban: return "IBAN";
    case PiiKind::kCard: return "card number";
    case PiiKind::kSsn: return "national identification number";
    case PiiKind::kIp: return "IP address";
    case PiiKind::kPassword: return "password";
    case PiiKind::kToken: return "secret or token";
    case PiiKind::kGeo: return "latitude or longitude";
  }
  return "personal data";
}

std::optional<PiiKind> HintFromName(std::string_view column) {
  const std::vector<std::string> words = Words(column);
  if (words.empty()) return std::nullopt;
  // A key (address_id, user_ids) names a row, not a person's data.
  if (words.size() > 1 && (words.back() == "id" || words.back() == "ids" || words.back() == "fk")) return std::nullopt;
  std::string joined;
  for (const std::string& w : words) joined += w;
  auto word = [&](std::initializer_list<std::string_view> any) {
    for (const std::string& w : words) {
      for (std::string_view a : any) {
        if (w == a) return true;
      }
    }
    return false;
  };
  auto has = [&](std::initializer_list<std::string_view> any) {
    for (std::string_view a : any) {
      if (joined.find(a) != std::string::npos) return true;
    }
    return false;
  };
  // Most specific first: "email_address" and "ip_address" are not streets.
  if (has({"email"}) || word({"mail"})) return PiiKind::kEmail;
  if (has({"password", "passwd"}) || word({"pwd", "pass", "passhash"})) return PiiKind::kPassword;
  if (has({"token", "secret", "apikey"})) return PiiKind::kToken;
  if (has({"iban"})) return PiiKind::kIban;
  if (has({"creditcard", "cardnumber", "ccnumber", "cardno"}) || word({"card", "pan"})) return PiiKind::kCard;
  if (has({"socialsecurity", "nationalid", "passport", "taxid"}) || word({"ssn", "nir", "insee", "nino", "sin"})) {
    return PiiKind::kSsn;
  }
  if (has({"ipaddr", "ipv4", "ipv6", "remoteaddr", "clientip"}) || word({"ip", "inet"})) return PiiKind::kIp;
  if (has({"phone", "mobile", "msisdn"}) || word({"tel", "fax", "cell", "gsm"})) return PiiKind::kPhone;
  if (has({"birth"}) || word({"dob", "bday"})) return PiiKind::kBirthDate;
  if (has({"firstname", "givenname", "forename", "prenom"}) || word({"fname"})) return PiiKind::kFirstName;
  if (has({"lastname", "surname", "familyname"}) || word({"lname", "nom"})) return PiiKind::kLastName;
  if (has({"username", "login", "nickname", "screenname"})) return PiiKind::kUsername;
  if (joined == "name" || has({"fullname", "displayname", "contactname", "customername", "personname", "realname"})) {
    return PiiKind::kName;
  }
  if (has({"zipcode", "postcode", "postalcode"}) || word({"zip", "postal", "plz"})) return PiiKind::kPostalCode;
  if (has({"street", "address"}) || word({"addr"})) return PiiKind::kStreet;
  if (word({"city", "town", "locality"})) return PiiKind::kCity;
  if (joined == "state" || word({"region", "district", "province", "county"})) return PiiKind::kRegion;
  if (has({"latitude", "longitude", "geolocation"}) || word({"lat", "lon", "lng"})) return PiiKind::kGeo;
  return std::nullopt;
}

namespace internal {

bool LooksLikeEmail(std::string_view v) {
  if (v.size() < 3 || v.size() > 254) return false;
  size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || v.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '<' || c == '>') return false;
  }
  std::string_view domain = v.substr(at + 1);
  size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 2 <= domain.size();
}

bool LooksLikePhone(std::string_view v) {
  if (v.size() > 25) return false;
  if (v.size() >= 10 && IsDigit(v[0]) && IsDigit(v[3]) && v[4] == '-' && v[7] == '-') return false;  // a date
  size_t digits = 0;
  bool separators = false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (IsDigit(c)) {
      ++digits;
    } else if (c == '+' && i == 0) {
      separators = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
      separators = true;
    } else {
      return false;
    }
  }
  // Bare digit strings of 7 or 8 digits are more often codes than numbers.
  return digits >= 7 && digits <= 15 && (separators || digits >= 9 || v[0] == '0');
}

bool LooksLikeIban(std::string_view v) {
  std::string s;
  for (char c : v) {
    if (c == ' ') continue;
    s.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  if (s.size() < 15 || s.size() > 34) return false;
  if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && IsDigit(s[2]) && IsDigit(s[3]))) return false;
  return internal::IbanValid(s);
}

bool LooksLikeCard(std::string_view v) {
  std::string digits;
  for (char c : v) {
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return false;
    }
  }
  if (digits.size() < 13 || digits.size() > 19) return false;
  return internal::LuhnValid(digits);
}

bool LooksLikeIp(std::string_view v) {
  if (v.empty() || v.size() > 50) return false;
  std::string s(v);
  if (size_t slash = s.find('/'); slash != std::string::npos) {  // CIDR (inet, cidr)
    std::string_view bits = std::string_view(s).substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return false;
    for (char c : bits) {
      if (!IsDigit(c)) return false;
    }
    s.resize(slash);
  }
  unsigned char buf[16];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool LooksLikeBirthDate(std::string_view v) {
  // ISO 8601 YYYY-MM-DD, as pg_dump (DateStyle ISO), mysqldump and sqlite
  // applications write dates; a time may follow. A year from 1900 to 2015:
  // the birth years of living adults and children, not a record's timestamp.
  if (v.size() < 10) return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(v[i])) return false;
  }
  if (v[4] != '-' || v[7] != '-') return false;
  if (v.size() > 10 && v[10] != ' ' && v[10] != 'T') return false;
  int year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
  int month = (v[5] - '0') * 10 + (v[6] - '0');
  int day = (v[8] - '0') * 10 + (v[9] - '0');
  return year >= 1900 && year <= 2015 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool LooksLikeFirstName(std::string_view v) {
  // The value, or its first word ("Maria Lopez"), is in a dictionary.
  size_t start = 0;
  while (start < v.size() && v[start] == ' ') ++start;
  size_t end = start;
  while (end < v.size() && v[end] != ' ') ++end;
  if (end - start < 2 || end - start > 30) return false;
  return FirstNameSet().count(LowerString(v.substr(start, end - start))) > 0;
}

}  // namespace internal

void ValueSample::Add(std::string_view value) {
  ++values_;
  size_t i = !value.empty() && value[0] == '-' ? 1 : 0;
  size_t digits = 0, dots = 0;
  for (; i < value.size(); ++i) {
    if (IsDigit(value[i])) {
      ++digits;
    } else if (value[i] == '.' && dots == 0) {
      ++dots;
    } else {
      break;
    }
  }
  if (i == value.size() && digits > 0) ++numeric_;
  if (internal::LooksLikeEmail(value)) ++counts_[kEmailShape];
  if (internal::LooksLikeIp(value)) ++counts_[kIpShape];
  if (internal::LooksLikeBirthDate(value)) ++counts_[kBirthDateShape];
  if (internal::LooksLikeIban(value)) ++counts_[kIbanShape];
  if (internal::LooksLikeCard(value)) {
    ++counts_[kCardShape];
  } else if (internal::LooksLikePhone(value)) {
    ++counts_[kPhoneShape];
  }
  if (internal::LooksLikeFirstName(value)) ++counts_[kFirstNameShape];
}

std::optional<ValueSample::Evidence> ValueSample::Strongest() const {
  if (values_ == 0) return std::nullopt;
  // On a tie the more specific shape wins (a valid IBAN over a phone shape).
  static constexpr std::pair<Shape, PiiKind> kOrder[] = {
      {kIbanShape, PiiKind::kIban},           {kCardShape, PiiKind::kCard},
      {kEmailShape, PiiKind::kEmail},         {kIpShape, PiiKind::kIp},
      {kBirthDateShape, PiiKind::kBirthDate}, {kPhoneShape, PiiKind::kPhone},
      {kFirstNameShape, PiiKind::kFirstName},
  };
  std::optional<Evidence> best;
  for (const auto& [shape, kind] : kOrder) {
    int64_t n = counts_[shape];
    if (n * 10 < values_ * 6) continue;  // under 60 %
    if (best.has_value() && n <= best->matching) continue;
    Evidence e;
    e.kind = kind;
    e.matching = n;
    e.percent = static_cast<int>(n * 100 / values_);
    const char* what = "";
    switch (shape) {
      case kEmailShape: what = "look like e-mail addresses"; break;
      case kPhoneShape: what = "look like phone numbers"; break;
      case kIbanShape: what = "are IBANs with valid check digits"; break;
      case kCardShape: what = "are Luhn-valid card numbers"; break;
      case kIpShape: what = "are IP addresses"; break;
      case kBirthDateShape: what = "are dates from 1900 to 2015 (dates of birth?)"; break;
      default: what = "are (or start with) first names of the name dictionaries"; break;
    }
    e.text = absl::StrCat(e.percent, " % of ", values_, " sampled values ", what);
    best = std::move(e);
  }
  return best;
}

Suggestion SuggestFor(PiiKind kind, bool numeric) {
  if (numeric && kind != PiiKind::kPhone && kind != PiiKind::kCard && kind != PiiKind::kPostalCode) {
    // A number column: a number (clamped to the type's range by the
    // rewriters). Phone and card numbers keep their digits' form.
    if (kind == PiiKind::kGeo) return {"float", "{ delta = 0.05, precision = 6 }", ""};
    return {"integer", "{ min = 0, max = 999999 }", ""};
  }
  switch (kind) {
    case PiiKind::kEmail: return {"email", "", ""};
    case PiiKind::kPhone: return {"phone", "", ""};
    case PiiKind::kFirstName: return {"firstname", "", ""};
    case PiiKind::kLastName: return {"lastname", "", ""};
    case PiiKind::kName: return {"pattern", "{ pattern = \"{firstname} {lastname}\" }", ""};
    case PiiKind::kUsername: return {"md5", "", ""};
    case PiiKind::kStreet: return {"address", "", "street_address"};
    case PiiKind::kCity: return {"address", "", "locality"};
    case PiiKind::kRegion: return {"address", "", "region"};
    case PiiKind::kPostalCode: return {"address", "", "postal_code"};
    case PiiKind::kBirthDate: return {"date", "{ min = \"-90 years\", max = \"-18 years\" }", ""};
    case PiiKind::kIban: return {"iban-bic", "", ""};
    case PiiKind::kCard: return {"credit_card", "", ""};
    case PiiKind::kSsn: return {"hash", "", ""};
    case PiiKind::kIp: return {"ip", "", ""};
    case PiiKind::kPassword: return {"password", "", ""};
    case PiiKind::kToken: return {"hash", "", ""};
    case PiiKind::kGeo: return {"float", "{ delta = 0.05, precision = 6 }", ""};
  }
  return {"hash", "", ""};
}

}  // namespace dbanon
