// MySQL's and MariaDB's lexical rules, as the mysql/mariadb client replays a
// dump: MySQL docs, "String Literals" ('...' and "..." strings with backslash
// escapes unless NO_BACKSLASH_ESCAPES, '' doubling), "Schema Object Names"
// (`...` names; "..." names under ANSI_QUOTES), "Comments" (`#`, `-- `
// followed by a space or control character, /* */ without nesting,
// versioned comments /*!NNNNN ... */); MariaDB docs, "Comment Syntax"
// (/*M!NNNNNN ... */) and "SQL_MODE".
#include "parsers/sql_dialect.h"

namespace dbanon {
namespace {

constexpr SqlDialect MySql(bool ansi_quotes, bool backslash_escapes) {
  SqlDialect d;
  d.kind = SqlDialect::Kind::kMySql;
  d.backslash_strings = backslash_escapes;
  d.ansi_quotes = ansi_quotes;
  d.double_quoted_strings_rule = !ansi_quotes;
  d.backquoted_names = true;
  d.hash_comments = true;
  d.dash_comment_needs_space = true;
  d.versioned_comments = true;
  return d;
}

}  // namespace

const SqlDialect& MySqlDialect(bool ansi_quotes, bool backslash_escapes) {
  static constexpr SqlDialect kDialects[2][2] = {
      {MySql(false, false), MySql(true, false)},
      {MySql(false, true), MySql(true, true)},
  };
  return kDialects[backslash_escapes][ansi_quotes];
}

int VersionedCommentTag(bool mariadb_only, std::string_view digits) {
  int n = 0;
  for (size_t i = 0; i < digits.size() && i < 9; ++i) n = n * 10 + (digits[i] - '0');
  if (mariadb_only) return 1000000 + n;
  return n;
}

}  // namespace dbanon
