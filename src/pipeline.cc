#include "src/pipeline.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer.h"
#include "base/exit_class.h"

namespace dbanon {
namespace {

struct Batch {
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

// Every thread runs the same loop: take the next batch (read and framed
// under read_mu_, so batches are framed in input order), rewrite it, then
// write it on its turn (batches are numbered as they are framed and written
// in that order). A batch stays on the thread that read it: its bytes are
// read, rewritten and written from one core's cache, and no thread waits
// for a hand-off.
class Pipeline {
 public:
  Pipeline(InputFile& in, OutputFile& out, Framer& framer, const PipelineOptions& options)
      : in_(in), out_(out), framer_(framer), options_(options) {}

  absl::Status Run(std::string first_bytes) {
    pending_ = std::move(first_bytes);
    std::vector<std::thread> others;
    for (int i = 1; i < options_.threads; ++i) others.emplace_back([this] { Work(); });
    Work();
    for (auto& t : others) t.join();
    return result_;
  }

 private:
  absl::Status Prefixed(const absl::Status& s) {
    return WithMessage(s, absl::StrCat(in_.name(), ":", s.message()));
  }

  // Reads and frames the next batch into `b`. Called with read_mu_ held.
  // Sets input_done_ at the end of the input and on an error.
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
        return Prefixed(consumed.status());
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

  void Rewrite(Batch* b, Scratch& scratch) {
    b->rewritten.resize(b->segments.size());
    for (size_t i = 0; i < b->segments.size(); ++i) {
      const Segment& s = b->segments[i];
      if (s.kind != Segment::Kind::kRows) continue;
      size_t begin = b->output.size();
      absl::Status st = s.rewriter->RewriteAt(*s.plan, std::string_view(b->input).substr(s.begin, s.end - s.begin),
                                              s.first_line, s.first_col, &b->output, scratch);
      if (!st.ok()) {
        b->status = Prefixed(st);
        return;
      }
      b->rewritten[i] = {begin, b->output.size()};
    }
  }

  // Writes `b`: raw segments straight from the input, rewritten rows from
  // the batch's output.
  absl::Status WriteBatch(const Batch& b, std::vector<iovec>* iov) {
    iov->clear();
    for (size_t i = 0; i < b.segments.size(); ++i) {
      const Segment& s = b.segments[i];
      if (s.kind == Segment::Kind::kRows) {
        auto [from, to] = b.rewritten[i];
        if (to > from) iov->push_back(iovec{const_cast<char*>(b.output.data()) + from, to - from});
      } else if (s.kind == Segment::Kind::kRaw && s.end > s.begin) {
        iov->push_back(iovec{const_cast<char*>(b.input.data()) + s.begin, s.end - s.begin});
      }
    }
    return out_.Write(*iov);
  }

  void Work() {
    Batch b;
    Scratch scratch;
    std::vector<iovec> iov;
    while (true) {
      uint64_t seq;
      {
        std::lock_guard<std::mutex> lock(read_mu_);
        if (input_done_ || failed_.load()) return;
        seq = next_seq_++;
        b.Reset();
        b.status = TakeBatch(&b);
      }
      if (b.status.ok() && !failed_.load()) Rewrite(&b, scratch);
      {
        std::unique_lock<std::mutex> lock(write_mu_);
        write_cv_.wait(lock, [&] { return next_write_ == seq; });
      }
      // This thread's turn: every earlier batch is written (or the run failed).
      if (!failed_.load()) {
        absl::Status st = b.status.ok() ? WriteBatch(b, &iov) : b.status;
        if (!st.ok()) {
          result_ = st;  // the first error in input order
          failed_.store(true);
        }
      }
      {
        std::lock_guard<std::mutex> lock(write_mu_);
        ++next_write_;
      }
      write_cv_.notify_all();
    }
  }

  InputFile& in_;
  OutputFile& out_;
  Framer& framer_;
  const PipelineOptions options_;

  std::mutex read_mu_;
  std::string pending_;     // read, not yet framed; guarded by read_mu_
  bool eof_ = false;        // guarded by read_mu_
  bool input_done_ = false; // no batch left to take; guarded by read_mu_
  uint64_t next_seq_ = 0;   // guarded by read_mu_

  std::mutex write_mu_;
  std::condition_variable write_cv_;
  uint64_t next_write_ = 0;  // the batch whose turn it is; guarded by write_mu_

  std::atomic<bool> failed_{false};
  absl::Status result_;  // set by the thread whose turn it is; read after join
};

}  // namespace

absl::Status RunPipeline(InputFile& in, std::string first_bytes, OutputFile& out, Framer& framer,
                         const PipelineOptions& options) {
  Pipeline p(in, out, framer, options);
  return p.Run(std::move(first_bytes));
}

}  // namespace dbanon
