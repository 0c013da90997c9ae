#include "src/plan.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/pg_plain_framer.h"

namespace dbanon {
namespace {

std::unique_ptr<RunPlan> MakePlan(std::string_view toml) {
  auto config = ParseConfig(toml, "dbanon.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "salt");
  REQUIRE(plan.ok());
  return *std::move(plan);
}

// The anonymizer names of the steps of `table`'s plan with `columns`, one per column ("" unconfigured).
std::vector<std::string> Steps(RunPlan& plan, const TableName& table, const std::vector<std::string>& columns) {
  auto row = plan.Resolve(table, columns);
  REQUIRE(row.ok());
  std::vector<std::string> out(columns.size());
  if (*row == nullptr) return out;
  if ((*row)->truncate) return {"truncate"};
  Scratch scratch;
  for (const RowPlan::Step& s : (*row)->steps) {
    // Which anonymizer, told by its output's shape.
    std::vector<Cell> in(s.columns.size(), Cell{"someone@example.org", false}), cells(s.columns.size());
    s.anonymizer->Anonymize(in, scratch, cells);
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const std::string v(cells[i].value);
      out[s.columns[i]] = v.find('@') != std::string::npos ? "email"
                          : v.size() == 32 && v.find_first_not_of("0123456789abcdef") == std::string::npos
                              ? "md5"
                              : "lastname";
    }
  }
  return out;
}

TEST_CASE("with SetFoldedNames (SQLite) config keys and column names match without regard to ASCII case") {
  auto plan = MakePlan("[tables.Users]\nEmail = \"email\"\n");
  CHECK_FALSE(plan->IsConfigured(TableName{"", "users"}));
  REQUIRE(plan->SetFoldedNames().ok());
  CHECK(plan->IsConfigured(TableName{"", "users"}));
  CHECK(Steps(*plan, TableName{"", "users"}, {"id", "EMAIL"}) == std::vector<std::string>{"", "email"});
  auto twice = MakePlan("[tables.users]\nemail = \"email\"\n[tables.USERS]\nname = \"lastname\"\n");
  absl::Status s = twice->SetFoldedNames();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("one SQLite table") != std::string::npos);
}

TEST_CASE("with SetFoldedColumns (MySQL) column names and keys match in any ASCII case, table names exactly") {
  auto plan = MakePlan("[tables.users]\nEmail = \"email\"\nNAME = \"lastname\"\n");
  REQUIRE(plan->SetFoldedColumns().ok());
  CHECK(Steps(*plan, TableName{"", "users"}, {"ID", "EMAIL", "name"}) ==
        std::vector<std::string>{"", "email", "lastname"});
  CHECK_FALSE(plan->IsConfigured(TableName{"", "USERS"}));
  // Keys that differ only in case name one column: exit 2, with the config's position.
  auto twice = MakePlan("[tables.users]\nemail = \"email\"\nEMAIL = \"md5\"\n");
  absl::Status s = twice->SetFoldedColumns();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("dbanon.toml:2:9: table 'users': key 'email' and key 'EMAIL' name one column "
                                      "(MySQL column names do not differ by case)") != std::string::npos);
  // A column list naming a configured column twice: which value is the column's?
  auto row = plan->Resolve(TableName{"", "users"}, {"email", "EMAIL", "name"});
  REQUIRE_FALSE(row.ok());
  CHECK(std::string(row.status().message()).find("names it twice") != std::string::npos);
}

TEST_CASE("without SetFoldedNames (MySQL, PostgreSQL) names match byte for byte") {
  auto plan = MakePlan("[tables.users]\nemail = \"email\"\n");
  CHECK_FALSE(plan->IsConfigured(TableName{"", "USERS"}));
  CHECK_FALSE(plan->Resolve(TableName{"", "users"}, {"id", "EMAIL"}).ok());
}

TEST_CASE("a table is configured by its own entry unless it keeps every column, or through a parent") {
  auto plan = MakePlan(
      "[tables.customer]\nemail = \"email\"\n[tables.audit]\nkeep = true\n[tables.person]\nname = \"lastname\"\n");
  CHECK(plan->IsConfigured({"public", "customer"}));
  CHECK(plan->IsConfigured({"", "customer"}));  // an unqualified name is in schema public
  CHECK_FALSE(plan->IsConfigured({"sales", "customer"}));
  CHECK_FALSE(plan->IsConfigured({"public", "orders"}));
  CHECK_FALSE(plan->IsConfigured({"public", "audit"}));  // keep = true: copied unread
  CHECK_FALSE(plan->IsConfigured({"public", "employee"}));
  plan->NoteParent({"public", "employee"}, {"public", "person"});
  CHECK(plan->IsConfigured({"public", "employee"}));
  CHECK(plan->IsConfigured({"", "employee"}));
  // A table that keeps every column is not reached by its parent's config.
  plan->NoteParent({"public", "audit"}, {"public", "person"});
  CHECK_FALSE(plan->IsConfigured({"public", "audit"}));
}

