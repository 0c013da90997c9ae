// What the config asks must fit the column, or be refused (issue 15, item 6;
// parsers/column_fit.h): NOT NULL and `null`, format-aware narrowing of
// e-mail addresses, phone numbers and UUIDs, unique values keeping 64 keyed
// bits, numeric(p,s), and limits that come through a PostgreSQL domain.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "anonymizers/anonymizer.h"
#include "anonymizers/prf.h"
#include "parsers/column_fit.h"
#include "parsers/insert_framer.h"
#include "parsers/pg_plain_framer.h"
#include "parsers/sql_script_framer.h"
#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

using testing::FrameAndRewrite;
using testing::Run;
using testing::TestResolver;

const TableName kUsers{"public", "users"};

std::unique_ptr<Anonymizer> Make(std::string_view name, std::string_view column, Options options = Options()) {
  static const Prf prf("config-fit-test-salt-0123456789");
  auto made = CreateAnonymizer(name, std::move(options), prf, column);
  REQUIRE_MESSAGE(made.ok(), made.status().message());
  return *std::move(made);
}

Options Unique() { return Options(OptionTable{{"unique", OptionValue{true}}}); }

std::string Copy(std::string_view create, std::string_view columns, std::string_view rows) {
  return std::string(create) + "COPY public.users (" + std::string(columns) + ") FROM stdin;\n" + std::string(rows) +
         "\\.\n";
}

TEST_CASE("null on a NOT NULL column is refused at the CREATE TABLE, naming table, column and reason") {
  const std::string dump = Copy(
      "SET x = 1;\nCREATE TABLE public.users (\n    id integer,\n    phone text NOT NULL\n);\n", "id, phone",
      "1\tsecret-phone\n");
  TestResolver r;
  r.Add(kUsers, Make("null", "phone"));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, 7);
  REQUIRE(!run.status.ok());
  CHECK(run.status.code() == absl::StatusCode::kInvalidArgument);
  const std::string message(run.status.message());
  CHECK(message.rfind("2:1: public.users.phone: the column is NOT NULL", 0) == 0);
  CHECK(message.find("secret") == std::string::npos);
  CHECK(run.output.find("secret") == std::string::npos);
}

TEST_CASE("null on a nullable column, and a NOT NULL column's other anonymizers, pass") {
  const std::string dump = Copy(
      "CREATE TABLE public.users (\n    id integer NOT NULL,\n    phone text CHECK (phone IS NOT NULL),\n"
      "    email text NOT NULL\n);\n",
      "id, phone, email", "1\tx\ty@z\n");
  TestResolver r;
  r.Add(kUsers, Make("null", "phone"));
  r.Add(kUsers, Make("email", "email"));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output.find("1\t\\N\tanon-") != std::string::npos);
}

TEST_CASE("MySQL and SQLite: NOT NULL and PRIMARY KEY columns refuse null at the CREATE TABLE") {
  const std::string mysql =
      "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `phone` varchar(20) NOT NULL,\n  PRIMARY KEY (`id`)\n);\n"
      "INSERT INTO `users` VALUES (1,'secret');\n";
  TestResolver r;
  r.Add(TableName{"", "users"}, Make("null", "phone"));
  Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(MySqlDialect(), &r), mysql, mysql.size());
  REQUIRE(!run.status.ok());
  CHECK(std::string(run.status.message()).find("1:1: users.phone: the column is NOT NULL") == 0);

  const std::string sqlite =
      "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE users (id integer PRIMARY KEY, phone text);\n"
      "INSERT INTO users VALUES(1,'secret');\nCOMMIT;\n";
  TestResolver s;
  s.Add(TableName{"", "users"}, Make("null", "id"));
  Run run2 = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(SqliteDialect(), &s), sqlite, 9);
  REQUIRE(!run2.status.ok());
  CHECK(std::string(run2.status.message()).find("users.id: the column is NOT NULL") != std::string::npos);
}

TEST_CASE("SQLite does not enforce declared types: a unique md5 in a varchar(5) column is not refused") {
  const std::string sqlite =
      "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE users (id integer, token varchar(5));\n"
      "INSERT INTO users VALUES(1,'abc');\nCOMMIT;\n";
  TestResolver r;
  r.Add(TableName{"", "users"}, Make("md5", "token", Unique()));
  Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(SqliteDialect(), &r), sqlite, sqlite.size());
  CHECK_MESSAGE(run.status.ok(), run.status.message());
}

