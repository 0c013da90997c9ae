// The whole pipeline (read, frame, rewrite on N workers, ordered write) over
// a 64 MiB COPY dump in a temporary file, output to /dev/null.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_util.h"
#include "parsers/pg_plain_framer.h"
#include "src/config.h"
#include "src/io.h"
#include "src/pipeline.h"
#include "src/plan.h"

namespace dbanon {
namespace {

const std::string& InputPath() {
  static const std::string path = [] {
    char name[] = "/tmp/dbanon-bench-XXXXXX";
    int fd = mkstemp(name);
    std::string dump =
        "COPY public.users (id, email, first_name, last_name, phone, address, created_at, bio) FROM stdin;\n" +
        bench::CopyRows(64 << 20) + "\\.\n";
    if (fd < 0 || write(fd, dump.data(), dump.size()) != static_cast<ssize_t>(dump.size())) std::abort();
    close(fd);
    std::atexit([] { unlink(InputPath().c_str()); });
    return std::string(name);
  }();
  return path;
}

void Pipeline_Threads(benchmark::State& state) {
  auto config = ParseConfig(
      "[tables.users]\nemail = \"email\"\nfirst_name = \"firstname\"\nlast_name = \"lastname\"\nphone = \"md5\"\n",
      "bench.toml");
  int null_fd = open("/dev/null", O_WRONLY);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto plan = RunPlan::Create(*config, "salt");
    auto in = InputFile::Open(InputPath());
    OutputFile out = OutputFile::ForDescriptor(null_fd);
    PgPlainFramer framer(plan->get());
    PipelineOptions options;
    options.threads = static_cast<int>(state.range(0));
    absl::Status s = RunPipeline(*in, "", out, framer, options);
    if (!s.ok()) state.SkipWithError("pipeline failed");
    bytes += 64 << 20;
  }
  close(null_fd);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(Pipeline_Threads)->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace dbanon

BENCHMARK_MAIN();
