#include "src/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/edit_distance.h"
#include "anonymizers/anonymizer.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

SourcePosition PositionOf(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return SourcePosition::LineColumn(1, 1);
  return SourcePosition::LineColumn(m.line + 1, m.column + 1);
}

// Keys of DbToolsBundle's config that the other db-tools commands use
// (DbToolsBundle "Configuration reference"); dbanon has nothing to do with them.
bool IsOtherCommandKey(std::string_view key) {
  static const char* const kKeys[] = {"connections", "default_connection", "workdir", "anonymizer_paths",
                                      "backup_binary", "backup_options", "backup_excluded_tables",
                                      "backup_expiration_age", "backup_timeout", "restore_binary",
                                      "restore_options", "restore_timeout", "storage_directory",
                                      "storage_filename_strategy", "storage", "backup", "restore",
                                      "excluded_tables"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

// The built-in closest to a Faker method (pack-faker's `faker.method`
// option, or the name after `faker.`), or to a custom anonymizer's name.
std::string ClosestBuiltIn(std::string_view name, std::string_view faker_method) {
  std::string key = absl::AsciiStrToLower(ToAbsl(faker_method.empty() ? name : faker_method));
  static const std::pair<const char*, const char*> kByWord[] = {
      {"firstname", "firstname"}, {"first_name", "firstname"}, {"lastname", "lastname"},
      {"last_name", "lastname"},  {"name", "lastname"},        {"email", "email"},
      {"mail", "email"},          {"phone", "phone"},          {"iban", "iban-bic"},
      {"swift", "iban-bic"},      {"bic", "iban-bic"},         {"address", "address"},
      {"street", "address"},      {"city", "address"},         {"postcode", "address"},
      {"zip", "address"},         {"uuid", "uuid"},            {"ipv", "ip"},
      {"date", "date"},           {"time", "date"},            {"credit", "credit_card"},
      {"card", "credit_card"},    {"password", "password"},    {"text", "lorem"},
      {"sentence", "lorem"},      {"paragraph", "lorem"},      {"word", "lorem"},
      {"number", "integer"},      {"int", "integer"},          {"float", "float"},
      {"hash", "hash"},           {"md5", "md5"},              {"sha", "hash"},
      {"json", "json"},           {"company", "string"},       {"job", "string"},
      {"color", "string"},        {"country", "address"},      {"url", "pattern"},
      {"user", "pattern"},        {"phone", "phone"}};
  for (const auto& [word, builtin] : kByWord) {
    if (absl::StrContains(key, word)) return builtin;
  }
  std::string best = "string";
  size_t best_distance = 3;  // farther than two edits is no suggestion
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    size_t d = EditDistance(key, info.name);
    if (d < best_distance) {
      best_distance = d;
      best = info.name;
    }
  }
  return best;
}

absl::StatusOr<OptionValue> ConvertOption(const std::string& path, const YAML::Node& node) {
  OptionValue out;
  SourcePosition pos = PositionOf(node);
  out.line = pos.line;
  out.column = pos.column;
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (node.Tag() == "?") {  // a plain scalar: YAML 1.2 core schema types
      if (s == "true" || s == "True" || s == "TRUE") {
        out.v = true;
        return out;
      }
      if (s == "false" || s == "False" || s == "FALSE") {
        out.v = false;
        return out;
      }
      int64_t i;
      if (YAML::convert<int64_t>::decode(node, i) && s.find_first_not_of("+-0123456789") == std::string::npos) {
        out.v = i;
        return out;
      }
      double f;
      if (s.find_first_of("0123456789") != std::string::npos &&
          s.find_first_not_of("+-0123456789.eE") == std::string::npos && YAML::convert<double>::decode(node, f)) {
        out.v = f;
        return out;
      }
    }
    out.v = s;
    return out;
  }
  if (node.IsSequence()) {
    OptionList list;
    for (const YAML::Node& item : node) {
      auto converted = ConvertOption(path, item);
      if (!converted.ok()) return converted.status();
      list.push_back(*std::move(converted));
    }
    out.v = std::move(list);
    return out;
  }
  if (node.IsMap()) {
    OptionTable t;
    for (auto it = node.begin(); it != node.end(); ++it) {
      auto converted = ConvertOption(path, it->second);
      if (!converted.ok()) return converted.status();
      if (!t.emplace(it->first.Scalar(), *std::move(converted)).second) {
        return ConfigError(path, PositionOf(it->first), absl::StrCat("option '", it->first.Scalar(), "' given twice"));
      }
    }
    out.v = std::move(t);
    return out;
  }
  return ConfigError(path, pos, "an option value is empty (null)");
}

