#include "src/pipeline.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer.h"

namespace dbanon {
namespace {

struct Batch {
  std::string input;
  std::vector<Segment> segments;
  // For kRows segments: [begin, end) of their rewritten bytes in output.
  std::vector<std::pair<size_t, size_t>> rewritten;
  std::string output;
  absl::Status status;
  bool needs_work = false;
  bool done = false;
  bool last = false;

  void Reset() {
    input.clear();
    segments.clear();
    rewritten.clear();
    output.clear();
    status = absl::OkStatus();
    needs_work = done = last = false;
  }
};

class Pipeline {
 public:
  Pipeline(InputFile& in, OutputFile& out, Framer& framer, const PipelineOptions& options)
      : in_(in), out_(out), framer_(framer), options_(options) {
    size_t count = 2 * static_cast<size_t>(options.threads) + 2;
    for (size_t i = 0; i < count; ++i) {
      pool_.push_back(std::make_unique<Batch>());
      free_.push_back(pool_.back().get());
    }
  }

  absl::Status Run(std::string first_bytes) {
    if (options_.threads <= 1) return RunInline(std::move(first_bytes));
    std::vector<std::thread> workers;
    for (int i = 0; i < options_.threads; ++i) workers.emplace_back([this] { WorkerLoop(); });
    std::thread writer([this] { WriterLoop(); });
    ReadAndFrame(std::move(first_bytes));
    writer.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    work_cv_.notify_all();
    for (auto& w : workers) w.join();
    return result_;
  }

 private:
  Batch* TakeFree() {
    std::unique_lock<std::mutex> lock(mu_);
    free_cv_.wait(lock, [this] { return !free_.empty(); });
    Batch* b = free_.front();
    free_.pop_front();
    return b;
  }

  void Publish(Batch* b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      order_.push_back(b);
      if (b->needs_work && !cancelled_.load()) {
        work_.push_back(b);
      } else {
        b->done = true;
      }
    }
    work_cv_.notify_one();
    done_cv_.notify_all();
  }

  absl::Status Prefixed(const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat(in_.name(), ":", s.message()));
  }

  void ReadAndFrame(std::string pending) {
    bool eof = false;
    while (true) {
      if (cancelled_.load()) break;
      // Fill up to the batch size (a long row may need more: keep reading).
      while (!eof && pending.size() < options_.batch_bytes) {
        auto n = in_.Read(&pending, std::max<size_t>(options_.batch_bytes - pending.size(), 1 << 16));
        if (!n.ok()) {
          Batch* b = TakeFree();
          b->status = n.status();
          b->last = true;
          Publish(b);
          return;
        }
        if (*n == 0) eof = true;
      }
      Batch* b = TakeFree();
      auto consumed = framer_.Frame(pending, eof, &b->segments);
      if (!consumed.ok()) {
        b->segments.clear();
        b->status = Prefixed(consumed.status());
        b->last = true;
        Publish(b);
        return;
      }
      if (*consumed == 0 && !eof) {
        // A row longer than the batch: read more before framing again.
        b->Reset();
        {
          std::lock_guard<std::mutex> lock(mu_);
          free_.push_front(b);
        }
        auto n = in_.Read(&pending, options_.batch_bytes);
        if (!n.ok()) {
          Batch* e = TakeFree();
          e->status = n.status();
          e->last = true;
          Publish(e);
          return;
        }
        if (*n == 0) eof = true;
        continue;
      }
      // The batch keeps the framed bytes; the unframed tail moves on.
      b->input.swap(pending);
      pending.assign(b->input, *consumed, std::string::npos);
      b->input.resize(*consumed);
      for (const Segment& s : b->segments) {
        if (s.kind == Segment::Kind::kRows) b->needs_work = true;
      }
      b->last = eof;
      Publish(b);
      if (eof) return;
    }
    // Cancelled by the writer: tell it the stream ended.
    Batch* b = TakeFree();
    b->last = true;
    Publish(b);
  }

