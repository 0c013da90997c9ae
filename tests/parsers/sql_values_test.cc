#include "parsers/sql_tuples.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

// The events of ScanTuples over `input` fed in pieces of `chunk` bytes, as
// "open@5 comma@9 close@12 outer@13"-style text with absolute offsets.
std::string Events(const SqlDialect& d, std::string_view input, size_t chunk) {
  TupleScanState st;
  std::string out;
  std::string pending;
  size_t base = 0;  // offset of pending[0] in input
  size_t fed = 0;
  size_t pos = 0;
  while (true) {
    size_t take = std::min(chunk, input.size() - fed);
    pending.append(input.substr(fed, take));
    fed += take;
    const bool eof = fed == input.size();
    while (true) {
      TupleEvent ev = ScanTuples(d, &st, pending, &pos, eof);
      const char* name = nullptr;
      switch (ev) {
        case TupleEvent::kOpen: name = "open"; break;
        case TupleEvent::kClose: name = "close"; break;
        case TupleEvent::kComma: name = "comma"; break;
        case TupleEvent::kOuter: name = "outer"; break;
        default: break;
      }
      if (ev == TupleEvent::kOuter) {
        // Between tuples: consume a ',' or stop at anything else.
        out += std::string(out.empty() ? "" : " ") + name + "@" + std::to_string(base + pos);
        if (pending[pos] == ',') {
          ++pos;
          continue;
        }
        return out;
      }
      if (name != nullptr) {
        out += std::string(out.empty() ? "" : " ") + name + "@" + std::to_string(base + pos);
        continue;
      }
      break;  // kEnd or kNeedMore: keep the unconsumed tail
    }
    pending.erase(0, pos);
    base += pos;
    pos = 0;
    if (eof) return out + " end";
  }
}

TEST_CASE("MySQL strings: every escape, \\\\' versus \\', '' and a ; or comment inside a string") {
  const std::string values =
      "(1,'a\\0b\\'c\\\"d\\be\\nf\\rg\\th\\Zi\\\\j'),(2,'ends with backslash\\\\'),(3,'\\\\\\',still inside'),"
      "(4,'It''s; -- not a comment /* nor this */ # nor this'),(5,\"dq \\\" and '' inside\");\n";
  std::string whole = Events(MySqlDialect(), values, values.size());
  // Offsets checked against a separate reference scanner (tests written with Python's help).
  CHECK(whole ==
        "open@1 comma@3 close@34 outer@34 open@36 comma@38 close@62 outer@62 open@64 comma@66 close@86 outer@86 "
        "open@88 comma@90 close@142 outer@142 open@144 comma@146 close@168 outer@168");
  for (size_t chunk = 1; chunk <= values.size(); ++chunk) {
    CAPTURE(chunk);
    CHECK(Events(MySqlDialect(), values, chunk) == whole);
  }
}

TEST_CASE("comments between and inside tuples, in each dialect") {
  const std::string mysql = " /* c ) */ (1, -- x ),\n 2 # y )\n ,3)-- z\n,(4)";
  CHECK(Events(MySqlDialect(), mysql, mysql.size()) ==
        "open@12 comma@14 comma@34 close@36 outer@41 open@43 close@45 end");
  // MySQL reads --x as minus minus x, PostgreSQL as a comment.
  CHECK(Events(MySqlDialect(), "(1--1,2)", 8) == "open@1 comma@6 close@8 end");
  CHECK(Events(PostgresDialect(true), "(1--1,2)\n)", 10) == "open@1 close@10 end");
  // PostgreSQL block comments nest.
  CHECK(Events(PostgresDialect(true), "(1 /* a /* b */ ) */, 2)", 24) == "open@1 comma@21 close@24 end");
  for (size_t chunk = 1; chunk <= mysql.size(); ++chunk) {
    CAPTURE(chunk);
    CHECK(Events(MySqlDialect(), mysql, chunk) == Events(MySqlDialect(), mysql, mysql.size()));
  }
}

