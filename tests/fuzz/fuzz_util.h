// Shared pieces of the libFuzzer targets in tests/fuzz/ (see README.md
// there): a property check that aborts, a TableResolver that configures
// every table it meets, and a sequential stand-in for the pipeline that
// drives a Framer over input cut into chunks.
//
// Each target checks properties, not only the absence of a crash:
//  * with nothing configured, framing then re-emitting gives exactly the
//    input bytes, or a clean error ("LINE:COL: message");
//  * the same input cut at other chunk boundaries gives the same output or
//    the same error;
//  * with every table configured, the output parses again, with the same
//    number of rows per table.
//
// Thread-safety: none; a fuzz target runs on one thread.
#ifndef DBANON_TESTS_FUZZ_FUZZ_UTIL_H_
#define DBANON_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "anonymizers/anonymizer.h"
#include "parsers/framer.h"
#include "src/config.h"
#include "src/plan.h"
#include "base/string_view_compat.h"

// Aborts with `what` (never input bytes) when `cond` is false; libFuzzer
// then saves the input as a crash.
#define FUZZ_CHECK(cond, what)                                                        \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (false)

namespace dbanon::fuzz {

// 64-bit FNV-1a, to derive chunk sizes and choices from the input itself
// (libFuzzer wants a deterministic function of the input).
inline uint64_t Hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// True when `message` starts with "LINE:COL: " (1-based numbers), the form
// every framing and rewriting error takes (parsers/framer.h).
inline bool HasPosition(std::string_view message) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    size_t start = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    if (i == start || i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

// The anonymizers FuzzResolver configures: md5, a constant full of COPY and
// SQL special bytes, and null. They come from a real RunPlan, built once,
// so that they are created and keyed exactly as in a run.
inline const std::vector<const Anonymizer*>& FuzzAnonymizers() {
  static const std::vector<const Anonymizer*> anonymizers = [] {
    auto config = ParseConfig(
        "salt = \"fuzz\"\n"
        "[tables.fuzz]\n"
        "a = \"md5\"\n"
        "b = { anonymizer = \"constant\", options = { value = \"t\\tn\\nr\\rb\\\\q'd\\\"s;\\\\.e\" } }\n"
        "c = \"null\"\n",
        "fuzz.toml");
    FUZZ_CHECK(config.ok(), "the fuzz config parses");
    auto plan = RunPlan::Create(*config, "fuzz");
    FUZZ_CHECK(plan.ok(), "the fuzz plan builds");
    static std::unique_ptr<RunPlan> keep = *std::move(plan);
    auto row = keep->Resolve(TableName{"public", "fuzz"}, {"a", "b", "c"});
    FUZZ_CHECK(row.ok() && *row != nullptr, "the fuzz plan resolves");
    std::vector<const Anonymizer*> out;
    for (const RowPlan::Step& step : (*row)->steps) out.push_back(step.anonymizer);
    return out;
  }();
  return anonymizers;
}

// Configures nothing, or every table: column 0 gets md5, the last column
// the constant, column 1 NULL (FuzzAnonymizers). Counts rows.
class FuzzResolver : public TableResolver {
 public:
  explicit FuzzResolver(bool configure_all)
      : configure_all_(configure_all), anonymizers_(configure_all ? FuzzAnonymizers() : kNone) {}

  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    if (!configure_all_) return nullptr;
    // RunPlan refuses a configured column that the dump does not list; with
    // no columns at all, nothing can be configured: the same error.
    if (columns.empty()) return absl::InvalidArgumentError("configured column not in the column list");
    auto row = std::make_unique<RowPlan>();
    row->table = table;
    row->num_columns = columns.size();
    row->column_names = columns;
    row->configured.assign(columns.size(), false);
    auto add = [&](const Anonymizer* anonymizer, size_t column) {
      if (row->configured[column]) return;
      row->steps.push_back(RowPlan::Step{anonymizer, {column}});
      row->configured[column] = true;
    };
    add(anonymizers_[0], 0);
    add(anonymizers_[1], columns.size() - 1);
    if (columns.size() > 2) add(anonymizers_[2], 1);
    plans_.push_back(std::move(row));
    return plans_.back().get();
  }
  bool IsConfigured(const TableName&) const override { return configure_all_; }
  void CountRows(const TableName& table, int64_t rows) override { rows_[table] += rows; }
  void SawTable(const TableName& table) override { rows_[table] += 0; }

  const std::map<TableName, int64_t>& rows() const { return rows_; }

 private:
  static inline const std::vector<const Anonymizer*> kNone;
  bool configure_all_;
  const std::vector<const Anonymizer*>& anonymizers_;
  std::vector<std::unique_ptr<RowPlan>> plans_;
  std::map<TableName, int64_t> rows_;
};

// What the pipeline (src/pipeline.cc) does, on one thread: feeds `input` to
// `framer` `chunk` bytes at a time, carrying the unconsumed tail over, and
// writes raw segments as they are, rows rewritten, dropped ones not at all.
// Checks the Framer contract on the way: segments in order, contiguous,
// covering exactly the consumed bytes; everything consumed at the end.
inline absl::Status Drive(Framer& framer, std::string_view input, size_t chunk, std::string* out) {
  std::string pending;
  size_t fed = 0;
  Scratch scratch;
  std::vector<Segment> segments;
  if (chunk == 0) chunk = 1;
  while (true) {
    size_t take = std::min(chunk, input.size() - fed);
    pending.append(input.data() + fed, take);
    fed += take;
    const bool eof = fed == input.size();
    segments.clear();
    auto consumed = framer.Frame(pending, eof, &segments);
    if (!consumed.ok()) return consumed.status();
    FUZZ_CHECK(*consumed <= pending.size(), "Frame consumed no more than its input");
    size_t at = 0;
    for (const Segment& s : segments) {
      FUZZ_CHECK(s.begin == at && s.end >= s.begin && s.end <= *consumed, "segments are contiguous and in range");
      at = s.end;
      std::string_view bytes(pending.data() + s.begin, s.end - s.begin);
      switch (s.kind) {
        case Segment::Kind::kRaw:
          out->append(bytes);
          break;
        case Segment::Kind::kRows: {
          FUZZ_CHECK(s.plan != nullptr && s.rewriter != nullptr, "a rows segment has a plan and a rewriter");
          absl::Status st = s.rewriter->Rewrite(*s.plan, bytes, s.first_line, s.first_col, out, scratch);
          if (!st.ok()) return st;
          break;
        }
        case Segment::Kind::kDrop:
          break;
      }
    }
    FUZZ_CHECK(at == *consumed, "segments cover the consumed bytes");
    pending.erase(0, *consumed);
    if (eof) {
      FUZZ_CHECK(pending.empty(), "everything is consumed at the end of input");
      return absl::OkStatus();
    }
  }
}

// Checks that `s` is an error a user may see: a position first, and a code
// that main.cc maps to "malformed input" or "config mismatch".
inline void CheckCleanError(const absl::Status& s) {
  FUZZ_CHECK(s.code() == absl::StatusCode::kDataLoss || s.code() == absl::StatusCode::kInvalidArgument ||
                 s.code() == absl::StatusCode::kFailedPrecondition || s.code() == absl::StatusCode::kUnimplemented,
             "errors are DataLoss, InvalidArgument, FailedPrecondition or Unimplemented");
  FUZZ_CHECK(HasPosition(ToStd(s.message())), "errors start with LINE:COL:");
}

}  // namespace dbanon::fuzz

#endif  // DBANON_TESTS_FUZZ_FUZZ_UTIL_H_
