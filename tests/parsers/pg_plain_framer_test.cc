#include "parsers/pg_plain_framer.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/src/test_files.h"

namespace dbanon {
namespace {

// A resolver that configures the listed tables (all columns), with no
// anonymizer steps: enough to see which rows the framer hands to workers.
class FakeResolver : public TableResolver {
 public:
  explicit FakeResolver(std::vector<TableName> configured) : configured_(std::move(configured)) {}
  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    if (!IsConfigured(table)) return nullptr;
    auto plan = std::make_unique<RowPlan>();
    plan->table = table;
    plan->num_columns = columns.size();
    plan->column_names = columns;
    plan->configured.assign(columns.size(), false);  // no steps
    plans_.push_back(std::move(plan));
    return plans_.back().get();
  }
  bool IsConfigured(const TableName& table) const override {
    for (const auto& t : configured_) {
      if (t == table) return true;
    }
    return false;
  }
  void CountRows(const TableName& table, int64_t rows) override { rows_[table.Display()] += rows; }
  void SawTable(const TableName& table) override { ++blocks_[table.Display()]; }

  std::map<std::string, int64_t> rows_;
  std::map<std::string, int64_t> blocks_;

 private:
  std::vector<TableName> configured_;
  std::vector<std::unique_ptr<RowPlan>> plans_;
};

struct Framed {
  absl::Status status;
  // Merged pieces: "raw" or the table's display name, and their bytes.
  std::vector<std::pair<std::string, std::string>> pieces;
  std::string Rows(const std::string& table) const {
    std::string out;
    for (const auto& [k, v] : pieces) {
      if (k == table) out += v;
    }
    return out;
  }
  std::string All() const {
    std::string out;
    for (const auto& [k, v] : pieces) out += v;
    return out;
  }
};

// Feeds `input` to a fresh framer `chunk` bytes at a time, as the pipeline
// does: unconsumed bytes are passed again in front of the next chunk.
Framed FrameInChunks(std::string_view input, size_t chunk, FakeResolver* resolver) {
  PgPlainFramer framer(resolver);
  Framed result;
  std::string pending;
  size_t fed = 0;
  while (true) {
    size_t take = std::min(chunk, input.size() - fed);
    pending.append(input.substr(fed, take));
    fed += take;
    bool eof = fed == input.size();
    std::vector<Segment> segments;
    auto consumed = framer.Frame(pending, eof, &segments);
    if (!consumed.ok()) {
      result.status = consumed.status();
      return result;
    }
    size_t covered = 0;
    for (const Segment& s : segments) {
      CHECK(s.begin == covered);
      covered = s.end;
      std::string kind = s.kind == Segment::Kind::kRaw ? "raw" : s.plan->table.Display();
      std::string bytes = pending.substr(s.begin, s.end - s.begin);
      if (!result.pieces.empty() && result.pieces.back().first == kind) {
        result.pieces.back().second += bytes;
      } else {
        result.pieces.emplace_back(kind, bytes);
      }
    }
    CHECK(covered == *consumed);
    pending.erase(0, *consumed);
    if (eof) {
      CHECK(pending.empty());
      return result;
    }
  }
}

Framed FrameAll(std::string_view input, std::vector<TableName> configured, FakeResolver** out_resolver = nullptr) {
  static std::vector<std::unique_ptr<FakeResolver>> keep;
  keep.push_back(std::make_unique<FakeResolver>(configured));
  if (out_resolver != nullptr) *out_resolver = keep.back().get();
  return FrameInChunks(input, input.size() + 1, keep.back().get());
}

const TableName kCustomer{"public", "customer"};

TEST_CASE("rows of a configured table are framed, everything else is raw") {
  std::string dump =
      "SET standard_conforming_strings = on;\n"
      "COPY public.customer (id, email) FROM stdin;\n"
      "1\ta@example.invalid\n"
      "2\tb@example.invalid\n"
      "\\.\n"
      "\n"
      "COPY public.other (id) FROM stdin;\n"
      "1\n"
      "\\.\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(f.Rows("public.customer") == "1\ta@example.invalid\n2\tb@example.invalid\n");
  CHECK(f.pieces.size() == 3);
}

TEST_CASE("text that looks like COPY inside literals, identifiers, comments and bodies is SQL") {
  std::string dump =
      "COMMENT ON TABLE public.plain IS 'COPY public.customer (id) FROM stdin;\n\\.\nnot data';\n"
      "-- COPY public.customer (id) FROM stdin;\n"
      "/* nested /* COPY public.customer (id) FROM stdin; */ still comment ; */\n"
      "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $_$\nBEGIN\n"
      "  -- COPY public.customer (id) FROM stdin;\n  RETURN E'a\\nb' || $$x$$ || 'it''s';\nEND;\n$_$;\n"
      "SELECT E'it\\'s; COPY public.customer (id) FROM stdin;';\n"
      "CREATE TABLE public.\"evil\n\\.\nCOPY x FROM stdin;\" (\"col\nnl\" integer);\n"
      "CREATE RULE r AS ON INSERT TO public.t DO ( INSERT INTO public.log (x) VALUES (1);\n"
      " INSERT INTO public.log (x) VALUES (2);\n);\n"
      "COPY public.customer (id) FROM stdin;\n"
      "7\n"
      "\\.\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(f.Rows("public.customer") == "7\n");
}

TEST_CASE("identifiers holding a \\. line and a COPY statement (formats.md A.9)") {
  std::string dump =
      "COPY public.\"evil\n\\.\nCOPY x FROM stdin;\" (\"col\nnl\") FROM stdin;\n"
      "1\n"
      "\\.\n"
      "SELECT 1;\n";
  Framed f = FrameAll(dump, {TableName{"public", "evil\n\\.\nCOPY x FROM stdin;"}});
  REQUIRE(f.status.ok());
  CHECK(f.Rows("public.\"evil\n\\.\nCOPY x FROM stdin;\"") == "1\n");
}

TEST_CASE("the end marker is a line that is exactly \\. (case P06)") {
  std::string dump =
      "COPY public.review (id, note, reviewer_email) FROM stdin;\n"
      "1\tGreat service.\tr1@example.invalid\n"
      "2\t.\tr2@example.invalid\n"
      "3\t\\\\.\tr3@example.invalid\n"
      "\\.\n"
      "COPY public.memo (txt) FROM stdin;\n"
      "\\\\.\n"
      "ends with dot.\n"
      "\\.\n";
  FakeResolver* r;
  Framed f = FrameAll(dump, {TableName{"public", "review"}, TableName{"public", "memo"}}, &r);
  REQUIRE(f.status.ok());
  CHECK(f.Rows("public.review") ==
        "1\tGreat service.\tr1@example.invalid\n2\t.\tr2@example.invalid\n3\t\\\\.\tr3@example.invalid\n");
  CHECK(f.Rows("public.memo") == "\\\\.\nends with dot.\n");
  CHECK(r->rows_["public.review"] == 3);
  CHECK(r->rows_["public.memo"] == 2);
}

TEST_CASE("an empty COPY block and a zero-column table (case P07)") {
  std::string dump =
      "COPY public.audit_event (id, actor_email, payload) FROM stdin;\n"
      "\\.\n\n\n"
      "COPY public.flags  FROM stdin;\n\n\n\\.\n";
  FakeResolver* r;
  Framed f = FrameAll(dump, {}, &r);
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(r->rows_["public.audit_event"] == 0);
  CHECK(r->rows_["public.flags"] == 2);
}

TEST_CASE("psql meta-commands pass through: \\restrict and \\unrestrict") {
  std::string dump =
      "\\restrict abc'def\n"
      "SET x = 1;\n"
      "COPY public.customer (id) FROM stdin;\n1\n\\.\n"
      "\\unrestrict abc'def\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(f.Rows("public.customer") == "1\n");
}

TEST_CASE("standard_conforming_strings off makes backslash escape quotes in plain literals") {
  std::string dump =
      "SET standard_conforming_strings = off;\n"
      "SELECT 'it\\'s; COPY public.customer (id) FROM stdin;';\n"
      "COPY public.customer (id) FROM stdin;\n1\n\\.\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.Rows("public.customer") == "1\n");
}

TEST_CASE("a COPY block cut off before \\. is an error naming the table and its first line (case P25c)") {
  std::string dump = "SELECT 1;\nCOPY public.customer (id, email) FROM stdin;\n1\tSECRET@example.invalid\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE_FALSE(f.status.ok());
  CHECK(f.status.code() == absl::StatusCode::kDataLoss);
  std::string m(f.status.message());
  CHECK(m.find("4:1: unexpected end of input inside the COPY block for table public.customer (started at line 2)") == 0);
  CHECK(m.find("SECRET") == std::string::npos);
}

TEST_CASE("a cut-off line inside an unconfigured COPY block is an error too") {
  Framed f = FrameAll("COPY public.other (id) FROM stdin;\n1\n2", {});
  CHECK(f.status.code() == absl::StatusCode::kDataLoss);
}

// Found by pg_copy_fuzz: a cut-off row long enough to be passed through in
// pieces was reported at column 1 when it arrived in one piece, at its real
// end otherwise.
TEST_CASE("a cut-off COPY row is reported at its end whatever the chunk boundaries") {
  std::string dump = "COPY public.other (id, v) FROM stdin;\n1\tabc\n2\tcut off here";
  for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
    FakeResolver resolver({});
    Framed f = FrameInChunks(dump, chunk, &resolver);
    CAPTURE(chunk);
    REQUIRE_FALSE(f.status.ok());
    CHECK(std::string(f.status.message()).find("3:15: unexpected end of input inside the COPY block") == 0);
  }
}

