// What the statements of a dump say, read from their whole text with a
// dialect-aware tokenizer over the SQL lexer (parsers/sql_lexer.h): the
// target and columns of an INSERT head, the columns a CREATE TABLE declares
// (index, key, constraint and check lines are not columns; generated columns
// are marked), the tables an UPDATE, MERGE, WITH or DO statement writes, the
// UPDATE clause of an INSERT, views, SQLite FTS declarations, PostgreSQL
// partition and inheritance links.
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_SQL_STATEMENTS_H_
#define DBANON_PARSERS_SQL_STATEMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "parsers/column_types.h"
#include "parsers/framer.h"
#include "parsers/pg_identifier.h"
#include "parsers/sql_dialect.h"

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
  bool not_null = false;                      // NOT NULL or PRIMARY KEY
  bool unique_key = false;                    // UNIQUE or PRIMARY KEY on this column alone
  // MariaDB 10.3+/MySQL 8.0.23+ INVISIBLE: an INSERT without a column list
  // carries no value for it (MariaDB docs, "Invisible Columns"); mariadb-dump
  // then writes a column list naming it. `invisible_version`: the
  // VersionedCommentTag of the word (MySQL's mysqldump writes
  // /*!80023 INVISIBLE */, which MariaDB skips), 0 when bare.
  bool invisible = false;
  int invisible_version = 0;
  // The type's name when it may be a domain (PostgreSQL: a name that is not
  // a built-in type, e.g. {"public", "us_postal_code"}); empty otherwise.
  std::vector<std::string> type_parts;
};

// `CREATE DOMAIN name [AS] type [constraints]` (PostgreSQL docs, "CREATE
// DOMAIN"; pg_dump.c dumpDomain writes it before the tables): the limit of
// its type and its NOT NULL. A column typed by the domain gets both.
struct DomainDef {
  std::vector<std::string> name_parts;
  ColumnLimit limit;
  bool numeric = false;
  bool not_null = false;
};
std::optional<DomainDef> ParseCreateDomain(std::string_view text);

struct TableDef {
  std::vector<std::string> name_parts;
  std::vector<ColumnDef> columns;
  std::vector<std::vector<std::string>> inherits;  // PostgreSQL INHERITS (parents, in order)
  bool types_enforced = true;  // false for SQLite, which does not enforce declared types
  // PostgreSQL typed table, `CREATE TABLE name OF type [(options)]`: the
  // type's name; `columns` then holds only the options the statement gives
  // (NOT NULL, DEFAULT, GENERATED ...), by name: the columns themselves are
  // the composite type's attributes, in its order (PostgreSQL docs, "CREATE
  // TABLE", OF type_name).
  std::vector<std::string> of_type;
};

// `CREATE TYPE name AS (attribute type, ...)`, a composite type (PostgreSQL
// docs, "CREATE TYPE"; pg_dump.c dumpCompositeType writes it before the
// tables): its attributes as columns. nullopt for any other text (enum,
// range, base types).
std::optional<TableDef> ParseCreateCompositeType(std::string_view text);
// `ALTER TYPE name {ADD|DROP|ALTER|RENAME} ATTRIBUTE ...`: the type's name
// (its typed tables' columns change with CASCADE); nullopt for other text.
std::optional<std::vector<std::string>> AlteredCompositeType(std::string_view text);

// Parses `CREATE [...] TABLE name (...)`, and PostgreSQL's `CREATE TABLE
// name OF type` (TableDef::of_type). nullopt when the text is not a CREATE
// TABLE with a column list (CREATE TABLE ... AS, LIKE, PARTITION OF).
std::optional<TableDef> ParseCreateTable(const SqlDialect& d, std::string_view text);

// True when `a` and `b` name the same column up to ASCII case (MySQL
// compares column names so; for PostgreSQL callers that need exact names
// compare bytes).
bool SameColumnName(std::string_view a, std::string_view b);

// The table a dump names with `parts`: PostgreSQL puts unqualified names in
// schema public; MySQL and SQLite names are unqualified (schema "", which the
// config's unqualified keys match). SQLite names come back in ASCII lower
// case (SQLite compares names without regard to ASCII case; `main.` and
// `temp.` are the unqualified name), as RunPlan::SetFoldedNames keys the
// config; MySQL names keep their case (lower_case_table_names=0, the Linux
// default: MariaDB docs, "Identifier Case-sensitivity").
TableName TableNameFor(const SqlDialect& d, const std::vector<std::string>& parts);

