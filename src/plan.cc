#include "src/plan.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/edit_distance.h"
#include "src/run_stats.h"

namespace dbanon {
namespace {

// MySQL and SQLite tables have no schema: the config's unqualified keys
// (schema public) name them.
TableName Key(const TableName& table) { return table.schema.empty() ? TableName{"public", table.table} : table; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// How far a name the dump holds is from a configured one: 0 when only the
// case differs, 1 when only the schema does, else the edit distance of the
// lower-case qualified names plus one. SIZE_MAX when too far to suggest.
size_t NameDistance(const TableName& configured, const TableName& held) {
  const std::string a = Lower(absl::StrCat(configured.schema, ".", configured.table));
  const std::string b = Lower(absl::StrCat(held.schema, ".", held.table));
  if (a == b) return 0;
  if (Lower(configured.table) == Lower(held.table)) return 1;
  size_t d = EditDistance(a, b);
  return d <= std::max<size_t>(3, configured.table.size() / 3) ? d + 1 : SIZE_MAX;
}

// "; did you mean 'x'?" for the closest of `names` to `name`, or "".
std::string ClosestColumn(const std::string& name, const std::vector<std::string>& names) {
  size_t best = SIZE_MAX;
  const std::string* found = nullptr;
  for (const std::string& n : names) {
    size_t d = Lower(n) == Lower(name) ? 0 : EditDistance(Lower(n), Lower(name)) + 1;
    if (d < best) {
      best = d;
      found = &n;
    }
  }
  if (found == nullptr || best > std::max<size_t>(3, name.size() / 3) + 1) return "";
  return absl::StrCat("; did you mean '", *found, "'?");
}

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

absl::Status RunPlan::SetFoldedColumns() {
  folded_columns_ = true;
  // Two keys of one table that differ only in case would name one column:
  // which of their anonymizers writes it would depend on the order.
  for (const auto& [name, entry] : tables_) {
    std::map<std::string, size_t> seen;  // folded column -> its anonymizer
    for (size_t a = 0; a < entry.anonymizers.size(); ++a) {
      for (const std::string& column : entry.anonymizers[a]->columns()) {
        auto [it, added] = seen.emplace(Lower(column), a);
        if (added) continue;
        const ColumnRule& other = entry.config->rules[it->second];
        return ConfigError(config_.path, entry.positions[a],
                           absl::StrCat("table '", entry.config->key, "': key '", entry.config->rules[a].target,
                                        "' and key '", other.target, "' name one column (",
                                        folded_names_ ? "SQLite" : "MySQL", " column names do not differ by case)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status RunPlan::SetFoldedNames() {
  folded_names_ = true;
  std::map<TableName, TableEntry> folded;
  while (!tables_.empty()) {
    auto node = tables_.extract(tables_.begin());
    node.key() = TableName{Lower(node.key().schema), Lower(node.key().table)};
    const TableConfig* config = node.mapped().config;
    auto result = folded.insert(std::move(node));
    if (!result.inserted) {
      return ConfigError(config_.path, config->position,
                         absl::StrCat("table '", config->key, "' and table '", result.position->second.config->key,
                                      "' are one SQLite table (SQLite names do not differ by case)"));
    }
  }
  tables_ = std::move(folded);
  return SetFoldedColumns();
}

std::string RunPlan::ColumnKey(const std::string& column) const { return folded_columns_ ? Lower(column) : column; }

const RunPlan::TableEntry* RunPlan::Find(const TableName& table) const {
  auto it = table.schema.empty() ? tables_.find(Key(table)) : tables_.find(table);
  if (it == tables_.end() && unqualified_fallback_ && !table.schema.empty()) {
    it = tables_.find(TableName{"public", table.table});
  }
  return it == tables_.end() ? nullptr : &it->second;
}

std::vector<std::pair<TableName, const RunPlan::TableEntry*>> RunPlan::Reach(const TableName& key) const {
  std::vector<std::pair<TableName, const TableEntry*>> out;
  std::vector<TableName> queue{key};
  std::set<TableName> visited{key};
  // Breadth-first: a partition's own entry, its parent's, its grandparent's.
  for (size_t i = 0; i < queue.size() && queue.size() < 10000; ++i) {
    const TableEntry* entry = Find(queue[i]);
    // A table-level `keep = true` names every column of its table: nothing
    // above it reaches its rows.
    if (entry != nullptr && entry->config->keep) continue;
    if (entry != nullptr) out.emplace_back(queue[i], entry);
    auto parents = parents_.find(queue[i]);
    if (parents == parents_.end()) continue;
    for (const TableName& p : parents->second) {
      if (visited.insert(p).second) queue.push_back(p);
    }
  }
  return out;
}

bool RunPlan::IsConfigured(const TableName& table) const {
  if (table.schema.empty()) return IsConfigured(Key(table));
  if (parents_.find(table) != parents_.end()) return !Reach(table).empty();
  // A table without a parent (most tables): Reach would visit it alone.
  const TableEntry* entry = Find(table);
  return entry != nullptr && !entry->config->keep;
}

void RunPlan::NoteParent(const TableName& child, const TableName& parent) {
  std::vector<TableName>& parents = parents_[Key(child)];
  if (std::find(parents.begin(), parents.end(), Key(parent)) == parents.end()) parents.push_back(Key(parent));
}

void RunPlan::NoteCreated(const TableName& table) { created_.insert(Key(table)); }

void RunPlan::NoteGenerated(const TableName& table, const std::string& column) {
  generated_.emplace(Key(table), ColumnKey(column));
}

void RunPlan::NoteInvisible(const TableName& table, const std::string& column) {
  invisible_.emplace(Key(table), ColumnKey(column));
}

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
      for (const std::string& column : anonymizer->columns()) taken += written.count(ColumnKey(column));
      if (taken == anonymizer->columns().size() && taken > 0) continue;  // a nearer entry names them all: it wins
      if (taken > 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "table ", table.Display(), ": the multi-column anonymizer configured at ", config_.path, ":",
            entry->positions[a].line, via, " writes some columns that a nearer config entry names and some it "
            "does not; configure all of its columns in one place"));
      }
      size_t missing = 0, missing_invisible = 0;
      // MySQL and SQLite column names match without regard to ASCII case.
      auto find_column = [&](const std::string& column) {
        return std::find_if(columns.begin(), columns.end(),
                            [&](const std::string& c) { return ColumnKey(c) == ColumnKey(column); });
      };
      for (const std::string& column : anonymizer->columns()) {
        const bool absent = find_column(column) == columns.end();
        missing += absent ? 1 : 0;
        missing_invisible += absent && invisible_.count({key, ColumnKey(column)}) > 0 ? 1 : 0;
      }
      // An INVISIBLE column that these rows do not carry (an INSERT without
      // a column list): the server gives it its default, no value goes by.
      if (missing > 0 && missing_invisible == anonymizer->columns().size()) continue;
      if (missing > 0 && allow_missing_ && missing == anonymizer->columns().size()) {
        std::string warning = absl::StrCat(config_.path, ":", entry->positions[a].line, ":", entry->positions[a].column,
                                           ": warning: column '", anonymizer->columns()[0], "' of table ",
                                           table.Display(), via, " is configured but is not in the dump (--allow-missing)");
        if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end()) warnings_.push_back(warning);
        continue;
      }
      // `keep` on a generated column documents a decision and writes
      // nothing: PostgreSQL's data has no such column (pg_dump leaves it
      // out), MySQL's value is the server's to compute (DEFAULT when it reads
      // a configured column, parsers/table_catalog.h).
      if (entry->config->rules[a].anonymizer == "keep" && anonymizer->columns().size() == 1 &&
          generated_.count({key, ColumnKey(anonymizer->columns()[0])}) > 0) {
        continue;
      }
      RowPlan::Step step{anonymizer, {}};
      for (const std::string& column : anonymizer->columns()) {
        auto found = find_column(column);
        if (found == columns.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column '", column, "' of table ", table.Display(), " is configured (", config_.path, ":",
              entry->positions[a].line, via, ") but is not in the dump's column list for that table",
              ClosestColumn(column, columns)));
        }
        size_t index = static_cast<size_t>(found - columns.begin());
        // The server refuses a column list naming one column twice (MySQL:
        // "Column specified twice"; SQLite reads the last value): which
        // value is the column's is not for dbanon to guess.
        if (std::find_if(found + 1, columns.end(), [&](const std::string& c) {
              return ColumnKey(c) == ColumnKey(column);
            }) != columns.end()) {
          return absl::InvalidArgumentError(absl::StrCat("column '", column, "' of table ", table.Display(),
                                                         " is configured and the dump names it twice in one "
                                                         "column list"));
        }
        step.columns.push_back(index);
        row->configured[index] = true;
        written.emplace(ColumnKey(column), name);
      }
      row->steps.push_back(std::move(step));
    }
  }
  row_plans_.push_back(std::move(row));
  return row_plans_.back().get();
}

void RunPlan::CountRows(const TableName& table, int64_t rows) {
  Seen& seen = seen_[Key(table)];
  seen.rows += rows;
  seen.rows_counted = true;
}

void RunPlan::NoteData(const TableName& table) {
  // PostgreSQL: partitions exist. Display() only for a table not seen yet.
  if (!table.schema.empty() && data_.find(table) == data_.end()) data_.emplace(table, table.Display());
}

void RunPlan::SawTable(const TableName& table) {
  NoteData(table);
  Seen& seen = seen_[Key(table)];
  if (seen.display.empty()) seen.display = table.Display();
  if (!seen.data) coverage_checked_ = false;
  seen.data = true;
  ++seen.blocks;
  SetCurrentTable(seen.display);  // for the status line and progress lines
}

void RunPlan::SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) {
  auto [it, added] = seen_.try_emplace(Key(table));
  Seen& seen = it->second;
  if (added || (data && !seen.data)) coverage_checked_ = false;
  if (seen.display.empty()) seen.display = table.Display();
  seen.data = seen.data || data;
  if (!columns.empty() && (!seen.columns_known || columns.size() > seen.columns.size())) {
    // The widest list: a data block may name fewer columns than the table
    // has (INSERT column lists without generated columns).
    for (const std::string& c : columns) {
      if (std::find(seen.columns.begin(), seen.columns.end(), c) == seen.columns.end()) {
        seen.columns.push_back(c);
        coverage_checked_ = false;
      }
    }
    seen.columns_known = true;
  }
}

