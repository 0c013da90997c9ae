// iban-bic (DbToolsBundle core, same part and option names) and credit_card.
//
// iban-bic follows DbToolsBundle's sample semantics: the anonymizer has
// `sample_size` distinct (IBAN, BIC) pairs, pair k generated from the keyed
// PRF and k, and a row gets pair Uniform(CMAC(row's input parts), sample_size).
// So the same input always gets the same pair, and at most sample_size
// distinct values appear, as in DbToolsBundle (where they cycle by row
// instead). The pairs are never stored: pair k is rebuilt when needed.
//
// IBANs follow the SWIFT IBAN Registry's BBAN structure of the
// country: length and character class (n digits, a upper-case letters, c
// alphanumerics; we fill c positions with digits, which real accounts mostly
// are) and ISO 13616 / ISO 7064 MOD 97-10 check digits. National check digits
// are computed where the national scheme is not bank-specific: FR (clé RIB),
// ES (dígitos de control), BE (mod 97), IT (CIN), NL (elfproef), NO (mod 11),
// FI (Luhn), PT (NIB mod 97), PL (bank code check digit).
// BICs (ISO 9362): 4 letters, the country, a 2-character location code
// (no 0 or 1, no letter O), plus "XXX" when the input BIC has 11 characters.
#include <array>

#include "anonymizers/bank_internal.h"
#include "anonymizers/generate_internal.h"