absl::StatusOr<ColumnRule> ParseRule(const std::string& path, const std::string& table, const YAML::Node& key,
                                     const YAML::Node& spec) {
  ColumnRule rule;
  rule.target = key.Scalar();
  rule.position = PositionOf(spec);
  const std::string where = absl::StrCat("table '", table, "', target '", rule.target, "'");
  SourcePosition name_pos = rule.position;
  YAML::Node options;
  if (spec.IsScalar()) {
    rule.anonymizer = spec.Scalar();
  } else if (spec.IsMap()) {
    for (auto it = spec.begin(); it != spec.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "anonymizer") {
        if (!it->second.IsScalar()) {
          return ConfigError(path, PositionOf(it->second), absl::StrCat(where, ": 'anonymizer' must be a name"));
        }
        rule.anonymizer = it->second.Scalar();
        name_pos = PositionOf(it->second);
      } else if (k == "options") {
        if (!it->second.IsMap() && !it->second.IsNull()) {
          return ConfigError(path, PositionOf(it->second), absl::StrCat(where, ": 'options' must be a map"));
        }
        options = it->second;
      } else {
        // DbToolsBundle's loader rejects any other key too (`target`, `type`).
        return ConfigError(path, PositionOf(it->first),
                           absl::StrCat(where, ": unknown key '", k, "' (expected 'anonymizer' and 'options')"));
      }
    }
  } else {
    return ConfigError(path, rule.position,
                       absl::StrCat(where, ": expected an anonymizer name or {anonymizer: ..., options: {...}}"));
  }
  if (rule.anonymizer.empty()) return ConfigError(path, rule.position, absl::StrCat(where, ": 'anonymizer' is required"));
  if (options.IsDefined() && options.IsMap()) {
    for (auto it = options.begin(); it != options.end(); ++it) {
      auto converted = ConvertOption(path, it->second);
      if (!converted.ok()) return converted.status();
      if (!rule.options.emplace(it->first.Scalar(), *std::move(converted)).second) {
        return ConfigError(path, PositionOf(it->first),
                           absl::StrCat(where, ": option '", it->first.Scalar(), "' given twice"));
      }
    }
  }
  if (absl::StartsWith(rule.anonymizer, "faker.")) {
    std::string method;
    if (auto m = rule.options.find("method"); m != rule.options.end()) {
      if (const std::string* s = std::get_if<std::string>(&m->second.v)) method = *s;
    }
    return ConfigError(path, name_pos,
                       absl::StrCat(where, ": anonymizer '", rule.anonymizer,
                                    "' (DbToolsBundle's Faker pack) is not available without PHP; replace with '",
                                    ClosestBuiltIn(rule.anonymizer.substr(6), method), "' (see 'dbanon list')"));
  }
  if (absl::StartsWith(rule.anonymizer, "fr_fr.")) {  // DbToolsBundle 1.x spelling
    return ConfigError(path, name_pos,
                       absl::StrCat(where, ": anonymizer '", rule.anonymizer, "' is spelt 'fr-fr.",
                                    rule.anonymizer.substr(6), "' since DbToolsBundle 2"));
  }
  if (FindAnonymizer(rule.anonymizer) == nullptr) {
    return ConfigError(path, name_pos,
                       absl::StrCat(where, ": anonymizer '", rule.anonymizer,
                                    "' is not built in (a custom PHP anonymizer is not available without PHP); "
                                    "replace with '",
                                    ClosestBuiltIn(rule.anonymizer, ""), "' or another of 'dbanon list'"));
  }
  return rule;
}

