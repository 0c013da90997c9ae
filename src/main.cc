// dbanon: anonymizes database dumps without a database.
//
// The command line: the flags, the printing and the exit codes. The only
// file that prints to the terminal or exits (with check_main.cc for `dbanon
// check`); the run itself is src/run.h, which returns absl::Status.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "anonymizers/anonymizer.h"
#include "base/exit_class.h"
#include "parsers/dump_format.h"
#include "src/build_info.h"
#include "src/check_main.h"
#include "src/compression.h"
#include "src/flags.h"
#include "src/io.h"
#include "src/report.h"
#include "src/run.h"

namespace dbanon {
namespace {

// Exit codes (README, "Exit codes").
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;      // usage or config error
constexpr int kExitInput = 3;      // malformed or unsupported input
constexpr int kExitIo = 4;         // read or write error
constexpr int kExitClosedPipe = 141;  // 128 + SIGPIPE: the reader of our output went away

const std::string_view kUsage = UsageText(Command::kRun);

// The one place where an error becomes an exit code: its exit class
// (base/exit_class.h), set where the error was born.
int ExitCodeFor(const absl::Status& s) {
  switch (ExitClassOf(s)) {
    case ExitClass::kUsage:
      return kExitUsage;
    case ExitClass::kInput:
      return kExitInput;
    case ExitClass::kIo:
      return kExitIo;
    case ExitClass::kClosedPipe:
      return kExitClosedPipe;
    case ExitClass::kInternal:
      break;
  }
  return kExitInternal;
}

void OnSignal(int sig) {
  // Async-signal-safe: unlink and _exit only.
  if (const char* temp = PendingTempFile()) ::unlink(temp);
  RemovePendingTempDirForSignal();
  ::_exit(128 + sig);
}

void InstallSignalHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnSignal;
  sigfillset(&sa.sa_mask);  // one signal at a time: the handler is not re-entered
  // Every signal whose default action ends the process and that a handler
  // may catch (signal(7)), except the faults (SIGSEGV, SIGBUS, SIGILL,
  // SIGFPE, SIGABRT, SIGTRAP, SIGSYS: a bug, whose core dump and sanitizer
  // report matter more) and SIGPIPE/SIGXFSZ (ignored below). SIGKILL cannot
  // be caught: README says what it leaves.
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
                  SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT}) {
    ::sigaction(sig, &sa, nullptr);
  }
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) ::sigaction(sig, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // writes to a closed pipe return EPIPE instead
  // Past the file size limit (ulimit -f) a write fails with EFBIG instead
  // of killing the process: an I/O error (exit 4), the temp file removed.
  ::signal(SIGXFSZ, SIG_IGN);
}

int Fail(const absl::Status& s) {
  // Every message starts with the file it is about ("PATH:LINE:COL: ...").
  if (ExitClassOf(s) != ExitClass::kClosedPipe) std::cerr << s.message() << "\n";
  return ExitCodeFor(s);
}

int ListAnonymizers() {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    std::cout << info.name << ": " << info.summary << "\n";
    for (const std::string& option : info.options) std::cout << "    " << option << "\n";
  }
  return kExitOk;
}

// Every warning reaches standard error here: the run's and the plan's.
void PrintWarnings(const std::vector<std::string>& warnings, bool quiet) {
  if (quiet) return;
  for (const std::string& w : warnings) std::cerr << w << "\n";
}

// The pieces and batches (2 MiB, a few per thread) are freed and allocated
// again all run long, and glibc gave freed heap tops back to the kernel, so
// each new piece page-faulted its memory in again (perf on a pg_dump -Fc
// archive: a sixth of the CPU in page faults). A trim threshold of 256 MiB
// took the system time of an archive run from 0.24 s to 0.15 s of 0.9 s
// (bench/README.md). Setting it also fixes glibc's mmap threshold at its
// 128 KiB default (mallopt(3): no dynamic threshold), so blocks over that
// still come from mmap and go back when freed: memory stays bounded by what
// is in use. (A larger mmap threshold, tried 2026-12-06 at glibc's 32 MiB
// maximum, changed neither CPU time nor page faults of an archive run now
// that pieces are reused, and would keep long values' buffers in the heap.)
void KeepFreedBlocks() { mallopt(M_TRIM_THRESHOLD, 256 << 20); }

