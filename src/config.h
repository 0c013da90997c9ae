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
#include "parsers/pg_identifier.h"

namespace dbanon {

struct SourcePosition {
  int line = 0;
  int column = 0;
};

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
};

struct Config {
  std::string path;  // for messages
  std::optional<std::string> salt;
  std::vector<TableConfig> tables;
};

// Reads and parses the config file at `path`.
absl::StatusOr<Config> LoadConfig(const std::string& path);
// Parses config text; `path` is only used in messages.
absl::StatusOr<Config> ParseConfig(std::string_view text, const std::string& path);

// Parses a TOML inline table such as `{ min = 18, max = 90 }` (an
// AnonymizerInfo::example) into options.
absl::StatusOr<OptionTable> ParseInlineOptions(std::string_view inline_table);

// "PATH:LINE:COL: message" as an InvalidArgument status.
absl::Status ConfigError(const std::string& path, SourcePosition pos, std::string_view message);

}  // namespace dbanon

#endif  // DBANON_SRC_CONFIG_H_
