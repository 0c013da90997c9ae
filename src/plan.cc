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

std::vector<std::pair<TableName, const RunPlan::TableEntry*>> RunPlan::Reach(const TableName& key) const {
  std::vector<std::pair<TableName, const TableEntry*>> out;
  std::vector<TableName> queue{key};
  std::set<TableName> visited{key};
  // Breadth-first: a partition's own entry, its parent's, its grandparent's.
  for (size_t i = 0; i < queue.size() && queue.size() < 10000; ++i) {
    auto entry = tables_.find(queue[i]);
    if (entry != tables_.end()) out.emplace_back(queue[i], &entry->second);
    auto parents = parents_.find(queue[i]);
    if (parents == parents_.end()) continue;
    for (const TableName& p : parents->second) {
      if (visited.insert(p).second) queue.push_back(p);
    }
  }
  return out;
}

bool RunPlan::IsConfigured(const TableName& table) const { return !Reach(Key(table)).empty(); }

void RunPlan::NoteParent(const TableName& child, const TableName& parent) {
  std::vector<TableName>& parents = parents_[Key(child)];
  if (std::find(parents.begin(), parents.end(), Key(parent)) == parents.end()) parents.push_back(Key(parent));
}

void RunPlan::NoteCreated(const TableName& table) { created_.insert(Key(table)); }

absl::StatusOr<const RowPlan*> RunPlan::Resolve(const TableName& table, const std::vector<std::string>& columns) {
  const TableName key = Key(table);
  std::vector<std::pair<TableName, const TableEntry*>> reach = Reach(key);
  if (reach.empty()) return nullptr;
  auto row = std::make_unique<RowPlan>();
  row->table = table;
  row->num_columns = columns.size();
  row->column_names = columns;
  row->configured.assign(columns.size(), false);
  for (const auto& [name, entry] : reach) {
    if (name != key) reached_.insert(name);
    if (entry->config->truncate) row->truncate = true;  // TRUNCATE parent empties its children too
  }
  if (row->truncate) {
    row_plans_.push_back(std::move(row));
    return row_plans_.back().get();
  }
  std::map<std::string, TableName> written;  // column -> the table whose entry writes it
  for (const auto& [name, entry] : reach) {
    const std::string via = name == key ? "" : absl::StrCat(", on its parent ", name.Display());
    for (size_t a = 0; a < entry->anonymizers.size(); ++a) {
      const Anonymizer* anonymizer = entry->anonymizers[a].get();
      size_t taken = 0;
      for (const std::string& column : anonymizer->columns()) taken += written.count(column);
      if (taken == anonymizer->columns().size() && taken > 0) continue;  // a nearer entry names them all: it wins
      if (taken > 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "table ", table.Display(), ": the multi-column anonymizer configured at ", config_.path, ":",
            entry->positions[a].line, via, " writes some columns that a nearer config entry names and some it "
            "does not; configure all of its columns in one place"));
      }
      RowPlan::Step step{anonymizer, {}};
      for (const std::string& column : anonymizer->columns()) {
        auto found = std::find(columns.begin(), columns.end(), column);
        if (found == columns.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column '", column, "' of table ", table.Display(), " is configured (", config_.path, ":",
              entry->positions[a].line, via, ") but is not in the dump's column list for that table"));
        }
        size_t index = static_cast<size_t>(found - columns.begin());
        step.columns.push_back(index);
        row->configured[index] = true;
        written.emplace(column, name);
      }
      row->steps.push_back(std::move(step));
    }
  }
  row_plans_.push_back(std::move(row));
  return row_plans_.back().get();
}

void RunPlan::CountRows(const TableName& table, int64_t rows) { seen_[Key(table)].rows += rows; }

void RunPlan::NoteData(const TableName& table) {
  if (!table.schema.empty()) data_.emplace(Key(table), table.Display());  // PostgreSQL: partitions exist
}

void RunPlan::SawTable(const TableName& table) {
  NoteData(table);
  Seen& seen = seen_[Key(table)];
  if (seen.blocks++ == 0) seen.display = table.Display();
}

std::vector<std::string> RunPlan::Summary() const {
  std::vector<std::string> out;
  for (const auto& [name, seen] : seen_) {
    std::vector<std::pair<TableName, const TableEntry*>> reach = Reach(name);
    bool truncated = false;
    for (const auto& r : reach) truncated = truncated || r.second->config->truncate;
    const char* what = reach.empty() ? "" : truncated ? ", truncated" : ", anonymized";
    out.push_back(absl::StrCat(seen.display.empty() ? name.Display() : seen.display, ": ", seen.rows, " rows", what));
  }
  return out;
}

std::vector<std::string> RunPlan::Warnings() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : tables_) {
    if (seen_.count(name) == 0 && reached_.count(name) == 0) {
      const TableName shown = schemaless_ && name.schema == "public" ? TableName{"", name.table} : name;
      out.push_back(absl::StrCat(config_.path, ":", entry.config->position.line, ":", entry.config->position.column,
                                 ": warning: table '", entry.config->key, "' (", shown.Display(),
                                 ") is configured but does not appear in the dump"));
    }
  }
  return out;
}

}  // namespace dbanon

namespace dbanon {

absl::Status RunPlan::Finish() const {
  // Tables with data that the dump does not create (data-only) and that no
  // config reaches, named like partitions of a configured table that has no
  // data of its own (pg_dump names none, but "measurements_y2024m01" of
  // "measurements" is the custom the PostgreSQL docs follow, "Table
  // Partitioning"). Other absent configured tables are warned about.
  for (const auto& [name, entry] : tables_) {
    if (seen_.count(name) > 0 || reached_.count(name) > 0 || created_.count(name) > 0) continue;
    for (const auto& [data, display] : data_) {
      if (data.schema != name.schema || data.table.size() <= name.table.size() ||
          data.table.compare(0, name.table.size(), name.table) != 0 || created_.count(data) > 0 ||
          !Reach(data).empty()) {
        continue;
      }
      return ConfigError(
          config_.path, entry.config->position,
          absl::StrCat("table '", entry.config->key, "' (", name.Display(),
                       ") is configured but has no data in this dump, which does not create it either (a data-only "
                       "dump, pg_dump -a?), while it has data of table ", display,
                       ", which it does not create and no config names: if that is a partition or an INHERITS child "
                       "of ", name.Display(), ", its rows would go out in clear. Pass --schema FILE with a schema-only "
                       "dump of the same database (pg_dump -s, any format) so that dbanon knows the partitions, or "
                       "dump the schema and the data together"));
    }
  }
  return absl::OkStatus();
}

}  // namespace dbanon
