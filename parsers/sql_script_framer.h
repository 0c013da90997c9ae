// Framer for SQL-script dumps whose data is in INSERT statements:
// MySQL/MariaDB (mysqldump, mariadb-dump) and SQLite (the sqlite3 CLI's .dump).
//
// A statement scanner follows the client that replays the script: for MySQL
// the mysql/mariadb client (strings with backslash escapes, backquoted names,
// `#`, `-- ` and /* */ comments, versioned comments /*!NNNNN ... */ and
// /*M!NNNNNN ... */ whose text is SQL, and DELIMITER lines: between
// `DELIMITER ;;` and `DELIMITER ;` statements end with `;;`); for SQLite the
// sqlite3 shell (sqlite3_complete: a CREATE TRIGGER statement ends at `END;`,
// not at the `;` inside its body). So text that merely looks like an INSERT
// inside a literal, a comment, a trigger or a routine body is not data.
//
// Statements that carry values into a configured table by another path than
// a VALUES tuple are refused (DataLoss, naming the statement kind and the
// table, never a value; issue 11): UPDATE, MERGE and WITH statements are held
// whole (up to kMaxHeadBytes) and their targets read by WrittenTables; an
// INSERT ... SELECT/SET without VALUES; an UPDATE clause in an INSERT's tail
// (ON DUPLICATE KEY UPDATE, ON CONFLICT DO UPDATE) that assigns a configured
// column anything but the incoming row's value (UnrewrittenUpdateColumn: the
// tail of an INSERT into a configured table is kept, up to kMaxHeadBytes).
// A statement inside a trigger or routine body is code and is not checked.
//
// Statements that start with INSERT or REPLACE are held until their VALUES
// keyword, then their head is parsed (shared docs/formats.md C.2, D) and the
// tuples are framed by InsertValuesFramer (parsers/insert_framer.h): rewritten
// by workers for configured tables, passed through in pieces otherwise,
// dropped for truncated tables (the whole statement goes). CREATE TABLE
// statements are parsed for the column names of INSERTs without a column list.
// Everything else is passed through byte for byte.
//
// Text the framer cannot place is never passed through (it may be data): a
// damaged dump is an error (DataLoss, "LINE:COL: message"), fail closed: a
// statement whose first word is not an SQL command (sql_commands.h) or that
// starts with a byte that cannot start one; an INSERT head that cannot be
// read; an INSERT into a table that the dump does not create, one letter or
// schema away from a configured table it creates (a damaged name:
// TableCatalog::CheckDataTarget); the end of input inside a statement (text after the last
// delimiter), a literal, a quoted name or a comment. A mysql client command
// inside a versioned comment (mariadb-dump's `/*M!999999\- enable the
// sandbox mode */`) ends that comment's SQL, as in the client.
//
// Memory: held statement heads are capped (kMaxHeadBytes, kMaxCreateTableBytes);
// the data follows InsertValuesFramer's limits.
//
// Thread-safety: one thread.
#ifndef DBANON_PARSERS_SQL_SCRIPT_FRAMER_H_
#define DBANON_PARSERS_SQL_SCRIPT_FRAMER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "parsers/framer.h"
#include "parsers/insert_framer.h"
#include "parsers/sql_lexer.h"
#include "parsers/sql_statements.h"
#include "parsers/sql_tuples.h"

namespace dbanon {

class SqlScriptFramer : public Framer {
 public:
  // An INSERT statement's text before VALUES, and a CREATE TABLE, CREATE
  // VIEW or ALTER statement, are held whole; beyond these sizes the first is
  // an error and the second is passed through, read by its head only
  // (PassUnreadStatement: its table loses its columns; a view is an error).
  // A held UPDATE/MERGE/WITH, SET, USE or DELIMITER statement longer than
  // kMaxHeadBytes is an error (LimitHeld).
  static constexpr size_t kMaxHeadBytes = size_t{1} << 20;
  static constexpr size_t kMaxCreateTableBytes = size_t{4} << 20;
  // A statement whose first words do not yet say what it is (CREATE ...
  // before TABLE or VIEW) is held up to this size; past it a CREATE is an
  // error, anything else is passed through.
  static constexpr size_t kMaxUndecidedBytes = size_t{64} << 10;

