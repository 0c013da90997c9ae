// pg_dump --inserts, --column-inserts and --rows-per-insert through
// PgPlainFramer (docs/formats.md A.4), and truncated tables in COPY dumps.
#include <doctest/doctest.h>

#include <string>

#include "base/exit_class.h"
#include "parsers/pg_plain_framer.h"
#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

using testing::Const;
using testing::FrameAndRewrite;
using testing::Run;
using testing::TestResolver;
using testing::Wrap;

Run Pg(TestResolver& r, std::string_view dump, size_t chunk = 0) {
  PgPlainFramer framer(&r);
  return FrameAndRewrite(framer, dump, chunk == 0 ? dump.size() + 1 : chunk);
}

const TableName kPosts{"public", "posts"};

TEST_CASE("values spanning lines, -- and ; inside strings, a backslash before the quote (case P04)") {
  const std::string dump =
      "SET standard_conforming_strings = on;\n"
      "INSERT INTO public.posts (id, body, author) VALUES (1, 'First paragraph.\n\n"
      "-- not a comment, still inside the string;\nSecond paragraph ends with a semicolon;\n', 'writer-01');\n"
      "INSERT INTO public.posts (id, body, author) VALUES (2, 'C:\\temp\\', 'writer-02');\n";
  std::string expected = dump;
  expected.replace(expected.find("'writer-01'"), 11, "'<writer-01>'");
  expected.replace(expected.find("'writer-02'"), 11, "'<writer-02>'");
  for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(kPosts, Wrap("author"));
    Run run = Pg(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == expected);
    CHECK(r.rows_["public.posts"] == 2);
  }
}

// pg_dump output with every INSERT mode (docs/formats.md A.4, real samples).
const char kSchema[] =
    "SET standard_conforming_strings = on;\n"
    "CREATE TABLE public.plain (\n    id integer NOT NULL,\n    t text,\n    n numeric(10,2),\n"
    "    g integer GENERATED ALWAYS AS ((id * 2)) STORED,\n    CONSTRAINT plain_check CHECK ((id > 0))\n);\n"
    "CREATE TABLE public.ident (\n    id integer NOT NULL,\n    v text\n);\n"
    "ALTER TABLE public.ident ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME public.ident_id_seq\n);\n"
    "CREATE TABLE public.child (\n    extra text\n)\nINHERITS (public.plain);\n"
    "CREATE FUNCTION public.f() RETURNS void LANGUAGE plpgsql AS $_$\nBEGIN\n"
    "  INSERT INTO public.plain VALUES (1, 'in a body', 0, DEFAULT);\nEND;\n$_$;\n"
    "CREATE TABLE public.nocols (\n);\n";

TEST_CASE("--inserts: columns from CREATE TABLE, DEFAULT for generated columns, an unconfigured INHERITS child, DEFAULT VALUES") {
  const std::string dump = std::string(kSchema) +
                           "INSERT INTO public.plain VALUES (1, 'a''b', 12.30, DEFAULT);\n"
                           "INSERT INTO public.plain VALUES (2, NULL, NULL, DEFAULT);\n"
                           "INSERT INTO public.ident OVERRIDING SYSTEM VALUE VALUES (1, 'x');\n"
                           "INSERT INTO public.child VALUES (3, 'c', 1.5, DEFAULT, 'child own');\n"
                           "INSERT INTO public.nocols DEFAULT VALUES;\n"
                           "INSERT INTO public.nocols DEFAULT VALUES;\n";
  std::string expected = std::string(kSchema) +
                         "INSERT INTO public.plain VALUES (1, '<a''b>', 12.30, DEFAULT);\n"
                         "INSERT INTO public.plain VALUES (2, NULL, NULL, DEFAULT);\n"
                         "INSERT INTO public.ident OVERRIDING SYSTEM VALUE VALUES (1, '<x>');\n"
                         "INSERT INTO public.child VALUES (3, 'c', 1.5, DEFAULT, 'child own');\n"
                         "INSERT INTO public.nocols DEFAULT VALUES;\n"
                         "INSERT INTO public.nocols DEFAULT VALUES;\n";
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{17}, size_t{100}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(TableName{"public", "plain"}, Wrap("t"));
    r.Add(TableName{"public", "ident"}, Wrap("v"));
    r.Add(TableName{"public", "nocols"}, Wrap("nothing"));
    Run run = Pg(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == expected);
    CHECK(r.rows_["public.plain"] == 2);
    CHECK(r.rows_["public.nocols"] == 2);
    CHECK(r.blocks_["public.plain"] == 2);  // the INSERT in the function body is code
  }
}

