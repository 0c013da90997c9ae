// Every registered anonymizer with its documented example options, in
// deterministic mode (fixed salt): values per second on distinct inputs.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "src/config.h"

namespace dbanon {
namespace {

// Inputs that suit most anonymizers: e-mail-like strings with digits, so
// number, date and card anonymizers still find something to work on.
std::vector<std::string> Inputs(std::string_view name) {
  std::vector<std::string> v;
  for (int i = 0; i < 4096; ++i) {
    if (name == "integer" || name == "float") {
      v.push_back(std::to_string(i * 37 + 11));
    } else if (name == "date") {
      v.push_back("2024-03-" + std::to_string(10 + i % 18) + " 10:11:12+00");
    } else if (name == "ip") {
      v.push_back("192.168." + std::to_string(i % 256) + "." + std::to_string(i / 16));
    } else if (name == "credit_card") {
      v.push_back("4111 1111 1111 " + std::to_string(1000 + i % 9000));
    } else if (name == "json") {
      v.push_back("{\"email\": \"user" + std::to_string(i) + "@example.invalid\", \"n\": 1}");
    } else {
      v.push_back("user" + std::to_string(i) + "@example.invalid");
    }
  }
  return v;
}

void RunAnonymizer(benchmark::State& state, std::string name, std::string example) {
  auto options = ParseInlineOptions(example);
  Prf salt("bench salt");
  auto made = CreateAnonymizer(name, Options(*options), salt, "col");
  if (!made.ok()) {
    state.SkipWithError("cannot create the anonymizer");
    return;
  }
  const Anonymizer& a = **made;
  std::vector<std::string> inputs = Inputs(name);
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
