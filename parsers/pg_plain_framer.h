// Framer for PostgreSQL plain-format dumps (pg_dump -Fp, pg_restore -f).
//
// The dump is a psql script. A statement-aware scanner follows psql's lexer
// (src/bin/psql/psqlscanslash.l and src/fe_utils/psqlscan.l): string
// literals ('...', E'...' with backslash escapes, and '...' with backslash
// escapes when standard_conforming_strings is off), quoted identifiers,
// dollar quotes ($tag$...$tag$), nested /* */ comments, -- comments,
// parentheses, and psql meta-commands (\restrict, \connect, ...) at the
// start of a statement. Only a real `COPY ... FROM stdin;` statement at the
// top level switches to COPY data, which ends at a line that is exactly `\.`
// (PostgreSQL docs, "COPY, File Formats"; psql's handleCopyIn also accepts
// `\.` before CR LF). Text that merely looks like COPY inside literals,
// identifiers, comments or function bodies is ordinary SQL (shared
// docs/formats.md A.5, A.9).
//
// Everything is passed through byte for byte except the rows of configured
// tables, which are handed to workers as kRows segments, and the data of
// truncated tables, which is dropped (a COPY block keeps its header and `\.`).
//
// Text the framer cannot place is never passed through (it may be data): a
// damaged dump is an error (DataLoss, "LINE:COL: message"), fail closed:
//  * a statement whose first word is not an SQL command (sql_commands.h), or
//    that starts with a byte that cannot start one: a COPY row read as SQL,
//    a damaged INSERT;
//  * a line `\.` in SQL, outside literals and COPY data;
//  * a COPY statement that names STDIN but that ParseCopyHeader cannot read,
//    an INSERT whose head cannot be read;
//  * data (COPY, INSERT) of a table that the dump does not create, one letter
//    or schema away from a configured table it creates (a damaged name:
//    TableCatalog::CheckDataTarget);
//  * the end of input inside a statement (text after the last ';', an open
//    parenthesis), a literal, a quoted name or a comment;
//  * a statement that carries values into a configured table by another
//    path than a COPY row or VALUES tuple (issue 11): UPDATE, MERGE or WITH
//    writing into it (WrittenTables), INSERT ... SELECT, a literal in an
//    INSERT's ON CONFLICT DO UPDATE clause. Function bodies, rules and
//    triggers are code, not data, and are not checked.
//
// pg_dump 18 statistics: a `SELECT * FROM pg_catalog.pg_restore_attribute_stats(...)`
// statement is held from its first byte to its ';' (at most kMaxRowBytes);
// when it describes a configured column (StatsValuesMustGo) it becomes a
// kRows segment that StatsCallRewriter writes without the arguments that
// hold the column's values (parsers/pg_stats.h). A statement that names
// pg_restore_attribute_stats in any other shape is refused.
//
// INSERT statements (pg_dump --inserts, --column-inserts, --rows-per-insert;
// docs/formats.md A.4) are held from their first byte to their VALUES
// keyword, their head is parsed (column names from the column list, else from
// the table's CREATE TABLE earlier in the dump, which is kept for that), and
// their tuples are framed by InsertValuesFramer (parsers/insert_framer.h) with
// PostgreSQL's string rules (standard_conforming_strings as last SET).
//
// Memory: a row of a configured table must fit in CopyRowCutter::kMaxRowBytes
// (parsers/pg_copy.h); other lines may be of any length (they are passed
// through in pieces). INSERT tuples
// follow InsertValuesFramer's limits.
//
// Thread-safety: one thread.
#ifndef DBANON_PARSERS_PG_PLAIN_FRAMER_H_
#define DBANON_PARSERS_PG_PLAIN_FRAMER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/framer.h"
#include "parsers/insert_framer.h"
#include "parsers/pg_copy.h"
#include "parsers/pg_stats.h"
#include "parsers/sql_lexer.h"
#include "parsers/sql_statements.h"

namespace dbanon {

class PgPlainFramer : public Framer {
 public:
  static constexpr size_t kMaxRowBytes = size_t{64} << 20;
  // Statements longer than this are not kept for inspection; a COPY or INSERT
  // statement this long (a 1 MiB identifier) is refused.
  static constexpr size_t kMaxStatementBytes = size_t{1} << 20;

  // `resolver` must outlive the framer.
  explicit PgPlainFramer(TableResolver* resolver) : resolver_(resolver), tables_(resolver) {}

  absl::StatusOr<size_t> Frame(std::string_view input, bool eof, std::vector<Segment>* segments) override;
  std::vector<std::string> TakeWarnings() override;

