// The run plan: the config turned into anonymizer instances, and the
// TableResolver that maps a table's data block to a RowPlan.
//
// Errors: Create returns InvalidArgument "CONFIG:LINE:COL: message" for an
// unknown anonymizer, a bad option, or a column configured twice in a table.
// Resolve returns InvalidArgument when a configured column is missing from
// the dump's column list (a typo would otherwise leave data in clear).
//
// Thread-safety: Resolve, SawTable and CountRows are called by the framer's
// thread only; the RowPlans and anonymizers they return are immutable and
// read by the worker threads. Summary()/Warnings() after the run.
#ifndef DBANON_SRC_PLAN_H_
#define DBANON_SRC_PLAN_H_

#include <map>
#include <memory>
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

  Config config_;
  std::unique_ptr<Prf> salt_prf_;
  std::map<TableName, TableEntry> tables_;
  std::vector<std::unique_ptr<RowPlan>> row_plans_;
  std::map<TableName, Seen> seen_;
  bool schemaless_ = false;
};

}  // namespace dbanon

#endif  // DBANON_SRC_PLAN_H_
