// What the framers of INSERT dumps share, whatever the dialect (PostgreSQL
// --inserts in pg_plain_framer, MySQL/MariaDB and SQLite in sql_script_framer):
//
//  * ParseInsertHead / ParseCreateTable: the target table and column list of
//    `INSERT ... VALUES`, and the columns that a CREATE TABLE declares (index,
//    key, constraint and check lines are not columns; generated columns are
//    marked), with a small dialect-aware tokenizer.
//  * InsertTables: the CREATE TABLE facts seen so far in the dump and the
//    RowPlans of INSERT statements, built from the statement's column list or
//    else from the table's CREATE TABLE, cached per table.
//  * LineTracker / SegmentSink: emit segments with their line and column,
//    counting lines lazily with memchr.
//  * InsertValuesFramer: frames the VALUES list of one statement, tuple by
//    tuple: tuples of a configured table become kRows segments (whole tuples,
//    so workers share one huge statement batch by batch); a tuple longer than
//    kMaxTupleBytes is framed value by value instead, the values between the
//    configured ones streaming through; unconfigured tables stream through;
//    truncated tables are dropped. Only a partial tuple (or a partial run of
//    configured values) is ever carried over between calls.
//
// Thread-safety: one framer thread.
#ifndef DBANON_PARSERS_INSERT_FRAMER_H_
#define DBANON_PARSERS_INSERT_FRAMER_H_

#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/framer.h"
#include "parsers/text_encoding.h"
#include "parsers/sql_values.h"

