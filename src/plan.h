// The run plan: the config turned into anonymizer instances, and the
// TableResolver that maps a table's data block to a RowPlan.
//
// Errors: Create returns InvalidArgument "CONFIG:LINE:COL: message" for an
// unknown anonymizer, a bad option, or a column configured twice in a table.
// Resolve returns InvalidArgument when a configured column is missing from
// the dump's column list (a typo would otherwise leave data in clear),
// naming the closest column the dump holds. SchemaComplete returns
// InvalidArgument for a configured table the dump does not hold ("did you
// mean app.users?"); with SetAllowMissing(true) both are warnings instead
// (partial dumps, `pg_dump -t`).
//
// Coverage: a column is covered by an anonymizer (`keep` included), or by
// its table's `keep = true` or `truncate = true`. The tables are those the
// dump creates (CREATE TABLE, an archive's TABLE entries) or holds data for.
// In strict mode (config `strict = true`, `--strict`) CheckCoverage fails,
// before any data block is let through, listing every uncovered
// table.column seen so far; a pg_dump plain dump creates every table before
// the first data, so the list is complete there and nothing past the DDL is
// written. Names only, never a value.
//
// A config on a table reaches its partitions (sub-partitions included) and
// its INHERITS children, as `UPDATE parent SET ...` does in the database:
// the framers report the links that the dump's DDL declares (NoteParent).
// A child's own config entry wins for the columns it names; a parent's
// `truncate = true` truncates every child.
//
// Thread-safety: not thread-safe: its TableResolver methods (Resolve,
// SawTable, CountRows, ...) must be called one at a time. Both roads keep
// that rule, from several threads:
//   * the plain road (src/pipeline.h) calls them from its framer, which
//     runs under the piece engine's producer lock (src/piece_engine.h, pull
//     mode) on whichever thread holds it, one batch after the other;
//   * the archive road (src/archive_job.h) calls them from its reader
//     thread (the TOC, the data blocks) and calls CountRows from the piece
//     engine's in-order Write of a stream's last piece, on a worker thread,
//     while the reader goes on: both through archive_internal's
//     LockedResolver (src/archive_internal.h), one lock around every call.
// The RowPlans and anonymizers they return are immutable and read by the
// worker threads. Summary(), Warnings(), Coverage() and Report() after the
// run, once the engine's threads are joined.
#ifndef DBANON_SRC_PLAN_H_
#define DBANON_SRC_PLAN_H_

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "parsers/framer.h"
#include "src/config.h"

namespace dbanon {

class RunPlan : public TableResolver {
 public:
  // `salt` keys every anonymizer (see anonymizers/prf.h).
  static absl::StatusOr<std::unique_ptr<RunPlan>> Create(const Config& config, std::string_view salt);

  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override;
  bool IsConfigured(const TableName& table) const override;
  void CountRows(const TableName& table, int64_t rows) override;
  void SawTable(const TableName& table) override;
  void NoteParent(const TableName& child, const TableName& parent) override;
  void NoteCreated(const TableName& table) override;
  void NoteGenerated(const TableName& table, const std::string& column) override;
  void NoteInvisible(const TableName& table, const std::string& column) override;
  void NoteData(const TableName& table) override;

  // After the run: InvalidArgument when a configured table has no data in
  // the dump and is not created by it (a data-only dump, pg_dump -a) while
  // the dump has data of a table it does not create, that no config reaches
  // and whose name starts with the configured table's (measurements_y2024m01
  // of measurements): likely a partition, whose rows went by unchanged. The
  // same when such a table's data (whatever its name) has every column of a
  // configured table with data the dump does not create: an INHERITS child
  // or a partition has every column of its parent. The message says
  // to pass --schema or to name the table. The caller must not commit the
  // output.
  absl::Status Finish() const override;

  // Counts the dump's large objects. In strict mode (and only there) an
  // InvalidArgument at the first one unless the config says
  // `[large_objects] action = "keep"`: dbanon does not anonymize them and
  // they may hold personal data (a scanned ID, an export).
  absl::Status NoteLargeObjects(int64_t created, int64_t opened, int64_t bytes) override;
  // The dump's large objects: how many (the larger of those created and of
  // those whose data the dump holds), their data's bytes (when counted:
  // plain dumps), and whether the config decided to keep them.
  struct LargeObjects {
    int64_t count = 0;
    int64_t bytes = 0;
    bool bytes_counted = true;  // false: an archive's objects, counted from its TOC
    bool keep = false;          // `[large_objects] action = "keep"`
    // "3 large objects (1234 bytes): not anonymized, kept as they are
    // ([large_objects] action = \"keep\")" or "...: not anonymized, NOT
    // CONFIGURED (...)"; "" when the dump holds none.
    std::string Describe() const;
  };
  LargeObjects LargeObjectCounts() const;