namespace dbanon::internal {

int Mod97(std::string_view digits_and_letters) {
  int r = 0;
  for (char c : digits_and_letters) {
    if (c >= '0' && c <= '9') {
      r = (r * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    } else {
      return -1;
    }
  }
  return r;
}

bool IbanValid(std::string_view iban) {
  if (iban.size() < 5 || iban.size() > 34) return false;
  std::string moved(iban.substr(4));
  moved.append(iban.substr(0, 4));
  return Mod97(moved) == 1;
}

void SetIbanCheckDigits(std::string* iban) {
  std::string moved = iban->substr(4);
  moved.append(iban->substr(0, 2));
  moved.append("00");
  int check = 98 - Mod97(moved);
  (*iban)[2] = static_cast<char>('0' + check / 10);
  (*iban)[3] = static_cast<char>('0' + check % 10);
}

int RibKey(std::string_view bank, std::string_view branch, std::string_view account) {
  // Letters of the account number map to digits (A,J=1 B,K,S=2 ... I,R=9),
  // then key = 97 - (89 * bank + 15 * branch + 3 * account) mod 97.
  auto value = [](std::string_view s) {
    int64_t r = 0;
    for (char c : s) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'I' ? c - 'A' + 1 : c >= 'J' && c <= 'R' ? c - 'J' + 1 : c - 'S' + 2;
      r = (r * 10 + d) % 97;
    }
    return r;
  };
  return static_cast<int>(97 - (89 * value(bank) + 15 * value(branch) + 3 * value(account)) % 97);
}

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

namespace {

int DigitAt(std::string_view s, size_t i) { return s[i] - '0'; }

// Spain: two control digits, weights 1 2 4 8 5 10 9 7 3 6 mod 11, over
// "00" + bank + branch and over the account (Orden EHA/2899/2011 and the
// CSB norm 20).
char EsControl(std::string_view ten) {
  static constexpr int kWeights[] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += DigitAt(ten, i) * kWeights[i];
  int d = 11 - sum % 11;
  if (d == 11) d = 0;
  if (d == 10) d = 1;
  return static_cast<char>('0' + d);
}

// Italy: CIN, one letter over ABI + CAB + conto (Banca d'Italia). Odd
// positions (1-based) use the table below, even ones the plain value
// (0-9 for digits, 0-25 for letters); sum mod 26 is the letter.
char ItalianCin(std::string_view s) {
  static constexpr int kOdd[] = {1,  0, 5,  7,  9,  13, 15, 17, 19, 21, 2,  4,  18,
                                 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    int v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : s[i] - 'A';
    sum += i % 2 == 0 ? kOdd[v] : v;
  }
  return static_cast<char>('A' + sum % 26);
}

// Fills the BBAN's national check digits. Returns false when the drawn
// digits admit none (NL, NO: a remainder of 10), in which case the caller
// draws again.
using NationalCheck = bool (*)(std::string& bban);

bool FrCheck(std::string& b) {  // 5n bank, 5n guichet, 11c compte, 2n clé RIB
  int key = RibKey(std::string_view(b).substr(0, 5), std::string_view(b).substr(5, 5), std::string_view(b).substr(10, 11));
  b[21] = static_cast<char>('0' + key / 10);
  b[22] = static_cast<char>('0' + key % 10);
  return true;
}
bool EsCheck(std::string& b) {  // 4n bank, 4n branch, 2n control, 10n account
  b[8] = EsControl("00" + b.substr(0, 8));
  b[9] = EsControl(b.substr(10, 10));
  return true;
}
bool BeCheck(std::string& b) {  // 3n bank, 7n account, 2n = first 10 mod 97 (97 for 0)
  int r = Mod97(std::string_view(b).substr(0, 10));
  if (r == 0) r = 97;
  b[10] = static_cast<char>('0' + r / 10);
  b[11] = static_cast<char>('0' + r % 10);
  return true;
}
bool ItCheck(std::string& b) {  // 1a CIN, 5n ABI, 5n CAB, 12c conto
  b[0] = ItalianCin(std::string_view(b).substr(1));
  return true;
}
bool NlCheck(std::string& b) {  // 4a bank, 10n account passing the elfproef
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += DigitAt(b, 4 + i) * (10 - i);
  int last = (11 - sum % 11) % 11;
  if (last == 10) return false;
  b[13] = static_cast<char>('0' + last);
  return true;
}
bool NoCheck(std::string& b) {  // 4n bank, 6n account, 1n mod 11 (weights 5 4 3 2 7 6 5 4 3 2)
  static constexpr int kWeights[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += DigitAt(b, i) * kWeights[i];
  int check = (11 - sum % 11) % 11;
  if (check == 10) return false;
  b[10] = static_cast<char>('0' + check);
  return true;
}
bool FiCheck(std::string& b) {  // 14n, the last a Luhn check digit
  for (char d = '0'; d <= '9'; ++d) {
    b[13] = d;
    if (LuhnValid(b)) return true;
  }
  return false;
}
bool PtCheck(std::string& b) {  // 4n bank, 4n branch, 11n account, 2n = 98 - (19 digits * 100 mod 97)
  std::string s = b.substr(0, 19) + "00";
  int check = 98 - Mod97(s);
  b[19] = static_cast<char>('0' + check / 10);
  b[20] = static_cast<char>('0' + check % 10);
  return true;
}
bool PlCheck(std::string& b) {  // 8n bank code (last digit: weights 3 9 7 1 3 9 7 mod 10), 16n account
  static constexpr int kWeights[] = {3, 9, 7, 1, 3, 9, 7};
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += DigitAt(b, i) * kWeights[i];
  b[7] = static_cast<char>('0' + (10 - sum % 10) % 10);
  return true;
}

struct IbanCountry {
  std::string_view code;
  // One character per BBAN position: n digit, a letter, c alphanumeric.
  std::string_view bban;
  NationalCheck check;
};

// SWIFT IBAN Registry, BBAN structures.
constexpr IbanCountry kIbanCountries[] = {
    {"AT", "nnnnnnnnnnnnnnnn", nullptr},                   // 5n 11n
    {"BE", "nnnnnnnnnnnn", &BeCheck},                       // 3n 7n 2n
    {"CH", "nnnnncccccccccccc", nullptr},                  // 5n 12c
    {"DE", "nnnnnnnnnnnnnnnnnn", nullptr},                 // 8n 10n
    {"DK", "nnnnnnnnnnnnnn", nullptr},                     // 4n 9n 1n
    {"ES", "nnnnnnnnnnnnnnnnnnnn", &EsCheck},              // 4n 4n 1n 1n 10n
    {"FI", "nnnnnnnnnnnnnn", &FiCheck},                     // 3n 11n
    {"FR", "nnnnnnnnnncccccccccccnn", &FrCheck},           // 5n 5n 11c 2n
    {"GB", "aaaannnnnnnnnnnnnn", nullptr},                 // 4a 6n 8n
    {"IE", "aaaannnnnnnnnnnnnn", nullptr},                 // 4a 6n 8n
    {"IT", "annnnnnnnnncccccccccccc", &ItCheck},           // 1a 5n 5n 12c
    {"LU", "nnnccccccccccccc", nullptr},                   // 3n 13c
    {"NL", "aaaannnnnnnnnn", &NlCheck},                     // 4a 10n
    {"NO", "nnnnnnnnnnn", &NoCheck},                        // 4n 6n 1n
    {"PL", "nnnnnnnnnnnnnnnnnnnnnnnn", &PlCheck},          // 8n 16n
    {"PT", "nnnnnnnnnnnnnnnnnnnnn", &PtCheck},             // 4n 4n 11n 2n
    {"SE", "nnnnnnnnnnnnnnnnnnnn", nullptr},               // 3n 16n 1n
};

constexpr std::string_view kLocationChars = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ";

const IbanCountry* FindIbanCountry(std::string_view code) {
  for (const IbanCountry& c : kIbanCountries) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

void GenerateIban(Draws& d, const IbanCountry& country, std::string* iban) {
  std::string bban(country.bban.size(), '0');
  for (int attempt = 0;; ++attempt) {
    for (size_t i = 0; i < bban.size(); ++i) bban[i] = country.bban[i] == 'a' ? d.Letter() : d.Digit();
    // A remainder of 10 happens for 1 draw in 11; 64 failures in a row
    // (probability 2^-220) would still leave a valid IBAN, only without
    // the national check.
    if (country.check == nullptr || country.check(bban) || attempt == 64) break;
  }
  iban->assign(country.code);
  iban->append("00");
  iban->append(bban);
  SetIbanCheckDigits(iban);
}

bool HasSpace(const Cell& c) { return !c.is_null && c.value.find(' ') != std::string_view::npos; }

void GroupByFour(const std::string& compact, std::string* out) {
  out->clear();
  for (size_t i = 0; i < compact.size(); ++i) {
    if (i > 0 && i % 4 == 0) out->push_back(' ');
    out->push_back(compact[i]);
  }
}

constexpr std::string_view kIbanParts[] = {"iban", "bic"};

class IbanBicAnonymizer : public Anonymizer {
 public:
  IbanBicAnonymizer(PartColumns parts, const IbanCountry& country, int64_t sample_size, std::shared_ptr<const Prf> prf)
      : part_(std::move(parts.part)), country_(country), sample_size_(sample_size), prf_(std::move(prf)) {
    columns_ = std::move(parts.columns);
  }

  void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const override {
    bool any = false;
    for (const Cell& c : in) any |= !c.is_null;
    if (!any) {
      for (Cell& c : out) c = Cell::Null();
      return;
    }
    scratch.String(4);  // size the scratch first: growing it later would move the strings
    std::string& key = scratch.String(3);
    key.clear();
    AppendRowKey(in, &key);
    uint64_t k = Uniform(prf_->Cmac64(key), static_cast<uint64_t>(sample_size_));
    // Pair k of the sample.
    std::string& message = scratch.String(4);
    message.assign("iban-bic/sample/");
    AppendPadded(k, 1, &message);
    Draws draws(*prf_, message);
    std::string& iban = scratch.String(0);
    std::string& bic = scratch.String(1);
    GenerateIban(draws, country_, &iban);
    bic.clear();
    for (int i = 0; i < 4; ++i) bic.push_back(draws.Letter());
    bic.append(country_.code);
    for (int i = 0; i < 2; ++i) bic.push_back(kLocationChars[draws.Below(kLocationChars.size())]);
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].is_null) {
        out[i] = Cell::Null();
      } else if (part_[i] == 0) {
        // Keep the paper form (groups of four) when the input had spaces.
        if (HasSpace(in[i])) {
          GroupByFour(iban, &scratch.String(2));
          out[i] = Cell{scratch.String(2), false};
        } else {
          out[i] = Cell{iban, false};
        }
      } else {
        if (in[i].value.size() == 11) bic.append("XXX");
        out[i] = Cell{bic, false};
      }
    }
  }

