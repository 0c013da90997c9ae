// Options of one configured anonymizer, as given in the config file.
//
// An Options object is a flat map from option name to a typed value (bool,
// integer, float, string, list of strings, or a nested table of strings such as
// the `paths` of the json anonymizer). Anonymizer factories read the options
// they know with the Get* calls; the config loader then calls Unused() so that
// a misspelt option is a config error instead of being silently ignored
// (DbToolsBundle ignores unknown options; we do not).
//
// Errors: every Get* returns absl::InvalidArgumentError naming the option when
// the value has the wrong type or is out of range. Messages never contain
// option values that could be personal data (they are configuration, but we
// stay consistent and name keys only).
//
// Thread-safety: not thread-safe; used only while the config is loaded.
#ifndef DBANON_ANONYMIZERS_OPTIONS_H_
#define DBANON_ANONYMIZERS_OPTIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace dbanon {

struct OptionValue;
using OptionList = std::vector<OptionValue>;
using OptionTable = std::map<std::string, OptionValue, std::less<>>;

struct OptionValue {
  std::variant<bool, int64_t, double, std::string, OptionList, OptionTable> v;
  // 1-based position of the value in the config file (0 when unknown).
  int line = 0;
  int column = 0;
};

class Options {
 public:
  Options() = default;
  explicit Options(OptionTable values) : values_(std::move(values)) {}

  bool Has(std::string_view key) const;

  // Typed getters. `fallback` is returned when the key is absent.
  absl::StatusOr<bool> GetBool(std::string_view key, bool fallback);
  absl::StatusOr<int64_t> GetInt(std::string_view key, int64_t fallback);
  absl::StatusOr<std::optional<int64_t>> GetOptionalInt(std::string_view key);
  // Accepts integers too.
  absl::StatusOr<std::optional<double>> GetOptionalDouble(std::string_view key);
  absl::StatusOr<std::string> GetString(std::string_view key, std::string_view fallback);
  absl::StatusOr<std::optional<std::string>> GetOptionalString(std::string_view key);
  // A required string option: InvalidArgument "option 'KEY' is required" when absent.
  absl::StatusOr<std::string> GetRequiredString(std::string_view key);
  // A list of strings (numbers are accepted and converted to their text).
  absl::StatusOr<std::vector<std::string>> GetStringList(std::string_view key);
  // A table of strings (e.g. json `paths`).
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> GetStringTable(std::string_view key);

  // Keys never read by a Get* call, in sorted order.
  std::vector<std::string> Unused() const;

  // A stable text form of all options (sorted keys), as written.
  std::string Canonical() const;

  // A stable text form of the options as the Get* calls read them, with
  // every option whose value equals its default left out and values in the
  // type they were read as (an integer read as a float is a float). It keys
  // the anonymizer's PRF (see CreateAnonymizer), so that `email = "email"`
  // and `{ anonymizer = "email", options = { domain = "example.com" } }` map
  // every value the same way, and with no option written it is empty (the
  // mapping of the bare form). Options read only with Has() count as written.
  std::string EffectiveCanonical() const;

  // A copy without `key`.
  Options Without(std::string_view key) const {
    OptionTable copy = values_;
    auto it = copy.find(key);
    if (it != copy.end()) copy.erase(it);
    return Options(std::move(copy));
  }

  // Position of a key in the config file, or nullptr if the key is absent.
  const OptionValue* Find(std::string_view key) const;

 private:
  const OptionValue* Use(std::string_view key);

  OptionTable values_;
  std::set<std::string, std::less<>> used_;
  // Key -> canonical text of the value as read, for non-default values.
  std::map<std::string, std::string, std::less<>> effective_;
};

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_OPTIONS_H_