TEST_CASE("MySQL versioned comments in and between tuples are code: their commas count, their tuples open") {
  // sakila's `/*!50705 0x...,*/`: the comma inside is a comma; `*/` closes it.
  const std::string mysql = "(1,/*!50705 0x00,*/'a') /*M!100000 ,(2,'b')*/,(3 /* c, */)";
  const std::string whole = Events(MySqlDialect(), mysql, mysql.size());
  CHECK(whole == "open@1 comma@3 comma@17 close@23 outer@35 open@37 comma@39 close@43 outer@45 open@47 close@58 end");
  for (size_t chunk = 1; chunk <= mysql.size(); ++chunk) {
    CAPTURE(chunk);
    CHECK(Events(MySqlDialect(), mysql, chunk) == whole);
  }
  TupleScanState st;
  size_t pos = 0;
  const std::string row = "(1,/*!50705 0x00,*/'a')";
  CHECK(ScanTuples(MySqlDialect(), &st, row, &pos, true) == TupleEvent::kOpen);
  CHECK(ScanTuples(MySqlDialect(), &st, row, &pos, true) == TupleEvent::kComma);
  CHECK(st.lex.versioned() == 0);
  CHECK(ScanTuples(MySqlDialect(), &st, row, &pos, true) == TupleEvent::kComma);
  CHECK(st.lex.version() == 50705);
  CHECK(ScanTuples(MySqlDialect(), &st, row, &pos, true) == TupleEvent::kClose);
  CHECK(st.lex.versioned() == 0);
  CHECK(st.lex.version() == 0);
  // An unversioned `*/` is not code outside a comment, and other dialects keep /*! as a comment.
  CHECK(Events(MySqlDialect(), "(1)*/", 5) == "open@1 close@3 outer@3");
  CHECK(Events(SqliteDialect(), "(1,/*!50705 2,*/3)", 18) == "open@1 comma@3 close@18 end");
  CHECK(VersionedCommentTag(false, "") == 0);
  CHECK(VersionedCommentTag(true, "100000") == 1100000);
}

TEST_CASE("PostgreSQL strings: backslash is plain unless E'' or standard_conforming_strings is off") {
  // 'C:\temp\' is a complete string with standard strings (case P04).
  CHECK(Events(PostgresDialect(true), "(2, 'C:\\temp\\', 'w')", 20) == "open@1 comma@3 comma@15 close@20 end");
  CHECK(Events(PostgresDialect(true), "(E'it\\'s, ok', e'\\\\', 'x''y')", 29) == "open@1 comma@14 comma@21 close@29 end");
  CHECK(Events(PostgresDialect(false), "('it\\'s, ok', 1)", 16) == "open@1 comma@13 close@16 end");
  // E'' continued after '' keeps its escapes: E'a''b\'c'
  CHECK(Events(PostgresDialect(true), "(E'a''b\\',c', 1)", 16) == "open@1 comma@13 close@16 end");
  // Dollar quotes.
  CHECK(Events(PostgresDialect(true), "($$a),'$$, $t$ $$ ) $t$)", 24) == "open@1 comma@10 close@24 end");
  const std::string s = "(1, E'a\\'b', $q$)$q$, 'c''d', 'e\\')";
  for (size_t chunk = 1; chunk <= s.size(); ++chunk) {
    CAPTURE(chunk);
    CHECK(Events(PostgresDialect(true), s, chunk) == Events(PostgresDialect(true), s, s.size()));
  }
}

TEST_CASE("a '...' literal inside a tuple ends where the lexer ends it, in every dialect and at every chunk size") {
  // ScanTuples skips a literal that closes in its input without the lexer;
  // one cut by the input's end goes through the lexer: the events must not
  // depend on where the input is cut. Offsets of the whole input checked by
  // hand for MySQL.
  const std::string s = "(1,'a''b','c\\'d','e\\\\',''''),('\\\\''','x)',U&'d\\0061', e'f\\'g'),(N'h',_binary'i',X'4A')";
  CHECK(Events(MySqlDialect(), s, s.size()) ==
        "open@1 comma@3 comma@10 comma@17 comma@23 close@28 outer@28 open@30 comma@37 comma@42 comma@53 close@62 "
        "outer@62 open@64 comma@69 comma@80 close@86 end");
  for (const SqlDialect* d : {&MySqlDialect(), &MySqlDialect(false, false), &MySqlDialect(true, true),
                              &PostgresDialect(true), &PostgresDialect(false), &SqliteDialect()}) {
    const std::string whole = Events(*d, s, s.size());
    for (size_t chunk = 1; chunk < s.size(); ++chunk) {
      CAPTURE(chunk);
      CHECK(Events(*d, s, chunk) == whole);
    }
  }
}