  // --schema (src/schema.h): a CREATE TABLE or ALTER TABLE statement of the
  // schema-only dump that goes with this data-only one, read before it.
  void AddSchema(std::string_view statement);
  // The dump shows no sign of pg_dump (parsers/dump_format.h, PgOrigin):
  // rows of a configured table without its CREATE TABLE are refused unless
  // the config names every column they carry (TableCatalog::Resolve).
  void SetOriginUnknown() { tables_.SetGeneratedValuesPossible(); }
  // Collects the text of every CREATE TABLE and ALTER TABLE statement framed
  // from now on into `sink` (which must outlive the framer): reading a
  // schema-only dump for --schema.
  void set_ddl_sink(std::vector<std::string>* sink) { ddl_sink_ = sink; }

 private:
  enum class Mode { kSql, kAfterCopy, kCopyData, kInsertValues };

  // Scans SQL from input[pos], stopping after a COPY FROM stdin statement's
  // line ends (mode_ becomes kCopyData) or at the end of input.
  absl::Status ScanSql(std::string_view input, size_t* pos, bool eof);
  // COPY data, cut by copy_cutter_, up to and with its end line.
  absl::Status ScanCopyData(std::string_view input, size_t* pos, bool eof);
  absl::Status EndStatement(std::string_view input);
  // A SELECT statement ended: a pg_dump 18 statistics call of a configured
  // column becomes a kRows segment that StatsCallRewriter writes without
  // the column's values (parsers/pg_stats.h).
  absl::Status EndSelect(std::string_view input, const std::string& statement);
  // Transaction control (BEGIN, COMMIT, ROLLBACK, ...), and statements
  // that change standard_conforming_strings or client_encoding by code
  // (set_config, UPDATE pg_settings, DO): DataLoss, positioned.
  absl::Status FollowQuotingSettings(std::string_view statement);
  // A statement longer than kMaxStatementBytes ended (`head`: its first
  // kMaxStatementBytes): a CREATE TABLE, CREATE VIEW or ALTER leaves its
  // table without columns or is refused (TableCatalog::NoteUnreadDdl); a SET
  // or set_config call is refused (DataLoss, no position).
  absl::Status EndLongStatement(std::string_view head);
  // Marks a statement of ddl_sink_ that was too long to read: its head follows.
  static constexpr std::string_view kUnreadMark = "\x01unread\n";
  absl::Status EndOfInput();
  // INSERT support: the VALUES keyword ended the held head at input[i].
  absl::Status StartValues(std::string_view input, size_t i);
  // A held INSERT statement without VALUES ended at input[end].
  absl::Status EndInsertWithoutValues(std::string_view input, size_t end);
  // Emits this call's SQL bytes from sql_from_ to `to`, whose line is `line`.
  void FlushSql(size_t to, Segment::Kind kind, int64_t line);
  // Forgets the held statement: scanning restarts at its first byte.
  void RestoreStatementStart();
  void Emit(Segment::Kind kind, size_t begin, size_t end, int64_t first_line, const RowPlan* plan);
  // An identifier ended before the byte `next` (-1: end of input). Errors:
  // the statement's first word is not an SQL command (sql_commands.h).
  absl::Status FinishIdentifier(int next);
  absl::Status EndMarkerError(int64_t line) const;

  TableResolver* resolver_;
  std::vector<Segment>* out_ = nullptr;

  Mode mode_ = Mode::kSql;
  SqlLexer lex_;              // literals and comments (parsers/sql_lexer.h)
  bool meta_ = false;         // inside a psql meta-command line
  int paren_depth_ = 0;
  unsigned char prev_ = '\n';
  unsigned char prev2_ = '\n';
  bool standard_strings_ = true;  // in effect: the SET LOCAL value, else the session's
  // SET/RESET standard_conforming_strings and transaction blocks
  // (FollowQuotingSettings): a ROLLBACK undoes the transaction's SETs, a
  // COMMIT or ROLLBACK ends its SET LOCAL.
  bool session_standard_strings_ = true;
  std::optional<bool> local_standard_strings_;
  bool saved_standard_strings_ = true;  // the session's at BEGIN
  bool in_transaction_ = false;
  bool settings_changed_in_transaction_ = false;
  bool encoding_changed_in_transaction_ = false;
  bool client_encoding_set_ = false;  // a SET client_encoding was read
  MultibyteRule multibyte_ = MultibyteRule::kNone;  // SET client_encoding (SJIS, BIG5, ...)
  bool last_was_significant_ = false;
  int64_t significant_ = 0;          // significant bytes in the current statement
  bool decided_ = false;             // whether to keep the statement's text is settled
  // Words of the current statement, to follow BEGIN ... END bodies.
  bool in_ident_ = false;
  std::string ident_;                // the identifier being read, lower case, capped
  size_t ident_len_ = 0;             // its length, uncapped
  std::string first_raw_;            // the statement's first word as written, capped
  int64_t first_line_ = 0, first_col_ = 0;  // where it starts
  int64_t ident_count_ = 0;
  char routine_words_[4] = {0, 0, 0, 0};
  int begin_depth_ = 0;

