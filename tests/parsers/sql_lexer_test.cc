#include "parsers/sql_lexer.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace dbanon {
namespace {

const char* Name(SqlLexer::Token t) {
  switch (t) {
    case SqlLexer::Token::kString: return "str";
    case SqlLexer::Token::kQuotedName: return "name";
    case SqlLexer::Token::kLineComment: return "line";
    case SqlLexer::Token::kBlockComment: return "block";
    case SqlLexer::Token::kDollarQuote: return "dollar";
    case SqlLexer::Token::kVersionedOpen: return "vopen";
    case SqlLexer::Token::kVersionedClose: return "vclose";
    default: return "?";
  }
}

// What the lexer finds in `input` fed in pieces of `chunk` bytes, each
// piece passed again from the first byte the lexer asked to see again:
// "str[7,12) line[13,20) vopen[21,29)" with offsets into `input`; a literal
// or comment still open at the end is written "str[7,".
std::string Lex(const SqlDialect& d, std::string_view input, size_t chunk) {
  SqlLexer lex;
  std::string out;
  std::string pending;
  size_t base = 0;  // offset of pending[0] in input
  size_t fed = 0;
  size_t p = 0;
  auto byte_before = [&](size_t abs, size_t back) -> unsigned char {
    return abs >= back ? static_cast<unsigned char>(input[abs - back]) : ' ';
  };
  while (true) {
    const size_t take = std::min(chunk, input.size() - fed);
    pending.append(input.substr(fed, take));
    fed += take;
    const bool eof = fed == input.size();
    while (p < pending.size()) {
      if (lex.state() != SqlLexer::State::kCode) {
        bool more = false;
        const size_t k = lex.Skip(pending, p, eof, &more);
        CHECK((!more || !eof));
        p = k;
        if (more) break;
        if (lex.state() == SqlLexer::State::kCode) out += std::to_string(base + p) + ") ";
        continue;
      }
      size_t end = p;
      const SqlLexer::Token t = lex.Open(d, pending, p, eof, byte_before(base + p, 1), byte_before(base + p, 2), &end);
      if (t == SqlLexer::Token::kNeedMore) {
        CHECK(!eof);
        break;
      }
      if (t == SqlLexer::Token::kNone) {
        CHECK(end == p);
        ++p;
        continue;
      }
      out += std::string(Name(t)) + "[" + std::to_string(base + p) + ",";
      p = end;
      if (lex.state() == SqlLexer::State::kCode) out += std::to_string(base + p) + ") ";
    }
    if (eof) break;
    pending.erase(0, p);
    base += p;
    p = 0;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The same listing at every chunk size.
std::string LexEverySize(const SqlDialect& d, std::string_view input) {
  const std::string whole = Lex(d, input, input.size() + 1);
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    INFO("chunk " << chunk);
    CHECK(Lex(d, input, chunk) == whole);
  }
  return whole;
}

TEST_CASE("postgres literals, names, dollar quotes and nested comments are found at every chunk size") {
  const SqlDialect& pg = PostgresDialect(true);
  CHECK(LexEverySize(pg, "SELECT 'a''b', \"n\"\"m\";") == "str[7,13) name[15,21)");
  CHECK(LexEverySize(pg, "SELECT E'a\\'b', 'c\\', x") == "str[8,14) str[16,20)");
  CHECK(LexEverySize(pg, "SELECT e'a\\\\' || 'b'") == "str[8,13) str[17,20)");
  CHECK(LexEverySize(pg, "SELECT type'x'") == "str[11,14)");
  CHECK(LexEverySize(pg, "AS $_$ it's $x$ $_$; $1 a$b $$x$$") == "dollar[3,19) dollar[28,33)");
  CHECK(LexEverySize(pg, "/* a /* b */ 'c' */ x -- 'd'\n'e'") == "block[0,19) line[22,29) str[29,32)");
  CHECK(LexEverySize(pg, "a - b / c --") == "line[10,");
  CHECK(LexEverySize(pg, "x 'open") == "str[2,");
  CHECK(LexEverySize(pg, "x `a` #b [c]") == "");
}

TEST_CASE("postgres with standard_conforming_strings off reads backslash escapes in every string") {
  CHECK(LexEverySize(PostgresDialect(false), "SELECT 'a\\'b', 'c'") == "str[7,13) str[15,18)");
}

TEST_CASE("mysql strings take backslash escapes, -- needs a space, # comments, versioned comments hold code") {
  const SqlDialect& my = MySqlDialect();
  CHECK(LexEverySize(my, "INSERT INTO `t``x` VALUES ('a\\'b','c''d',\"e\\\"f\")") ==
        "name[12,18) str[27,33) str[34,40) str[41,47)");
  CHECK(LexEverySize(my, "SELECT 1--2\n-- c\n#d\nx") == "line[12,17) line[17,20)");
  CHECK(LexEverySize(my, "/*!40101 SET x=1 */;/*M!100100 a */ /* c */") ==
        "vopen[0,8) vclose[17,19) vopen[20,30) vclose[33,35) block[36,43)");
  CHECK(LexEverySize(my, "a /*! b 'c*/' */ d") == "vopen[2,5) str[8,13) vclose[14,16)");
  CHECK(LexEverySize(my, "a 'b\\") == "str[2,");
}

TEST_CASE("mysql NO_BACKSLASH_ESCAPES and ANSI_QUOTES change what a backslash and a double quote are") {
  CHECK(LexEverySize(MySqlDialect(false, false), "'a\\' 'b'") == "str[0,4) str[5,8)");
  CHECK(LexEverySize(MySqlDialect(true, true), "\"a\\\" 'b'") == "name[0,4) str[5,8)");
}

TEST_CASE("mysql versioned comments are tagged with their version") {
  SqlLexer lex;
  size_t end = 0;
  const std::string text = "/*!50705 x";
  CHECK(lex.Open(MySqlDialect(), text, 0, true, ' ', ' ', &end) == SqlLexer::Token::kVersionedOpen);
  CHECK(end == 8);
  CHECK(lex.versioned() == 1);
  CHECK(lex.version() == 50705);
  const std::string mariadb = "/*M!100100 x";
  CHECK(lex.Open(MySqlDialect(), mariadb, 0, true, ' ', ' ', &end) == SqlLexer::Token::kVersionedOpen);
  CHECK(lex.versioned() == 2);
  CHECK(lex.version() == 50705);  // the outermost
  lex.SkipRestOfVersioned();
  bool more = false;
  CHECK(lex.Skip("x */ y", 0, true, &more) == 4);
  CHECK(lex.versioned() == 1);
}

TEST_CASE("mysql sjis, gbk and big5: a 0x5C or 0x60 that ends a character neither escapes nor closes") {
  const SqlDialect& plain = MySqlDialect();
  const SqlDialect& sjis = MySqlDialect(false, true, MultibyteRule::kMySqlSjis);
  // SJIS '表' is 0x95 0x5C: as latin1 the 0x5C would escape the quote.
  CHECK(LexEverySize(plain, "'\x95\\' 'b'") == "str[0,6) str[7,");
  CHECK(LexEverySize(sjis, "'\x95\\' 'b'") == "str[0,4) str[5,8)");
  // 'チ' is 0x83 0x60 inside a quoted name.
  CHECK(LexEverySize(sjis, "`\x83\x60` 'a'") == "name[0,4) str[5,8)");
  // mysqldump escapes a first byte that is not followed by a second one
  // (mysql_real_escape_string): 0xFD is one character, `\\`, `\` 0x81, `\'`.
  CHECK(LexEverySize(sjis, "'\xfd\\\\\\\x81\\'' 'b'") == "str[0,9) str[10,13)");
  CHECK(LexEverySize(MySqlDialect(false, true, MultibyteRule::kMySqlGbk), "'\x81\\' 'b'") == "str[0,4) str[5,8)");
  const SqlDialect& big5 = MySqlDialect(false, true, MultibyteRule::kMySqlBig5);
  CHECK(LexEverySize(big5, "'\xa4\\' 'b'") == "str[0,4) str[5,8)");
  CHECK(LexEverySize(big5, "'\x81\\' 'b'") == "str[0,6) str[7,");  // 0x81 does not start a BIG5 character
  const SqlDialect& gb18030 = MySqlDialect(false, true, MultibyteRule::kMySqlGb18030);
  CHECK(LexEverySize(gb18030, "'\x81\x30\x81\x30\x81\\' 'b'") == "str[0,8) str[9,12)");
  // ANSI_QUOTES and NO_BACKSLASH_ESCAPES keep the character set.
  CHECK(LexEverySize(MySqlDialect(true, false, MultibyteRule::kMySqlSjis), "\"\x95\\\" 'b'") == "name[0,4) str[5,8)");
}

TEST_CASE("postgres in a client encoding of multibyte characters reads E'' strings character by character") {
  const SqlDialect& sjis = PostgresDialect(true, MultibyteRule::kPgSjis);
  CHECK(LexEverySize(sjis, "E'\x95\\' 'b'") == "str[1,5) str[6,9)");
  CHECK(LexEverySize(PostgresDialect(true), "E'\x95\\' 'b'") == "str[1,7) str[8,");
  // A backslash escapes the whole character after it (psql masks its later bytes).
  CHECK(LexEverySize(sjis, "E'\\\x95\\' x'") == "str[1,6) str[8,");
  // 0xA1..0xDF are one-byte katakana in SJIS.
  CHECK(LexEverySize(sjis, "E'\xb1\\' 'b'") == "str[1,7) str[8,");
  CHECK(LexEverySize(PostgresDialect(false, MultibyteRule::kPgTwoByte), "'\xa4\\' 'b'") == "str[0,4) str[5,8)");
}

TEST_CASE("a first byte at the end of the input needs the next piece, and ends there at eof") {
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlSjis, "a\x95", 1, false) == 0);
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlSjis, "a\x95", 1, true) == 1);
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlSjis, "\x95\\", 0, false) == 2);
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlSjis, "\x95'", 0, false) == 1);  // not a second byte
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlGb18030, "\x81\x30\x81", 0, false) == 0);
  CHECK(MultibyteCharLength(MultibyteRule::kMySqlGb18030, "\x81\x30\x81\x30", 0, false) == 4);
  CHECK(MultibyteCharLength(MultibyteRule::kPgGb18030, "\x81", 0, false) == 0);
  CHECK(MultibyteCharLength(MultibyteRule::kPgSjis, "\x95", 0, true) == 1);
  CHECK(MultibyteCharLength(MultibyteRule::kPgJohab, "\x8f\x41\x41", 0, false) == 3);
  CHECK(MultibyteCharLength(MultibyteRule::kNone, "\x95\\", 0, false) == 1);
}

