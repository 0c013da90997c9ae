#include "src/archive_job.h"

#include "src/run_stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "parsers/insert_framer.h"
#include "parsers/pg_archive.h"
#include "parsers/pg_copy.h"
#include "parsers/pg_stats.h"
#include "src/archive_engine.h"

namespace dbanon {
namespace {

constexpr size_t kReadBytes = size_t{1} << 20;
// The header and TOC are held whole; pg_dump's are at most a few hundred MB
// even for schemas of 100,000 tables. A TOC that claims more (a string
// length read from a damaged archive) is refused instead of filling memory.
constexpr size_t kMaxHeadBytes = size_t{1} << 30;

absl::Status Prefixed(const absl::Status& s, std::string_view prefix) {
  return WithMessage(s, absl::StrCat(ToAbsl(prefix), ":", s.message()));
}

// The plan and the worker threads use the resolver at the same time: the
// reader resolves tables while the writer counts rows.
class LockedResolver : public TableResolver {
 public:
  explicit LockedResolver(TableResolver& inner) : inner_(inner) {}
  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_.Resolve(table, columns);
  }
  bool IsConfigured(const TableName& table) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_.IsConfigured(table);
  }
  void CountRows(const TableName& table, int64_t rows) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.CountRows(table, rows);
  }
  void SawTable(const TableName& table) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.SawTable(table);
  }
  void NoteParent(const TableName& child, const TableName& parent) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.NoteParent(child, parent);
  }
  void NoteCreated(const TableName& table) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.NoteCreated(table);
  }
  void NoteData(const TableName& table) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.NoteData(table);
  }
  absl::Status Finish() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_.Finish();
  }
  void SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_.SawColumns(table, columns, data);
  }
  absl::Status CheckCoverage() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_.CheckCoverage();
  }
  absl::Status SchemaComplete() override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_.SchemaComplete();
  }

 private:
  mutable std::mutex mu_;
  TableResolver& inner_;
};

class OutputSink : public Sink {
 public:
  explicit OutputSink(OutputFile& out) : out_(out) {}
  absl::Status Write(std::span<const iovec> parts) override { return out_.Write(parts); }

 private:
  OutputFile& out_;
};

