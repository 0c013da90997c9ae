// Names in CREATE TABLE and INSERT heads, quoted every way each dialect's
// client accepts (issue 15 item 10).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/insert_framer.h"
#include "parsers/sql_tuples.h"

namespace dbanon {
namespace {

std::string Columns(const TableDef& t) {
  std::string out;
  for (const ColumnDef& c : t.columns) out += (out.empty() ? "" : "|") + c.name;
  return out;
}

TEST_CASE("SQLite reads a string literal where a table or column name stands, as sqlite3 .dump writes it") {
  const SqlDialect& d = SqliteDialect();
  struct Row {
    const char* sql;
    const char* table;
    const char* columns;
  };
  for (const Row& r : std::vector<Row>{
           {"CREATE TABLE IF NOT EXISTS 'u3' ('id' integer, 'email' text)", "u3", "id|email"},
           {"CREATE TABLE IF NOT EXISTS 'it''s' ('id' int, 'e''mail' text)", "it's", "id|e'mail"},
           {"CREATE TABLE [u4] ([id] integer, [email] text)", "u4", "id|email"},
           {"CREATE TABLE `u5` (`id` integer, `e mail` text)", "u5", "id|e mail"},
           {"CREATE TABLE IF NOT EXISTS \"u 6\" (\"id\" integer, \"em\"\"ail\" text)", "u 6", "id|em\"ail"},
           {"CREATE TABLE IF NOT EXISTS 'u7'(id, email)", "u7", "id|email"},
       }) {
    CAPTURE(r.sql);
    std::optional<TableDef> t = ParseCreateTable(d, r.sql);
    REQUIRE(t.has_value());
    CHECK(TableNameFor(d, t->name_parts).table == r.table);
    CHECK(Columns(*t) == r.columns);
  }
  std::optional<InsertHead> head = ParseInsertHead(d, "INSERT INTO 'it''s' ('id','e''mail') VALUES(1,'x')");
  REQUIRE(head.has_value());
  CHECK(head->columns == std::vector<std::string>{"id", "e'mail"});
}

TEST_CASE("SQLite table names fold to ASCII lower case and main. names the same table; MySQL names keep their case") {
  const SqlDialect& d = SqliteDialect();
  for (const char* sql : {"INSERT INTO Users VALUES(1)", "INSERT INTO [USERS] VALUES(1)",
                          "INSERT INTO \"main\".\"USERS\" VALUES(1)", "INSERT INTO `Main`.users VALUES(1)",
                          "INSERT INTO TEMP.uSeRs VALUES(1)"}) {
    CAPTURE(sql);
    std::optional<InsertHead> head = ParseInsertHead(d, sql);
    REQUIRE(head.has_value());
    CHECK(TableNameFor(d, head->name_parts) == TableName{"", "users"});
  }
  // Only ASCII letters fold (SQLite's sqlite3StrICmp): a UTF-8 name keeps its bytes.
  CHECK(TableNameFor(d, {"\xc3\x89T\xc3\xa9"}) == TableName{"", "\xc3\x89t\xc3\xa9"});
  CHECK(TableNameFor(d, {"Aux", "Users"}) == TableName{"aux", "users"});
  CHECK(TableNameFor(MySqlDialect(), {"USERS"}) == TableName{"", "USERS"});
}

TEST_CASE("PostgreSQL search_path is read from SET, RESET and set_config; an expression is unreadable") {
  using V = std::vector<std::string>;
  auto schemas = [](const char* sql) { return PgSearchPathSetting(sql).value().schemas; };
  CHECK(schemas("SET search_path = app, public;") == V{"app", "public"});
  CHECK(schemas("SET LOCAL search_path TO \"App\", 'x';") == V{"App", "x"});
  CHECK(schemas("SET search_path TO DEFAULT;") == V{"$user", "public"});
  CHECK(schemas("RESET search_path;") == V{"$user", "public"});
  CHECK(schemas("SELECT pg_catalog.set_config('search_path', '', false);") == V{});
  CHECK(schemas("SELECT set_config('search_path', 'app, \"B\"', true);") == V{"app", "B"});
  CHECK_FALSE(schemas("SELECT set_config('search_path', current_setting('x'), false);").has_value());
  CHECK_FALSE(schemas("SET search_path = app || 'x';").has_value());
  CHECK_FALSE(PgSearchPathSetting("SET client_encoding = 'UTF8';").has_value());
  CHECK_FALSE(PgSearchPathSetting("SELECT pg_catalog.setval('s', 1, false);").has_value());
}

TEST_CASE("MariaDB INVISIBLE columns are read from CREATE TABLE, and MySQL's versioned INVISIBLE keeps its tag") {
  std::optional<TableDef> t = ParseCreateTable(
      MySqlDialect(),
      "CREATE TABLE `inv` (\n  `id` int(11) NOT NULL,\n  `secret` varchar(50) INVISIBLE DEFAULT NULL,\n"
      "  `elc` varchar(100) GENERATED ALWAYS AS (lcase(`email`)) VIRTUAL INVISIBLE,\n"
      "  `email` varchar(100) DEFAULT 'invisible',\n  `m8` int /*!80023 INVISIBLE */,\n"
      "  `invisible` int,\n  PRIMARY KEY (`ID`),\n  KEY `k` (`email`) /*!80000 INVISIBLE */\n)");
  REQUIRE(t.has_value());
  REQUIRE(Columns(*t) == "id|secret|elc|email|m8|invisible");
  std::vector<bool> invisible;
  for (const ColumnDef& c : t->columns) invisible.push_back(c.invisible);
  CHECK(invisible == std::vector<bool>{false, true, true, false, true, false});
  CHECK(t->columns[1].invisible_version == 0);
  CHECK(t->columns[4].invisible_version == 80023);
  CHECK(t->columns[0].unique_key);  // PRIMARY KEY (`ID`) names `id`: MySQL column names are case-insensitive
}

TEST_CASE("MySQL and PostgreSQL never read a string literal as a name") {
  CHECK_FALSE(ParseCreateTable(MySqlDialect(), "CREATE TABLE 'u3' (id int)").has_value());
  CHECK_FALSE(ParseCreateTable(PostgresDialect(true), "CREATE TABLE 'u3' (id int)").has_value());
}

}  // namespace
}  // namespace dbanon
