// Which ALTER TABLE statements may change a table's columns: the full
// reading (AlterChangesColumns) and the framers' word-by-word gate in front
// of it (AlterWords) must agree, or an ALTER that moves a configured value
// into another column goes by unread.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/sql_dialect.h"
#include "parsers/sql_statements.h"

namespace dbanon {
namespace {

// The words a framer hands to AlterWords: bare words, lower case; quoted
// names, literals and comments are not words.
bool GateOpens(std::string_view statement) {
  AlterWords gate;
  std::string word;
  bool quoted = false;
  char quote = 0;
  for (char c : std::string(statement) + " ") {
    if (quoted) {
      quoted = c != quote;
      continue;
    }
    if (c == '`' || c == '"' || c == '\'') {
      quoted = true;
      quote = c;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9' && !word.empty())) {
      word.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else if (!word.empty()) {
      gate.Word(word);
      word.clear();
    }
  }
  return gate.may_change();
}

bool Changes(const SqlDialect& d, std::string_view statement) {
  return AlterChangesColumns(d, statement, [](const std::vector<std::string>&) { return true; }).has_value();
}

TEST_CASE("ALTER TABLE statements that change columns open the word gate, in every dialect") {
  const std::vector<std::pair<const SqlDialect*, std::string_view>> changing = {
      {&PostgresDialect(true), "ALTER TABLE users DROP COLUMN email"},
      {&PostgresDialect(true), "ALTER TABLE users ADD COLUMN email text"},
      {&PostgresDialect(true), "ALTER TABLE users ADD email text"},
      {&PostgresDialect(true), "ALTER TABLE ONLY users ADD CONSTRAINT c CHECK (id > 0), ADD email text"},
      {&PostgresDialect(true), "ALTER TABLE users RENAME COLUMN mail TO email"},
      {&PostgresDialect(true), "ALTER TABLE users ALTER COLUMN email TYPE text"},
      {&PostgresDialect(true), "ALTER TABLE users ALTER email SET DATA TYPE text"},
      {&PostgresDialect(true), "ALTER TABLE users ALTER COLUMN g DROP EXPRESSION"},
      {&PostgresDialect(true), "ALTER TABLE \"users\"Drop\tColumn email"},
      {&MySqlDialect(), "ALTER TABLE `users` MODIFY `email` varchar(100) FIRST"},
      {&MySqlDialect(), "ALTER TABLE `users` CHANGE `mail` `email` varchar(100)"},
      {&MySqlDialect(), "ALTER TABLE `users` ALTER COLUMN `email` SET INVISIBLE"},
      {&MySqlDialect(), "ALTER TABLE `users` ALTER COLUMN `email` SET VISIBLE"},
      {&SqliteDialect(), "ALTER TABLE users RENAME COLUMN mail TO email"},
      {&SqliteDialect(), "ALTER TABLE users ADD"},
  };
  for (const auto& entry : changing) {
    const SqlDialect& d = *entry.first;
    const std::string_view statement = entry.second;  // not a structured binding: CAPTURE's lambda takes it
    CAPTURE(statement);
    CHECK(GateOpens(statement));
    CHECK(Changes(d, statement));
  }
}

TEST_CASE("the ALTER TABLE statements pg_dump and mysqldump write keep the gate shut") {
  for (std::string_view statement : {
           "ALTER TABLE public.users OWNER TO app",
           "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id)",
           "ALTER TABLE ONLY public.users ALTER COLUMN note SET DEFAULT 'x'::text",
           "ALTER TABLE ONLY public.users REPLICA IDENTITY FULL",
           "ALTER TABLE `users` DISABLE KEYS",
           "ALTER TABLE `users` ENABLE KEYS",
           "ALTER TABLE `drop` ENABLE KEYS",  // a quoted name is not a word
       }) {
    CAPTURE(statement);
    CHECK_FALSE(GateOpens(statement));
  }
}

}  // namespace
}  // namespace dbanon

namespace dbanon {
namespace {

// One line per move: "table a.b -> c", "column t: a -> b", "exchange t <- s", "query t".
std::vector<std::string> Moves(const SqlDialect& d, std::string_view statement) {
  std::vector<std::string> out;
  auto join = [](const std::vector<std::string>& parts) {
    std::string s;
    for (const std::string& p : parts) s += (s.empty() ? "" : ".") + p;
    return s;
  };
  for (const DataMove& m : DataMoves(d, statement)) {
    switch (m.kind) {
      case DataMove::Kind::kTable:
        out.push_back("table " + join(m.from) + " -> " + (m.same_schema ? "same schema " : "") + join(m.to));
        break;
      case DataMove::Kind::kColumn:
        out.push_back("column " + join(m.to) + ": " + m.from_column + " -> " + m.to_column);
        break;
      case DataMove::Kind::kExchange:
        out.push_back("exchange " + join(m.to) + " <- " + join(m.from));
        break;
      case DataMove::Kind::kQuery:
        out.push_back("query " + join(m.to));
        break;
    }
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST_CASE("renames, schema moves, exchanges and tables filled by a query are read in every dialect") {
  const SqlDialect& pg = PostgresDialect(true);
  const SqlDialect& my = MySqlDialect();
  const SqlDialect& sq = SqliteDialect();
  CHECK(Moves(pg, "ALTER TABLE IF EXISTS ONLY public.staging RENAME TO users") ==
        Lines{"table public.staging -> same schema users"});
  CHECK(Moves(pg, "ALTER TABLE x.staging SET SCHEMA app") == Lines{"table x.staging -> app.staging"});
  CHECK(Moves(pg, "ALTER TABLE users RENAME COLUMN note TO email") == Lines{"column users: note -> email"});
  CHECK(Moves(pg, "ALTER TABLE users RENAME \"Note\" TO email") == Lines{"column users: Note -> email"});
  CHECK(Moves(pg, "ALTER TABLE users RENAME CONSTRAINT a TO b").empty());
  CHECK(Moves(my, "RENAME TABLE `a` TO `b`, staging TO db.users") == Lines{"table a -> b", "table staging -> db.users"});
  CHECK(Moves(my, "ALTER TABLE staging RENAME AS users") == Lines{"table staging -> users"});
  CHECK(Moves(my, "ALTER TABLE staging RENAME users") == Lines{"table staging -> users"});
  CHECK(Moves(my, "ALTER TABLE users RENAME INDEX a TO b, RENAME COLUMN note TO email") ==
        Lines{"column users: note -> email"});
  CHECK(Moves(my, "ALTER TABLE users CHANGE COLUMN note email varchar(10)") == Lines{"column users: note -> email"});
  CHECK(Moves(my, "ALTER TABLE users CHANGE email EMAIL varchar(10)").empty());  // same name: a new definition
  CHECK(Moves(my, "ALTER TABLE users EXCHANGE PARTITION p WITH TABLE staging") == Lines{"exchange users <- staging"});
  CHECK(Moves(sq, "ALTER TABLE staging RENAME TO users") == Lines{"table staging -> users"});
  CHECK(Moves(sq, "ALTER TABLE users RENAME note TO email") == Lines{"column users: note -> email"});
  CHECK(Moves(pg, "CREATE TABLE users AS SELECT * FROM staging") == Lines{"query users"});
  CHECK(Moves(my, "CREATE TABLE users (id int) ENGINE=InnoDB IGNORE SELECT * FROM staging") == Lines{"query users"});
  CHECK(Moves(my, "CREATE TABLE users (SELECT * FROM staging)") == Lines{"query users"});
  CHECK(Moves(sq, "CREATE TABLE users AS SELECT * FROM staging") == Lines{"query users"});
  CHECK(Moves(pg, "SELECT * INTO TEMP TABLE users FROM staging") == Lines{"query users"});
  CHECK(Moves(pg, "WITH s AS (SELECT 1) INSERT INTO users SELECT * FROM s").empty());  // WrittenTables' part
}

TEST_CASE("what pg_dump, mysqldump and sqlite3 .dump write moves no data") {
  CHECK(Moves(PostgresDialect(true), "CREATE TABLE public.users (id integer, email text GENERATED ALWAYS AS "
                                     "(lower(note)) STORED)").empty());
  CHECK(Moves(PostgresDialect(true), "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (1) TO (2)").empty());
  CHECK(Moves(PostgresDialect(true), "ALTER TABLE ONLY public.exchange_rates ADD CONSTRAINT r_pkey PRIMARY KEY (id)")
            .empty());
  CHECK(Moves(PostgresDialect(true), "SELECT pg_catalog.setval('public.users_id_seq', 1, true)").empty());
  CHECK(Moves(MySqlDialect(), "CREATE TABLE `users` (`id` int, `u` varchar(9) AS (upper(`id`)) VIRTUAL) "
                              "ENGINE=InnoDB /*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */").empty());
  CHECK(Moves(MySqlDialect(), "/*!40000 ALTER TABLE `users` DISABLE KEYS */").empty());
  CHECK(Moves(SqliteDialect(), "CREATE TABLE users (id int, email text AS (lower(id)))").empty());
}

}  // namespace
}  // namespace dbanon