TEST_CASE("the last \\. without a newline is accepted with a warning (case P25e)") {
  std::string dump = "COPY public.customer (id) FROM stdin;\n1\n\\.";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
}

TEST_CASE("unterminated literals at the end of input are errors") {
  for (const char* bad : {"SELECT 'abc", "SELECT \"abc", "SELECT $$abc", "/* abc", "SELECT E'abc\\'"}) {
    Framed f = FrameAll(bad, {});
    CHECK(f.status.code() == absl::StatusCode::kDataLoss);
  }
  Framed ok = FrameAll("SELECT 1; -- no newline at the end", {});
  CHECK(ok.status.ok());
}

TEST_CASE("the tuples of an INSERT into a configured table are framed as rows (tests/parsers/pg_inserts_test.cc)") {
  std::string dump = "INSERT INTO public.customer (id, email) VALUES (1, 'a@example.invalid');\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(f.Rows("public.customer") == "(1, 'a@example.invalid')");
  Framed g = FrameAll("INSERT INTO public.other (id) VALUES (1);\n", {kCustomer});
  CHECK(g.status.ok());
}

TEST_CASE("semicolons inside a BEGIN ATOMIC body do not end the statement (psql's rule)") {
  std::string dump =
      "CREATE FUNCTION public.f_atomic(a integer) RETURNS integer\n    LANGUAGE sql\n    BEGIN ATOMIC\n"
      " INSERT INTO public.customer (id) VALUES (a);\n"
      " SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n"
      " INSERT INTO public.customer (id) VALUES (a + 1);\n"
      "END;\n"
      "CREATE OR REPLACE PROCEDURE public.p() LANGUAGE sql BEGIN ATOMIC INSERT INTO public.customer VALUES (1); END;\n"
      "SELECT CASE WHEN true THEN 1 END; BEGIN;\n"
      "COPY public.customer (id) FROM stdin;\n1\n\\.\n";
  Framed f = FrameAll(dump, {kCustomer});
  REQUIRE(f.status.ok());
  CHECK(f.Rows("public.customer") == "1\n");
}