TEST_CASE("the framer's skim passes exactly the tuples ScanTuples reports, in every dialect, and no others") {
  // SkimTuples passes `,(...)` tuples in the shapes dump tools write and
  // stops before any other; where it passes one, ScanTuples (which the
  // rewriters use) must report the same '(' and ')'. Random mixes of the
  // bytes that matter: quotes of every kind, escapes, comment starts,
  // dollar quotes, E'', parentheses, and inputs cut anywhere.
  const std::vector<std::string> good = {"1",       "-2",   "10001", "'ab'", "''", "'it''s'", "'c\\'d'", "'a,b)('",
                                         "'\\\\'",   "'x\"'", "NULL",  " 'sp' ", "'1953-09-02'", "1e-5", "a-b"};
  const std::vector<std::string> bad = {"(",  ")", ",",  "'",  "''", "\\", "\\'", "-",  "--", "-- ", "/", "/*", "*/",
                                        "*",  "\"", "`", "#",  "$",  "$$", "E'", "e'", "[",  "]",  "\n", ";",  "x'", "E'a\\'b'"};
  std::mt19937 rng(1616);
  for (const SqlDialect* d : {&MySqlDialect(), &MySqlDialect(false, false), &MySqlDialect(true, true),
                              &PostgresDialect(true), &PostgresDialect(false), &SqliteDialect()}) {
    size_t passed = 0, stopped_early = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string s;
      const int tuples_wanted = 1 + static_cast<int>(rng() % 6);
      for (int t = 0; t < tuples_wanted; ++t) {
        s += ",(";
        const int values = 1 + static_cast<int>(rng() % 4);
        for (int v = 0; v < values; ++v) {
          if (v > 0) s += ",";
          s += rng() % 12 == 0 ? bad[rng() % bad.size()] : good[rng() % good.size()];
          if (rng() % 30 == 0) s += bad[rng() % bad.size()];
        }
        s += ")";
      }
      if (rng() % 3 == 0) s.resize(rng() % (s.size() + 1));  // cut anywhere
      size_t pos = 0;
      const size_t tuples = SkimTuples(*d, s, &pos);
      CAPTURE(s);
      TupleScanState st;
      st.commas = false;
      size_t q = 0;
      for (size_t t = 0; t < tuples; ++t) {
        REQUIRE(s[q] == ',');
        ++q;
        const size_t open = q;
        REQUIRE(ScanTuples(*d, &st, s, &q, false) == TupleEvent::kOpen);
        REQUIRE(q == open + 1);
        REQUIRE(ScanTuples(*d, &st, s, &q, false) == TupleEvent::kClose);
      }
      CHECK(q == pos);
      passed += tuples;
      if (pos < s.size()) ++stopped_early;
    }
    CHECK(passed > 1000);
    CHECK(stopped_early > 1000);
  }
}

TEST_CASE("the framer's skim stops at what it cannot read alone") {
  auto skim = [](const SqlDialect& d, std::string_view s) {
    size_t pos = 0;
    const size_t n = SkimTuples(d, s, &pos);
    return std::to_string(n) + "@" + std::to_string(pos);
  };
  const SqlDialect& my = MySqlDialect();
  CHECK(skim(my, ",(1,'a'),(2,'b\\'c'),(3,'d''e');") == "3@30");
  CHECK(skim(my, ",(1,'a'),(2,/* c */'b')") == "1@8");   // a comment
  CHECK(skim(my, ",(1,'a'),(2,\"b\")") == "1@8");        // another quote
  CHECK(skim(my, ",(1,'a'),(2,-- c\n'b')") == "1@8");     // "--"
  CHECK(skim(my, ",(1,-2),(2,CONCAT('a'))") == "1@7");  // a '(' inside
  CHECK(skim(my, ",(1,'a'),(2,'b") == "1@8");            // cut inside a literal
  CHECK(skim(my, ",(1,'a'),(2,'b'") == "1@8");           // a quote that may be doubled
  CHECK(skim(my, ",(1,'a\\") == "0@0");                  // an escape cut by the end
  CHECK(skim(PostgresDialect(true), ",(1,'a\\'),(2,E'b')") == "1@9");  // standard strings; E''
  CHECK(skim(SqliteDialect(), ",(1,'a'),(2,[b])") == "1@8");
}

TEST_CASE("SQLite: quoted names in brackets and backquotes, '' inside strings") {
  CHECK(Events(SqliteDialect(), "(1,'it''s',[a)b],`c)d`,\"e)f\")", 29) == "open@1 comma@3 comma@11 comma@17 comma@23 close@29 end");
}

std::string Decode(const SqlDialect& d, std::string_view text, SqlValue::Kind* kind = nullptr) {
  SqlValue v;
  std::string out;
  absl::Status s = DecodeValue(d, text, &v, &out);
  if (!s.ok()) return "ERROR: " + std::string(s.message());
  if (kind != nullptr) *kind = v.kind;
  if (v.kind == SqlValue::Kind::kNull) return "NULL";
  if (v.kind == SqlValue::Kind::kDefault) return "DEFAULT";
  return out;
}

