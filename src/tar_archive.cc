#include "src/tar_archive.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kChunk = size_t{1} << 20;

struct Member {
  std::string header;  // the input's 512-byte header block
  std::string name;
};

// The unsigned sum of the header's bytes with the checksum field read as
// spaces (POSIX ustar; pg's tarChecksum in src/port/tar.c).
unsigned Checksum(std::string_view h) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  return sum;
}

bool ReadOctal(std::string_view field, uint64_t* value) {
  *value = 0;
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  bool digit = false;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
    *value = *value * 8 + static_cast<uint64_t>(field[i] - '0');
    digit = true;
  }
  for (; i < field.size(); ++i) {
    if (field[i] != ' ' && field[i] != '\0') return false;
  }
  return digit;
}

class TarReader {
 public:
  TarReader(InputFile& in, std::string first) : in_(in), buf_(std::move(first)) {}
  // Fills buf_ to at least `n` bytes from pos_; false at the end of input.
  absl::StatusOr<bool> Want(size_t n) {
    while (buf_.size() - pos_ < n) {
      if (pos_ > 0 && pos_ >= buf_.size() / 2) {
        buf_.erase(0, pos_);
        pos_ = 0;
      }
      auto got = in_.Read(&buf_, std::max(kChunk, n));
      if (!got.ok()) return got.status();
      if (*got == 0) return false;
    }
    return true;
  }
  std::string_view Take(size_t n) {
    std::string_view v(buf_.data() + pos_, n);
    pos_ += n;
    offset_ += n;
    return v;
  }
  size_t Available() const { return buf_.size() - pos_; }
  uint64_t offset() const { return offset_; }

 private:
  InputFile& in_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;
};

absl::Status Errno(int err, const std::string& what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(err)));
}

absl::Status WriteFd(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(errno, absl::StrCat(path, ": write error"));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

void RemoveTree(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) names.emplace_back(de->d_name);
  }
  ::closedir(d);
  for (const std::string& n : names) {
    std::string p = absl::StrCat(dir, "/", n);
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      RemoveTree(p);
    } else {
      ::unlink(p.c_str());
    }
  }
  ::rmdir(dir.c_str());
}

}  // namespace

bool LooksLikeTar(std::string_view head) {
  return head.size() >= kBlock && head.substr(257, 5) == "ustar";
}