RunPlan::TableCoverage RunPlan::CoverageOf(const TableName& key, const Seen& seen) const {
  TableCoverage t;
  t.name = key;
  t.display = seen.display.empty() ? key.Display() : seen.display;
  t.data = seen.data;
  t.rows = seen.rows;
  t.rows_counted = seen.rows_counted;
  t.columns_known = seen.columns_known;
  // The entries that reach the table: its own, then its parents' (a
  // partition is covered by its partitioned table's config).
  const std::vector<std::pair<TableName, const TableEntry*>> reach = Reach(key);
  const TableEntry* own = Find(key);
  t.configured = !reach.empty();
  t.keep = own != nullptr && own->config->keep;
  for (const auto& r : reach) t.truncate = t.truncate || r.second->config->truncate;
  for (const std::string& c : seen.columns) {
    ColumnCoverage col;
    col.name = c;
    if (t.keep) {
      col.cover = Cover::kKept;
    } else if (t.truncate) {
      col.cover = Cover::kTruncated;
    } else {
      for (const auto& r : reach) {
        const TableEntry* entry = r.second;
        for (size_t a = 0; a < entry->anonymizers.size() && col.cover == Cover::kUncovered; ++a) {
          const std::vector<std::string>& cols = entry->anonymizers[a]->columns();
          if (std::find_if(cols.begin(), cols.end(), [&](const std::string& name) {
                return ColumnKey(name) == ColumnKey(c);
              }) == cols.end()) {
            continue;
          }
          for (const ColumnRule& rule : entry->config->rules) {
            if (rule.position.line == entry->positions[a].line && rule.position.column == entry->positions[a].column) {
              col.anonymizer = rule.anonymizer;
            }
          }
          col.cover = col.anonymizer == "keep" ? Cover::kKept : Cover::kAnonymized;
        }
        if (col.cover != Cover::kUncovered) break;  // the nearest entry that names the column wins
      }
      if ((col.cover == Cover::kUncovered || col.cover == Cover::kKept) && generated_.count({key, ColumnKey(c)}) > 0) {
        col.cover = Cover::kGenerated;
      }
    }
    t.columns.push_back(std::move(col));
  }
  return t;
}

