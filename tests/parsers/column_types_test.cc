#include "parsers/column_types.h"

#include <doctest/doctest.h>

namespace dbanon {
namespace {

TEST_CASE("values are fitted to varchar(n), char(n) and integer columns") {
  ColumnLimit v10 = LimitOfType("c", "character varying(10)");
  std::string s = "abcdefghijklmno";
  CHECK(FitToColumn(v10, &s));
  CHECK(s == "abcdefghij");
  s = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";  // 11 x é
  CHECK(FitToColumn(v10, &s));
  CHECK(s.size() == 20);  // 10 characters, never a cut UTF-8 sequence
  s = "short";
  CHECK_FALSE(FitToColumn(v10, &s));
  ColumnLimit v20 = LimitOfType("email", "varchar(20)");
  s = "anon-0123456789abcdef@example.com";
  CHECK(FitToColumn(v20, &s));
  CHECK(s == "anon-012@example.com");  // still an address, 20 characters
  s = "anon-0123456789abcdef@a-very-long-domain.example.com";
  CHECK(FitToColumn(v20, &s));
  CHECK(s.size() == 20);
  ColumnLimit i16 = LimitOfType("n", "smallint");
  s = "40000";
  CHECK(FitToColumn(i16, &s));
  CHECK(s == "32767");
  s = "-99999999999999999999999";
  CHECK(FitToColumn(LimitOfType("n", "bigint"), &s));
  CHECK(s == "-9223372036854775808");
  s = "12";
  CHECK_FALSE(FitToColumn(i16, &s));
  s = "not a number";
  CHECK_FALSE(FitToColumn(i16, &s));
}

}  // namespace
}  // namespace dbanon
