// pg_dump -Fd archives (src/archive_job.h), and the -Ft archives that
// src/tar_archive.h unpacks into one: toc.dat read whole, every file that
// holds no configured table's data copied, the data files of configured
// tables rewritten, all into a temporary folder renamed at the end
// (pg_backup_directory.c's layout).
#include "src/archive_job.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "src/archive_internal.h"
#include "src/run_stats.h"

namespace dbanon {
namespace archive_internal {
namespace {

// Writes all of `parts` to a file of the output folder.
absl::Status WriteFileParts(int fd, std::span<const iovec> parts, const std::string& path) {
  int err = WriteFully(fd, parts, AddFolderBytesWritten);
  return err == 0 ? absl::OkStatus() : ErrnoStatus(err, absl::StrCat(path, ": write error"));
}

// A new file of the temporary output folder.
class FileSink : public Sink {
 public:
  static absl::StatusOr<std::unique_ptr<FileSink>> Create(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot create"));
    return std::unique_ptr<FileSink>(new FileSink(fd, path));
  }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  absl::Status Write(std::span<const iovec> parts) override { return WriteFileParts(fd_, parts, path_); }
  absl::Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0 || ::close(fd) != 0) return ErrnoStatus(errno, absl::StrCat(path_, ": write error"));
    return absl::OkStatus();
  }

 private:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot open"));
  std::string data;
  while (true) {
    size_t old = data.size();
    data.resize(old + kReadBytes);
    ssize_t n = ::read(fd, data.data() + old, kReadBytes);
    if (n < 0 && errno == EINTR) {
      data.resize(old);
      continue;
    }
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, absl::StrCat(path, ": read error"));
    }
    data.resize(old + static_cast<size_t>(n));
    if (n == 0) break;
    AddFolderBytesRead(static_cast<uint64_t>(n));
  }
  ::close(fd);
  return data;
}

absl::Status CopyFile(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus(errno, absl::StrCat(from, ": cannot open"));
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (out < 0) {
    int err = errno;
    ::close(in);
    return ErrnoStatus(err, absl::StrCat(to, ": cannot create"));
  }
  absl::Status st;
  bool kernel_copy = true;
  std::string buf;
  while (st.ok()) {
    ssize_t n;
    if (kernel_copy) {
      n = ::copy_file_range(in, nullptr, out, nullptr, size_t{1} << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == ENOSPC || errno == EDQUOT || errno == EFBIG)) {
        st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
      } else if (n < 0) {
        // copy_file_range's errno does not say which side failed: read and
        // write from where it stopped, and the side that fails is named.
        kernel_copy = false;
        continue;
      }
      if (n <= 0) break;
      AddFolderBytesRead(static_cast<uint64_t>(n));
      AddFolderBytesWritten(static_cast<uint64_t>(n));
      continue;
    }
    buf.resize(kReadBytes);
    n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = ErrnoStatus(errno, absl::StrCat(from, ": read error"));
      break;
    }
    if (n == 0) break;
    AddFolderBytesRead(static_cast<uint64_t>(n));
    iovec v{buf.data(), static_cast<size_t>(n)};
    st = WriteFileParts(out, std::span<const iovec>(&v, 1), to);
  }
  if (st.ok() && (::fsync(out) != 0)) st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
  ::close(in);
  if (::close(out) != 0 && st.ok()) st = ErrnoStatus(errno, absl::StrCat(to, ": write error"));
  return st;
}

// A data file of a directory archive: `NNNN.dat` (TABLE DATA) or
// `blob_OID.dat` (a large object), plus the suffix of its compression
// (pg_backup_directory.c; compress_io.c discovers the suffix on reading).
struct DataFileName {
  std::string base;  // without the suffix
  Algorithm algorithm = Algorithm::kNone;
};

