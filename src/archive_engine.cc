#include "src/archive_engine.h"

#include <cstring>

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/source_position.h"
#include "base/string_view_compat.h"
#include "parsers/pg_archive.h"

namespace dbanon {
namespace {

// Payload bytes per chunk in the custom format. pg_dump writes 4 KiB chunks
// for zlib; pg_restore accepts any positive length and grows its buffer
// (pg_backup_custom.c _PrintData; formats.md B.4).
constexpr size_t kMaxChunk = size_t{64} << 10;

bool IndependentPieces(const ArchiveStream& s) { return s.codec.algorithm == Algorithm::kGzip; }

void AppendChunks(std::string_view data, int int_size, std::string* out) {
  for (size_t pos = 0; pos < data.size(); pos += kMaxChunk) {
    size_t n = std::min(kMaxChunk, data.size() - pos);
    AppendArchiveInt(static_cast<int64_t>(n), int_size, out);
    out->append(data.data() + pos, n);
  }
}

}  // namespace

absl::Status StreamError(const ArchiveStream& s, const absl::Status& st) {
  std::optional<SourcePosition> pos = ErrorPosition(st);
  if (pos.has_value() && !pos->is_byte() && pos->file.empty()) {
    std::string_view what = MessageWithoutPosition(st);
    if (s.file_positions) {
      return ErrorAt(WithMessage(st, what), SourcePosition::LineColumn(pos->line, pos->column, s.where));
    }
    // Inside an archive the stream has no lines of its own to point at: the
    // line and column go into the text, the position (the entry's byte
    // offset) is in `where`.
    absl::Status out =
        WithMessage(st, absl::StrCat(s.where, ": line ", pos->line, ", column ", pos->column, ": ", ToAbsl(what)));
    out.ErasePayload(ToAbsl(kSourcePositionPayloadUrl));
    return out;
  }
  return WithMessage(st, absl::StrCat(s.where, ": ", st.message()));
}

struct ArchiveEngine::Item : public PieceEngine::Piece {
  Sink* sink = nullptr;
  std::string input;
  std::vector<std::pair<size_t, int64_t>> marks;  // (offset in input, dump id)
  std::shared_ptr<ArchiveStream> stream;          // set for a piece
  std::vector<Segment> segments;                  // a piece's bytes: kRows are rewritten, kRaw copied
  int64_t index = 0;
  bool last_piece = false;
  // Results.
  std::string output;  // compressed bytes
  std::string heads;   // chunked streams: the length word of each chunk of output
  uint32_t check = 0;
  uint64_t plain_length = 0;
  int64_t rows = 0;
  absl::Status status;  // a rewrite error, or the reader's Fail

  void Reset() {
    sink = nullptr;
    input.clear();
    marks.clear();
    stream.reset();
    segments.clear();
    index = 0;
    last_piece = false;
    output.clear();
    heads.clear();
    check = 0;
    plain_length = 0;
    rows = 0;
    status = absl::OkStatus();
  }
};

// What the piece engine does with the items: Transform rewrites and
// compresses a piece of a stream; Write puts an item's bytes in its sink and
// keeps the per-stream state (checks, lengths, row counts).
class ArchiveEngine::Road : public PieceEngine::Road {
 public:
  void set_engine(const PieceEngine* engine) { engine_ = engine; }

  std::unique_ptr<PieceEngine::Piece> NewPiece() override { return std::make_unique<Item>(); }