TEST_CASE("decoding values: MySQL escapes, introducers, hex and bit literals") {
  const SqlDialect& m = MySqlDialect();
  CHECK(Decode(m, "'O\\'Hara'") == "O'Hara");
  CHECK(Decode(m, "'ends with backslash\\\\'") == "ends with backslash\\");
  CHECK(Decode(m, "'\\\\\\',still inside'") == "\\',still inside");
  CHECK(Decode(m, "'a\\0b\\bc\\nd\\re\\tf\\Zg\\\"h\\\\i\\%j\\_k\\ql'") ==
        std::string("a\0b\bc\nd\re\tf\x1ag\"h\\i\\%j\\_kql", 25));
  CHECK(Decode(m, "'It''s'") == "It's");
  CHECK(Decode(m, "''") == "");
  CHECK(Decode(m, "\"dq \\\" \"\" x\"") == "dq \" \" x");
  CHECK(Decode(m, "_binary 'ab\\0\\n\\'\\\\cd'") == std::string("ab\0\n'\\cd", 8));
  CHECK(Decode(m, "_utf8mb4'x' COLLATE utf8mb4_bin") == "x");
  CHECK(Decode(m, "0x68656C6c6f") == "hello");
  CHECK(Decode(m, "0xABC") == "\x0a\xbc");
  CHECK(Decode(m, "X'4142'") == "AB");
  CHECK(Decode(m, "b'0101'") == "0101");
  CHECK(Decode(m, "NULL") == "NULL");
  CHECK(Decode(m, "null") == "NULL");
  SqlValue::Kind k;
  CHECK(Decode(m, "-1.5e300", &k) == "-1.5e300");
  CHECK(k == SqlValue::Kind::kNumber);
  CHECK(Decode(m, "'a' 'b'").rfind("ERROR", 0) == 0);  // adjacent literals: not read
  CHECK(Decode(m, "CONCAT('a')").rfind("ERROR", 0) == 0);
}

TEST_CASE("decoding values: PostgreSQL and SQLite") {
  const SqlDialect& on = PostgresDialect(true);
  CHECK(Decode(on, "'C:\\temp\\'") == "C:\\temp\\");
  CHECK(Decode(on, "'quote''s \"dq\"'") == "quote's \"dq\"");
  CHECK(Decode(on, "E'a\\nb\\tc\\\\d\\'e\\x41\\101\\u00e9'") == "a\nb\tc\\d'eAA\xc3\xa9");
  CHECK(Decode(PostgresDialect(false), "'a\\\\b\\'c'") == "a\\b'c");
  CHECK(Decode(on, "DEFAULT") == "DEFAULT");
  CHECK(Decode(on, "true") == "true");
  CHECK(Decode(on, "B'1010'") == "1010");
  CHECK(Decode(on, "'2024-01-01'::date") == "2024-01-01");
  const SqlDialect& s = SqliteDialect();
  CHECK(Decode(s, "'it''s'") == "it's");
  CHECK(Decode(s, "X'00ff0a27'") == std::string("\0\xff\n'", 4));
  CHECK(Decode(s, "replace(replace('line1\\nline2\\rcr\ttab\\back','\\r',char(13)),'\\n',char(10))") ==
        "line1\nline2\rcr\ttab\\back");
  CHECK(Decode(s, "unistr('a\\000ab\\u000dc\\\\d')") == "a\nb\rc\\d");
  CHECK(Decode(s, "'nul'||char(0)||'x'") == std::string("nul\0x", 5));
  CHECK(Decode(s, "1e999") == "1e999");
}

std::string Encode(const SqlDialect& d, std::string_view original, std::string_view replacement,
                   bool numeric = false, bool null = false) {
  SqlValue v;
  std::string decoded;
  REQUIRE(DecodeValue(d, original, &v, &decoded).ok());
  std::string out;
  EncodeValue(d, original, v, numeric, null ? Cell::Null() : Cell{replacement, false}, &out);
  return out;
}

