// phone and fr-fr.phone: telephone numbers from ranges that regulators keep
// out of service for fiction, so no output can ring a real subscriber.
//
//   en-us  NPA-555-0100..0199 with a random area code (NANPA: 555-0100
//          through 555-0199 are reserved for fictitious use in every area).
//   en-gb  Ofcom's numbers for drama: mobile 07700 900000..900999; fixed
//          020 7946 0000..0999, 0113/0114/0115/0116/0117/0118/0121/0131/
//          0141/0151/0161 496 0000..0999 and 01632 960000..960999.
//   fr-fr  ARCEP's fiction ranges as in DbToolsBundle's fr-fr.phone: mobile
//          06 39 98 xx xx, fixed 02 61 91 xx xx.
//   de-de  Bundesnetzagentur "Drama Numbers" (Amtsblatt 7/2021, Mitteilung
//          148/2021): 030 23125 000..999, 069 90009 000..999, 040 66969
//          000..999, 0221 4710 000..999, 089 99998 000..999. The mobile drama
//          numbers are single numbers per operator, so German mobile inputs
//          also get one of these fixed-line numbers.
//
// `phone` keeps the kind (mobile when the input's national number starts
// like a mobile one: FR 6/7, GB 7) and the form: E.164 ("+33639981234") when
// the input starts with '+', else the national form; when the input has as
// many digits as the output and only digits and separators (space - . ( ) /),
// the output keeps the input's separators at the same places. The keyed hash
// is taken over the national number, so "+33 6 12 34 56 78" and
// "06 12 34 56 78" get the same number.
#include "anonymizers/generate_internal.h"