std::string RunPlan::TableCoverage::Verdict() const {
  if (truncate) return "truncated";
  if (keep) return "kept";
  size_t uncovered = 0, anonymized = 0;
  for (const ColumnCoverage& c : columns) {
    uncovered += c.cover == Cover::kUncovered ? 1 : 0;
    anonymized += c.cover == Cover::kAnonymized ? 1 : 0;
  }
  if (!columns_known) return configured ? "anonymized" : "uncovered";
  if (anonymized > 0) return "anonymized";
  return uncovered > 0 ? "uncovered" : "kept";
}

RunPlan::TableCoverage RunPlan::CoverageOfTable(const TableName& table) const {
  const TableName key = Key(table);
  auto it = seen_.find(key);
  return CoverageOf(key, it == seen_.end() ? Seen{} : it->second);
}

TableName RunPlan::KeyOf(const TableName& table) { return Key(table); }

std::vector<RunPlan::TableCoverage> RunPlan::Coverage() const {
  std::vector<TableCoverage> out;
  for (const auto& [name, seen] : seen_) out.push_back(CoverageOf(name, seen));
  return out;
}

absl::Status RunPlan::CheckCoverage() {
  if (!(strict_ || config_.strict) || coverage_checked_) return absl::OkStatus();
  std::vector<std::string> uncovered;
  for (const TableCoverage& t : Coverage()) {
    if (t.keep || t.truncate) continue;
    if (!t.columns_known) {
      if (t.data) uncovered.push_back(absl::StrCat(t.display, ".(columns unknown)"));
      continue;
    }
    for (const ColumnCoverage& c : t.columns) {
      if (c.cover == Cover::kUncovered) uncovered.push_back(absl::StrCat(t.display, ".", QuoteIdentifierIfNeeded(c.name)));
    }
  }
  if (uncovered.empty()) {
    coverage_checked_ = true;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "strict mode: ", uncovered.size(), uncovered.size() == 1 ? " column is" : " columns are",
      " not covered by ", config_.path, " (give each an anonymizer or \"keep\", or its table keep = true or "
      "truncate = true): ", absl::StrJoin(uncovered, ", ")));
}