 private:
  std::vector<int> part_;
  const IbanCountry& country_;
  int64_t sample_size_;
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeIbanBic(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(parts, ReadPartColumns(o, kIbanParts));
  DBANON_ASSIGN_OR_RETURN(country_code, o.GetString("country", "FR"));
  for (char& c : country_code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  const IbanCountry* country = FindIbanCountry(country_code);
  if (country == nullptr) {
    std::string codes;
    for (const IbanCountry& c : kIbanCountries) absl::StrAppend(&codes, codes.empty() ? "" : ", ", ToAbsl(c.code));
    return absl::InvalidArgumentError(absl::StrCat("option 'country' must be one of ", codes));
  }
  DBANON_ASSIGN_OR_RETURN(sample_size, o.GetInt("sample_size", 500));
  if (sample_size < 1 || sample_size > 1'000'000'000) {
    return absl::InvalidArgumentError("option 'sample_size' must be between 1 and 1000000000");
  }
  return std::make_unique<IbanBicAnonymizer>(std::move(parts), *country, sample_size, ctx.prf);
}

// credit_card: the digits are replaced, the other characters kept where
// they are (spaces and dashes; anything else is dropped), and the result
// passes the Luhn check (ISO/IEC 7812-1 annex B). The key is the digits
// alone, so "4111 1111 1111 1111" and "4111111111111111" get the same digits.
class CreditCardAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a card number", kTextFamilies | kNumberFamilies}; }
  CreditCardAnonymizer(std::string target, bool keep_bin, bool keep_last4, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), keep_bin_(keep_bin), keep_last4_(keep_last4), prf_(std::move(prf)) {}

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    scratch.String(2);  // size the scratch first: growing it later would move the strings
    std::string& in_digits = scratch.String(1);
    in_digits.clear();
    for (char c : value) {
      if (c >= '0' && c <= '9') in_digits.push_back(c);
    }
    std::string& digits = scratch.String(2);
    digits = in_digits;
    if (digits.empty()) digits.assign(16, '0');  // no digits at all: a plain 16-digit number
    const size_t n = digits.size();
    // Kept digits: the BIN (first 6) and the last 4, when asked and when at
    // least 3 digits stay free (fewer would leave the input nearly intact).
    size_t head = keep_bin_ ? 6 : 0, tail = keep_last4_ ? 4 : 0;
    if (in_digits.empty() || head + tail + 3 > n) head = tail = 0;
    Draws draws(*prf_, in_digits);
    for (size_t i = head; i < n - tail; ++i) digits[i] = i == 0 ? static_cast<char>('1' + draws.Below(9)) : draws.Digit();
    // The last free digit makes the Luhn sum a multiple of 10: the check
    // digit itself when the last 4 are not kept, else a middle digit. Its
    // contribution (doubled or not) is a bijection of 0..9, so one value fits.
    size_t fix = n - tail - 1;
    for (char d = '0'; d <= '9'; ++d) {
      digits[fix] = d;
      if (LuhnValid(digits)) break;
    }
    std::string& out = scratch.String(0);
    out.clear();
    if (in_digits.empty()) return out.assign(digits);
    size_t next = 0;
    for (char c : value) {
      if (c >= '0' && c <= '9') {
        out.push_back(digits[next++]);
      } else if (c == ' ' || c == '-') {
        out.push_back(c);
      }
    }
    return out;
  }

