#include "parsers/table_catalog.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "parsers/column_fit.h"
#include "parsers/pg_stats.h"
#include "parsers/sql_literals.h"

namespace dbanon {
namespace {

// True when `b` is `a` with exactly one byte replaced, inserted or removed.
bool OneEditApart(std::string_view a, std::string_view b) {
  if (a == b || a.size() > b.size() + 1 || b.size() > a.size() + 1) return false;
  const size_t n = a.size(), m = b.size();
  size_t i = 0;
  while (i < n && i < m && a[i] == b[i]) ++i;
  size_t j = 0;
  while (j < n - i && j < m - i && a[n - 1 - j] == b[m - 1 - j]) ++j;
  return n - i - j <= 1 && m - i - j <= 1;
}



// Marks the generated columns of `plan` whose expression reads a configured
// column, directly or through another generated column (issue 11, part 2):
// mariadb-dump writes their values, computed from the original data.
void MarkDerivedGeneratedColumns(const std::vector<const ColumnDef*>& ddl, RowPlan* plan) {
  std::vector<std::string> tainted;
  for (size_t i = 0; i < plan->num_columns; ++i) {
    if (plan->configured[i] && !plan->truncate) tainted.push_back(plan->column_names[i]);
  }
  if (tainted.empty()) return;
  std::vector<bool> derived(ddl.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 0; k < ddl.size(); ++k) {
      const ColumnDef* c = ddl[k];
      if (!c->generated || derived[k]) continue;
      bool reads = false;
      for (const std::string& name : c->expression_names) {
        for (const std::string& t : tainted) reads = reads || SameColumnName(name, t);
      }
      if (!reads) continue;
      derived[k] = true;
      tainted.push_back(c->name);
      changed = true;
    }
  }
  for (size_t k = 0; k < ddl.size(); ++k) {
    if (!derived[k]) continue;
    for (size_t i = 0; i < plan->num_columns; ++i) {
      if (plan->column_names[i] != ddl[k]->name || plan->configured[i]) continue;
      plan->configured[i] = true;
      plan->column_info[i].write_default = true;
    }
  }
}

}  // namespace

TableName TableCatalog::NameFor(const SqlDialect& d, const std::vector<std::string>& parts) const {
  TableName name = TableNameFor(d, parts);
  if (d.mysql() && name.schema.empty()) name.schema = database_;
  if (d.postgres() && parts.size() == 1) {
    if (!search_path_.has_value()) return TableName{"", name.table};
    std::string first;
    for (const std::string& schema : *search_path_) {
      if (schema == "$user" || schema == "pg_catalog" || schema.empty()) continue;
      if (first.empty()) first = schema;
      if (created_.count(TableName{schema, name.table}) > 0) return TableName{schema, name.table};
    }
    if (!first.empty()) name.schema = first;
  }
  return name;
}

void TableCatalog::AddCreateTable(const SqlDialect& d, std::string_view text) {
  // ParseCreateTable is pure: read first, so that the head of a table it
  // reads is not read twice (CreatedTableName reads the same name from it).
  std::optional<TableDef> def = ParseCreateTable(d, text);
  std::optional<TableName> created;
  if (def.has_value()) {
    created = NameFor(d, def->name_parts);
  } else if (auto parts = CreatedTableName(d, text)) {
    created = NameFor(d, *parts);
  }
  if (def.has_value() && !def->of_type.empty()) {
    // A typed table: its columns are the composite type's attributes, in
    // the type's order, with the options the statement adds. A type the
    // dump does not define leaves them unknown (a table without DDL).
    const TableName type_name = TableNameFor(PostgresDialect(true), def->of_type);
    auto type = types_.find(type_name);
    if (type == types_.end()) {
      def.reset();
    } else {
      std::vector<ColumnDef> columns = type->second.columns;
      for (ColumnDef& c : columns) {
        for (const ColumnDef& option : def->columns) {
          if (option.name != c.name) continue;
          c.not_null = c.not_null || option.not_null;
          c.unique_key = c.unique_key || option.unique_key;
          if (option.generated) {
            c.generated = true;
            c.expression_names = option.expression_names;
          }
        }
      }
      def->columns = std::move(columns);
      typed_tables_[type_name].insert(*created);
    }
  }
  if (created.has_value()) {
    created_.insert(*created);
    resolver_->NoteCreated(*created);
  }
  if (d.postgres()) AddAlterTable(text);
  if (!def.has_value()) {
    if (created.has_value()) resolver_->SawColumns(*created, {}, false);
    return;
  }
  const TableName name = *created;
  no_ddl_reasons_.erase(name);
  ddl_[name] = *std::move(def);
  new_tables_.push_back(name);
  ++ddl_generation_;  // a parent's columns count for its children: every plan may change
  std::vector<const ColumnDef*> ddl;
  std::vector<std::string> columns;
  if (DdlColumns(name, &ddl)) {
    for (const ColumnDef* c : ddl) {
      columns.push_back(c->name);
      if (c->generated) resolver_->NoteGenerated(name, c->name);
      if (c->invisible) resolver_->NoteInvisible(name, c->name);
      resolver_->NoteColumnType(name, c->name, c->limit.family);
    }
  }
  resolver_->SawColumns(name, columns, false);
}