  void SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) override;
  // After every row (the workers' Scratch destroyed): InvalidArgument
  // "CONFIG:LINE:COL: table 'users', column 'profile': JSON path '$.EMAIL'
  // matched no value in the column's N non-null documents" for each
  // configured JSON path that matched nothing although its column had
  // documents (Anonymizer::UnmatchedTargets): the JSON analogue of a
  // misspelt column. A warning instead under SetAllowMissing(true). Names
  // and paths only, never a value.
  absl::Status DataComplete() override;
  absl::Status CheckCoverage() override;
  absl::Status SchemaComplete() override;

  // A configured table or column that the dump does not hold is a warning
  // instead of an error.
  void SetAllowMissing(bool allow) { allow_missing_ = allow; }
  // Strict coverage, whatever the config says (`--strict`).
  void SetStrict(bool strict) { strict_ = strict; }
  // MySQL dumps: a table in a database (`USE shop;`, `shop.users`) that is
  // not configured as `shop.users` is looked up as `users` (schema public),
  // the key that names the tables of a single-database dump.
  void SetUnqualifiedFallback(bool fallback) { unqualified_fallback_ = fallback; }
  // SQLite dumps: table and column names match without regard to ASCII case
  // (SQLite docs: identifiers are case-insensitive for ASCII letters; the
  // dump's names come folded from TableNameFor). Re-keys the config's tables
  // in lower case. Call before any lookup. Errors: InvalidArgument (with
  // the config's position) when two config keys differ only in case.
  absl::Status SetFoldedNames();
  // MySQL dumps (and SQLite's, through SetFoldedNames): column names match
  // without regard to ASCII case (MariaDB docs, "Identifier
  // Case-sensitivity": column names are not case-sensitive on any platform),
  // the config's column keys too; table names keep their case. Call before
  // any lookup. Errors: InvalidArgument (with the config's position) when
  // two column keys of one table differ only in case.
  absl::Status SetFoldedColumns();

  // How one column of the dump is covered.
  // kGenerated: a generated column (NoteGenerated) that the config does not
  // name or names `keep`: the server computes it on restore, from values
  // dbanon rewrote when it reads a configured column.
  enum class Cover : uint8_t { kUncovered, kAnonymized, kKept, kTruncated, kGenerated };
  struct ColumnCoverage {
    std::string name;
    Cover cover = Cover::kUncovered;
    std::string anonymizer;  // kAnonymized/kKept: the config's anonymizer name
  };
  struct TableCoverage {
    std::string display;  // the name as the dump spells it
    TableName name;
    bool data = false;          // the dump holds a data block for it
    bool rows_counted = false;  // its rows were read (configured tables; plain dumps)
    int64_t rows = 0;
    bool columns_known = false;
    bool configured = false;
    bool keep = false;
    bool truncate = false;
    std::vector<ColumnCoverage> columns;
    // "truncated", "kept" (the table's keep, or every column `keep`),
    // "anonymized" (some column has an anonymizer) or "uncovered".
    std::string Verdict() const;
  };
  // Every table the dump created or held data for, in name order.
  std::vector<TableCoverage> Coverage() const;
  // The coverage of one table from what the dump said of it so far (its
  // columns as Coverage() lists them; none when the table was not seen).
  TableCoverage CoverageOfTable(const TableName& table) const;
  // The key under which the plan knows `table`: MySQL and SQLite names (no
  // schema) are looked up in schema public, as the config's unqualified keys.
  static TableName KeyOf(const TableName& table);

