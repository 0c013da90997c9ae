#include "src/compressed_io.h"

#include <deque>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/base/thread_annotations.h"
#include "base/exit_class.h"
#include "base/mutex.h"
#include "base/string_view_compat.h"
#include "src/archive_engine.h"
#include "src/output_sink.h"

namespace dbanon {
namespace {

constexpr size_t kStepBytes = size_t{1} << 20;
constexpr size_t kQueueDepth = 4;

// State shared by the reader and its thread; the thread keeps it alive if
// the reader is destroyed while the thread is blocked reading.
struct DecompressState {
  InputFile raw;
  std::string head;
  std::unique_ptr<Decompressor> decompressor;
  std::string name;

  Mutex mu;
  CondVar cv;  // any of the members below changed
  std::deque<std::string> full ABSL_GUARDED_BY(mu);
  bool ended ABSL_GUARDED_BY(mu) = false;  // no more buffers will come
  absl::Status status ABSL_GUARDED_BY(mu);
  bool stop ABSL_GUARDED_BY(mu) = false;
  bool finished ABSL_GUARDED_BY(mu) = false;  // the thread returned

  explicit DecompressState(InputFile f) : raw(std::move(f)) {}

  // Returns false when the reader went away.
  bool Push(std::string* buf) {
    MutexLock lock(&mu);
    while (!stop && full.size() >= kQueueDepth) cv.Wait(&mu);
    if (stop) return false;
    full.push_back(std::move(*buf));
    buf->clear();
    cv.SignalAll();
    return true;
  }

  absl::Status Status() {
    MutexLock lock(&mu);
    return status;
  }

  void End(absl::Status s) {
    MutexLock lock(&mu);
    ended = true;
    status = std::move(s);
    cv.SignalAll();
  }

  void Run() {
    std::string in = std::move(head);
    std::string out;
    bool eof = false;
    while (true) {
      if (in.empty() && !eof) {
        auto n = raw.Read(&in, kStepBytes);
        if (!n.ok()) return End(n.status());
        if (*n == 0) eof = true;
      }
      std::string_view view = in;
      while (true) {
        size_t before = out.size();
        size_t room = kStepBytes;
        absl::Status s = decompressor->Decompress(&view, &out, room);
        if (!s.ok()) return End(WithMessage(s, absl::StrCat(name, ": ", s.message())));
        bool more = out.size() - before == room;
        if (out.size() >= kStepBytes && !Push(&out)) return End(absl::OkStatus());
        if (view.empty() && !more) break;
      }
      in.clear();
      if (eof) {
        if (!out.empty() && !Push(&out)) return End(absl::OkStatus());
        absl::Status s = decompressor->Finish();
        if (!s.ok()) return End(WithMessage(s, absl::StrCat(name, ": ", s.message())));
        return End(absl::OkStatus());
      }
    }
  }
};

class DecompressingFilter : public InputFilter {
 public:
  explicit DecompressingFilter(std::shared_ptr<DecompressState> state) : state_(std::move(state)) {
    thread_ = std::thread([s = state_] {
      s->Run();
      MutexLock lock(&s->mu);
      s->finished = true;
    });
  }
  ~DecompressingFilter() override {
    bool finished;
    {
      MutexLock lock(&state_->mu);
      state_->stop = true;
      finished = state_->finished;
      state_->cv.SignalAll();
    }
    // A thread blocked reading a quiet pipe may never return: let it go; it
    // holds the state it uses.
    if (finished) {
      thread_.join();
    } else {
      thread_.detach();
    }
  }

  absl::StatusOr<size_t> Read(std::string* buf, size_t max_bytes) override {
    if (current_pos_ == current_.size()) {
      current_.clear();
      current_pos_ = 0;
      MutexLock lock(&state_->mu);
      while (state_->full.empty() && !state_->ended) state_->cv.Wait(&state_->mu);
      if (state_->full.empty()) {
        if (!state_->status.ok()) return state_->status;
        return size_t{0};
      }
      current_ = std::move(state_->full.front());
      state_->full.pop_front();
      state_->cv.SignalAll();
    }
    size_t n = std::min(max_bytes, current_.size() - current_pos_);
    buf->append(current_, current_pos_, n);
    current_pos_ += n;
    return n;
  }

