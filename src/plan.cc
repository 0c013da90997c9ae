#include "src/plan.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dbanon {
namespace {

// MySQL and SQLite tables have no schema: the config's unqualified keys
// (schema public) name them.
TableName Key(const TableName& table) { return table.schema.empty() ? TableName{"public", table.table} : table; }

}  // namespace

absl::StatusOr<std::unique_ptr<RunPlan>> RunPlan::Create(const Config& config, std::string_view salt) {
  std::unique_ptr<RunPlan> plan(new RunPlan());
  plan->config_ = config;
  plan->salt_prf_ = std::make_unique<Prf>(salt);
  for (const TableConfig& table : plan->config_.tables) {
    TableEntry entry;
    entry.config = &table;
    std::map<std::string, const ColumnRule*> written;
    for (const ColumnRule& rule : table.rules) {
      auto made = CreateAnonymizer(rule.anonymizer, Options(rule.options), *plan->salt_prf_, rule.target);
      if (!made.ok()) {
        return ConfigError(config.path, rule.position,
                           absl::StrCat("table '", table.key, "', key '", rule.target, "': ", made.status().message()));
      }
      for (const std::string& column : (*made)->columns()) {
        auto [it, inserted] = written.emplace(column, &rule);
        if (!inserted) {
          return ConfigError(config.path, rule.position,
                             absl::StrCat("table '", table.key, "': column '", column, "' is written by both '",
                                          it->second->target, "' and '", rule.target, "'"));
        }
      }
      entry.anonymizers.push_back(*std::move(made));
      entry.positions.push_back(rule.position);
    }
    plan->tables_.emplace(table.name, std::move(entry));
  }
  return plan;
}

bool RunPlan::IsConfigured(const TableName& table) const { return tables_.count(Key(table)) > 0; }

absl::StatusOr<const RowPlan*> RunPlan::Resolve(const TableName& table, const std::vector<std::string>& columns) {
  auto it = tables_.find(Key(table));
  if (it == tables_.end()) return nullptr;
  const TableEntry& entry = it->second;
  auto row = std::make_unique<RowPlan>();
  row->table = table;
  row->num_columns = columns.size();
  row->column_names = columns;
  row->configured.assign(columns.size(), false);
  if (entry.config->truncate) {
    row->truncate = true;
    row_plans_.push_back(std::move(row));
    return row_plans_.back().get();
  }
  for (size_t a = 0; a < entry.anonymizers.size(); ++a) {
    const Anonymizer* anonymizer = entry.anonymizers[a].get();
    RowPlan::Step step{anonymizer, {}};
    for (const std::string& column : anonymizer->columns()) {
      auto found = std::find(columns.begin(), columns.end(), column);
      if (found == columns.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column '", column, "' of table ", table.Display(), " is configured (", config_.path, ":",
            entry.positions[a].line, ") but is not in the dump's column list for that table"));
      }
      size_t index = static_cast<size_t>(found - columns.begin());
      step.columns.push_back(index);
      row->configured[index] = true;
    }
    row->steps.push_back(std::move(step));
  }
  row_plans_.push_back(std::move(row));
  return row_plans_.back().get();
}

void RunPlan::CountRows(const TableName& table, int64_t rows) { seen_[Key(table)].rows += rows; }

void RunPlan::SawTable(const TableName& table) {
  Seen& seen = seen_[Key(table)];
  if (seen.blocks++ == 0) seen.display = table.Display();
}

std::vector<std::string> RunPlan::Summary() const {
  std::vector<std::string> out;
  for (const auto& [name, seen] : seen_) {
    auto entry = tables_.find(name);
    const char* what = entry == tables_.end() ? "" : entry->second.config->truncate ? ", truncated" : ", anonymized";
    out.push_back(absl::StrCat(seen.display.empty() ? name.Display() : seen.display, ": ", seen.rows, " rows", what));
  }
  return out;
}

std::vector<std::string> RunPlan::Warnings() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : tables_) {
    if (seen_.count(name) == 0) {
      const TableName shown = schemaless_ && name.schema == "public" ? TableName{"", name.table} : name;
      out.push_back(absl::StrCat(config_.path, ":", entry.config->position.line, ":", entry.config->position.column,
                                 ": warning: table '", entry.config->key, "' (", shown.Display(),
                                 ") is configured but does not appear in the dump"));
    }
  }
  return out;
}

}  // namespace dbanon