namespace dbanon::internal {
namespace {

struct PhoneLocale {
  std::string_view name;
  std::string_view country_code;
  bool trunk_zero;  // national form starts with 0 (dropped in E.164)
  // Formats of the national form, '#' for a random digit, 'N' for the
  // US area code.
  std::span<const std::string_view> mobile;
  std::span<const std::string_view> fixed;
};

constexpr std::string_view kUs[] = {"N-555-01##"};
constexpr std::string_view kGbMobile[] = {"07700 900###"};
constexpr std::string_view kGbFixed[] = {"020 7946 0###", "0113 496 0###", "0114 496 0###", "0115 496 0###",
                                         "0116 496 0###", "0117 496 0###", "0118 496 0###", "0121 496 0###",
                                         "0131 496 0###", "0141 496 0###", "0151 496 0###", "0161 496 0###",
                                         "01632 960###"};
constexpr std::string_view kFrMobile[] = {"06 39 98 ## ##"};
constexpr std::string_view kFrFixed[] = {"02 61 91 ## ##"};
constexpr std::string_view kDeFixed[] = {"030 23125###", "069 90009###", "040 66969###", "0221 4710###",
                                         "089 99998###"};

constexpr PhoneLocale kLocales[] = {
    {"en-us", "1", false, kUs, kUs},
    {"fr-fr", "33", true, kFrMobile, kFrFixed},
    {"en-gb", "44", true, kGbMobile, kGbFixed},
    {"de-de", "49", true, kDeFixed, kDeFixed},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A NANP area code: NXX with N in 2-9, X in 0-9, and not N11 (service
// codes), N00 (easily recognizable codes), 555, nor 8YY toll-free
// (800, 833 ... 888) or 9YY.
void AppendAreaCode(Draws& d, std::string* out) {
  for (;;) {
    int a = static_cast<int>(d.Between(2, 9)), b = static_cast<int>(d.Below(9)), c = static_cast<int>(d.Below(10));
    if ((b == 1 && c == 1) || (b == 0 && c == 0) || (a == 5 && b == 5 && c == 5) || ((a == 8 || a == 9) && b == c)) {
      continue;
    }
    out->push_back(static_cast<char>('0' + a));
    out->push_back(static_cast<char>('0' + b));
    out->push_back(static_cast<char>('0' + c));
    return;
  }
}

// Expands a format into `formatted` and its digits into `digits`.
void Expand(Draws& d, std::string_view format, std::string* formatted, std::string* digits) {
  formatted->clear();
  for (char c : format) {
    if (c == '#') {
      formatted->push_back(d.Digit());
    } else if (c == 'N') {
      AppendAreaCode(d, formatted);
    } else {
      formatted->push_back(c);
    }
  }
  digits->clear();
  for (char c : *formatted) {
    if (IsDigit(c)) digits->push_back(c);
  }
}

// Writes `digits` over the digits of `pattern`, keeping everything else.
// REQUIRES: `pattern` has digits.size() digits.
void Overlay(std::string_view pattern, std::string_view digits, std::string* out) {
  out->clear();
  size_t next = 0;
  for (char c : pattern) out->push_back(IsDigit(c) ? digits[next++] : c);
}

class PhoneAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a phone number", kTextFamilies | kNumberFamilies}; }
  PhoneAnonymizer(std::string target, const PhoneLocale& locale, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), locale_(locale), prf_(std::move(prf)) {}

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    scratch.String(3);  // size the scratch first: growing it later would move the strings
    std::string_view trimmed = value;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    const bool plus = !trimmed.empty() && trimmed.front() == '+';
    bool only_separators = true;
    std::string& digits = scratch.String(1);
    digits.clear();
    for (size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      if (IsDigit(c)) {
        digits.push_back(c);
      } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/' &&
                 !(c == '+' && plus && &value[i] == trimmed.data())) {
        only_separators = false;
      }
    }
    // The national significant number: without country code or trunk 0.
    std::string_view nsn = digits;
    bool us_long = false;  // US national number written with its leading 1
    const std::string_view cc = locale_.country_code;
    if (plus) {
      if (nsn.substr(0, cc.size()) == cc) nsn.remove_prefix(cc.size());
    } else if (locale_.trunk_zero && nsn.substr(0, 2) == "00" && nsn.substr(2, cc.size()) == cc) {
      nsn.remove_prefix(2 + cc.size());  // international prefix 00 and the country code
    } else if (locale_.trunk_zero) {
      if (!nsn.empty() && nsn.front() == '0') nsn.remove_prefix(1);
    } else if (nsn.size() == 11 && nsn.front() == '1') {
      nsn.remove_prefix(1);
      us_long = true;
    }
    const bool mobile = !nsn.empty() && (nsn.front() == '7' || (nsn.front() == '6' && cc == "33"));

    Draws draws(*prf_, nsn.empty() ? value : nsn);
    std::span<const std::string_view> formats = mobile ? locale_.mobile : locale_.fixed;
    std::string& formatted = scratch.String(0);
    std::string& national = scratch.String(2);
    Expand(draws, draws.Pick(formats), &formatted, &national);

    std::string& wanted = scratch.String(3);
    if (plus) {
      wanted.assign(cc);
      wanted.append(std::string_view(national).substr(locale_.trunk_zero ? 1 : 0));
    } else {
      wanted.clear();
      if (us_long) wanted.push_back('1');
      wanted.append(national);
    }
    if (only_separators && digits.size() == wanted.size()) {
      Overlay(value, wanted, &formatted);
    } else if (plus) {
      formatted.clear();
      formatted.push_back('+');
      formatted.append(wanted);
    }
    return formatted;
  }