TEST_CASE("encoding replacements keeps the original's form and escapes for the dialect") {
  const SqlDialect& m = MySqlDialect();
  CHECK(Encode(m, "'x'", std::string("O'Connell \\ \"q\"\n\r\0\x1a end", 23)) ==
        "'O\\'Connell \\\\ \\\"q\\\"\\n\\r\\0\\Z end'");
  CHECK(Encode(m, "_binary 'x'", "a'b") == "_binary 'a\\'b'");
  CHECK(Encode(m, "\"x\"", "a\"b") == "\"a\\\"b\"");
  CHECK(Encode(m, "'x' COLLATE utf8mb4_bin", "y") == "'y' COLLATE utf8mb4_bin");
  CHECK(Encode(m, "12", "34") == "34");
  CHECK(Encode(m, "12", "abc") == "'abc'");
  CHECK(Encode(m, "0x6869", "\x01\xff") == "0x01FF");
  CHECK(Encode(m, "0x6869", "") == "''");
  CHECK(Encode(m, "X'6869'", "A") == "X'41'");
  CHECK(Encode(m, "'x'", "", false, true) == "NULL");
  CHECK(Encode(m, "NULL", "42", true) == "42");   // a numeric column per the DDL
  CHECK(Encode(m, "NULL", "42", false) == "'42'");
  const SqlDialect& on = PostgresDialect(true);
  CHECK(Encode(on, "'x'", "O'Connell \\ n") == "'O''Connell \\ n'");
  CHECK(Encode(PostgresDialect(false), "'x'", "a\\b'c") == "'a\\\\b''c'");
  CHECK(Encode(on, "E'x'", "a\\b'c") == "E'a\\\\b''c'");
  CHECK(Encode(on, "DEFAULT", "zz") == "DEFAULT");
  CHECK(Encode(on, "true", "false") == "false");
  CHECK(Encode(on, "B'1010'", "11") == "B'11'");
  const SqlDialect& s = SqliteDialect();
  CHECK(Encode(s, "'x'", "it's\nok") == "'it''s\nok'");
  CHECK(Encode(s, "'x'", std::string("a\0b", 3)) == "'a'||char(0)||'b'");
  CHECK(Encode(s, "replace('a\\nb','\\n',char(10))", "z") == "'z'");
  CHECK(Encode(s, "X'00'", "AB") == "X'4142'");
}

TEST_CASE("encode then decode gives the bytes back, in every dialect") {
  std::mt19937 rng(42);
  const SqlDialect* dialects[] = {&MySqlDialect(), &PostgresDialect(true), &PostgresDialect(false), &SqliteDialect()};
  const std::string alphabet = std::string("ab'\"\\\n\r\t%_\x1a\0;,()-/*#$`[]", 24) + "\xc3\xa9";
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    size_t len = rng() % 48;  // past 16 bytes: the SIMD fast paths
    for (size_t i = 0; i < len; ++i) value.push_back(alphabet[rng() % alphabet.size()]);
    for (const SqlDialect* d : dialects) {
      if (d->postgres() && value.find('\0') != std::string::npos) continue;  // PostgreSQL text has no NUL
      std::string lit;
      AppendStringLiteral(*d, value, &lit);
      SqlValue v;
      std::string back;
      REQUIRE(DecodeValue(*d, lit, &v, &back).ok());
      CHECK(back == value);
      // And the literal is one value to the scanner.
      std::string tuple = "(" + lit + ",1)";
      TupleScanState st;
      size_t pos = 0;
      CHECK(ScanTuples(*d, &st, tuple, &pos, true) == TupleEvent::kOpen);
      CHECK(ScanTuples(*d, &st, tuple, &pos, true) == TupleEvent::kComma);
      CHECK(pos == lit.size() + 2);
    }
  }
}

TEST_CASE("a byte to escape is escaped at every position of a MySQL string of every length up to 40") {
  // AppendEscaped tests 16 bytes at a time and the last ones in a padded copy.
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char c : {'\'', '"', '\\', '\n', '\r', '\0', '\x1a'}) {
        std::string value(len, 'x');
        value[at] = c;
        std::string lit;
        AppendStringLiteral(MySqlDialect(), value, &lit);
        CHECK(lit.size() == len + 3);
        SqlValue v;
        std::string back;
        REQUIRE(DecodeValue(MySqlDialect(), lit, &v, &back).ok());
        CHECK(back == value);
      }
    }
    std::string lit;
    AppendStringLiteral(MySqlDialect(), std::string(len, '('), &lit);
    std::string want(len + 2, '(');
    want.front() = want.back() = '\'';
    CHECK(lit == want);
  }
}

