#include "parsers/sql_commands.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "base/edit_distance.h"

namespace dbanon {
namespace {

// The first words of statements, in ASCII order (lower case):
//  * PostgreSQL: the "SQL Commands" part of its reference (ABORT ... WITH;
//    SECURITY LABEL, IMPORT FOREIGN SCHEMA, END, DO, MOVE, ...);
//  * MySQL/MariaDB: the statements of "SQL Statements" (CHANGE MASTER,
//    FLUSH, HANDLER, INSTALL, KILL, OPTIMIZE, PURGE, RENAME, REPAIR, SIGNAL,
//    UNLOCK, USE, XA, BINLOG in mysqlbinlog output, ...);
//  * SQLite: ATTACH, DETACH, PRAGMA, REINDEX, SAVEPOINT, ... ("SQL As
//    Understood By SQLite").
constexpr std::array<std::string_view, 80> kCommandWords = {
    "abort", "alter", "analyse", "analyze", "attach", "begin", "binlog", "cache", "call", "change", "check",
    "checkpoint", "checksum", "close", "cluster", "comment", "commit", "copy", "create", "deallocate",
    "declare", "delete", "desc", "describe", "detach", "discard", "do", "drop", "end", "execute", "explain",
    "fetch", "flush", "get", "grant", "handler", "help", "import", "insert", "install", "kill", "listen",
    "load", "lock", "merge", "move", "notify", "optimize", "pragma", "prepare", "purge", "reassign",
    "refresh", "reindex", "release", "rename", "repair", "replace", "reset", "resignal", "revoke", "rollback",
    "savepoint", "security", "select", "set", "show", "signal", "start", "table", "truncate", "uninstall",
    "unlisten", "unlock", "update", "use", "vacuum", "values", "with", "xa",
};
static_assert(std::is_sorted(kCommandWords.begin(), kCommandWords.end()), "kCommandWords must be sorted");

bool IsAsciiLetters(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); });
}

}  // namespace

bool IsSqlCommandWord(std::string_view word) {
  char lower[16];
  if (word.empty() || word.size() > sizeof(lower) || !IsAsciiLetters(word)) return false;
  for (size_t i = 0; i < word.size(); ++i) lower[i] = absl::ascii_tolower(static_cast<unsigned char>(word[i]));
  return std::binary_search(kCommandWords.begin(), kCommandWords.end(), std::string_view(lower, word.size()));
}

bool IsParenthesizedQueryWord(std::string_view word) {
  std::string w;
  for (char c : word) w.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  return w == "select" || w == "values" || w == "with" || w == "table";
}

std::string UnknownCommandMessage(std::string_view word, int next) {
  // The word itself is never printed: it may be the first word of a value
  // (a COPY data row read as SQL after a damaged header). A known command
  // one or two letters away is named instead.
  const bool ends_like_a_word = next == ' ' || next == '\n' || next == '\r' || next == ';' || next == '(';
  if (!word.empty() && word.size() <= 30 && IsAsciiLetters(word) && ends_like_a_word) {
    std::string lower;
    for (char c : word) lower.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    std::string_view best;
    size_t best_distance = 3;
    for (std::string_view command : kCommandWords) {
      if (command.size() < 4) continue;  // "do", "end", "set": too many near misses
      size_t dist = EditDistance(lower, command);
      if (dist < best_distance) {
        best_distance = dist;
        best = command;
      }
    }
    if (!best.empty()) {
      std::string m = "an unknown SQL command (a misspelt ";
      for (char c : best) m.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
      m += "?)";
      return m;
    }
  }
  return "an unknown SQL command";
}

}  // namespace dbanon