TEST_CASE("--inserts without column lists into an INHERITS child or a partitioned root is refused when the order is unknown") {
  // pg_dump --inserts after ALTER TABLE person ADD COLUMN phone: employee's
  // values are (id, email, name, badge, phone), its CREATE TABLE says badge.
  const std::string inherits =
      "CREATE TABLE public.person (\n    id integer,\n    email text,\n    name text,\n    phone text\n);\n"
      "CREATE TABLE public.employee (\n    badge text\n)\nINHERITS (public.person);\n"
      "INSERT INTO public.employee VALUES (2, 'child@inh.example', 'Child', 'B-42', '+1 202 555 0111');\n";
  TestResolver r;
  r.Add(TableName{"public", "employee"}, Wrap("email"));
  Run child = Pg(r, inherits);
  CHECK(ExitClassOf(child.status) == ExitClass::kInput);
  CHECK(std::string(child.status.message()).find("11:1: table public.employee (configured column email): its INSERT "
                                                 "statement has no column list and it inherits") == 0);
  CHECK(std::string(child.status.message()).find("--column-inserts") != std::string::npos);
  CHECK(child.output.find("child@inh.example") == std::string::npos);
  // --column-inserts names the columns: read as always.
  TestResolver r2;
  r2.Add(TableName{"public", "employee"}, Wrap("email"));
  Run named = Pg(r2, "INSERT INTO public.employee (id, email, name, badge, phone) VALUES (2, 'c@x', 'C', 'B', 'p');\n");
  REQUIRE_MESSAGE(named.status.ok(), named.status.message());
  CHECK(named.output.find("'<c@x>'") != std::string::npos);

  // --load-via-partition-root: p1's values, in p1's order, into p.
  const std::string ddl =
      "CREATE TABLE public.p (\n    a text,\n    email text,\n    note text\n)\nPARTITION BY LIST (a);\n"
      "CREATE TABLE public.p1 (\n    a text,\n    note text,\n    email text\n);\n"
      "ALTER TABLE ONLY public.p ATTACH PARTITION public.p1 FOR VALUES IN ('x');\n";
  const std::string root = ddl + "INSERT INTO public.p VALUES ('x', 'hello', 'secret@pt.example');\n";
  for (size_t chunk : {size_t{1}, size_t{7}, root.size() + 1}) {
    CAPTURE(chunk);
    TestResolver rp;
    rp.Add(TableName{"public", "p"}, Wrap("email"));
    Run run = Pg(rp, root, chunk);
    CHECK(ExitClassOf(run.status) == ExitClass::kInput);
    CHECK(std::string(run.status.message()).find("13:1: table public.p (configured column email): its INSERT statement "
                                                 "has no column list and its partition public.p1 has other columns "
                                                 "or another column order") == 0);
    CHECK(run.output.find("secret@pt.example") == std::string::npos);
  }
  // Without --load-via-partition-root the rows go into p1, whose order the dump says.
  TestResolver rl;
  rl.Add(TableName{"public", "p1"}, Wrap("email"));
  Run leaf = Pg(rl, ddl + "INSERT INTO public.p1 VALUES ('x', 'hello', 'secret@pt.example');\n");
  REQUIRE_MESSAGE(leaf.status.ok(), leaf.status.message());
  CHECK(leaf.output.find("'<secret@pt.example>'") != std::string::npos);
  // Partitions at any depth with the root's order: read as always; a
  // sub-partition with another order is refused.
  const std::string same =
      "CREATE TABLE public.m (\n    a text,\n    email text\n)\nPARTITION BY LIST (a);\n"
      "CREATE TABLE public.m1 (\n    a text,\n    email text\n)\nPARTITION BY LIST (a);\n"
      "CREATE TABLE public.m11 (\n    a text,\n    email text\n);\n"
      "ALTER TABLE ONLY public.m ATTACH PARTITION public.m1 FOR VALUES IN ('x', 'y');\n"
      "ALTER TABLE ONLY public.m1 ATTACH PARTITION public.m11 FOR VALUES IN ('x');\n";
  TestResolver rs;
  rs.Add(TableName{"public", "m"}, Wrap("email"));
  Run ok = Pg(rs, same + "INSERT INTO public.m VALUES ('x', 's@x');\n");
  REQUIRE_MESSAGE(ok.status.ok(), ok.status.message());
  CHECK(ok.output.find("'<s@x>'") != std::string::npos);
  TestResolver rd;
  rd.Add(TableName{"public", "m"}, Wrap("email"));
  Run deep = Pg(rd, same +
                        "CREATE TABLE public.m12 (\n    email text,\n    a text\n);\n"
                        "ALTER TABLE ONLY public.m1 ATTACH PARTITION public.m12 FOR VALUES IN ('y');\n"
                        "INSERT INTO public.m VALUES ('x', 's@x');\n");
  CHECK(std::string(deep.status.message()).find("its partition public.m12 has other columns") != std::string::npos);
  CHECK(deep.output.find("s@x") == std::string::npos);
}

