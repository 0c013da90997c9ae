// Replacements fit their column: the framers read each table's CREATE TABLE
// (plain dumps) and the rewriters cut text to varchar(n)/char(n) and clamp
// integers to the type's range, in COPY rows and INSERT tuples alike.
#include <doctest/doctest.h>

#include <string>

#include "parsers/pg_plain_framer.h"
#include "parsers/sql_script_framer.h"
#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

using testing::Const;
using testing::FrameAndRewrite;
using testing::Run;
using testing::TestResolver;

const TableName kUsers{"public", "users"};

// A resolver whose anonymizers write values too long for the columns.
TestResolver Oversized() {
  TestResolver r;
  r.Add(kUsers, Const("email", "a-very-long-local-part-of-forty-chars-xx@example.com"));
  r.Add(kUsers, Const("code", "ABCDEF"));
  r.Add(kUsers, Const("name", "Zoë Ångström-Œuvre"));
  r.Add(kUsers, Const("small", "99999"));
  r.Add(kUsers, Const("big", "-99999999999999999999999"));
  return r;
}

TEST_CASE("COPY rows: replacements fit varchar(n), character(n) and integer ranges from CREATE TABLE") {
  const std::string dump =
      "CREATE TABLE public.users (\n"
      "    id integer NOT NULL,\n"
      "    email character varying(24) NOT NULL,\n"
      "    code character(2),\n"
      "    name character varying(5) COLLATE pg_catalog.\"default\",\n"
      "    small smallint DEFAULT 0,\n"
      "    big bigint,\n"
      "    CONSTRAINT users_check CHECK ((small > 0))\n"
      ");\n"
      "COPY public.users (id, email, code, name, small, big) FROM stdin;\n"
      "1\tx@y.z\tFR\tBob\t1\t2\n"
      "2\t\\N\t\\N\t\\N\t\\N\t\\N\n"
      "\\.\n";
  TestResolver r = Oversized();
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size() + 1);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  INFO(run.output);
  // The e-mail keeps its domain; the name is cut at a character boundary.
  CHECK(run.output.find("1\ta-very-long-@example.com\tAB\tZoë Å\t32767\t-9223372036854775808\n") !=
        std::string::npos);
  CHECK(run.output.find("2\t\\N\t\\N\t\\N\t\\N\t\\N\n") != std::string::npos);
}

TEST_CASE("COPY rows without a CREATE TABLE in the dump are written as the anonymizer gives them") {
  const std::string dump =
      "COPY public.users (id, email, code, name, small, big) FROM stdin;\n"
      "1\tx@y.z\tFR\tBob\t1\t2\n"
      "\\.\n";
  TestResolver r = Oversized();
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, 7);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  INFO(run.output);
  CHECK(run.output.find("\tABCDEF\tZoë Ångström-Œuvre\t99999\t") != std::string::npos);
}

TEST_CASE("pg_dump --inserts: the same limits apply to INSERT tuples") {
  const std::string dump =
      "CREATE TABLE public.users (id integer, email varchar(24), code char(2), name varchar(5), small int2, "
      "big int8);\n"
      "INSERT INTO public.users VALUES (1, 'x@y.z', 'FR', 'Bob', 1, 2);\n";
  TestResolver r = Oversized();
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, 5);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  INFO(run.output);
  CHECK(run.output.find("VALUES (1, 'a-very-long-@example.com', 'AB', 'Zoë Å', 32767, -9223372036854775808);") !=
        std::string::npos);
}

TEST_CASE("mysqldump: varchar(n), char(n), tinyint and unsigned types") {
  const std::string dump =
      "CREATE TABLE `users` (\n"
      "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
      "  `email` varchar(24) CHARACTER SET utf8mb4 NOT NULL,\n"
      "  `code` char(2) DEFAULT NULL,\n"
      "  `name` varchar(5) DEFAULT NULL,\n"
      "  `small` tinyint(4) DEFAULT NULL,\n"
      "  `big` int(10) unsigned DEFAULT NULL,\n"
      "  PRIMARY KEY (`id`),\n"
      "  KEY `code` (`code`)\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
      "INSERT INTO `users` VALUES (1,'x@y.z','FR','Bob',1,2),(2,NULL,NULL,NULL,NULL,NULL);\n";
  TestResolver r;
  r.Add(TableName{"", "users"}, Const("email", "a-very-long-local-part-of-forty-chars-xx@example.com"));
  r.Add(TableName{"", "users"}, Const("code", "ABCDEF"));
  r.Add(TableName{"", "users"}, Const("name", "Zoë Ångström-Œuvre"));
  r.Add(TableName{"", "users"}, Const("small", "99999"));
  r.Add(TableName{"", "users"}, Const("big", "4000000000"));
  SqlScriptFramer framer(MySqlDialect(), &r);
  Run run = FrameAndRewrite(framer, dump, 11);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  INFO(run.output);
  // Unsigned types are not clamped to the signed range.
  CHECK(run.output.find("VALUES (1,'a-very-long-@example.com','AB','Zoë Å',127,4000000000),"
                        "(2,NULL,NULL,NULL,NULL,NULL);") != std::string::npos);
}

// Found by the pg_insert fuzzer: rows before their table's CREATE TABLE (a
// damaged or concatenated dump) cached a plan without column facts, which a
// later INSERT then read past its end.
TEST_CASE("rows before their CREATE TABLE, and a table created twice, take the facts of the latest CREATE TABLE") {
  const std::string create5 =
      "CREATE TABLE public.users (id integer, email varchar(24), code char(2), name varchar(5), small int2, "
      "big int8);\n";
  const std::string create3 =
      "CREATE TABLE public.users (id integer, email varchar(24), code char(2), name varchar(3), small int2, "
      "big int8);\n";
  const std::string insert = "INSERT INTO public.users VALUES (1, 'x@y.z', 'FR', 'Bob', 1, 2);\n";
  const std::string column_insert =
      "INSERT INTO public.users (id, email, code, name, small, big) VALUES (1, 'x@y.z', 'FR', 'Bob', 1, 2);\n";
  const std::string copy =
      "COPY public.users (id, email, code, name, small, big) FROM stdin;\n"
      "1\tx@y.z\tFR\tBob\t1\t2\n"
      "\\.\n";
  const std::string dump = column_insert + copy + create5 + insert + column_insert + copy + create3 + insert +
                           column_insert + copy;
  for (size_t chunk : {size_t{7}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver r = Oversized();
    Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    INFO(run.output);
    // Before any CREATE TABLE: as the anonymizer gives them.
    CHECK(run.output.find("VALUES (1, 'a-very-long-local-part-of-forty-chars-xx@example.com', 'ABCDEF'") !=
          std::string::npos);
    // After each CREATE TABLE: its limits (name varchar(5), then varchar(3)).
    CHECK(run.output.find("'AB', 'Zoë Å', 32767") != std::string::npos);
    CHECK(run.output.find("\tAB\tZoë Å\t32767\t") != std::string::npos);
    CHECK(run.output.find("'AB', 'Zoë', 32767") != std::string::npos);
    CHECK(run.output.find("\tAB\tZoë\t32767\t") != std::string::npos);
  }
}

}  // namespace
}  // namespace dbanon
