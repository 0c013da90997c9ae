// Fuzz target for the TOML config loader (src/config.h) and the anonymizer
// factories it feeds (src/plan.h, anonymizers/registry.cc).
//
// Properties: ParseConfig and RunPlan::Create either succeed or return an
// InvalidArgument "fuzz.toml:LINE:COL: message"; no exception escapes. For
// a config that loads, every anonymizer it names is created and run on a
// few values (NULL, empty, text, numbers, dates, bytes of the input): each
// gives one output per column, NULL in gives NULL out (except `null`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "src/config.h"
#include "src/plan.h"
#include "tests/fuzz/fuzz_util.h"

namespace dbanon::fuzz {
namespace {

void CheckConfigError(const absl::Status& s) {
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, "config errors are InvalidArgument");
  std::string_view m = ToStd(s.message());
  constexpr std::string_view kPrefix = "fuzz.toml:";
  FUZZ_CHECK(m.substr(0, kPrefix.size()) == kPrefix, "config errors name the file");
  FUZZ_CHECK(HasPosition(m.substr(kPrefix.size())), "config errors give LINE:COL:");
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon;
  using namespace dbanon::fuzz;
  if (size > 65536) return -1;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ParseConfig(text, "fuzz.toml");
  if (!config.ok()) {
    CheckConfigError(config.status());
    return 0;
  }
  auto plan = RunPlan::Create(*config, "fuzz");
  if (!plan.ok()) {
    CheckConfigError(plan.status());
    return 0;
  }
  // Run each anonymizer on a few values, the way RunPlan built it.
  Prf salt("fuzz");
  Scratch scratch;
  const std::vector<std::string> values = {"",      "a",        "Jean-Pierre", "12345",       "-7.25",
                                           "2024-02-29", "2024-02-29 13:37:00+02", "user@example.com",
                                           std::string(text.substr(0, 64)), std::string("\0\xff\x80", 3)};
  for (const TableConfig& table : config->tables) {
    for (const ColumnRule& rule : table.rules) {
      auto made = CreateAnonymizer(rule.anonymizer, Options(rule.options), salt, rule.target);
      FUZZ_CHECK(made.ok(), "an anonymizer that RunPlan accepted is created again");
      const Anonymizer& a = **made;
      const size_t n = a.columns().size();
      FUZZ_CHECK(n > 0, "an anonymizer has columns");
      std::vector<Cell> in(n), out(n);
      for (size_t v = 0; v <= values.size(); ++v) {
        for (size_t j = 0; j < n; ++j) {
          in[j] = v == values.size() ? Cell::Null() : Cell{values[(v + j) % values.size()], false};
        }
        a.Anonymize(in, scratch, out);
        for (size_t j = 0; j < n; ++j) {
          if (in[j].is_null && rule.anonymizer != "null") {
            FUZZ_CHECK(out[j].is_null, "NULL stays NULL");
          }
          if (!out[j].is_null) {
            // Touch every byte so that ASan sees a dangling view.
            volatile unsigned sum = 0;
            for (char c : out[j].value) sum = sum + static_cast<unsigned char>(c);
            (void)sum;
          }
        }
      }
    }
  }
  return 0;
}
