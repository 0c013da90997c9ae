// SQLite's lexical rules, as the sqlite3 shell reads a .dump (SQLite docs,
// "SQL Language Expressions" and "SQLite Keywords"; src/tokenize.c): '...'
// strings with '' doubling and no backslash escapes, "..." `...` and [...]
// names, `--` comments and /* */ comments without nesting.
#include "parsers/sql_dialect.h"

namespace dbanon {

const SqlDialect& SqliteDialect() {
  static constexpr SqlDialect kSqlite = [] {
    SqlDialect d;
    d.kind = SqlDialect::Kind::kSqlite;
    d.backquoted_names = true;
    d.bracketed_names = true;
    return d;
  }();
  return kSqlite;
}

}  // namespace dbanon
