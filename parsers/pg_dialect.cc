// PostgreSQL's lexical rules, as psql reads a plain dump (src/fe_utils/psqlscan.l)
// and PostgreSQL docs, "Lexical Structure": '...' strings with '' doubling
// (4.1.2.1), backslash escapes in E'...' (4.1.2.2) and in '...' when
// standard_conforming_strings is off, dollar quotes (4.1.2.4), "..." names
// (4.1.1), `--` comments and nested /* */ comments (4.1.5).
#include "parsers/sql_dialect.h"

namespace dbanon {
namespace {

constexpr SqlDialect Postgres(bool standard_conforming_strings) {
  SqlDialect d;
  d.kind = SqlDialect::Kind::kPostgres;
  d.backslash_strings = !standard_conforming_strings;
  d.e_strings = true;
  d.dollar_quotes = true;
  d.nested_comments = true;
  return d;
}

}  // namespace

const SqlDialect& PostgresDialect(bool standard_conforming_strings) {
  static constexpr SqlDialect kOn = Postgres(true);
  static constexpr SqlDialect kOff = Postgres(false);
  return standard_conforming_strings ? kOn : kOff;
}

}  // namespace dbanon
