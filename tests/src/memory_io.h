// In-memory doubles of src/io.h's filters for tests and fuzz targets: an
// InputFilter that serves a string in reads of at most `step` bytes, and an
// OutputFilter that appends what it is given to a string. Wrap them with
// InputFile::Filtered / OutputFile::Filtered to run a road (the pipeline, an
// archive job) without files. Each can fail on purpose, with the messages a
// real file would give, to test how a road reports I/O errors.
//
// Thread-safety: like the filters they stand for, one object is used by one
// thread at a time (the road's reader or writer).
#ifndef DBANON_TESTS_SRC_MEMORY_IO_H_
#define DBANON_TESTS_SRC_MEMORY_IO_H_

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/io.h"

namespace dbanon::testing {

// Serves a copy of `data` in reads of at most `step` bytes (and at most what
// the reader asks for); 0 at the end. Once `fail_at` bytes were served every
// read fails with Unavailable ("in.sql: read error: Input/output error").
class MemoryInput : public InputFilter {
 public:
  MemoryInput(std::string_view data, size_t step, size_t fail_at = std::string::npos)
      : data_(data), step_(step), fail_at_(fail_at) {}
  absl::StatusOr<size_t> Read(std::string* buf, size_t max_bytes) override {
    if (pos_ >= fail_at_) return absl::UnavailableError("in.sql: read error: Input/output error");
    const size_t n = std::min({max_bytes, step_, data_.size() - pos_});
    buf->append(data_, pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t step_;
  size_t fail_at_;
  size_t pos_ = 0;
};

// Appends every write to `*out`, which must outlive this object. A write that
// would take `*out` past `fail_after` bytes appends nothing more of that part
// and fails with Unavailable ("out.sql: write error: No space left").
// Commit and Abort do nothing: `*out` holds what was written either way.
class MemoryOutput : public OutputFilter {
 public:
  explicit MemoryOutput(std::string* out, size_t fail_after = std::string::npos)
      : out_(out), fail_after_(fail_after) {}
  absl::Status Write(std::span<const iovec> parts) override {
    for (const iovec& v : parts) {
      if (v.iov_len > fail_after_ - std::min(fail_after_, out_->size())) {
        return absl::UnavailableError("out.sql: write error: No space left");
      }
      out_->append(static_cast<const char*>(v.iov_base), v.iov_len);
    }
    return absl::OkStatus();
  }
  absl::Status Commit() override { return absl::OkStatus(); }
  void Abort() override {}

 private:
  std::string* out_;
  size_t fail_after_;
};

}  // namespace dbanon::testing

#endif  // DBANON_TESTS_SRC_MEMORY_IO_H_