TEST_CASE("mysql character sets: the multibyte ones by rule, the ASCII-compatible ones plain, the others refused") {
  CHECK(MySqlCharsetRule("sjis") == MultibyteRule::kMySqlSjis);
  CHECK(MySqlCharsetRule("'CP932'") == MultibyteRule::kMySqlSjis);
  CHECK(MySqlCharsetRule("gbk") == MultibyteRule::kMySqlGbk);
  CHECK(MySqlCharsetRule("big5") == MultibyteRule::kMySqlBig5);
  CHECK(MySqlCharsetRule("utf8mb4") == MultibyteRule::kNone);
  CHECK(MySqlCharsetRule("ujis") == MultibyteRule::kNone);
  CHECK(MySqlCharsetRule("latin1") == MultibyteRule::kNone);
  CHECK(!MySqlCharsetRule("ucs2").has_value());
  CHECK(!MySqlCharsetRule("utf16").has_value());
  CHECK(!MySqlCharsetRule("utf32").has_value());
  CHECK(!MySqlCharsetRule("klingon").has_value());
}

TEST_CASE("sqlite brackets, backquotes and double quotes are names, a doubled ] is not an escape") {
  const SqlDialect& lite = SqliteDialect();
  CHECK(LexEverySize(lite, "CREATE TABLE [a]]b] (\"c\"\"d\" `e`, 'f''g') # x") ==
        "name[13,16) name[21,27) name[28,31) str[33,39)");
  CHECK(LexEverySize(lite, "/* a /* b */ c */") == "block[0,12)");
}

}  // namespace
}  // namespace dbanon