TEST_CASE("a config on a partitioned table reaches its partitions and sub-partitions") {
  auto plan = MakePlan("[tables.measurements]\nemail = \"email\"\n");
  const TableName root{"public", "measurements"}, mid{"public", "m_2024"}, leaf{"public", "m_2024m01"};
  CHECK_FALSE(plan->IsConfigured(leaf));
  plan->NoteParent(mid, root);
  plan->NoteParent(leaf, mid);
  CHECK(plan->IsConfigured(leaf));
  CHECK(Steps(*plan, leaf, {"id", "email"}) == std::vector<std::string>{"", "email"});
  CHECK(plan->Warnings().empty());  // measurements is reached through its leaf
  CHECK(plan->Finish().ok());
}

TEST_CASE("a generated column is covered in strict mode, and a keep for it writes nothing, in data that lacks it") {
  auto plan = MakePlan("strict = true\n[tables.c]\nid = \"md5\"\nemail = \"email\"\nup = \"keep\"\n");
  const TableName c{"public", "c"};
  plan->SawColumns(c, {"id", "email", "up"}, false);  // its CREATE TABLE
  plan->NoteGenerated(c, "up");
  CHECK(plan->CheckCoverage().ok());
  // pg_dump's COPY leaves the generated column out of its column list.
  CHECK(Steps(*plan, c, {"id", "email"}) == std::vector<std::string>{"md5", "email"});
  const RunPlan::TableCoverage t = plan->CoverageOfTable(c);
  REQUIRE(t.columns.size() == 3);
  CHECK(t.columns[2].cover == RunPlan::Cover::kGenerated);
}

TEST_CASE("without NoteGenerated a column left out of the config fails strict mode, and a keep for an absent column is an error") {
  auto plan = MakePlan("strict = true\n[tables.c]\nid = \"keep\"\nemail = \"email\"\nup = \"keep\"\n");
  const TableName c{"public", "c"};
  CHECK_FALSE(plan->Resolve(c, {"id", "email"}).ok());
  auto strict = MakePlan("strict = true\n[tables.c]\nid = \"keep\"\nemail = \"email\"\n");
  strict->SawColumns(c, {"id", "email", "up"}, false);
  CHECK_FALSE(strict->CheckCoverage().ok());
}

TEST_CASE("a child's own config entry wins for the columns it names, its parent's applies to the rest") {
  auto plan = MakePlan(
      "[tables.person]\nemail = \"email\"\nname = \"lastname\"\n[tables.employee]\nemail = \"md5\"\n");
  plan->NoteParent({"public", "employee"}, {"public", "person"});
  CHECK(Steps(*plan, {"public", "employee"}, {"id", "email", "name", "salary"}) ==
        std::vector<std::string>{"", "md5", "lastname", ""});
  CHECK(Steps(*plan, {"public", "person"}, {"id", "email", "name"}) ==
        std::vector<std::string>{"", "email", "lastname"});
}

TEST_CASE("a parent's truncate empties its children") {
  auto plan = MakePlan("[tables.person]\ntruncate = true\n");
  plan->NoteParent({"public", "employee"}, {"public", "person"});
  CHECK(Steps(*plan, {"public", "employee"}, {"id"}) == std::vector<std::string>{"truncate"});
}

TEST_CASE("a link cycle in a damaged dump does not loop") {
  auto plan = MakePlan("[tables.a]\nx = \"md5\"\n");
  plan->NoteParent({"public", "a"}, {"public", "b"});
  plan->NoteParent({"public", "b"}, {"public", "a"});
  CHECK(Steps(*plan, {"public", "b"}, {"x"}) == std::vector<std::string>{"md5"});
}

TEST_CASE("a data-only dump with data of unknown tables named like partitions of an absent configured table is refused, naming --schema") {
  auto plan = MakePlan("[tables.measurements]\nemail = \"email\"\n");
  plan->SawTable({"public", "measurements_y2024m01"});
  absl::Status s = plan->Finish();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("--schema") != std::string::npos);
  plan->NoteParent({"public", "measurements_y2024m01"}, {"public", "measurements"});
  CHECK(plan->Finish().ok());
  auto other = MakePlan("[tables.measurements]\nemail = \"email\"\n");
  other->SawTable({"public", "orders"});
  CHECK(other->Finish().ok());  // not named like a partition: the absent table is only warned about
}

TEST_CASE("the plain framer hands the rows of an ATTACHed partition of a configured table to the workers") {
  auto plan = MakePlan("[tables.measurements]\nemail = \"email\"\n");
  PgPlainFramer framer(plan.get());
  const std::string dump =
      "CREATE TABLE public.measurements (id integer, email text) PARTITION BY RANGE (id);\n"
      "CREATE TABLE public.m1 (id integer, email text);\n"
      "ALTER TABLE ONLY public.measurements ATTACH PARTITION public.m1 FOR VALUES FROM (0) TO (10);\n"
      "COPY public.m1 (id, email) FROM stdin;\n1\ta@b.c\n\\.\n";
  std::vector<Segment> segments;
  auto consumed = framer.Frame(dump, true, &segments);
  REQUIRE(consumed.ok());
  std::string rows;
  for (const Segment& s : segments) {
    if (s.kind == Segment::Kind::kRows) rows += dump.substr(s.begin, s.end - s.begin);
  }
  CHECK(rows == "1\ta@b.c\n");
}

}  // namespace
}  // namespace dbanon
