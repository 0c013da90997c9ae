// What the two pg_dump archive roads of src/archive_job.h share: the custom
// format (src/archive_custom.cc, pg_backup_custom.c's layout) and the
// directory format (src/archive_directory.cc, pg_backup_directory.c's; a tar
// archive goes through it, src/tar_archive.h). The TOC handling is in
// src/archive_toc.cc: which TABLE DATA entries are rewritten (PlanEntries),
// pg_dump 18's statistics entries (RewriteStatisticsEntries), the codecs and
// the header as written. The data handling is each format's own; the data
// streams they hand to src/archive_engine.h are set up here (NewStream,
// AddSequential).
//
// Internal to src/archive_*.cc: no other file includes it.
//
// Thread-safety: LockedResolver may be used from any thread; the rest runs on
// the reader thread of a run.
#ifndef DBANON_SRC_ARCHIVE_INTERNAL_H_
#define DBANON_SRC_ARCHIVE_INTERNAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/mutex.h"
#include "base/source_position.h"
#include "base/string_view_compat.h"
#include "parsers/table_catalog.h"
#include "parsers/pg_archive.h"
#include "parsers/pg_copy.h"
#include "src/archive_engine.h"
#include "src/archive_job.h"
#include "src/compression.h"

namespace dbanon {
namespace archive_internal {

constexpr size_t kReadBytes = size_t{1} << 20;
// The header and TOC are held whole; pg_dump's are at most a few hundred MB
// even for schemas of 100,000 tables. A TOC that claims more (a string
// length read from a damaged archive) is refused instead of filling memory.
constexpr size_t kMaxHeadBytes = size_t{1} << 30;

// The plan and the worker threads use the resolver at the same time: the
// reader resolves tables while the engine's writes (on a worker thread)
// count rows. A RunPlan is not thread-safe (src/plan.h): every call goes
// through one lock.
class LockedResolver : public TableResolver {
 public:
  explicit LockedResolver(TableResolver& inner) : inner_(&inner) {}
  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    MutexLock lock(&mu_);
    return inner_->Resolve(table, columns);
  }
  bool IsConfigured(const TableName& table) const override {
    MutexLock lock(&mu_);
    return inner_->IsConfigured(table);
  }
  void CountRows(const TableName& table, int64_t rows) override {
    MutexLock lock(&mu_);
    inner_->CountRows(table, rows);
  }
  void SawTable(const TableName& table) override {
    MutexLock lock(&mu_);
    inner_->SawTable(table);
  }
  void NoteParent(const TableName& child, const TableName& parent) override {
    MutexLock lock(&mu_);
    inner_->NoteParent(child, parent);
  }
  void NoteGenerated(const TableName& table, const std::string& column) override {
    MutexLock lock(&mu_);
    inner_->NoteGenerated(table, column);
  }
  void NoteInvisible(const TableName& table, const std::string& column) override {
    MutexLock lock(&mu_);
    inner_->NoteInvisible(table, column);
  }
  void NoteCreated(const TableName& table) override {
    MutexLock lock(&mu_);
    inner_->NoteCreated(table);
  }
  void NoteData(const TableName& table) override {
    MutexLock lock(&mu_);
    inner_->NoteData(table);
  }
  absl::Status Finish() const override {
    MutexLock lock(&mu_);
    return inner_->Finish();
  }
  absl::Status DataComplete() override {
    MutexLock lock(&mu_);
    return inner_->DataComplete();
  }
  void NoteColumnType(const TableName& table, const std::string& column, TypeFamily family) override {
    MutexLock lock(&mu_);
    inner_->NoteColumnType(table, column, family);
  }
  absl::Status NoteLargeObjects(int64_t created, int64_t opened, int64_t bytes) override {
    MutexLock lock(&mu_);
    return inner_->NoteLargeObjects(created, opened, bytes);
  }
  void SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) override {
    MutexLock lock(&mu_);
    inner_->SawColumns(table, columns, data);
  }
  absl::Status CheckCoverage() override {
    MutexLock lock(&mu_);
    return inner_->CheckCoverage();
  }
  absl::Status SchemaComplete() override {
    MutexLock lock(&mu_);
    return inner_->SchemaComplete();
  }

 private:
  mutable Mutex mu_;
  TableResolver* const inner_ ABSL_PT_GUARDED_BY(mu_);
};

// What to do with the data of one TOC entry of a configured table.
struct EntryPlan {
  const RowPlan* plan = nullptr;
  TableName table;
  bool truncate = false;     // `truncate = true`: the data becomes empty
  bool insert_mode = false;  // INSERT statements (pg_dump --inserts), not COPY rows
  // How the ENCODING entry's client encoding makes characters: COPY rows in
  // SJIS, BIG5, ... are read character by character (parsers/char_layout.h).
  CharLayout layout = CharLayout::kAsciiSafe;
  // The payload of an empty table, as pg_dump writes it: the end line of
  // the COPY data and two empty lines (pg_dump.c dumpTableData_copy), or
  // nothing at all for INSERT statements.
  std::string EmptyPayload() const { return insert_mode ? "" : "\\.\n\n\n"; }
};

struct Codecs {
  CompressionSpec in;
  CompressionSpec out;
};

// The configured tables among the TABLE DATA entries, resolved before any
// output is written so that a config mistake costs nothing.
// `ddl` (over `resolver`) learns each TABLE entry's CREATE TABLE, so the
// plans carry the columns' lengths and ranges; it owns the plans returned.
absl::StatusOr<std::map<int64_t, EntryPlan>> PlanEntries(const ArchiveHead& head, TableResolver& resolver,
                                                         TableCatalog& ddl, std::string_view where,
                                                         const ArchiveOptions& options);

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
                                                                    const ArchiveOptions& options);

absl::StatusOr<Codecs> ChooseCodecs(const ArchiveHeader& h, const std::optional<CompressionSpec>& override,
                                    std::string_view where);

// The header as written: the input's bytes, with the compression field
// changed when --compress was given.
std::string HeaderBytes(std::string_view data, const ArchiveHead& head, const Codecs& codecs, bool override);

// The data stream of one TOC entry's data (a custom-format block or a
// directory-archive file), written to `sink` with `codec`. `entry`: the
// rows are rewritten with its plan (nullptr, or a truncated table: copied).
inline std::shared_ptr<ArchiveStream> NewStream(const CompressionSpec& codec, Container container, Sink* sink,
                                                const EntryPlan* entry, TableResolver* resolver, std::string where) {
  auto s = std::make_shared<ArchiveStream>();
  s->codec = codec;
  s->container = container;
  s->sink = sink;
  s->where = std::move(where);
  if (entry != nullptr && !entry->truncate) {
    s->plan = entry->plan;
    s->rewriter = CopyTextRewriter(entry->layout);
    s->layout = entry->layout;
    s->count_table = entry->table;
    s->resolver = resolver;
  }
  return s;
}

// lz4 and zstd streams are compressed in piece order by one compressor.
inline absl::Status AddSequential(ArchiveStream* s) {
  if (s->codec.algorithm != Algorithm::kLz4 && s->codec.algorithm != Algorithm::kZstd) return absl::OkStatus();
  auto c = StreamCompressor::Create(s->codec, s->container);
  if (!c.ok()) return c.status();
  s->sequential = *std::move(c);
  return absl::OkStatus();
}

}  // namespace archive_internal
}  // namespace dbanon

#endif  // DBANON_SRC_ARCHIVE_INTERNAL_H_
