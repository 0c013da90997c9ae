#include "src/config.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view_compat.h"
#include "src/yaml_config.h"

namespace dbanon {
namespace {

SourcePosition PositionOf(const toml::node& node) {
  const toml::source_region& r = node.source();
  return SourcePosition::LineColumn(static_cast<int>(r.begin.line), static_cast<int>(r.begin.column));
}

SourcePosition KeyPosition(const toml::key& key) {
  const toml::source_region& r = key.source();
  return SourcePosition::LineColumn(static_cast<int>(r.begin.line), static_cast<int>(r.begin.column));
}

absl::StatusOr<OptionValue> ConvertOption(const std::string& path, const std::string& key, const toml::node& node) {
  OptionValue out;
  SourcePosition pos = PositionOf(node);
  out.line = pos.line;
  out.column = pos.column;
  if (auto v = node.as_boolean()) {
    out.v = v->get();
  } else if (auto i = node.as_integer()) {
    out.v = static_cast<int64_t>(i->get());
  } else if (auto f = node.as_floating_point()) {
    out.v = f->get();
  } else if (auto s = node.as_string()) {
    out.v = s->get();
  } else if (auto arr = node.as_array()) {
    OptionList list;
    for (const toml::node& item : *arr) {
      auto converted = ConvertOption(path, key, item);
      if (!converted.ok()) return converted.status();
      list.push_back(*std::move(converted));
    }
    out.v = std::move(list);
  } else if (auto table = node.as_table()) {
    OptionTable t;
    for (const auto& [k, item] : *table) {
      auto converted = ConvertOption(path, key, item);
      if (!converted.ok()) return converted.status();
      t.emplace(std::string(k.str()), *std::move(converted));
    }
    out.v = std::move(t);
  } else {
    return ConfigError(path, pos, absl::StrCat("option '", ToAbsl(key), "' has a type dbanon does not use (dates are strings)"));
  }
  return out;
}

absl::StatusOr<ColumnRule> ParseRule(const std::string& path, const std::string& table_key, std::string target,
                                     const toml::node& node) {
  ColumnRule rule;
  rule.target = std::move(target);
  rule.position = PositionOf(node);
  const std::string where = absl::StrCat("table '", table_key, "', key '", rule.target, "'");
  if (auto s = node.as_string()) {
    rule.anonymizer = s->get();
    return rule;
  }
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return ConfigError(path, rule.position,
                       absl::StrCat(where, ": expected an anonymizer name or { anonymizer = ..., options = {...} }"));
  }
  for (const auto& [k, v] : *t) {
    std::string key(k.str());
    if (key == "anonymizer") {
      if (!v.is_string()) return ConfigError(path, PositionOf(v), absl::StrCat(where, ": 'anonymizer' must be a string"));
      rule.anonymizer = v.as_string()->get();
    } else if (key == "options") {
      const toml::table* opts = v.as_table();
      if (opts == nullptr) return ConfigError(path, PositionOf(v), absl::StrCat(where, ": 'options' must be a table"));
      for (const auto& [ok, ov] : *opts) {
        auto converted = ConvertOption(path, std::string(ok.str()), ov);
        if (!converted.ok()) return converted.status();
        rule.options.emplace(std::string(ok.str()), *std::move(converted));
      }
    } else {
      // DbToolsBundle rejects any other key too (e.g. `target`, `type`).
      return ConfigError(path, KeyPosition(k),
                         absl::StrCat(where, ": unknown key '", key, "' (expected 'anonymizer' and 'options')"));
    }
  }
  if (rule.anonymizer.empty()) {
    return ConfigError(path, rule.position, absl::StrCat(where, ": 'anonymizer' is required"));
  }
  return rule;
}

// toml++'s description of a syntax error quotes the text it stopped at
// ("unknown escape sequence '\q'", "expected '=', saw 'x'"): a character of
// a mistyped salt. Keep what the parser expected, drop what it saw, and
// replace any other quoted text with '...'; the position says where.
std::string SyntaxErrorWithoutInput(std::string_view description) {
  size_t saw = description.find(" saw ");
  if (saw == std::string_view::npos) saw = description.find(" saw");
  if (saw != std::string_view::npos) description = description.substr(0, saw);
  while (!description.empty() && (description.back() == ',' || description.back() == ' ')) {
    description.remove_suffix(1);
  }
  std::string out;
  size_t i = 0;
  while (i < description.size()) {
    size_t q = description.find('\'', i);
    if (q == std::string_view::npos) {
      out.append(description.substr(i));
      break;
    }
    size_t close = description.find('\'', q + 1);
    out.append(description.substr(i, q - i));
    if (close == std::string_view::npos) break;  // an unbalanced quote: drop the rest
    const bool expected = out.size() >= 9 && std::string_view(out).substr(out.size() - 9) == "expected ";
    out.append(expected ? description.substr(q, close + 1 - q) : std::string_view("'...'"));
    i = close + 1;
  }
  return out;
}

}  // namespace

