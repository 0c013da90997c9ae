#include "src/pii_hints.h"

#include <doctest/doctest.h>

#include <string>

namespace dbanon {
namespace {

TEST_CASE("column names hint at the kind of personal data they hold") {
  CHECK(HintFromName("email") == PiiKind::kEmail);
  CHECK(HintFromName("customer_email") == PiiKind::kEmail);
  CHECK(HintFromName("EmailAddress") == PiiKind::kEmail);
  CHECK(HintFromName("phone_2") == PiiKind::kPhone);
  CHECK(HintFromName("tel") == PiiKind::kPhone);
  CHECK(HintFromName("first_name") == PiiKind::kFirstName);
  CHECK(HintFromName("firstName") == PiiKind::kFirstName);
  CHECK(HintFromName("FIRSTNAME") == PiiKind::kFirstName);
  CHECK(HintFromName("last_name") == PiiKind::kLastName);
  CHECK(HintFromName("surname") == PiiKind::kLastName);
  CHECK(HintFromName("name") == PiiKind::kName);
  CHECK(HintFromName("username") == PiiKind::kUsername);
  CHECK(HintFromName("address2") == PiiKind::kStreet);
  CHECK(HintFromName("street") == PiiKind::kStreet);
  CHECK(HintFromName("city") == PiiKind::kCity);
  CHECK(HintFromName("postal_code") == PiiKind::kPostalCode);
  CHECK(HintFromName("zip") == PiiKind::kPostalCode);
  CHECK(HintFromName("date_of_birth") == PiiKind::kBirthDate);
  CHECK(HintFromName("dob") == PiiKind::kBirthDate);
  CHECK(HintFromName("iban") == PiiKind::kIban);
  CHECK(HintFromName("card_number") == PiiKind::kCard);
  CHECK(HintFromName("ssn") == PiiKind::kSsn);
  CHECK(HintFromName("ip_address") == PiiKind::kIp);
  CHECK(HintFromName("last_login_ip") == PiiKind::kIp);
  CHECK(HintFromName("password_hash") == PiiKind::kPassword);
  CHECK(HintFromName("api_token") == PiiKind::kToken);
  CHECK(HintFromName("lat") == PiiKind::kGeo);
  CHECK(HintFromName("longitude") == PiiKind::kGeo);
}

TEST_CASE("short words match whole words only, and keys are not personal data") {
  CHECK_FALSE(HintFromName("description").has_value());  // holds "ip" and no "zip" word
  CHECK_FALSE(HintFromName("hotel").has_value());        // "tel" inside a word
  CHECK_FALSE(HintFromName("relation").has_value());     // "lat" inside a word
  CHECK_FALSE(HintFromName("address_id").has_value());   // a key
  CHECK_FALSE(HintFromName("city_id").has_value());
  CHECK_FALSE(HintFromName("last_update").has_value());  // "last" without "name"
  CHECK_FALSE(HintFromName("amount").has_value());
  CHECK_FALSE(HintFromName("").has_value());
}

TEST_CASE("value shapes: e-mail, phone, IBAN mod-97, Luhn card, IPv4/IPv6, date of birth, first name") {
  using namespace internal;
  CHECK(LooksLikeEmail("jane.doe@example.org"));
  CHECK_FALSE(LooksLikeEmail("not an address"));
  CHECK_FALSE(LooksLikeEmail("a@b"));
  CHECK(LooksLikePhone("+33 6 12 34 56 78"));
  CHECK(LooksLikePhone("(202) 555-0143"));
  CHECK(LooksLikePhone("14033335568"));
  CHECK_FALSE(LooksLikePhone("1234"));
  CHECK_FALSE(LooksLikePhone("2022-02-14"));  // a date
  CHECK(LooksLikeIban("FR76 3000 6000 0112 3456 7890 189"));
  CHECK(LooksLikeIban("DE89370400440532013000"));
  CHECK_FALSE(LooksLikeIban("DE89370400440532013001"));  // check digits wrong
  CHECK(LooksLikeCard("4111 1111 1111 1111"));
  CHECK(LooksLikeCard("4012888888881881"));
  CHECK_FALSE(LooksLikeCard("4111111111111112"));  // Luhn fails
  CHECK(LooksLikeIp("192.168.1.20"));
  CHECK(LooksLikeIp("2001:db8::1"));
  CHECK(LooksLikeIp("10.0.0.0/8"));
  CHECK_FALSE(LooksLikeIp("999.1.1.1"));
  CHECK(LooksLikeBirthDate("1984-07-12"));
  CHECK(LooksLikeBirthDate("1999-01-31 00:00:00"));
  CHECK_FALSE(LooksLikeBirthDate("2022-02-15 09:34:33+00"));  // a record's timestamp
  CHECK_FALSE(LooksLikeBirthDate("1984-13-12"));
  CHECK(LooksLikeFirstName("PENELOPE"));
  CHECK(LooksLikeFirstName("Maria Lopez"));
  CHECK_FALSE(LooksLikeFirstName("ACADEMY DINOSAUR"));
}

TEST_CASE("a sample keeps counts only and names the shape most of its values have") {
  ValueSample sample;
  for (int i = 0; i < 9; ++i) sample.Add("someone@example.com");
  sample.Add("n/a");
  sample.AddNull();
  CHECK(sample.values() == 10);
  CHECK(sample.nulls() == 1);
  auto e = sample.Strongest();
  REQUIRE(e.has_value());
  CHECK(e->kind == PiiKind::kEmail);
  CHECK(e->percent == 90);
  CHECK(e->text == "90 % of 10 sampled values look like e-mail addresses");
  CHECK(e->text.find("someone") == std::string::npos);
}

TEST_CASE("under 60 % of matching values is no evidence, and numbers are recognised") {
  ValueSample sample;
  sample.Add("someone@example.com");
  sample.Add("x");
  sample.Add("y");
  CHECK_FALSE(sample.Strongest().has_value());
  CHECK_FALSE(sample.AllNumeric());
  ValueSample numbers;
  numbers.Add("12");
  numbers.Add("-3.5");
  CHECK(numbers.AllNumeric());
  CHECK_FALSE(ValueSample().Strongest().has_value());
}

TEST_CASE("a valid IBAN wins over the phone shape its digits could have") {
  ValueSample sample;
  sample.Add("DE89370400440532013000");
  auto e = sample.Strongest();
  REQUIRE(e.has_value());
  CHECK(e->kind == PiiKind::kIban);
}

TEST_CASE("suggestions fit the kind and the column's type") {
  CHECK(SuggestFor(PiiKind::kEmail, false).anonymizer == "email");
  CHECK(SuggestFor(PiiKind::kBirthDate, false).anonymizer == "date");
  CHECK(SuggestFor(PiiKind::kStreet, false).address_part == "street_address");
  CHECK(SuggestFor(PiiKind::kCity, false).address_part == "locality");
  CHECK(SuggestFor(PiiKind::kPostalCode, false).address_part == "postal_code");
  CHECK(SuggestFor(PiiKind::kPhone, true).anonymizer == "phone");  // digits keep their form
  CHECK(SuggestFor(PiiKind::kSsn, true).anonymizer == "integer");  // a number column gets a number
  CHECK(SuggestFor(PiiKind::kGeo, true).anonymizer == "float");
  CHECK(SuggestFor(PiiKind::kPassword, false).anonymizer == "password");
}

}  // namespace
}  // namespace dbanon