void TableCatalog::AddDomain(std::string_view text) {
  if (std::optional<TableDef> type = ParseCreateCompositeType(text)) {
    types_[TableNameFor(PostgresDialect(true), type->name_parts)] = *std::move(type);
    return;
  }
  std::optional<DomainDef> def = ParseCreateDomain(text);
  if (!def.has_value()) return;
  domains_[TableNameFor(PostgresDialect(true), def->name_parts)] = *std::move(def);
  ++ddl_generation_;
}

absl::Status TableCatalog::CheckNewTables() {
  std::vector<TableName> tables = std::move(new_tables_);
  new_tables_.clear();
  for (const TableName& table : tables) {
    if (!resolver_->IsConfigured(table)) continue;
    std::vector<const ColumnDef*> ddl;
    if (!DdlColumns(table, &ddl)) continue;
    std::vector<std::string> columns;
    for (const ColumnDef* c : ddl) {
      if (!c->generated) columns.push_back(c->name);
    }
    // A configured column the DDL lacks is reported at the data, as before
    // (it may be a partial config with --allow-missing).
    if (!resolver_->Resolve(table, columns).ok()) continue;
    auto plan = PlanFor(table, columns);
    if (!plan.ok()) return plan.status();
  }
  return absl::OkStatus();
}

std::string TableCatalog::NoDdlReason(const TableName& table) const {
  auto it = no_ddl_reasons_.find(table);
  return it != no_ddl_reasons_.end() ? it->second : "the dump has no CREATE TABLE for it";
}

absl::Status TableCatalog::CheckCopyColumns(const RowPlan& plan) {
  for (size_t i = 0; i < plan.column_info.size() && i < plan.column_names.size(); ++i) {
    if (!plan.column_info[i].generated) continue;
    return WithExitClass(absl::DataLossError(absl::StrCat(
                             "COPY into configured table ", plan.table.Display(), " lists generated column ",
                             plan.column_names[i], ": PostgreSQL refuses COPY into a generated column (pg_dump "
                             "leaves them out), and its values were computed from the original data")),
                         ExitClass::kInput);
  }
  return absl::OkStatus();
}

void TableCatalog::NoteAlterTable(const SqlDialect& d, std::string_view text) {
  if (d.postgres()) {
    // ALTER TYPE t ADD|DROP|ALTER|RENAME ATTRIBUTE ... CASCADE changes the
    // columns of the tables typed OF t.
    if (std::optional<std::vector<std::string>> type = AlteredCompositeType(text)) {
      const TableName type_name = TableNameFor(PostgresDialect(true), *type);
      types_.erase(type_name);
      for (const TableName& table : typed_tables_[type_name]) {
        if (ddl_.erase(table) > 0) {
          no_ddl_reasons_[table] = "an ALTER TYPE in the dump changed the attributes of its type after its CREATE TABLE";
        }
      }
      ++ddl_generation_;
      return;
    }
  }
  // Only a table whose CREATE TABLE is held and whose rows are rewritten
  // (its own or an ancestor's config, or a partition's below it) matters:
  // the actions of other ALTER statements (pg_dump's ADD CONSTRAINT, one per
  // key) are not read.
  auto wanted = [&](const std::vector<std::string>& parts) {
    const TableName n = NameFor(d, parts);
    if (ddl_.count(n) == 0) return false;
    if (resolver_->IsConfigured(n)) return true;
    for (const TableName& part : PartitionsBelow(n)) {
      if (resolver_->IsConfigured(part)) return true;
    }
    return false;
  };
  std::optional<std::vector<std::string>> parts = AlterChangesColumns(d, text, wanted);
  if (!parts.has_value()) return;
  const TableName name = NameFor(d, *parts);
  if (ddl_.erase(name) == 0) return;
  no_ddl_reasons_[name] = "an ALTER TABLE in the dump changed its columns after its CREATE TABLE";
  ++ddl_generation_;  // its plans (and its children's) are read again
}

absl::Status TableCatalog::NoteUnreadDdl(const SqlDialect& d, std::string_view head, std::string_view limit_text) {
  const absl::string_view limit = ToAbsl(limit_text);
  std::optional<DdlHead> h = ReadDdlHead(d, head);
  if (!h.has_value()) {
    return absl::DataLossError(absl::StrCat("CREATE or ALTER statement longer than ", limit,
                                            " whose table or view name dbanon cannot read: it may change the "
                                            "columns of a table whose rows follow"));
  }
  if (h->kind == DdlHead::Kind::kOther) return absl::OkStatus();
  const TableName name = NameFor(d, h->name_parts);
  const char* what = h->kind == DdlHead::Kind::kView ? (h->create ? "CREATE VIEW" : "ALTER VIEW")
                                                      : (h->create ? "CREATE TABLE" : "ALTER TABLE");
  if (h->kind == DdlHead::Kind::kView) {
    return absl::DataLossError(absl::StrCat(what, " statement of ", name.Display(), " longer than ", limit,
                                            ": dbanon cannot read which tables the view reads (data through it "
                                            "may reach a configured table)"));
  }
  if (h->create && d.postgres()) {
    return absl::DataLossError(absl::StrCat(what, " statement of ", name.Display(), " longer than ", limit,
                                            ": dbanon cannot read its columns nor its INHERITS parents"));
  }
  if (h->create) {
    created_.insert(name);
    resolver_->NoteCreated(name);
    resolver_->SawColumns(name, {}, false);
  }
  if (d.postgres()) AddAlterTable(head);  // ATTACH PARTITION, INHERIT: at the head
  ddl_.erase(name);
  ++ddl_generation_;
  no_ddl_reasons_[name] =
      absl::StrCat("its ", what, " statement in the dump is longer than ", limit, " (dbanon does not read it)");
  return absl::OkStatus();
}

