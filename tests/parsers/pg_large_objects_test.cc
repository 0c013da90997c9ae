// PostgreSQL large object calls (parsers/pg_large_objects.h): what coverage counts.
#include "parsers/pg_large_objects.h"

#include <doctest/doctest.h>

namespace dbanon {
namespace {

TEST_CASE("pg_dump's large object calls are read with the bytes they write") {
  auto create = ParseLargeObjectCall("SELECT pg_catalog.lo_create('16999')");
  REQUIRE(create.has_value());
  CHECK(create->kind == LargeObjectCall::Kind::kCreate);
  CHECK(create->bytes == 0);
  auto open = ParseLargeObjectCall("SELECT pg_catalog.lo_open('16999', 131072)");
  REQUIRE(open.has_value());
  CHECK(open->kind == LargeObjectCall::Kind::kOpen);
  auto write = ParseLargeObjectCall("SELECT pg_catalog.lowrite(0, '\\x68656c6c6f00ff')");
  REQUIRE(write.has_value());
  CHECK(write->kind == LargeObjectCall::Kind::kWrite);
  CHECK(write->bytes == 7);
  // standard_conforming_strings off: '\\x...'.
  auto off = ParseLargeObjectCall("SELECT pg_catalog.lowrite(0, '\\\\x6869')");
  REQUIRE(off.has_value());
  CHECK(off->bytes == 2);
  auto close = ParseLargeObjectCall("select  LO_CLOSE ( 0 )");
  REQUIRE(close.has_value());
  CHECK(close->kind == LargeObjectCall::Kind::kClose);
}

TEST_CASE("a user's lo_from_bytea and lo_put calls count as large objects") {
  auto from = ParseLargeObjectCall("SELECT lo_from_bytea(0, '\\x0102')");
  REQUIRE(from.has_value());
  CHECK(from->kind == LargeObjectCall::Kind::kCreate);
  CHECK(from->bytes == 2);
  auto put = ParseLargeObjectCall("SELECT pg_catalog.lo_put(16999, 0, 'abc')");
  REQUIRE(put.has_value());
  CHECK(put->kind == LargeObjectCall::Kind::kWrite);
  CHECK(put->bytes == 3);
}

TEST_CASE("other SELECT statements are no large object calls") {
  CHECK_FALSE(ParseLargeObjectCall("SELECT pg_catalog.setval('public.s', 1, true)").has_value());
  CHECK_FALSE(ParseLargeObjectCall("SELECT pg_catalog.lo_createx('1')").has_value());
  CHECK_FALSE(ParseLargeObjectCall("SELECT lo_create").has_value());
  CHECK_FALSE(ParseLargeObjectCall("").has_value());
}

TEST_CASE("the objects a TOC entry's SQL creates are counted") {
  CHECK(CountLargeObjectCreates("SELECT pg_catalog.lo_create('1');\nALTER LARGE OBJECT 1 OWNER TO u;\n") == 1);
  CHECK(CountLargeObjectCreates("SELECT pg_catalog.lo_create('1');\nSELECT pg_catalog.LO_CREATE('2');\n") == 2);
  CHECK(CountLargeObjectCreates("COMMENT ON LARGE OBJECT 1 IS 'x';") == 0);
}

}  // namespace
}  // namespace dbanon