  // One line per table of the dump: name, rows, anonymized, kept, truncated
  // or uncovered (with the uncovered columns).
  std::vector<std::string> Summary() const;
  // Warnings for the end of the run (--allow-missing: configured tables and
  // columns the dump does not hold).
  std::vector<std::string> Warnings() const;
  // The dump's names have no schema (MySQL, SQLite): messages name an
  // unqualified config key's table without the `public.` it matches by.
  void SetSchemaless(bool schemaless) { schemaless_ = schemaless; }
  // The dump may hold PostgreSQL INHERITS children and partitions (a
  // PostgreSQL dump, plain or archive: the default). False for MySQL and
  // SQLite: Finish's data-only rules, which are about them, do not apply.
  void SetPgLinks(bool possible) { pg_links_ = possible; }

  // For --report, after the run (every worker's Scratch destroyed, so that
  // the cell counts are summed: ColumnCountTotals in anonymizers/anonymizer.h).
  // Names only, never a value.
  struct ColumnReport {
    std::string column;      // the column (a multi-column anonymizer: one entry per column)
    std::string anonymizer;  // registry name
    int64_t values_rewritten = 0;  // values an anonymizer wrote (not `keep`)
    int64_t values_kept = 0;       // `keep`: values copied as they are
    int64_t nulls_kept = 0;
  };
  struct TableReport {
    std::string table;          // as the dump spells it, else schema.table
    int64_t rows = 0;           // rows read (a truncated table: rows dropped)
    bool rows_counted = false;  // false: the rows went by unread (a table no config reaches)
    // "anonymized", "truncated", "kept" (the table's keep = true, or every
    // column `keep`), "uncovered" (a config reaches it, names no anonymizer
    // there and leaves some column uncovered), "unconfigured" (no config
    // reaches it: its rows go out as they came), or "absent" (configured,
    // not in the dump). A partition
    // or INHERITS child reached by its parent's config takes the parent's
    // action; its columns' counts are listed under the parent's entry.
    std::string action;
    std::vector<ColumnReport> columns;
  };
  std::vector<TableReport> Report() const;

 private:
  struct TableEntry {
    const TableConfig* config;
    std::vector<std::unique_ptr<Anonymizer>> anonymizers;
    std::vector<SourcePosition> positions;  // of each anonymizer's config entry
  };
  struct Seen {
    int64_t rows = 0;
    int64_t blocks = 0;
    std::string display;  // the name as the dump spells it
    bool data = false;
    bool rows_counted = false;
    bool columns_known = false;
    std::vector<std::string> columns;
  };

  RunPlan() = default;
  // The configured entries whose config reaches `key` (a Key()): its own,
  // then those of its parents, nearest first (INHERITS order), each once.
  std::vector<std::pair<TableName, const TableEntry*>> Reach(const TableName& key) const;
  const TableEntry* Find(const TableName& table) const;
  TableCoverage CoverageOf(const TableName& key, const Seen& seen) const;
  std::vector<std::string> MissingTables() const;

  bool allow_missing_ = false;
  bool pg_links_ = true;  // SetPgLinks
  bool strict_ = false;
  bool unqualified_fallback_ = false;
  bool folded_names_ = false;  // SetFoldedNames
  bool folded_columns_ = false;  // SetFoldedColumns (and SetFoldedNames)
  // `column` as the plan compares it: ASCII lower case under SetFoldedColumns.
  std::string ColumnKey(const std::string& column) const;
  bool coverage_checked_ = true;  // no table seen since the last CheckCoverage
  std::vector<std::string> warnings_;

  Config config_;
  std::unique_ptr<Prf> salt_prf_;
  std::map<TableName, TableEntry> tables_;
  std::vector<std::unique_ptr<RowPlan>> row_plans_;
  std::map<TableName, Seen> seen_;
  bool schemaless_ = false;
  // Partition and INHERITS links from the dump's DDL: child -> parents.
  std::map<TableName, std::vector<TableName>> parents_;
  std::set<TableName> created_;  // tables the dump's DDL creates
  std::set<std::pair<TableName, std::string>> generated_;  // NoteGenerated: (table key, column)
  std::set<std::pair<TableName, std::string>> invisible_;  // NoteInvisible: (table key, column)
  std::map<TableName, std::string> data_;  // PostgreSQL tables with data, as the dump spells them
  std::set<TableName> reached_;  // configured tables whose config reached a child's data
  // NoteLargeObjects
  int64_t lo_created_ = 0, lo_opened_ = 0, lo_bytes_ = 0;
  bool lo_bytes_uncounted_ = false;
};

}  // namespace dbanon

#endif  // DBANON_SRC_PLAN_H_