TEST_CASE("text after the COPY statement on its line is an error") {
  Framed f = FrameAll("COPY public.customer (id) FROM stdin; SELECT 1;\n1\n\\.\n", {kCustomer});
  CHECK(f.status.code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("the same input split at every chunk boundary frames the same rows") {
  std::string dump =
      "--\n-- PostgreSQL database dump\n--\n\n\\restrict KEY123\n\n"
      "SET standard_conforming_strings = on;\n"
      "CREATE FUNCTION f() RETURNS text AS $_$ SELECT 'COPY public.customer (id) FROM stdin;' $_$;\n"
      "COMMENT ON TABLE t IS 'it''s; COPY x FROM stdin;';\n"
      "/* a /* nested */ comment; */ SELECT E'\\'';\n"
      "COPY public.customer (id, email) FROM stdin;\n"
      "1\ta@example.invalid\n2\t\\\\N\n3\t\\N\n"
      "\\.\n\n\n"
      "COPY public.\"Other\"\"s\" (x) FROM stdin;\n"
      "a long line that is passed through in pieces when the chunk is small\n"
      "\\.\n"
      "\\unrestrict KEY123\n";
  Framed whole = FrameAll(dump, {kCustomer});
  REQUIRE(whole.status.ok());
  CHECK(whole.All() == dump);
  for (size_t chunk = 1; chunk <= dump.size(); ++chunk) {
    FakeResolver resolver({kCustomer});
    Framed f = FrameInChunks(dump, chunk, &resolver);
    REQUIRE(f.status.ok());
    CHECK(f.All() == dump);
    CHECK(f.Rows("public.customer") == whole.Rows("public.customer"));
    CHECK(resolver.rows_["public.customer"] == 3);
    CHECK(resolver.rows_["public.\"Other\"\"s\""] == 1);
  }
}

// A damaged dump fails closed: its text may be data, so nothing the framer
// cannot place is passed through. Each case is framed at every chunk size,
// with and without the table configured; the message is always the same and
// never quotes a value.
struct Damaged {
  const char* dump;
  const char* message;
};

void CheckFailsClosed(const Damaged& c) {
  const std::string dump = c.dump;
  CAPTURE(dump);
  for (bool configured : {false, true}) {
    for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
      CAPTURE(configured);
      CAPTURE(chunk);
      FakeResolver resolver(configured ? std::vector<TableName>{kCustomer} : std::vector<TableName>{});
      Framed f = FrameInChunks(dump, chunk, &resolver);
      REQUIRE_FALSE(f.status.ok());
      CHECK(f.status.code() == absl::StatusCode::kDataLoss);
      CHECK(std::string(f.status.message()) == c.message);
      CHECK(std::string(f.status.message()).find("secret") == std::string::npos);
    }
  }
}

void CheckPasses(const std::string& dump) {
  CAPTURE(dump);
  for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
    CAPTURE(chunk);
    FakeResolver resolver({kCustomer});
    Framed f = FrameInChunks(dump, chunk, &resolver);
    REQUIRE_MESSAGE(f.status.ok(), f.status.message());
    CHECK(f.All() == dump);
  }
}