  // `dialect` is MySqlDialect() or SqliteDialect(); `resolver` must outlive
  // the framer.
  SqlScriptFramer(const SqlDialect& dialect, TableResolver* resolver)
      : d_(&dialect), resolver_(resolver), tables_(resolver) {}

  absl::StatusOr<size_t> Frame(std::string_view input, bool eof, std::vector<Segment>* segments) override;
  std::vector<std::string> TakeWarnings() override;

 private:
  enum class Kind : uint8_t {
    kNone,         // between statements
    kUndecided,    // the first words are not read yet (held)
    kInsert,       // INSERT/REPLACE before VALUES (held)
    kCreateTable,  // held whole, for its columns
    kCreateView,   // held whole, for the configured tables it reads
    kAlter,        // ALTER TABLE, held whole: it may change a table's columns (TableCatalog::NoteAlterTable)
    kSchemaInsert, // SQLite INSERT INTO sqlite_schema (held whole): an FTS table's declaration
    kFtsData,      // an FTS5 `_data` row of an index that is rebuilt (held whole): kept or dropped by its id
    kDelimiter,    // a DELIMITER line (held)
    kUse,          // MySQL USE db (held): sets the database of unqualified names
    kSet,          // MySQL SET (held): may assign sql_mode
    kOther,
    kInsertTail,   // after the VALUES list (ON DUPLICATE KEY UPDATE ..., the delimiter)
    kWrite,        // UPDATE, MERGE, WITH, MySQL LOAD: held whole, for the tables it writes
  };
  enum class Stop : uint8_t { kNone, kNeedMore, kValues };

  static constexpr uint32_t Bit(Kind k) { return uint32_t{1} << static_cast<unsigned>(k); }
  // The smallest size limit of a held statement (LimitHeld).
  static constexpr size_t kMinHeldLimit = size_t{64} << 10;
  static_assert(kMaxHeadBytes >= kMinHeldLimit && kMaxCreateTableBytes >= kMinHeldLimit &&
                kMaxUndecidedBytes >= kMinHeldLimit);

  absl::Status ScanSql(std::string_view input, size_t* pos, bool eof, Stop* stop);
  absl::Status LimitHeld(std::string_view input, size_t held);
  absl::Status EndWord(std::string_view input, size_t i, Stop* stop);
  // The held statement (`head`: its text so far) grew past its cap: it is
  // passed through unread. A CREATE TABLE or ALTER TABLE leaves its table
  // without columns (TableCatalog::NoteUnreadDdl); a view, or a CREATE whose
  // kind is not read yet, is an error (DataLoss).
  absl::Status PassUnreadStatement(std::string_view head);
  absl::Status EndStatement(std::string_view input, size_t end);
  absl::Status StartValues(std::string_view input, size_t i);
  absl::Status EndOfInput(std::string_view input);
  absl::Status ReadSqlMode(std::string_view text);
  absl::Status ReadCharset(std::string_view text);
  void SetMultibyte(MultibyteRule rule);
  void StartStatement(size_t i);
  void ResetStatement();
  bool Holding() const;
  void Flush(size_t to, Segment::Kind kind = Segment::Kind::kRaw);
  // Appends input[tail_from_, to) to tail_text_ while an INSERT's tail into a
  // configured table is read.
  void KeepTail(std::string_view input, size_t to);
  void SqliteToken(int token);
  absl::Status StatementError(absl::StatusCode code, std::string_view message);

  const SqlDialect* d_;  // MySQL: follows the dump's SET sql_mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES)
  TableResolver* resolver_;
  TableCatalog tables_;
  InsertValuesFramer values_;
  SegmentSink sink_;
  size_t emitted_ = 0;  // bytes of this call's input covered by segments
  bool in_values_ = false;

