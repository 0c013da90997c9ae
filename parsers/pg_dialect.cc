// PostgreSQL's lexical rules, as psql reads a plain dump (src/fe_utils/psqlscan.l)
// and PostgreSQL docs, "Lexical Structure": '...' strings with '' doubling
// (4.1.2.1), backslash escapes in E'...' (4.1.2.2) and in '...' when
// standard_conforming_strings is off, dollar quotes (4.1.2.4), "..." names
// (4.1.1), `--` comments and nested /* */ comments (4.1.5).
#include "parsers/sql_dialect.h"

#include <array>

namespace dbanon {
namespace {

constexpr SqlDialect Postgres(bool standard_conforming_strings, MultibyteRule multibyte) {
  SqlDialect d;
  d.multibyte = multibyte;
  d.kind = SqlDialect::Kind::kPostgres;
  d.backslash_strings = !standard_conforming_strings;
  d.e_strings = true;
  d.dollar_quotes = true;
  d.nested_comments = true;
  return d;
}

}  // namespace

const SqlDialect& PostgresDialect(bool standard_conforming_strings, MultibyteRule multibyte) {
  static constexpr auto kDialects = [] {
    std::array<std::array<SqlDialect, kMultibyteRules>, 2> t{};
    for (int on = 0; on < 2; ++on) {
      for (int m = 0; m < kMultibyteRules; ++m) t[on][m] = Postgres(on != 0, static_cast<MultibyteRule>(m));
    }
    return t;
  }();
  return kDialects[standard_conforming_strings][static_cast<int>(multibyte)];
}

}  // namespace dbanon
