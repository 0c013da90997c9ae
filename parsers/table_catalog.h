// The table catalog of a dump (TableCatalog): what its DDL declares, and
// the RowPlans of its data blocks, whatever the format (pg_dump plain and
// archives, mysqldump, sqlite3 .dump).
//
// Thread-safety: one thread (a framer's, or the archive road's TOC reader).
#ifndef DBANON_PARSERS_TABLE_CATALOG_H_
#define DBANON_PARSERS_TABLE_CATALOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/framer.h"
#include "parsers/sql_dialect.h"
#include "parsers/sql_statements.h"
#include "parsers/text_encoding.h"

namespace dbanon {

// Where the data of one INSERT statement goes.
struct InsertTarget {
  TableName table;
  const RowPlan* plan = nullptr;      // nullptr: not configured, pass through
  const RowPlan* alt_plan = nullptr;  // the columns without the generated ones, if the tuples turn out to lack them
  bool drop = false;                  // a truncated table: drop the statement
  bool fts_data = false;              // an FTS5 `_data` row of a rebuilt index: kept only for ids 1 and 10
};

// The catalog of the tables a dump (or --schema) declares, for every
// format: the columns of each CREATE TABLE (ColumnInfo of RowPlans: types,
// limits, generated columns, ENUM labels), the tables created, views over
// configured tables, SQLite FTS tables, the encoding of the text, and the
// RowPlans of data blocks built from them (COPY headers, INSERT heads,
// archive TABLE entries), cached per table.
class TableCatalog {
 public:
  // `resolver` must outlive this object.
  explicit TableCatalog(TableResolver* resolver) : resolver_(resolver) {}

  // Records the columns of a CREATE TABLE statement (`text` from CREATE to
  // its end); text that is not a plain CREATE TABLE is ignored, but for the
  // table's name (CheckDataTarget).
  // PostgreSQL: also tells the resolver the table's INHERITS and PARTITION OF
  // parents (PgParentLinks) and that the dump creates it.
  void AddCreateTable(const SqlDialect& d, std::string_view text);
  // A PostgreSQL statement that may link tables (`ALTER TABLE p ATTACH
  // PARTITION c`, see PgParentLinks): tells the resolver; others are ignored.
  void AddAlterTable(std::string_view text);
  // An ALTER TABLE statement of any dialect that may change the columns of a
  // table whose CREATE TABLE was added (AlterChangesColumns): that CREATE
  // TABLE no longer says which value of a row is which column, so the table
  // is read from then on as one without its CREATE TABLE (Resolve: an INSERT
  // without a column list into a configured table is refused; in MySQL and
  // SQLite every column of its rows must be named in the config).
  void NoteAlterTable(const SqlDialect& d, std::string_view text);
  // A statement that moves data into a table or column under another name
  // (DataMoves: a rename of a table or column, a move to another schema,
  // MySQL EXCHANGE PARTITION, CREATE TABLE ... AS query, SELECT ... INTO):
  // DataLoss (input exit class; no position, the caller adds the
  // statement's) when its source or target is a table or column the config
  // reaches (its own entry, a parent's, a configured partition or INHERITS
  // child below it), or a name that cannot be read: rows passed through
  // under one name would be rows of a configured table or column under the
  // other, and rows rewritten would be moved out of it. Also PostgreSQL's
  // `ATTACH PARTITION c` / `c INHERIT p` (PgParentLinks) to a table the
  // config reaches after rows of c (COPY or INSERT seen by this catalog;
  // an archive's TOC is read before its data, so there never). The message
  // names tables and columns, never a value. OK for other statements.
  absl::Status CheckDataMoves(const SqlDialect& d, std::string_view statement);
  // A CREATE TABLE, CREATE VIEW, ALTER TABLE or ALTER VIEW statement too
  // long for the framer to hold (`head`: its first bytes, ReadDdlHead;
  // `limit`: the framer's cap, for messages). Its table is read from then on
  // as one without a CREATE TABLE (Resolve: an INSERT without a column list
  // into a configured table is refused), never by an older one; an ALTER
  // TABLE's ATTACH PARTITION or INHERIT link is read from the head
  // (PostgreSQL). DataLoss (no position; the caller adds the statement's)
  // for a head whose name cannot be read, for a view (which tables it reads
  // is at its end), and for a PostgreSQL CREATE TABLE (its INHERITS parents
  // are at its end); OK for an ALTER of another object.
  absl::Status NoteUnreadDdl(const SqlDialect& d, std::string_view head, std::string_view limit);
  // A COPY column list of a configured table (`plan`, from PlanFor) that
  // names a generated column: PostgreSQL refuses COPY into one (PostgreSQL
  // docs, COPY: generated columns are not allowed in the column list; pg_dump
  // leaves them out), and its values were computed from the original data.
  // DataLoss (exit 3) naming table and column, never a value; OK otherwise.
  static absl::Status CheckCopyColumns(const RowPlan& plan);
  // A PostgreSQL `CREATE DOMAIN` statement (ParseCreateDomain); other text
  // is ignored. Columns of that type get its limit and NOT NULL. Also a
  // composite `CREATE TYPE name AS (...)` (ParseCreateCompositeType): a
  // typed table added after it (`CREATE TABLE t OF name`) has its
  // attributes as columns; `ALTER TYPE name ... ATTRIBUTE` (NoteAlterTable)
  // makes those tables read as tables without their CREATE TABLE.
  void AddDomain(std::string_view text);

