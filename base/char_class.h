// Character classes of SQL text, shared by every lexer of parsers/ so that a
// quoting or identifier rule is decided in one place. Header only, no state;
// thread-safe.
//
// Sources: PostgreSQL docs, "Lexical Structure" (4.1.1: identifiers begin
// with a letter, an underscore or a non-ASCII byte and go on with letters,
// digits, `_` and `$`; 4.1.2.4: a dollar-quote tag follows the identifier
// rules without `$`; whitespace is space, tab, newline, carriage return, form
// feed, vertical tab: scan.l's `space`). MySQL and SQLite accept a superset
// of these bytes in unquoted names, and the framers only need to know where
// a word ends, so one class serves every dialect.
//
// JSON has its own whitespace (RFC 8259: exactly space, tab, newline,
// carriage return) and keeps it in anonymizers/json_scanner.cc.
#ifndef DBANON_BASE_CHAR_CLASS_H_
#define DBANON_BASE_CHAR_CLASS_H_

#include <cstddef>
#include <string_view>

namespace dbanon {

// Whitespace between SQL tokens.
inline bool IsSqlSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }

inline bool IsAsciiLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The first byte of an unquoted identifier, and of a dollar-quote tag.
inline bool IsSqlIdentStart(unsigned char c) { return IsAsciiLetter(c) || c == '_' || c >= 0x80; }

// A byte that continues an unquoted identifier (or a keyword, or a number
// glued to one): a byte of a word.
inline bool IsSqlIdentChar(unsigned char c) { return IsSqlIdentStart(c) || IsAsciiDigit(c) || c == '$'; }

// Whether `text` is `lower` (a word in ASCII lowercase) in any ASCII case:
// keyword tests without a lowercased copy.
inline bool EqualsAsciiLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + ('a' - 'A'));
    if (c != static_cast<unsigned char>(lower[i])) return false;
  }
  return true;
}

}  // namespace dbanon

#endif  // DBANON_BASE_CHAR_CLASS_H_