absl::Status RunTarArchive(InputFile& in, std::string first_bytes, OutputFile& out, TableResolver& resolver,
                           const ArchiveOptions& options, const std::string& scratch_dir) {
  const std::string& where = in.name();
  auto damaged = [&](uint64_t at, std::string_view what) {
    return absl::DataLossError(absl::StrCat(where, ":byte ", at, ": ", ToAbsl(what)));
  };
  if (options.compress.has_value() && options.compress->algorithm != Algorithm::kNone) {
    return absl::UnimplementedError(
        absl::StrCat(where, ": --compress on a pg_dump -Ft archive: the tar format has no compression"));
  }
  std::string scratch = absl::StrCat(scratch_dir, "/.dbanon-tar-XXXXXX");
  if (::mkdtemp(scratch.data()) == nullptr) {
    return Errno(errno, absl::StrCat(scratch_dir, ": cannot create a temporary folder"));
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      SetPendingTempDir("");
      RemoveTree(dir);
    }
  } cleanup{scratch};
  const std::string in_dir = scratch + "/in";
  const std::string out_dir = scratch + "/out";
  if (::mkdir(in_dir.c_str(), 0700) != 0) return Errno(errno, absl::StrCat(in_dir, ": cannot create"));
  // A signal removes the unpacked input (main.cc); the -Fd run registers
  // its own folder while it runs.
  SetPendingTempDir(in_dir);

  TarReader r(in, std::move(first_bytes));
  std::vector<Member> members;
  uint64_t trailer = 0;  // zero bytes after the last member
  while (true) {
    const uint64_t at = r.offset();
    auto more = r.Want(kBlock);
    if (!more.ok()) return more.status();
    if (!*more) {
      if (r.Available() != 0 || members.empty()) return damaged(at, "the tar archive is cut off");
      break;
    }
    std::string header(r.Take(kBlock));
    if (header.find_first_not_of('\0') == std::string::npos) {
      // The end-of-archive blocks: only zero bytes may follow.
      trailer = kBlock;
      while (true) {
        auto m = r.Want(1);
        if (!m.ok()) return m.status();
        if (!*m) break;
        std::string_view rest = r.Take(r.Available());
        if (rest.find_first_not_of('\0') != std::string_view::npos) {
          return damaged(r.offset() - rest.size() + rest.find_first_not_of('\0'),
                         "data after the end of the tar archive");
        }
        trailer += rest.size();
      }
      break;
    }
    std::string name(header.data(), strnlen(header.data(), 100));
    if (members.empty() && name != "toc.dat") {
      return damaged(at, "not a pg_dump tar archive: no toc.dat");
    }
    uint64_t sum = 0;
    if (!ReadOctal(std::string_view(header).substr(148, 8), &sum) || sum != Checksum(header)) {
      return damaged(at, "damaged tar header (checksum)");
    }
    uint64_t size = 0;
    if (!ReadOctal(std::string_view(header).substr(124, 12), &size)) return damaged(at, "damaged tar header (size)");
    if ((header[156] != '0' && header[156] != '\0') || name.empty() || name == "." || name == ".." ||
        name.find('/') != std::string::npos || header[345] != '\0') {
      return damaged(at, "a tar member that pg_dump does not write (not a plain file in the archive's top folder)");
    }
    for (const Member& m : members) {
      if (m.name == name) return damaged(at, absl::StrCat("a second tar member named ", name));
    }
    std::string path = absl::StrCat(in_dir, "/", name);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Errno(errno, absl::StrCat(path, ": cannot create"));
    absl::Status st;
    uint64_t left = size;
    while (st.ok() && left > 0) {
      auto m = r.Want(1);
      if (!m.ok()) {
        st = m.status();
        break;
      }
      if (!*m) {
        st = damaged(r.offset(), absl::StrCat("the tar member ", name, " is cut off"));
        break;
      }
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, r.Available()));
      st = WriteFd(fd, r.Take(n), path);
      left -= n;
    }
    ::close(fd);
    if (!st.ok()) return st;
    const size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
    if (pad > 0) {
      auto m = r.Want(pad);
      if (!m.ok()) return m.status();
      if (!*m) return damaged(r.offset(), absl::StrCat("the tar member ", name, " is cut off"));
      r.Take(pad);
    }
    members.push_back(Member{std::move(header), std::move(name)});
  }

  if (absl::Status s = RunDirectoryArchive(in_dir, out_dir, resolver, options); !s.ok()) {
    // Name the tar archive, not the temporary folder.
    std::string message(s.message());
    for (size_t p; (p = message.find(in_dir + "/")) != std::string::npos;) {
      message.replace(p, in_dir.size() + 1, absl::StrCat(where, ": member "));
    }
    return WithMessage(s, message);
  }
  // The unpacked input is no longer needed: the original values go first.
  RemoveTree(in_dir);
  SetPendingTempDir(out_dir);

  std::string buf;
  for (const Member& m : members) {
    std::string path = absl::StrCat(out_dir, "/", m.name);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno(errno, absl::StrCat(path, ": cannot open"));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return Errno(err, absl::StrCat(path, ": cannot read"));
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    std::string header = m.header;
    if (size >= (uint64_t{1} << 33)) {
      ::close(fd);
      return absl::UnimplementedError(absl::StrCat(where, ": member ", m.name, " of 8 GiB or more"));
    }
    char field[16];
    std::snprintf(field, sizeof(field), "%011llo", static_cast<unsigned long long>(size));
    std::memcpy(&header[124], field, 11);
    std::snprintf(field, sizeof(field), "%06o", Checksum(header));
    std::memcpy(&header[148], field, 6);
    header[154] = '\0';
    header[155] = ' ';
    iovec hv{header.data(), header.size()};
    absl::Status s = out.Write(std::span<const iovec>(&hv, 1));
    uint64_t left = size;
    while (s.ok() && left > 0) {
      buf.resize(std::min<uint64_t>(left, kChunk));
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        s = Errno(n < 0 ? errno : EIO, absl::StrCat(path, ": read error"));
        break;
      }
      iovec v{buf.data(), static_cast<size_t>(n)};
      s = out.Write(std::span<const iovec>(&v, 1));
      left -= static_cast<uint64_t>(n);
    }
    ::close(fd);
    if (!s.ok()) return s;
    const size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
    if (pad > 0) {
      std::string zeros(pad, '\0');
      iovec v{zeros.data(), zeros.size()};
      if (absl::Status w = out.Write(std::span<const iovec>(&v, 1)); !w.ok()) return w;
    }
  }
  std::string zeros(std::max<uint64_t>(trailer, 2 * kBlock), '\0');
  iovec v{zeros.data(), zeros.size()};
  return out.Write(std::span<const iovec>(&v, 1));
}

}  // namespace dbanon