  // Narrowing, each form tried in turn until one fits: the digits without
  // separators (E.164 keeps its '+'); the national number (trunk 0 and
  // national significant number, the US's 10 digits); for en-us the 7-digit
  // local number, 555-01XX then 55501XX (NANP numbers are dialled without
  // their area code locally). No form of fewer characters is a valid number.
  size_t MaxChars(size_t) const override { return 0; }
  size_t MinChars(size_t) const override {
    if (locale_.country_code == "1") return 7;
    size_t shortest = SIZE_MAX;
    for (auto formats : {locale_.mobile, locale_.fixed}) {
      for (std::string_view f : formats) {
        size_t n = 0;
        for (char c : f) n += c == 'N' ? 3 : (c == '#' || IsDigit(c)) ? 1 : 0;
        shortest = std::min(shortest, n);
      }
    }
    return shortest;
  }
  std::string_view Narrow(size_t, std::string_view value, size_t max_chars, std::string* buf) const override {
    if (value.size() <= max_chars) return value;
    const bool plus = !value.empty() && value.front() == '+';
    std::string digits;
    for (char c : value) {
      if (IsDigit(c)) digits.push_back(c);
    }
    if (digits.size() + (plus ? 1 : 0) <= max_chars) {
      buf->clear();
      if (plus) buf->push_back('+');
      buf->append(digits);
      return *buf;
    }
    const std::string_view cc = locale_.country_code;
    std::string_view nsn = digits;
    if (plus && nsn.substr(0, cc.size()) == cc) nsn.remove_prefix(cc.size());
    if (!plus && locale_.trunk_zero && !nsn.empty() && nsn.front() == '0') nsn.remove_prefix(1);
    if (!plus && !locale_.trunk_zero && nsn.size() == 11 && nsn.front() == '1') nsn.remove_prefix(1);
    std::string national = locale_.trunk_zero ? "0" : "";
    national.append(nsn);
    if (national.size() <= max_chars) {
      *buf = national;
      return *buf;
    }
    if (!locale_.trunk_zero && nsn.size() == 10) {
      std::string_view local = nsn.substr(3);  // 555-01XX
      buf->assign(local.substr(0, 3));
      if (max_chars >= 8) buf->push_back('-');
      buf->append(local.substr(3));
      if (buf->size() <= max_chars) return *buf;
    }
    return value;
  }

 private:
  const PhoneLocale& locale_;
  std::shared_ptr<const Prf> prf_;
};

// fr-fr.phone, as DbToolsBundle's pack: 10 digits, no separators.
class FrPhoneAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a phone number", kTextFamilies | kNumberFamilies}; }
  FrPhoneAnonymizer(std::string target, bool mobile, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), mobile_(mobile), prf_(std::move(prf)) {}

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    std::string& out = scratch.String(0);
    out.assign(mobile_ ? "063998" : "026191");
    AppendPadded(Uniform(prf_->Cmac64(value), 10000), 4, &out);
    return out;
  }
  // 10 digits without separators: no narrower form is a French number.
  size_t MaxChars(size_t) const override { return 10; }
  size_t MinChars(size_t) const override { return 10; }

 private:
  bool mobile_;
  std::shared_ptr<const Prf> prf_;
};

}  // namespace

void AddPhoneAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"phone",
                  "a number from the ranges kept for fiction in the locale (US 555-01xx, Ofcom drama numbers, ARCEP "
                  "fiction ranges, Bundesnetzagentur drama numbers), in the input's form (E.164 or national, same "
                  "separators)",
                  {"locale (en-us): en-us, fr-fr, en-gb or de-de"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(locale, o.GetString("locale", "en-us"));
                    for (char& c : locale) {
                      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
                      if (c == '_') c = '-';
                    }
                    for (const PhoneLocale& l : kLocales) {
                      if (l.name == locale) return std::make_unique<PhoneAnonymizer>(ctx.target, l, ctx.prf);
                    }
                    return absl::InvalidArgumentError("option 'locale' must be one of en-us, fr-fr, en-gb, de-de");
                  },
                  "{ locale = \"en-gb\" }"});
  out->push_back({"fr-fr.phone",
                  "a 10-digit French number in ARCEP's fiction ranges: 063998xxxx (mobile) or 026191xxxx (landline)",
                  {"mode (mobile): mobile or landline"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(mode, o.GetString("mode", "mobile"));
                    if (mode != "mobile" && mode != "landline") {
                      return absl::InvalidArgumentError("option 'mode' must be mobile or landline");
                    }
                    return std::make_unique<FrPhoneAnonymizer>(ctx.target, mode == "mobile", ctx.prf);
                  },
                  "{ mode = \"landline\" }"});
}

}  // namespace dbanon::internal