std::optional<DataFileName> ParseDataFileName(std::string_view name) {
  DataFileName f;
  for (Algorithm a : {Algorithm::kGzip, Algorithm::kLz4, Algorithm::kZstd}) {
    std::string_view suffix = CompressionSuffix(a);
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      f.algorithm = a;
      name.remove_suffix(suffix.size());
      break;
    }
  }
  if (name.size() < 5 || name.substr(name.size() - 4) != ".dat") return std::nullopt;
  std::string_view stem = name.substr(0, name.size() - 4);
  if (stem.substr(0, 5) == "blob_") stem.remove_prefix(5);
  if (stem.empty() || stem.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  f.base = std::string(name);
  return f;
}

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The temporary output folder: removed (with what was written in it) unless
// Commit renamed it to its final name.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create(const std::string& final_path) {
    std::string temp = absl::StrCat(final_path, ".dbanon-tmp-XXXXXX");
    // Signals wait while the folder exists but is not yet known to the
    // handler in main.cc, which would leave it behind.
    sigset_t all, old_mask;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old_mask);
    const bool made = ::mkdtemp(temp.data()) != nullptr;
    const int make_errno = errno;
    if (made) SetPendingTempDir(temp);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (!made) {
      return ErrnoStatus(make_errno, absl::StrCat(final_path, ": cannot create a temporary folder beside it"));
    }
    return std::unique_ptr<TempDir>(new TempDir(temp, final_path));
  }
  ~TempDir() {
    if (committed_) return;
    for (const std::string& name : files_) ::unlink(absl::StrCat(path_, "/", name).c_str());
    ::rmdir(path_.c_str());
    SetPendingTempDir("");
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) {
    files_.push_back(name);
    return absl::StrCat(path_, "/", name);
  }
  absl::Status Commit() {
    int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    // rename(2) replaces an empty directory.
    if (::rename(path_.c_str(), final_.c_str()) != 0) {
      return ErrnoStatus(errno, absl::StrCat(final_, ": cannot rename the temporary folder"));
    }
    committed_ = true;
    SetPendingTempDir("");
    size_t slash = final_.rfind('/');
    std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : final_.substr(0, slash));
    fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    return absl::OkStatus();
  }

 private:
  TempDir(std::string path, std::string final_path) : path_(std::move(path)), final_(std::move(final_path)) {}
  std::string path_;
  std::string final_;
  std::vector<std::string> files_;
  bool committed_ = false;
};

struct DataFileJob {
  std::string name;  // in the input folder
  DataFileName file;
  const EntryPlan* entry = nullptr;
  size_t toc_index = 0;  // processing order
};

absl::Status RewriteDataFile(const std::string& input_dir, const DataFileJob& job, const CompressionSpec& codec,
                             TempDir& temp, ArchiveEngine& engine, TableResolver& resolver,
                             std::vector<std::unique_ptr<FileSink>>* sinks, size_t batch_bytes) {
  std::string in_path = absl::StrCat(input_dir, "/", job.name);
  if (job.entry != nullptr && job.entry->truncate) {
    std::string out_name = absl::StrCat(job.file.base, ToAbsl(CompressionSuffix(codec.algorithm)));
    auto sink = FileSink::Create(temp.File(out_name));
    if (!sink.ok()) return sink.status();
    sinks->push_back(*std::move(sink));
    auto stream = NewStream(codec, Container::kGzip, sinks->back().get(), job.entry, &resolver, in_path);
    stream->close_sink = true;
    if (absl::Status st = AddSequential(stream.get()); !st.ok()) return st;
    std::string payload = job.entry->EmptyPayload();
    engine.Piece(stream, &payload, 0, true);
    return absl::OkStatus();
  }
  int fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(in_path, ": cannot open"));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::string out_name = absl::StrCat(job.file.base, ToAbsl(CompressionSuffix(codec.algorithm)));
  auto sink = FileSink::Create(temp.File(out_name));
  if (!sink.ok()) {
    ::close(fd);
    return sink.status();
  }
  sinks->push_back(*std::move(sink));
  auto stream = NewStream(codec, Container::kGzip, sinks->back().get(), job.entry, &resolver, in_path);
  stream->close_sink = true;
  stream->file_positions = true;
  absl::Status st = AddSequential(stream.get());
  std::unique_ptr<Decompressor> d;
  if (st.ok() && job.file.algorithm != Algorithm::kNone) {
    // gzopen'ed files may hold several gzip members, like `cat a.gz b.gz`.
    auto made = Decompressor::Create(job.file.algorithm, Container::kGzip, true);
    if (made.ok()) {
      d = *std::move(made);
    } else {
      st = made.status();
    }
  }
  if (!st.ok()) {
    ::close(fd);
    return st;
  }
  StreamFeeder feeder(&engine, std::move(stream), std::move(d), batch_bytes);
  std::string buf;
  while (st.ok() && !engine.cancelled()) {
    buf.resize(kReadBytes);
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = ErrnoStatus(errno, absl::StrCat(in_path, ": read error"));
      break;
    }
    if (n == 0) {
      st = feeder.Finish();
      break;
    }
    AddFolderBytesRead(static_cast<uint64_t>(n));
    st = feeder.Add(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return st;
}

