// Check-digit functions of bank_anonymizers.cc, exposed for its tests.
// All are pure functions of their arguments.
#ifndef DBANON_ANONYMIZERS_BANK_INTERNAL_H_
#define DBANON_ANONYMIZERS_BANK_INTERNAL_H_

#include <string_view>

namespace dbanon::internal {

// ISO 7064 MOD 97-10 remainder of digits and upper-case letters (A = 10 ...
// Z = 35, as in ISO 13616). -1 for any other character.
int Mod97(std::string_view digits_and_letters);
// True when `iban` (electronic form, no spaces) has valid ISO 13616 check
// digits. Does not check the country's length.
bool IbanValid(std::string_view iban);
// The French clé RIB of a bank code (5), branch code (5) and account (11,
// digits or upper-case letters): 1..97.
int RibKey(std::string_view bank, std::string_view branch, std::string_view account);
// True when the digit string passes the Luhn (mod 10) check.
bool LuhnValid(std::string_view digits);

}  // namespace dbanon::internal

#endif  // DBANON_ANONYMIZERS_BANK_INTERNAL_H_