  void Transform(PieceEngine::Piece& piece, Scratch& scratch) override {
    Item* item = static_cast<Item*>(&piece);
    ArchiveStream& s = *item->stream;
    thread_local std::string plain;
    thread_local std::string compressed;
    plain.clear();
    compressed.clear();
    std::string_view data = item->input;
    bool rewrite = false;
    for (const Segment& seg : item->segments) rewrite = rewrite || seg.kind == Segment::Kind::kRows;
    if (!engine_->stopping() && rewrite) {
      for (const Segment& seg : item->segments) {
        std::string_view bytes = data.substr(seg.begin, seg.end - seg.begin);
        if (seg.kind == Segment::Kind::kRaw) {
          plain.append(bytes);
        } else if (seg.kind == Segment::Kind::kRows) {
          absl::Status st = seg.rewriter->Rewrite(*seg.plan, bytes, seg.first_line, seg.first_col, &plain, scratch);
          if (!st.ok()) {
            item->status = st;  // Write adds the stream's name
            break;
          }
        }
      }
      data = plain;
    }
    item->plain_length = data.size();
    if (s.sequential != nullptr) {
      // One compressor per stream, fed in piece order. A worker waits only
      // for pieces queued before its own, which other workers already hold;
      // every piece takes its turn, even after an error (the engine calls
      // Transform for every piece), so no one waits for ever.
      MutexLock lock(&s.seq_mu);
      while (s.next_piece != item->index) s.seq_cv.Wait(&s.seq_mu);
      if (item->status.ok() && !engine_->stopping()) {
        absl::Status st = s.sequential->Compress(data, item->last_piece, &compressed);
        if (!st.ok()) item->status = st;
      }
      ++s.next_piece;
      s.seq_cv.SignalAll();
    } else if (item->status.ok() && !engine_->stopping()) {
      if (IndependentPieces(s)) {
        if (item->index == 0) compressed = DeflateHeader(s.container, s.codec.level);
        absl::Status st = DeflatePiece(data, s.codec.level, item->last_piece, &compressed);
        if (!st.ok()) item->status = st;
        item->check = PieceCheck(s.container, data);
      } else {
        compressed.assign(data);  // stored
      }
    }
    if (!item->status.ok()) return;
    // The compressed bytes change hands, not places: the chunks' length
    // words go into heads, and Write sends them between the chunks' bytes.
    item->output.swap(compressed);
    if (s.chunked) {
      for (size_t pos = 0; pos < item->output.size(); pos += kMaxChunk) {
        AppendArchiveInt(static_cast<int64_t>(std::min(kMaxChunk, item->output.size() - pos)), s.int_size,
                         &item->heads);
      }
    }
  }

  absl::Status Write(PieceEngine::Piece& piece) override {
    Item* item = static_cast<Item*>(&piece);
    if (!item->status.ok()) {
      return item->stream != nullptr ? StreamError(*item->stream, item->status) : item->status;
    }
    iov_.clear();
    tail_.clear();
    Sink* sink = item->sink;
    if (item->stream == nullptr) {
      for (const auto& [offset, id] : item->marks) positions_[id] = sink->written + offset;
      if (!item->input.empty()) iov_.push_back(iovec{item->input.data(), item->input.size()});
    } else {
      ArchiveStream& s = *item->stream;
      if (IndependentPieces(s)) {
        s.check = item->index == 0 ? item->check : CombineChecks(s.container, s.check, item->check, item->plain_length);
      }
      s.length += item->plain_length;
      s.rows += item->rows;
      if (s.chunked) {
        // {Int len, bytes} per chunk of at most kMaxChunk bytes; every
        // length word is a sign byte and int_size bytes (WriteInt).
        const size_t word = static_cast<size_t>(s.int_size) + 1;
        size_t head = 0;
        for (size_t pos = 0; pos < item->output.size(); pos += kMaxChunk) {
          iov_.push_back(iovec{item->heads.data() + head, word});
          iov_.push_back(iovec{item->output.data() + pos, std::min(kMaxChunk, item->output.size() - pos)});
          head += word;
        }
      } else if (!item->output.empty()) {
        iov_.push_back(iovec{item->output.data(), item->output.size()});
      }
      if (item->last_piece) {
        if (IndependentPieces(s)) {
          std::string trailer = DeflateTrailer(s.container, s.check, s.length);
          if (s.chunked) {
            AppendChunks(trailer, s.int_size, &tail_);
          } else {
            tail_.append(trailer);
          }
        }
        if (s.chunked) AppendArchiveInt(0, s.int_size, &tail_);
        if (!tail_.empty()) iov_.push_back(iovec{tail_.data(), tail_.size()});
      }
    }
    if (!iov_.empty()) {
      absl::Status st = sink->Write(iov_);
      if (!st.ok()) return st;
      for (const iovec& v : iov_) sink->written += v.iov_len;
    }
    if (item->stream != nullptr && item->last_piece) {
      ArchiveStream& s = *item->stream;
      if (s.close_sink) {
        absl::Status st = sink->Close();
        if (!st.ok()) return st;
      }
      if (s.count_table.has_value() && s.resolver != nullptr) s.resolver->CountRows(*s.count_table, s.rows);
    }
    return absl::OkStatus();
  }

