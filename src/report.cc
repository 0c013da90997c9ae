#include "src/report.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstdio>
#include <span>

#include "absl/strings/str_cat.h"
#include "src/io.h"
#include "src/run_stats.h"

namespace dbanon {
namespace {

std::string Size(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

Progress::Progress(Mode mode, uint64_t total_bytes) : mode_(mode), total_(total_bytes), start_(Clock::now()) {
  if (mode_ != Mode::kOff) thread_ = std::thread([this] { Loop(); });
}

void Progress::Stop() {
  if (mode_ == Mode::kOff) return;
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
  thread_.join();
  if (mode_ == Mode::kLines) Print();  // the last figures, for the CI log
  if (mode_ == Mode::kTerminal && printed_) std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  mode_ = Mode::kOff;
}

std::string ProgressLine(uint64_t read, uint64_t total, double seconds, const std::string& table) {
  const double rate = seconds > 0 ? static_cast<double>(read) / seconds : 0;
  std::string line = absl::StrCat("dbanon: ", Size(static_cast<double>(read)));
  char buf[64];
  if (total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(read) / static_cast<double>(total));
    absl::StrAppend(&line, " of ", Size(static_cast<double>(total)), " (", static_cast<int>(fraction * 100), "%)");
  }
  std::snprintf(buf, sizeof(buf), ", %.1f MB/s", rate / 1e6);
  absl::StrAppend(&line, buf);
  if (total > 0 && rate > 0 && read > 0) {
    const int64_t eta = static_cast<int64_t>(static_cast<double>(total - std::min(total, read)) / rate);
    std::snprintf(buf, sizeof(buf), ", ETA %lld:%02lld", static_cast<long long>(eta / 60),
                  static_cast<long long>(eta % 60));
    absl::StrAppend(&line, buf);
  }
  if (!table.empty()) absl::StrAppend(&line, ", table ", table);
  return line;
}

void Progress::Print() {
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  const std::string line = ProgressLine(BytesRead(), total_, seconds, CurrentTable());
  if (mode_ == Mode::kTerminal) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
  printed_ = true;
}

void Progress::Loop() {
  const auto period = mode_ == Mode::kTerminal ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000);
  MutexLock lock(&mu_);
  while (true) {
    const Clock::time_point deadline = Clock::now() + period;
    while (!stop_) {
      const Clock::time_point now = Clock::now();
      if (now >= deadline) break;
      cv_.WaitWithTimeout(&mu_, deadline - now);
    }
    if (stop_) return;
    Print();
  }
}

uint64_t InputSize(const std::string& path) {
  struct stat st;
  if (path == "-") return ::fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  if (::stat(path.c_str(), &st) != 0) return 0;
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  if (!S_ISDIR(st.st_mode)) return 0;
  uint64_t total = 0;
  if (DIR* d = ::opendir(path.c_str())) {
    while (dirent* de = ::readdir(d)) {
      std::string file = path + "/" + de->d_name;
      if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
    }
    ::closedir(d);
  }
  return total;
}

std::string SaltIdentifier(std::string_view salt) {
  static const char kLabel[] = "dbanon salt identifier v1";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()), reinterpret_cast<const unsigned char*>(kLabel),
       sizeof(kLabel) - 1, mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

// --report FILE: JSON, names and counts only (README, "Progress and reports").
absl::Status WriteReport(const std::string& path, const ReportFacts& f, const RunPlan& plan) {
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - f.start).count();
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  char seconds[96];
  std::snprintf(seconds, sizeof(seconds), "  \"wall_seconds\": %.3f,\n  \"cpu_seconds\": %.3f,\n", wall, cpu);
  std::string j = "{\n";
  absl::StrAppend(&j, "  \"dbanon_version\": ", JsonString(DBANON_VERSION), ",\n");
  absl::StrAppend(&j, "  \"input\": {\"path\": ", JsonString(f.input), ", \"format\": ", JsonString(f.input_format),
                  "},\n");
  absl::StrAppend(&j, "  \"output\": {\"path\": ", JsonString(f.output), ", \"format\": ",
                  JsonString(f.output_format), "},\n");
  absl::StrAppend(&j, "  \"bytes_in\": ", BytesRead(), ",\n  \"bytes_out\": ", BytesWritten(), ",\n", seconds);
  absl::StrAppend(&j, "  \"salt\": {\"source\": ", JsonString(f.salt_source), ", \"id\": ", JsonString(f.salt_id),
                  "},\n");
  absl::StrAppend(&j, "  \"tables\": [");
  bool first_table = true;
  for (const RunPlan::TableReport& t : plan.Report()) {
    absl::StrAppend(&j, first_table ? "\n" : ",\n", "    {\"table\": ", JsonString(t.table), ", \"rows\": ",
                    t.rows_counted ? absl::StrCat(t.rows) : std::string("null"), ", \"action\": ",
                    JsonString(t.action), ", \"columns\": [");
    first_table = false;
    bool first_column = true;
    for (const RunPlan::ColumnReport& c : t.columns) {
      absl::StrAppend(&j, first_column ? "\n" : ",\n", "      {\"column\": ", JsonString(c.column),
                      ", \"anonymizer\": ", JsonString(c.anonymizer), ", \"values_rewritten\": ", c.values_rewritten,
                      ", \"values_kept\": ", c.values_kept, ", \"nulls_kept\": ", c.nulls_kept, "}");
      first_column = false;
    }
    absl::StrAppend(&j, first_column ? "]}" : "\n    ]}");
  }
  absl::StrAppend(&j, first_table ? "]" : "\n  ]");
  // Large objects are copied as they are: their count says what the tables do not.
  const RunPlan::LargeObjects lo = plan.LargeObjectCounts();
  absl::StrAppend(&j, ",\n  \"large_objects\": {\"count\": ", lo.count, ", \"bytes\": ",
                  lo.bytes_counted ? absl::StrCat(lo.bytes) : std::string("null"), ", \"action\": ",
                  JsonString(lo.count == 0 ? "none" : lo.keep ? "kept" : "unconfigured"), "}\n}\n");
  auto out = OutputFile::Open(path);
  if (!out.ok()) return out.status();
  iovec v{j.data(), j.size()};
  if (absl::Status s = out->Write(std::span<const iovec>(&v, 1)); !s.ok()) {
    out->Abort();
    return s;
  }
  return out->Commit();
}


}  // namespace dbanon
