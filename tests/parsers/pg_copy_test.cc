#include "parsers/pg_copy.h"

#include <doctest/doctest.h>

#include "tests/parsers/insert_test_util.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dbanon {
namespace {

std::string Unescape(std::string_view raw) {
  std::string out;
  CopyUnescape(raw, &out);
  return out;
}

std::string Escape(std::string_view value) {
  std::string out;
  CopyEscape(value, &out);
  return out;
}

TEST_CASE("a byte to escape is escaped at every position of a value of every length up to 40") {
  // CopyEscape tests 16 bytes at a time and the last ones in a padded copy.
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char c : {'\\', '\n', '\r', '\t', '\b', '\f', '\v'}) {
        std::string value(len, 'x');
        value[at] = c;
        const std::string escaped = Escape(value);
        CHECK(escaped.size() == len + 1);
        CHECK(Unescape(escaped) == value);
      }
    }
    CHECK(Escape(std::string(len, 'x')) == std::string(len, 'x'));
    CHECK(Escape(std::string(len, '\x01')) == std::string(len, '\x01'));  // below \b: no escape
  }
}

TEST_CASE("every escape of the COPY text format decodes to its byte") {
  CHECK(Unescape("\\b\\f\\n\\r\\t\\v\\\\") == "\b\f\n\r\t\v\\");
  CHECK(Unescape("a\\101b") == "aAb");           // octal, three digits
  CHECK(Unescape("\\0") == std::string(1, '\0'));  // octal, one digit
  CHECK(Unescape("\\12x") == "\nx");              // octal, two digits
  CHECK(Unescape("\\1234") == "S4");              // at most three octal digits
  CHECK(Unescape("\\x41\\x4a\\x7") == "AJ\x07");  // hex, one or two digits
  CHECK(Unescape("\\x4142") == "A42");            // at most two hex digits
  CHECK(Unescape("\\xg") == "xg");                // \x without digits is x
  CHECK(Unescape("\\.") == ".");                  // any other byte stands for itself
  CHECK(Unescape("\\N") == "N");                  // only the whole field \N is NULL
  CHECK(Unescape("plain text") == "plain text");
}

TEST_CASE("escape then unescape gives back every byte 0..255") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string escaped = Escape(all);
  CHECK(escaped.find('\t') == std::string::npos);
  CHECK(escaped.find('\n') == std::string::npos);
  CHECK(escaped.find('\r') == std::string::npos);
  CHECK(Unescape(escaped) == all);
  for (int i = 0; i < 256; ++i) {
    std::string one(1, static_cast<char>(i));
    CHECK(Unescape(Escape(one)) == one);
    std::string pair = one + "\\" + one;
    CHECK(Unescape(Escape(pair)) == pair);
  }
}

TEST_CASE("escape writes what the server's COPY TO writes") {
  CHECK(Escape("tab\there\nnewline\rcr\\backslash") == "tab\\there\\nnewline\\rcr\\\\backslash");
  CHECK(Escape("bs\bff\fvt\v") == "bs\\bff\\fvt\\v");
  CHECK(Escape("\\.") == "\\\\.");
  CHECK(Escape("\\N") == "\\\\N");
  CHECK(Escape("caf\xc3\xa9 \x01\x7f") == "caf\xc3\xa9 \x01\x7f");
}

std::vector<std::string> Split(std::string_view row) {
  std::vector<std::string_view> fields;
  REQUIRE(SplitCopyRow(row, &fields));
  return std::vector<std::string>(fields.begin(), fields.end());
}

