// Files for tests: read and write whole files, a file of the source tree, a
// temporary folder removed with everything in it, and a folder's listing.
// Every file a test reads is in the repository (SourcePath) or made by the
// test (TempFolder): nothing outside the tree, nothing left by another test.
//
// Thread-safety: free functions are safe to call from any thread on
// different paths; a TempFolder belongs to the thread that made it.
#ifndef DBANON_TESTS_SRC_TEST_FILES_H_
#define DBANON_TESTS_SRC_TEST_FILES_H_

#include <dirent.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dbanon::testing {

// The whole file; "" when it cannot be read (check with CHECK/REQUIRE on
// what the test expects of its content).
inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Replaces (or creates) the file with `data`.
inline void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

#ifdef DBANON_SOURCE_DIR
// A file of the source tree, named from its root ("samples/shop.dump").
// DBANON_SOURCE_DIR is set by tests/meson.build.
inline std::string SourcePath(std::string_view relative) {
  return std::string(DBANON_SOURCE_DIR) + "/" + std::string(relative);
}
#endif

// A fresh folder under $TMPDIR (default /tmp), removed with its content when
// the object goes out of scope.
class TempFolder {
 public:
  TempFolder() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/dbanon-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
    path_ = pattern;
  }
  ~TempFolder() {
    ::nftw(
        path_.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
        FTW_DEPTH | FTW_PHYS);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Writes `bytes` to the file `name` in this folder; returns its path.
  std::string Write(const std::string& name, std::string_view bytes) const {
    WriteFile(*this / name, bytes);
    return *this / name;
  }

 private:
  std::string path_;
};

// The names in a folder, sorted, without "." and ".."; empty when it cannot
// be read.
inline std::vector<std::string> ListFolder(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace dbanon::testing

#endif  // DBANON_TESTS_SRC_TEST_FILES_H_
