// The values of SQL INSERT statements, one literal at a time, in the three
// dialects dbanon reads: MySQL/MariaDB (mysqldump, mariadb-dump), PostgreSQL
// (pg_dump --inserts, --column-inserts, --rows-per-insert) and SQLite (the
// sqlite3 CLI's .dump).
//
// Offers DecodeValue / EncodeValue: one value's literal to its bytes, and a
// replacement back to a literal of the dialect, keeping the original's form
// (bare number, quoted string with its introducer, hex literal); and the
// string-literal helpers under them.
//
// Format rules: MySQL docs, "String Literals" (escape sequences), "Hexadecimal
// Literals", "Bit-Value Literals", and mysql_real_escape_string (what
// mysqldump writes: client/mysqldump.cc); PostgreSQL docs, "Lexical
// Structure" (standard and E'' strings) and pg_dump.c dumpTableData_insert;
// SQLite docs, "SQL Language Expressions", and src/shell.c.in (.dump writes
// replace(...,char(10)) and unistr(...) around text with control
// characters). Summary: shared docs/formats.md, parts A.4, C.2 and D.
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_SQL_LITERALS_H_
#define DBANON_PARSERS_SQL_LITERALS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "anonymizers/anonymizer.h"
#include "parsers/sql_dialect.h"

namespace dbanon {

// What a value's text is.
struct SqlValue {
  enum class Kind : uint8_t {
    kNull,        // NULL
    kDefault,     // DEFAULT (PostgreSQL generated columns): not a value
    kNumber,      // a bare number: 12, -0.5, 1.5e300
    kBool,        // a bare true/false (PostgreSQL)
    kString,      // a quoted string, maybe with an introducer (_binary, N, E) or COLLATE / :: after it
    kHex,         // 0x4142 (MySQL) or X'4142' (MySQL, SQLite)
    kBits,        // b'0101', 0b0101 (MySQL), B'0101' (PostgreSQL): the value is the digits
    kExpression,  // an expression that evaluates to a string (SQLite replace()/char()/unistr())
  };
  Kind kind = Kind::kNull;
  // kString: the quoted literal inside the text; the bytes around it stay.
  size_t literal_begin = 0;
  size_t literal_end = 0;
  char quote = '\'';
  bool escapes = false;   // kString: backslash escapes apply
  bool x_form = false;    // kHex: X'..' (else 0x..); kBits: b'..' (else 0b..)
  bool upper_x = false;   // kHex/kBits: the prefix letter is upper case
};

// Reads one value. `text` is the value without the whitespace around it.
// Appends its bytes to `decoded` (numbers and booleans as written, bits as
// their digits; nothing for NULL and DEFAULT). Errors: InvalidArgument with
// a message naming the problem, never the value.
absl::Status DecodeValue(const SqlDialect& d, std::string_view text, SqlValue* value, std::string* decoded);

// Appends the literal that replaces a value whose original text is `text`
// (read by DecodeValue as `original`) with `replacement` (may be NULL).
// `numeric_column` is what the DDL says of the column, for originals that do
// not tell (NULL). Rules: NULL is written NULL and DEFAULT stays DEFAULT; a
// number, boolean, bit string or hex literal keeps its form when the
// replacement fits it (hex always does: it is the bytes); otherwise a quoted
// string, escaped for the dialect, with the original's introducer and suffix.
void EncodeValue(const SqlDialect& d, std::string_view text, const SqlValue& original, bool numeric_column,
                 const Cell& replacement, std::string* out);

// Reads the quoted literal that starts at text[i] (its opening quote). A
// doubled quote inside it stands for the quote; with `escapes`, so do the
// dialect's backslash sequences. Appends its bytes to `out` and returns the
// index after the closing quote, or npos when it does not close in `text`.
size_t DecodeQuotedLiteral(const SqlDialect& d, std::string_view text, size_t i, bool escapes, std::string* out);

// Appends `value` as a quoted string literal of the dialect ('...' with the
// escapes the dump tool would write).
void AppendStringLiteral(const SqlDialect& d, std::string_view value, std::string* out);

// True when `s` is a number the dialect reads bare: [+-]digits[.digits][e[+-]digits].
bool IsPlainNumber(std::string_view s);

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_LITERALS_H_
