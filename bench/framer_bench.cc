// Framing plain dumps: COPY blocks of a pg_dump plain-format dump, of a
// configured table (rows handed to workers) and of an unconfigured one
// (copied as spans); the SQL statements between them; and INSERT dumps
// (mysqldump's extended INSERTs, pg_dump --inserts), whose statements and
// tuples go through the SQL lexer (parsers/sql_lexer.h).
#include <benchmark/benchmark.h>

#include <memory>

#include "bench/bench_util.h"
#include "parsers/pg_plain_framer.h"
#include "parsers/sql_script_framer.h"
#include "src/config.h"
#include "src/plan.h"

namespace dbanon {
namespace {

std::string Dump() {
  return "SET standard_conforming_strings = on;\n"
         "COPY public.users (id, email, first_name, last_name, phone, address, created_at, bio) FROM stdin;\n" +
         bench::CopyRows(8 << 20) + "\\.\n";
}

void Frame(benchmark::State& state, const char* config_text) {
  const std::string dump = Dump();
  auto config = ParseConfig(config_text, "bench.toml");
  auto plan = RunPlan::Create(*config, "salt");
  size_t segments = 0;
  for (auto _ : state) {
    PgPlainFramer framer(plan->get());
    std::vector<Segment> out;
    auto consumed = framer.Frame(dump, true, &out);
    if (!consumed.ok() || *consumed != dump.size()) state.SkipWithError("framing failed");
    segments = out.size();
    benchmark::DoNotOptimize(segments);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(dump.size()));
}

void FrameCopy_Unconfigured(benchmark::State& state) { Frame(state, "# nothing configured\n"); }
BENCHMARK(FrameCopy_Unconfigured);

void FrameCopy_Configured(benchmark::State& state) { Frame(state, "[tables.users]\nemail = \"email\"\n"); }
BENCHMARK(FrameCopy_Configured);

void FrameSql_Statements(benchmark::State& state) {
  std::string dump;
  while (dump.size() < (4 << 20)) {
    dump +=
        "CREATE FUNCTION public.f() RETURNS text LANGUAGE plpgsql AS $_$ BEGIN RETURN 'COPY x FROM stdin;'; END $_$;\n"
        "COMMENT ON TABLE public.t IS 'it''s a table';\n-- a comment\nALTER TABLE ONLY public.t ADD CONSTRAINT "
        "t_pkey PRIMARY KEY (id);\n";
  }
  auto config = ParseConfig("[tables.users]\nemail = \"email\"\n", "bench.toml");
  auto plan = RunPlan::Create(*config, "salt");
  for (auto _ : state) {
    PgPlainFramer framer(plan->get());
    std::vector<Segment> out;
    auto consumed = framer.Frame(dump, true, &out);
    if (!consumed.ok()) state.SkipWithError("framing failed");
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(dump.size()));
}
BENCHMARK(FrameSql_Statements);

// INSERT tuples of the users table, `per_statement` to a statement, about
// `bytes` long: mysqldump's extended INSERT (backslash escapes) or pg_dump
// --inserts --rows-per-insert ('' doubling).
std::string InsertDump(bool mysql, size_t bytes) {
  std::string head = mysql ? "/*!40101 SET NAMES utf8mb4 */;\n-- comment\nCREATE TABLE `users` (\n  `id` int NOT NULL,\n"
                             "  `email` varchar(255),\n  `bio` text\n) ENGINE=InnoDB;\n"
                           : "SET standard_conforming_strings = on;\nCREATE TABLE public.users (\n    id integer NOT NULL,\n"
                             "    email text,\n    bio text\n);\n";
  std::string dump = head;
  const char* insert = mysql ? "INSERT INTO `users` VALUES " : "INSERT INTO public.users VALUES\n\t";
  int64_t id = 1;
  while (dump.size() < bytes) {
    dump += insert;
    for (int r = 0; r < 100; ++r, ++id) {
      if (r > 0) dump += mysql ? "," : ",\n\t";
      const std::string n = std::to_string(id);
      dump += "(" + n + ",'user" + n + "@example.invalid','" +
              (mysql ? "it\\'s a \\\"bio\\\" with \\\\ and (parens), commas" : "it''s a \"bio\" with \\ and (parens), commas") +
              " " + n + "')";
    }
    dump += ";\n";
  }
  return dump;
}

void FrameInsert(benchmark::State& state, bool mysql, const char* config_text) {
  const std::string dump = InsertDump(mysql, 8 << 20);
  auto config = ParseConfig(config_text, "bench.toml");
  auto plan = RunPlan::Create(*config, "salt");
  for (auto _ : state) {
    std::unique_ptr<Framer> framer;
    if (mysql) {
      framer = std::make_unique<SqlScriptFramer>(MySqlDialect(), plan->get());
    } else {
      framer = std::make_unique<PgPlainFramer>(plan->get());
    }
    std::vector<Segment> out;
    auto consumed = framer->Frame(dump, true, &out);
    if (!consumed.ok() || *consumed != dump.size()) state.SkipWithError("framing failed");
    benchmark::DoNotOptimize(out.size());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(dump.size()));
}

void FrameInsert_MySqlUnconfigured(benchmark::State& state) { FrameInsert(state, true, "# nothing configured\n"); }
BENCHMARK(FrameInsert_MySqlUnconfigured);
void FrameInsert_MySqlConfigured(benchmark::State& state) {
  FrameInsert(state, true, "[tables.users]\nemail = \"email\"\n");
}
BENCHMARK(FrameInsert_MySqlConfigured);
void FrameInsert_PgUnconfigured(benchmark::State& state) { FrameInsert(state, false, "# nothing configured\n"); }
BENCHMARK(FrameInsert_PgUnconfigured);
void FrameInsert_PgConfigured(benchmark::State& state) {
  FrameInsert(state, false, "[tables.users]\nemail = \"email\"\n");
}
BENCHMARK(FrameInsert_PgConfigured);

// MySQL statements between the data: DDL with comments, versioned comments
// and quoted names, as mysqldump writes them.
void FrameSql_MySqlStatements(benchmark::State& state) {
  std::string dump;
  while (dump.size() < (4 << 20)) {
    dump +=
        "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n-- a comment\n"
        "DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (\n  `id` int NOT NULL COMMENT 'it''s an \\'id\\'',\n"
        "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n";
  }
  auto config = ParseConfig("[tables.users]\nemail = \"email\"\n", "bench.toml");
  auto plan = RunPlan::Create(*config, "salt");
  for (auto _ : state) {
    SqlScriptFramer framer(MySqlDialect(), plan->get());
    std::vector<Segment> out;
    auto consumed = framer.Frame(dump, true, &out);
    if (!consumed.ok()) state.SkipWithError("framing failed");
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(dump.size()));
}
BENCHMARK(FrameSql_MySqlStatements);

}  // namespace
}  // namespace dbanon

BENCHMARK_MAIN();
