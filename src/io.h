// Input and output files for the pipeline.
//
// InputFile reads a file or standard input in large chunks. OutputFile writes
// standard output, or writes FILE atomically: bytes go to a temporary file in
// FILE's folder, which Commit() renames over FILE; Abort() (or destruction
// without Commit) removes it, so a failed run leaves FILE as it was. A FILE
// that exists and is not a regular file (a FIFO, /dev/null) is written in
// place.
//
// Errors: Open* return NotFound / PermissionDenied / Unavailable with the
// path and the system's reason; Read/Write return Unavailable, except a
// write to a closed pipe (EPIPE), which is Aborted so the caller can end
// quietly.
//
// Thread-safety: none; each object is used by one thread at a time.
#ifndef DBANON_SRC_IO_H_
#define DBANON_SRC_IO_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dbanon {

// A stage an InputFile delegates its reads to (a decompressor running on
// its own thread: src/compressed_io.h). Same contract as InputFile::Read.
class InputFilter {
 public:
  virtual ~InputFilter() = default;
  virtual absl::StatusOr<size_t> Read(std::string* buf, size_t max_bytes) = 0;
};

// A stage an OutputFile delegates to (a compressor on its own thread); it
// owns the file it finally writes to.
class OutputFilter {
 public:
  virtual ~OutputFilter() = default;
  virtual absl::Status Write(std::span<const iovec> parts) = 0;
  virtual absl::Status Commit() = 0;
  virtual void Abort() = 0;
};

class InputFile {
 public:
  // "-" is standard input.
  static absl::StatusOr<InputFile> Open(const std::string& path);
  // Reads what `filter` produces; `name` is used in messages.
  static InputFile Filtered(std::string name, std::unique_ptr<InputFilter> filter);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  ~InputFile();

  // Appends up to `max_bytes` to `buf` (at least one byte unless at end of
  // input). Returns the number of bytes appended; 0 means end of input.
  absl::StatusOr<size_t> Read(std::string* buf, size_t max_bytes);
  // The name used in messages: the path, or "<stdin>".
  const std::string& name() const { return name_; }

 private:
  InputFile(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {}
  int fd_;
  std::string name_;
  bool owned_;
  std::unique_ptr<InputFilter> filter_;
};

class OutputFile {
 public:
  // "-" is standard output.
  static absl::StatusOr<OutputFile> Open(const std::string& path);
  // Writes to an open descriptor (not closed, no temporary file), for
  // benchmarks and tests.
  static OutputFile ForDescriptor(int fd) { return OutputFile(fd, "", ""); }
  // Writes through `filter`, which owns the final file.
  static OutputFile Filtered(std::unique_ptr<OutputFilter> filter);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;  // aborts this one first
  ~OutputFile();  // calls Abort() unless committed

  // Writes all of `parts`.
  absl::Status Write(std::span<const iovec> parts);
  // Flushes to disk and renames the temporary file to the final path.
  absl::Status Commit();
  // Removes the temporary file. Safe to call more than once.
  void Abort();
  // True when WriteAt works: a regular file written from its start (the
  // temporary file, or standard output redirected to a new, empty file).
  // Call before the first Write.
  bool Seekable() const;
  // Overwrites bytes already written, at `offset` from the start.
  // REQUIRES: Seekable().
  absl::Status WriteAt(uint64_t offset, std::string_view data);

 private:
  OutputFile(int fd, std::string path, std::string temp_path)
      : fd_(fd), path_(std::move(path)), temp_path_(std::move(temp_path)) {}
  int fd_;
  std::string path_;       // empty for standard output
  std::string temp_path_;  // empty for standard output
  bool done_ = false;
  std::unique_ptr<OutputFilter> filter_;
};

// Writes all of `parts` to `fd` with writev(2), IOV_MAX buffers at a time,
// again after EINTR and after a short write; `count` (a counter of
// src/run_stats.h) gets each write's byte count. Returns 0, or the errno of
// the write that failed (the caller names the file). Thread-safety: as
// writev on `fd`.
int WriteFully(int fd, std::span<const iovec> parts, void (*count)(uint64_t));

// The temporary output file to remove if the process is killed by a signal;
// set while an OutputFile with a temporary path is open. Async-signal-safe
// to read.
const char* PendingTempFile();

// The temporary output folder (directory archives) to remove if the process
// is killed by a signal; "" clears it.
void SetPendingTempDir(const std::string& path);
// Removes the pending temporary folder and the files in it, if any.
// Async-signal-safe (system calls only).
void RemovePendingTempDirForSignal();

}  // namespace dbanon

#endif  // DBANON_SRC_IO_H_
