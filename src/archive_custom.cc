// pg_dump -Fc archives (src/archive_job.h): the header and TOC read until
// they parse, then the data area scanned block by block (pg_backup_custom.c:
// parsers/pg_archive.h's DataAreaScanner); a configured table's blocks are
// decompressed, rewritten and compressed again on the engine's threads.
#include "src/archive_job.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "src/archive_internal.h"
#include "src/output_sink.h"

namespace dbanon {
namespace archive_internal {
namespace {

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

class CustomArchiveJob {
 public:
  CustomArchiveJob(InputFile& in, OutputFile& out, TableResolver& resolver, const ArchiveOptions& options)
      : in_(in), out_(out), resolver_(resolver), options_(options), sink_(&out) {}

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
        if (!parsed.ok()) return InFile(parsed.status(), in_.name());
        if (parsed->has_value()) {
          head = std::move(**parsed);
          break;
        }
        if (eof) {
          return ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(buf.size()), in_.name()),
                         "the archive is cut off in its header or table of contents");
        }
        parse_at = std::max<size_t>(2 * buf.size(), size_t{1} << 16);
      }
      if (buf.size() > kMaxHeadBytes) {
        return ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(buf.size()), in_.name()),
                       absl::StrCat("the header and table of contents are longer than ", kMaxHeadBytes >> 20,
                                    " MiB (a damaged archive?)"));
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
        return ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(end_offset_), in_.name()),
                       absl::StrCat("the archive is cut off (no data for TOC entry ", e.dump_id, ")"));
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
      if (!consumed.ok()) return InFile(consumed.status(), in_.name());
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
      if (st.ok()) {
        st = ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(scanner.offset())),
                     "the archive is cut off");
      }
      return InFile(st, in_.name());
    }
    end_offset_ = scanner.offset();
    absl::Status st = scanner.Finish();
    return st.ok() ? st : InFile(st, in_.name());
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
          engine_->Piece(stream_, &payload, 0, true);
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
  OutputFileSink sink_;
  ArchiveEngine* engine_ = nullptr;
  Codecs codecs_;
  bool transcode_ = false;
  int int_size_ = 4;
  TableCatalog ddl_{&resolver_};  // owns the plans in plans_
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

}  // namespace
}  // namespace archive_internal

absl::Status RunCustomArchive(InputFile& in, std::string first_bytes, OutputFile& out, TableResolver& resolver,
                              const ArchiveOptions& options) {
  archive_internal::LockedResolver locked(resolver);
  archive_internal::CustomArchiveJob job(in, out, locked, options);
  return job.Run(std::move(first_bytes));
}

}  // namespace dbanon