TEST_CASE("an e-mail address narrowed to varchar(20) stays an address with 64 keyed bits, distinct for 2,000 inputs") {
  auto email = Make("email", "email", Unique());
  ColumnLimit limit = LimitOfType("email", "character varying(20)");
  Scratch scratch;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string in = "user" + std::to_string(i) + "@corp.example";
    Cell cell{in, false}, out;
    email->Anonymize(std::span<const Cell>(&cell, 1), scratch, std::span<Cell>(&out, 1));
    std::string narrowed, buf;
    std::string v(FitCell(*email, 0, limit, out.value, &narrowed, &buf));
    CHECK(v.size() <= 20);
    CHECK(v.find('@') == 13);
    CHECK(v.substr(13) == "@a.test");
    seen.insert(v);
  }
  CHECK(seen.size() == 2000);
  CHECK(email->BitsAt(0, 20) >= kFittedUniqueBits);
}

TEST_CASE("an e-mail address keeps its configured domain while the local part keeps 13 characters") {
  auto email = Make("email", "email");
  ColumnLimit limit = LimitOfType("email", "varchar(30)");
  Scratch scratch;
  Cell cell{"a@b", false}, out;
  email->Anonymize(std::span<const Cell>(&cell, 1), scratch, std::span<Cell>(&out, 1));
  std::string narrowed, buf;
  std::string v(FitCell(*email, 0, limit, out.value, &narrowed, &buf));
  CHECK(v.size() == 30);
  CHECK(v.substr(18) == "@example.com");
}

TEST_CASE("unique = true refused at the DDL when the width cannot keep 64 keyed bits") {
  const std::string dump = Copy("CREATE TABLE public.users (\n    token character varying(12)\n);\n", "token",
                                "secret-token\n");
  TestResolver r;
  r.Add(kUsers, Make("md5", "token", Unique()));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  REQUIRE(!run.status.ok());
  const std::string message(run.status.message());
  CHECK(message.find("1:1: public.users.token: the column is varchar(12) and the config asks unique = true") == 0);
  CHECK(message.find("it needs 16 characters") != std::string::npos);
  CHECK(run.output.find("secret") == std::string::npos);
}

TEST_CASE("MySQL UNIQUE KEY on one column asks for 64 kept bits; on several columns it does not") {
  auto dump = [](std::string_view key) {
    return "CREATE TABLE `users` (\n  `a` int,\n  `token` varchar(12),\n  " + std::string(key) +
           "\n);\nINSERT INTO `users` VALUES (1,'x');\n";
  };
  for (std::string_view key : {"UNIQUE KEY `t` (`token`)", "PRIMARY KEY (`token`)", "CONSTRAINT `c` UNIQUE (`token`)"}) {
    TestResolver r;
    r.Add(TableName{"", "users"}, Make("md5", "token"));
    const std::string d = dump(key);
    Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(MySqlDialect(), &r), d, d.size());
    CHECK_MESSAGE(!run.status.ok(), key);
    CHECK(std::string(run.status.message()).find("the CREATE TABLE makes it UNIQUE") != std::string::npos);
  }
  TestResolver r;
  r.Add(TableName{"", "users"}, Make("md5", "token"));
  const std::string d = dump("UNIQUE KEY `t` (`a`,`token`)");
  Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(MySqlDialect(), &r), d, d.size());
  CHECK_MESSAGE(run.status.ok(), run.status.message());
}

TEST_CASE("a phone number narrowed to varchar(9) keeps a valid format; narrower than any format is refused") {
  auto phone = Make("phone", "phone");
  Scratch scratch;
  Cell cell{"555-0142", false}, out;
  phone->Anonymize(std::span<const Cell>(&cell, 1), scratch, std::span<Cell>(&out, 1));
  REQUIRE(out.value.size() == 12);  // NPA-555-01XX
  std::string narrowed, buf;
  std::string nine(FitCell(*phone, 0, LimitOfType("p", "varchar(9)"), out.value, &narrowed, &buf));
  CHECK(nine.size() == 8);
  CHECK(nine.substr(0, 6) == "555-01");
  std::string ten(FitCell(*phone, 0, LimitOfType("p", "varchar(10)"), out.value, &narrowed, &buf));
  CHECK(ten.size() == 10);
  CHECK(ten.find_first_not_of("0123456789") == std::string::npos);
  CHECK(ten.substr(3, 5) == "55501");
  std::string seven(FitCell(*phone, 0, LimitOfType("p", "varchar(7)"), out.value, &narrowed, &buf));
  CHECK(seven.substr(0, 5) == "55501");

  const std::string dump = Copy("CREATE TABLE public.users (\n    phone character varying(6)\n);\n", "phone",
                                "555-01\n");
  TestResolver r;
  r.Add(kUsers, Make("phone", "phone"));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  REQUIRE(!run.status.ok());
  CHECK(std::string(run.status.message()).find("shortest valid value its anonymizer writes has 7 characters") !=
        std::string::npos);
}