TEST_CASE("encode then decode gives the bytes back in sjis, gbk and big5, 0x5C second bytes and lone first bytes") {
  std::mt19937 rng(7);
  // Characters whose second byte is ASCII (0x5C, 0x60, 0x27 is never one),
  // SJIS one-byte katakana, ASCII bytes that are escaped.
  const std::vector<std::string> whole = {"\x95\\", "\x83`", "\x81\\", "\xa4\\", "\xb1", "a", "'", "\"", "\\", "\n", "%",
                                          std::string(1, '\0')};
  // MySQL: first bytes with no valid second byte after them (mysqldump escapes them).
  const std::vector<std::string> lone = {"\x95", "\xfd", "\x81", "\xa1"};
  const SqlDialect* dialects[] = {&MySqlDialect(false, true, MultibyteRule::kMySqlSjis),
                                  &MySqlDialect(false, true, MultibyteRule::kMySqlGbk),
                                  &MySqlDialect(false, true, MultibyteRule::kMySqlBig5),
                                  &PostgresDialect(false, MultibyteRule::kPgSjis),
                                  &PostgresDialect(true, MultibyteRule::kPgSjis)};
  for (int round = 0; round < 2000; ++round) {
    for (const SqlDialect* d : dialects) {
      std::string value;
      const size_t units = rng() % 24;
      for (size_t i = 0; i < units; ++i) {
        const bool use_lone = d->mysql() && rng() % 5 == 0;
        const std::string& u = use_lone ? lone[rng() % lone.size()] : whole[rng() % whole.size()];
        if (d->postgres() && (u[0] == '\0' || (static_cast<unsigned char>(u[0]) == 0xa4))) continue;
        value += u;
      }
      CAPTURE(value);
      std::string lit;
      AppendStringLiteral(*d, value, &lit);
      SqlValue v;
      std::string back;
      REQUIRE(DecodeValue(*d, lit, &v, &back).ok());
      CHECK(back == value);
      std::string tuple = "(" + lit + ",1)";
      TupleScanState st;
      size_t pos = 0;
      CHECK(ScanTuples(*d, &st, tuple, &pos, true) == TupleEvent::kOpen);
      CHECK(ScanTuples(*d, &st, tuple, &pos, true) == TupleEvent::kComma);
      CHECK(pos == lit.size() + 2);
    }
  }
}

TEST_CASE("tuples in sjis: a 0x5C second byte does not escape the quote, at every chunk size") {
  const SqlDialect& sjis = MySqlDialect(false, true, MultibyteRule::kMySqlSjis);
  const std::string input = "(1,'\x95\\','\x83\\\\'',`\x83` x`),(2,'\xfd\\\\\\\x81\\'') ;";
  const std::string want = Events(sjis, input, input.size());
  CHECK(want == "open@1 comma@3 comma@8 comma@15 close@22 outer@22 open@24 comma@26 close@36 outer@37");
  for (size_t chunk = 1; chunk < input.size(); ++chunk) {
    CAPTURE(chunk);
    CHECK(Events(sjis, input, chunk) == want);
  }
}

using testing::Const;
using testing::Wrap;

std::string Rewrite(const SqlDialect& d, const RowPlan& plan, std::string_view rows, absl::Status* status = nullptr) {
  Scratch scratch;
  std::string out;
  absl::Status s = InsertTupleRewriter(d)->Rewrite(plan, rows, 7, 30, &out, scratch);
  if (status != nullptr) *status = s;
  if (!s.ok()) return "ERROR: " + std::string(s.message());
  return out;
}

RowPlan PlanOf(std::vector<std::string> columns, const std::vector<std::pair<size_t, const Anonymizer*>>& steps) {
  RowPlan plan;
  plan.table = TableName{"", "t"};
  plan.num_columns = columns.size();
  plan.column_names = std::move(columns);
  plan.configured.assign(plan.num_columns, false);
  for (auto [col, a] : steps) {
    plan.steps.push_back(RowPlan::Step{a, {col}});
    plan.configured[col] = true;
  }
  return plan;
}

TEST_CASE("the tuple rewriter changes only configured values, byte for byte elsewhere") {
  auto wrap = Wrap("name");
  RowPlan plan = PlanOf({"id", "name", "body"}, {{1, wrap.get()}});
  const SqlDialect& m = MySqlDialect();
  CHECK(Rewrite(m, plan, "(1,'O\\'Hara & Sons','it\\'s \\\"quoted\\\", (ok)'),(2,'plain','x'),\n(3,NULL,'z')") ==
        "(1,'<O\\'Hara & Sons>','it\\'s \\\"quoted\\\", (ok)'),(2,'<plain>','x'),\n(3,NULL,'z')");
  CHECK(Rewrite(m, plan, "( 1 , /* c */ 'a'  ,\n 'b' )") == "( 1 , /* c */ '<a>'  ,\n 'b' )");
  auto keep = std::make_unique<testing::FnAnonymizer>("name", [](std::string_view v) { return std::string(v); });
  RowPlan kept = PlanOf({"id", "name", "body"}, {{1, keep.get()}});
  CHECK(Rewrite(m, kept, "(1,_binary 'a\\Z\\%',2)") == "(1,_binary 'a\\Z\\%',2)");  // unchanged: same text
  absl::Status s;
  std::string err = Rewrite(m, plan, "(1,'SECRET',2),\n  (2,'SECRET')", &s);
  CHECK(s.code() == absl::StatusCode::kDataLoss);
  CHECK(err == "ERROR: 8:3: tuple of table t has 2 values, expected 3");
  err = Rewrite(m, plan, "(1,CONCAT('SECRET'),2)", &s);
  CHECK(err == "ERROR: 7:33: column name of table t: an expression dbanon cannot read (only literals are rewritten)");
}

