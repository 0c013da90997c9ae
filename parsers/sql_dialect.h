// The lexical rules of the three SQL dialects dbanon reads, as data: one
// table per dialect, each in its own file (parsers/pg_dialect.cc,
// parsers/mysql_dialect.cc, parsers/sqlite_dialect.cc). The SQL lexer
// (parsers/sql_lexer.h) reads only these fields, so a quoting rule is
// decided here, once, for every framer, tuple scanner and DDL reader.
//
// Adding a dialect: a new `*_dialect.cc` with its table and a constructor
// function declared below; then a Framer (parsers/framer.h).
//
// Thread-safety: the dialects are immutable statics, valid for the whole
// run; read them from any thread.
#ifndef DBANON_PARSERS_SQL_DIALECT_H_
#define DBANON_PARSERS_SQL_DIALECT_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "parsers/char_layout.h"

namespace dbanon {

// How the client character set of the text makes characters, where that
// matters to a lexer: in SJIS (cp932), BIG5, GBK, GB18030, UHC and JOHAB the
// second byte of a character may be an ASCII byte (0x5C, a backslash; 0x60,
// a backquote; 0x5B, 0x5D), which the server reads as part of the character,
// never as an escape or a quote. In every other character set a byte below
// 0x80 is an ASCII character (kNone: the lexer's fast paths).
//  * PostgreSQL (psql reads a character by the length its first byte says,
//    src/fe_utils/psqlscan.l prepare_buffer with PQmblen): the CharLayout of
//    parsers/char_layout.h.
//  * MySQL/MariaDB (sql_lex.cc get_text: my_ismbchar, a first byte followed
//    by a valid second byte; any other byte is one character, and a
//    backslash escapes exactly one byte): strings/ctype-sjis.c, ctype-cp932.c
//    (issjishead/issjistail), ctype-gbk.c, ctype-big5.c, ctype-gb18030.c.
enum class MultibyteRule : uint8_t {
  kNone,
  kPgSjis,       // CharLayout::kSjis
  kPgTwoByte,    // CharLayout::kTwoByte
  kPgGb18030,    // CharLayout::kGb18030
  kPgJohab,      // CharLayout::kJohab
  kMySqlSjis,    // sjis, cp932: 0x81..0x9F or 0xE0..0xFC, then 0x40..0x7E or 0x80..0xFC
  kMySqlGbk,     // gbk: 0x81..0xFE, then 0x40..0x7E or 0x80..0xFE
  kMySqlBig5,    // big5: 0xA1..0xF9, then 0x40..0x7E or 0xA1..0xFE
  kMySqlGb18030, // gb18030: as gbk, or 0x81..0xFE, digit, 0x81..0xFE, digit
};
inline constexpr int kMultibyteRules = 9;

// The rule of a PostgreSQL client encoding's layout.
inline MultibyteRule PgMultibyteRule(CharLayout layout) {
  switch (layout) {
    case CharLayout::kAsciiSafe: return MultibyteRule::kNone;
    case CharLayout::kSjis: return MultibyteRule::kPgSjis;
    case CharLayout::kTwoByte: return MultibyteRule::kPgTwoByte;
    case CharLayout::kGb18030: return MultibyteRule::kPgGb18030;
    case CharLayout::kJohab: return MultibyteRule::kPgJohab;
  }
  return MultibyteRule::kNone;
}

// The rule of a MySQL/MariaDB character set (`SET NAMES x`,
// `SET character_set_client = x`; names as the server takes them, any case,
// quoted or not: MariaDB docs, "Supported Character Sets and Collations";
// `default` is the server's, whose ASCII bytes are ASCII). nullopt for a
// character set dbanon cannot read: ucs2, utf16, utf16le and utf32 (not
// ASCII-compatible: the server refuses them as a client character set) and
// any name it does not know.
std::optional<MultibyteRule> MySqlCharsetRule(std::string_view name);

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

  // The lexer's table (each dialect file says where its rules come from).
  bool double_quoted_strings_rule = false;  // "..." is a string literal, else a quoted name
  bool backquoted_names = false;            // `...` is a quoted name
  bool bracketed_names = false;             // [...] is a quoted name
  bool e_strings = false;                   // E'...' takes backslash escapes
  bool dollar_quotes = false;               // $tag$ ... $tag$ strings
  bool nested_comments = false;             // /* /* */ */ nests
  bool hash_comments = false;               // # to the end of the line
  bool dash_comment_needs_space = false;    // `--` opens a comment only before a space or control byte
  bool versioned_comments = false;          // /*!NNNNN ... */ and /*M!NNNNNN ... */ hold code
  // The client character set's multibyte characters (the dump's `SET NAMES`,
  // `SET character_set_client`, `SET client_encoding`).
  MultibyteRule multibyte = MultibyteRule::kNone;

  bool mysql() const { return kind == Kind::kMySql; }
  // "..." is a string literal (MySQL without ANSI_QUOTES), else a name.
  bool double_quoted_strings() const { return double_quoted_strings_rule; }
  bool postgres() const { return kind == Kind::kPostgres; }
  bool sqlite() const { return kind == Kind::kSqlite; }
};

// PostgreSQL as psql reads it (parsers/pg_dialect.cc).
const SqlDialect& PostgresDialect(bool standard_conforming_strings, MultibyteRule multibyte = MultibyteRule::kNone);

// MySQL as mysqldump writes it (backslash escapes, "..." strings); the
// other sql_modes a dump may set: ANSI_QUOTES, NO_BACKSLASH_ESCAPES; and the
// client character set (parsers/mysql_dialect.cc).
const SqlDialect& MySqlDialect(bool ansi_quotes = false, bool backslash_escapes = true,
                               MultibyteRule multibyte = MultibyteRule::kNone);

// SQLite as the sqlite3 shell reads it (parsers/sqlite_dialect.cc).
const SqlDialect& SqliteDialect();

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

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_DIALECT_H_
