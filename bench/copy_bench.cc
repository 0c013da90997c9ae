// COPY text primitives: field splitting, unescape, escape.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/bench_util.h"
#include "parsers/pg_copy.h"

namespace dbanon {
namespace {

void SplitCopyRow_UsersRows(benchmark::State& state) {
  const std::string rows = bench::CopyRows(1 << 20);
  std::vector<std::string_view> fields;
  size_t n = 0;
  for (auto _ : state) {
    n = 0;
    size_t pos = 0;
    while (pos < rows.size()) {
      size_t nl = rows.find('\n', pos);
      SplitCopyRow(std::string_view(rows).substr(pos, nl - pos), &fields);
      n += fields.size();
      pos = nl + 1;
    }
    benchmark::DoNotOptimize(n);
  }
  if (n % 8 != 0) state.SkipWithError("rows do not have 8 fields");
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(rows.size()));
}
BENCHMARK(SplitCopyRow_UsersRows);

void CopyUnescape_Text(benchmark::State& state) {
  std::string raw;
  for (int i = 0; i < 2000; ++i) raw += "line\\none\\ttab back\\\\slash plain text here ";
  std::string out;
  for (auto _ : state) {
    out.clear();
    CopyUnescape(raw, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(raw.size()));
}
BENCHMARK(CopyUnescape_Text);

void CopyEscape_Text(benchmark::State& state) {
  std::string value;
  for (int i = 0; i < 2000; ++i) value += "line\none\ttab back\\slash plain text here ";
  std::string out;
  for (auto _ : state) {
    out.clear();
    CopyEscape(value, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(value.size()));
}
BENCHMARK(CopyEscape_Text);

void CopyEscape_PlainEmail(benchmark::State& state) {
  std::string value = "anon-0123456789abcdef0123456789abcdef@example.com";
  std::string out;
  for (auto _ : state) {
    out.clear();
    CopyEscape(value, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(CopyEscape_PlainEmail);

}  // namespace
}  // namespace dbanon

BENCHMARK_MAIN();
