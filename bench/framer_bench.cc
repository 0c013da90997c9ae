// Framing a pg_dump plain-format dump: COPY blocks of configured tables (rows
// handed to workers) and of unconfigured ones (copied as spans).
#include <benchmark/benchmark.h>

#include "bench/bench_util.h"
#include "parsers/pg_plain_framer.h"
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

}  // namespace
}  // namespace dbanon

BENCHMARK_MAIN();