  void WorkerLoop() {
    Scratch scratch;
    while (true) {
      Batch* b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [this] { return shutdown_ || !work_.empty(); });
        if (work_.empty()) return;
        b = work_.front();
        work_.pop_front();
      }
      if (!cancelled_.load()) Rewrite(b, scratch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        b->done = true;
      }
      done_cv_.notify_all();
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

  // Writes `b` in order, or records its error: returns false when the run
  // has failed (result_ set, the others told to stop).
  bool WriteBatch(Batch* b, std::vector<iovec>* iov) {
    if (!b->status.ok()) {
      result_ = b->status;
      cancelled_.store(true);
      return false;
    }
    iov->clear();
    for (size_t i = 0; i < b->segments.size(); ++i) {
      const Segment& s = b->segments[i];
      if (s.kind == Segment::Kind::kRows) {
        auto [from, to] = b->rewritten[i];
        if (to > from) iov->push_back(iovec{b->output.data() + from, to - from});
      } else if (s.kind == Segment::Kind::kRaw && s.end > s.begin) {
        iov->push_back(iovec{b->input.data() + s.begin, s.end - s.begin});
      }
    }
    absl::Status st = out_.Write(*iov);
    if (!st.ok()) {
      result_ = st;
      cancelled_.store(true);
      return false;
    }
    return true;
  }

  // -j 1: read, frame, rewrite and write on the calling thread, one batch
  // at a time (no hand-off between threads; one core is all it uses).
  absl::Status RunInline(std::string pending) {
    Batch* b = pool_.front().get();
    Scratch scratch;
    std::vector<iovec> iov;
    bool eof = false;
    while (true) {
      b->Reset();
      while (!eof && pending.size() < options_.batch_bytes) {
        auto n = in_.Read(&pending, std::max<size_t>(options_.batch_bytes - pending.size(), 1 << 16));
        if (!n.ok()) return n.status();
        if (*n == 0) eof = true;
      }
      auto consumed = framer_.Frame(pending, eof, &b->segments);
      if (!consumed.ok()) return Prefixed(consumed.status());
      if (*consumed == 0 && !eof) {
        auto n = in_.Read(&pending, options_.batch_bytes);  // a row longer than the batch
        if (!n.ok()) return n.status();
        if (*n == 0) eof = true;
        continue;
      }
      b->input.swap(pending);
      pending.assign(b->input, *consumed, std::string::npos);
      b->input.resize(*consumed);
      Rewrite(b, scratch);
      if (!WriteBatch(b, &iov)) return result_;
      if (eof) return absl::OkStatus();
    }
  }

  void WriterLoop() {
    std::vector<iovec> iov;
    bool failed = false;
    while (true) {
      Batch* b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [this] { return !order_.empty() && order_.front()->done; });
        b = order_.front();
        order_.pop_front();
      }
      if (!failed) failed = !WriteBatch(b, &iov);
      bool last = b->last;
      b->Reset();
      {
        std::lock_guard<std::mutex> lock(mu_);
        free_.push_back(b);
      }
      free_cv_.notify_one();
      if (last) return;
    }
  }

  InputFile& in_;
  OutputFile& out_;
  Framer& framer_;
  PipelineOptions options_;

  std::mutex mu_;
  std::condition_variable free_cv_, work_cv_, done_cv_;
  std::vector<std::unique_ptr<Batch>> pool_;
  std::deque<Batch*> free_;   // guarded by mu_
  std::deque<Batch*> work_;   // guarded by mu_
  std::deque<Batch*> order_;  // guarded by mu_
  bool shutdown_ = false;     // guarded by mu_
  std::atomic<bool> cancelled_{false};
  absl::Status result_;  // written by the writer thread only, read after join
};

}  // namespace

absl::Status RunPipeline(InputFile& in, std::string first_bytes, OutputFile& out, Framer& framer,
                         const PipelineOptions& options) {
  Pipeline p(in, out, framer, options);
  return p.Run(std::move(first_bytes));
}

}  // namespace dbanon