absl::Status ConfigError(const std::string& path, SourcePosition pos, std::string_view message) {
  pos.file = path;
  return SetPosition(
      absl::InvalidArgumentError(absl::StrCat(path, ":", pos.line, ":", pos.column, ": ", ToAbsl(message))), pos);
}

absl::StatusOr<Config> ParseConfig(std::string_view text, const std::string& path) {
  toml::table root;
  // The Debian build of toml++ reports syntax errors with exceptions.
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& err) {
    SourcePosition pos = SourcePosition::LineColumn(err.source().begin.line, err.source().begin.column);
    return ConfigError(path, pos,
                       absl::StrCat("invalid TOML: ", SyntaxErrorWithoutInput(std::string_view(err.description()))));
  }
  Config config;
  config.path = path;
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key == "salt" || key == "salt_file") {
      if (!v.is_string()) return ConfigError(path, PositionOf(v), absl::StrCat("'", key, "' must be a string"));
      if (config.salt.has_value() || config.salt_file.has_value()) {
        return ConfigError(path, KeyPosition(k), "give either 'salt' or 'salt_file', not both");
      }
      (key == "salt" ? config.salt : config.salt_file) = v.as_string()->get();
      config.salt_position = PositionOf(v);
    } else if (key == "strict") {
      if (!v.is_boolean()) return ConfigError(path, PositionOf(v), "'strict' must be true or false");
      config.strict = v.as_boolean()->get();
    } else if (key == "large_objects") {
      const toml::table* section = v.as_table();
      if (section == nullptr) return ConfigError(path, PositionOf(v), "'large_objects' must be a table");
      config.large_objects_position = PositionOf(v);
      for (const auto& [lk, lv] : *section) {
        if (lk.str() != "action") {
          return ConfigError(path, KeyPosition(lk),
                             absl::StrCat("unknown key '", std::string(lk.str()), "' in [large_objects] (expected 'action')"));
        }
        // "drop" is not offered: a restore of -Fc/-Fd/-Ft archives without
        // their BLOB entries is not checked yet (README, "Large objects").
        if (!lv.is_string() || lv.as_string()->get() != "keep") {
          return ConfigError(path, PositionOf(lv),
                             "[large_objects] action must be \"keep\" (large objects are written as they are; "
                             "dbanon cannot anonymize or drop them)");
        }
        config.large_objects_keep = true;
      }
    } else if (key == "tables") {
      const toml::table* tables = v.as_table();
      if (tables == nullptr) return ConfigError(path, PositionOf(v), "'tables' must be a table");
      for (const auto& [tk, tv] : *tables) {
        TableConfig table;
        table.key = std::string(tk.str());
        table.position = PositionOf(tv);
        auto name = TableNameFromConfigKey(table.key);
        if (!name.ok()) {
          return ConfigError(path, table.position, absl::StrCat("table '", table.key, "': ", name.status().message()));
        }
        table.name = *name;
        const toml::table* columns = tv.as_table();
        if (columns == nullptr) {
          return ConfigError(path, table.position, absl::StrCat("table '", table.key, "' must be a table of columns"));
        }
        for (const auto& [ck, cv] : *columns) {
          if (ck.str() == "truncate" && cv.is_boolean()) {  // a string would configure a column named truncate
            table.truncate = cv.as_boolean()->get();
            continue;
          }
          if (ck.str() == "keep" && cv.is_boolean()) {  // as truncate: a string configures a column named keep
            table.keep = cv.as_boolean()->get();
            continue;
          }
          auto rule = ParseRule(path, table.key, std::string(ck.str()), cv);
          if (!rule.ok()) return rule.status();
          table.rules.push_back(*std::move(rule));
        }
        if (table.truncate && !table.rules.empty()) {
          return ConfigError(path, table.position,
                             absl::StrCat("table '", table.key,
                                          "': truncate = true drops every row, so its column rules would do nothing"));
        }
        if (table.keep && (table.truncate || !table.rules.empty())) {
          return ConfigError(path, table.position,
                             absl::StrCat("table '", table.key,
                                          "': keep = true copies every column unchanged, so it takes no truncate "
                                          "and no column rules"));
        }
        for (const TableConfig& other : config.tables) {
          if (other.name == table.name) {
            return ConfigError(path, table.position,
                               absl::StrCat("table '", table.key, "' names the same table as '", other.key, "'"));
          }
        }
        config.tables.push_back(std::move(table));
      }
    } else {
      return ConfigError(path, KeyPosition(k), absl::StrCat("unknown key '", key, "' (expected 'salt', 'salt_file', 'strict', 'large_objects' or 'tables')"));
    }
  }
  return config;
}