TEST_CASE("fail closed (a): the end of input inside an unterminated statement is an error") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"SELECT (1;\nSELECT 2;\n", "3:1: unexpected end of input inside a statement (started at line 1)"},
           {"SELECT 1;\nSELECT 2", "2:9: unexpected end of input inside a statement (started at line 2)"},
           {"SELECT 1 -- the ';' is missing\n\n", "3:1: unexpected end of input inside a statement (started at line 1)"},
           {"CREATE TABLE public.t (a int;\n/* c */\n", "3:1: unexpected end of input inside a statement (started at line 1)"},
           {"INSERT INTO public.customer (id, email VALUES (1, 'secret@x');\n",
            "2:1: unexpected end of input inside a statement (started at line 1)"},
           {"INSERT INTO public.customer (id, email) VALUES (1, 'secret@x')",
            "1:63: unexpected end of input inside a statement (started at line 1)"},
       }) {
    CheckFailsClosed(c);
  }
  // Comments, blank lines and psql meta-commands may end the file.
  CheckPasses("SELECT 1;\n-- end\n\n\\unrestrict abc\n");
  CheckPasses("SELECT 1; /* c */\n\\unrestrict abc");
  CheckPasses("SELECT 1;");
  CheckPasses("");
}

TEST_CASE("fail closed (b): a line \\. outside COPY data is an error") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           // The unbalanced parenthesis makes the rest one statement (as in
           // psql): the COPY block's rows would go by as SQL.
           {"SELECT (1;\nCOPY public.customer (id, email) FROM stdin;\n1\tsecret@x\n\\.\n",
            "4:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
           {"COPY public.customer (id, email, FROM stdin;\n1\tsecret@x\n\\.\n",
            "3:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
           {"SELECT 1;\n\\.\n", "2:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
           {"SELECT 1;\n\\.\r\n", "2:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
           {"SELECT 1;\n\\.", "2:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
           {"\\.\nSELECT 1;\n", "1:1: end-of-data marker \\. outside COPY data (a damaged COPY statement?)"},
       }) {
    CheckFailsClosed(c);
  }
  // Inside literals, quoted names and comments it is text.
  CheckPasses("SELECT '\n\\.\n';\nSELECT \"\n\\.\n\";\nSELECT $$\n\\.\n$$;\n/*\n\\.\n*/\nSELECT E'\\\n\\.\n';\n");
  CheckPasses("COPY public.customer (id) FROM stdin;\n1\n\\.\n\\.x is a meta-command\n");
}

TEST_CASE("fail closed (c): a COPY statement naming STDIN that cannot be read, an INSERT head that cannot") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"COPY public.customer (id, email, F)OM stdin;\n1\tsecret@x\n\\.\n",
            "1:1: expected FROM or TO in the COPY statement"},
           {"COPY public.customer (id, email) FROM stdn;\n1\tsecret@x\n\\.\n",
            "1:1: expected STDIN, a file name or PROGRAM after FROM in the COPY statement"},
           {"SELECT 1;\nCOPY public.customer (id, email) TO stdin;\n1\tsecret@x\n\\.\n",
            "2:1: COPY statement that dbanon cannot read"},
           {"COPY (SELECT 1) TO STDOUT; COPY (SELECT stdin FROM t) TO STDOUT;\n",
            "1:28: COPY statement that dbanon cannot read"},
           {"INSERT INTO public.customer x VALUES (1, 'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTO public.customer (id, email)) VALUES (1, 'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTO (public.customer) VALUES (1, 'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT public.customer VALUES (1, 'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTOqcustomer VALUES (1, 'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           // Without VALUES: one statement split in two, a damaged keyword.
           {"INSERT INTO public.customer; VALUES (1, 'secret@x');\n",
            "1:1: cannot read this INSERT statement (no VALUES list, DEFAULT VALUES or query after its table)"},
           {"INSERT INTO public.customer VALUS (1, 'secret@x');\n",
            "1:1: cannot read this INSERT statement (no VALUES list, DEFAULT VALUES or query after its table)"},
       }) {
    CheckFailsClosed(c);
  }
  CheckPasses("INSERT INTO public.t DEFAULT VALUES;\nINSERT INTO public.t SELECT 1;\nINSERT INTO public.t (a) SELECT 1;\n"
              "INSERT INTO public.t WITH x AS (SELECT 1) SELECT * FROM x;\nINSERT INTO public.t TABLE public.u;\n"
              "INSERT INTO public.t OVERRIDING SYSTEM VALUE VALUES (1);\n");
  CheckPasses("COPY public.t TO stdout;\nCOPY (SELECT 1) TO STDOUT;\nCOPY public.t FROM '/tmp/x';\n"
              "COPY public.t FROM E'/tmp/x';\nCOPY public.t FROM PROGRAM 'cat';\nCOPY public.t (a) TO stdout;\n");
}

