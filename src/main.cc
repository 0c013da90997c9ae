// dbanon: anonymizes database dumps without a database.
//
// The only file that prints to the terminal or exits; everything else
// returns absl::Status.
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/string_view_compat.h"
#include "anonymizers/anonymizer.h"
#include "base/exit_class.h"
#include "parsers/dump_format.h"
#include "parsers/pg_archive.h"
#include "parsers/pg_plain_framer.h"
#include "src/archive_job.h"
#include "src/check_main.h"
#include "src/compressed_io.h"
#include "src/build_info.h"
#include "src/compression.h"
#include "src/config.h"
#include "src/io.h"
#include "src/pipeline.h"
#include "src/plan.h"
#include "src/report.h"
#include "src/run_stats.h"
#include "src/schema.h"
#include "src/tar_archive.h"

namespace dbanon {
namespace {

// Exit codes (README, "Exit codes").
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;      // usage or config error
constexpr int kExitInput = 3;      // malformed or unsupported input
constexpr int kExitIo = 4;         // read or write error
constexpr int kExitClosedPipe = 141;  // 128 + SIGPIPE: the reader of our output went away

constexpr char kUsage[] =
    "usage: dbanon [-c CONFIG] [-o OUTPUT] [-j THREADS] [-v] [--strict] [--allow-missing] [INPUT]\n"
    "       dbanon list\n"
    "       dbanon check [-c CONFIG] [--sample N] [--suggest] [INPUT]   (dbanon check -h)\n"
    "\n"
    "Anonymizes a database dump without a database: reads the dump (INPUT, or\n"
    "standard input when absent or '-'), rewrites the columns configured in\n"
    "CONFIG, and writes the dump (OUTPUT, or standard output).\n"
    "\n"
    "  -c, --config FILE    configuration (default ./dbanon.toml): TOML, or DbToolsBundle\n"
    "                       YAML (.yaml/.yml: db_tools.config.yaml, Symfony's\n"
    "                       db_tools.yaml or an anonymization file)\n"
    "      --connection NAME  the DbToolsBundle connection whose anonymization is\n"
    "                       used (default: 'default', or the only one)\n"
    "  -o, --output FILE    write FILE atomically; nothing is left there on failure\n"
    "  -j, --threads N      worker threads (default: number of cores; 1: one thread does all)\n"
    "  -v, --verbose        print every table with its rows and whether it was anonymized,\n"
    "                       kept, truncated or uncovered, on standard error at the end\n"
    "      --strict         every column of every table must be covered (as strict = true)\n"
    "      --allow-missing  a configured table or column the dump lacks is a warning\n"
    "                       (partial dumps, pg_dump -t), not an error\n"
    "      --format FORMAT  pg, mysql or sqlite: the syntax of a plain dump (pg_dump,\n"
    "                       mysqldump/mariadb-dump, sqlite3 .dump); default: detected\n"
    "      --compress SPEC  none, gzip[:1-9], lz4[:1-12] or zstd[:1-19]: compresses a\n"
    "                       plain output (default: by the -o suffix .gz, .zst, .lz4);\n"
    "                       for a pg_dump -Fc/-Fd archive, its compression\n"
    "      --salt-file FILE the salt (at least 16 bytes; one final line break is\n"
    "                       dropped); overrides DBANON_SALT and the config\n"
    "      --schema FILE    a schema-only dump (pg_dump -s, any format) of the database\n"
    "                       of a data-only dump (pg_dump -a): its tables, columns and\n"
    "                       partitions\n"
    "  -h, --help           this help\n"
    "  -q, --quiet          print only errors (no warnings, no status line)\n"
    "      --progress       a plain progress line every 10 s (CI logs) instead of the\n"
    "                       terminal status line\n"
    "      --report FILE    write a JSON report (formats, bytes, seconds, rows and\n"
    "                       action per table, counts per column, a salt identifier)\n"
    "      --version        print the version and the libraries' versions\n"
    "\n"
    "  list                 every anonymizer with its options and defaults\n"
    "\n"
    "Environment: DBANON_SALT overrides the config's salt and salt_file. Without any\n"
    "salt a random one is used: outputs then differ from run to run.\n"
    "Exit codes: 0 success, 2 usage or config error, 3 malformed or unsupported\n"
    "input, 4 I/O error, 130/143 interrupted, 141 output pipe closed.\n";

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

std::string RandomSalt() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return std::string(reinterpret_cast<char*>(bytes), sizeof(bytes));
}

// Refuses inputs this version cannot read instead of passing them through:
// passing through what was not parsed would leak the data.
absl::Status CheckFormat(std::string_view head) {
  if (DetectCompressedStream(head)) return absl::UnimplementedError("the input is compressed twice");
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "check") == 0) return CheckMain(argc - 1, argv + 1, ExitCodeFor);
  InstallSignalHandlers();
  std::string config_path = "dbanon.toml";
  std::string output = "-";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool verbose = false;

  std::optional<CompressionSpec> compress;
  std::optional<DumpFormat> format;
  std::optional<std::string> salt_file;
  std::optional<std::string> connection;
  enum { kVersion = 1000, kCompress, kFormat, kSaltFile, kConnection, kSchema, kStrict, kAllowMissing, kReport, kProgress };
  std::string schema_path;
  bool strict = false;
  bool allow_missing = false;
  std::optional<std::string> report_path;
  bool progress_lines = false;
  bool quiet = false;
  const auto start = std::chrono::steady_clock::now();
  static const struct option kLong[] = {
      {"config", required_argument, nullptr, 'c'}, {"output", required_argument, nullptr, 'o'},
      {"threads", required_argument, nullptr, 'j'}, {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},          {"version", no_argument, nullptr, kVersion},
      {"compress", required_argument, nullptr, kCompress},
      {"format", required_argument, nullptr, kFormat},
      {"salt-file", required_argument, nullptr, kSaltFile},
      {"connection", required_argument, nullptr, kConnection},
      {"schema", required_argument, nullptr, kSchema},
      {"strict", no_argument, nullptr, kStrict},
      {"allow-missing", no_argument, nullptr, kAllowMissing},
      {"report", required_argument, nullptr, kReport},
      {"progress", no_argument, nullptr, kProgress},
      {"quiet", no_argument, nullptr, 'q'},
      {nullptr, 0, nullptr, 0},
  };
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "c:o:j:vqh", kLong, nullptr)) != -1) {
    switch (opt) {
      case 'c': config_path = optarg; break;
      case 'o': output = optarg; break;
      case 'j':
        if (!absl::SimpleAtoi(optarg, &threads) || threads < 1 || threads > 256) {
          std::cerr << "dbanon: -j takes a number of threads from 1 to 256\n";
          return kExitUsage;
        }
        break;
      case 'v': verbose = true; break;
      case kStrict: strict = true; break;
      case kAllowMissing: allow_missing = true; break;
      case 'h': std::cout << kUsage; return kExitOk;
      case kVersion: std::cout << VersionText(); return kExitOk;
      case kSaltFile: salt_file = optarg; break;
      case kConnection: connection = optarg; break;
      case kReport: report_path = optarg; break;
      case kProgress: progress_lines = true; break;
      case 'q': quiet = true; break;
      case kFormat:
        format = ParseDumpFormat(optarg);
        if (!format.has_value()) {
          std::cerr << "dbanon: --format takes pg, mysql or sqlite\n";
          return kExitUsage;
        }
        break;
      case kSchema: schema_path = optarg; break;
      case kCompress: {
        auto spec = ParseCompressionSpec(optarg);
        if (!spec.ok()) {
          std::cerr << "dbanon: " << spec.status().message() << "\n";
          return kExitUsage;
        }
        compress = *spec;
        break;
      }
      default:
        std::cerr << "dbanon: unknown or incomplete option '" << argv[optind - 1] << "'\n" << kUsage;
        return kExitUsage;
    }
  }
  std::vector<std::string> args(argv + optind, argv + argc);
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
  std::string input_path = args.empty() ? "-" : args[0];
  if (input_path == "-" && ::isatty(STDIN_FILENO)) {
    // As zstd does: a dump is never typed in, and waiting would look like a hang.
    std::cerr << "dbanon: standard input is a terminal: give the dump as INPUT or pipe it in\n" << kUsage;
    return kExitUsage;
  }

  auto config = LoadConfig(config_path, connection);
  if (!config.ok()) {
    // A config file that cannot be read is the user's mistake, not an I/O failure.
    return Fail(WithExitClass(config.status(), ExitClass::kUsage));
  }
  auto configured_salt = ResolveSalt(*config, salt_file, std::getenv("DBANON_SALT"));
  if (!configured_salt.ok()) return Fail(configured_salt.status());
  std::string salt;
  if (configured_salt->has_value()) {
    salt = **configured_salt;
  } else {
    salt = RandomSalt();  // consistent within this run only, as DbToolsBundle
    bool rewrites = false;  // a config without column rules (only truncate, or nothing) needs no salt
    for (const TableConfig& t : config->tables) rewrites = rewrites || !t.rules.empty();
    if (rewrites && !quiet) std::cerr << "dbanon: warning: no salt (--salt-file, DBANON_SALT, salt_file or salt in " << config->path
              << "): a random salt is used for this run only, so a value maps to different outputs in separate "
                 "runs (no joins across separately anonymized dumps, no repeatable output)\n";
  }
  if (absl::Status s = CheckConfiguresSomething(*config); !s.ok()) return Fail(s);
  auto plan = RunPlan::Create(*config, salt);
  if (!plan.ok()) return Fail(plan.status());
  (*plan)->SetAllowMissing(allow_missing);
  (*plan)->SetStrict(strict);
  std::vector<std::string> schema;
  if (!schema_path.empty()) {
    auto loaded = LoadSchemaStatements(schema_path);
    if (!loaded.ok()) return Fail(loaded.status());
    schema = *std::move(loaded);
  }
  ResetByteCounts();  // bytes_in counts the input, not the --schema file
  ReportFacts facts;
  facts.start = start;
  facts.input = input_path == "-" ? "<stdin>" : input_path;
  facts.output = output == "-" ? "<stdout>" : output;
  facts.salt_source = configured_salt->has_value() ? "configured" : "random (this run only)";
  facts.salt_id = SaltIdentifier(salt);
  Progress progress(quiet                  ? Progress::Mode::kOff
                    : progress_lines       ? Progress::Mode::kLines
                    : ::isatty(2) != 0     ? Progress::Mode::kTerminal
                                           : Progress::Mode::kOff,
                    InputSize(input_path));
  // After a successful run: the status line erased, warnings, -v, the report.
  auto finish = [&]() -> int {
    progress.Stop();
    if (!quiet) {
      for (const std::string& w : (*plan)->Warnings()) std::cerr << w << "\n";
    }
    if (verbose) {
      for (const std::string& line : (*plan)->Summary()) std::cerr << "dbanon: " << line << "\n";
    }
    if (report_path.has_value()) {
      if (absl::Status s = WriteReport(*report_path, facts, **plan); !s.ok()) return Fail(s);
    }
    return kExitOk;
  };
  auto fail = [&](const absl::Status& s) {
    progress.Stop();
    return Fail(s);
  };
  ArchiveOptions archive_options;
  if (!schema_path.empty()) archive_options.schema = &schema;
  archive_options.threads = threads;
  archive_options.compress = compress;
  if (IsDirectoryPath(input_path)) {  // pg_dump -Fd
    if (output == "-") {
      progress.Stop();
      std::cerr << "dbanon: " << input_path << ": a directory archive needs -o OUTPUT_FOLDER\n";
      return kExitUsage;
    }
    facts.input_format = "pg_dump -Fd";
    facts.output_format = "pg_dump -Fd";
    if (absl::Status s = RunDirectoryArchive(input_path, output, **plan, archive_options); !s.ok()) return fail(s);
    return finish();
  }

  auto in = InputFile::Open(input_path);
  if (!in.ok()) return fail(in.status());
  std::string head;
  auto read_head = [&]() -> absl::Status {
    while (head.size() < 512) {  // a tar header block
      auto n = in->Read(&head, 1 << 16);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
    }
    return absl::OkStatus();
  };
  if (absl::Status s = read_head(); !s.ok()) return fail(s);
  std::string input_compression;
  if (std::optional<Algorithm> a = DetectCompressedStream(head)) {  // .sql.gz, .sql.zst, ...
    input_compression = absl::StrCat(", ", ToAbsl(AlgorithmName(*a)));
    *in = DecompressingInput(std::move(*in), std::move(head), *a);
    head.clear();
    if (absl::Status s = read_head(); !s.ok()) return fail(s);
  }
  if (head.empty()) {
    // A failed `pg_dump | dbanon` gives an empty input: not a valid dump.
    return fail(absl::DataLossError(
        absl::StrCat(in->name(), ":1:1: the input is empty (did the command that wrote the dump fail?)")));
  }
  const bool archive = LooksLikeArchive(head);  // pg_dump -Fc
  if (absl::Status s = archive ? absl::OkStatus() : CheckFormat(head); !s.ok()) {
    return fail(WithMessage(s, absl::StrCat(in->name(), ": ", s.message())));
  }

  auto out = OutputFile::Open(output);
  if (!out.ok()) return fail(out.status());
  // The whole output is compressed by --compress (plain dumps) or by the -o
  // suffix; an archive's own compression is --compress.
  std::optional<CompressionSpec> outer;
  if (!archive && compress.has_value()) {
    if (compress->algorithm != Algorithm::kNone) outer = compress;
  } else if (std::optional<Algorithm> a = CompressionForPath(output)) {
    outer = CompressionSpec{*a, CompressionSpec::kDefaultLevel};
  }
  if (outer.has_value()) *out = CompressingOutput(std::move(*out), *outer, threads);
  if (LooksLikeTar(head)) {  // pg_dump -Ft
    std::string scratch = ".";
    if (output != "-") {
      size_t slash = output.rfind('/');
      scratch = slash == std::string::npos ? "." : (slash == 0 ? "/" : output.substr(0, slash));
    } else if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
      scratch = tmp;
    } else {
      scratch = "/tmp";
    }
    facts.input_format = "pg_dump -Ft";
    facts.output_format = "pg_dump -Ft";
    SetFolderBytesCounted(false);  // the members unpacked beside the output are not the input
    absl::Status s = RunTarArchive(*in, std::move(head), *out, **plan, archive_options, scratch);
    if (s.ok()) s = out->Commit();
    if (!s.ok()) {
      out->Abort();
      return fail(s);
    }
    return finish();
  }
  if (archive) {
    facts.input_format = absl::StrCat("pg_dump -Fc", input_compression);
    facts.output_format = absl::StrCat("pg_dump -Fc", outer.has_value() ? ", " : "",
                                       outer.has_value() ? ToAbsl(AlgorithmName(outer->algorithm)) : "");
    absl::Status s = RunCustomArchive(*in, std::move(head), *out, **plan, archive_options);
    if (s.ok()) s = out->Commit();
    if (!s.ok()) {
      out->Abort();
      return fail(s);
    }
    return finish();
  }
  if (!format.has_value()) {
    // The guess reads a fixed prefix, never "what the first read returned".
    while (head.size() < kDetectBytes) {
      auto n = in->Read(&head, kDetectBytes - head.size());
      if (!n.ok()) {
        out->Abort();
        return fail(n.status());
      }
      if (*n == 0) break;
    }
    format = DetectDumpFormat(head);
  }
  (*plan)->SetSchemaless(*format != DumpFormat::kPostgres);
  if (!schema_path.empty() && *format != DumpFormat::kPostgres) {
    out->Abort();
    progress.Stop();
    std::cerr << "dbanon: --schema is for PostgreSQL dumps\n";
    return kExitUsage;
  }
  (*plan)->SetUnqualifiedFallback(*format == DumpFormat::kMySql);
  std::unique_ptr<Framer> framer = MakeFramer(*format, plan->get(), schema);
  const DumpFormat dump_format = *format;
  facts.input_format = absl::StrCat(ToAbsl(DumpFormatName(dump_format)), " plain", input_compression);
  facts.output_format = absl::StrCat(ToAbsl(DumpFormatName(dump_format)), " plain", outer.has_value() ? ", " : "",
                                     outer.has_value() ? ToAbsl(AlgorithmName(outer->algorithm)) : "");
  PipelineOptions options;
  options.threads = threads;
  absl::Status s = RunPipeline(*in, std::move(head), *out, *framer, options);
  if (s.ok()) s = (*plan)->Finish();
  if (s.ok()) s = (*plan)->SchemaComplete();
  if (s.ok()) s = out->Commit();
  if (!s.ok()) {
    out->Abort();
    return fail(s);
  }
  std::vector<std::string> framer_warnings = framer->TakeWarnings();
  progress.Stop();  // before the warnings
  if (!quiet) {
    for (const std::string& w : framer_warnings) std::cerr << in->name() << ":" << w << "\n";
  }
  return finish();
}

}  // namespace
}  // namespace dbanon

int main(int argc, char** argv) { return dbanon::Main(argc, argv); }
