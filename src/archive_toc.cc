// The TOC handling of both archive formats (src/archive_internal.h).
#include "src/archive_internal.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "parsers/pg_large_objects.h"
#include "parsers/pg_stats.h"

namespace dbanon {
namespace archive_internal {

// The configured tables among the TABLE DATA entries, resolved before any
// output is written so that a config mistake costs nothing.
// `ddl` (over `resolver`) learns each TABLE entry's CREATE TABLE, so the
// plans carry the columns' lengths and ranges; it owns the plans returned.
absl::StatusOr<std::map<int64_t, EntryPlan>> PlanEntries(const ArchiveHead& head, TableResolver& resolver,
                                                         TableCatalog& ddl, std::string_view where,
                                                         const ArchiveOptions& options) {
  std::map<int64_t, EntryPlan> plans;
  // --schema: the DDL of a data-only archive, from its schema-only dump.
  if (options.schema != nullptr) {
    for (const std::string& statement : *options.schema) {
      ddl.AddDomain(statement);
      ddl.AddCreateTable(PostgresDialect(true), statement);
    }
  }
  std::set<TableName> tables;  // the TABLE entries
  CharLayout layout = CharLayout::kAsciiSafe;
  for (const TocEntry& e : head.toc) {
    // The data's encoding (pg_dump.c dumpEncoding): replacements are written
    // in it, as on the plain road (parsers/text_encoding.h), and COPY rows
    // are read in its characters (parsers/char_layout.h).
    if (e.desc == "ENCODING" && e.defn.has_value()) {
      if (std::optional<TextEncoding> encoding = PgClientEncodingSetting(*e.defn)) ddl.SetEncoding(*encoding);
      layout = PgClientEncodingLayout(*e.defn).value_or(CharLayout::kAsciiSafe);
    }
  }
  for (const TocEntry& e : head.toc) {
    // A partition's link to its parent is its "TABLE ATTACH" entry (pg_dump
    // 14 and later, pg_dump.c dumpTableAttach), or PARTITION OF / INHERITS
    // in its TABLE entry's CREATE TABLE: a config on the parent reaches it.
    if (e.desc == "TABLE ATTACH" && e.defn.has_value()) ddl.AddAlterTable(*e.defn);
    // Before the tables they type (a composite TYPE: the columns of CREATE TABLE ... OF it).
    if ((e.desc == "DOMAIN" || e.desc == "TYPE") && e.defn.has_value()) ddl.AddDomain(*e.defn);
    if (e.desc != "TABLE") continue;
    tables.insert(TableName{e.namespace_name.value_or(""), e.tag.value_or("")});
    if (e.defn.has_value()) {
      ddl.AddCreateTable(PostgresDialect(true), *e.defn);
      // A config that does not fit the table's columns is refused at its
      // TABLE entry, before anything is written (parsers/column_fit.h).
      if (absl::Status fit = ddl.CheckNewTables(); !fit.ok()) {
        return WithMessage(fit, absl::StrCat(ToAbsl(where), ":byte ", e.entry_offset, ": TOC entry ", e.dump_id, ": ",
                                             fit.message()));
      }
    }
  }
  for (const TocEntry& e : head.toc) {
    // An entry whose statements rename a table or column, move one to
    // another schema or fill one by a query (pg_restore runs its defn as
    // SQL, whatever its desc): rows of its data may become rows of a
    // configured table (TableCatalog::CheckDataMoves).
    if (!e.defn.has_value()) continue;
    for (std::string_view statement : SplitPgStatements(*e.defn, true)) {
      if (absl::Status s = ddl.CheckDataMoves(PostgresDialect(true), statement); !s.ok()) {
        return WithMessage(s, absl::StrCat(ToAbsl(where), ":byte ", e.entry_offset, ": TOC entry ", e.dump_id,
                                           ": ", s.message()));
      }
    }
  }
  for (const TocEntry& e : head.toc) {
    if (!e.desc.has_value() || *e.desc != "TABLE DATA") continue;
    std::string entry = absl::StrCat(ToAbsl(where), ":byte ", e.entry_offset, ": TOC entry ", e.dump_id);
    if (!e.copy_stmt.has_value()) {
      // INSERT-mode data (pg_dump --inserts): the entry names the table.
      TableName table{e.namespace_name.value_or("public"), e.tag.value_or("")};
      resolver.NoteData(table);
      resolver.SawColumns(table, {}, true);
      if (absl::Status covered = resolver.CheckCoverage(); !covered.ok()) {
        return WithMessage(covered, absl::StrCat(entry, ": ", covered.message()));
      }
      if (!resolver.IsConfigured(table)) continue;
      resolver.SawTable(table);
      auto plan = resolver.Resolve(table, {});
      if (plan.ok() && *plan != nullptr && (*plan)->truncate) {
        plans[e.dump_id] = EntryPlan{*plan, table, true, true, layout};
        continue;
      }
      return absl::UnimplementedError(absl::StrCat(
          entry, ": table ", table.Display(),
          " was dumped as INSERT statements (pg_dump --inserts), which dbanon does not rewrite inside archives; "
          "dump it with COPY, pg_dump's default"));
    }
    auto header = ParseCopyHeader(*e.copy_stmt);
    if (!header.ok()) return absl::DataLossError(absl::StrCat(entry, ": ", header.status().message()));
    if (!header->has_value()) {
      return absl::DataLossError(absl::StrCat(entry, ": the TABLE DATA entry's statement is not COPY ... FROM stdin"));
    }
    TableName table = (*header)->Table();
    // pg_dump names the entry's own table (namespace and tag), or with
    // --load-via-partition-root the root of its partition tree, which has a
    // TABLE entry. Anything else is a damaged TOC, whose data must not go
    // through unread under a name that is not configured.
    if (table != TableName{e.namespace_name.value_or(""), e.tag.value_or("")} && tables.count(table) == 0) {
      return absl::DataLossError(absl::StrCat(entry, ": its COPY statement names ", table.Display(),
                                              ", which is neither the entry's table nor a table of the archive"));
    }
    resolver.NoteData(table);
    resolver.SawColumns(table, (*header)->columns, true);
    if (absl::Status covered = resolver.CheckCoverage(); !covered.ok()) {
      return WithMessage(covered, absl::StrCat(entry, ": ", covered.message()));
    }
    if (!resolver.IsConfigured(table)) {
      if (absl::Status s = ddl.CheckPartitionRows(table, (*header)->columns, nullptr); !s.ok()) {
        return WithMessage(s, absl::StrCat(entry, ": ", s.message()));
      }
      continue;
    }
    resolver.SawTable(table);
    auto plan = ddl.PlanFor(table, (*header)->columns);
    if (!plan.ok()) return WithMessage(plan.status(), absl::StrCat(entry, ": ", plan.status().message()));
    if (absl::Status s = ddl.CheckPartitionRows(table, (*header)->columns, *plan); !s.ok()) {
      return WithMessage(s, absl::StrCat(entry, ": ", s.message()));
    }
    if (*plan == nullptr) continue;
    if (absl::Status s = TableCatalog::CheckCopyColumns(**plan); !s.ok() && !(*plan)->truncate) {
      return WithMessage(s, absl::StrCat(entry, ": ", s.message()));
    }
    if (!(*plan)->truncate && !(*header)->text_format) {
      return absl::UnimplementedError(
          absl::StrCat(entry, ": the COPY statement of table ", table.Display(), " uses options dbanon cannot read"));
    }
    plans[e.dump_id] = EntryPlan{*plan, table, (*plan)->truncate, false, layout};
  }
  // Large objects: one "BLOB" entry each (archives 1.12 to 1.15), or
  // "BLOB METADATA" entries of up to 1000 lo_create calls (1.16); their
  // data is in "BLOBS" entries (pg_dump.c dumpLO, pg_backup_archiver.c).
  // dbanon copies them unread: coverage counts them, strict mode may refuse.
  int64_t objects = 0;
  const TocEntry* first_object = nullptr;
  for (const TocEntry& e : head.toc) {
    const bool metadata = e.desc == "BLOB" || e.desc == "BLOB METADATA";
    if (!metadata && e.desc != "BLOBS") continue;
    if (first_object == nullptr) first_object = &e;
    if (metadata) objects += e.desc == "BLOB" ? 1 : std::max<int64_t>(1, CountLargeObjectCreates(e.defn.value_or("")));
  }
  if (first_object != nullptr) {
    // A data-only archive may hold BLOBS data without its BLOB entries: at least one object.
    if (absl::Status s = resolver.NoteLargeObjects(std::max<int64_t>(objects, 1), 0, -1); !s.ok()) {
      return WithMessage(s, absl::StrCat(ToAbsl(where), ":byte ", first_object->entry_offset, ": TOC entry ",
                                         first_object->dump_id, ": ", s.message()));
    }
  }
  // The TOC names every table with data: a data-only archive whose
  // configured parent's partitions are unknown is refused before any output.
  if (absl::Status s = resolver.Finish(); !s.ok()) return s;
  // The TOC is the whole schema: a configured table it lacks, or an
  // uncovered column in strict mode, fails before any output is written.
  if (absl::Status s = resolver.SchemaComplete(); !s.ok()) return s;
  return plans;
}

// pg_dump 18's "STATISTICS DATA" entries hold, in their defn, the
// pg_restore_attribute_stats calls of a relation's columns (pg_dump.c
// dumpRelationStats: no data block; SECTION_DATA for a table, POST_DATA for
// an index or materialized view). The calls of configured columns (and of
// indexes of configured tables, and of relations dbanon cannot place) lose
// their value arguments (parsers/pg_stats.h). Returns the header and TOC
// bytes to write instead of `data`'s first head.size bytes, or nullopt when
// no entry changes. Errors: DataLoss naming the entry for a call dbanon
// cannot read.
absl::StatusOr<std::optional<std::string>> RewriteStatisticsEntries(const ArchiveHead& head, std::string_view data,
                                                                    TableResolver& resolver, TableCatalog& ddl,
                                                                    std::string_view where,
                                                                    const ArchiveOptions& options) {
  PgIndexTables indexes;
  if (options.schema != nullptr) {
    for (const std::string& statement : *options.schema) indexes.Add(statement);
  }
  bool standard_strings = true;
  for (const TocEntry& e : head.toc) {
    if (e.desc == "INDEX" && e.defn.has_value()) indexes.Add(*e.defn);
    // pg_dump.c dumpStdStrings: SET standard_conforming_strings = 'on';
    if (e.desc == "STDSTRINGS" && e.defn.has_value()) standard_strings = e.defn->find("'off'") == std::string::npos;
  }
  std::optional<ArchiveHead> out;
  for (size_t i = 0; i < head.toc.size(); ++i) {
    const TocEntry& e = head.toc[i];
    if (!e.defn.has_value() || !NamesAttributeStats(*e.defn)) continue;
    auto sql = RewriteStatisticsSql(*e.defn, standard_strings, [&](const AttributeStatsCall& call) {
      return StatsValuesMustGo(call, resolver, ddl, indexes);
    });
    if (!sql.ok()) {
      return absl::DataLossError(absl::StrCat(ToAbsl(where), ":byte ", e.entry_offset, ": TOC entry ", e.dump_id,
                                              " (", e.desc.value_or(""), "): ", sql.status().message()));
    }
    if (!sql->has_value()) continue;
    if (!out.has_value()) out = head;
    out->toc[i].defn = std::move(**sql);
  }
  if (!out.has_value()) return std::optional<std::string>();
  std::string bytes(data.substr(0, head.header_size));
  std::string serialized = SerializeArchiveHead(*out);
  bytes.append(serialized, head.header_size, std::string::npos);
  return std::optional<std::string>(std::move(bytes));
}

absl::StatusOr<Codecs> ChooseCodecs(const ArchiveHeader& h, const std::optional<CompressionSpec>& override,
                                    std::string_view where) {
  Codecs c;
  c.in.algorithm = static_cast<Algorithm>(h.algorithm());
  if (h.version() < kArchiveV1_15 && h.compression_level > 0) c.in.level = h.compression_level;
  c.out = override.value_or(c.in);
  if (override.has_value() && h.version() < kArchiveV1_15 &&
      (c.out.algorithm == Algorithm::kLz4 || c.out.algorithm == Algorithm::kZstd)) {
    return absl::InvalidArgumentError(absl::StrCat(
        ToAbsl(where), ": --compress ", ToAbsl(AlgorithmName(c.out.algorithm)), ": this archive is of version ",
        int{h.vmaj}, ".", int{h.vmin},
        ", which can only hold gzip or no compression (pg_dump 16 and later write 1.15 archives)"));
  }
  return c;
}

// The header as written: the input's bytes, with the compression field
// changed when --compress was given.
std::string HeaderBytes(std::string_view data, const ArchiveHead& head, const Codecs& codecs, bool override) {
  std::string bytes(data.substr(0, head.header_size));
  if (!override) return bytes;
  std::string field;
  if (head.header.version() >= kArchiveV1_15) {
    field.push_back(static_cast<char>(codecs.out.algorithm));
  } else {
    int level = codecs.out.algorithm == Algorithm::kNone ? 0 : codecs.out.level;  // -1: zlib's default
    AppendArchiveInt(level, head.header.int_size, &field);
  }
  bytes.replace(head.compression_field, head.compression_field_size, field);
  return bytes;
}

}  // namespace archive_internal
}  // namespace dbanon