TEST_CASE("fail closed (d): a statement that does not start with an SQL command word is an error") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"INSRT INTO customer VALUES (1,'secret@x');\n", "1:1: an unknown SQL command (a misspelt INSERT?)"},
           {"SELECT 1;\n  insrt(1);\n", "2:3: an unknown SQL command (a misspelt INSERT?)"},
           // A COPY row read as SQL: its first field is never quoted.
           {"SELECT 1;\n1\tsecret@x\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nsecret@x\tmore\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nsecret\tmore;\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nsecret_1 x;\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nSECRETMARKERSECRETMARKERSECRETMARKER x;\n", "2:1: an unknown SQL command"},
           {"(INSERT INTO public.customer VALUES (1, 'secret@x'));\n", "1:2: an unknown SQL command"},
           {"'secret@x';\n", "1:1: an unknown SQL command"},
           {"SELECT 1;\n\"secret\";\n", "2:1: an unknown SQL command"},
           {"-x;\n", "1:1: an unknown SQL command"},
           {"/x;\n", "1:1: an unknown SQL command"},
           {"(;\n", "1:2: an unknown SQL command"},
           {"-- c\n  $1;\n", "2:3: an unknown SQL command"},
           // A stray quote turns literals into code and code into literals.
           {"SET client_min_messages = warning';\nCOMMENT ON TABLE t IS 'secret; semicolon';\n",
            "2:32: an unknown SQL command"},
       }) {
    CheckFailsClosed(c);
  }
  CheckPasses(";\n(SELECT 1);\n((VALUES (1)));\n( WITH a AS (SELECT 1) SELECT * FROM a);\n(TABLE t);\n"
              "-- c\n/* c */ select 1;\n-- c\n--c\n/**/SELECT 1;\nSeLeCt 1;\nSTART TRANSACTION;\nEND;\n"
              "DO $$ BEGIN END $$;\nSECURITY LABEL ON TABLE t IS 'x';\nREFRESH MATERIALIZED VIEW v;\n"
              "ABORT; ANALYZE; ANALYSE; VACUUM; CHECKPOINT; DISCARD ALL; RESET ALL; SHOW x; LISTEN a; NOTIFY a;\n");
}

