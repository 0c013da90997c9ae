// The values of SQL INSERT statements, in the three dialects dbanon reads:
// MySQL/MariaDB (mysqldump, mariadb-dump), PostgreSQL (pg_dump --inserts,
// --column-inserts, --rows-per-insert) and SQLite (the sqlite3 CLI's .dump).
//
// Offers:
//  * SqlDialect (parsers/sql_dialect.h): the lexical rules that differ
//    between the three, read by the SQL lexer (parsers/sql_lexer.h).
//  * ScanTuples: a resumable scanner of a VALUES list that finds tuples and
//    the commas between their values over input that arrives in pieces; the
//    SQL lexer tells it where literals, quoted names and comments are.
//    Framers and rewriters both use it, so they agree on every boundary.
//  * DecodeValue / EncodeValue: one value's literal to its bytes, and a
//    replacement back to a literal of the dialect, keeping the original's
//    form (bare number, quoted string with its introducer, hex literal).
//  * The RowRewriters for whole INSERT tuples and for a run of values of one
//    tuple (a huge tuple framed value by value).
//
// Format rules: MySQL docs, "String Literals" (escape sequences), "Hexadecimal
// Literals", "Bit-Value Literals", "Comments", and mysql_real_escape_string
// (what mysqldump writes: client/mysqldump.cc); PostgreSQL docs, "Lexical
// Structure" (standard and E'' strings, dollar quotes, nested comments) and
// pg_dump.c dumpTableData_insert; SQLite docs, "SQL Language Expressions",
// and src/shell.c.in (.dump writes replace(...,char(10)) and unistr(...)
// around text with control characters). Summary: shared docs/formats.md,
// parts A.4, C.2 and D.
//
// Thread-safety: pure functions and immutable rewriters.
#ifndef DBANON_PARSERS_SQL_VALUES_H_
#define DBANON_PARSERS_SQL_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "anonymizers/anonymizer.h"
#include "parsers/framer.h"
#include "parsers/sql_dialect.h"
#include "parsers/sql_lexer.h"

namespace dbanon {

// The state of ScanTuples between calls. Start from a default-constructed
// state at the first byte after the VALUES keyword.
struct TupleScanState {
  SqlLexer lex;               // literals, comments, versioned comments (parsers/sql_lexer.h)
  int depth = 0;              // parenthesis depth: 1 inside a tuple
  bool commas = true;         // report kComma (a framer that only needs tuples turns it off)
  unsigned char prev = ' ';   // the two bytes before the scan position, for
  unsigned char prev2 = ' ';  // PostgreSQL's E'...' prefix and `$`
};

enum class TupleEvent : uint8_t {
  kOpen,      // consumed a '(' at depth 0: a tuple starts (input[*pos - 1])
  kClose,     // consumed the ')' that ends a tuple (input[*pos - 1])
  kComma,     // consumed a ',' between two values of a tuple
  kOuter,     // input[*pos] is a significant byte at depth 0 other than '(':
              // a ',' between tuples, or the end of the VALUES list. Not consumed.
  kEnd,       // *pos == input.size()
  kNeedMore,  // input[*pos] needs bytes past the end to be classified (a
              // possible comment start); only when !eof. Not consumed.
};

// Advances *pos over `input` from state `s` to the next event. Whitespace and
// comments between tuples are skipped silently. MySQL versioned comments are
// code: their opening `/*!NNNNN` and closing `*/` are skipped like whitespace
// (at any depth) and tracked in s->lex (versioned(), version()), so a comma
// inside one is a comma (at kComma and kClose, s->lex.version() tags the
// value just read). kNeedMore also comes at a quote that may be doubled or a
// backslash at the end of a piece (SqlLexer::Skip).
TupleEvent ScanTuples(const SqlDialect& d, TupleScanState* s, std::string_view input, size_t* pos, bool eof);

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

// The message for a value whose VersionedCommentTag `got` differs from its
// column's `want` (RowPlan::ColumnInfo::version): names the table and
// column, never the value.
std::string VersionedMismatchMessage(const RowPlan& plan, size_t column, int got, int want);

// Rewrites whole tuples `(v1, v2, ...)` and what separates them (commas,
// whitespace, comments): only the values of configured columns change.
const RowRewriter* InsertTupleRewriter(const SqlDialect& d);
// Rewrites `v1, v2, ...`: some adjacent values of one tuple (no parentheses);
// the plan describes just those columns. Used for tuples too long to hold.
const RowRewriter* InsertValuesRewriter(const SqlDialect& d);

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_VALUES_H_