absl::Status WriteAll(int fd, std::span<const iovec> parts, const std::string& path) {
  std::vector<iovec> iov(parts.begin(), parts.end());
  size_t first = 0;
  while (first < iov.size()) {
    int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    ssize_t n = ::writev(fd, iov.data() + first, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, absl::StrCat(path, ": write error"));
    AddFolderBytesWritten(static_cast<uint64_t>(n));
    size_t left = static_cast<size_t>(n);
    while (first < iov.size() && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (left > 0) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return absl::OkStatus();
}

// A new file of the temporary output folder.
class FileSink : public Sink {
 public:
  static absl::StatusOr<std::unique_ptr<FileSink>> Create(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot create"));
    return std::unique_ptr<FileSink>(new FileSink(fd, path));
  }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  absl::Status Write(std::span<const iovec> parts) override { return WriteAll(fd_, parts, path_); }
  absl::Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0 || ::close(fd) != 0) return ErrnoStatus(errno, absl::StrCat(path_, ": write error"));
    return absl::OkStatus();
  }

 private:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// What to do with the data of one TOC entry of a configured table.
struct EntryPlan {
  const RowPlan* plan = nullptr;
  TableName table;
  bool truncate = false;     // `truncate = true`: the data becomes empty
  bool insert_mode = false;  // INSERT statements (pg_dump --inserts), not COPY rows
  // The payload of an empty table, as pg_dump writes it: the end line of
  // the COPY data and two empty lines (pg_dump.c dumpTableData_copy), or
  // nothing at all for INSERT statements.
  std::string EmptyPayload() const { return insert_mode ? "" : "\\.\n\n\n"; }
};

// The configured tables among the TABLE DATA entries, resolved before any
// output is written so that a config mistake costs nothing.
// `ddl` (over `resolver`) learns each TABLE entry's CREATE TABLE, so the
// plans carry the columns' lengths and ranges; it owns the plans returned.
absl::StatusOr<std::map<int64_t, EntryPlan>> PlanEntries(const ArchiveHead& head, TableResolver& resolver,
                                                         InsertTables& ddl, std::string_view where,
                                                         const ArchiveOptions& options) {
  std::map<int64_t, EntryPlan> plans;
  // --schema: the DDL of a data-only archive, from its schema-only dump.
  if (options.schema != nullptr) {
    for (const std::string& statement : *options.schema) ddl.AddCreateTable(PostgresDialect(true), statement);
  }
  std::set<TableName> tables;  // the TABLE entries
  for (const TocEntry& e : head.toc) {
    // The data's encoding (pg_dump.c dumpEncoding): replacements are written
    // in it, as on the plain road (parsers/text_encoding.h).
    if (e.desc == "ENCODING" && e.defn.has_value()) {
      if (std::optional<TextEncoding> encoding = PgClientEncodingSetting(*e.defn)) ddl.SetEncoding(*encoding);
    }
  }
  for (const TocEntry& e : head.toc) {
    // A partition's link to its parent is its "TABLE ATTACH" entry (pg_dump
    // 14 and later, pg_dump.c dumpTableAttach), or PARTITION OF / INHERITS
    // in its TABLE entry's CREATE TABLE: a config on the parent reaches it.
    if (e.desc == "TABLE ATTACH" && e.defn.has_value()) ddl.AddAlterTable(*e.defn);
    if (e.desc != "TABLE") continue;
    tables.insert(TableName{e.namespace_name.value_or(""), e.tag.value_or("")});
    if (e.defn.has_value()) ddl.AddCreateTable(PostgresDialect(true), *e.defn);
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
        plans[e.dump_id] = EntryPlan{*plan, table, true, true};
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
    if (!resolver.IsConfigured(table)) continue;
    resolver.SawTable(table);
    auto plan = ddl.PlanFor(table, (*header)->columns);
    if (!plan.ok()) return WithMessage(plan.status(), absl::StrCat(entry, ": ", plan.status().message()));
    if (*plan == nullptr) continue;
    if (!(*plan)->truncate && !(*header)->text_format) {
      return absl::UnimplementedError(
          absl::StrCat(entry, ": the COPY statement of table ", table.Display(), " uses options dbanon cannot read"));
    }
    plans[e.dump_id] = EntryPlan{*plan, table, (*plan)->truncate, false};
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
                                                                    TableResolver& resolver, InsertTables& ddl,
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

struct Codecs {
  CompressionSpec in;
  CompressionSpec out;
};

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

// The TOC bytes `toc` (as read) with each data entry's offset set from
// `positions` (flag 2) or "not set" (flag 1); entries without data keep
// theirs. Offsets are fixed-width, so the length does not change.
std::string PatchToc(std::string toc, const ArchiveHead& head, const std::map<int64_t, uint64_t>& positions) {
  for (const TocEntry& e : head.toc) {
    if (e.offset_flag == kOffsetNoData) continue;
    std::string field;
    auto it = positions.find(e.dump_id);
    if (it != positions.end()) {
      AppendArchiveOffset(kOffsetSet, it->second, head.header.off_size, &field);
    } else {
      AppendArchiveOffset(kOffsetNotSet, 0, head.header.off_size, &field);
    }
    toc.replace(e.offset_field - head.header_size, field.size(), field);
  }
  return toc;
}

std::shared_ptr<ArchiveStream> NewStream(const CompressionSpec& codec, Container container, Sink* sink,
                                         const EntryPlan* entry, TableResolver* resolver, std::string where) {
  auto s = std::make_shared<ArchiveStream>();
  s->codec = codec;
  s->container = container;
  s->sink = sink;
  s->where = std::move(where);
  if (entry != nullptr && !entry->truncate) {
    s->plan = entry->plan;
    s->rewriter = CopyTextRewriter();
    s->count_table = entry->table;
    s->resolver = resolver;
  }
  return s;
}

absl::Status AddSequential(ArchiveStream* s) {
  if (s->codec.algorithm != Algorithm::kLz4 && s->codec.algorithm != Algorithm::kZstd) return absl::OkStatus();
  auto c = StreamCompressor::Create(s->codec, s->container);
  if (!c.ok()) return c.status();
  s->sequential = *std::move(c);
  return absl::OkStatus();
}

// ------------------------------------------------------------------ custom

class CustomArchiveJob {
 public:
  CustomArchiveJob(InputFile& in, OutputFile& out, TableResolver& resolver, const ArchiveOptions& options)
      : in_(in), out_(out), resolver_(resolver), options_(options), sink_(out) {}

  absl::Status Run(std::string buf) {
    // Header and TOC: read until they parse. Parsing again only once the
    // buffer has doubled keeps the re-parsing linear overall; reads stay
    // small (a pipe gives 64 KiB at a time).
    std::optional<ArchiveHead> head;
    size_t parse_at = 0;
    bool eof = false;
    while (true) {
      if (buf.size() >= parse_at || eof) {
        auto parsed = ParseArchiveHead(buf, ArchiveFormat::kCustom);
        if (!parsed.ok()) return Prefixed(parsed.status(), in_.name());
        if (parsed->has_value()) {
          head = std::move(**parsed);
          break;
        }
        if (eof) {
          return absl::DataLossError(absl::StrCat(in_.name(), ":byte ", buf.size(),
                                                  ": the archive is cut off in its header or table of contents"));
        }
        parse_at = std::max<size_t>(2 * buf.size(), size_t{1} << 16);
      }
      if (buf.size() > kMaxHeadBytes) {
        return absl::DataLossError(absl::StrCat(in_.name(), ":byte ", buf.size(), ": the header and table of contents ",
                                                "are longer than ", kMaxHeadBytes >> 20, " MiB (a damaged archive?)"));
      }
      auto n = in_.Read(&buf, kReadBytes);
      if (!n.ok()) return n.status();
      if (*n == 0) eof = true;
    }
    auto codecs = ChooseCodecs(head->header, options_.compress, in_.name());
    if (!codecs.ok()) return codecs.status();
    codecs_ = *codecs;
    transcode_ = codecs_.out.algorithm != codecs_.in.algorithm;
    auto plans = PlanEntries(*head, resolver_, ddl_, in_.name(), options_);
    if (!plans.ok()) return plans.status();
    plans_ = *std::move(plans);
    auto stats = RewriteStatisticsEntries(*head, buf, resolver_, ddl_, in_.name(), options_);
    if (!stats.ok()) return stats.status();
    // The TOC as written, and where its offset fields lie.
    std::optional<ArchiveHead> written;
    if (stats->has_value()) {
      auto parsed = ParseArchiveHead(**stats, ArchiveFormat::kCustom);
      if (!parsed.ok() || !parsed->has_value()) return absl::InternalError("the rewritten TOC does not parse");
      written = std::move(**parsed);
    }
    const ArchiveHead& out_head = written.has_value() ? *written : *head;
    int_size_ = head->header.int_size;
    for (const TocEntry& e : head->toc) descs_[e.dump_id] = e.desc.value_or("");

    bool seekable = out_.Seekable();
    ArchiveEngine engine(options_.threads, options_.batch_bytes);
    engine_ = &engine;
    std::string toc = stats->has_value() ? (*stats)->substr(head->header_size)
                                         : buf.substr(head->header_size, head->size - head->header_size);
    engine.Raw(&sink_, HeaderBytes(buf, *head, codecs_, options_.compress.has_value()));
    engine.Raw(&sink_, PatchToc(toc, out_head, {}));
    buf.erase(0, head->size);

    absl::Status st = ScanData(std::move(buf), head->size);
    if (!st.ok()) engine.Fail(st);
    st = engine.Finish();
    if (!st.ok()) return st;
    // pg_dump writes a block for every entry whose offset is not "no data"
    // (pg_backup_custom.c); an archive without one was cut between blocks.
    for (const TocEntry& e : head->toc) {
      if (e.offset_flag != kOffsetNoData && engine.BlockPositions().count(e.dump_id) == 0) {
        return absl::DataLossError(absl::StrCat(in_.name(), ":byte ", end_offset_,
                                                ": the archive is cut off (no data for TOC entry ", e.dump_id, ")"));
      }
    }
    if (!seekable) return absl::OkStatus();
    // The second pass of pg_dump's _CloseArchive: the same TOC, with the
    // real offsets.
    return out_.WriteAt(head->header_size, PatchToc(std::move(toc), out_head, engine.BlockPositions()));
  }

 private:
  absl::Status ScanData(std::string buf, uint64_t offset) {
    DataAreaScanner scanner(int_size_, offset);
    std::vector<DataAreaScanner::Event> events;
    bool eof = false;
    while (true) {
      events.clear();
      buf_offset_ = scanner.offset();
      auto consumed = scanner.Scan(buf, &events);
      if (!consumed.ok()) return Prefixed(consumed.status(), in_.name());
      for (const DataAreaScanner::Event& e : events) {
        absl::Status st = OnEvent(e, std::string_view(buf).substr(e.begin, e.end - e.begin));
        if (!st.ok()) return st;
      }
      buf.erase(0, *consumed);
      if (engine_->cancelled()) return absl::OkStatus();
      if (eof) break;
      auto n = in_.Read(&buf, kReadBytes);
      if (!n.ok()) return n.status();
      if (*n == 0) eof = true;
    }
    if (!buf.empty() || feeder_ != nullptr || truncated_ != nullptr) {
      absl::Status st = scanner.Finish();
      if (st.ok()) st = absl::DataLossError(absl::StrCat("byte ", scanner.offset(), ": the archive is cut off"));
      return Prefixed(st, in_.name());
    }
    end_offset_ = scanner.offset();
    absl::Status st = scanner.Finish();
    return st.ok() ? st : Prefixed(st, in_.name());
  }

  absl::Status OnEvent(const DataAreaScanner::Event& e, std::string_view bytes) {
    using Kind = DataAreaScanner::Event::Kind;
    switch (e.kind) {
      case Kind::kBlockStart: {
        auto it = plans_.find(e.dump_id);
        const EntryPlan* entry = it == plans_.end() ? nullptr : &it->second;
        block_id_ = e.dump_id;
        block_offset_ = buf_offset_ + e.begin;
        // Each block belongs to one TOC entry of its kind (pg_backup_custom.c
        // writes TABLE DATA as BLK_DATA, BLOBS as BLK_BLOBS). A block that
        // does not is a damaged archive: it could be a configured table's
        // data that would go through unread.
        auto te = descs_.find(e.dump_id);
        std::string where = absl::StrCat(in_.name(), ":byte ", block_offset_, ": ");
        if (te == descs_.end()) {
          return absl::DataLossError(absl::StrCat(where, "a data block for dump id ", e.dump_id,
                                                  ", which is not in the TOC"));
        }
        if (!blocks_seen_.insert(e.dump_id).second) {
          return absl::DataLossError(absl::StrCat(where, "a second data block for TOC entry ", e.dump_id));
        }
        const char* kind = e.block_type == kBlockData ? "TABLE DATA" : "BLOBS";
        if (te->second != kind) {
          return absl::DataLossError(absl::StrCat(where, "the data block of TOC entry ", e.dump_id,
                                                  " does not match the entry's type (a ", kind, " block)"));
        }
        bool rewrite_data = e.block_type == kBlockData && (entry != nullptr || transcode_);
        transcode_blobs_ = e.block_type == kBlockBlobs && transcode_;
        engine_->Mark(&sink_, e.dump_id);
        engine_->Raw(&sink_, bytes);
        if (rewrite_data && entry != nullptr && entry->truncate) {
          // The rows are skipped; the block gets the payload of an empty table.
          truncated_ = entry;
          return StartStream(nullptr, /*feed=*/false);
        }
        if (rewrite_data) return StartStream(entry, /*feed=*/true);
        return absl::OkStatus();
      }
      case Kind::kObjectStart:
        engine_->Raw(&sink_, bytes);
        if (transcode_blobs_) return StartStream(nullptr, /*feed=*/true);
        return absl::OkStatus();
      case Kind::kChunkHeader:
        if (feeder_ == nullptr && truncated_ == nullptr) engine_->Raw(&sink_, bytes);
        return absl::OkStatus();
      case Kind::kChunkData:
        if (truncated_ != nullptr) return absl::OkStatus();
        if (feeder_ == nullptr) {
          engine_->Raw(&sink_, bytes);
          return absl::OkStatus();
        }
        return feeder_->Add(bytes);
      case Kind::kStreamEnd: {
        if (truncated_ != nullptr) {
          std::string payload = truncated_->EmptyPayload();
          engine_->Piece(stream_, &payload, 0, 0, true);
          truncated_ = nullptr;
          stream_.reset();
          return absl::OkStatus();
        }
        if (feeder_ == nullptr) {
          engine_->Raw(&sink_, bytes);
          return absl::OkStatus();
        }
        // The engine writes the stream's end marker after its last piece.
        absl::Status st = feeder_->Finish();
        feeder_.reset();
        return st;
      }
      case Kind::kBlockEnd:
        engine_->Raw(&sink_, bytes);
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  absl::Status StartStream(const EntryPlan* entry, bool feed) {
    auto stream = NewStream(codecs_.out, Container::kZlib, &sink_, entry, &resolver_,
                            absl::StrCat(in_.name(), ":byte ", block_offset_, ": TOC entry ", block_id_));
    stream->chunked = true;
    stream->int_size = int_size_;
    absl::Status st = AddSequential(stream.get());
    if (!st.ok()) return st;
    if (!feed) {
      stream_ = std::move(stream);
      return absl::OkStatus();
    }
    std::unique_ptr<Decompressor> d;
    if (codecs_.in.algorithm != Algorithm::kNone) {
      // One zlib stream per item (compress_gzip.c); lz4 and zstd readers
      // take whatever frames follow each other.
      auto made = Decompressor::Create(codecs_.in.algorithm, Container::kZlib,
                                       codecs_.in.algorithm != Algorithm::kGzip);
      if (!made.ok()) return made.status();
      d = *std::move(made);
    }
    feeder_ = std::make_unique<StreamFeeder>(engine_, std::move(stream), std::move(d), options_.batch_bytes);
    return absl::OkStatus();
  }

  InputFile& in_;
  OutputFile& out_;
  TableResolver& resolver_;
  const ArchiveOptions& options_;
  OutputSink sink_;
  ArchiveEngine* engine_ = nullptr;
  Codecs codecs_;
  bool transcode_ = false;
  int int_size_ = 4;
  InsertTables ddl_{&resolver_};  // owns the plans in plans_
  std::map<int64_t, EntryPlan> plans_;
  std::map<int64_t, std::string> descs_;  // TOC entry types
  std::set<int64_t> blocks_seen_;
  // The block being read.
  uint64_t end_offset_ = 0;
  uint64_t buf_offset_ = 0;    // of the buffer being scanned
  uint64_t block_offset_ = 0;  // of the block being read
  int64_t block_id_ = 0;
  bool transcode_blobs_ = false;
  std::unique_ptr<StreamFeeder> feeder_;
  const EntryPlan* truncated_ = nullptr;  // a truncated table's block: rows skipped
  std::shared_ptr<ArchiveStream> stream_;  // its stream
};

// --------------------------------------------------------------- directory

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot open"));
  std::string data;
  while (true) {
    size_t old = data.size();
    data.resize(old + kReadBytes);
    ssize_t n = ::read(fd, data.data() + old, kReadBytes);
    if (n < 0 && errno == EINTR) {
      data.resize(old);
      continue;
    }
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, absl::StrCat(path, ": read error"));
    }
    data.resize(old + static_cast<size_t>(n));
    if (n == 0) break;
    AddFolderBytesRead(static_cast<uint64_t>(n));
  }
  ::close(fd);
  return data;
}

absl::Status CopyFile(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus(errno, absl::StrCat(from, ": cannot open"));
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (out < 0) {
    int err = errno;
    ::close(in);
    return ErrnoStatus(err, absl::StrCat(to, ": cannot create"));
  }
  absl::Status st;
  bool kernel_copy = true;
  std::string buf;
  while (st.ok()) {
    ssize_t n;
    if (kernel_copy) {
      n = ::copy_file_range(in, nullptr, out, nullptr, size_t{1} << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == ENOSPC || errno == EDQUOT || errno == EFBIG)) {
        st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
      } else if (n < 0) {
        // copy_file_range's errno does not say which side failed: read and
        // write from where it stopped, and the side that fails is named.
        kernel_copy = false;
        continue;
      }
      if (n <= 0) break;
      AddFolderBytesRead(static_cast<uint64_t>(n));
      AddFolderBytesWritten(static_cast<uint64_t>(n));
      continue;
    }
    buf.resize(kReadBytes);
    n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = ErrnoStatus(errno, absl::StrCat(from, ": read error"));
      break;
    }
    if (n == 0) break;
    AddFolderBytesRead(static_cast<uint64_t>(n));
    iovec v{buf.data(), static_cast<size_t>(n)};
    st = WriteAll(out, std::span<const iovec>(&v, 1), to);
  }
  if (st.ok() && (::fsync(out) != 0)) st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
  ::close(in);
  if (::close(out) != 0 && st.ok()) st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
  return st;
}

