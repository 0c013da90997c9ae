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
#include <string_view>

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

  bool mysql() const { return kind == Kind::kMySql; }
  // "..." is a string literal (MySQL without ANSI_QUOTES), else a name.
  bool double_quoted_strings() const { return double_quoted_strings_rule; }
  bool postgres() const { return kind == Kind::kPostgres; }
  bool sqlite() const { return kind == Kind::kSqlite; }
};

// PostgreSQL as psql reads it (parsers/pg_dialect.cc).
const SqlDialect& PostgresDialect(bool standard_conforming_strings);

// MySQL as mysqldump writes it (backslash escapes, "..." strings); the
// other sql_modes a dump may set: ANSI_QUOTES, NO_BACKSLASH_ESCAPES
// (parsers/mysql_dialect.cc).
const SqlDialect& MySqlDialect(bool ansi_quotes = false, bool backslash_escapes = true);

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