bool TableCatalog::ConfigReaches(const TableName& table) const {
  std::vector<TableName> todo = {table};
  std::set<TableName> seen = {table};
  while (!todo.empty()) {
    const TableName t = todo.back();
    todo.pop_back();
    if (resolver_->IsConfigured(t)) return true;
    for (const auto* links : {&partitions_, &children_}) {
      auto it = links->find(t);
      if (it == links->end()) continue;
      for (const TableName& c : it->second) {
        if (seen.insert(c).second) todo.push_back(c);
      }
    }
  }
  return false;
}

absl::Status TableCatalog::CheckDataMoves(const SqlDialect& d, std::string_view statement) {
  if (d.postgres() && !with_data_.empty()) {
    // ALTER TABLE p ATTACH PARTITION c / ALTER TABLE c INHERIT p after rows
    // of c: they become rows of p, which they were not rewritten as (pg_dump
    // writes both before the data).
    for (const ParentLink& l : PgParentLinks(statement)) {
      if (with_data_.count(l.child) == 0 || !ConfigReaches(l.parent)) continue;
      return WithExitClass(
          absl::DataLossError(absl::StrCat(
              l.partition ? "ATTACH PARTITION of table " : "INHERIT of table ", l.child.Display(), " to table ",
              l.parent.Display(), ", which the config reaches, after rows of ", l.child.Display(),
              ": those rows passed through as its own and are rows of ", l.parent.Display(),
              " from here on (pg_dump links tables before their data; remove the statement or move it before the "
              "rows)")),
          ExitClass::kInput);
    }
  }
  for (const DataMove& m : DataMoves(d, statement)) {
    auto refuse = [](std::string what) {
      return WithExitClass(
          absl::DataLossError(absl::StrCat(
              what, ": the rows it moves pass through unrewritten under one name and are rows of a configured "
                    "table or column under the other (dbanon refuses renames and moves that touch what the config "
                    "reaches; remove the statement from the dump)")),
          ExitClass::kInput);
    };
    // A table name and whether the config reaches it (an unqualified name
    // after a search_path dbanon cannot read is refused by CheckSearchPath).
    auto reaches = [&](const TableName& t) -> absl::StatusOr<bool> {
      if (absl::Status p = CheckSearchPath(t); !p.ok()) return p;
      if (std::optional<TableName> under = ConfiguredUnder(t)) return true;
      return ConfigReaches(t);
    };
    switch (m.kind) {
      case DataMove::Kind::kTable: {
        if (m.from.empty()) return refuse("ALTER or RENAME TABLE statement whose table names dbanon cannot read");
        const TableName from = NameFor(d, m.from);
        if (m.to.empty()) return refuse(absl::StrCat("rename of table ", from.Display(), " to a name dbanon cannot read"));
        const TableName to = m.same_schema ? TableName{from.schema, m.to.back()} : NameFor(d, m.to);
        for (const TableName* t : {&from, &to}) {
          absl::StatusOr<bool> r = reaches(*t);
          if (!r.ok()) return r.status();
          if (*r) {
            return refuse(absl::StrCat(from.schema == to.schema || !d.postgres() ? "rename" : "move", " of table ",
                                       from.Display(), " to ", to.Display(), " (", t->Display(),
                                       " is configured)"));
          }
        }
        break;
      }
      case DataMove::Kind::kColumn: {
        const TableName table = NameFor(d, m.to);
        absl::StatusOr<bool> r = reaches(table);
        if (!r.ok()) return r.status();
        if (!*r) break;
        if (m.from_column.empty()) {
          return refuse(absl::StrCat("rename of a column of configured table ", table.Display(),
                                     " that dbanon cannot read"));
        }
        // The table, or a partition or child below it, configures either name.
        std::vector<TableName> tables = {table};
        for (size_t i = 0; i < tables.size() && i < 4096; ++i) {
          for (const auto* links : {&partitions_, &children_}) {
            auto it = links->find(tables[i]);
            if (it == links->end()) continue;
            for (const TableName& c : it->second) {
              if (std::find(tables.begin(), tables.end(), c) == tables.end()) tables.push_back(c);
            }
          }
        }
        for (const TableName& t : tables) {
          for (const std::string* c : {&m.from_column, &m.to_column}) {
            if (!ColumnConfigured(t, *c)) continue;
            return refuse(absl::StrCat("rename of column ", m.from_column, " of table ", table.Display(), " to ",
                                       m.to_column, " (", t.Display(), ".", *c, " is configured)"));
          }
        }
        break;
      }
      case DataMove::Kind::kExchange: {
        const TableName table = NameFor(d, m.to);
        if (m.from.empty()) {
          return refuse(absl::StrCat("EXCHANGE PARTITION of table ", table.Display(),
                                     " with a table dbanon cannot read"));
        }
        const TableName other = NameFor(d, m.from);
        for (const TableName* t : {&table, &other}) {
          absl::StatusOr<bool> r = reaches(*t);
          if (!r.ok()) return r.status();
          if (*r) {
            return refuse(absl::StrCat("EXCHANGE PARTITION of table ", table.Display(), " with table ",
                                       other.Display(), " (", t->Display(), " is configured)"));
          }
        }
        break;
      }
      case DataMove::Kind::kQuery: {
        if (m.to.empty()) return refuse("SELECT ... INTO a table whose name dbanon cannot read");
        const TableName table = NameFor(d, m.to);
        absl::StatusOr<bool> r = reaches(table);
        if (!r.ok()) return r.status();
        if (*r) {
          return refuse(absl::StrCat("configured table ", table.Display(),
                                     " is filled by a query (CREATE TABLE ... AS or SELECT, SELECT ... INTO), "
                                     "whose rows dbanon does not rewrite"));
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

void TableCatalog::AddAlterTable(std::string_view text) {
  std::vector<ParentLink> links = PgParentLinks(text);
  if (links.empty()) return;
  for (const ParentLink& l : links) {
    resolver_->NoteParent(l.child, l.parent);
    if (l.partition) {
      partitions_[l.parent].insert(l.child);
    } else {
      inheritors_.insert(l.child);
      children_[l.parent].insert(l.child);
    }
  }
  ++ddl_generation_;  // a parent's config now reaches the child: plans may change
}

bool TableCatalog::DdlColumns(const TableName& table, std::vector<const ColumnDef*>* out, int depth) const {
  auto it = ddl_.find(table);
  if (it == ddl_.end() || depth > 16) return false;
  // PostgreSQL: a child's inherited columns come first, parent by parent,
  // then its own; pg_dump's CREATE TABLE lists only the child's own columns.
  for (const std::vector<std::string>& parent : it->second.inherits) {
    if (!DdlColumns(TableNameFor(PostgresDialect(true), parent), out, depth + 1)) return false;
  }
  for (const ColumnDef& c : it->second.columns) {
    bool seen = false;
    for (const ColumnDef* o : *out) seen = seen || o->name == c.name;
    if (!seen) out->push_back(&c);
  }
  return true;
}

std::vector<TableName> TableCatalog::PartitionsBelow(const TableName& table) const {
  std::vector<TableName> queue{table};
  std::set<TableName> seen{table};
  for (size_t i = 0; i < queue.size(); ++i) {
    auto children = partitions_.find(queue[i]);
    if (children == partitions_.end()) continue;
    for (const TableName& child : children->second) {
      if (seen.insert(child).second) queue.push_back(child);
    }
  }
  queue.erase(queue.begin());
  return queue;
}

absl::Status TableCatalog::CheckPgValuesOrder(const TableName& table, const std::vector<std::string>& columns,
                                               const RowPlan& plan) const {
  std::vector<std::string> configured;
  for (size_t i = 0; i < plan.num_columns && i < plan.configured.size(); ++i) {
    if (plan.configured[i]) configured.push_back(plan.column_names[i]);
  }
  if (configured.empty()) return absl::OkStatus();
  auto refuse = [&](std::string why) {
    return WithExitClass(
        absl::FailedPreconditionError(absl::StrCat(
            "table ", table.Display(), " (configured column", configured.size() > 1 ? "s " : " ",
            absl::StrJoin(configured, ", "), "): its INSERT statement has no column list and ", why,
            ", so dbanon cannot tell which value is which column; dump it with pg_dump --column-inserts, or with "
            "COPY (pg_dump's default)")),
        ExitClass::kInput);
  };
  // pg_dump --inserts writes a row's values in the physical column order of
  // the table it reads (pg_dump.c dumpTableData_insert; PostgreSQL docs,
  // pg_dump, --inserts: "the dump might fail if the column order has
  // changed"). A child's CREATE TABLE lists only its own columns: a column
  // added to a parent after the child was created sits after them.
  auto def = ddl_.find(table);
  if (inheritors_.count(table) > 0 || (def != ddl_.end() && !def->second.inherits.empty())) {
    return refuse("it inherits from another table (INHERITS): the dump does not say the order of its columns");
  }
  // --load-via-partition-root writes each partition's rows, in the
  // partition's own column order, as INSERTs into the root (pg_dump.c
  // dumpTableData_insert, getRootTableInfo).
  for (const TableName& part : PartitionsBelow(table)) {
    std::vector<const ColumnDef*> ddl;
    std::vector<std::string> names;
    const bool known = DdlColumns(part, &ddl);
    for (const ColumnDef* c : ddl) names.push_back(c->name);
    if (!known || names != columns) {
      return refuse(absl::StrCat("its partition ", part.Display(),
                                 known ? " has other columns or another column order"
                                       : " has no column list in the dump",
                                 " (pg_dump --load-via-partition-root writes a partition's values, in the "
                                 "partition's order, into the root)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const RowPlan*> TableCatalog::PlanFor(const TableName& table,
                                                     const std::vector<std::string>& columns,
                                                     const std::vector<int>& versions) {
  std::vector<Cached>& cached = plans_[table];
  for (const Cached& c : cached) {
    if (c.columns == columns && c.versions == versions && c.ddl_generation == ddl_generation_) return c.plan.get();
  }
  auto resolved = resolver_->Resolve(table, columns);
  if (!resolved.ok()) return resolved.status();
  if (*resolved == nullptr) return static_cast<const RowPlan*>(nullptr);
  auto plan = std::make_unique<RowPlan>(**resolved);
  plan->column_info.assign(columns.size(), RowPlan::ColumnInfo{});
  for (RowPlan::ColumnInfo& info : plan->column_info) info.limit.encoding = encoding_;
  for (size_t i = 0; i < versions.size() && i < columns.size(); ++i) {
    plan->column_info[i].version = versions[i];
    if (versions[i] != 0 && i < plan->configured.size() && plan->configured[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column ", columns[i], " of table ", table.Display(),
          " is declared inside a MySQL versioned comment (/*!NNNNN ... */): servers disagree whether it exists "
          "(MariaDB skips /*!50700 and later, MySQL runs them), so dbanon does not rewrite it; remove the comment "
          "around it, or its configuration"));
    }
  }
  std::vector<const ColumnDef*> ddl;
  if (DdlColumns(table, &ddl)) {
    for (size_t i = 0; i < columns.size(); ++i) {
      for (const ColumnDef* c : ddl) {
        if (c->name != columns[i]) continue;
        plan->column_info[i].numeric = c->numeric;
        plan->column_info[i].generated = c->generated;
        plan->column_info[i].enum_labels = c->enum_labels;
        plan->column_info[i].limit = c->limit;
        plan->column_info[i].not_null = c->not_null;
        plan->column_info[i].unique_key = c->unique_key;
        if (!c->type_parts.empty()) {
          // A column typed by a domain: the domain's limit and NOT NULL.
          auto domain = domains_.find(TableNameFor(PostgresDialect(true), c->type_parts));
          if (domain != domains_.end()) {
            plan->column_info[i].limit = domain->second.limit;
            plan->column_info[i].limit.name = c->name;
            plan->column_info[i].numeric = plan->column_info[i].numeric || domain->second.numeric;
            plan->column_info[i].not_null = plan->column_info[i].not_null || domain->second.not_null;
          }
        }
        plan->column_info[i].limit.encoding = encoding_;
      }
    }
    MarkDerivedGeneratedColumns(ddl, plan.get());
    // An ENUM column only takes its labels (case P11): try the anonymizer
    // on the labels now rather than fail on the first row.
    Scratch scratch;
    for (const RowPlan::Step& step : plan->steps) {
      if (step.columns.size() != 1) continue;
      const std::vector<std::string>& labels = plan->column_info[step.columns[0]].enum_labels;
      for (const std::string& label : labels) {
        Cell in{label, false};
        Cell out;
        step.anonymizer->Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
        if (!out.is_null && std::find(labels.begin(), labels.end(), out.value) == labels.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column ", columns[step.columns[0]], " of table ", table.Display(),
              " is an ENUM but its anonymizer writes values that are not among its labels (use 'string' with a "
              "sample of labels, 'constant' with a label, 'keep' or 'null')"));
        }
      }
    }
  }
  auto def = ddl_.find(table);
  const bool enforced = def == ddl_.end() || def->second.types_enforced;
  if (absl::Status fits = CheckColumnFit(*plan, enforced); !fits.ok()) return fits;
  cached.push_back(Cached{columns, versions, ddl_generation_, std::move(plan)});
  return cached.back().plan.get();
}

bool TableCatalog::ColumnConfigured(const TableName& table, const std::string& column) {
  if (!resolver_->IsConfigured(table)) return false;
  std::vector<const ColumnDef*> ddl;
  if (!DdlColumns(table, &ddl)) return true;
  std::vector<std::string> names;
  names.reserve(ddl.size());
  for (const ColumnDef* c : ddl) names.push_back(c->name);
  absl::StatusOr<const RowPlan*> plan = PlanFor(table, names);
  if (!plan.ok()) return true;
  if (*plan == nullptr) return false;
  if ((*plan)->truncate) return true;
  for (size_t i = 0; i < names.size() && i < (*plan)->configured.size(); ++i) {
    if (names[i] == column) return (*plan)->configured[i];
  }
  return true;
}

void TableCatalog::AddCreateView(const SqlDialect& d, std::string_view text) {
  std::optional<ViewDef> def = ParseCreateView(d, text);
  if (!def.has_value()) return;
  const TableName view = NameFor(d, def->name_parts);
  view_names_.insert(view);
  // Any name in the definition that is a configured table (or such a view).
  for (const std::vector<std::string>& name : def->names) {
    const TableName table = NameFor(d, name);
    if (resolver_->IsConfigured(table)) {
      views_[view] = table;
      return;
    }
    if (auto it = views_.find(table); it != views_.end()) {
      views_[view] = it->second;
      return;
    }
  }
}

absl::Status TableCatalog::CheckViewTarget(const TableName& table, std::string_view what) const {
  if (view_names_.count(table) == 0 || resolver_->IsConfigured(table)) return absl::OkStatus();
  std::string under;
  if (auto it = views_.find(table); it != views_.end()) {
    under = absl::StrCat(", which reads configured table ", it->second.Display());
  }
  return absl::DataLossError(absl::StrCat(
      ToAbsl(what), " into view ", table.Display(), under,
      ": the rows of a view reach tables dbanon cannot see (its base table, an INSTEAD OF trigger's or a rule's "
      "targets) unrewritten; write into the table, or configure the view itself"));
}

std::optional<TableName> TableCatalog::ConfiguredUnder(const TableName& view) const {
  auto it = views_.find(view);
  if (it == views_.end()) return std::nullopt;
  return it->second;
}

absl::Status TableCatalog::AddFts(const FtsTable& fts) {
  resolver_->NoteCreated(fts.name);
  resolver_->SawColumns(fts.name, fts.columns, false);
  created_.insert(fts.name);
  const bool configured = resolver_->IsConfigured(fts.name);
  const char* module = fts.version == 5 ? "FTS5" : fts.version == 4 ? "FTS4" : "FTS3";
  if (configured && fts.content == FtsTable::Content::kExternal) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table ", fts.name.Display(), " is an external-content ", module, " table: configure its content table ",
        TableNameFor(SqliteDialect(), fts.content_table).Display(), " instead (its index is then rebuilt)"));
  }
  if (configured && fts.content == FtsTable::Content::kNone && fts.version != 5) {
    return absl::InvalidArgumentError(absl::StrCat("table ", fts.name.Display(), " is a contentless ", module,
                                                   " table: its index holds the only copy of its text, which dbanon "
                                                   "can neither rewrite nor drop"));
  }
  const bool rebuild = fts.content == FtsTable::Content::kExternal
                           ? resolver_->IsConfigured(TableNameFor(SqliteDialect(), fts.content_table))
                           : configured;
  if (!rebuild) return absl::OkStatus();
  auto shadow = [&](const char* suffix, const char* role) {
    TableName t = fts.name;
    t.table += suffix;
    fts_shadows_[t] = FtsShadow{fts, role};
  };
  if (fts.content == FtsTable::Content::kOwn) shadow("_content", "content");
  if (fts.version == 5) {
    shadow("_data", "data");
    shadow("_idx", "drop");
  } else {
    shadow("_segments", "drop");
    shadow("_segdir", "drop");
  }
  std::string name = "\"";
  for (char c : fts.name.table) name += c == '"' ? std::string("\"\"") : std::string(1, c);
  name += "\"";
  absl::StrAppend(&fts_rebuild_, "INSERT INTO ", name, "(", name, ") VALUES('",
                  fts.content == FtsTable::Content::kNone ? "delete-all" : "rebuild", "');\n");
  ++ddl_generation_;
  return absl::OkStatus();
}

absl::StatusOr<InsertTarget> TableCatalog::ResolveFtsShadow(const FtsShadow& shadow, InsertTarget target) {
  if (shadow.role == "drop") {
    target.drop = true;
    return target;
  }
  if (shadow.role == "data") {
    target.fts_data = true;
    return target;
  }
  // `_content`: (id|docid, c0, c1, ...), cN the FTS table's N-th column.
  std::vector<const ColumnDef*> ddl;
  if (DdlColumns(target.table, &ddl) && ddl.size() != shadow.fts.columns.size() + 1) {
    return absl::DataLossError(absl::StrCat("table ", target.table.Display(), " has ", ddl.size(),
                                            " columns, but FTS table ", shadow.fts.name.Display(), " has ",
                                            shadow.fts.columns.size(), ": dbanon cannot map them"));
  }
  std::vector<std::string> columns = {"rowid"};
  columns.insert(columns.end(), shadow.fts.columns.begin(), shadow.fts.columns.end());
  resolver_->SawTable(shadow.fts.name);
  auto plan = PlanFor(shadow.fts.name, columns);
  if (!plan.ok()) return plan.status();
  target.plan = *plan;
  if (*plan != nullptr && (*plan)->truncate) {
    target.plan = nullptr;
    target.drop = true;
  }
  return target;
}

absl::Status TableCatalog::CheckDataTarget(const TableName& table) {
  if (created_.empty() || created_.count(table) > 0) return absl::OkStatus();
  auto [it, added] = checked_.emplace(table, absl::OkStatus());
  if (!added) return it->second;
  for (const TableName& c : created_) {
    // A name that differs only in ASCII case is near too: a MySQL server
    // with lower_case_table_names=1 (Windows, macOS) loads `USERS` into
    // users. (SQLite names come folded from TableNameFor.)
    const std::string lower_c = absl::AsciiStrToLower(c.table), lower_t = absl::AsciiStrToLower(table.table);
    const bool near = lower_c == lower_t || (absl::AsciiStrToLower(c.schema) == absl::AsciiStrToLower(table.schema) && OneEditApart(lower_c, lower_t));
    if (near && resolver_->IsConfigured(c)) {
      it->second = absl::DataLossError(absl::StrCat(
          "the dump has data for table ", table.Display(), ", which it does not create, but creates configured table ",
          c.Display(), " whose name differs by one letter, letter case or schema: a damaged table name?"));
      break;
    }
  }
  return it->second;
}

absl::Status TableCatalog::CheckPartitionRows(const TableName& table, const std::vector<std::string>& columns,
                                              const RowPlan* plan) {
  with_data_.insert(table);
  if (partitions_.find(table) == partitions_.end()) return absl::OkStatus();
  for (const TableName& part : PartitionsBelow(table)) {
    if (!resolver_->IsConfigured(part)) continue;
    auto part_plan = resolver_->Resolve(part, columns);
    std::string what;
    if (!part_plan.ok()) {
      what = "a column the root's rows do not have";
    } else if (*part_plan == nullptr) {
      continue;
    } else if ((*part_plan)->truncate) {
      if (plan == nullptr || !plan->truncate) what = "truncate = true";
    } else if (plan == nullptr || !plan->truncate) {
      std::vector<std::string> extra;
      for (size_t c = 0; c < (*part_plan)->configured.size() && c < columns.size(); ++c) {
        const bool root_has = plan != nullptr && c < plan->configured.size() && plan->configured[c];
        if ((*part_plan)->configured[c] && !root_has) extra.push_back(columns[c]);
      }
      if (!extra.empty()) what = absl::StrCat("column ", absl::StrJoin(extra, ", "));
    }
    if (what.empty()) continue;
    return WithExitClass(
        absl::FailedPreconditionError(absl::StrCat(
            "rows of partitioned table ", table.Display(), " may be rows of its partition ", part.Display(),
            " (pg_dump --load-via-partition-root), whose config rewrites ", what, " where the config of ",
            table.Display(), " does not: configure ", table.Display(),
            " itself (its config reaches every partition), or dump without --load-via-partition-root")),
        ExitClass::kInput);
  }
  return absl::OkStatus();
}

absl::Status TableCatalog::CheckSearchPath(const TableName& table) const {
  if (!table.schema.empty() || search_path_.has_value()) return absl::OkStatus();
  bool configured = resolver_->IsConfigured(TableName{"public", table.table});
  for (const TableName& c : created_) configured = configured || (c.table == table.table && resolver_->IsConfigured(c));
  if (!configured) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("data for table ", table.table,
                                          " without a schema, after a search_path dbanon cannot read, while a "
                                          "table of that name is configured: qualify the name or set search_path "
                                          "to a list of names"));
}

const TableCatalog::DdlLists& TableCatalog::ListsFor(const TableName& table) {
  if (lists_.ddl_generation == ddl_generation_ && lists_.table == table) return lists_;
  DdlLists& l = lists_;
  l.table = table;
  l.ddl_generation = ddl_generation_;
  l.unsure_invisible = nullptr;
  l.all.clear();
  l.visible.clear();
  l.plain.clear();
  l.all_versions.clear();
  l.visible_versions.clear();
  l.plain_versions.clear();
  std::vector<const ColumnDef*> ddl;
  l.have_ddl = DdlColumns(table, &ddl);
  for (const ColumnDef* c : ddl) {
    l.all.push_back(c->name);
    l.all_versions.push_back(c->version);
    if (c->invisible_version != 0 && l.unsure_invisible == nullptr) l.unsure_invisible = c;
    if (c->invisible) continue;
    l.visible.push_back(c->name);
    l.visible_versions.push_back(c->version);
    if (!c->generated) {
      l.plain.push_back(c->name);
      l.plain_versions.push_back(c->version);
    }
  }
  return l;
}

absl::StatusOr<InsertTarget> TableCatalog::Resolve(const SqlDialect& d, const InsertHead& head) {
  InsertTarget target;
  target.table = NameFor(d, head.name_parts);
  if (d.postgres()) with_data_.insert(target.table);
  if (d.postgres()) {
    if (absl::Status s = CheckSearchPath(target.table); !s.ok()) return s;
  }
  resolver_->SawTable(target.table);
  // MySQL and SQLite column names are case-insensitive (MariaDB docs,
  // "Identifier Case-sensitivity"; SQLite docs, "SQL Keywords"): `(EMAIL)`
  // names the CREATE TABLE's `email`, and is read under that spelling, so
  // that its facts (generated, type, limit) and the config find it. A table
  // cannot have two columns that differ only in case there.
  // (No copy of the column list for PostgreSQL: pg_dump --inserts resolves
  // one INSERT per row.)
  std::vector<std::string> folded;
  const std::vector<std::string>* head_columns_p = &head.columns;
  if (!d.postgres() && head.has_column_list) {
    std::vector<const ColumnDef*> defs;
    if (DdlColumns(target.table, &defs)) {
      folded = head.columns;
      for (std::string& column : folded) {
        for (const ColumnDef* c : defs) {
          if (SameColumnName(column, c->name)) {
            column = c->name;
            break;
          }
        }
      }
      head_columns_p = &folded;
    }
  }
  const std::vector<std::string>& head_columns = *head_columns_p;
  {
    std::vector<std::string> ddl_columns;
    if (!head.has_column_list) {
      ddl_columns = head_columns;
      std::vector<const ColumnDef*> defs;
      if (DdlColumns(target.table, &defs)) {
        for (const ColumnDef* c : defs) ddl_columns.push_back(c->name);
      }
    }
    resolver_->SawColumns(target.table, head.has_column_list ? head_columns : ddl_columns, true);
    absl::Status covered = resolver_->CheckCoverage();
    if (!covered.ok()) return covered;
  }
  if (auto shadow = fts_shadows_.find(target.table); shadow != fts_shadows_.end()) {
    return ResolveFtsShadow(shadow->second, std::move(target));
  }
  if (!resolver_->IsConfigured(target.table)) {
    if (absl::Status v = CheckViewTarget(target.table, "INSERT"); !v.ok()) return v;
    absl::Status s = CheckDataTarget(target.table);
    if (!s.ok()) return s;
    if (d.postgres() && partitions_.find(target.table) != partitions_.end()) {  // CheckPartitionRows has work
      std::vector<std::string> columns = head_columns;
      if (!head.has_column_list) {
        std::vector<const ColumnDef*> defs;
        if (DdlColumns(target.table, &defs)) {
          for (const ColumnDef* c : defs) columns.push_back(c->name);
        }
      }
      if (absl::Status p = CheckPartitionRows(target.table, columns, nullptr); !p.ok()) return p;
    }
    return target;
  }
  const DdlLists& lists = ListsFor(target.table);
  const bool have_ddl = lists.have_ddl;
  const std::vector<std::string>&all = lists.all, &visible = lists.visible, &plain = lists.plain;
  const std::vector<int>&all_versions = lists.all_versions, &visible_versions = lists.visible_versions,
                        &plain_versions = lists.plain_versions;
  const ColumnDef* unsure_invisible = lists.unsure_invisible;
  if (!head.has_column_list && unsure_invisible != nullptr) {
    return WithExitClass(
        absl::FailedPreconditionError(absl::StrCat(
            "table ", target.table.Display(), " is configured but its INSERT statement has no column list, and its "
            "CREATE TABLE declares column ", unsure_invisible->name, " INVISIBLE inside a MySQL versioned comment: "
            "servers disagree whether the values include it (MariaDB skips /*!80023 INVISIBLE */, MySQL 8 runs it); "
            "dump it with column names (mysqldump --complete-insert)")),
        ExitClass::kInput);
  }
  if (!head.has_column_list && !have_ddl) {
    auto p = resolver_->Resolve(target.table, {});
    if (p.ok() && *p != nullptr && ((*p)->truncate || (*p)->steps.empty())) {
      target.drop = (*p)->truncate;
      return target;
    }
    return WithExitClass(absl::FailedPreconditionError(absl::StrCat(
        "table ", target.table.Display(),
        " is configured but its INSERT statement has no column list and ", NoDdlReason(target.table),
        "; dump it with column names (mysqldump --complete-insert, pg_dump --column-inserts) or with its schema")),
                         ExitClass::kInput);
  }
  if (have_ddl) {
    // Configuring a generated column would do nothing: the server computes it.
    auto full = PlanFor(target.table, all, all_versions);
    if (full.ok() && *full != nullptr) {
      const RowPlan& f = **full;
      if (f.truncate) {
        target.drop = true;
        return target;
      }
      for (size_t i = 0; i < f.num_columns; ++i) {
        if (f.configured[i] && f.column_info[i].generated && !f.column_info[i].write_default) {
          return absl::InvalidArgumentError(absl::StrCat("column ", f.column_names[i], " of table ",
                                                         target.table.Display(),
                                                         " is a generated column: configure the columns it is "
                                                         "computed from instead"));
        }
      }
    }
  }
  // sqlite3 .dump leaves generated columns out.
  const std::vector<std::string>& columns = head.has_column_list ? head_columns : d.sqlite() ? plain : visible;
  const std::vector<int>& versions =
      head.has_column_list ? head.column_versions : d.sqlite() ? plain_versions : visible_versions;
  auto plan = PlanFor(target.table, columns, versions);
  if (!plan.ok()) return plan.status();
  if (*plan == nullptr) return target;
  if ((*plan)->truncate) {
    target.drop = true;
    return target;
  }
  if ((!d.postgres() || pg_generated_values_possible_) && !have_ddl) {
    // A MySQL or SQLite table without its CREATE TABLE (mysqldump
    // --no-create-info): dbanon cannot see which columns are generated, and
    // mariadb-dump writes the values of generated columns (docs/formats.md
    // C.3), computed from the original data: UPPER(email) would go out in
    // clear. Every column of the rows must be named in the config.
    // A dump from pg_dump needs no such rule: pg_dump never writes the values
    // of generated columns, in COPY column lists or INSERTs (pg_dump.c
    // fmtCopyColumnList and dumpTableData_insert skip attgenerated columns),
    // so a data-only pg_dump (-a, with or without --schema) holds none. Input
    // read as PostgreSQL without any sign of pg_dump (bare INSERTs, such as
    // sqlite3 `.mode insert` writes) gets the rule.
    std::vector<std::string> unnamed;
    for (size_t i = 0; i < (*plan)->num_columns && i < (*plan)->configured.size(); ++i) {
      const std::string& column = (*plan)->column_names[i];
      const std::optional<bool> named = resolver_->ConfigNames(target.table, column);
      if (!named.value_or((*plan)->configured[i])) unnamed.push_back(column);
    }
    if (!unnamed.empty()) {
      return WithExitClass(
          absl::FailedPreconditionError(absl::StrCat(
              "table ", target.table.Display(), " is configured but ", NoDdlReason(target.table),
              d.postgres() ? " (nor any sign of pg_dump: its banner, a COPY or a SET line)" : "", ", and the "
              "config names neither an anonymizer nor \"keep\" for column", unnamed.size() > 1 ? "s " : " ",
              absl::StrJoin(unnamed, ", "), ": dbanon cannot see their definitions, and a generated column "
              "computed from a configured one would keep its original value; dump the table with its CREATE TABLE "
              "(without --no-create-info), or name every column in the config, giving a generated column computed "
              "from personal data an anonymizer of its own, not \"keep\" (the server computes it again on restore)")),
          ExitClass::kInput);
    }
  }
  if (d.postgres() && !head.has_column_list) {
    if (absl::Status order = CheckPgValuesOrder(target.table, columns, **plan); !order.ok()) return order;
  }
  if (d.postgres()) {
    if (absl::Status p = CheckPartitionRows(target.table, columns, *plan); !p.ok()) return p;
  }
  target.plan = *plan;
  if (!head.has_column_list && !d.sqlite() && plain.size() != visible.size()) {
    auto alt = PlanFor(target.table, plain, plain_versions);
    if (alt.ok()) target.alt_plan = *alt;
    // MariaDB dumps the values of generated columns (docs/formats.md C.3);
    // those computed from configured columns are written DEFAULT (PlanFor).
  }
  return target;
}

}  // namespace dbanon