// A data file of a directory archive: `NNNN.dat` (TABLE DATA) or
// `blob_OID.dat` (a large object), plus the suffix of its compression
// (pg_backup_directory.c; compress_io.c discovers the suffix on reading).
struct DataFileName {
  std::string base;  // without the suffix
  Algorithm algorithm = Algorithm::kNone;
};

std::optional<DataFileName> ParseDataFileName(std::string_view name) {
  DataFileName f;
  for (Algorithm a : {Algorithm::kGzip, Algorithm::kLz4, Algorithm::kZstd}) {
    std::string_view suffix = CompressionSuffix(a);
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      f.algorithm = a;
      name.remove_suffix(suffix.size());
      break;
    }
  }
  if (name.size() < 5 || name.substr(name.size() - 4) != ".dat") return std::nullopt;
  std::string_view stem = name.substr(0, name.size() - 4);
  if (stem.substr(0, 5) == "blob_") stem.remove_prefix(5);
  if (stem.empty() || stem.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  f.base = std::string(name);
  return f;
}

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The temporary output folder: removed (with what was written in it) unless
// Commit renamed it to its final name.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create(const std::string& final_path) {
    std::string temp = absl::StrCat(final_path, ".dbanon-tmp-XXXXXX");
    // Signals wait while the folder exists but is not yet known to the
    // handler in main.cc, which would leave it behind.
    sigset_t all, old_mask;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old_mask);
    const bool made = ::mkdtemp(temp.data()) != nullptr;
    const int make_errno = errno;
    if (made) SetPendingTempDir(temp);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (!made) {
      return ErrnoStatus(make_errno, absl::StrCat(final_path, ": cannot create a temporary folder beside it"));
    }
    return std::unique_ptr<TempDir>(new TempDir(temp, final_path));
  }
  ~TempDir() {
    if (committed_) return;
    for (const std::string& name : files_) ::unlink(absl::StrCat(path_, "/", name).c_str());
    ::rmdir(path_.c_str());
    SetPendingTempDir("");
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) {
    files_.push_back(name);
    return absl::StrCat(path_, "/", name);
  }
  absl::Status Commit() {
    int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    // rename(2) replaces an empty directory.
    if (::rename(path_.c_str(), final_.c_str()) != 0) {
      return ErrnoStatus(errno, absl::StrCat(final_, ": cannot rename the temporary folder"));
    }
    committed_ = true;
    SetPendingTempDir("");
    size_t slash = final_.rfind('/');
    std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : final_.substr(0, slash));
    fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    return absl::OkStatus();
  }

 private:
  TempDir(std::string path, std::string final_path) : path_(std::move(path)), final_(std::move(final_path)) {}
  std::string path_;
  std::string final_;
  std::vector<std::string> files_;
  bool committed_ = false;
};