TEST_CASE("rows split at unescaped tabs only") {
  CHECK(Split("a\tb\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(Split("\t\t") == std::vector<std::string>{"", "", ""});
  CHECK(Split("a\\\tb\tc") == std::vector<std::string>{"a\\\tb", "c"});      // escaped TAB is data
  CHECK(Split("a\\\\\tb") == std::vector<std::string>{"a\\\\", "b"});        // escaped backslash, then TAB
  CHECK(Split("a\\\\\\\tb") == std::vector<std::string>{"a\\\\\\\tb"});     // backslash pair + escaped TAB
  CHECK(Split("") == std::vector<std::string>{""});
  std::vector<std::string_view> fields;
  CHECK_FALSE(SplitCopyRow("abc\\", &fields));  // unpaired backslash at the end
  CHECK(SplitCopyRow("abc\\\\", &fields));
}

TEST_CASE("COPY headers: quoted names, column lists, and statements that are not data") {
  auto h = ParseCopyHeader("COPY public.\"Order Items\" (id, \"e.mail\", \"note, extra\", \"\"\"q\"\"\") FROM stdin;");
  REQUIRE(h.ok());
  REQUIRE(h->has_value());
  CHECK((*h)->Table() == TableName{"public", "Order Items"});
  CHECK((*h)->columns == std::vector<std::string>{"id", "e.mail", "note, extra", "\"q\""});
  CHECK((*h)->text_format);

  h = ParseCopyHeader("COPY \"my.schema\".\"user\"\"s\" (id, email) FROM stdin;");
  REQUIRE(h.ok());
  CHECK((*h)->Table() == TableName{"my.schema", "user\"s"});

  h = ParseCopyHeader("COPY public.nocols  FROM stdin;");
  REQUIRE(h.ok());
  REQUIRE(h->has_value());
  CHECK((*h)->columns.empty());
  CHECK_FALSE((*h)->has_column_list);

  h = ParseCopyHeader("copy Crm.\"Customer\" (\"eMail\", Email) from STDIN;");
  REQUIRE(h.ok());
  CHECK((*h)->Table() == TableName{"crm", "Customer"});
  CHECK((*h)->columns == std::vector<std::string>{"eMail", "email"});

  h = ParseCopyHeader("COPY public.\"evil\n\\.\nCOPY x FROM stdin;\" (\"col\nnl\") FROM stdin;");
  REQUIRE(h.ok());
  CHECK((*h)->Table() == TableName{"public", "evil\n\\.\nCOPY x FROM stdin;"});
  CHECK((*h)->columns == std::vector<std::string>{"col\nnl"});

  h = ParseCopyHeader("COPY t (a) FROM stdin WITH (FORMAT csv);");
  REQUIRE(h.ok());
  CHECK_FALSE((*h)->text_format);

  for (const char* not_data : {"COPY t TO stdout;", "COPY t FROM '/tmp/x';", "COPY (SELECT 1) TO stdout;",
                               "SELECT 1;", "COPY t FROM PROGRAM 'cat';"}) {
    h = ParseCopyHeader(not_data);
    REQUIRE(h.ok());
    CHECK_FALSE(h->has_value());
  }
  CHECK_FALSE(ParseCopyHeader("COPY public.\"unterminated (a) FROM stdin;").ok());
  for (const char* not_data : {"COPY t FROM E'/tmp/x';", "COPY t (a, b) TO stdout;", "COPY t FROM program 'cat';"}) {
    h = ParseCopyHeader(not_data);
    REQUIRE(h.ok());
    CHECK_FALSE(h->has_value());
  }
}

TEST_CASE("a damaged COPY header is an error, not a COPY that reads no data") {
  struct Case {
    const char* statement;
    const char* message;
  } cases[] = {
      {"COPY public.customer (id, email, F)OM stdin;", "expected FROM or TO in the COPY statement"},
      {"COPY public.customer (id, email) FRM stdin;", "expected FROM or TO in the COPY statement"},
      {"COPY public.customer (id, email) FROM stdn;", "expected STDIN, a file name or PROGRAM after FROM in the COPY statement"},
      {"COPY public.customer (id, email) FROM \"stdin\";",
       "expected STDIN, a file name or PROGRAM after FROM in the COPY statement"},
      {"COPY public.customer (id, email) FROM ;", "expected STDIN, a file name or PROGRAM after FROM in the COPY statement"},
      {"COPY public.customer (id, email, FROM stdin;", "expected ',' or ')' in the COPY column list"},
      {"COPY public.customer (id, 'email') FROM stdin;", "expected a column name in the COPY column list"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.statement);
    auto h = ParseCopyHeader(c.statement);
    REQUIRE_FALSE(h.ok());
    CHECK(h.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(h.status().message()) == c.message);
  }
}

TEST_CASE("COPY rows rewritten in groups give what one row at a time gives, errors at their own line") {
  auto wrap = testing::Wrap("name");
  auto swap = std::make_unique<testing::SwapPair>("a", "b");
  RowPlan plan;
  plan.table = TableName{"public", "t"};
  plan.num_columns = 5;
  plan.column_names = {"id", "name", "a", "note", "b"};
  plan.configured = {false, true, true, false, true};
  plan.steps.push_back(RowPlan::Step{wrap.get(), {1}});
  plan.steps.push_back(RowPlan::Step{swap.get(), {2, 4}});
  std::string rows, one_by_one;
  Scratch scratch;
  for (int i = 0; i < 200; ++i) {
    const std::string name = i % 9 == 0 ? std::string("\\N") : absl::StrCat("n\\t", i);
    const std::string b = i % 7 == 0 ? std::string("\\N") : absl::StrCat("b", i);
    std::string row = absl::StrCat(i, "\t", name, "\ta", i, "\tkeep\\\\me\t", b, "\n");
    rows += row;
    REQUIRE(RewriteCopyRows(plan, row, 1, &one_by_one, scratch).ok());
  }
  std::string grouped;
  REQUIRE(RewriteCopyRows(plan, rows, 1, &grouped, scratch).ok());
  CHECK(grouped == one_by_one);
  CHECK(grouped.substr(0, grouped.find('\n') + 1) == "0\t\\N\t\\N\tkeep\\\\me\ta0\n");
  // A row with too few fields in the third group: its own line.
  std::string bad = rows;
  size_t at = 0;
  for (int i = 0; i < 149; ++i) at = bad.find('\n', at) + 1;
  bad.insert(at, "x\n");
  std::string out;
  absl::Status s = RewriteCopyRows(plan, bad, 10, &out, scratch);
  CHECK(s.code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(s.message()) == "159:2: row of table public.t has 1 fields, expected 5");
}

TEST_CASE("COPY rows without a backslash are split 16 bytes at a time; rows with one as before") {
  // Fields of every length around the 16-byte blocks, some with escapes
  // (\N, \t, \\, an escaped TAB), checked against SplitCopyRow and
  // CopyUnescape field by field; rows rewritten together and one by one.
  auto wrap1 = testing::Wrap("b");
  auto wrap3 = testing::Wrap("d");
  RowPlan plan;
  plan.table = TableName{"public", "t"};
  plan.num_columns = 5;
  plan.column_names = {"a", "b", "c", "d", "e"};
  plan.configured = {false, true, false, true, false};
  plan.steps.push_back(RowPlan::Step{wrap1.get(), {1}});
  plan.steps.push_back(RowPlan::Step{wrap3.get(), {3}});
  const std::vector<std::string> escapes = {"\\N", "\\t", "\\\\", "\\\t", "x\\ny"};
  std::mt19937 rng(16);
  std::string rows, want, one_by_one;
  Scratch scratch;
  for (int i = 0; i < 500; ++i) {
    std::string row;
    for (int f = 0; f < 5; ++f) {
      if (f > 0) row += '\t';
      if (rng() % 6 == 0) {
        row += escapes[rng() % escapes.size()];
      } else {
        const size_t len = rng() % 40;
        for (size_t k = 0; k < len; ++k) row += static_cast<char>('a' + rng() % 26);
      }
    }
    const bool crlf = i % 50 == 49;
    std::vector<std::string_view> fields;
    REQUIRE(SplitCopyRow(row, &fields));
    REQUIRE(fields.size() == 5);
    std::string expected;
    for (size_t f = 0; f < 5; ++f) {
      if (f > 0) expected += '\t';
      if (!plan.configured[f] || fields[f] == "\\N") {
        expected += fields[f];
      } else {
        std::string wrapped = "<";  // not "<" + ... + ">": GCC 12 warns falsely (-Wrestrict) at -O3
        wrapped += Unescape(fields[f]);
        wrapped += '>';
        expected += Escape(wrapped);
      }
    }
    const std::string line = row + (crlf ? "\r\n" : "\n");
    rows += line;
    want += expected + (crlf ? "\r\n" : "\n");
    REQUIRE(RewriteCopyRows(plan, line, 1, &one_by_one, scratch).ok());
  }
  std::string grouped;
  REQUIRE(RewriteCopyRows(plan, rows, 1, &grouped, scratch).ok());
  CHECK(grouped == want);
  CHECK(one_by_one == want);
  // A row of too many fields among plain rows: refused at its own line and column.
  std::string out;
  absl::Status s = RewriteCopyRows(plan, "1\t2\t3\t4\t5\n1\t2\t3\t4\t5\t6\n", 3, &out, scratch);
  CHECK(std::string(s.message()) == "4:10: row of table public.t has 6 fields, expected 5");
}

}  // namespace
}  // namespace dbanon
