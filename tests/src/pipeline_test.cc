// The threaded pipeline (src/pipeline.h) end to end in memory: the same
// output for every thread count and batch size, and the first error in
// input order whatever the threads do. Run under ThreadSanitizer by .ci/run.
#include "src/pipeline.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "parsers/pg_plain_framer.h"
#include "src/config.h"
#include "src/plan.h"
#include "tests/src/memory_io.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

using testing::MemoryInput;
using testing::MemoryOutput;

std::string MakeDump(int rows, int bad_row = -1) {
  std::string d = "SET standard_conforming_strings = on;\n\nCOPY public.customer (id, email, note) FROM stdin;\n";
  for (int i = 0; i < rows; ++i) {
    if (i == bad_row) {
      d += "bad row with one field\n";
      continue;
    }
    d += std::to_string(i) + "\tuser" + std::to_string(i % 977) + "@example.invalid\tnote " + std::to_string(i) +
         std::string(static_cast<size_t>(i % 50), 'z') + "\n";
  }
  d += "\\.\n\nCOPY public.other (id) FROM stdin;\n";
  for (int i = 0; i < rows / 2; ++i) d += std::to_string(i) + "\n";
  d += "\\.\n";
  return d;
}

struct Outcome {
  absl::Status status;
  std::string output;
};

Outcome Run(const std::string& dump, int threads, size_t batch, size_t read_step, size_t fail_read_at = std::string::npos,
            size_t fail_write_after = std::string::npos) {
  auto config = ParseConfig("salt = \"s\"\n[tables.customer]\nemail = \"email\"\nnote = \"md5\"\n", "cfg.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "s");
  REQUIRE(plan.ok());
  PgPlainFramer framer(plan->get());
  Outcome o;
  InputFile in = InputFile::Filtered("in.sql", std::make_unique<MemoryInput>(dump, read_step, fail_read_at));
  OutputFile out = OutputFile::Filtered(std::make_unique<MemoryOutput>(&o.output, fail_write_after));
  PipelineOptions options;
  options.threads = threads;
  options.batch_bytes = batch;
  o.status = RunPipeline(in, "", out, framer, options);
  return o;
}

TEST_CASE("the pipeline gives the same output for every thread count and batch size") {
  const std::string dump = MakeDump(30000);
  const Outcome reference = Run(dump, 1, size_t{2} << 20, size_t{1} << 20);
  REQUIRE(reference.status.ok());
  CHECK(reference.output.size() > dump.size() / 2);
  for (int threads : {1, 2, 4, 8}) {
    for (size_t batch : {size_t{512}, size_t{4096}, size_t{64} << 10}) {
      CAPTURE(threads);
      CAPTURE(batch);
      Outcome o = Run(dump, threads, batch, 1000 + batch / 3);
      REQUIRE(o.status.ok());
      CHECK(o.output == reference.output);
    }
  }
}

TEST_CASE("the pipeline reports the first bad row in input order, whatever the threads") {
  const std::string dump = MakeDump(20000, 12345);
  for (int threads : {1, 3, 8}) {
    CAPTURE(threads);
    Outcome o = Run(dump, threads, 2048, 5000);
    REQUIRE_FALSE(o.status.ok());
    CHECK(o.status.code() == absl::StatusCode::kDataLoss);
    // The bad row is line 12349: 3 lines before the block, then rows 0...
    CHECK(ToStd(o.status.message()).rfind("in.sql:12349:", 0) == 0);
  }
}

TEST_CASE("a read error in the middle stops the pipeline with that error") {
  const std::string dump = MakeDump(20000);
  for (int threads : {1, 4}) {
    CAPTURE(threads);
    Outcome o = Run(dump, threads, 4096, 3000, dump.size() / 2);
    CHECK(o.status.code() == absl::StatusCode::kUnavailable);
    CHECK(o.output.size() < dump.size());
  }
}

TEST_CASE("a write error stops the pipeline with that error, without waiting for the input") {
  const std::string dump = MakeDump(20000);
  for (int threads : {1, 4}) {
    CAPTURE(threads);
    Outcome o = Run(dump, threads, 4096, 3000, std::string::npos, 100000);
    CHECK(o.status.code() == absl::StatusCode::kUnavailable);
    CHECK(o.output.size() <= 100000);
  }
}

}  // namespace
}  // namespace dbanon
