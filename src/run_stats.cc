#include "src/run_stats.h"

#include <atomic>
#include <mutex>

namespace dbanon {
namespace {

std::atomic<uint64_t> bytes_read{0};
std::atomic<uint64_t> bytes_written{0};
std::atomic<bool> folder_counted{true};

std::mutex& TableMutex() {
  static std::mutex mu;
  return mu;
}
std::string& Table() {
  static std::string table;
  return table;
}

}  // namespace

void AddBytesRead(uint64_t n) { bytes_read.fetch_add(n, std::memory_order_relaxed); }
void AddBytesWritten(uint64_t n) { bytes_written.fetch_add(n, std::memory_order_relaxed); }
uint64_t BytesRead() { return bytes_read.load(std::memory_order_relaxed); }
uint64_t BytesWritten() { return bytes_written.load(std::memory_order_relaxed); }
void AddFolderBytesRead(uint64_t n) {
  if (folder_counted.load(std::memory_order_relaxed)) AddBytesRead(n);
}
void AddFolderBytesWritten(uint64_t n) {
  if (folder_counted.load(std::memory_order_relaxed)) AddBytesWritten(n);
}
void SetFolderBytesCounted(bool counted) { folder_counted.store(counted, std::memory_order_relaxed); }
void ResetByteCounts() {
  bytes_read.store(0, std::memory_order_relaxed);
  bytes_written.store(0, std::memory_order_relaxed);
}

void SetCurrentTable(std::string display) {
  std::lock_guard<std::mutex> lock(TableMutex());
  Table() = std::move(display);
}

std::string CurrentTable() {
  std::lock_guard<std::mutex> lock(TableMutex());
  return Table();
}

}  // namespace dbanon