absl::Status RunPlan::DataComplete() {
  std::vector<std::string> errors;
  for (const auto& [name, entry] : tables_) {
    for (size_t a = 0; a < entry.anonymizers.size(); ++a) {
      const Anonymizer& anonymizer = *entry.anonymizers[a];
      std::vector<std::string> unmatched = anonymizer.UnmatchedTargets();
      if (unmatched.empty()) continue;
      const std::vector<std::array<int64_t, 2>> counts = ColumnCountTotals(anonymizer.id());
      const int64_t documents = counts.empty() ? 0 : counts[0][0];
      const SourcePosition& at = entry.positions[a];
      for (const std::string& path : unmatched) {
        std::string message = absl::StrCat(
            "table '", entry.config->key, "', column '", anonymizer.columns()[0], "': JSON path '", path,
            "' matched no value in ",
            documents > 0 ? absl::StrCat("the column's ", documents, documents == 1 ? " non-null document" : " non-null documents")
                          : std::string("any document of the column"),
            " (a misspelt key? JSON keys are case-sensitive)");
        if (allow_missing_) {
          std::string warning = absl::StrCat(config_.path, ":", at.line, ":", at.column, ": warning: ", message,
                                             " (--allow-missing)");
          if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end()) warnings_.push_back(warning);
        } else {
          errors.push_back(absl::StrCat(config_.path, ":", at.line, ":", at.column, ": ", message));
        }
      }
    }
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(absl::StrJoin(errors, "\n"),
                                                 "\n(--allow-missing makes this a warning)"));
}

