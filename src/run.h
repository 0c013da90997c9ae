// One dbanon run, from the parsed command line to the committed output.
// src/main.cc keeps the flags, the printing and the exit codes; this file
// does the rest, in three steps:
//   * PrepareRun: the config (src/config.h), the salt (configured, or a
//     random one for this run with a warning), the RunPlan (src/plan.h) and
//     the --schema file (src/schema.h);
//   * OpenInput: what the input is, read from its first bytes: a pg_dump
//     directory archive (a folder), a compressed stream (gzip, zstd, lz4:
//     src/compression.h, read through it), a pg_dump custom archive
//     ("PGDMP", parsers/pg_archive.h), a tar archive (ustar, src/tar_archive.h)
//     or a plain dump whose dialect --format gives or parsers/dump_format.h
//     detects. `dbanon check` (src/check.h) opens its input the same way;
//   * RunDump: the output's compression (--compress for a plain dump, else
//     the -o suffix; an archive's own compression is --compress) and the
//     road the input takes: src/pipeline.h for plain dumps,
//     src/archive_job.h for -Fc and -Fd, src/tar_archive.h for -Ft.
//
// Errors: absl::Status whose exit class (base/exit_class.h) says README's
// exit code: a config that cannot be read or is wrong, and a flag that does
// not fit the input (--schema on a MySQL dump, a -Fd input without -o) are
// kUsage; the input's and output's errors keep the class they were born
// with. Messages start with the file they are about (or "dbanon: "), and
// never quote a value or the salt. On any error nothing is left at -o.
//
// Thread-safety: one run per process at a time (src/run_stats.h counts
// process-wide); each call owns the threads it starts.
#ifndef DBANON_SRC_RUN_H_
#define DBANON_SRC_RUN_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/dump_format.h"
#include "src/compression.h"
#include "src/io.h"
#include "src/plan.h"

namespace dbanon {

// What the command line asks of a run (README, "Usage").
struct RunFlags {
  std::string config_path = "dbanon.toml";  // -c
  std::optional<std::string> connection;    // --connection (DbToolsBundle YAML)
  std::optional<std::string> salt_file;     // --salt-file
  const char* salt_env = nullptr;           // DBANON_SALT; nullptr when unset
  bool strict = false;                      // --strict
  bool allow_missing = false;               // --allow-missing
  std::string schema_path;                  // --schema; "" for none
  std::string input = "-";                  // a file, a -Fd folder, or "-" (standard input)
  std::string output = "-";                 // -o; "-" is standard output
  int threads = 1;                          // -j, 1 to 256
  std::optional<CompressionSpec> compress;  // --compress
  std::optional<DumpFormat> format;         // --format
};

// A run before its input is read.
struct PreparedRun {
  std::unique_ptr<RunPlan> plan;
  std::vector<std::string> schema;  // --schema's statements
  bool salt_configured = false;     // false: a random salt, for this run only
  std::string salt_id;              // SaltIdentifier (src/report.h) of the salt used
};

// Loads the config, resolves the salt (ResolveSalt: --salt-file, DBANON_SALT,
// the config's salt_file and salt; else a random one), builds the plan and
// reads the --schema file; the byte counters of src/run_stats.h are then
// reset, so that they count the input only. Adds to `warnings` (for
// standard error, also when an error follows) the random salt's cost when
// the config rewrites some column. Errors: the config's (kUsage), the
// salt's and the plan's (InvalidArgument with the config's positions), the
// --schema file's.
absl::StatusOr<PreparedRun> PrepareRun(const RunFlags& flags, std::vector<std::string>* warnings);

// What an input is, from its first bytes.
enum class InputKind { kDirectoryArchive, kCustomArchive, kTarArchive, kPlain };

struct OpenedInput {
  InputKind kind = InputKind::kPlain;
  std::optional<InputFile> file;         // nullopt for a directory archive
  std::string head;                      // bytes read from `file` already: they come first
  std::optional<Algorithm> compression;  // the compressed stream `file` reads through
  std::optional<DumpFormat> format;      // kPlain: --format, or detected from the first kDetectBytes
  PgOrigin pg_origin = PgOrigin::kPgDump;  // kPlain: kUnknown when no dialect marker is in the first kDetectBytes
  bool format_guessed = false;  // kPlain: no --format and no dialect marker: read as PostgreSQL
};

// Opens `path` ("-": standard input) and reads what it is. Errors: the
// input's I/O errors; DataLoss "NAME:1:1: the input is empty ..." (a failed
// `pg_dump | dbanon`); Unimplemented "NAME: the input is compressed twice".
absl::StatusOr<OpenedInput> OpenInput(const std::string& path, std::optional<DumpFormat> format);

// The plain road, for a kPlain `input`: refuses --schema (`schema` not null)
// on a MySQL or SQLite dump (InvalidArgument); sets the plan's dialect rules;
// runs the dialect's framer over `resolver` (the plan, or one wrapping it)
// through src/pipeline.h into `out`; then resolver.Finish() and
// SchemaComplete(). Returns the framer's warnings as "NAME:LINE:COL: ...".
// `out` is not committed.
absl::StatusOr<std::vector<std::string>> RunPlainDump(OpenedInput& input, OutputFile& out, RunPlan& plan,
                                                      TableResolver& resolver, const std::vector<std::string>* schema,
                                                      int threads);

// What the run read and wrote (for --report), and its warnings for standard
// error: the framer's ("NAME:LINE:COL: ...") then the plan's.
struct RunOutcome {
  std::string input_format;   // "pg_dump -Fc", "postgres plain, gzip", ...
  std::string output_format;  // likewise
  std::vector<std::string> warnings;
};

// Reads flags.input, writes flags.output, commits it. Errors: the roads'
// (src/pipeline.h, src/archive_job.h, src/tar_archive.h), the plan's
// Finish/SchemaComplete, and the usage errors above.
absl::StatusOr<RunOutcome> RunDump(const RunFlags& flags, PreparedRun& run);

}  // namespace dbanon

#endif  // DBANON_SRC_RUN_H_