TEST_CASE("a UUID in a varchar(32) column loses its hyphens") {
  auto uuid = Make("uuid", "u");
  Scratch scratch;
  Cell cell{"x", false}, out;
  uuid->Anonymize(std::span<const Cell>(&cell, 1), scratch, std::span<Cell>(&out, 1));
  std::string narrowed, buf;
  std::string v(FitCell(*uuid, 0, LimitOfType("u", "varchar(32)"), out.value, &narrowed, &buf));
  CHECK(v.size() == 32);
  CHECK(v.find('-') == std::string::npos);
}

TEST_CASE("numeric(p,s): values are rounded to s decimals and clamped to p-s integer digits") {
  ColumnLimit limit = LimitOfType("n", "numeric(5,2)");
  CHECK(limit.numeric_precision == 5);
  CHECK(limit.numeric_scale == 2);
  auto fit = [&](std::string v) {
    FitToColumn(limit, &v);
    return v;
  };
  CHECK(fit("123.45") == "123.45");
  CHECK(fit("12345") == "999.99");
  CHECK(fit("-12345.5") == "-999.99");
  CHECK(fit("999.995") == "999.99");
  CHECK(fit("1.005") == "1.01");
  CHECK(fit("7") == "7");
  CHECK(fit("abc") == "abc");
  CHECK(LimitOfType("n", "decimal(10)").numeric_scale == 0);
  CHECK(LimitOfType("n", "numeric").numeric_precision == 0);
}

TEST_CASE("numeric(5,2) takes an integer anonymizer whose range fits, and refuses one whose range does not") {
  auto run_with = [](int64_t max) {
    const std::string dump = Copy("CREATE TABLE public.users (\n    amount numeric(5,2)\n);\n", "amount",
                                  "123.45\n");
    TestResolver r;
    r.Add(kUsers, Make("integer", "amount",
                       Options(OptionTable{{"min", OptionValue{int64_t{0}}}, {"max", OptionValue{max}}})));
    return FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  };
  Run ok = run_with(999);
  CHECK_MESSAGE(ok.status.ok(), ok.status.message());
  Run bad = run_with(1000);
  REQUIRE(!bad.status.ok());
  CHECK(std::string(bad.status.message()).find("public.users.amount: the column is numeric(5,2)") !=
        std::string::npos);
}

TEST_CASE("a column typed by a domain gets the domain's length and NOT NULL") {
  const std::string create =
      "CREATE DOMAIN public.short_mail AS character varying(20) NOT NULL;\n"
      "CREATE DOMAIN public.code AS character varying(3);\n"
      "CREATE TABLE public.users (\n    email public.short_mail,\n    c public.code\n);\n";
  {
    const std::string dump = Copy(create, "email, c", "someone@corp.example\tABC\n");
    TestResolver r;
    r.Add(kUsers, Make("email", "email"));
    r.Add(kUsers, Make("md5", "c"));
    Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, 11);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    INFO(run.output);
    size_t row = run.output.find("FROM stdin;\n") + 12;
    std::string line = run.output.substr(row, run.output.find('\n', row) - row);
    CHECK(line.find('\t') <= 20);
    CHECK(line.size() - line.find('\t') - 1 == 3);
  }
  {
    const std::string dump = Copy(create, "email, c", "someone@corp.example\tABC\n");
    TestResolver r;
    r.Add(kUsers, Make("null", "email"));
    Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
    REQUIRE(!run.status.ok());
    CHECK(std::string(run.status.message()).find("public.users.email: the column is NOT NULL") != std::string::npos);
  }
}