absl::StatusOr<OptionTable> ParseInlineOptions(std::string_view inline_table) {
  std::string doc = absl::StrCat("options = ", ToAbsl(inline_table), "\n");
  toml::table root;
  try {
    root = toml::parse(std::string_view(doc), std::string_view("example"));
  } catch (const toml::parse_error& err) {
    return absl::InvalidArgumentError(absl::StrCat("invalid example options: ", ToAbsl(err.description())));
  }
  const toml::table* t = root["options"].as_table();
  if (t == nullptr) return absl::InvalidArgumentError("example options must be an inline table");
  OptionTable out;
  for (const auto& [k, v] : *t) {
    auto converted = ConvertOption("example", std::string(k.str()), v);
    if (!converted.ok()) return converted.status();
    out.emplace(std::string(k.str()), *std::move(converted));
  }
  return out;
}

absl::Status CheckConfiguresSomething(const Config& config) {
  if (!config.tables.empty()) return absl::OkStatus();
  return ConfigError(config.path, SourcePosition::LineColumn(1, 1),
                     "the config configures no table: nothing would be anonymized (add [tables.NAME] sections; "
                     "`dbanon -v` lists the dump's tables)");
}

namespace {

absl::StatusOr<std::string> ReadSaltFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(file, ": cannot read the salt file"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(file, ": cannot read the salt file"));
  std::string salt = text.str();
  // `echo secret > salt.txt` and CI secret files end with one line break.
  if (!salt.empty() && salt.back() == '\n') salt.pop_back();
  if (!salt.empty() && salt.back() == '\r') salt.pop_back();
  return salt;
}

std::string ShortSaltMessage(std::string_view what, size_t size) {
  if (size == 0) return absl::StrCat(ToAbsl(what), " is empty: with an empty salt anyone can recompute the mapping");
  return absl::StrCat(ToAbsl(what), " is ", size, " bytes long; a salt needs at least ", kMinSaltBytes,
                      " (e.g. head -c 32 /dev/urandom | base64 > salt.txt)");
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ResolveSalt(const Config& config,
                                                       const std::optional<std::string>& salt_file_flag,
                                                       const char* env) {
  if (salt_file_flag.has_value()) {
    auto salt = ReadSaltFile(*salt_file_flag);
    if (!salt.ok()) return salt.status();
    if (salt->size() < kMinSaltBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(*salt_file_flag, ": ", ShortSaltMessage("the salt (--salt-file)", salt->size())));
    }
    return std::optional<std::string>(*std::move(salt));
  }
  if (env != nullptr) {
    std::string salt(env);
    if (salt.size() < kMinSaltBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dbanon: ", ShortSaltMessage("DBANON_SALT", salt.size()),
          salt.empty() ? " (is the CI secret defined?); unset it to use the config's salt" : ""));
    }
    return std::optional<std::string>(std::move(salt));
  }
  if (config.salt_file.has_value()) {
    std::string file = *config.salt_file;
    if (!file.empty() && file[0] != '/') {
      size_t slash = config.path.rfind('/');
      if (slash != std::string::npos) file = absl::StrCat(config.path.substr(0, slash + 1), file);
    }
    auto salt = ReadSaltFile(file);
    if (!salt.ok()) return ConfigError(config.path, config.salt_position, std::string(salt.status().message()));
    if (salt->size() < kMinSaltBytes) {
      return ConfigError(config.path, config.salt_position,
                         absl::StrCat(file, ": ", ShortSaltMessage("the salt", salt->size())));
    }
    return std::optional<std::string>(*std::move(salt));
  }
  if (config.salt.has_value()) {
    if (config.salt->size() < kMinSaltBytes) {
      return ConfigError(config.path, config.salt_position, ShortSaltMessage("'salt'", config.salt->size()));
    }
    return config.salt;
  }
  return std::optional<std::string>();
}

absl::StatusOr<Config> LoadConfig(const std::string& path) { return LoadConfig(path, std::nullopt); }

absl::StatusOr<Config> LoadConfig(const std::string& path, const std::optional<std::string>& connection) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the config is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the config file"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat(path, ": cannot read the config file"));
  if (LooksLikeYamlConfig(path, text.str())) return ParseYamlConfig(text.str(), path, connection);
  if (connection.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": --connection chooses a connection of a DbToolsBundle YAML config; this is TOML"));
  }
  return ParseConfig(text.str(), path);
}

}  // namespace dbanon