// PostgreSQL's search_path, as a statement sets it (PostgreSQL docs, "The
// Schema Search Path", "SET", "set_config"): `SET [SESSION|LOCAL]
// search_path {=|TO} a, "B"`, `... TO DEFAULT`, `RESET search_path`, and
// `SELECT [pg_catalog.]set_config('search_path', 'a, b', false)` (pg_dump
// writes it with ''). nullopt: the statement does not set search_path.
// `schemas` nullopt: it does, but dbanon cannot read the value (a function
// call, a variable). DEFAULT and RESET give "$user", public.
struct SearchPathSetting {
  std::optional<std::vector<std::string>> schemas;
};
std::optional<SearchPathSetting> PgSearchPathSetting(std::string_view statement);

// The name of any CREATE TABLE statement (`text` from CREATE to its end),
// FOREIGN included, whatever follows the name (a column list, PARTITION OF,
// OF type, AS, LIKE); nullopt for any other statement.
std::optional<std::vector<std::string>> CreatedTableName(const SqlDialect& d, std::string_view text);

// The object named by the head of a CREATE TABLE, CREATE VIEW, ALTER TABLE
// or ALTER VIEW statement too long to hold whole (`head`: its first bytes;
// the name comes before any column or query). `kind` kOther: an ALTER of
// another object (ALTER DATABASE, ALTER USER, ...). nullopt: a CREATE whose
// table or view name cannot be read, or an ALTER TABLE/VIEW whose name
// cannot be read. The heads are
// ReadCreateTableHead's, ParseCreateView's and AlterChangesColumns'.
struct DdlHead {
  enum class Kind { kTable, kView, kOther } kind = Kind::kOther;
  bool create = false;  // CREATE (else ALTER)
  std::vector<std::string> name_parts;
};
std::optional<DdlHead> ReadDdlHead(const SqlDialect& d, std::string_view head);

// `CREATE ... VIEW name AS query` (PostgreSQL, SQLite; MariaDB's ALGORITHM,
// DEFINER and SQL SECURITY clauses): the view's name and every name its
// definition holds, in order (qualified names as their parts); nullopt for
// any other statement.
struct ViewDef {
  std::vector<std::string> name_parts;
  std::vector<std::vector<std::string>> names;
};
std::optional<ViewDef> ParseCreateView(const SqlDialect& d, std::string_view text);

// A partition or inheritance link that PostgreSQL DDL declares: `child`'s
// rows are rows of `parent` too (an UPDATE of the parent reaches them).
struct ParentLink {
  TableName child;
  TableName parent;
  bool partition = false;  // PARTITION OF, ATTACH PARTITION; false: INHERITS, INHERIT
};
// The links one PostgreSQL statement declares, as pg_dump writes them
// (pg_dump.c dumpTableSchema, dumpTableAttach): `CREATE TABLE c (...)
// INHERITS (p1, p2)`, `CREATE TABLE c PARTITION OF p ...` (pg_dump 13 and
// earlier), `ALTER TABLE [IF EXISTS] [ONLY] p ATTACH PARTITION c ...` (pg_dump
// 14 and later, plain text and the "TABLE ATTACH" TOC entry) and `ALTER TABLE
// [ONLY] c INHERIT p` (binary-upgrade mode). Empty for any other statement.
// PostgreSQL docs, "CREATE TABLE" and "ALTER TABLE".
std::vector<ParentLink> PgParentLinks(std::string_view statement);