// `table: {target: spec}` into config->tables.
absl::Status ParseTables(const std::string& path, const YAML::Node& tables, Config* config) {
  if (tables.IsNull()) return absl::OkStatus();
  if (!tables.IsMap()) {
    return ConfigError(path, PositionOf(tables), "expected a map of tables (table: {target: anonymizer})");
  }
  for (auto it = tables.begin(); it != tables.end(); ++it) {
    TableConfig table;
    table.key = it->first.Scalar();
    table.position = PositionOf(it->first);
    auto name = TableNameFromConfigKey(table.key);
    if (!name.ok()) {
      return ConfigError(path, table.position, absl::StrCat("table '", table.key, "': ", name.status().message()));
    }
    table.name = *name;
    for (const TableConfig& other : config->tables) {
      if (other.name == table.name) {
        return ConfigError(path, table.position,
                           absl::StrCat("table '", table.key, "' names the same table as '", other.key, "'"));
      }
    }
    if (!it->second.IsMap()) {
      return ConfigError(path, PositionOf(it->second),
                         absl::StrCat("table '", table.key, "' must be a map of targets (target: anonymizer)"));
    }
    std::set<std::string> targets;
    for (auto t = it->second.begin(); t != it->second.end(); ++t) {
      if (!t->first.IsScalar()) {
        return ConfigError(path, PositionOf(t->first), absl::StrCat("table '", table.key, "': a target must be a name"));
      }
      if (!targets.insert(t->first.Scalar()).second) {
        return ConfigError(path, PositionOf(t->first),
                           absl::StrCat("table '", table.key, "': target '", t->first.Scalar(), "' is given twice"));
      }
      auto rule = ParseRule(path, table.key, t->first, t->second);
      if (!rule.ok()) return rule.status();
      table.rules.push_back(*std::move(rule));
    }
    config->tables.push_back(std::move(table));
  }
  return absl::OkStatus();
}

absl::StatusOr<YAML::Node> LoadYaml(std::string_view text, const std::string& path) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return ConfigError(path, SourcePosition::LineColumn(e.mark.line + 1, e.mark.column + 1), absl::StrCat("invalid YAML: ", e.msg));
  }
}

// The connection's entry of a map keyed by connection name.
absl::StatusOr<YAML::Node> PickConnection(const std::string& path, const YAML::Node& by_connection,
                                          const std::string& what, const std::optional<std::string>& connection) {
  if (!by_connection.IsMap()) {
    return ConfigError(path, PositionOf(by_connection), absl::StrCat("'", what, "' must be a map keyed by connection"));
  }
  std::vector<std::string> names;
  for (auto it = by_connection.begin(); it != by_connection.end(); ++it) names.push_back(it->first.Scalar());
  std::string want;
  if (connection.has_value()) {
    want = *connection;
  } else if (std::find(names.begin(), names.end(), "default") != names.end() || names.empty()) {
    want = "default";
  } else if (names.size() == 1) {
    want = names[0];
  } else {
    return ConfigError(path, PositionOf(by_connection),
                       absl::StrCat("'", what, "' has several connections (", absl::StrJoin(names, ", "),
                                    "): choose one with --connection NAME"));
  }
  for (auto it = by_connection.begin(); it != by_connection.end(); ++it) {
    if (it->first.Scalar() == want) return it->second;
  }
  if (!connection.has_value() && names.empty()) return YAML::Node();
  return ConfigError(path, PositionOf(by_connection),
                     absl::StrCat("connection '", want, "' is not in '", what, "' (it has: ", absl::StrJoin(names, ", "),
                                  ")"));
}

}  // namespace

bool LooksLikeYamlConfig(const std::string& path, std::string_view text) {
  if (absl::EndsWith(path, ".yaml") || absl::EndsWith(path, ".yml")) return true;
  if (absl::EndsWith(path, ".toml")) return false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (line[first] == '[' || line.substr(0, 3) == "---") return line.substr(0, 3) == "---";
    size_t colon = line.find(':');
    size_t equals = line.find('=');
    return colon != std::string_view::npos && (equals == std::string_view::npos || colon < equals);
  }
  return false;
}

// Symfony's %kernel.project_dir%: the nearest folder above the config file
// that holds composer.json (Symfony's Kernel::getProjectDir), or, without
// one, the folder above config/packages/. nullopt when neither is found.
std::optional<std::string> ProjectDir(const std::string& config_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(config_path), ec).parent_path();
  if (ec) return std::nullopt;
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / "composer.json", ec)) return d.string();
    if (d == d.parent_path()) break;
  }
  if (dir.filename() == "packages" && dir.parent_path().filename() == "config") {
    return dir.parent_path().parent_path().string();
  }
  return std::nullopt;
}

