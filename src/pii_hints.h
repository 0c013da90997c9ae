// Hints that a column of a dump holds personal data, for `dbanon check`:
// from the column's name (email, phone, first_name, birth_date, iban, ...)
// and from the shapes of a sample of its values (e-mail addresses, phone
// numbers, IBANs with valid ISO 13616 check digits, Luhn-valid card
// numbers, IPv4/IPv6 addresses, dates of birth, first names found in the
// firstname anonymizers' dictionaries), and the anonymizer of `dbanon list`
// that fits a hinted column (`dbanon check --suggest`).
//
// A ValueSample keeps counts only, never a value: nothing it returns can
// print a cell. Sources of the shape rules: IBAN check digits, ISO 13616
// and ISO 7064 MOD 97-10 (anonymizers/bank_internal.h); card numbers, the
// Luhn check of ISO/IEC 7812; IP addresses, inet_pton(3) (RFC 4291 text
// forms); e-mail addresses, RFC 5321's local-part@domain (a loose test).
//
// Thread-safety: the functions are pure; a ValueSample is not thread-safe
// (callers lock).
#ifndef DBANON_SRC_PII_HINTS_H_
#define DBANON_SRC_PII_HINTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbanon {

// What a column seems to hold.
enum class PiiKind : uint8_t {
  kEmail,
  kPhone,
  kFirstName,
  kLastName,
  kName,      // a person's full name, or a name of unknown kind
  kUsername,
  kStreet,    // a street address
  kCity,
  kRegion,    // state, region, district
  kPostalCode,
  kBirthDate,
  kIban,
  kCard,
  kSsn,       // a national identification number
  kIp,
  kPassword,
  kToken,     // secrets: tokens, API keys
  kGeo,       // latitude or longitude
};
inline constexpr int kPiiKinds = static_cast<int>(PiiKind::kGeo) + 1;

// "e-mail address", "phone number", ...: for reports.
const char* PiiKindName(PiiKind kind);

// The kind a column's name suggests, or nullopt. The name is split into
// words at '_', '-', ' ', digits and lower-to-upper case changes
// ("firstName", "first_name" and "FIRSTNAME" all give kFirstName); short
// words (ip, tel, dob, zip, lat) match whole words only, so that `zip` is
// not found in `description`.
std::optional<PiiKind> HintFromName(std::string_view column);

// Counts of value shapes over a sample of one column's values.
class ValueSample {
 public:
  // The value shapes counted.
  enum Shape : uint8_t { kEmailShape, kPhoneShape, kIbanShape, kCardShape, kIpShape, kBirthDateShape, kFirstNameShape, kShapes };

  void Add(std::string_view value);
  void AddNull() { ++nulls_; }

  int64_t values() const { return values_; }  // non-NULL values added
  int64_t nulls() const { return nulls_; }
  int64_t count(Shape shape) const { return counts_[shape]; }
  // Every non-NULL value is a decimal number (-12, 3.5): likely a number
  // column, whose replacement must be a number too.
  bool AllNumeric() const { return values_ > 0 && numeric_ == values_; }

  struct Evidence {
    PiiKind kind;
    int64_t matching = 0;  // of values()
    int percent = 0;       // matching * 100 / values(), rounded down
    // "97 % of 200 sampled values look like e-mail addresses"
    std::string text;
  };
  // The strongest shape that at least 60 % of the non-NULL values have (at
  // least one value), or nullopt.
  std::optional<Evidence> Strongest() const;

 private:
  int64_t numeric_ = 0;
  int64_t values_ = 0;
  int64_t nulls_ = 0;
  std::array<int64_t, kShapes> counts_{};
};

// The anonymizer `dbanon check --suggest` writes for a column with a hint:
// `anonymizer` is a name of the registry (anonymizers/registry.cc) and
// `options` a TOML inline table ("" when none). Multi-column anonymizers
// (address, iban-bic) are not returned: their part (`address_part`, the
// option name of the address anonymizer: street_address, locality, region,
// postal_code) is, and the caller groups a table's parts into one entry.
struct Suggestion {
  std::string anonymizer;
  std::string options;
  std::string address_part;  // non-empty: a part of one `address` entry
};
// `numeric`: the column holds numbers (ValueSample::AllNumeric). Every
// replacement is fitted to the column's varchar(n)/integer limit by the
// rewriters (parsers/column_types.h), so the length is not needed here.
Suggestion SuggestFor(PiiKind kind, bool numeric);

// Internal checks, exposed for tests.
namespace internal {
bool LooksLikeEmail(std::string_view v);
bool LooksLikePhone(std::string_view v);
bool LooksLikeIban(std::string_view v);
bool LooksLikeCard(std::string_view v);
bool LooksLikeIp(std::string_view v);
bool LooksLikeBirthDate(std::string_view v);
bool LooksLikeFirstName(std::string_view v);
}  // namespace internal

}  // namespace dbanon

#endif  // DBANON_SRC_PII_HINTS_H_
