// What a run tells its user besides errors (README, "Progress and reports"):
// the terminal status line and the --progress lines while it runs, and the
// --report JSON after a successful run. Names, sizes and counts only, never
// a value from the dump.
//
// Thread-safety: Progress runs a thread of its own that reads the
// process-wide counters of src/run_stats.h; construct, Stop and destroy it
// from one thread. The other functions are called by main() after the run.
#ifndef DBANON_SRC_REPORT_H_
#define DBANON_SRC_REPORT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "base/mutex.h"
#include "src/plan.h"

namespace dbanon {

// The status line (kTerminal: "\r" + erase + line on standard error, at most
// 10 a second, erased by Stop) or a plain line every 10 s (kLines): bytes
// read, and of `total_bytes` with percent and ETA when it is not 0, MB/s,
// the table being read.
class Progress {
 public:
  enum class Mode { kOff, kTerminal, kLines };
  Progress(Mode mode, uint64_t total_bytes);
  // Stops the thread and erases the status line; idempotent.
  void Stop();
  ~Progress() { Stop(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  void Print();
  void Loop();

  Mode mode_;
  uint64_t total_;
  Clock::time_point start_;
  std::thread thread_;
  Mutex mu_;
  CondVar cv_;  // stop_ became true
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool printed_ = false;
};

// One progress line, without line end: "dbanon: 12.0 MiB of 48.0 MiB (25%),
// 6.3 MB/s, ETA 0:06, table public.customer". `read` and `total` in bytes
// (total 0: unknown, no percent nor ETA), `seconds` since the start, `table`
// the table being read ("" before the first). MiB are 2^20 bytes, MB/s 10^6
// bytes a second.
std::string ProgressLine(uint64_t read, uint64_t total, double seconds, const std::string& table);

// The input's size in bytes (a folder: the sum of its files; "-": standard
// input when it is a regular file), 0 when unknown (a pipe).
uint64_t InputSize(const std::string& path);

// A keyed fingerprint of the salt: the first 8 bytes, in hex, of
// HMAC-SHA256 keyed by the salt over a fixed label (RFC 2104; OpenSSL's
// HMAC). Equal salts give equal identifiers; without the salt the
// identifier tells nothing about it (HMAC is a PRF under its key).
std::string SaltIdentifier(std::string_view salt);

// What main() knows of the run, for the report.
struct ReportFacts {
  std::string input, output;                // paths; "<stdin>", "<stdout>"
  std::string input_format, output_format;  // "pg_dump -Fc", "postgres plain, gzip", ...
  std::string salt_source;                  // "configured" or "random (this run only)"
  std::string salt_id;                      // SaltIdentifier
  std::chrono::steady_clock::time_point start;
};

// Writes the --report JSON to `path` (atomically, as the output). Call after
// the run: the per-column counts are summed when the workers' Scratch are
// destroyed. Errors: those of OutputFile (io.h).
absl::Status WriteReport(const std::string& path, const ReportFacts& facts, const RunPlan& plan);

}  // namespace dbanon

#endif  // DBANON_SRC_REPORT_H_
