// pg_dump 18 statistics: `pg_restore_attribute_stats(...)` calls whose
// arguments hold values of the column they describe.
//
// pg_dump 18 (--with-statistics, --statistics-only) writes, per relation, one
// `SELECT * FROM pg_catalog.pg_restore_relation_stats(...)` call (page and
// tuple counts: no column values) and one
// `SELECT * FROM pg_catalog.pg_restore_attribute_stats(...)` call per column
// with statistics, in plain dumps as statements and in archives as the SQL
// of a "STATISTICS DATA" TOC entry (its defn; pg_dump.c dumpRelationStats,
// dumpRelationStats_dumper, appendNamedArgument). The call's arguments are
// (name, value) pairs, `'name', 'value'::type`, separated by ",\n\t":
// version, schemaname, relname, then attname (a table's column) or attnum
// (a column of an index: an expression index), inherited, null_frac,
// avg_width, n_distinct, most_common_vals, most_common_freqs,
// histogram_bounds, correlation, most_common_elems, most_common_elem_freqs,
// elem_count_histogram, range_length_histogram, range_empty_frac,
// range_bounds_histogram; the call ends with "\n);".
//
// most_common_vals, histogram_bounds, most_common_elems and
// range_bounds_histogram hold the column's own values; the other arrays
// only make sense with them (PostgreSQL docs, "Statistics Manipulation
// Functions"; src/backend/statistics/attribute_stats.c restores each slot
// from its arguments together and skips a slot, with a warning, whose
// companion is missing). For a configured column dbanon keeps only the
// arguments that hold no value (kKeptStatsArguments) and drops every other,
// so the call still restores the scalar statistics.
//
// Thread-safety: pure functions; PgIndexTables is used by one thread.
#ifndef DBANON_PARSERS_PG_STATS_H_
#define DBANON_PARSERS_PG_STATS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/framer.h"
#include "parsers/table_catalog.h"
#include "parsers/pg_identifier.h"

namespace dbanon {

// Whether a statement whose first bytes are `text` is a
// pg_restore_attribute_stats call: `SELECT [* FROM] [pg_catalog.]
// pg_restore_attribute_stats(` (any case, any spaces and comments between
// the words). kMaybe when `text` ends before that could be told.
enum class StatsCallStart { kNo, kMaybe, kYes };
StatsCallStart AttributeStatsCallStart(std::string_view text);

// One pg_restore_attribute_stats call.
struct AttributeStatsCall {
  // schemaname and relname; `relation_known` false when either is missing or
  // not a plain string literal.
  TableName relation;
  bool relation_known = false;
  std::string attname;  // empty when the call names the column by attnum
  struct Argument {
    std::string name;
    size_t begin = 0, end = 0;  // the span `'name', value` in the statement
    bool kept = false;          // holds no column value (kKeptStatsArguments)
  };
  std::vector<Argument> arguments;
  // True when some argument would be dropped by WithoutValues.
  bool HasValues() const;
  // The statement without the value-bearing arguments (and their
  // companions): every byte outside the dropped arguments is kept, each kept
  // argument with the separator that preceded it in the input.
  std::string WithoutValues(std::string_view statement) const;
};

// True when `text` contains the word pg_restore_attribute_stats (any case).
bool NamesAttributeStats(std::string_view text);

// The arguments kept for a configured column.
extern const char* const kKeptStatsArguments[10];

// Parses a whole statement (from SELECT to its ';') that
// AttributeStatsCallStart says is a call. `standard_strings`: the
// standard_conforming_strings setting in force. Errors: DataLoss (no
// position) when the text does not have the shape of a call: an argument
// name that is not a string literal, an unbalanced parenthesis, text after
// the call.
absl::StatusOr<AttributeStatsCall> ParseAttributeStatsCall(std::string_view statement, bool standard_strings);

// The indexes that the dump's CREATE INDEX statements (plain text, or the
// defn of an INDEX TOC entry) create, with their table: a statistics call
// on an index (by attnum) describes an expression over that table's columns.
class PgIndexTables {
 public:
  // `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY]
  // table ...` (PostgreSQL docs, "CREATE INDEX"; pg_dump writes the index
  // name unqualified: it lives in its table's schema). Other text is
  // ignored.
  void Add(std::string_view statement);
  // The table of index `index`, if a CREATE INDEX named it.
  std::optional<TableName> TableOf(const TableName& index) const;

 private:
  std::map<TableName, TableName> tables_;
};

// Whether the value arguments of `call` must go: the call describes a
// configured column of a configured table (or one of its partitions), a
// column dbanon cannot tell apart from one (a configured table whose
// columns are unknown, an attnum of the table), an index of a configured
// table, or a relation the dump does not create as a table or index of an
// unconfigured table (a materialized view, a data-only dump).
bool StatsValuesMustGo(const AttributeStatsCall& call, TableResolver& resolver, TableCatalog& tables,
                       const PgIndexTables& indexes);

// Rewrites the SQL of a "STATISTICS DATA" TOC entry (a sequence of
// statements): each attribute call for which `must_go` is true loses its
// value arguments; everything else is copied. nullopt when nothing changes.
// Errors: DataLoss (no position) for a statement that names
// pg_restore_attribute_stats in a shape dbanon does not read.
template <typename MustGo>
absl::StatusOr<std::optional<std::string>> RewriteStatisticsSql(std::string_view sql, bool standard_strings,
                                                                 MustGo must_go);

// The statements of `sql`, split after each top-level ';' (string literals,
// quoted names, comments and dollar quotes understood); the last piece may
// lack a ';'. Views into `sql`.
std::vector<std::string_view> SplitPgStatements(std::string_view sql, bool standard_strings);

// A RowRewriter for a span holding one whole pg_restore_attribute_stats
// statement: writes it WithoutValues. The plain framer hands such spans as
// kRows segments (the plan is unused).
const RowRewriter* StatsCallRewriter(bool standard_strings);

template <typename MustGo>
absl::StatusOr<std::optional<std::string>> RewriteStatisticsSql(std::string_view sql, bool standard_strings,
                                                                 MustGo must_go) {
  std::string out;
  bool changed = false;
  for (std::string_view statement : SplitPgStatements(sql, standard_strings)) {
    size_t start = statement.find_first_not_of(" \t\r\n");
    std::string_view body = start == std::string_view::npos ? std::string_view() : statement.substr(start);
    if (AttributeStatsCallStart(body) == StatsCallStart::kYes) {
      size_t end = body.rfind(';');
      std::string_view call_text = end == std::string_view::npos ? body : body.substr(0, end + 1);
      absl::StatusOr<AttributeStatsCall> call = ParseAttributeStatsCall(call_text, standard_strings);
      if (!call.ok()) return call.status();
      if (call->HasValues() && must_go(*call)) {
        out.append(statement.substr(0, start));
        out.append(call->WithoutValues(call_text));
        out.append(body.substr(call_text.size()));
        changed = true;
        continue;
      }
    } else if (NamesAttributeStats(statement)) {
      return absl::DataLossError(
          "a statement names pg_restore_attribute_stats in a form dbanon does not read (pg_dump 18 writes "
          "SELECT * FROM pg_catalog.pg_restore_attribute_stats(...))");
    }
    out.append(statement);
  }
  if (!changed) return std::optional<std::string>();
  return std::optional<std::string>(std::move(out));
}

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_STATS_H_