  // Where literals and comments begin and end (parsers/sql_lexer.h).
  SqlLexer lex_;
  int64_t lit_line_ = 0;       // where the current literal or comment began
  std::string delimiter_ = ";";
  std::map<std::string, const SqlDialect*> saved_modes_;  // @OLD_SQL_MODE=@@SQL_MODE
  std::map<std::string, MultibyteRule> saved_charsets_;   // @saved_cs_client=@@character_set_client

  // The current statement.
  Kind kind_ = Kind::kNone;
  size_t stmt_begin_ = 0;      // offset in this call's input (while held)
  int64_t stmt_line_ = 0, stmt_col_ = 0;
  int stmt_versioned_ = 0;     // lex_.versioned() and lex_.version() when the statement began
  int stmt_version_ = 0;
  int paren_depth_ = 0;
  int words_ = 0;              // words read in the statement (capped)
  bool in_word_ = false;
  bool in_number_ = false;
  // A word of at most 32 bytes, held in place: the scanner appends to it
  // byte by byte, and EndWord compares it with keywords as a view.
  class ShortWord {
   public:
    void clear() { size_ = 0; }
    void assign(char c) { bytes_[0] = c, size_ = 1; }
    void push_back(char c) {
      if (size_ < sizeof(bytes_)) bytes_[size_++] = c;
    }
    std::string_view view() const { return std::string_view(bytes_, size_); }

   private:
    char bytes_[32];
    uint8_t size_ = 0;
  };
  ShortWord word_;             // the word being read, lower case, capped
  bool stmt_significant_ = false;   // a byte of code (not a comment) in the statement
  bool first_word_done_ = false;    // the statement's first word was read (and checked)
  ShortWord first_raw_;             // the first word as written, capped
  size_t first_len_ = 0;            // its length, uncapped
  int64_t first_line_ = 0, first_col_ = 0;
  bool last_word_default_ = false;  // the word before is DEFAULT (INSERT ... DEFAULT VALUES)
  int sqlite_state_ = 1;       // sqlite3_complete's state (1 = START)
  bool drop_tail_ = false;     // the statement's data was dropped: drop the rest of it
  bool drop_newline_ = false;  // ... and the line end after it
  bool tail_configured_ = false;  // the INSERT's table is configured (kInsertTail)
  const RowPlan* tail_plan_ = nullptr;
  std::string tail_text_;         // the tail's text read so far (configured tables), for UnrewrittenUpdateColumn
  size_t tail_from_ = 0;          // where this call's input goes on with it
  std::string last_head_;      // the previous INSERT head's text and its target
  InsertTarget last_target_;

  // SQLite FTS tables whose index is rebuilt (TableCatalog::AddFts): the
  // statements of FtsRebuild() are written after the `;` of `PRAGMA
  // writable_schema=OFF`, which .dump writes after the schema and data.
  class AppendRewriter : public RowRewriter {
   public:
    absl::Status Rewrite(const RowPlan&, std::string_view rows, int64_t, int64_t, std::string* out,
                         Scratch&) const override {
      out->append(rows.data(), rows.size());
      out->append(text);
      return absl::OkStatus();
    }
    std::string text;  // set once, before the segment that uses it is emitted
  };
  AppendRewriter rebuild_rewriter_;
  RowPlan rebuild_plan_;
  int pragma_state_ = 0;       // PRAGMA (1) writable_schema (2) = OFF (3)
  AlterWords alter_words_;     // kAlter: may an action change columns (NoteAlterTable)
  // An ALTER or CREATE TABLE too long to hold, passed through (LimitHeld):
  // its words are still watched for a rename or a query (EndWord).
  enum class Unread : uint8_t { kNone, kAlter, kCreateTable };
  Unread unread_ = Unread::kNone;

  int64_t line_ = 1, col_ = 1;  // position of the first byte of the next input
  std::vector<std::string> warnings_;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_SCRIPT_FRAMER_H_
