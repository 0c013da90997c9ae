#include "src/run_stats.h"

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"

namespace dbanon {
namespace {

std::atomic<uint64_t> bytes_read{0};
std::atomic<uint64_t> bytes_written{0};
std::atomic<bool> folder_counted{true};

Mutex table_mu;
std::string table ABSL_GUARDED_BY(table_mu);

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

void SetCurrentTable(std::string_view display) {
  MutexLock lock(&table_mu);
  if (table != display) table.assign(display);  // the same table statement after statement: no copy
}

std::string CurrentTable() {
  MutexLock lock(&table_mu);
  return table;
}

}  // namespace dbanon