 private:
  std::shared_ptr<DecompressState> state_;
  std::thread thread_;
  std::string current_;
  size_t current_pos_ = 0;
};

// Compresses through an ArchiveEngine: the written bytes become the pieces
// of one stream, compressed on the engine's workers, written in order.
class CompressingFilter : public OutputFilter {
 public:
  CompressingFilter(OutputFile raw, const CompressionSpec& spec, int threads)
      : raw_(std::move(raw)), sink_(&raw_), engine_(threads, kStepBytes) {
    stream_ = std::make_shared<ArchiveStream>();
    stream_->codec = spec;
    stream_->container = Container::kGzip;
    stream_->sink = &sink_;
    stream_->where = "<output>";
    if (spec.algorithm == Algorithm::kZstd || spec.algorithm == Algorithm::kLz4) {
      auto c = StreamCompressor::Create(spec, Container::kGzip, threads);
      if (c.ok()) {
        stream_->sequential = *std::move(c);
      } else {
        init_ = c.status();
      }
    }
  }
  ~CompressingFilter() override {
    if (!finished_) Abort();
  }

  absl::Status Write(std::span<const iovec> parts) override {
    if (!init_.ok()) return init_;
    for (const iovec& v : parts) {
      pending_.append(static_cast<const char*>(v.iov_base), v.iov_len);
      if (pending_.size() >= kStepBytes) {
        if (finished_) return stopped_;
        if (engine_.cancelled()) return Stop();
        engine_.Piece(stream_, &pending_, index_++, false);
      }
    }
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    if (!init_.ok()) {
      Abort();
      return init_;
    }
    if (finished_) {
      raw_.Abort();
      return stopped_;
    }
    engine_.Piece(stream_, &pending_, index_++, true);
    finished_ = true;
    absl::Status s = engine_.Finish();
    if (!s.ok()) {
      raw_.Abort();
      return s;
    }
    return raw_.Commit();
  }

  void Abort() override {
    if (!finished_) {
      finished_ = true;
      engine_.Fail(absl::CancelledError("aborted"));
      (void)engine_.Finish();
    }
    raw_.Abort();
  }

 private:
  absl::Status Stop() {
    finished_ = true;
    absl::Status s = engine_.Finish();
    stopped_ = s.ok() ? absl::InternalError("compression stopped") : s;
    return stopped_;
  }

  OutputFile raw_;
  OutputFileSink sink_;
  ArchiveEngine engine_;
  std::shared_ptr<ArchiveStream> stream_;
  absl::Status init_;
  absl::Status stopped_;
  std::string pending_;
  int64_t index_ = 0;
  bool finished_ = false;
};

}  // namespace

InputFile DecompressingInput(InputFile raw, std::string head, Algorithm algorithm) {
  std::string name = raw.name();
  auto state = std::make_shared<DecompressState>(std::move(raw));
  state->head = std::move(head);
  state->name = name;
  auto d = Decompressor::Create(algorithm, Container::kGzip, true);
  if (!d.ok()) {
    state->End(d.status());
  } else {
    state->decompressor = *std::move(d);
  }
  if (state->decompressor == nullptr) {
    // Report the failure on the first read.
    class Failed : public InputFilter {
     public:
      explicit Failed(absl::Status s) : s_(std::move(s)) {}
      absl::StatusOr<size_t> Read(std::string*, size_t) override { return s_; }

     private:
      absl::Status s_;
    };
    return InputFile::Filtered(name, std::make_unique<Failed>(state->Status()));
  }
  return InputFile::Filtered(name, std::make_unique<DecompressingFilter>(std::move(state)));
}

OutputFile CompressingOutput(OutputFile raw, const CompressionSpec& spec, int threads) {
  return OutputFile::Filtered(std::make_unique<CompressingFilter>(std::move(raw), spec, threads));
}

std::optional<Algorithm> CompressionForPath(const std::string& path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() > suffix.size() && std::string_view(path).substr(path.size() - suffix.size()) == suffix;
  };
  if (ends(".gz")) return Algorithm::kGzip;
  if (ends(".zst")) return Algorithm::kZstd;
  if (ends(".lz4")) return Algorithm::kLz4;
  return std::nullopt;
}

}  // namespace dbanon
