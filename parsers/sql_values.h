// The values of SQL INSERT statements, in the three dialects dbanon reads:
// MySQL/MariaDB (mysqldump, mariadb-dump), PostgreSQL (pg_dump --inserts,
// --column-inserts, --rows-per-insert) and SQLite (the sqlite3 CLI's .dump).
//
// Offers:
//  * SqlDialect: the lexical rules that differ between the three.
//  * ScanTuples: a resumable scanner of a VALUES list that finds tuples and
//    the commas between their values, aware of string literals, quoted
//    identifiers, comments and (PostgreSQL) dollar quotes, over input that
//    arrives in pieces. Framers and rewriters both use it, so they agree on
//    every boundary.
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

namespace dbanon {

struct SqlDialect {
  enum class Kind : uint8_t { kPostgres, kMySql, kSqlite };
  Kind kind = Kind::kPostgres;
  // '...' literals take backslash escapes: in MySQL unless the dump's
  // sql_mode has NO_BACKSLASH_ESCAPES (mysqldump never sets it), in
  // PostgreSQL when standard_conforming_strings is off (E'...' always does),
  // never in SQLite.
  bool backslash_strings = false;
  // MySQL with ANSI_QUOTES in the dump's sql_mode (mysqldump/mariadb-dump
  // --compatible=ansi write `SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI'`): "..."
  // is a name, not a string (MariaDB docs, "SQL_MODE").
  bool ansi_quotes = false;

  bool mysql() const { return kind == Kind::kMySql; }
  // "..." is a string literal (MySQL without ANSI_QUOTES), else a name.
  bool double_quoted_strings() const { return kind == Kind::kMySql && !ansi_quotes; }
  bool postgres() const { return kind == Kind::kPostgres; }
  bool sqlite() const { return kind == Kind::kSqlite; }
};

// MySQL as mysqldump writes it (backslash escapes, "..." strings); the
// other sql_modes a dump may set: ANSI_QUOTES, NO_BACKSLASH_ESCAPES.
const SqlDialect& MySqlDialect(bool ansi_quotes = false, bool backslash_escapes = true);

// MySQL versioned comments (MySQL docs, "Comments"; MariaDB docs, "Comment
// Syntax"): `/*!NNNNN ... */` is code for MySQL NNNNN and later; MariaDB
// 10.11 runs it when NNNNN < 50700 or NNNNN <= its own version 101100+ and
// skips /*!50700 to /*!99999 (MySQL 5.7 and later features; checked with the
// 10.11 client); `/*M!NNNNNN ... */` is code for MariaDB only. Servers
// disagree, so dbanon reads the text of every versioned comment as code
// (anything a server may run is rewritten) and tags what it reads there, so
// that the values of a tuple and the columns of a CREATE TABLE are matched
// only when they sit in the same comments: the tag is 0 outside a versioned
// comment and in `/*!` without a number (every server runs it), NNNNN in
// /*!NNNNN, 1000000 + NNNNNN in /*M!NNNNNN (M alone: 1000000). `digits` is
// the number as written (at most 9 digits count).
int VersionedCommentTag(bool mariadb_only, std::string_view digits);
const SqlDialect& SqliteDialect();
const SqlDialect& PostgresDialect(bool standard_conforming_strings);

// The state of ScanTuples between calls. Start from a default-constructed
// state at the first byte after the VALUES keyword.
struct TupleScanState {
  enum class Lex : uint8_t { kCode, kQuoted, kLineComment, kBlockComment, kDollar };
  Lex lex = Lex::kCode;
  char quote = 0;             // kQuoted: the closing quote (' " ` ])
  bool escapes = false;       // kQuoted: a backslash escapes the next byte
  bool backslash = false;     // kQuoted: the previous byte was an escaping backslash
  char reopen_quote = 0;      // a literal closed on the previous byte; this quote
  bool reopen_escapes = false;  // right after it continues it ('' doubling)
  int depth = 0;              // parenthesis depth: 1 inside a tuple
  bool commas = true;         // report kComma (a framer that only needs tuples turns it off)
  int comment_depth = 0;      // kBlockComment nesting (PostgreSQL nests)
  unsigned char prev = ' ';   // the two bytes before the scan position, for
  unsigned char prev2 = ' ';  // PostgreSQL's E'...' prefix
  std::string dollar_tag;     // kDollar: "$tag$"
  int versioned = 0;          // MySQL: open versioned comments (/*!NNNNN ... */), read as code
  int version = 0;            // ... the VersionedCommentTag of the outermost, 0 when none
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
// (at any depth) and tracked in s->versioned / s->version, so a comma inside
// one is a comma (at kComma and kClose, s->version tags the value just read).
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
