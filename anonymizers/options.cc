#include "anonymizers/options.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

absl::Status TypeError(std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("option '", ToAbsl(key), "' must be ", ToAbsl(what)));
}

void AppendCanonical(const OptionValue& value, std::string* out) {
  struct Visitor {
    std::string* out;
    void operator()(bool b) const { absl::StrAppend(out, b ? "true" : "false"); }
    void operator()(int64_t i) const { absl::StrAppend(out, i); }
    void operator()(double d) const { absl::StrAppend(out, "f", d); }
    void operator()(const std::string& s) const {
      // Length-prefixed so that no two different values share a text form.
      absl::StrAppend(out, "s", s.size(), ":", s);
    }
    void operator()(const OptionList& list) const {
      absl::StrAppend(out, "[", list.size(), ":");
      for (const auto& item : list) AppendCanonical(item, out);
      absl::StrAppend(out, "]");
    }
    void operator()(const OptionTable& table) const {
      absl::StrAppend(out, "{", table.size(), ":");
      for (const auto& [k, v] : table) {
        absl::StrAppend(out, k.size(), ":", k, "=");
        AppendCanonical(v, out);
      }
      absl::StrAppend(out, "}");
    }
  };
  std::visit(Visitor{out}, value.v);
}

std::string CanonicalOf(OptionValue v) {
  std::string out;
  AppendCanonical(v, &out);
  return out;
}

}  // namespace

bool Options::Has(std::string_view key) const { return values_.find(key) != values_.end(); }

const OptionValue* Options::Find(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

const OptionValue* Options::Use(std::string_view key) {
  auto it = values_.find(key);
  if (it == values_.end()) return nullptr;
  used_.emplace(key);
  return &it->second;
}

absl::StatusOr<bool> Options::GetBool(std::string_view key, bool fallback) {
  const OptionValue* v = Use(key);
  if (v == nullptr) return fallback;
  if (const bool* b = std::get_if<bool>(&v->v)) {
    if (*b != fallback) effective_[std::string(key)] = CanonicalOf(OptionValue{*b});
    return *b;
  }
  return TypeError(key, "true or false");
}

absl::StatusOr<int64_t> Options::GetInt(std::string_view key, int64_t fallback) {
  auto v = GetOptionalInt(key);
  if (!v.ok()) return v.status();
  if (v->has_value() && **v == fallback) effective_.erase(std::string(key));
  return v->value_or(fallback);
}

absl::StatusOr<std::optional<int64_t>> Options::GetOptionalInt(std::string_view key) {
  const OptionValue* v = Use(key);
  if (v == nullptr) return std::optional<int64_t>();
  if (const int64_t* i = std::get_if<int64_t>(&v->v)) {
    effective_[std::string(key)] = CanonicalOf(OptionValue{*i});
    return std::optional<int64_t>(*i);
  }
  return TypeError(key, "an integer");
}

absl::StatusOr<std::optional<double>> Options::GetOptionalDouble(std::string_view key) {
  const OptionValue* v = Use(key);
  if (v == nullptr) return std::optional<double>();
  if (const int64_t* i = std::get_if<int64_t>(&v->v)) {
    effective_[std::string(key)] = CanonicalOf(OptionValue{static_cast<double>(*i)});
    return std::optional<double>(static_cast<double>(*i));
  }
  if (const double* d = std::get_if<double>(&v->v); d != nullptr && std::isfinite(*d)) {
    effective_[std::string(key)] = CanonicalOf(OptionValue{*d});
    return std::optional<double>(*d);
  }
  return TypeError(key, "a finite number");
}

absl::StatusOr<std::string> Options::GetString(std::string_view key, std::string_view fallback) {
  auto v = GetOptionalString(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::string(fallback);
  if (**v == fallback) effective_.erase(std::string(key));
  return **v;
}

absl::StatusOr<std::optional<std::string>> Options::GetOptionalString(std::string_view key) {
  const OptionValue* v = Use(key);
  if (v == nullptr) return std::optional<std::string>();
  if (const std::string* s = std::get_if<std::string>(&v->v)) {
    effective_[std::string(key)] = CanonicalOf(OptionValue{*s});
    return std::optional<std::string>(*s);
  }
  return TypeError(key, "a string");
}

absl::StatusOr<std::string> Options::GetRequiredString(std::string_view key) {
  auto v = GetOptionalString(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return absl::InvalidArgumentError(absl::StrCat("option '", ToAbsl(key), "' is required"));
  return **v;
}

absl::StatusOr<std::vector<std::string>> Options::GetStringList(std::string_view key) {
  const OptionValue* v = Use(key);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  const OptionList* list = std::get_if<OptionList>(&v->v);
  if (list == nullptr) return TypeError(key, "a list of strings");
  for (const OptionValue& item : *list) {
    if (const std::string* s = std::get_if<std::string>(&item.v)) {
      out.push_back(*s);
    } else if (const int64_t* i = std::get_if<int64_t>(&item.v)) {
      out.push_back(absl::StrCat(*i));
    } else if (const double* d = std::get_if<double>(&item.v)) {
      out.push_back(absl::StrCat(*d));
    } else {
      return TypeError(key, "a list of strings");
    }
  }
  OptionList as_read;
  for (const std::string& item : out) as_read.push_back(OptionValue{item});
  effective_[std::string(key)] = CanonicalOf(OptionValue{std::move(as_read)});
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Options::GetStringTable(
    std::string_view key) {
  const OptionValue* v = Use(key);
  std::vector<std::pair<std::string, std::string>> out;
  if (v == nullptr) return out;
  const OptionTable* table = std::get_if<OptionTable>(&v->v);
  if (table == nullptr) return TypeError(key, "a table of strings");
  for (const auto& [k, item] : *table) {
    const std::string* s = std::get_if<std::string>(&item.v);
    if (s == nullptr) return TypeError(key, "a table of strings");
    out.emplace_back(k, *s);
  }
  effective_[std::string(key)] = CanonicalOf(*v);
  return out;
}

std::vector<std::string> Options::Unused() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (used_.find(k) == used_.end()) out.push_back(k);
  }
  return out;
}

std::string Options::EffectiveCanonical() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    auto e = effective_.find(k);
    if (e != effective_.end()) {
      absl::StrAppend(&out, k.size(), ":", k, "=", e->second, ";");
    } else if (used_.find(k) == used_.end()) {  // read with Has() only: as written
      absl::StrAppend(&out, k.size(), ":", k, "=");
      AppendCanonical(v, &out);
      out.push_back(';');
    }
  }
  return out;
}

std::string Options::Canonical() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    absl::StrAppend(&out, k.size(), ":", k, "=");
    AppendCanonical(v, &out);
    out.push_back(';');
  }
  return out;
}

}  // namespace dbanon