  // The current statement.
  bool in_statement_ = false;  // a non-space, non-comment byte was seen
  bool keep_text_ = false;     // statement_ collects the text
  std::string statement_;
  std::string long_head_;  // the first kMaxStatementBytes of a statement too long to keep (EndLongStatement)
  int64_t statement_line_ = 0;
  int64_t statement_col_ = 0;
  int64_t lex_start_line_ = 0;  // where the current literal/comment began

  // INSERT statements (see StartValues).
  TableCatalog tables_;
  InsertValuesFramer values_;
  SegmentSink sink_;
  size_t sql_from_ = 0;           // this call's SQL bytes before this are emitted
  int64_t sql_from_line_ = 1;
  bool need_more_ = false;        // Frame must return: the rest needs more input
  size_t stmt_begin_ = 0;         // offset of the current statement's first byte
  size_t stmt_end_ = 0;           // offset after its ';'
  unsigned char stmt_prev_ = '\n', stmt_prev2_ = '\n';
  bool stmt_last_significant_ = false;
  std::string first_word_;        // the statement's first word, lower case
  bool insert_head_ = false;      // an INSERT whose VALUES is not reached yet (held)
  bool values_found_ = false;
  bool insert_values_done_ = false;  // the statement's VALUES list was framed
  bool create_table_ = false;     // CREATE [UNLOGGED|TEMP] TABLE: its text is kept
  bool create_index_ = false;     // CREATE [UNIQUE] INDEX: its text is kept (PgIndexTables)
  bool stmt_started_here_ = false;  // the current statement began in this Frame call (stmt_begin_ is valid)
  PgIndexTables indexes_;
  RowPlan stats_plan_;            // the plan of statistics segments (StatsCallRewriter does not read it)
  bool create_view_ = false;      // CREATE [OR REPLACE] [TEMP] [RECURSIVE] VIEW: its text is kept
  bool create_domain_ = false;    // CREATE DOMAIN or CREATE TYPE: its text is kept
  TableName tail_table_;          // an INSERT into a configured table: its tail is kept
  bool tail_configured_ = false;  // (ON CONFLICT DO UPDATE SET col = '...' is refused)
  const RowPlan* tail_plan_ = nullptr;
  bool drop_tail_ = false;        // the statement's data is dropped: so is the rest of it
  bool drop_newline_ = false;     // ... and the line end after it
  std::string prev_word_;
  AlterWords alter_words_;        // an ALTER statement: may an action change columns (NoteAlterTable)
  bool move_word_ = false;        // an ALTER statement: it holds RENAME, CHANGE, EXCHANGE or SCHEMA (EndLongStatement)
  bool saw_stdin_ = false;        // the word STDIN outside literals and comments
  // A line that starts with `\.` in SQL: 1 after the backslash, 2 after the
  // dot, 3 after a CR; its LF (or the end of input) makes it an error.
  int end_marker_ = 0;
  // A '-' or '/' before the statement's first word: it must open a comment.
  unsigned char pending_start_ = 0;
  int64_t pending_line_ = 0, pending_col_ = 0;

  // The current COPY block.
  std::optional<CopyHeader> copy_;
  TableName copy_table_;
  const RowPlan* copy_plan_ = nullptr;
  int64_t copy_line_ = 0;  // line of the COPY statement
  bool copy_drop_ = false;  // a truncated table: rows are dropped
  CopyRowCutter copy_cutter_;
  // How the client encoding (the last SET client_encoding) makes characters:
  // COPY rows are read character by character in SJIS, BIG5, ... (pg_copy.h).
  CharLayout copy_layout_ = CharLayout::kAsciiSafe;

  int64_t line_ = 1;
  int64_t col_ = 1;
  std::vector<std::string> warnings_;
  std::vector<std::string>* ddl_sink_ = nullptr;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_PLAIN_FRAMER_H_