namespace dbanon {

// The head of an `INSERT ... VALUES` (or REPLACE) statement.
struct InsertHead {
  std::vector<std::string> name_parts;  // unquoted; PostgreSQL folds bare names to lower case
  bool has_column_list = false;
  std::vector<std::string> columns;
  std::vector<int> column_versions;  // per column: VersionedCommentTag of the ',' or ')' after it
  bool values = false;          // the text ends with the VALUES keyword: tuples follow
  bool default_values = false;  // INSERT ... DEFAULT VALUES (one row, no tuple)
  bool query = false;           // INSERT ... SELECT / WITH / (query) / TABLE (PostgreSQL) / SET (MySQL)
};

// Parses an INSERT or REPLACE statement from its start to its VALUES keyword
// (or, for a statement without one, its whole text). Comments, MySQL
// versioned comments and quoted names are understood. nullopt when the text
// is not an INSERT, lacks INTO (required but in MySQL) or its table name
// cannot be read. What follows the table and column list is one of `values`,
// `default_values` or `query`; none of them set means the statement is not
// understood (a caller must not pass it through).
std::optional<InsertHead> ParseInsertHead(const SqlDialect& d, std::string_view text);

// A table that a statement writes rows into, outside the VALUES tuples the
// framers rewrite: `kind` is "UPDATE", "MERGE", "INSERT", "REPLACE", "LOAD"
// or "COPY".
struct WrittenTable {
  std::string kind;
  std::vector<std::string> name_parts;  // as in InsertHead
};

// The tables that `statement` (the whole text of one UPDATE, MERGE or WITH
// statement) writes into: the targets of UPDATE (MySQL: every table of a
// multiple-table UPDATE before SET), MERGE INTO, and INSERT/REPLACE INTO in
// a WITH query, at any depth, MySQL LOAD DATA/XML ... INTO TABLE (kind
// "LOAD") and PostgreSQL COPY t FROM (kind "COPY") (PostgreSQL docs,
// "UPDATE", "MERGE", "WITH Queries", "COPY"; MySQL docs, "UPDATE Statement",
// "LOAD DATA"; SQLite docs, "UPDATE"). Words that
// follow ON DUPLICATE KEY, DO, FOR, ON, BEFORE/AFTER are not targets. A name
// that cannot be read is skipped: callers refuse what they cannot place.
std::vector<WrittenTable> WrittenTables(const SqlDialect& d, std::string_view statement);

// The UPDATE clause of an INSERT (`tail`: its text after the VALUES list):
// MySQL `ON DUPLICATE KEY UPDATE`, PostgreSQL and SQLite `ON CONFLICT ... DO
// UPDATE SET` (MariaDB docs, "INSERT ON DUPLICATE KEY UPDATE"; PostgreSQL
// docs, "INSERT"; SQLite docs, "UPSERT"). Returns the first column that is
// configured in `plan` (or not among `plan`'s columns, so possibly
// configured) and is assigned anything but a reference to the incoming row
// or itself: `col = excluded.col`, `col = new.col`, `col = t.col`, `col =
// VALUES(col)`, `col = col`, NULL or DEFAULT pass; a literal, a bare number
// (a phone number, a birth year) or any other expression would reach the
// table unrewritten. A row assignment `(a, b) = ...` naming such a column,
// or text that cannot be read, returns it too (empty when the column cannot
// be named). nullopt: nothing configured is assigned a value of its own.
std::optional<std::string> UnrewrittenUpdateColumn(const SqlDialect& d, std::string_view tail, const RowPlan& plan);

// The message for UnrewrittenUpdateColumn's `column` of `table` (no value).
std::string UpdateClauseMessage(const TableName& table, std::string_view column);

// What the code of a PostgreSQL `DO [LANGUAGE lang] code [LANGUAGE lang]`
// statement writes when it runs at restore time (PostgreSQL docs, "DO"; the
// code is a string constant, usually dollar-quoted).
struct DoBlockWrites {
  // The tables its PL/pgSQL code writes: WrittenTables of the code, and the
  // table of a COPY in it (kind "COPY").
  std::vector<WrittenTable> tables;
  // The code runs SQL that dbanon cannot read: PL/pgSQL EXECUTE (SQL built
  // at run time), or a language other than plpgsql and sql.
  bool unreadable = false;
};
// nullopt when `statement` has no code string to read.
std::optional<DoBlockWrites> PgDoBlockWrites(const SqlDialect& d, std::string_view statement);

// An SQLite full-text table (FTS3, FTS4, FTS5) as the sqlite3 shell's .dump
// declares it: `INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)
// VALUES('table','ft','ft',0,'CREATE VIRTUAL TABLE ft USING fts5(a, b)')`
// under `PRAGMA writable_schema=ON` (shell.c, dump_callback), its shadow
// tables' rows as plain INSERTs (SQLite docs, "SQLite FTS5 Extension" 5 and
// "SQLite FTS3 and FTS4 Extensions" 9.1: `ft_content` holds the text with
// columns (id|docid, c0, c1, ...); `ft_data`/`ft_idx` (FTS5) and
// `ft_segments`/`ft_segdir` (FTS3/4) the index, whose blobs hold every term).
struct FtsTable {
  TableName name;
  int version = 5;                   // 3, 4 or 5
  std::vector<std::string> columns;  // the indexed columns, in order (options left out)
  enum class Content { kOwn, kNone, kExternal } content = Content::kOwn;  // content='' / content=tbl
  std::vector<std::string> content_table;  // kExternal: its name parts
};
// The FTS table that `statement`, an INSERT into sqlite_schema or
// sqlite_master, declares; nullopt for any other statement (a view, an
// R*Tree, a table of another module).
std::optional<FtsTable> ParseSqliteSchemaFts(std::string_view statement);
// The first value of the first tuple of an INSERT ... VALUES statement when
// it is a bare integer (`INSERT INTO ft_data VALUES(10,X'..')`).
std::optional<int64_t> FirstTupleInteger(const SqlDialect& d, std::string_view statement);

struct ColumnDef {
  std::string name;
  bool numeric = false;
  bool generated = false;
  int version = 0;  // VersionedCommentTag of the ',' or ')' that ends the column's definition
  std::vector<std::string> enum_labels;
  std::vector<std::string> expression_names;  // names a generated column's expression uses
  ColumnLimit limit;                          // varchar(n)/char(n) length, integer range
};

struct TableDef {
  std::vector<std::string> name_parts;
  std::vector<ColumnDef> columns;
  std::vector<std::vector<std::string>> inherits;  // PostgreSQL INHERITS (parents, in order)
};

// Parses `CREATE [...] TABLE name (...)`. nullopt when the text is not a
// CREATE TABLE with a column list (CREATE TABLE ... AS, LIKE, OF, PARTITION OF).
std::optional<TableDef> ParseCreateTable(const SqlDialect& d, std::string_view text);

// The table a dump names with `parts`: PostgreSQL puts unqualified names in
// schema public; MySQL and SQLite names are unqualified (schema "", which the
// config's unqualified keys match).
TableName TableNameFor(const SqlDialect& d, const std::vector<std::string>& parts);

// A partition or inheritance link that PostgreSQL DDL declares: `child`'s
// rows are rows of `parent` too (an UPDATE of the parent reaches them).
struct ParentLink {
  TableName child;
  TableName parent;
};
// The links one PostgreSQL statement declares, as pg_dump writes them
// (pg_dump.c dumpTableSchema, dumpTableAttach): `CREATE TABLE c (...)
// INHERITS (p1, p2)`, `CREATE TABLE c PARTITION OF p ...` (pg_dump 13 and
// earlier), `ALTER TABLE [IF EXISTS] [ONLY] p ATTACH PARTITION c ...` (pg_dump
// 14 and later, plain text and the "TABLE ATTACH" TOC entry) and `ALTER TABLE
// [ONLY] c INHERIT p` (binary-upgrade mode). Empty for any other statement.
// PostgreSQL docs, "CREATE TABLE" and "ALTER TABLE".
std::vector<ParentLink> PgParentLinks(std::string_view statement);

// Line and column of byte offsets in one framing call's input, counted with
// memchr from an anchor. Offsets normally increase; an earlier one is
// recounted from the anchor.
class LineTracker {
 public:
  void Reset(std::string_view input, size_t pos, int64_t line, int64_t col);
  // 1-based line and column of input[pos].
  std::pair<int64_t, int64_t> At(size_t pos);

