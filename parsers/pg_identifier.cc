#include "parsers/pg_identifier.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"

namespace dbanon {

std::string QuoteIdentifierIfNeeded(std::string_view name) {
  bool plain = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string TableName::Display() const {
  if (schema.empty()) return QuoteIdentifierIfNeeded(table);  // MySQL, SQLite: no schema
  return absl::StrCat(QuoteIdentifierIfNeeded(schema), ".", QuoteIdentifierIfNeeded(table));
}

absl::StatusOr<std::vector<std::string>> ParseQualifiedName(std::string_view text) {
  std::vector<std::string> parts;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  };
  while (true) {
    skip_space();
    if (i >= text.size()) return absl::InvalidArgumentError("expected a name");
    std::string part;
    if (text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            part.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        part.push_back(text[i++]);
      }
      if (!closed) return absl::InvalidArgumentError("unterminated quoted identifier");
      if (part.empty()) return absl::InvalidArgumentError("zero-length quoted identifier");
    } else if (IsSqlIdentStart(static_cast<unsigned char>(text[i]))) {
      while (i < text.size() && IsSqlIdentChar(static_cast<unsigned char>(text[i]))) {
        char c = text[i++];
        part.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
    } else {
      return absl::InvalidArgumentError("expected a name");
    }
    parts.push_back(std::move(part));
    skip_space();
    if (i == text.size()) break;
    if (text[i] != '.') return absl::InvalidArgumentError("unexpected character in a qualified name");
    ++i;
  }
  return parts;
}

absl::StatusOr<TableName> TableNameFromConfigKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("empty table name");
  if (key.find('"') != std::string_view::npos) {
    auto parts = ParseQualifiedName(key);
    if (!parts.ok()) return parts.status();
    if (parts->size() == 1) return TableName{"public", (*parts)[0]};
    if (parts->size() == 2) return TableName{(*parts)[0], (*parts)[1]};
    return absl::InvalidArgumentError("a table name has at most two parts: schema.table");
  }
  size_t dot = key.find('.');
  if (dot == std::string_view::npos) return TableName{"public", std::string(key)};
  if (key.find('.', dot + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "ambiguous table name with more than one dot: quote the parts, as in '\"my.schema\".\"table\"'");
  }
  if (dot == 0 || dot + 1 == key.size()) return absl::InvalidArgumentError("empty schema or table name");
  return TableName{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
}

}  // namespace dbanon