absl::Status RunPlan::NoteLargeObjects(int64_t created, int64_t opened, int64_t bytes) {
  lo_created_ += created;
  lo_opened_ += opened;
  if (bytes < 0) {
    lo_bytes_uncounted_ = true;
  } else {
    lo_bytes_ += bytes;
  }
  if (!(strict_ || config_.strict) || config_.large_objects_keep || (created == 0 && opened == 0 && bytes <= 0)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "strict mode: the dump holds PostgreSQL large objects (lo_create, BLOB entries), which dbanon does not "
      "anonymize and which may hold personal data; ", config_.path, " does not say what to do with them (add "
      "[large_objects] action = \"keep\" once they are known to be safe, or dump without them: pg_dump "
      "--no-blobs, --no-large-objects from PostgreSQL 17)"));
}

RunPlan::LargeObjects RunPlan::LargeObjectCounts() const {
  LargeObjects lo;
  lo.count = std::max(lo_created_, lo_opened_);
  lo.bytes = lo_bytes_;
  lo.bytes_counted = !lo_bytes_uncounted_;
  lo.keep = config_.large_objects_keep;
  return lo;
}

std::string RunPlan::LargeObjects::Describe() const {
  if (count == 0) return "";
  return absl::StrCat(count, count == 1 ? " large object" : " large objects",
                      bytes_counted ? absl::StrCat(" (", bytes, bytes == 1 ? " byte)" : " bytes)")
                                    : std::string(" (bytes not counted: archive data not read)"),
                      ": not anonymized, ",
                      keep ? "kept as they are ([large_objects] action = \"keep\")"
                           : "written as they are: NOT CONFIGURED (no [large_objects] in the config)");
}

std::vector<std::string> RunPlan::MissingTables() const {
  std::set<const TableEntry*> present;
  for (const auto& [name, seen] : seen_) {
    if (const TableEntry* e = Find(name)) present.insert(e);
  }
  // A parent whose rows are all in its partitions or children, or that only
  // a --schema dump creates, is in the dump too.
  for (const TableName& name : reached_) present.insert(Find(name));
  for (const TableName& name : created_) present.insert(Find(name));
  std::vector<std::string> out;
  for (const auto& [name, entry] : tables_) {
    if (present.count(&entry) > 0) continue;
    size_t best = SIZE_MAX;
    std::string closest;
    for (const auto& [held, seen] : seen_) {
      size_t d = NameDistance(name, held);
      if (d < best) {
        best = d;
        closest = seen.display.empty() ? held.Display() : seen.display;
      }
    }
    out.push_back(absl::StrCat(config_.path, ":", entry.config->position.line, ":", entry.config->position.column,
                               ": table '", entry.config->key, "' (",
                               (schemaless_ && name.schema == "public" ? TableName{"", name.table} : name).Display(),
                               ") is configured but the dump holds no such table",
                               closest.empty() ? "" : absl::StrCat("; did you mean ", closest, "?")));
  }
  return out;
}

absl::Status RunPlan::SchemaComplete() {
  std::vector<std::string> missing = MissingTables();
  if (!missing.empty() && !allow_missing_) {
    return absl::InvalidArgumentError(absl::StrCat(
        absl::StrJoin(missing, "\n"),
        "\n(a partial dump, pg_dump -t? --allow-missing makes this a warning)"));
  }
  coverage_checked_ = false;
  return CheckCoverage();
}

