// Fuzz target for the pg_dump custom-archive reader and writer
// (parsers/pg_archive.h, src/archive_job.h): the input is a whole archive,
// read from memory and written to memory.
//
// Properties:
//  * ParseArchiveHead accepts or refuses cleanly; what it accepts
//    serialises to bytes that parse to the same TOC, and serialising that
//    again gives the same bytes;
//  * RunCustomArchive succeeds or fails with a clean "NAME:..." error;
//    with nothing configured, running it again on its output gives the same
//    output (a fixed point); with every table configured, the output is
//    read again with the same number of rows per table.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "parsers/pg_archive.h"
#include "src/archive_job.h"
#include "src/io.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/src/memory_io.h"

namespace dbanon::fuzz {
namespace {

using ::dbanon::testing::MemoryInput;
using ::dbanon::testing::MemoryOutput;

struct Run {
  absl::Status status;
  std::string output;
  std::map<TableName, int64_t> rows;
};

Run RunArchive(std::string_view input, bool configure_all, size_t step) {
  Run run;
  FuzzResolver resolver(configure_all);
  InputFile in = InputFile::Filtered("fuzz.dump", std::make_unique<MemoryInput>(input, step));
  OutputFile out = OutputFile::Filtered(std::make_unique<MemoryOutput>(&run.output));
  ArchiveOptions options;
  options.threads = 1;
  options.batch_bytes = 4096;
  run.status = RunCustomArchive(in, "", out, resolver, options);
  if (run.status.ok()) run.status = out.Commit();
  run.rows = resolver.rows();
  if (!run.status.ok()) {
    const absl::StatusCode code = run.status.code();
    FUZZ_CHECK(code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kUnimplemented || code == absl::StatusCode::kFailedPrecondition,
               "archive errors are DataLoss, InvalidArgument, Unimplemented or FailedPrecondition");
    FUZZ_CHECK(ToStd(run.status.message()).substr(0, 10) == "fuzz.dump:", "archive errors name the input");
  }
  return run;
}

void CheckHeadRoundTrip(std::string_view input) {
  auto parsed = ParseArchiveHead(input, ArchiveFormat::kCustom);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kDataLoss, "header errors are DataLoss");
    return;
  }
  if (!parsed->has_value()) return;
  const ArchiveHead& head = **parsed;
  FUZZ_CHECK(head.size <= input.size() && head.header_size <= head.size, "the head lies inside the input");
  std::string bytes = SerializeArchiveHead(head);
  auto again = ParseArchiveHead(bytes, ArchiveFormat::kCustom);
  FUZZ_CHECK(again.ok() && again->has_value(), "a serialised head parses");
  FUZZ_CHECK((*again)->size == bytes.size(), "a serialised head is all head");
  FUZZ_CHECK((*again)->toc.size() == head.toc.size(), "a serialised head has the same TOC entries");
  for (size_t i = 0; i < head.toc.size(); ++i) {
    const TocEntry& a = head.toc[i];
    const TocEntry& b = (*again)->toc[i];
    FUZZ_CHECK(a.dump_id == b.dump_id && a.tag == b.tag && a.desc == b.desc && a.defn == b.defn &&
                   a.copy_stmt == b.copy_stmt && a.namespace_name == b.namespace_name &&
                   a.dependencies == b.dependencies && a.offset_flag == b.offset_flag,
               "a serialised TOC entry reads back the same");
  }
  FUZZ_CHECK(SerializeArchiveHead(**again) == bytes, "serialising is a fixed point");
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon::fuzz;
  if (size > (size_t{1} << 20)) return -1;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckHeadRoundTrip(input);

  const size_t step = 1 + Hash(input) % 4096;
  Run plain = RunArchive(input, false, step);
  if (plain.status.ok()) {
    Run again = RunArchive(plain.output, false, 1 << 16);
    FUZZ_CHECK(again.status.ok(), "the output of a pass-through run is read again");
    FUZZ_CHECK(again.output == plain.output, "a pass-through run is a fixed point on its output");
  }
  Run conf = RunArchive(input, true, step);
  if (conf.status.ok()) {
    Run again = RunArchive(conf.output, true, 1 << 16);
    FUZZ_CHECK(again.status.ok(), "the anonymized archive is read again");
    FUZZ_CHECK(again.rows == conf.rows, "the anonymized archive has the same rows per table");
  }
  return 0;
}