 private:
  std::string_view input_;
  size_t anchor_pos_ = 0;
  int64_t anchor_line_ = 1, anchor_col_ = 1;
  size_t pos_ = 0;
  int64_t line_ = 1, col_ = 1;
};

// Appends segments in order, merging neighbours of the same kind and plan.
class SegmentSink {
 public:
  void Reset(std::vector<Segment>* out, std::string_view input, size_t pos, int64_t line, int64_t col);
  void Emit(Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan = nullptr,
            const RowRewriter* rewriter = nullptr);
  LineTracker& lines() { return lines_; }

 private:
  std::vector<Segment>* out_ = nullptr;
  LineTracker lines_;
};

// Where the data of one INSERT statement goes.
struct InsertTarget {
  TableName table;
  const RowPlan* plan = nullptr;      // nullptr: not configured, pass through
  const RowPlan* alt_plan = nullptr;  // the columns without the generated ones, if the tuples turn out to lack them
  bool drop = false;                  // a truncated table: drop the statement
  bool fts_data = false;              // an FTS5 `_data` row of a rebuilt index: kept only for ids 1 and 10
};

class InsertTables {
 public:
  // `resolver` must outlive this object.
  explicit InsertTables(TableResolver* resolver) : resolver_(resolver) {}

  // Records the columns of a CREATE TABLE statement (`text` from CREATE to
  // its end); text that is not a plain CREATE TABLE is ignored, but for the
  // table's name (CheckDataTarget).
  // PostgreSQL: also tells the resolver the table's INHERITS and PARTITION OF
  // parents (PgParentLinks) and that the dump creates it.
  void AddCreateTable(const SqlDialect& d, std::string_view text);
  // A PostgreSQL statement that may link tables (`ALTER TABLE p ATTACH
  // PARTITION c`, see PgParentLinks): tells the resolver; others are ignored.
  void AddAlterTable(std::string_view text);

  // Records `CREATE ... VIEW name AS query` (any dialect; other text is
  // ignored) when the query names a configured table or a view recorded
  // here: an INSERT or UPDATE through the view (an updatable view, an
  // INSTEAD OF trigger, a rule) writes into that table (Resolve refuses it).
  void AddCreateView(const SqlDialect& d, std::string_view text);
  // The configured table under `view` (AddCreateView), or nullopt.
  std::optional<TableName> ConfiguredUnder(const TableName& view) const;