struct DataFileJob {
  std::string name;  // in the input folder
  DataFileName file;
  const EntryPlan* entry = nullptr;
  size_t toc_index = 0;  // processing order
};

absl::Status RewriteDataFile(const std::string& input_dir, const DataFileJob& job, const CompressionSpec& codec,
                             TempDir& temp, ArchiveEngine& engine, TableResolver& resolver,
                             std::vector<std::unique_ptr<FileSink>>* sinks, size_t batch_bytes) {
  std::string in_path = absl::StrCat(input_dir, "/", job.name);
  if (job.entry != nullptr && job.entry->truncate) {
    std::string out_name = absl::StrCat(job.file.base, ToAbsl(CompressionSuffix(codec.algorithm)));
    auto sink = FileSink::Create(temp.File(out_name));
    if (!sink.ok()) return sink.status();
    sinks->push_back(*std::move(sink));
    auto stream = NewStream(codec, Container::kGzip, sinks->back().get(), job.entry, &resolver, in_path);
    stream->close_sink = true;
    if (absl::Status st = AddSequential(stream.get()); !st.ok()) return st;
    std::string payload = job.entry->EmptyPayload();
    engine.Piece(stream, &payload, 0, 0, true);
    return absl::OkStatus();
  }
  int fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(in_path, ": cannot open"));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::string out_name = absl::StrCat(job.file.base, ToAbsl(CompressionSuffix(codec.algorithm)));
  auto sink = FileSink::Create(temp.File(out_name));
  if (!sink.ok()) {
    ::close(fd);
    return sink.status();
  }
  sinks->push_back(*std::move(sink));
  auto stream = NewStream(codec, Container::kGzip, sinks->back().get(), job.entry, &resolver, in_path);
  stream->close_sink = true;
  stream->file_positions = true;
  absl::Status st = AddSequential(stream.get());
  std::unique_ptr<Decompressor> d;
  if (st.ok() && job.file.algorithm != Algorithm::kNone) {
    // gzopen'ed files may hold several gzip members, like `cat a.gz b.gz`.
    auto made = Decompressor::Create(job.file.algorithm, Container::kGzip, true);
    if (made.ok()) {
      d = *std::move(made);
    } else {
      st = made.status();
    }
  }
  if (!st.ok()) {
    ::close(fd);
    return st;
  }
  StreamFeeder feeder(&engine, std::move(stream), std::move(d), batch_bytes);
  std::string buf;
  while (st.ok() && !engine.cancelled()) {
    buf.resize(kReadBytes);
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = ErrnoStatus(errno, absl::StrCat(in_path, ": read error"));
      break;
    }
    if (n == 0) {
      st = feeder.Finish();
      break;
    }
    AddFolderBytesRead(static_cast<uint64_t>(n));
    st = feeder.Add(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return st;
}

}  // namespace

