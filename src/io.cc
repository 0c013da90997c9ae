#include "src/io.h"

#include "src/run_stats.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

// Read by the signal handler in main.cc: a fixed buffer, no allocation.
char pending_temp[PATH_MAX + 1];
std::atomic<bool> pending_set{false};

void SetPending(const std::string& path) {
  if (path.size() > PATH_MAX) return;
  std::memcpy(pending_temp, path.c_str(), path.size() + 1);
  pending_set.store(true);
}

void ClearPending() { pending_set.store(false); }

}  // namespace

const char* PendingTempFile() { return pending_set.load() ? pending_temp : nullptr; }

namespace {
char pending_dir[PATH_MAX + 1];
std::atomic<bool> pending_dir_set{false};
}  // namespace

void SetPendingTempDir(const std::string& path) {
  pending_dir_set.store(false);
  if (path.empty() || path.size() > PATH_MAX) return;
  std::memcpy(pending_dir, path.c_str(), path.size() + 1);
  pending_dir_set.store(true);
}

void RemovePendingTempDirForSignal() {
  if (!pending_dir_set.load()) return;
  int fd = ::open(pending_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    // getdents64 through syscall(2): readdir is not async-signal-safe.
    // Unlinking while listing may hide entries from the listing: list again
    // until a pass finds nothing.
    alignas(8) static char buf[16384];
    for (int pass = 0; pass < 8; ++pass) {
      ::lseek(fd, 0, SEEK_SET);
      bool removed = false;
      while (true) {
        long n = ::syscall(SYS_getdents64, fd, buf, sizeof(buf));
        if (n <= 0) break;
        for (long off = 0; off < n;) {
          const char* rec = buf + off;
          unsigned short reclen;
          std::memcpy(&reclen, rec + 16, sizeof(reclen));
          const char* name = rec + 19;  // d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name
          if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))) {
            ::unlinkat(fd, name, 0);
            removed = true;
          }
          off += reclen;
        }
      }
      if (!removed) break;
    }
    ::close(fd);
  }
  ::rmdir(pending_dir);
}

absl::StatusOr<InputFile> InputFile::Open(const std::string& path) {
  if (path == "-") return InputFile(STDIN_FILENO, "<stdin>", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot open the input"));
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat(path, ": is a directory"));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return InputFile(fd, path, true);
}

InputFile InputFile::Filtered(std::string name, std::unique_ptr<InputFilter> filter) {
  InputFile f(-1, std::move(name), false);
  f.filter_ = std::move(filter);
  return f;
}

InputFile::InputFile(InputFile&& other) noexcept
    : fd_(other.fd_), name_(std::move(other.name_)), owned_(other.owned_), filter_(std::move(other.filter_)) {
  other.owned_ = false;
}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (owned_) ::close(fd_);
    fd_ = other.fd_;
    name_ = std::move(other.name_);
    owned_ = other.owned_;
    filter_ = std::move(other.filter_);
    other.owned_ = false;
  }
  return *this;
}

InputFile::~InputFile() {
  if (owned_) ::close(fd_);
}

absl::StatusOr<size_t> InputFile::Read(std::string* buf, size_t max_bytes) {
  if (filter_) return filter_->Read(buf, max_bytes);
  size_t old = buf->size();
  buf->resize(old + max_bytes);
  while (true) {
    ssize_t n = ::read(fd_, buf->data() + old, max_bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      buf->resize(old);
      return absl::UnavailableError(absl::StrCat(name_, ": read error: ", std::strerror(err)));
    }
    buf->resize(old + static_cast<size_t>(n));
    AddBytesRead(static_cast<uint64_t>(n));
    return static_cast<size_t>(n);
  }
}