  // A SQLite FTS table (ParseSqliteSchemaFts). When its index may hold
  // configured values (a config on the table, or on the content table of an
  // external-content table), its shadow tables are handled from here on:
  // `_content` rows are rewritten with the table's config (cN is its N-th
  // column), the index rows are dropped (`_idx`, `_segments`, `_segdir`;
  // `_data` but its structure rows, ids 1 and 10, which hold no term) and
  // FtsRebuild() names the table. Errors (InvalidArgument, no position): a
  // config on an external-content table (configure its content table), on
  // a contentless FTS3/FTS4 table (it cannot be rebuilt or emptied).
  absl::Status AddFts(const FtsTable& fts);
  // The statements that rebuild the indexes of those tables from their
  // anonymized content (`INSERT INTO ft(ft) VALUES('rebuild')`), or empty a
  // contentless FTS5 one (`'delete-all'`), after `PRAGMA
  // writable_schema=RESET` so that the restoring connection sees the tables
  // (SQLite docs, "PRAGMA writable_schema"); empty when there are none.
  const std::string& FtsRebuild() const { return fts_rebuild_; }

  // MySQL `USE db;` (mysqldump --databases, --all-databases): names without
  // a database are in `db` from here on (MariaDB docs, "USE"). Empty: none.
  void SetDatabase(std::string db) { database_ = std::move(db); }
  // TableNameFor, with the database of the last USE for unqualified MySQL
  // names.
  TableName NameFor(const SqlDialect& d, const std::vector<std::string>& parts) const;

  // The target of an INSERT whose head is `head`: calls SawTable, resolves
  // the plan (from the column list, else from the CREATE TABLE), and caches
  // it. Errors, without a position (the caller adds it): InvalidArgument for
  // a configured column that is missing or generated, or an ENUM column whose
  // anonymizer writes values that are not labels; FailedPrecondition with the
  // input's exit class (base/exit_class.h) when the table is configured but
  // its columns are unknown (no column list, no CREATE TABLE in the dump); DataLoss from CheckDataTarget for a table that
  // is not configured.
  absl::StatusOr<InsertTarget> Resolve(const SqlDialect& d, const InsertHead& head);

  // Warnings (no values in them), once per table.
  std::vector<std::string> TakeWarnings() { return std::move(warnings_); }

  // For data (INSERT, COPY) of `table`, which is not configured: DataLoss
  // when the dump creates tables but not this one, and creates a configured
  // table with the same name in another schema or whose name is one byte
  // replaced, added or removed away ("custome\xff", "pub1ic.customer"). A
  // flipped byte in the table name of one INSERT among many would otherwise
  // let its values through in clear, with no "does not appear in the dump"
  // warning (the other statements name the table). Decided once per table;
  // without CREATE TABLE statements (a data-only dump) it never fails.
  absl::Status CheckDataTarget(const TableName& table);

  // The dump's text encoding from here on (SET client_encoding, SET NAMES):
  // plans made after this call write replacements in it (ColumnLimit).
  void SetEncoding(TextEncoding encoding) {
    if (encoding == encoding_) return;
    encoding_ = encoding;
    ++ddl_generation_;
  }

  // The framer's own copy of the resolver's plan for the data of `table`
  // with `columns` in this order (a COPY's column list, an INSERT's), with
  // the facts of the table's CREATE TABLE (ColumnInfo) when it was added;
  // nullptr when nothing of the table is configured. The plan has one
  // ColumnInfo per column (default facts where no CREATE TABLE says more).
  // Cached until the next CREATE TABLE (rows may come before their table's
  // CREATE TABLE in a damaged dump, or a table be created twice); every plan
  // returned lives as long as this object. Errors: those of TableResolver::Resolve, and
  // InvalidArgument for an ENUM column whose anonymizer writes non-labels.
  // `versions`: the VersionedCommentTag of each column's place in the rows
  // (ColumnInfo::version; empty: all 0). A configured column with a tag
  // other than 0 is InvalidArgument: servers disagree whether it exists.
  absl::StatusOr<const RowPlan*> PlanFor(const TableName& table, const std::vector<std::string>& columns,
                                         const std::vector<int>& versions = {});

  // True when the dump (or --schema) creates `table` (CREATE TABLE in any form).
  bool Creates(const TableName& table) const { return created_.count(table) > 0; }
  // True when the config reaches `column` of `table` (its own entry, a
  // parent's, a generated column computed from a configured one, a truncated
  // table), or when dbanon cannot tell: the table is configured but its
  // columns are unknown (no CREATE TABLE) or do not include `column`. For
  // pg_dump 18 statistics (parsers/pg_stats.h).
  bool ColumnConfigured(const TableName& table, const std::string& column);