absl::Status RunDirectory(const std::string& input_dir_arg, const std::string& output_dir_arg,
                          TableResolver& resolver, const ArchiveOptions& options) {
  LockedResolver locked(resolver);
  std::string input_dir = StripTrailingSlashes(input_dir_arg);
  std::string output_dir = StripTrailingSlashes(output_dir_arg);
  std::string toc_path = absl::StrCat(input_dir, "/toc.dat");
  struct stat st;
  if (::stat(toc_path.c_str(), &st) != 0) {
    return absl::UnimplementedError(
        absl::StrCat(input_dir, ": a folder, but not a pg_dump directory archive (no toc.dat in it)"));
  }
  struct stat toc_stat;
  if (::stat(toc_path.c_str(), &toc_stat) == 0 && static_cast<uint64_t>(toc_stat.st_size) > kMaxHeadBytes) {
    return absl::DataLossError(absl::StrCat(toc_path, ": longer than ", kMaxHeadBytes >> 20,
                                            " MiB (a damaged archive?)"));
  }
  auto toc = ReadWholeFile(toc_path);
  if (!toc.ok()) return toc.status();
  auto parsed = ParseArchiveHead(*toc, ArchiveFormat::kTar);
  if (!parsed.ok()) return InFile(parsed.status(), toc_path);
  if (!parsed->has_value()) {
    return ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(toc->size()), toc_path),
                   "toc.dat is cut off");
  }
  const ArchiveHead& head = **parsed;
  auto codecs = ChooseCodecs(head.header, options.compress, toc_path);
  if (!codecs.ok()) return codecs.status();
  TableCatalog ddl(&locked);
  auto plans = PlanEntries(head, locked, ddl, toc_path, options);
  if (!plans.ok()) return plans.status();
  auto stats = RewriteStatisticsEntries(head, *toc, locked, ddl, toc_path, options);
  if (!stats.ok()) return stats.status();

  // The output folder: absent, or an empty folder that the rename replaces.
  if (::stat(output_dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(absl::StrCat(output_dir, ": exists and is not a folder"));
    }
    DIR* d = ::opendir(output_dir.c_str());
    bool empty = true;
    if (d != nullptr) {
      while (dirent* de = ::readdir(d)) {
        if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) empty = false;
      }
      ::closedir(d);
    }
    if (!empty) return absl::FailedPreconditionError(absl::StrCat(output_dir, ": exists and is not empty"));
  }

  // Which file holds which entry's data.
  std::map<std::string, size_t> entry_by_file;
  for (size_t i = 0; i < head.toc.size(); ++i) {
    if (head.toc[i].filename.has_value() && !head.toc[i].filename->empty()) entry_by_file[*head.toc[i].filename] = i;
  }
  std::vector<std::string> names;
  DIR* d = ::opendir(input_dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, absl::StrCat(input_dir, ": cannot list"));
  while (dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) names.emplace_back(de->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());

  std::vector<std::string> copies;
  std::vector<DataFileJob> jobs;
  std::map<int64_t, bool> found;
  for (const std::string& name : names) {
    std::string path = absl::StrCat(input_dir, "/", name);
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot read"));
    if (!S_ISREG(st.st_mode)) {
      return absl::DataLossError(absl::StrCat(path, ": not a regular file (a directory archive holds only files)"));
    }
    if (name == "toc.dat") continue;
    std::optional<DataFileName> file = ParseDataFileName(name);
    if (file.has_value()) {
      DataFileJob job;
      job.name = name;
      job.file = *file;
      job.toc_index = head.toc.size();
      if (auto e = entry_by_file.find(file->base); e != entry_by_file.end()) {
        job.toc_index = e->second;
        auto p = plans->find(head.toc[e->second].dump_id);
        if (p != plans->end()) {
          if (found[p->first]) {
            return absl::DataLossError(
                absl::StrCat(input_dir, ": more than one data file for TOC entry ", p->first, " (", file->base, ")"));
          }
          found[p->first] = true;
          job.entry = &p->second;
        }
      }
      bool transcode = options.compress.has_value() && options.compress->algorithm != file->algorithm;
      if (job.entry != nullptr || transcode) {
        jobs.push_back(std::move(job));
        continue;
      }
    }
    copies.push_back(name);
  }
  for (const auto& [id, plan] : *plans) {
    if (!found[id]) {
      return absl::DataLossError(absl::StrCat(input_dir, ": the data file of TOC entry ", id, " (table ",
                                              plan.table.Display(), ") is missing"));
    }
  }
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const DataFileJob& a, const DataFileJob& b) { return a.toc_index < b.toc_index; });

  auto temp = TempDir::Create(output_dir);
  if (!temp.ok()) return temp.status();
  std::string toc_out = HeaderBytes(*toc, head, *codecs, options.compress.has_value());
  toc_out.append(stats->has_value() ? **stats : *toc, head.header_size, std::string::npos);
  {
    auto sink = FileSink::Create((*temp)->File("toc.dat"));
    if (!sink.ok()) return sink.status();
    iovec v{toc_out.data(), toc_out.size()};
    absl::Status s = (*sink)->Write(std::span<const iovec>(&v, 1));
    if (s.ok()) s = (*sink)->Close();
    if (!s.ok()) return s;
  }
  for (const std::string& name : copies) {
    absl::Status s = CopyFile(absl::StrCat(input_dir, "/", name), (*temp)->File(name));
    if (!s.ok()) return s;
  }

  std::vector<std::unique_ptr<FileSink>> sinks;  // outlive the engine
  absl::Status status;
  {
    ArchiveEngine engine(options.threads, options.batch_bytes);
    for (const DataFileJob& job : jobs) {
      CompressionSpec codec;
      if (options.compress.has_value()) {
        codec = *options.compress;
      } else {
        codec.algorithm = job.file.algorithm;
        codec.level = job.file.algorithm == codecs->in.algorithm ? codecs->in.level : CompressionSpec::kDefaultLevel;
      }
      absl::Status s = RewriteDataFile(input_dir, job, codec, **temp, engine, locked, &sinks, options.batch_bytes);
      if (!s.ok()) {
        engine.Fail(s);
        break;
      }
      if (engine.cancelled()) break;
    }
    status = engine.Finish();
  }
  if (status.ok()) status = locked.DataComplete();
  if (!status.ok()) return status;
  return (*temp)->Commit();
}

}  // namespace
}  // namespace archive_internal

bool IsDirectoryPath(const std::string& path) {
  struct stat st;
  return path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

absl::Status RunDirectoryArchive(const std::string& input_dir, const std::string& output_dir,
                                 TableResolver& resolver, const ArchiveOptions& options) {
  return archive_internal::RunDirectory(input_dir, output_dir, resolver, options);
}

}  // namespace dbanon
