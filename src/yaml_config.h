// DbToolsBundle's YAML anonymization config, read into the same Config as
// dbanon.toml (src/config.h), so that its users keep their files as they are.
//
// Three shapes are read (DbToolsBundle documentation, "Configuration
// reference" and "Anonymization"; makinacorpus/DbToolsBundle
// config/anonymizations.sample.yaml):
//   * a standalone `db_tools.config.yaml`: `anonymization:` keyed by
//     connection (`connection: {table: {target: spec}}`), or
//     `anonymization_files:` as one path (connection `default`) or a map
//     connection -> path, paths relative to the config's folder;
//   * Symfony's `config/packages/db_tools.yaml`: the same keys under a
//     `db_tools:` root;
//   * a bare anonymization file: `table: {target: spec}`.
// A spec is an anonymizer name or `{anonymizer: NAME, options: {...}}`; any
// other key is an error, as in DbToolsBundle. A multi-column anonymizer's
// target is a label and its options map parts to columns, as in TOML.
// Backup-side keys (`connections`, `backup_*`, `restore_*`, `storage_*`, ...)
// belong to the other db-tools commands and are ignored; any other key is an
// error. `faker.*` and custom PHP anonymizers are refused with the closest
// built-in named ("not available without PHP; replace with ...").
//
// Errors: InvalidArgument "FILE:LINE:COL: message" (1-based, FILE being the
// file that holds the offending node), naming the table and target; YAML
// syntax errors likewise. Config.path is the file the rules came from (the
// anonymization file when `anonymization_files` is used), so that later
// errors (unknown option, src/plan.h) point into it.
//
// Thread-safety: pure functions.
#ifndef DBANON_SRC_YAML_CONFIG_H_
#define DBANON_SRC_YAML_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "src/config.h"

namespace dbanon {

// `connection`: the connection whose anonymization is used (--connection);
// std::nullopt picks `default`, or the only one.
absl::StatusOr<Config> ParseYamlConfig(std::string_view text, const std::string& path,
                                       const std::optional<std::string>& connection);

// True when `path` ends in .yaml or .yml, or, for another name, when the
// text's first meaningful line reads as YAML (`key:`) rather than TOML
// (`[table]`, `key = value`).
bool LooksLikeYamlConfig(const std::string& path, std::string_view text);

}  // namespace dbanon

#endif  // DBANON_SRC_YAML_CONFIG_H_