bool IsDirectoryPath(const std::string& path) {
  struct stat st;
  return path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

absl::Status RunDirectoryArchive(const std::string& input_dir_arg, const std::string& output_dir_arg,
                                 TableResolver& resolver, const ArchiveOptions& options) {
  LockedResolver locked(resolver);
  std::string input_dir = StripTrailingSlashes(input_dir_arg);
  std::string output_dir = StripTrailingSlashes(output_dir_arg);
  std::string toc_path = absl::StrCat(input_dir, "/toc.dat");
  struct stat st;
  if (::stat(toc_path.c_str(), &st) != 0) {
    return absl::UnimplementedError(
        absl::StrCat(input_dir, ": a folder, but not a pg_dump directory archive (no toc.dat in it)"));
  }
  struct stat toc_stat;
  if (::stat(toc_path.c_str(), &toc_stat) == 0 && static_cast<uint64_t>(toc_stat.st_size) > kMaxHeadBytes) {
    return absl::DataLossError(absl::StrCat(toc_path, ": longer than ", kMaxHeadBytes >> 20,
                                            " MiB (a damaged archive?)"));
  }
  auto toc = ReadWholeFile(toc_path);
  if (!toc.ok()) return toc.status();
  auto parsed = ParseArchiveHead(*toc, ArchiveFormat::kTar);
  if (!parsed.ok()) return Prefixed(parsed.status(), toc_path);
  if (!parsed->has_value()) {
    return absl::DataLossError(absl::StrCat(toc_path, ":byte ", toc->size(), ": toc.dat is cut off"));
  }
  const ArchiveHead& head = **parsed;
  auto codecs = ChooseCodecs(head.header, options.compress, toc_path);
  if (!codecs.ok()) return codecs.status();
  InsertTables ddl(&locked);
  auto plans = PlanEntries(head, locked, ddl, toc_path, options);
  if (!plans.ok()) return plans.status();
  auto stats = RewriteStatisticsEntries(head, *toc, locked, ddl, toc_path, options);
  if (!stats.ok()) return stats.status();

  // The output folder: absent, or an empty folder that the rename replaces.
  if (::stat(output_dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(absl::StrCat(output_dir, ": exists and is not a folder"));
    }
    DIR* d = ::opendir(output_dir.c_str());
    bool empty = true;
    if (d != nullptr) {
      while (dirent* de = ::readdir(d)) {
        if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) empty = false;
      }
      ::closedir(d);
    }
    if (!empty) return absl::FailedPreconditionError(absl::StrCat(output_dir, ": exists and is not empty"));
  }

  // Which file holds which entry's data.
  std::map<std::string, size_t> entry_by_file;
  for (size_t i = 0; i < head.toc.size(); ++i) {
    if (head.toc[i].filename.has_value() && !head.toc[i].filename->empty()) entry_by_file[*head.toc[i].filename] = i;
  }
  std::vector<std::string> names;
  DIR* d = ::opendir(input_dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, absl::StrCat(input_dir, ": cannot list"));
  while (dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) names.emplace_back(de->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());

  std::vector<std::string> copies;
  std::vector<DataFileJob> jobs;
  std::map<int64_t, bool> found;
  for (const std::string& name : names) {
    std::string path = absl::StrCat(input_dir, "/", name);
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot read"));
    if (!S_ISREG(st.st_mode)) {
      return absl::DataLossError(absl::StrCat(path, ": not a regular file (a directory archive holds only files)"));
    }
    if (name == "toc.dat") continue;
    std::optional<DataFileName> file = ParseDataFileName(name);
    if (file.has_value()) {
      DataFileJob job;
      job.name = name;
      job.file = *file;
      job.toc_index = head.toc.size();
      if (auto e = entry_by_file.find(file->base); e != entry_by_file.end()) {
        job.toc_index = e->second;
        auto p = plans->find(head.toc[e->second].dump_id);
        if (p != plans->end()) {
          if (found[p->first]) {
            return absl::DataLossError(
                absl::StrCat(input_dir, ": more than one data file for TOC entry ", p->first, " (", file->base, ")"));
          }
          found[p->first] = true;
          job.entry = &p->second;
        }
      }
      bool transcode = options.compress.has_value() && options.compress->algorithm != file->algorithm;
      if (job.entry != nullptr || transcode) {
        jobs.push_back(std::move(job));
        continue;
      }
    }
    copies.push_back(name);
  }
  for (const auto& [id, plan] : *plans) {
    if (!found[id]) {
      return absl::DataLossError(absl::StrCat(input_dir, ": the data file of TOC entry ", id, " (table ",
                                              plan.table.Display(), ") is missing"));
    }
  }
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const DataFileJob& a, const DataFileJob& b) { return a.toc_index < b.toc_index; });

  auto temp = TempDir::Create(output_dir);
  if (!temp.ok()) return temp.status();
  std::string toc_out = HeaderBytes(*toc, head, *codecs, options.compress.has_value());
  toc_out.append(stats->has_value() ? **stats : *toc, head.header_size, std::string::npos);
  {
    auto sink = FileSink::Create((*temp)->File("toc.dat"));
    if (!sink.ok()) return sink.status();
    iovec v{toc_out.data(), toc_out.size()};
    absl::Status s = (*sink)->Write(std::span<const iovec>(&v, 1));
    if (s.ok()) s = (*sink)->Close();
    if (!s.ok()) return s;
  }
  for (const std::string& name : copies) {
    absl::Status s = CopyFile(absl::StrCat(input_dir, "/", name), (*temp)->File(name));
    if (!s.ok()) return s;
  }

  std::vector<std::unique_ptr<FileSink>> sinks;  // outlive the engine
  absl::Status status;
  {
    ArchiveEngine engine(options.threads, options.batch_bytes);
    for (const DataFileJob& job : jobs) {
      CompressionSpec codec;
      if (options.compress.has_value()) {
        codec = *options.compress;
      } else {
        codec.algorithm = job.file.algorithm;
        codec.level = job.file.algorithm == codecs->in.algorithm ? codecs->in.level : CompressionSpec::kDefaultLevel;
      }
      absl::Status s = RewriteDataFile(input_dir, job, codec, **temp, engine, locked, &sinks, options.batch_bytes);
      if (!s.ok()) {
        engine.Fail(s);
        break;
      }
      if (engine.cancelled()) break;
    }
    status = engine.Finish();
  }
  if (!status.ok()) return status;
  return (*temp)->Commit();
}

absl::Status RunCustomArchive(InputFile& in, std::string first_bytes, OutputFile& out, TableResolver& resolver,
                              const ArchiveOptions& options) {
  LockedResolver locked(resolver);
  CustomArchiveJob job(in, out, locked, options);
  return job.Run(std::move(first_bytes));
}

}  // namespace dbanon