// The name parts of the table an `ALTER TABLE` statement may change the
// columns of: their set, their order, their names or their types (ADD or DROP
// of a column, RENAME, MySQL's MODIFY/CHANGE, ALTER COLUMN ... TYPE, DROP
// EXPRESSION), in any dialect; nullopt for any other statement, and for an
// ALTER TABLE whose every action is one that leaves the columns as they are
// (the ones pg_dump, mysqldump and phpMyAdmin write: OWNER TO, ADD/DROP
// CONSTRAINT, keys and indexes, ALTER COLUMN ... SET DEFAULT / ADD GENERATED
// ... AS IDENTITY / SET STATISTICS, ATTACH PARTITION, ENABLE/DISABLE KEYS,
// MODIFY without FIRST or AFTER, REPLICA IDENTITY, CLUSTER ON, ...). An
// action not known to be one of those counts as a change, but a statement
// without any of the words ADD (but in ADD CONSTRAINT), DROP, RENAME, MODIFY,
// CHANGE, TYPE, EXPRESSION, INVISIBLE, VISIBLE is not read: no action without
// one changes columns (PostgreSQL docs,
// ALTER TABLE; MariaDB docs, ALTER TABLE; SQLite docs, ALTER TABLE).
// `wanted` is asked with the table's name parts as soon as they are read:
// false stops there (nullopt), so that the actions of ALTER statements of
// tables that do not matter to the caller are not read.
std::optional<std::vector<std::string>> AlterChangesColumns(
    const SqlDialect& d, std::string_view statement,
    absl::FunctionRef<bool(const std::vector<std::string>&)> wanted);

// Data that a statement moves into a table or column under another name,
// outside the rows dbanon rewrites: a rename of a table (`ALTER TABLE a
// RENAME [TO|AS] b`, MySQL `RENAME TABLE a TO b [, c TO d]`), a move to
// another schema (PostgreSQL `ALTER TABLE a SET SCHEMA s`), a rename of a
// column (`RENAME [COLUMN] a TO b`, MySQL `CHANGE [COLUMN] a b ...` with
// another name), MySQL `EXCHANGE PARTITION p WITH TABLE t` (rows of t
// become rows of the table, and back), and a table filled by a query
// (`CREATE TABLE t AS query`, MySQL `CREATE TABLE t [(...)] [options]
// SELECT ...`, PostgreSQL `SELECT ... INTO t`). PostgreSQL docs, "ALTER
// TABLE", "CREATE TABLE AS", "SELECT INTO"; MariaDB docs, "RENAME TABLE",
// "ALTER TABLE", "CREATE TABLE" (CREATE ... SELECT); SQLite docs, "ALTER
// TABLE", "CREATE TABLE". pg_dump, mysqldump and sqlite3's .dump write none
// of these.
struct DataMove {
  enum class Kind { kTable, kColumn, kExchange, kQuery } kind = Kind::kTable;
  std::vector<std::string> from;  // kTable, kExchange: the source table (kQuery: empty)
  // kTable: the new name; a one-part name of PostgreSQL's RENAME TO stays in
  // the source's schema (TableCatalog resolves it), SET SCHEMA gives {schema,
  // table}. kColumn: the table. kExchange, kQuery: the table filled.
  std::vector<std::string> to;
  bool same_schema = false;   // kTable: `to` is a name in the source's schema (PostgreSQL RENAME TO)
  std::string from_column;    // kColumn
  std::string to_column;      // kColumn
};
// The moves of one statement, in order; empty for any other statement
// (and for one whose names cannot be read: callers check what they can
// place; an unreadable ALTER of a table is reported as a kTable move with
// empty `to`).
std::vector<DataMove> DataMoves(const SqlDialect& d, std::string_view statement);
// True for the bare words (lower case) without one of which an ALTER or
// RENAME statement moves no data (DataMoves): RENAME, CHANGE, EXCHANGE,
// SCHEMA. For framers that read the words of a statement too long to hold.
bool IsDataMoveWord(std::string_view lower_word);

// The same gate, word by word, for a framer that reads the words of an ALTER
// TABLE statement anyway (bare words, lower case; quoted names, literals and
// comments are not words): while may_change() is false, no action of the
// statement can change columns and AlterChangesColumns need not read it. A
// name that reads like an action word only sends the statement to the full
// reading. Not thread-safe; one per framer.
class AlterWords {
 public:
  void Reset() { state_ = kNone; }
  void Word(std::string_view lower_word);
  bool may_change() const { return state_ != kNone; }

 private:
  enum State : uint8_t { kNone, kMay, kAfterAdd };  // kAfterAdd: ADD's next word decides
  State state_ = kNone;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_STATEMENTS_H_