TEST_CASE("the one-pass tuple reader agrees with the general one, tuple for tuple, in every dialect") {
  // InsertValuesRewriter reads a bare run of values with the general path
  // (ScanTuples, Trim, DecodeValue); the tuple rewriter reads the common
  // shapes in one pass and falls back to the general path on the others.
  // Both must give the same bytes for any mix of shapes, in groups.
  auto wrap0 = Wrap("a");
  auto wrap2 = Wrap("c");
  RowPlan plan = PlanOf({"a", "b", "c", "d"}, {{0, wrap0.get()}, {2, wrap2.get()}});
  const std::vector<std::string> common = {
      "1",     "-2.5",  "NULL", "'plain'", "''",  "'it''s'",     "'a,b)c('",  " 'sp' ",     "'x'  ", "\n'nl'",
      "'k' ", "'1e5'", "12",   "DEFAULT", "1e+5", "'tab\there'", "'q'''",     "''''",       "/* c */ 'k'",
      "'two'' ''q'"};
  struct Case {
    const SqlDialect* d;
    std::vector<std::string> extra;
  };
  const std::vector<Case> cases = {
      {&MySqlDialect(),
       {"'a\\'b'", "'back\\\\'", "_binary 'z'", "'\\\\'", "\"dq\"", "b'01'", "X'41'", "0x4142", "'c\\n\\0'",
        "# h\n'k'", "-- h\n'k'", "'--'"}},
      {&MySqlDialect(false, false), {"'a\\b'", "'\\'", "_utf8mb4'z'", "0x41"}},
      {&MySqlDialect(true, true), {"'a\\'b'", "'\\\\'"}},
      {&PostgresDialect(true), {"E'a\\nb'", "'x'::text", "true", "'a\\b'", "-- h\n'k'"}},
      {&PostgresDialect(false), {"'a\\'b'", "'\\\\'", "E'\\x41'"}},
      {&SqliteDialect(), {"X'41'", "'a\\b'"}},
  };
  std::mt19937 rng(16);
  for (const Case& c : cases) {
    std::vector<std::string> pieces = common;
    pieces.insert(pieces.end(), c.extra.begin(), c.extra.end());
    std::string rows, want;
    for (int t = 0; t < 300; ++t) {
      std::string values;
      for (int v = 0; v < 4; ++v) {
        if (v > 0) values += rng() % 5 == 0 ? " , " : ",";
        values += pieces[rng() % pieces.size()];
      }
      Scratch scratch;
      std::string out;
      absl::Status s = InsertValuesRewriter(*c.d)->Rewrite(plan, values, 1, 1, &out, scratch);
      REQUIRE_MESSAGE(s.ok(), values, ": ", s.message());
      const std::string sep = t == 0 ? "" : rng() % 4 == 0 ? " ,\n" : ",";
      rows += sep + "(" + values + ")";
      want += sep + "(" + out + ")";
    }
    CAPTURE(rows);
    CHECK(Rewrite(*c.d, plan, rows) == want);
  }
}

TEST_CASE("every replacement is written as EncodeValue writes it, with or without a byte to escape, in every dialect") {
  // The tuple rewriter writes a replacement that holds no byte to escape
  // (NeedsNoEscape) without EncodeValue: the bytes must be the same.
  const std::vector<std::string> reps = {"plain", "", "Ren\xc3\xa9", "O'Brien", "a\"b", "back\\slash", "tab\there",
                                         std::string("nul\0x", 5), "sp ace", "1965-02-01", "x@y.z", "(paren)",
                                         "\x1a", "0123456789abcdefXYZ", "semi;colon"};
  auto pick = std::make_unique<testing::FnAnonymizer>("name", [&](std::string_view v) {
    return reps[static_cast<size_t>(std::stoi(std::string(v.substr(1)))) % reps.size()];
  });
  RowPlan plan = PlanOf({"id", "name"}, {{1, pick.get()}});
  for (const SqlDialect* d : {&MySqlDialect(), &MySqlDialect(false, false), &MySqlDialect(true, true),
                              &PostgresDialect(true), &PostgresDialect(false), &SqliteDialect()}) {
    std::string rows, want;
    for (size_t i = 0; i < 2 * reps.size(); ++i) {
      const std::string literal = "'k" + std::to_string(i) + "'";
      SqlValue v;
      std::string decoded;
      REQUIRE(DecodeValue(*d, literal, &v, &decoded).ok());
      std::string encoded;
      EncodeValue(*d, literal, v, false, Cell{reps[i % reps.size()], false}, &encoded);
      const std::string sep = i == 0 ? "" : ",";
      rows += sep + "(" + std::to_string(i) + "," + literal + ")";
      want += sep + "(" + std::to_string(i) + "," + encoded + ")";
    }
    CHECK(Rewrite(*d, plan, rows) == want);
  }
}

