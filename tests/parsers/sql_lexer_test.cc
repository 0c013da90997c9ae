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

TEST_CASE("sqlite brackets, backquotes and double quotes are names, a doubled ] is not an escape") {
  const SqlDialect& lite = SqliteDialect();
  CHECK(LexEverySize(lite, "CREATE TABLE [a]]b] (\"c\"\"d\" `e`, 'f''g') # x") ==
        "name[13,16) name[21,27) name[28,31) str[33,39)");
  CHECK(LexEverySize(lite, "/* a /* b */ c */") == "block[0,12)");
}

}  // namespace
}  // namespace dbanon