 private:
  std::string database_;  // of the last MySQL USE
  struct Cached {
    std::vector<std::string> columns;
    std::vector<int> versions;
    uint64_t ddl_generation;  // ddl_generation_ when the plan was made
    std::unique_ptr<RowPlan> plan;
  };
  // Columns of `table` from its CREATE TABLE, with PostgreSQL parents first.
  bool DdlColumns(const TableName& table, std::vector<const ColumnDef*>* out, int depth = 0) const;

  TableResolver* resolver_;
  std::map<TableName, TableDef> ddl_;
  uint64_t ddl_generation_ = 0;                 // CREATE TABLE statements added to ddl_ (and encodings set)
  TextEncoding encoding_ = TextEncoding::kUtf8;
  std::set<TableName> created_;                 // every CREATE TABLE's name, whatever its form
  std::map<TableName, absl::Status> checked_;   // CheckDataTarget's decisions
  std::map<TableName, std::vector<Cached>> plans_;
  std::map<TableName, bool> warned_;
  std::map<TableName, TableName> views_;        // view -> a configured table it reads
  struct FtsShadow {
    FtsTable fts;
    std::string role;  // "content", "data", "drop"
  };
  std::map<TableName, FtsShadow> fts_shadows_;  // the shadow tables of FTS tables that are rebuilt
  std::string fts_rebuild_;
  // The target of an INSERT into an FTS shadow table (fts_shadows_).
  absl::StatusOr<InsertTarget> ResolveFtsShadow(const FtsShadow& shadow, InsertTarget target);
  std::vector<std::string> warnings_;
};

class InsertValuesFramer {
 public:
  // A configured tuple longer than this is framed value by value.
  static constexpr size_t kMaxTupleBytes = size_t{8} << 20;
  // The configured values that one anonymizer reads, with what lies between
  // them, must fit in this many bytes.
  static constexpr size_t kMaxValueBytes = size_t{64} << 20;

  // Starts the VALUES list of a statement that began at `statement_line`.
  void Begin(const SqlDialect& d, const InsertTarget& target, int64_t statement_line);

  // Frames input[*pos ...]. On return either *done is true and *pos is the
  // first byte after the VALUES list (the statement goes on from there), or
  // the input ran out: *pos is where the caller must resume, with the bytes
  // from *pos passed again at the start of its next input (a partial tuple of
  // a configured table is carried this way). Errors: DataLoss
  // "LINE:COL: message" for malformed or cut-off input, naming the table.
  absl::Status Frame(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);

  int64_t rows() const { return rows_; }
  const TableName& table() const { return target_.table; }
  bool drop() const { return target_.drop; }

 private:
  struct Group {
    size_t first = 0, last = 0;  // column positions, inclusive
    std::unique_ptr<RowPlan> plan;
  };
  const std::vector<Group>& GroupsFor(const RowPlan* plan);
  absl::Status Error(SegmentSink* sink, size_t pos, std::string_view what);
  absl::Status EndOfInputError(SegmentSink* sink, size_t pos);
  absl::Status FramePassThrough(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);
  absl::Status FrameConfigured(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);
  // Value-by-value framing of one long tuple; returns with *streaming_ done
  // at its ')' or when input runs out.
  absl::Status FrameLongTuple(std::string_view input, size_t* p, size_t* raw_from, bool eof, SegmentSink* sink,
                              bool* stop, size_t* resume_at);

  const SqlDialect* d_ = nullptr;
  InsertTarget target_;
  const RowPlan* plan_ = nullptr;
  int64_t statement_line_ = 0;
  TupleScanState scan_;
  bool expect_tuple_ = true;   // after VALUES or a ',' between tuples
  bool first_checked_ = false;
  int64_t rows_ = 0;
  size_t values_ = 0;          // values seen in the current tuple
  // A partial tuple (or run of values) carried to the next call: scanning
  // resumes `resume_` bytes after the start of the next input.
  bool carrying_ = false;
  size_t resume_ = 0;
  // Value-by-value framing of a long tuple.
  bool streaming_ = false;
  size_t value_index_ = 0;
  int group_ = -1;             // the group whose values are being held, or -1
  std::map<const RowPlan*, std::vector<Group>> groups_;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_INSERT_FRAMER_H_
