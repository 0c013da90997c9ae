#include "parsers/pg_plain_framer.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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

TEST_CASE("pagila: every COPY block is found, whole input passes through") {
  std::ifstream in(std::string(DBANON_SHARED_DIR) + "/data/pagila/pagila-data.sql", std::ios::binary);
  if (!in) {
    MESSAGE("pagila not found; skipped");
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string dump = ss.str();
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
