#include "src/pipeline.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer.h"
#include "base/exit_class.h"
#include "base/source_position.h"
#include "src/piece_engine.h"

namespace dbanon {
namespace {

struct Batch : public PieceEngine::Piece {
  std::string input;
  std::vector<Segment> segments;
  // For kRows segments: [begin, end) of their rewritten bytes in output.
  std::vector<std::pair<size_t, size_t>> rewritten;
  std::string output;
  absl::Status status;

  void Reset() {
    input.clear();
    segments.clear();
    rewritten.clear();
    output.clear();
    status = absl::OkStatus();
  }
};

// The plain road on the piece engine (src/piece_engine.h), in pull mode:
// each of the N threads takes the engine's producer lock, reads and frames
// the next batch (Produce: batches are framed in input order), rewrites its
// rows without a lock (Transform) and the batches are written in input
// order (Write). A batch stays on the thread that read it: its bytes are
// read and rewritten from one core's cache, with no hand-off.
class Pipeline : public PieceEngine::Road {
 public:
  Pipeline(InputFile& in, OutputFile& out, Framer& framer, const PipelineOptions& options)
      : in_(in), out_(out), framer_(framer), options_(options) {}

  absl::Status Run(std::string first_bytes) {
    pending_ = std::move(first_bytes);
    // N + 1 batches: a thread whose batch waits for its turn to be written
    // goes on with the next one.
    int threads = std::max(options_.threads, 1);
    PieceEngine engine(this, /*workers=*/0, static_cast<size_t>(threads) + 1);
    return engine.Pull(threads);
  }

  bool Produce(PieceEngine::Piece& piece, bool* transform) override {
    Batch* b = static_cast<Batch*>(&piece);
    b->status = TakeBatch(b);
    *transform = b->status.ok();
    return !input_done_;
  }

  std::unique_ptr<PieceEngine::Piece> NewPiece() override { return std::make_unique<Batch>(); }

  void Transform(PieceEngine::Piece& piece, Scratch& scratch) override {
    Batch* b = static_cast<Batch*>(&piece);
    b->rewritten.resize(b->segments.size());
    for (size_t i = 0; i < b->segments.size(); ++i) {
      const Segment& s = b->segments[i];
      if (s.kind != Segment::Kind::kRows) continue;
      size_t begin = b->output.size();
      absl::Status st = s.rewriter->Rewrite(*s.plan, std::string_view(b->input).substr(s.begin, s.end - s.begin),
                                            s.first_line, s.first_col, &b->output, scratch);
      if (!st.ok()) {
        b->status = InFile(st, in_.name());
        return;
      }
      b->rewritten[i] = {begin, b->output.size()};
    }
  }

  // Writes `b`: raw segments straight from the input, rewritten rows from
  // the batch's output. A batch that failed (read, framing or rewrite
  // error) gives its error instead: the first in input order wins.
  absl::Status Write(PieceEngine::Piece& piece) override {
    const Batch& b = static_cast<const Batch&>(piece);
    if (!b.status.ok()) return b.status;
    iov_.clear();
    for (size_t i = 0; i < b.segments.size(); ++i) {
      const Segment& s = b.segments[i];
      if (s.kind == Segment::Kind::kRows) {
        auto [from, to] = b.rewritten[i];
        if (to > from) iov_.push_back(iovec{const_cast<char*>(b.output.data()) + from, to - from});
      } else if (s.kind == Segment::Kind::kRaw && s.end > s.begin) {
        iov_.push_back(iovec{const_cast<char*>(b.input.data()) + s.begin, s.end - s.begin});
      }
    }
    return out_.Write(iov_);
  }

  void Recycle(PieceEngine::Piece& piece) override { static_cast<Batch*>(&piece)->Reset(); }

 private:
  // Reads and frames the next batch into `b` (under the engine's producer
  // lock). Sets input_done_ at the end of the input and on an error.
  absl::Status TakeBatch(Batch* b) {
    size_t want = options_.batch_bytes;
    while (true) {
      while (!eof_ && pending_.size() < want) {
        auto n = in_.Read(&pending_, std::max<size_t>(want - pending_.size(), 1 << 16));
        if (!n.ok()) {
          input_done_ = true;
          return n.status();
        }
        if (*n == 0) eof_ = true;
      }
      auto consumed = framer_.Frame(pending_, eof_, &b->segments);
      if (!consumed.ok()) {
        b->segments.clear();
        input_done_ = true;
        return InFile(consumed.status(), in_.name());
      }
      if (*consumed == 0 && !eof_) {
        // A row longer than the batch: read a batch more before framing again.
        b->segments.clear();
        want = pending_.size() + options_.batch_bytes;
        continue;
      }
      if (*consumed == 0 && !pending_.empty()) {
        // At the end of the input a framer takes everything or fails: never
        // drop what is left in silence.
        input_done_ = true;
        return absl::InternalError(
            absl::StrCat(in_.name(), ": the parser stopped before the end of the input"));
      }
      // The batch keeps the framed bytes; the unframed tail moves on (at the
      // end of the input, to the next batch).
      b->input.swap(pending_);
      pending_.assign(b->input, *consumed, std::string::npos);
      b->input.resize(*consumed);
      if (eof_ && pending_.empty()) input_done_ = true;
      return absl::OkStatus();
    }
  }

  InputFile& in_;
  OutputFile& out_;
  Framer& framer_;
  const PipelineOptions options_;

  // Produce's, under the engine's producer lock.
  std::string pending_;  // read, not yet framed
  bool eof_ = false;
  bool input_done_ = false;  // no batch left to take

  std::vector<iovec> iov_;  // Write's (one call at a time)
};

}  // namespace

absl::Status RunPipeline(InputFile& in, std::string first_bytes, OutputFile& out, Framer& framer,
                         const PipelineOptions& options) {
  Pipeline p(in, out, framer, options);
  return p.Run(std::move(first_bytes));
}

}  // namespace dbanon