  // Checks the configured tables whose CREATE TABLE was added since the last
  // call: what their config asks must fit their columns (CheckColumnFit,
  // parsers/column_fit.h), so that a config the restore would refuse is
  // refused at the table's DDL, before any of its rows is written. Errors,
  // without a position (the caller adds the statement's): InvalidArgument
  // "table.column: reason", and those of PlanFor.
  absl::Status CheckNewTables();

  // Records `CREATE ... VIEW name AS query` (any dialect; other text is
  // ignored) when the query names a configured table or a view recorded
  // here: an INSERT or UPDATE through the view (an updatable view, an
  // INSTEAD OF trigger, a rule) writes into that table (Resolve refuses it).
  void AddCreateView(const SqlDialect& d, std::string_view text);
  // Data written into `table` (`what`: "INSERT", "COPY", "UPDATE", ...)
  // when it is a view the dump creates (AddCreateView) that the config does
  // not name: DataLoss naming the view, since its rows reach tables dbanon
  // cannot see (an auto-updatable view's base table, the targets of an
  // INSTEAD OF trigger or a rule: PostgreSQL docs, "CREATE VIEW", "CREATE
  // TRIGGER"; SQLite docs, "CREATE TRIGGER"; MariaDB docs, "Inserting and
  // Updating with Views"). OK otherwise.
  absl::Status CheckViewTarget(const TableName& table, std::string_view what) const;
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
  // PostgreSQL rows may carry values of generated columns: the dump is not
  // known to come from pg_dump (parsers/dump_format.h, PgOrigin::kUnknown).
  // Resolve then asks, as for MySQL and SQLite, that a configured table
  // without its CREATE TABLE have every column of its rows named in the config.
  void SetGeneratedValuesPossible() { pg_generated_values_possible_ = true; }
  // PostgreSQL's search_path from here on (PgSearchPathSetting): an
  // unqualified name is the table of the first schema of the path in which
  // the dump created it, else of the first schema of the path ("$user" and
  // pg_catalog skipped; none left: public). nullopt: the path cannot be
  // read; NameFor then puts unqualified names in schema "" and Resolve
  // refuses data through them when a table of that name is configured.
  void SetSearchPath(std::optional<std::vector<std::string>> schemas) { search_path_ = std::move(schemas); }
  // PostgreSQL data for `table` (from NameFor): DataLoss when its name is
  // unqualified while the search_path cannot be read (schema "") and a table
  // of that name is configured in public or in a schema the dump creates it
  // in: the rows may go to either.
  absl::Status CheckSearchPath(const TableName& table) const;
  // TableNameFor, with the database of the last USE for unqualified MySQL
  // names and the search_path for unqualified PostgreSQL names.
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
  // PostgreSQL: rows of `table` with `columns`, rewritten by `plan` (null:
  // `table` is not configured). When `table` has partitions (at any depth),
  // its rows may be its partitions' rows (pg_dump --load-via-partition-root
  // writes every partition's rows into the root, pg_dump.c
  // dumpTableData/getRootTableInfo): FailedPrecondition (input exit class)
  // when a partition's config rewrites a column, or truncates, where the
  // root's does not, since those rows would go out unrewritten. OK
  // otherwise, and for every table without partitions.
  absl::Status CheckPartitionRows(const TableName& table, const std::vector<std::string>& columns,
                                  const RowPlan* plan);

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
  // InvalidArgument for an ENUM column whose anonymizer writes non-labels,
  // and for a config that does not fit its columns (CheckColumnFit).
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
  std::optional<std::vector<std::string>> search_path_ = std::vector<std::string>{"$user", "public"};
  bool pg_generated_values_possible_ = false;  // SetGeneratedValuesPossible
  // Why `table` has no CREATE TABLE to read its rows by (messages).
  std::string NoDdlReason(const TableName& table) const;
  // NoteAlterTable, NoteUnreadDdl: tables whose CREATE TABLE was dropped, and why.
  std::map<TableName, std::string> no_ddl_reasons_;
  struct Cached {
    std::vector<std::string> columns;
    std::vector<int> versions;
    uint64_t ddl_generation;  // ddl_generation_ when the plan was made
    std::unique_ptr<RowPlan> plan;
  };
  // Columns of `table` from its CREATE TABLE, with PostgreSQL parents first.
  bool DdlColumns(const TableName& table, std::vector<const ColumnDef*>* out, int depth = 0) const;
  // Resolve's column lists of a table's CREATE TABLE: `all`, every column;
  // `visible`, `plain`: the values of an INSERT without a column list, which
  // leave out INVISIBLE columns (MariaDB docs, "Invisible Columns") and, in
  // `plain`, generated ones too; each with its columns' VersionedCommentTag.
  struct DdlLists {
    TableName table;
    uint64_t ddl_generation = ~uint64_t{0};
    bool have_ddl = false;
    const ColumnDef* unsure_invisible = nullptr;  // INVISIBLE in a versioned comment
    std::vector<std::string> all, visible, plain;
    std::vector<int> all_versions, visible_versions, plain_versions;
  };
  // Those of `table`, kept for the last table asked while ddl_generation_
  // holds (pg_dump --inserts resolves one INSERT per row). The reference is
  // valid until the next call.
  const DdlLists& ListsFor(const TableName& table);
  DdlLists lists_;
  // PostgreSQL: an INSERT without a column list into `table`, whose rows
  // `plan` rewrites with `columns` in the order of its CREATE TABLE. OK when
  // that order is certainly the order of the values; FailedPrecondition
  // (input exit class) naming the table, the link and the configured
  // columns otherwise: `table` inherits (the dump does not say where a
  // column added to a parent later sits), or one of its partitions, at any
  // depth, has other columns or another order (pg_dump
  // --load-via-partition-root writes a partition's values, in the
  // partition's order, into the root).
  // Every partition below `table`, at any depth, parents before their
  // children (breadth first); empty when it has none. Each table once, so a
  // link cycle in a damaged dump ends.
  std::vector<TableName> PartitionsBelow(const TableName& table) const;
  absl::Status CheckPgValuesOrder(const TableName& table, const std::vector<std::string>& columns,
                                  const RowPlan& plan) const;