TEST_CASE("--inserts into a typed table (CREATE TABLE t OF type) read the composite type's attributes, at every chunk size") {
  // pg_dump.c dumpCompositeType, then dumpTableSchema's `OF type (col NOT NULL)`.
  const std::string schema =
      "CREATE TYPE public.person AS (\n\tid integer,\n\temail text,\n\tnote character varying(20)\n);\n"
      "CREATE TABLE public.users OF public.person (\n    id WITH OPTIONS NOT NULL\n);\n"
      "CREATE TABLE public.bare OF public.person;\n";
  const std::string dump = schema +
                           "INSERT INTO public.users VALUES (1, 'a@x', 'n');\n"
                           "INSERT INTO public.bare VALUES (2, 'b@x', 'm');\n";
  const std::string expected = schema +
                               "INSERT INTO public.users VALUES (1, 'a@x', '<n>');\n"
                               "INSERT INTO public.bare VALUES (2, 'b@x', '<m>');\n";
  for (size_t chunk : {size_t{1}, size_t{7}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(TableName{"public", "users"}, Wrap("note"));
    r.Add(TableName{"public", "bare"}, Wrap("note"));
    Run run = Pg(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == expected);
  }
  std::optional<TableDef> t = ParseCreateTable(PostgresDialect(true), "CREATE TABLE public.users OF public.person (\n"
                                                                      "    id WITH OPTIONS NOT NULL\n)");
  REQUIRE(t.has_value());
  CHECK(t->of_type == std::vector<std::string>{"public", "person"});
  REQUIRE(t->columns.size() == 1);
  CHECK(t->columns[0].not_null);
  CHECK_FALSE(ParseCreateCompositeType("CREATE TYPE public.mood AS ENUM ('sad', 'ok')").has_value());
  CHECK(AlteredCompositeType("ALTER TYPE public.person ADD ATTRIBUTE nick text CASCADE") ==
        std::vector<std::string>{"public", "person"});
  CHECK_FALSE(AlteredCompositeType("ALTER TYPE public.person OWNER TO postgres").has_value());
}

TEST_CASE("--rows-per-insert=3 and --column-inserts with a TAB before each tuple") {
  const std::string dump =
      "INSERT INTO \"we\"\"ird\".t1 (id, email) VALUES\n\t(1, 'a@example.invalid'),\n\t(2, 'tab\there\n"
      "newline\rcr\\backslash'),\n\t(3, NULL);\n"
      "INSERT INTO \"we\"\"ird\".t1 (id, email) VALUES\n\t(4, 'd') ON CONFLICT DO NOTHING;\n";
  const std::string expected =
      "INSERT INTO \"we\"\"ird\".t1 (id, email) VALUES\n\t(1, '<a@example.invalid>'),\n\t(2, '<tab\there\n"
      "newline\rcr\\backslash>'),\n\t(3, NULL);\n"
      "INSERT INTO \"we\"\"ird\".t1 (id, email) VALUES\n\t(4, '<d>') ON CONFLICT DO NOTHING;\n";
  for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(TableName{"we\"ird", "t1"}, Wrap("email"));
    Run run = Pg(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == expected);
    CHECK(r.rows_["\"we\"\"ird\".t1"] == 4);
  }
}

TEST_CASE("standard_conforming_strings off: backslashes escape, and replacements double them") {
  const std::string dump =
      "SET standard_conforming_strings = off;\nSET escape_string_warning = off;\n"
      "INSERT INTO public.posts (id, body) VALUES (1, 'it\\'s; \\\\ here');\n";
  TestResolver r;
  r.Add(kPosts, Const("body", "new\\val'ue"));
  Run run = Pg(r, dump);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output ==
        "SET standard_conforming_strings = off;\nSET escape_string_warning = off;\n"
        "INSERT INTO public.posts (id, body) VALUES (1, 'new\\\\val''ue');\n");
}

