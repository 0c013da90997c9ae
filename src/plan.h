// The run plan: the config turned into anonymizer instances, and the
// TableResolver that maps a table's data block to a RowPlan.
//
// Errors: Create returns InvalidArgument "CONFIG:LINE:COL: message" for an
// unknown anonymizer, a bad option, or a column configured twice in a table.
// Resolve returns InvalidArgument when a configured column is missing from
// the dump's column list (a typo would otherwise leave data in clear).
//
// A config on a table reaches its partitions (sub-partitions included) and
// its INHERITS children, as `UPDATE parent SET ...` does in the database:
// the framers report the links that the dump's DDL declares (NoteParent).
// A child's own config entry wins for the columns it names; a parent's
// `truncate = true` truncates every child.
//
// Thread-safety: Resolve, SawTable and CountRows are called by the framer's
// thread only; the RowPlans and anonymizers they return are immutable and
// read by the worker threads. Summary()/Warnings() after the run.
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
  void NoteData(const TableName& table) override;

  // After the run: InvalidArgument when a configured table has no data in
  // the dump and is not created by it (a data-only dump, pg_dump -a) while
  // the dump has data of a table it does not create, that no config reaches
  // and whose name starts with the configured table's (measurements_y2024m01
  // of measurements): likely a partition, whose rows went by unchanged. The
  // message says to pass --schema. The caller must not commit the output.
  absl::Status Finish() const override;

  // One line per table seen in the dump: name, rows, whether configured.
  std::vector<std::string> Summary() const;
  // Configured tables that never appeared in the dump.
  std::vector<std::string> Warnings() const;
  // The dump's names have no schema (MySQL, SQLite): messages name an
  // unqualified config key's table without the `public.` it matches by.
  void SetSchemaless(bool schemaless) { schemaless_ = schemaless; }

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
  };

  RunPlan() = default;
  // The configured entries whose config reaches `key` (a Key()): its own,
  // then those of its parents, nearest first (INHERITS order), each once.
  std::vector<std::pair<TableName, const TableEntry*>> Reach(const TableName& key) const;

  Config config_;
  std::unique_ptr<Prf> salt_prf_;
  std::map<TableName, TableEntry> tables_;
  std::vector<std::unique_ptr<RowPlan>> row_plans_;
  std::map<TableName, Seen> seen_;
  bool schemaless_ = false;
  // Partition and INHERITS links from the dump's DDL: child -> parents.
  std::map<TableName, std::vector<TableName>> parents_;
  std::set<TableName> created_;  // tables the dump's DDL creates
  std::map<TableName, std::string> data_;  // PostgreSQL tables with data, as the dump spells them
  std::set<TableName> reached_;  // configured tables whose config reached a child's data
};

}  // namespace dbanon

#endif  // DBANON_SRC_PLAN_H_