TEST_CASE("the one-pass tuple reader leaves errors to the general path: same message, same position") {
  auto wrap = Wrap("name");
  RowPlan plan = PlanOf({"id", "name", "body"}, {{1, wrap.get()}});
  const SqlDialect& m = MySqlDialect();
  CHECK(Rewrite(m, plan, "(1,abc,2)") ==
        "ERROR: 7:33: column name of table t: an expression dbanon cannot read (only literals are rewritten)");
  CHECK(Rewrite(m, plan, "(1,'a',2),(2,'b',3,4)") == "ERROR: 7:40: tuple of table t has 4 values, expected 3");
  CHECK(Rewrite(m, plan, "(1,'a',2),(2,,3)") == "ERROR: 7:43: empty value in a tuple of table t");
  CHECK(Rewrite(m, plan, "(1,'a',2),(2,'b") == "ERROR: 7:40: unterminated tuple of table t");
  // sakila's address.location sits in a versioned comment: a value outside
  // it is refused by the general path, not read in one pass.
  auto name = Wrap("name");
  RowPlan sakila = PlanOf({"id", "location", "name"}, {{2, name.get()}});
  sakila.column_info.resize(3);
  sakila.column_info[1].version = 50705;
  CHECK(Rewrite(m, sakila, "(1,/*!50705 0x00,*/'a'),(2,/*!50705 0x00,*/'b')") ==
        "(1,/*!50705 0x00,*/'<a>'),(2,/*!50705 0x00,*/'<b>')");
  CHECK(Rewrite(m, sakila, "(1,/*!50705 0x00,*/'a'),(2,0x00,'b')") ==
        "ERROR: 7:57: value 2 of a tuple of table t is outside any versioned comment but its column location is "
        "declared inside a versioned comment /*!50705 ... */: servers that skip the comment would read the values "
        "into other columns");
}

TEST_CASE("replacements in numeric columns stay bare; NULL output is NULL; DEFAULT stays") {
  auto num = Const("n", "42");
  auto null_out = std::make_unique<testing::NullOut>("s");
  RowPlan plan = PlanOf({"n", "s"}, {{0, num.get()}, {1, null_out.get()}});
  CHECK(Rewrite(PostgresDialect(true), plan, "(7, 'x'), (NULL, NULL), (DEFAULT, 'y')") ==
        "(42, NULL), (NULL, NULL), (DEFAULT, NULL)");
  plan.column_info.resize(2);
  plan.column_info[0].numeric = true;
  auto always = std::make_unique<testing::FnAnonymizer>("n", [](std::string_view) { return "5"; });
  RowPlan p2 = PlanOf({"n", "s"}, {{0, always.get()}});
  CHECK(Rewrite(MySqlDialect(), p2, "(1,'a'),('2','b'),(0x01,'c')") == "(5,'a'),('5','b'),(0x35,'c')");
}

TEST_CASE("an ENUM column rejects anonymizer outputs that are not labels") {
  auto c = Const("status", "free text");
  RowPlan plan = PlanOf({"id", "status"}, {{1, c.get()}});
  plan.column_info.resize(2);
  plan.column_info[1].enum_labels = {"active", "on leave, paid"};
  absl::Status s;
  Rewrite(MySqlDialect(), plan, "(1,'active')", &s);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  auto ok = Const("status", "on leave, paid");
  RowPlan good = PlanOf({"id", "status"}, {{1, ok.get()}});
  good.column_info = plan.column_info;
  CHECK(Rewrite(MySqlDialect(), good, "(1,'active')") == "(1,'on leave, paid')");
}

TEST_CASE("a multi-column step sees all its values; the values rewriter takes a bare run of values") {
  testing::SwapPair swap("a", "c");
  RowPlan plan;
  plan.table = TableName{"", "t"};
  plan.num_columns = 3;
  plan.column_names = {"a", "b", "c"};
  plan.configured = {true, false, true};
  plan.steps.push_back(RowPlan::Step{&swap, {0, 2}});
  CHECK(Rewrite(MySqlDialect(), plan, "('x',1,'y')") == "('y',1,'x')");
  Scratch scratch;
  std::string out;
  REQUIRE(InsertValuesRewriter(MySqlDialect())->Rewrite(plan, " 'x' , 1,'y'", 1, 1, &out, scratch).ok());
  CHECK(out == " 'y' , 1,'x'");
}

}  // namespace
}  // namespace dbanon
