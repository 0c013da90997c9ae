// MySQL's and MariaDB's lexical rules, as the mysql/mariadb client replays a
// dump: MySQL docs, "String Literals" ('...' and "..." strings with backslash
// escapes unless NO_BACKSLASH_ESCAPES, '' doubling), "Schema Object Names"
// (`...` names; "..." names under ANSI_QUOTES), "Comments" (`#`, `-- `
// followed by a space or control character, /* */ without nesting,
// versioned comments /*!NNNNN ... */); MariaDB docs, "Comment Syntax"
// (/*M!NNNNNN ... */), "SQL_MODE" and "Supported Character Sets and
// Collations".
#include "parsers/sql_dialect.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"

namespace dbanon {
namespace {

constexpr SqlDialect MySql(bool ansi_quotes, bool backslash_escapes, MultibyteRule multibyte) {
  SqlDialect d;
  d.multibyte = multibyte;
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

const SqlDialect& MySqlDialect(bool ansi_quotes, bool backslash_escapes, MultibyteRule multibyte) {
  static constexpr auto kDialects = [] {
    std::array<std::array<std::array<SqlDialect, kMultibyteRules>, 2>, 2> t{};
    for (int bs = 0; bs < 2; ++bs) {
      for (int ansi = 0; ansi < 2; ++ansi) {
        for (int m = 0; m < kMultibyteRules; ++m) {
          t[bs][ansi][m] = MySql(ansi != 0, bs != 0, static_cast<MultibyteRule>(m));
        }
      }
    }
    return t;
  }();
  return kDialects[backslash_escapes][ansi_quotes][static_cast<int>(multibyte)];
}

std::optional<MultibyteRule> MySqlCharsetRule(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (c != '\'' && c != '"' && c != '`') n.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (n == "sjis" || n == "cp932") return MultibyteRule::kMySqlSjis;
  if (n == "gbk") return MultibyteRule::kMySqlGbk;
  if (n == "big5") return MultibyteRule::kMySqlBig5;
  if (n == "gb18030") return MultibyteRule::kMySqlGb18030;
  // Every other character set of MariaDB 10.11 and MySQL 8 (SHOW CHARACTER
  // SET) but the four that are not ASCII-compatible: its bytes below 0x80
  // are ASCII characters (single-byte sets; EUC-JP, EUC-KR, GB2312 and UTF-8
  // use only bytes >= 0x80 in their multibyte characters).
  static constexpr std::string_view kAsciiSafe[] = {
      "default", "armscii8", "ascii",  "binary", "cp1250", "cp1251",  "cp1256", "cp1257", "cp850",
      "cp852",   "cp866",    "dec8",   "eucjpms", "euckr", "gb2312",  "geostd8", "greek", "hebrew",
      "hp8",     "keybcs2",  "koi8r",  "koi8u",  "latin1", "latin2",  "latin5", "latin7", "macce",
      "macroman", "swe7",    "tis620", "ujis",   "utf8",   "utf8mb3", "utf8mb4"};
  for (std::string_view known : kAsciiSafe) {
    if (n == known) return MultibyteRule::kNone;
  }
  return std::nullopt;
}

int VersionedCommentTag(bool mariadb_only, std::string_view digits) {
  int n = 0;
  for (size_t i = 0; i < digits.size() && i < 9; ++i) n = n * 10 + (digits[i] - '0');
  if (mariadb_only) return 1000000 + n;
  return n;
}

}  // namespace dbanon