TEST_CASE("fail closed: data of an uncreated table one letter away from a configured one (a damaged name)") {
  const std::string ddl =
      "CREATE TABLE public.customer (id integer, email text);\n"
      "INSERT INTO public.customer VALUES (1, 'a@x');\n";
  struct Case {
    std::string dump;
    const char* message;
  } cases[] = {
      {ddl + "INSERT INTO public.custome\xff VALUES (2, 'secret@x');\n",
       "3:1: the dump has data for table public.\"custome\xff\", which it does not create, but creates configured table "
       "public.customer whose name differs by one letter, letter case or schema: a damaged table name?"},
      {ddl + "INSERT INTO public.ustomer VALUES (2, 'secret@x');\n", nullptr},
      {ddl + "INSERT INTO public.customerr VALUES (2, 'secret@x');\n", nullptr},
      {ddl + "INSERT INTO poblic.customer VALUES (2, 'secret@x');\n", nullptr},
      {ddl + "INSERT INTO pub.ic.customer VALUES (2, 'secret@x');\n", nullptr},
      {ddl + "COPY public.customrr (id, email) FROM stdin;\n2\tsecret@x\n\\.\n", nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.dump);
    for (size_t chunk : {size_t{1}, size_t{7}, c.dump.size() + 1}) {
      FakeResolver resolver({kCustomer});
      Framed f = FrameInChunks(c.dump, chunk, &resolver);
      REQUIRE_FALSE(f.status.ok());
      CHECK(f.status.code() == absl::StatusCode::kDataLoss);
      std::string m(f.status.message());
      if (c.message != nullptr) CHECK(m == c.message);
      CHECK(m.find("3:1: the dump has data for table ") == 0);
      CHECK(m.find("secret") == std::string::npos);
    }
  }
  // Tables the dump creates (a partition one letter away), tables far from
  // the configured ones (an extension's configuration table), a dump that
  // creates no table (data only), an unconfigured neighbour: passed through.
  for (const std::string& dump : {
           ddl + "CREATE TABLE public.customers PARTITION OF public.customer FOR VALUES IN (1);\n"
                 "INSERT INTO public.customers VALUES (2, 'b@x');\n"
                 "CREATE FOREIGN TABLE public.customer2 (id integer, email text) SERVER s;\n"
                 "INSERT INTO public.customer2 VALUES (3, 'c@x');\n"
                 "INSERT INTO cron.job VALUES (1, 'x');\nCOPY public.spatial_ref_sys (srid) FROM stdin;\n1\n\\.\n",
           std::string("INSERT INTO public.customr VALUES (1, 'a@x');\nINSERT INTO other.customer VALUES (1, 'a@x');\n"),
           std::string("CREATE TABLE public.other (id integer);\nINSERT INTO public.othr VALUES (1);\n"),
       }) {
    CAPTURE(dump);
    FakeResolver resolver({kCustomer});
    Framed f = FrameInChunks(dump, 5, &resolver);
    REQUIRE_MESSAGE(f.status.ok(), f.status.message());
    CHECK(f.All() == dump);
  }
}

TEST_CASE("pagila: every COPY block is found, whole input passes through") {
  std::string dump = testing::ReadFile(testing::SourcePath("tests/data/pagila/pagila-data.sql"));
  REQUIRE(!dump.empty());
  FakeResolver* r;
  Framed f = FrameAll(dump, {kCustomer}, &r);
  REQUIRE(f.status.ok());
  CHECK(f.All() == dump);
  CHECK(r->rows_["public.customer"] == 599);
  CHECK(r->rows_["public.rental"] == 16044);
  FakeResolver resolver({kCustomer});
  Framed g = FrameInChunks(dump, 4093, &resolver);
  REQUIRE(g.status.ok());
  CHECK(g.Rows("public.customer") == f.Rows("public.customer"));
}

}  // namespace
}  // namespace dbanon