TEST_CASE("an INSERT without a column list and no CREATE TABLE is an error for a configured table only") {
  TestResolver r;
  r.Add(kPosts, Wrap("author"));
  Run bad = Pg(r, "\n\nINSERT INTO public.posts VALUES (1, 'SECRET');\n");
  CHECK(ExitClassOf(bad.status) == ExitClass::kInput);  // malformed input: exit 3
  CHECK(std::string(bad.status.message()).find("3:1: table public.posts is configured but its INSERT statement "
                                               "has no column list") == 0);
  TestResolver r2;
  Run fine = Pg(r2, "INSERT INTO public.posts VALUES (1, 'x');\n");
  CHECK(fine.status.ok());
  TestResolver r3;
  r3.Add(kPosts, Wrap("author"));
  Run select = Pg(r3, "INSERT INTO public.posts SELECT * FROM x;\n");
  CHECK(select.status.code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("truncated tables: INSERT statements are dropped, COPY blocks keep header and terminator") {
  const std::string dump =
      "INSERT INTO public.posts (id) VALUES (1);\n"
      "INSERT INTO public.other (id) VALUES (1);\n"
      "INSERT INTO public.posts VALUES\n\t(2),\n\t(3) ON CONFLICT DO NOTHING;\n"
      "COPY public.posts (id, body) FROM stdin;\n1\tsecret\n2\tsecret too\n\\.\n"
      "INSERT INTO public.posts DEFAULT VALUES;\n"
      "SELECT 1;\n";
  for (size_t chunk : {size_t{1}, size_t{4}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver r;
    r.Truncate(kPosts);
    Run run = Pg(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output ==
          "INSERT INTO public.other (id) VALUES (1);\n"
          "COPY public.posts (id, body) FROM stdin;\n\\.\n"
          "SELECT 1;\n");
    CHECK(r.rows_["public.posts"] == 6);
  }
}

TEST_CASE("a cut-off INSERT is an error naming the table and its first line (case P25)") {
  TestResolver r;
  r.Add(kPosts, Wrap("author"));
  Run run = Pg(r, "SELECT 1;\nINSERT INTO public.posts (id, author) VALUES (1, 'SECRET'), (2, 'SEC");
  CHECK(run.status.code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(run.status.message()) ==
        "2:69: unexpected end of input inside a string literal of table public.posts (INSERT statement started at "
        "line 2)");
  TestResolver r2;
  r2.Add(kPosts, Wrap("author"));
  // No ';' at the end: psql would run it, but a dump cut there may have lost
  // text that was data (an unterminated statement is an error).
  Run last = Pg(r2, "INSERT INTO public.posts (id, author) VALUES (1, 'SECRET')");
  CHECK(last.status.code() == absl::StatusCode::kDataLoss);
  CHECK(std::string(last.status.message()) ==
        "1:59: unexpected end of input inside a statement (started at line 1)");
  TestResolver r3;
  r3.Add(kPosts, Wrap("author"));
  Run complete = Pg(r3, "INSERT INTO public.posts (id, author) VALUES (1, 'x');");  // no newline: complete
  REQUIRE(complete.status.ok());
  CHECK(complete.output == "INSERT INTO public.posts (id, author) VALUES (1, '<x>');");
}

// Issue 15, item 1: a dump that went through Windows or `docker exec -t`.
TEST_CASE("COPY rows ending in CR LF are rewritten and keep CR LF, as psql reads them") {
  const std::string dump =
      "SET client_encoding = 'UTF8';\r\n"
      "COPY public.t (id, email) FROM stdin;\r\n"
      "1\ta@example.invalid\r\n"
      "2\t\\N\r\n"
      "3\tb\\tc@example.invalid\r\n"
      "\\.\r\n";
  for (size_t chunk : {size_t{1}, size_t{3}, dump.size() + 1}) {
    TestResolver r;
    r.Add(TableName{"public", "t"}, Wrap("email"));
    PgPlainFramer framer(&r);
    Run run = FrameAndRewrite(framer, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output ==
          "SET client_encoding = 'UTF8';\r\n"
          "COPY public.t (id, email) FROM stdin;\r\n"
          "1\t<a@example.invalid>\r\n"
          "2\t\\N\r\n"
          "3\t<b\\tc@example.invalid>\r\n"
          "\\.\r\n");
  }
}

TEST_CASE("a COPY block whose rows mix LF and CR LF endings is refused at the first row that differs, as COPY does") {
  for (const char* rows : {"1\ta@example.invalid\r\n2\tb@example.invalid\n", "1\ta@example.invalid\n2\tb@example.invalid\r\n"}) {
    const std::string dump = std::string("COPY public.t (id, email) FROM stdin;\n") + rows + "\\.\n";
    TestResolver r;
    r.Add(TableName{"public", "t"}, Wrap("email"));
    PgPlainFramer framer(&r);
    Run run = FrameAndRewrite(framer, dump, dump.size() + 1);
    REQUIRE_FALSE(run.status.ok());
    CHECK(std::string(run.status.message()).rfind("3:", 0) == 0);
    CHECK(std::string(run.status.message()).find("mixed line endings") != std::string::npos);
    CHECK(std::string(run.status.message()).find("b@example") == std::string::npos);
  }
}

}  // namespace
}  // namespace dbanon