 private:
  bool keep_bin_;
  bool keep_last4_;
  std::shared_ptr<const Prf> prf_;
};

}  // namespace

void AddBankAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back(
      {"iban-bic",
       "an IBAN of the country's format with valid check digits (and national check digits) and a BIC, one pair of "
       "sample_size pairs chosen by the keyed hash of the row's iban and bic",
       {"iban (none): column for the IBAN (written in groups of four when the input has spaces)",
        "bic (none): column for the BIC (8 characters, 11 with XXX when the input has 11)",
        "country (FR): IBAN and BIC country: AT BE CH DE DK ES FI FR GB IE IT LU NL NO PL PT SE",
        "sample_size (500): number of distinct pairs, as in DbToolsBundle (1 to 1000000000)"},
       &MakeIbanBic,
       "{ iban = \"iban\", bic = \"bic\", country = \"DE\" }"});
  out->push_back({"credit_card",
                  "a Luhn-valid card number with the input's length and spacing (digits from the keyed hash)",
                  {"keep_bin (false): keep the first 6 digits (issuer) of the input",
                   "keep_last4 (false): keep the last 4 digits of the input (a middle digit keeps the number Luhn-valid)"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(keep_bin, o.GetBool("keep_bin", false));
                    DBANON_ASSIGN_OR_RETURN(keep_last4, o.GetBool("keep_last4", false));
                    return std::make_unique<CreditCardAnonymizer>(ctx.target, keep_bin, keep_last4, ctx.prf);
                  },
                  "{ keep_last4 = true }"});
}

}  // namespace dbanon::internal