int Main(int argc, char** argv) {
  KeepFreedBlocks();
  if (argc > 1 && std::strcmp(argv[1], "check") == 0) return CheckMain(argc - 1, argv + 1, ExitCodeFor);
  InstallSignalHandlers();
  RunFlags flags;
  flags.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool verbose = false;
  std::optional<std::string> report_path;
  bool progress_lines = false;
  bool quiet = false;
  const auto start = std::chrono::steady_clock::now();
  FlagReader reader(argc, argv, Command::kRun);
  // A usage error: its message, then the exit code.
  auto usage_error = [](const absl::Status& s) {
    std::cerr << s.message() << "\n";
    return kExitUsage;
  };
  for (Flag flag = reader.Next(); flag != Flag::kEnd; flag = reader.Next()) {
    const char* value = reader.value();
    switch (flag) {
      case Flag::kConfig: flags.config_path = value; break;
      case Flag::kConnection: flags.connection = value; break;
      case Flag::kOutput: flags.output = value; break;
      case Flag::kThreads: {
        auto threads = ParseThreadsFlag(value);
        if (!threads.ok()) return usage_error(threads.status());
        flags.threads = *threads;
        break;
      }
      case Flag::kVerbose: verbose = true; break;
      case Flag::kQuiet: quiet = true; break;
      case Flag::kProgress: progress_lines = true; break;
      case Flag::kReport: report_path = value; break;
      case Flag::kStrict: flags.strict = true; break;
      case Flag::kAllowMissing: flags.allow_missing = true; break;
      case Flag::kFormat: {
        auto format = ParseFormatFlag(value);
        if (!format.ok()) return usage_error(format.status());
        flags.format = *format;
        break;
      }
      case Flag::kCompress: {
        auto spec = ParseCompressionSpec(value);
        if (!spec.ok()) {
          std::cerr << "dbanon: " << spec.status().message() << "\n";
          return kExitUsage;
        }
        flags.compress = *spec;
        break;
      }
      case Flag::kSaltFile: flags.salt_file = value; break;
      case Flag::kSchema: flags.schema_path = value; break;
      case Flag::kHelp: std::cout << kUsage; return kExitOk;
      case Flag::kVersion: std::cout << VersionText(); return kExitOk;
      case Flag::kSample:
      case Flag::kSuggest:  // `dbanon check` only: FlagReader does not return them
      case Flag::kEnd:
      case Flag::kUnknown:
        std::cerr << "dbanon: unknown or incomplete option '" << reader.bad_flag() << "'\n" << kUsage;
        return kExitUsage;
    }
  }
  std::vector<std::string> args(argv + reader.first_argument(), argv + argc);
  if (!args.empty() && args[0] == "list") {
    if (args.size() > 1) {
      std::cerr << "dbanon: 'list' takes no arguments\n";
      return kExitUsage;
    }
    return ListAnonymizers();
  }
  if (args.size() > 1) {
    std::cerr << "dbanon: more than one input given\n" << kUsage;
    return kExitUsage;
  }
  flags.input = args.empty() ? "-" : args[0];
  if (flags.input == "-" && ::isatty(STDIN_FILENO)) {
    // As zstd does: a dump is never typed in, and waiting would look like a hang.
    std::cerr << "dbanon: standard input is a terminal: give the dump as INPUT or pipe it in\n" << kUsage;
    return kExitUsage;
  }

  flags.salt_env = std::getenv("DBANON_SALT");
  std::vector<std::string> setup_warnings;
  auto prepared = PrepareRun(flags, &setup_warnings);
  PrintWarnings(setup_warnings, quiet);
  if (!prepared.ok()) return Fail(prepared.status());
  ReportFacts facts;
  facts.start = start;
  facts.input = flags.input == "-" ? "<stdin>" : flags.input;
  facts.output = flags.output == "-" ? "<stdout>" : flags.output;
  facts.salt_source = prepared->salt_configured ? "configured" : "random (this run only)";
  facts.salt_id = prepared->salt_id;
  Progress progress(quiet                  ? Progress::Mode::kOff
                    : progress_lines       ? Progress::Mode::kLines
                    : ::isatty(2) != 0     ? Progress::Mode::kTerminal
                                           : Progress::Mode::kOff,
                    InputSize(flags.input));
  auto outcome = RunDump(flags, *prepared);
  progress.Stop();  // the status line erased before anything else is printed
  if (!outcome.ok()) return Fail(outcome.status());
  PrintWarnings(outcome->warnings, quiet);
  const RunPlan& plan = *prepared->plan;
  if (verbose) {
    for (const std::string& line : plan.Summary()) std::cerr << "dbanon: " << line << "\n";
  }
  if (report_path.has_value()) {
    facts.input_format = outcome->input_format;
    facts.output_format = outcome->output_format;
    if (absl::Status s = WriteReport(*report_path, facts, plan); !s.ok()) return Fail(s);
  }
  return kExitOk;
}

}  // namespace
}  // namespace dbanon

int main(int argc, char** argv) { return dbanon::Main(argc, argv); }