std::vector<std::string> RunPlan::Summary() const {
  std::vector<std::string> out;
  for (const TableCoverage& t : Coverage()) {
    std::string rows = t.rows_counted ? absl::StrCat(t.rows, t.rows == 1 ? " row" : " rows")
                       : t.data       ? std::string("rows not counted (data copied unread)")
                                      : std::string("no data");
    std::string line = absl::StrCat(t.display, ": ", rows, ", ", t.Verdict());
    std::vector<std::string> uncovered;
    for (const ColumnCoverage& c : t.columns) {
      if (c.cover == Cover::kUncovered && t.configured) uncovered.push_back(c.name);
    }
    if (!uncovered.empty()) absl::StrAppend(&line, " (uncovered: ", absl::StrJoin(uncovered, ", "), ")");
    out.push_back(std::move(line));
  }
  if (std::string lo = LargeObjectCounts().Describe(); !lo.empty()) out.push_back(std::move(lo));
  return out;
}

std::vector<RunPlan::TableReport> RunPlan::Report() const {
  std::vector<TableReport> out;
  // Counts are kept per anonymizer (one per config entry column set): a
  // parent's entry sums the rows of every partition it reaches.
  auto columns_of = [](const TableEntry& entry, TableReport* t) {
    for (size_t i = 0; i < entry.anonymizers.size(); ++i) {
      const Anonymizer& a = *entry.anonymizers[i];
      std::vector<std::array<int64_t, 2>> counts = ColumnCountTotals(a.id());
      for (size_t p = 0; p < a.columns().size(); ++p) {
        ColumnReport c;
        c.column = a.columns()[p];
        c.anonymizer = entry.config->rules[i].anonymizer;
        if (p < counts.size()) {
          // `keep` writes nothing new: its values are kept, not rewritten.
          (c.anonymizer == "keep" ? c.values_kept : c.values_rewritten) = counts[p][0];
          c.nulls_kept = counts[p][1];
        }
        t->columns.push_back(std::move(c));
      }
    }
  };
  std::set<const TableEntry*> listed;
  for (const TableCoverage& c : Coverage()) {
    TableReport t;
    t.table = c.display;
    t.rows = c.rows;
    t.rows_counted = c.rows_counted;
    const std::string verdict = c.Verdict();
    // Either way its rows go out as they came; "kept" is kept for a decision.
    t.action = !c.configured && !c.keep ? "unconfigured" : verdict;
    const TableEntry* entry = Find(c.name);
    if (entry != nullptr && listed.insert(entry).second) columns_of(*entry, &t);
    out.push_back(std::move(t));
  }
  for (const auto& [name, entry] : tables_) {
    if (listed.count(&entry) > 0) continue;
    TableReport t;
    t.table = (schemaless_ && name.schema == "public" ? TableName{"", name.table} : name).Display();
    // A parent with no rows of its own whose partitions the dump holds, or
    // a table the dump creates without data, is in the dump.
    const bool present = reached_.count(name) > 0 || created_.count(name) > 0;
    t.action = !present ? "absent" : entry.config->truncate ? "truncated" : entry.config->keep ? "kept" : "anonymized";
    t.rows_counted = present;
    columns_of(entry, &t);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> RunPlan::Warnings() const {
  std::vector<std::string> out = warnings_;
  if (allow_missing_) {
    for (std::string& m : MissingTables()) {
      size_t colon = m.find(": table '");
      out.push_back(absl::StrCat(m.substr(0, colon), ": warning", m.substr(colon), " (--allow-missing)"));
    }
  }
  return out;
}

}  // namespace dbanon

namespace dbanon {

absl::Status RunPlan::Finish() const {
  // Both rules below are about PostgreSQL's INHERITS children and
  // partitions: MySQL and SQLite have neither (a MySQL table's name carries
  // its database after USE, which is no schema of partitions).
  if (!pg_links_) return absl::OkStatus();
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
  // An INHERITS child or a partition has every column of its parent
  // (PostgreSQL docs, "Inheritance" and "Table Partitioning"), whatever its
  // name: data of a table the dump does not create and no config reaches,
  // whose columns include every column of a configured table the dump does
  // not create either (its data's column list), may be that table's rows.
  // Only a configured table with data of its own (one without is the rule
  // above's): a child has every one of its columns.
  //
  // The candidates, indexed by column: a configured table's candidates are
  // those holding its column that the fewest candidates hold, so that a
  // data-only dump of many tables is not read in configured x unconfigured
  // steps (2,000 x 20,000 took seconds).
  std::vector<std::pair<const TableName*, const std::string*>> candidates;  // in data_ order
  std::map<std::string_view, std::vector<size_t>> holding;                  // column -> candidates
  bool any = false;
  for (const auto& [name, entry] : tables_) any = any || (created_.count(name) == 0 && !entry.config->keep);
  if (any) {
    for (const auto& [data, display] : data_) {
      if (created_.count(data) > 0) continue;
      auto seen = seen_.find(Key(data));
      if (seen == seen_.end() || !seen->second.columns_known || !Reach(data).empty()) continue;
      for (const std::string& c : seen->second.columns) holding[c].push_back(candidates.size());
      candidates.emplace_back(&data, &display);
    }
  }
  static const std::vector<size_t> kNone;
  for (const auto& [name, entry] : tables_) {
    if (candidates.empty()) break;
    if (created_.count(name) > 0 || entry.config->keep) continue;
    auto own = seen_.find(name);
    if (own == seen_.end() || !own->second.data || !own->second.columns_known) continue;
    std::vector<std::string> hidden;
    for (size_t a = 0; a < entry.anonymizers.size() && a < entry.config->rules.size(); ++a) {
      if (entry.config->rules[a].anonymizer == "keep") continue;
      for (const std::string& c : entry.anonymizers[a]->columns()) hidden.push_back(c);
    }
    if (hidden.empty()) continue;
    const std::vector<std::string>& parent_columns = own->second.columns;
    const std::vector<size_t>* fewest = parent_columns.empty() ? nullptr : &kNone;
    for (size_t i = 0; i < parent_columns.size(); ++i) {
      auto h = holding.find(parent_columns[i]);
      const std::vector<size_t>& list = h == holding.end() ? kNone : h->second;
      if (i == 0 || list.size() < fewest->size()) fewest = &list;
    }
    std::vector<size_t> all_candidates;
    if (fewest == nullptr) {  // no columns: every candidate holds them all
      all_candidates.resize(candidates.size());
      for (size_t i = 0; i < candidates.size(); ++i) all_candidates[i] = i;
      fewest = &all_candidates;
    }
    for (size_t k : *fewest) {
      const TableName& data = *candidates[k].first;
      const std::string& display = *candidates[k].second;
      if (data == name) continue;
      const std::vector<std::string>& columns = seen_.find(Key(data))->second.columns;
      bool all = true;
      for (const std::string& c : parent_columns) {
        all = all && std::find(columns.begin(), columns.end(), c) != columns.end();
      }
      if (!all) continue;
      return ConfigError(
          config_.path, entry.config->position,
          absl::StrCat("table '", entry.config->key, "' (", name.Display(), ") is configured, and this dump creates "
                       "neither it nor table ", display, " (a data-only dump, pg_dump -a?), whose data has every "
                       "column of ", name.Display(), " (anonymized: ", absl::StrJoin(hidden, ", "), "), and that no "
                       "config names: if it is an INHERITS child or a partition of ", name.Display(), ", its rows "
                       "would go out in clear. Pass --schema FILE with a schema-only dump of the same database "
                       "(pg_dump -s, any format), or name ", display, " in the config (its columns, or keep = true "
                       "if it is not a child)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace dbanon