  std::map<TableName, std::set<TableName>> partitions_;  // PostgreSQL: parent -> its partitions
  std::set<TableName> inheritors_;                       // PostgreSQL: tables with an INHERITS parent
  std::map<TableName, std::set<TableName>> children_;    // PostgreSQL: parent -> its INHERITS children
  std::set<TableName> with_data_;  // PostgreSQL: tables with COPY or INSERT rows so far (CheckDataMoves)
  // The config reaches `table`: its own entry or a parent's (IsConfigured),
  // or a partition's or INHERITS child's below it, at any depth.
  bool ConfigReaches(const TableName& table) const;

  TableResolver* resolver_;
  std::map<TableName, TableDef> ddl_;
  std::map<TableName, DomainDef> domains_;
  std::map<TableName, TableDef> types_;                     // composite types (AddDomain)
  std::map<TableName, std::set<TableName>> typed_tables_;   // composite type -> tables OF it
  std::vector<TableName> new_tables_;  // CREATE TABLEs added since CheckNewTables
  uint64_t ddl_generation_ = 0;                 // CREATE TABLE statements added to ddl_ (and encodings set)
  TextEncoding encoding_ = TextEncoding::kUtf8;
  std::set<TableName> created_;                 // every CREATE TABLE's name, whatever its form
  std::map<TableName, absl::Status> checked_;   // CheckDataTarget's decisions
  std::map<TableName, std::vector<Cached>> plans_;
  std::map<TableName, bool> warned_;
  std::map<TableName, TableName> views_;        // view -> a configured table it reads
  std::set<TableName> view_names_;              // every view the dump creates
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

}  // namespace dbanon

#endif  // DBANON_PARSERS_TABLE_CATALOG_H_