  void Recycle(PieceEngine::Piece& piece) override { static_cast<Item*>(&piece)->Reset(); }

  // Filled by Write; read by the reader after Finish.
  std::map<int64_t, uint64_t> positions_;

 private:
  const PieceEngine* engine_ = nullptr;
  // Write's (one call at a time).
  std::vector<iovec> iov_;
  std::string tail_;
};

ArchiveEngine::ArchiveEngine(int threads, size_t batch_bytes)
    : batch_bytes_(batch_bytes), road_(std::make_unique<Road>()) {
  size_t workers = static_cast<size_t>(std::max(threads, 1));
  engine_ = std::make_unique<PieceEngine>(road_.get(), static_cast<int>(workers), 2 * workers + 2);
  road_->set_engine(engine_.get());
}

ArchiveEngine::~ArchiveEngine() {
  if (!finished_) {
    Fail(absl::CancelledError("abandoned"));
    (void)Finish();
  }
}

const std::map<int64_t, uint64_t>& ArchiveEngine::BlockPositions() const { return road_->positions_; }

ArchiveEngine::Item* ArchiveEngine::TakeItem(Sink* sink) {
  Item* item = static_cast<Item*>(engine_->Acquire());
  item->sink = sink;
  return item;
}

void ArchiveEngine::FlushRaw() {
  if (raw_ == nullptr) return;
  Item* item = raw_;
  raw_ = nullptr;
  engine_->Submit(item, /*transform=*/false);
}

void ArchiveEngine::Raw(Sink* sink, std::string_view bytes) {
  while (!bytes.empty()) {
    if (raw_ != nullptr && (raw_->sink != sink || raw_->input.size() >= batch_bytes_)) FlushRaw();
    if (raw_ == nullptr) raw_ = TakeItem(sink);
    size_t n = std::min(bytes.size(), std::max<size_t>(batch_bytes_ - std::min(batch_bytes_, raw_->input.size()), 1));
    raw_->input.append(bytes.data(), n);
    bytes.remove_prefix(n);
  }
}

void ArchiveEngine::Mark(Sink* sink, int64_t dump_id) {
  if (raw_ != nullptr && (raw_->sink != sink || raw_->input.size() >= batch_bytes_)) FlushRaw();
  if (raw_ == nullptr) raw_ = TakeItem(sink);
  raw_->marks.emplace_back(raw_->input.size(), dump_id);
}

void ArchiveEngine::Piece(const std::shared_ptr<ArchiveStream>& stream, std::string* input,
                          std::vector<Segment>* segments, int64_t rows, int64_t index, bool last) {
  FlushRaw();
  Item* item = TakeItem(stream->sink);
  item->input.swap(*input);
  input->clear();
  item->stream = stream;
  item->segments.swap(*segments);
  segments->clear();
  item->rows = rows;
  item->index = index;
  item->last_piece = last;
  engine_->Submit(item, /*transform=*/true);
}

void ArchiveEngine::Piece(const std::shared_ptr<ArchiveStream>& stream, std::string* input, int64_t index,
                          bool last) {
  std::vector<Segment> none;
  Piece(stream, input, &none, 0, index, last);
}

void ArchiveEngine::Fail(absl::Status status) {
  FlushRaw();
  Item* item = TakeItem(nullptr);
  item->status = std::move(status);
  engine_->Submit(item, /*transform=*/false);
}

absl::Status ArchiveEngine::Finish() {
  if (finished_) return result_;
  finished_ = true;
  FlushRaw();
  result_ = engine_->Finish();
  return result_;
}

StreamFeeder::StreamFeeder(ArchiveEngine* engine, std::shared_ptr<ArchiveStream> stream,
                           std::unique_ptr<Decompressor> decompressor, size_t batch_bytes)
    : engine_(engine),
      stream_(std::move(stream)),
      decompressor_(std::move(decompressor)),
      batch_bytes_(batch_bytes),
      after_terminator_(stream_->plan == nullptr) {
  Reserve(&pending_);
  if (stream_->plan != nullptr) {
    cutter_.Start(stream_->plan->table.Display(), stream_->plan, false, 0, 1, 1, stream_->layout);
    stream_->plans = cutter_.plans();
  }
}

void StreamFeeder::Reserve(std::string* buffer) const {
  // What Add lets pending_ reach before it publishes: batch_bytes_, or one
  // decompression step of at most kMinRoom past it.
  buffer->reserve(batch_bytes_ + kMinRoom);
}

absl::Status StreamFeeder::Error(std::string_view message) const {
  return absl::DataLossError(absl::StrCat(stream_->where, ": ", ToAbsl(message)));
}

absl::Status StreamFeeder::Add(std::string_view input) {
  if (decompressor_ == nullptr) {
    pending_.append(input.data(), input.size());
    return pending_.size() >= batch_bytes_ ? Publish(false) : absl::OkStatus();
  }
  while (true) {
    size_t room = std::max<size_t>(batch_bytes_ - std::min(batch_bytes_, pending_.size()), kMinRoom);
    size_t before = pending_.size();
    absl::Status st = decompressor_->Decompress(&input, &pending_, room);
    if (!st.ok()) return Error(ToStd(st.message()));
    bool full = pending_.size() - before == room;
    if (pending_.size() >= batch_bytes_) {
      st = Publish(false);
      if (!st.ok()) return st;
    }
    if (input.empty() && !full) return absl::OkStatus();
  }
}

absl::Status StreamFeeder::Finish() {
  if (decompressor_ != nullptr) {
    absl::Status st = decompressor_->Finish();
    if (!st.ok()) return Error(ToStd(st.message()));
  }
  return Publish(true);
}

absl::Status StreamFeeder::Publish(bool final) {
  if (!after_terminator_) {
    // The rows up to the line `\.`, cut by the one COPY row cutter
    // (parsers/pg_copy.h); pg_dump follows that line with two empty lines
    // (formats.md B.4). Only whole rows are ever published, so pending_
    // starts at a row start.
    auto stop = cutter_.Cut(pending_, &cut_, final, &segments_);
    if (!stop.ok()) return StreamError(*stream_, stop.status());
    switch (*stop) {
      case CopyRowCutter::Stop::kMore:
        break;
      case CopyRowCutter::Stop::kEnd:
        after_terminator_ = true;
        tail_from_ = cut_;
        break;
      case CopyRowCutter::Stop::kEndNoNewline:
      case CopyRowCutter::Stop::kCutOff:
        return Error("the table data is cut off inside a row");
    }
  }
  if (after_terminator_) {
    // The rest, from the end line on, is copied. pg_dump writes only empty
    // lines after it (dumpTableData_copy); more would be rows hidden behind
    // a damaged end line.
    if (stream_->plan != nullptr && pending_.find_first_not_of('\n', tail_from_) != std::string::npos) {
      return Error("the table data goes on after its end-of-data line (\\.)");
    }
    if (!final && pending_.size() < batch_bytes_) return absl::OkStatus();
    if (pending_.size() > cut_) segments_.push_back(Segment{Segment::Kind::kRaw, cut_, pending_.size(), 0});
    engine_->Piece(stream_, &pending_, &segments_, cutter_.rows() - rows_published_, index_++, final);
    if (!final) Reserve(&pending_);
    rows_published_ = cutter_.rows();
    cut_ = 0;
    tail_from_ = 0;
    return absl::OkStatus();
  }
  if (final) return Error("the table data ends without its end-of-data line (\\.)");
  if (cut_ == 0) return absl::OkStatus();  // a long row: wait for its end
  // The part row after the cut goes into spare_, a buffer the pool gave
  // back; the piece's buffer goes to the engine, which hands back an empty
  // one of a recycled piece: no buffer is freed and grown again per piece.
  spare_.assign(pending_, cut_, std::string::npos);
  pending_.resize(cut_);
  engine_->Piece(stream_, &pending_, &segments_, cutter_.rows() - rows_published_, index_++, false);
  rows_published_ = cutter_.rows();
  pending_.swap(spare_);
  Reserve(&pending_);
  cut_ = 0;
  return absl::OkStatus();
}

}  // namespace dbanon
