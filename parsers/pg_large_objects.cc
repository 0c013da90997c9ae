#include "parsers/pg_large_objects.h"

#include <cctype>
#include <string>

namespace dbanon {
namespace {

bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Skips spaces from `*i`; then, if `word` follows (any case) and no letter,
// digit or '_' after it, moves past it and returns true.
bool Word(std::string_view s, size_t* i, std::string_view word) {
  size_t k = *i;
  while (k < s.size() && Space(s[k])) ++k;
  if (s.size() - k < word.size()) return false;
  for (size_t j = 0; j < word.size(); ++j) {
    if (std::tolower(static_cast<unsigned char>(s[k + j])) != word[j]) return false;
  }
  const size_t end = k + word.size();
  if (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) != 0 || s[end] == '_')) return false;
  *i = end;
  return true;
}

bool Char(std::string_view s, size_t* i, char c) {
  size_t k = *i;
  while (k < s.size() && Space(s[k])) ++k;
  if (k >= s.size() || s[k] != c) return false;
  *i = k + 1;
  return true;
}

// The decoded length of the last string literal of `args` (PostgreSQL docs,
// "Binary Data Types": hex format `\x` then two digits a byte; escape format
// counted as written).
int64_t LiteralBytes(std::string_view args) {
  const size_t close = args.rfind('\'');
  if (close == std::string_view::npos || close == 0) return 0;
  // The opening quote: the last quote before `close` not doubled.
  size_t open = close;
  while (open > 0) {
    --open;
    if (args[open] != '\'') continue;
    if (open > 0 && args[open - 1] == '\'') {
      --open;
      continue;
    }
    break;
  }
  std::string_view body = args.substr(open + 1, close - open - 1);
  size_t hex = std::string_view::npos;
  if (body.substr(0, 2) == "\\x") hex = 2;
  if (body.substr(0, 3) == "\\\\x") hex = 3;
  if (hex == std::string_view::npos) return static_cast<int64_t>(body.size());
  int64_t digits = 0;
  for (size_t k = hex; k < body.size(); ++k) digits += std::isxdigit(static_cast<unsigned char>(body[k])) != 0 ? 1 : 0;
  return digits / 2;
}

}  // namespace

std::optional<LargeObjectCall> ParseLargeObjectCall(std::string_view statement) {
  size_t i = 0;
  if (!Word(statement, &i, "select")) return std::nullopt;
  size_t at = i;
  if (Word(statement, &at, "pg_catalog") && Char(statement, &at, '.')) i = at;
  struct Name {
    std::string_view name;
    LargeObjectCall::Kind kind;
    bool bytes;
  };
  static constexpr Name kNames[] = {
      {"lo_create", LargeObjectCall::Kind::kCreate, false}, {"lo_open", LargeObjectCall::Kind::kOpen, false},
      {"lowrite", LargeObjectCall::Kind::kWrite, true},     {"lo_close", LargeObjectCall::Kind::kClose, false},
      {"lo_from_bytea", LargeObjectCall::Kind::kCreate, true}, {"lo_put", LargeObjectCall::Kind::kWrite, true},
      {"lo_import", LargeObjectCall::Kind::kCreate, false},
  };
  for (const Name& n : kNames) {
    size_t k = i;
    if (!Word(statement, &k, n.name) || !Char(statement, &k, '(')) continue;
    LargeObjectCall call;
    call.kind = n.kind;
    if (n.bytes) call.bytes = LiteralBytes(statement.substr(k));
    return call;
  }
  return std::nullopt;
}

int64_t CountLargeObjectCreates(std::string_view sql) {
  int64_t n = 0;
  std::string lower(sql);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t at = lower.find("lo_create("); at != std::string::npos; at = lower.find("lo_create(", at + 1)) ++n;
  return n;
}

}  // namespace dbanon