absl::StatusOr<Config> ParseYamlConfig(std::string_view text, const std::string& path,
                                       const std::optional<std::string>& connection) {
  auto root = LoadYaml(text, path);
  if (!root.ok()) return root.status();
  Config config;
  config.path = path;
  YAML::Node doc = *root;
  if (doc.IsNull()) return config;
  if (!doc.IsMap()) return ConfigError(path, PositionOf(doc), "expected a map (a DbToolsBundle config or anonymization file)");
  if (doc["db_tools"]) {
    // Symfony's config/packages/db_tools.yaml, possibly with when@ENV
    // blocks for other environments. One that holds anonymization settings
    // would change what is hidden: refused rather than ignored.
    bool symfony = true;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "db_tools") continue;
      if (!absl::StartsWith(k, "when@")) {
        symfony = false;
        continue;
      }
      const YAML::Node env = it->second;
      if (env.IsMap() && env["db_tools"] && env["db_tools"].IsMap() &&
          (env["db_tools"]["anonymization"] || env["db_tools"]["anonymization_files"])) {
        return ConfigError(path, PositionOf(it->first),
                           absl::StrCat("'", k, "' sets anonymization for one environment: dbanon reads the base "
                                        "settings only (merge them into 'db_tools', or give that environment's "
                                        "anonymization file with -c)"));
      }
    }
    if (symfony) doc = doc["db_tools"];
  }
  bool is_config = false;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k == "anonymization" || k == "anonymization_files" || IsOtherCommandKey(k)) is_config = true;
  }
  if (!is_config) {  // a bare anonymization file
    if (connection.has_value() && *connection != "default") {
      return ConfigError(path, PositionOf(doc),
                         absl::StrCat("--connection ", *connection,
                                      ": this is an anonymization file, which holds no connection"));
    }
    if (absl::Status s = ParseTables(path, doc, &config); !s.ok()) return s;
    return config;
  }
  YAML::Node inline_tables, files;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k == "anonymization") {
      inline_tables = it->second;
    } else if (k == "anonymization_files") {
      files = it->second;
    } else if (!IsOtherCommandKey(k)) {
      return ConfigError(path, PositionOf(it->first),
                         absl::StrCat("unknown key '", k, "' (expected 'anonymization', 'anonymization_files' or ",
                                      "DbToolsBundle's backup and restore settings)"));
    }
  }
  if (inline_tables.IsDefined() && !inline_tables.IsNull()) {
    YAML::Node tables = inline_tables;
    // DbToolsBundle 2 also accepts `anonymization: {tables: {connection: ...}}`.
    if (tables.IsMap() && tables.size() == 1 && tables["tables"]) tables = tables["tables"];
    auto picked = PickConnection(path, tables, "anonymization", connection);
    if (!picked.ok()) return picked.status();
    if (absl::Status s = ParseTables(path, *picked, &config); !s.ok()) return s;
  }
  if (files.IsDefined() && !files.IsNull()) {
    YAML::Node file = files;
    if (!files.IsScalar()) {
      auto picked = PickConnection(path, files, "anonymization_files", connection);
      if (!picked.ok()) return picked.status();
      file = *picked;
    } else if (connection.has_value() && *connection != "default") {
      return ConfigError(path, PositionOf(files),
                         absl::StrCat("connection '", *connection, "': 'anonymization_files' names one file, for "
                                      "connection 'default'"));
    }
    if (file.IsSequence() && file.size() == 1) file = file[0];
    if (!file.IsScalar()) {
      return ConfigError(path, PositionOf(file),
                         "dbanon reads one anonymization file per connection: give a path (merge the files)");
    }
    if (!config.tables.empty()) {
      return ConfigError(path, PositionOf(file),
                         "give the connection's tables either inline ('anonymization') or in a file, not both");
    }
    std::string file_path = file.Scalar();
    if (constexpr std::string_view kProjectDir = "%kernel.project_dir%"; absl::StartsWith(file_path, ToAbsl(kProjectDir))) {
      std::optional<std::string> project = ProjectDir(path);
      if (!project.has_value()) {
        return ConfigError(path, PositionOf(file),
                           "cannot resolve %kernel.project_dir%: no composer.json in a folder above the config file, "
                           "which is not in config/packages/ either (give the anonymization file with -c)");
      }
      file_path = absl::StrCat(*project, file_path.substr(kProjectDir.size()));
    }
    if (!file_path.empty() && file_path[0] != '/') {
      size_t slash = path.rfind('/');
      if (slash != std::string::npos) file_path = absl::StrCat(path.substr(0, slash + 1), file_path);
    }
    std::ifstream in(file_path, std::ios::binary);
    if (!in) return ConfigError(path, PositionOf(file), absl::StrCat(file_path, ": cannot read the anonymization file"));
    std::ostringstream content;
    content << in.rdbuf();
    auto rules = LoadYaml(content.str(), file_path);
    if (!rules.ok()) return rules.status();
    config.path = file_path;  // later errors point into the file that holds the rules
    if (absl::Status s = ParseTables(file_path, *rules, &config); !s.ok()) return s;
  }
  return config;
}

}  // namespace dbanon