TEST_CASE("an anonymizer whose values the column's type does not take is refused at the CREATE TABLE") {
  const std::string create =
      "CREATE TABLE public.users (\n    id integer,\n    tags text[],\n    doc jsonb,\n    addr inet,\n"
      "    who uuid,\n    born date\n);\n";
  struct Case {
    const char* column;
    const char* anonymizer;
    const char* message;
  };
  for (const Case& c : {Case{"tags", "lastname", "public.users.tags: the anonymizer 'lastname' writes text, not text[]"},
                        Case{"doc", "email", "public.users.doc: the anonymizer 'email' writes text, not jsonb"},
                        Case{"addr", "email", "public.users.addr: the anonymizer 'email' writes text, not inet"},
                        Case{"id", "email", "public.users.id: the anonymizer 'email' writes text, not integer"},
                        Case{"born", "uuid", "public.users.born: the anonymizer 'uuid' writes a UUID, not date"}}) {
    CAPTURE(c.column);
    const std::string dump = Copy(create, "id, tags, doc, addr, who, born", "1\t{a}\t\"x@y\"\t10.0.0.1\t\t\\N\n");
    TestResolver r;
    r.Add(kUsers, Make(c.anonymizer, c.column));
    Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, 13);
    REQUIRE(!run.status.ok());
    CHECK(run.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_MESSAGE(std::string(run.status.message()).find(c.message) != std::string::npos, run.status.message());
    CHECK(run.output.find("x@y") == std::string::npos);
  }
  // What fits passes: json paths in jsonb, ip in inet, md5 and uuid in uuid,
  // date in date, integer in integer, anything in text, keep/constant anywhere.
  const std::string dump = Copy(create, "id, tags, doc, addr, who, born",
                                "1\t{a}\t{\"e\": \"x@y\"}\t10.0.0.1\ta0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\t2001-02-03\n");
  TestResolver r;
  r.Add(kUsers, Make("integer", "id", Options(OptionTable{{"min", OptionValue{int64_t{1}}}, {"max", OptionValue{int64_t{9}}}})));
  r.Add(kUsers, Make("constant", "tags", Options(OptionTable{{"value", OptionValue{std::string("{b}")}}})));
  r.Add(kUsers, Make("ip", "addr"));
  r.Add(kUsers, Make("md5", "who"));
  r.Add(kUsers, Make("date", "born", Options(OptionTable{{"min", OptionValue{std::string("1950-01-01")}},
                                                          {"max", OptionValue{std::string("2000-12-31")}}})));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  CHECK_MESSAGE(run.status.ok(), run.status.message());
}

TEST_CASE("a phone number in an integer column is written as its digits") {
  const std::string dump = Copy("CREATE TABLE public.users (\n    phone bigint\n);\n", "phone", "33612345678\n");
  TestResolver r;
  r.Add(kUsers, Make("phone", "phone"));
  Run run = FrameAndRewrite(*std::make_unique<PgPlainFramer>(&r), dump, dump.size());
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  size_t row = run.output.find("FROM stdin;\n") + 12;
  std::string value = run.output.substr(row, run.output.find('\n', row) - row);
  CHECK(value.size() >= 10);
  CHECK(value.find_first_not_of("0123456789") == std::string::npos);
}

TEST_CASE("MySQL: a JSON column (longtext CHECK (json_valid(col))) refuses email; a bigint takes a phone's digits") {
  const std::string mysql =
      "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `phone_num` bigint(20) DEFAULT NULL,\n"
      "  `doc` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`doc`)),\n"
      "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\nINSERT INTO `t` VALUES (1,33612345678,'\\\"x@y\\\"');\n";
  {
    TestResolver r;
    r.Add(TableName{"", "t"}, Make("email", "doc"));
    Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(MySqlDialect(), &r), mysql, mysql.size());
    REQUIRE(!run.status.ok());
    CHECK_MESSAGE(std::string(run.status.message()).find("1:1: t.doc: the anonymizer 'email' writes text, not json") == 0,
                  run.status.message());
  }
  {
    TestResolver r;
    r.Add(TableName{"", "t"}, Make("phone", "phone_num"));
    r.Add(TableName{"", "t"}, Make("json", "doc", Options(OptionTable{{"paths", OptionValue{OptionTable{{"$.a", OptionValue{std::string("email")}}}}}})));
    Run run = FrameAndRewrite(*std::make_unique<SqlScriptFramer>(MySqlDialect(), &r), mysql, mysql.size());
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    size_t at = run.output.find("VALUES (1,") + 10;
    std::string value = run.output.substr(at, run.output.find(',', at) - at);
    if (!value.empty() && value.front() == '\'') value = value.substr(1, value.size() - 2);
    CHECK_MESSAGE(value.find_first_not_of("0123456789") == std::string::npos, value);
  }
}

}  // namespace
}  // namespace dbanon