absl::StatusOr<OutputFile> OutputFile::Open(const std::string& path) {
  if (path == "-") return OutputFile(STDOUT_FILENO, "", "");
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return absl::UnavailableError(absl::StrCat(path, ": is a directory"));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A FIFO or a device (-o /dev/null): written in place. Renaming a temp
    // file over it would replace the device node with a regular file.
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot open the output"));
    return OutputFile(fd, path, "");
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = absl::StrCat(dir, "/.", base, ".dbanon-XXXXXX");
  // Signals wait while the file exists but is not yet known to the handler
  // in main.cc, which would leave it behind.
  sigset_t all, old_mask;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old_mask);
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  int create_errno = errno;
  if (fd >= 0) SetPending(temp);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (fd < 0) return ErrnoStatus(create_errno, absl::StrCat(path, ": cannot create a temporary file in ", dir));
  // mkstemp creates 0600. The rename replaces an existing file, so the new
  // one takes over its mode (a 0600 file stays 0600) and, where we may give
  // it, its owner and group; a new file gets the mode a plain create would
  // (0666 less the umask).
  if (exists) {
    if (st.st_uid != ::geteuid() || st.st_gid != ::getegid()) {
      (void)::fchown(fd, st.st_uid, st.st_gid);  // EPERM unless root: keep ours
    }
    ::fchmod(fd, st.st_mode & 07777);
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
  }
  return OutputFile(fd, path, temp);
}

OutputFile OutputFile::Filtered(std::unique_ptr<OutputFilter> filter) {
  OutputFile f(-1, "", "");
  f.filter_ = std::move(filter);
  return f;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      done_(other.done_),
      filter_(std::move(other.filter_)) {
  other.done_ = true;
  other.temp_path_.clear();
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    Abort();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    temp_path_ = std::move(other.temp_path_);
    done_ = other.done_;
    filter_ = std::move(other.filter_);
    other.done_ = true;
    other.temp_path_.clear();
  }
  return *this;
}

bool OutputFile::Seekable() const {
  if (filter_) return false;
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  // pwrite ignores the offset on a file opened for appending (Linux).
  int flags = ::fcntl(fd_, F_GETFL);
  return flags >= 0 && (flags & O_APPEND) == 0 &&
         (!temp_path_.empty() || (::lseek(fd_, 0, SEEK_CUR) == 0 && st.st_size == 0));
}

absl::Status OutputFile::WriteAt(uint64_t offset, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      std::string name = path_.empty() ? "<stdout>" : path_;
      return absl::UnavailableError(absl::StrCat(name, ": write error: ", std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

OutputFile::~OutputFile() { Abort(); }

int WriteFully(int fd, std::span<const iovec> parts, void (*count)(uint64_t)) {
  std::vector<iovec> iov(parts.begin(), parts.end());
  size_t first = 0;
  while (first < iov.size()) {
    int n_iov = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    ssize_t n = ::writev(fd, iov.data() + first, n_iov);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    count(static_cast<uint64_t>(n));
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
  return 0;
}

absl::Status OutputFile::Write(std::span<const iovec> parts) {
  if (filter_) return filter_->Write(parts);
  const int err = WriteFully(fd_, parts, AddBytesWritten);
  if (err == 0) return absl::OkStatus();
  if (err == EPIPE) return absl::AbortedError("output pipe closed");
  std::string name = path_.empty() ? "<stdout>" : path_;
  return absl::UnavailableError(absl::StrCat(name, ": write error: ", std::strerror(err)));
}

absl::Status OutputFile::Commit() {
  if (filter_) {
    done_ = true;
    return filter_->Commit();
  }
  if (temp_path_.empty()) {
    done_ = true;
    return absl::OkStatus();
  }
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    int err = errno;
    fd_ = -1;
    Abort();
    return absl::UnavailableError(absl::StrCat(path_, ": write error: ", std::strerror(err)));
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    Abort();
    return ErrnoStatus(err, absl::StrCat(path_, ": cannot rename the temporary file"));
  }
  ClearPending();
  done_ = true;
  return absl::OkStatus();
}

void OutputFile::Abort() {
  if (done_) return;
  done_ = true;
  if (filter_) {
    filter_->Abort();
    return;
  }
  if (!temp_path_.empty()) {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(temp_path_.c_str());
    ClearPending();
  }
}

}  // namespace dbanon
