// `dbanon check [-c CONFIG] INPUT`: reads a dump, writes nothing, and says
// what the config covers: per table (in dump order) its rows, and for each
// column its anonymizer, `keep`, or "uncovered" with a hint of personal data
// from the column's name and from a sample of its values (src/pii_hints.h).
// `--suggest` turns the same facts into a strict TOML config that a user
// edits.
//
// The dump is read by the normal roads (plain dumps through the framers and
// the pipeline, archives through src/archive_job.h) with a TableResolver
// that wraps the RunPlan: the rows of sampled tables are "rewritten" by
// anonymizers that count value shapes and give the value back unchanged, and
// the output goes to /dev/null (a -Fd or -Ft archive to a temporary folder,
// removed at the end). No value is kept, printed or written anywhere: a
// ValueSample holds counts only.
//
// Rows: a plain dump is read whole, so every table's rows are counted; the
// first `sample` rows of each table are sampled. A -Fc/-Fd/-Ft archive's
// schema comes from its TOC, without decompressing any data, unless
// `sample` is set: then every table's data is read and its rows counted.
//
// Errors: as a dbanon run's (exit codes of README's table): InvalidArgument
// for config errors and configured tables or columns the dump lacks (unless
// allow_missing), DataLoss/Unimplemented for input dbanon cannot read,
// NotFound/Unavailable for I/O. Messages never quote a value.
//
// Thread-safety: RunCheck owns its threads.
#ifndef DBANON_SRC_CHECK_H_
#define DBANON_SRC_CHECK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/dump_format.h"

namespace dbanon {

struct CheckOptions {
  std::string input = "-";                 // a file, a -Fd folder, or "-" (standard input)
  std::optional<std::string> config;       // -c; none: every column is uncovered
  std::optional<std::string> connection;   // --connection (DbToolsBundle YAML)
  std::optional<DumpFormat> format;        // --format
  std::string schema;                      // --schema
  bool allow_missing = false;              // --allow-missing
  // --sample N: rows sampled per table. Unset: 1000 for plain dumps, none
  // for archives (their data is not read).
  std::optional<int64_t> sample;
  bool suggest = false;                    // --suggest: a TOML config instead of the report
  int threads = 1;
};

struct CheckResult {
  std::string text;        // the report, or the suggested config
  bool uncovered = false;  // some column (or a table's unknown columns) is not covered
  // For standard error: --allow-missing's configured tables and columns that
  // the dump lacks.
  std::vector<std::string> warnings;
};

absl::StatusOr<CheckResult> RunCheck(const CheckOptions& options);

}  // namespace dbanon

#endif  // DBANON_SRC_CHECK_H_
