#include "parsers/column_types.h"

#include <doctest/doctest.h>

namespace dbanon {
namespace {

TEST_CASE("pg_dump CREATE TABLE: columns with their limits, constraints skipped") {
  auto ct = ParsePgCreateTable(
      "CREATE TABLE public.customer (\n"
      "    customer_id integer DEFAULT nextval('public.customer_customer_id_seq'::regclass) NOT NULL,\n"
      "    store_id smallint NOT NULL,\n"
      "    first_name character varying(45) NOT NULL,\n"
      "    \"Post Code\" character(5),\n"
      "    email character varying(50),\n"
      "    tags character varying(10)[],\n"
      "    big bigint,\n"
      "    price numeric(10,2) DEFAULT 0.00 CHECK ((price >= (0)::numeric)),\n"
      "    note text COLLATE pg_catalog.\"C\",\n"
      "    CONSTRAINT c_check CHECK ((store_id > 0))\n"
      ");");
  REQUIRE(ct.has_value());
  CHECK(ct->name_parts == std::vector<std::string>{"public", "customer"});
  REQUIRE(ct->columns.size() == 9);
  CHECK(ct->columns[0].name == "customer_id");
  CHECK(ct->columns[0].integer_bits == 32);
  CHECK(ct->columns[1].integer_bits == 16);
  CHECK(ct->columns[2].max_chars == 45);
  CHECK(ct->columns[3].name == "Post Code");
  CHECK(ct->columns[3].max_chars == 5);
  CHECK(ct->columns[4].max_chars == 50);
  CHECK_FALSE(ct->columns[5].IsLimited());  // an array
  CHECK(ct->columns[6].integer_bits == 64);
  CHECK_FALSE(ct->columns[7].IsLimited());
  CHECK_FALSE(ct->columns[8].IsLimited());
  CHECK_FALSE(ParsePgCreateTable("CREATE TABLE public.part_a PARTITION OF public.parent FOR VALUES IN ('a');"));
  CHECK_FALSE(ParsePgCreateTable("CREATE INDEX i ON t (a);"));
  auto unlogged = ParsePgCreateTable("CREATE UNLOGGED TABLE \"my.schema\".\"t\"\"x\" (a varchar(3));");
  REQUIRE(unlogged.has_value());
  CHECK(unlogged->name_parts == std::vector<std::string>{"my.schema", "t\"x"});
  CHECK(unlogged->columns[0].max_chars == 3);
}

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
