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
