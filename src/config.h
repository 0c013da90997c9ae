// The dbanon.toml configuration: which columns of which tables are rewritten,
// by which anonymizer, with which options.
//
//   salt = "..."                       # optional; env DBANON_SALT overrides
//   [tables.customer]                  # unqualified = schema public
//   email = "email"                    # column = anonymizer name
//   age = { anonymizer = "integer", options = { min = 18, max = 90 } }
//   [tables.session]                   # drop the table's data
//   truncate = true
//   [tables."Client List".postal]      # multi-column: the key is a label
//   anonymizer = "address"
//   options = { street_address = "street", postal_code = "zip" }
//
// The shape follows DbToolsBundle's YAML (shared/docs/dbtoolsbundle.md, part
// 2) so that its users can carry their configuration over.
//
// Errors: LoadConfig returns InvalidArgument with "PATH:LINE:COL: message"
// for bad TOML, an unknown key, a value of the wrong type; NotFound when the
// file cannot be read. Anonymizer names and options are checked later, when
// the plan is built (src/plan.h), with the same positions.
//
// Thread-safety: a Config is immutable after loading.
#ifndef DBANON_SRC_CONFIG_H_
#define DBANON_SRC_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "anonymizers/options.h"
#include "base/source_position.h"
#include "parsers/pg_identifier.h"

namespace dbanon {

struct ColumnRule {
  std::string target;      // the column, or a label for multi-column anonymizers
  std::string anonymizer;  // registry name
  OptionTable options;
  SourcePosition position;
};

struct TableConfig {
  std::string key;  // as written in the config
  TableName name;
  std::vector<ColumnRule> rules;
  SourcePosition position;
  // `truncate = true`: the dump keeps the table but none of its rows (COPY
  // header and `\.` with nothing between; INSERT statements dropped).
  bool truncate = false;
  // `keep = true`: every column of the table is declared safe; its data is
  // copied unchanged and counts as covered in strict mode.
  bool keep = false;
};

struct Config {
  std::string path;  // for messages
  std::optional<std::string> salt;
  SourcePosition salt_position;
  // `salt_file = "..."`: read at startup (ResolveSalt), relative to the
  // config file's folder. At most one of `salt` and `salt_file` is set.
  std::optional<std::string> salt_file;
  std::vector<TableConfig> tables;
  // `strict = true`: every column of every table of the dump must be covered
  // (an anonymizer, `keep`, or the table's `keep`/`truncate`), else the run
  // fails before writing any table's data (src/plan.h, RunPlan::Coverage).
  bool strict = false;
  // `[large_objects] action = "keep"`: the dump's PostgreSQL large objects
  // (pg_dump's lo_create/lowrite calls, BLOB entries of archives) are
  // written as they are, a decision the config records. Without it they are
  // written as they are too, coverage outputs say "not configured", and
  // strict mode refuses a dump that holds any (src/plan.h).
  bool large_objects_keep = false;
  SourcePosition large_objects_position;
};

// Reads and parses the config file at `path`: DbToolsBundle YAML when the
// name ends in .yaml/.yml or the text reads as YAML (src/yaml_config.h),
// else TOML. `connection` (--connection) picks a connection of a YAML config;
// on TOML it is an error.
// Reads and parses the config file at `path`: NotFound when it cannot be
// read, InvalidArgument "PATH: ..." when it is not a regular file (a
// directory, `-c .`), or the errors of ParseConfig.
absl::StatusOr<Config> LoadConfig(const std::string& path);
absl::StatusOr<Config> LoadConfig(const std::string& path, const std::optional<std::string>& connection);
// Parses config text; `path` is only used in messages.
absl::StatusOr<Config> ParseConfig(std::string_view text, const std::string& path);

// Parses a TOML inline table such as `{ min = 18, max = 90 }` (an
// AnonymizerInfo::example) into options.
absl::StatusOr<OptionTable> ParseInlineOptions(std::string_view inline_table);

// The shortest salt accepted, in bytes: a shorter one can be guessed, and
// with `salt = ""` anyone recomputes the mapping.
inline constexpr size_t kMinSaltBytes = 16;

// Where the salt comes from, first match wins: `--salt-file` (salt_file_flag),
// the DBANON_SALT environment variable (env, nullptr when unset), the
// config's `salt_file`, the config's `salt`. A salt file's content is the
// salt, without one final line break ("\n" or "\r\n"). Returns the salt,
// or std::nullopt when none is configured (the caller draws a random one).
// Errors (InvalidArgument): an empty salt or one shorter than kMinSaltBytes
// (a DBANON_SALT that is set but empty too: an undefined CI secret), an
// unreadable salt file; config errors carry "CONFIG:LINE:COL: ". Never
// quotes the salt.
absl::StatusOr<std::optional<std::string>> ResolveSalt(const Config& config,
                                                       const std::optional<std::string>& salt_file_flag,
                                                       const char* env);
// InvalidArgument "PATH:1:1: ..." when `config` configures no table (an empty
// file, only `salt`): such a run would anonymize nothing.
absl::Status CheckConfiguresSomething(const Config& config);

// "PATH:LINE:COL: message" as an InvalidArgument status.
absl::Status ConfigError(const std::string& path, SourcePosition pos, std::string_view message);

}  // namespace dbanon

#endif  // DBANON_SRC_CONFIG_H_
