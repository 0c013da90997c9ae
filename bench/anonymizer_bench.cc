// Every registered anonymizer with its documented example options, in
// deterministic mode (fixed salt): values per second on distinct inputs.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "bench/bench_util.h"
#include "src/config.h"

namespace dbanon {
namespace {

void RunAnonymizer(benchmark::State& state, std::string name, std::string example) {
  auto options = ParseInlineOptions(example);
  Prf salt("bench salt");
  auto made = CreateAnonymizer(name, Options(*options), salt, "col");
  if (!made.ok()) {
    state.SkipWithError("cannot create the anonymizer");
    return;
  }
  const Anonymizer& a = **made;
  std::vector<std::string> inputs = bench::AnonymizerInputs(name, 4096);
  size_t width = a.columns().size();
  std::vector<Cell> in(width), out(width);
  Scratch scratch;
  size_t i = 0;
  for (auto _ : state) {
    for (size_t c = 0; c < width; ++c) in[c] = Cell{inputs[(i + c) & 4095], false};
    a.Anonymize(in, scratch, out);
    benchmark::DoNotOptimize(out.data());
    ++i;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

int RegisterAll() {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    benchmark::RegisterBenchmark(("Anonymize_" + info.name).c_str(), RunAnonymizer, info.name, info.example);
  }
  return 0;
}
const int registered = RegisterAll();

}  // namespace
}  // namespace dbanon

BENCHMARK_MAIN();
