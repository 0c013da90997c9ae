// pg_dump 18 statistics calls (parsers/pg_stats.h): their shape, what is
// dropped for a configured column, and the plain road cut at every batch
// boundary.
#include "parsers/pg_stats.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "parsers/pg_plain_framer.h"
#include "src/config.h"
#include "src/pipeline.h"
#include "src/plan.h"
#include "tests/src/memory_io.h"

namespace dbanon {
namespace {

// pg_dump 18's shape (pg_dump.c dumpRelationStats_dumper, appendNamedArgument).
constexpr std::string_view kEmailStats =
    "SELECT * FROM pg_catalog.pg_restore_attribute_stats(\n"
    "\t'version', '180003'::integer,\n"
    "\t'schemaname', 'public',\n"
    "\t'relname', 'users',\n"
    "\t'attname', 'email',\n"
    "\t'inherited', 'f'::boolean,\n"
    "\t'null_frac', '0'::real,\n"
    "\t'avg_width', '20'::integer,\n"
    "\t'n_distinct', '-1'::real,\n"
    "\t'most_common_vals', '{secret@a.org,\"o''brien, x\"}'::text,\n"
    "\t'most_common_freqs', '{0.5,0.5}'::real[],\n"
    "\t'histogram_bounds', '{a,z}'::text,\n"
    "\t'correlation', '0.5'::real\n"
    ");";

constexpr std::string_view kEmailStripped =
    "SELECT * FROM pg_catalog.pg_restore_attribute_stats(\n"
    "\t'version', '180003'::integer,\n"
    "\t'schemaname', 'public',\n"
    "\t'relname', 'users',\n"
    "\t'attname', 'email',\n"
    "\t'inherited', 'f'::boolean,\n"
    "\t'null_frac', '0'::real,\n"
    "\t'avg_width', '20'::integer,\n"
    "\t'n_distinct', '-1'::real,\n"
    "\t'correlation', '0.5'::real\n"
    ");";

TEST_CASE("a statistics call is told from the first words of a statement") {
  CHECK(AttributeStatsCallStart("SELECT * FROM pg_catalog.pg_restore_attribute_stats(") == StatsCallStart::kYes);
  CHECK(AttributeStatsCallStart("select pg_restore_attribute_stats (") == StatsCallStart::kYes);
  CHECK(AttributeStatsCallStart("SELECT /* c */ * -- x\nFROM pg_catalog . pg_restore_attribute_stats(") ==
        StatsCallStart::kYes);
  CHECK(AttributeStatsCallStart("SELECT * FROM pg_catalog.pg_restore_attr") == StatsCallStart::kMaybe);
  CHECK(AttributeStatsCallStart("SEL") == StatsCallStart::kMaybe);
  CHECK(AttributeStatsCallStart("SELECT * FROM pg_catalog.pg_restore_attribute_stats") == StatsCallStart::kMaybe);
  CHECK(AttributeStatsCallStart("SELECT /* open") == StatsCallStart::kMaybe);
  CHECK(AttributeStatsCallStart("SELECT pg_catalog.set_config('search_path', '', false);") == StatsCallStart::kNo);
  CHECK(AttributeStatsCallStart("SELECT * FROM pg_catalog.pg_restore_relation_stats(") == StatsCallStart::kNo);
  CHECK(AttributeStatsCallStart("SELECT * FROM pg_catalog.pg_restore_attribute_statsx(") == StatsCallStart::kNo);
}

TEST_CASE("a configured column's statistics call keeps its scalar arguments and drops the value arrays") {
  auto call = ParseAttributeStatsCall(kEmailStats, true);
  REQUIRE(call.ok());
  CHECK(call->relation_known);
  CHECK(call->relation == TableName{"public", "users"});
  CHECK(call->attname == "email");
  CHECK(call->HasValues());
  CHECK(call->WithoutValues(kEmailStats) == kEmailStripped);
}

TEST_CASE("a statistics call without value arguments has nothing to drop") {
  auto call = ParseAttributeStatsCall(kEmailStripped, true);
  REQUIRE(call.ok());
  CHECK_FALSE(call->HasValues());
  CHECK(call->WithoutValues(kEmailStripped) == kEmailStripped);
}

TEST_CASE("an index's statistics call names its column by attnum") {
  std::string text =
      "SELECT * FROM pg_catalog.pg_restore_attribute_stats(\n\t'version', '180003'::integer,\n"
      "\t'schemaname', 'public',\n\t'relname', 'users_lower_idx',\n\t'attnum', '1'::smallint,\n"
      "\t'histogram_bounds', '{a,b}'::text\n);";
  auto call = ParseAttributeStatsCall(text, true);
  REQUIRE(call.ok());
  CHECK(call->attname.empty());
  CHECK(call->relation == TableName{"public", "users_lower_idx"});
  CHECK(call->WithoutValues(text) ==
        "SELECT * FROM pg_catalog.pg_restore_attribute_stats(\n\t'version', '180003'::integer,\n"
        "\t'schemaname', 'public',\n\t'relname', 'users_lower_idx',\n\t'attnum', '1'::smallint\n);");
}

TEST_CASE("escape-string literals are read with their backslashes when standard_conforming_strings is off") {
  std::string text =
      "SELECT * FROM pg_catalog.pg_restore_attribute_stats('schemaname', 'public', 'relname', 'users', "
      "'attname', 'email', 'most_common_vals', '{a\\',b}'::text, 'null_frac', '0'::real);";
  auto off = ParseAttributeStatsCall(text, false);
  REQUIRE(off.ok());
  CHECK(off->WithoutValues(text) ==
        "SELECT * FROM pg_catalog.pg_restore_attribute_stats('schemaname', 'public', 'relname', 'users', "
        "'attname', 'email', 'null_frac', '0'::real);");
  CHECK_FALSE(ParseAttributeStatsCall(text, true).ok());  // the quote after the backslash ends the literal
}

// The call is read by parsers/sql_lexer (PostgreSQL dialect), as psql
// reads it: a ',' or ')' inside a literal, a quoted name, a dollar quote or
// a nested comment does not end a value; E'...' escapes with backslashes
// whatever standard_conforming_strings says; `x$a$` is a name, not a quote.
TEST_CASE("a statistics call's values are read by the SQL lexer: quotes, dollar quotes, nested comments") {
  const std::string head =
      "SELECT * FROM pg_catalog.pg_restore_attribute_stats('schemaname', 'public', 'relname', 'users', "
      "'attname', 'email', ";
  for (const char* value : {"$q$ a', ) $q$::text", "$$,)$$::text", "E'{a\\',)}'::text", "'{a,b}' /* ) /* , */ ) */ ::text",
                            "'{a}' -- ),\n::text", "\"x),\"", "('{a}'::text)", "ARRAY['a', ')']"}) {
    CAPTURE(value);
    std::string text = head + "'most_common_vals', " + value + ", 'null_frac', '0'::real);";
    for (bool standard : {true, false}) {
      auto call = ParseAttributeStatsCall(text, standard);
      REQUIRE_MESSAGE(call.ok(), call.status().message());
      CHECK(call->WithoutValues(text) == head + "'null_frac', '0'::real);");
    }
  }
  // A dollar sign after a byte of a word opens nothing: the ')' after it
  // ends the call, and what follows is text after the call.
  CHECK_FALSE(ParseAttributeStatsCall(head + "'most_common_vals', x$a$ ) $a$);", true).ok());
  for (const char* open : {"'{a", "$q$ a", "\"x", "/* a /* b */"}) {
    CAPTURE(open);
    CHECK_FALSE(ParseAttributeStatsCall(head + "'most_common_vals', " + open + ");", true).ok());
  }
  // Comments in the head, also cut before their end (the framer waits).
  CHECK(AttributeStatsCallStart("SELECT /* a /* b */ c */ * FROM pg_restore_attribute_stats(") == StatsCallStart::kYes);
  CHECK(AttributeStatsCallStart("SELECT -") == StatsCallStart::kMaybe);
  CHECK(AttributeStatsCallStart("SELECT /* a /* b */") == StatsCallStart::kMaybe);
}

TEST_CASE("a statistics call that is not pg_dump's shape is refused") {
  CHECK_FALSE(ParseAttributeStatsCall("SELECT pg_restore_attribute_stats(schemaname => 'public');", true).ok());
  CHECK_FALSE(ParseAttributeStatsCall("SELECT pg_restore_attribute_stats('a', 'b'", true).ok());
  CHECK_FALSE(ParseAttributeStatsCall("SELECT pg_restore_attribute_stats('a', 'b') + 1;", true).ok());
  CHECK_FALSE(ParseAttributeStatsCall("SELECT pg_restore_attribute_stats('a', );", true).ok());
}

TEST_CASE("CREATE INDEX statements give each index its table") {
  PgIndexTables indexes;
  indexes.Add("CREATE INDEX users_lower_email_idx ON public.users USING btree (lower(email));");
  indexes.Add("CREATE UNIQUE INDEX \"Odd\" ON ONLY crm.\"Client List\" USING btree (id);");
  indexes.Add("CREATE INDEX IF NOT EXISTS i2 ON t (x);");
  indexes.Add("CREATE TABLE public.x (id int);");
  CHECK(indexes.TableOf({"public", "users_lower_email_idx"}) == TableName{"public", "users"});
  CHECK(indexes.TableOf({"crm", "Odd"}) == TableName{"crm", "Client List"});
  CHECK(indexes.TableOf({"public", "i2"}) == TableName{"public", "t"});
  CHECK_FALSE(indexes.TableOf({"public", "x"}).has_value());
}

TEST_CASE("the SQL of a STATISTICS DATA entry loses only the chosen calls' values") {
  std::string relation =
      "SELECT * FROM pg_catalog.pg_restore_relation_stats(\n\t'version', '180003'::integer,\n"
      "\t'schemaname', 'public',\n\t'relname', 'users',\n\t'relpages', '1'::integer\n);\n";
  std::string note = std::string(kEmailStats);
  note.replace(note.find("'email'"), 7, "'note'");
  std::string sql = relation + std::string(kEmailStats) + "\n" + note + "\n";
  auto out = RewriteStatisticsSql(sql, true, [](const AttributeStatsCall& c) { return c.attname == "email"; });
  REQUIRE(out.ok());
  REQUIRE(out->has_value());
  CHECK(**out == relation + std::string(kEmailStripped) + "\n" + note + "\n");
  auto none = RewriteStatisticsSql(sql, true, [](const AttributeStatsCall&) { return false; });
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto odd = RewriteStatisticsSql("SELECT 1 FROM pg_restore_attribute_stats('a', 'b');", true,
                                  [](const AttributeStatsCall&) { return true; });
  CHECK_FALSE(odd.ok());
}

absl::StatusOr<std::string> RunPlain(const std::string& dump, size_t batch) {
  auto config = ParseConfig("salt = \"0123456789abcdef\"\n[tables.users]\nemail = \"email\"\n", "cfg.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "0123456789abcdef");
  REQUIRE(plan.ok());
  PgPlainFramer framer(plan->get());
  std::string output;
  InputFile in = InputFile::Filtered("in.sql", std::make_unique<testing::MemoryInput>(dump, batch));
  OutputFile out = OutputFile::Filtered(std::make_unique<testing::MemoryOutput>(&output));
  PipelineOptions options;
  options.threads = 2;
  options.batch_bytes = batch;
  absl::Status s = RunPipeline(in, "", out, framer, options);
  if (!s.ok()) return s;
  return output;
}

TEST_CASE("the plain road drops a configured column's statistics values at every batch boundary") {
  std::string note = std::string(kEmailStats);
  note.replace(note.find("'email'"), 7, "'note'");
  const std::string head =
      "SET standard_conforming_strings = on;\nCREATE TABLE public.users (\n    id integer,\n    email text,\n"
      "    note text\n);\n\n";
  const std::string dump = head + std::string(kEmailStats) + "\n" + note + "\nSELECT 1;\n";
  const std::string expected = head + std::string(kEmailStripped) + "\n" + note + "\nSELECT 1;\n";
  for (size_t batch : {1, 2, 3, 5, 7, 13, 31, 64, 100, 257, 4096}) {
    CAPTURE(batch);
    auto out = RunPlain(dump, batch);
    REQUIRE(out.ok());
    CHECK(*out == expected);
  }
}

TEST_CASE("a pg_restore_attribute_stats call in another shape is refused with its position") {
  const std::string dump =
      "CREATE TABLE public.users (id integer, email text);\n"
      "SELECT count(*) FROM (SELECT pg_restore_attribute_stats('schemaname', 'public')) s;\n";
  auto out = RunPlain(dump, 4096);
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().message().find("in.sql:2:1: a statement names pg_restore_attribute_stats") !=
        absl::string_view::npos);
}

}  // namespace
}  // namespace dbanon
