// Process-wide figures of the running job, for progress lines and --report:
// bytes read from the input and written to the output (at the file
// descriptor: compressed bytes for a compressed file), and the table whose
// data is being read. Never a value from the dump.
//
// Thread-safety: every function may be called from any thread. The byte
// counters are relaxed atomics added once per read or write call (64 KiB or
// more), the table name a mutex-guarded string set once per table.
#ifndef DBANON_SRC_RUN_STATS_H_
#define DBANON_SRC_RUN_STATS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace dbanon {

void AddBytesRead(uint64_t n);
void AddBytesWritten(uint64_t n);
uint64_t BytesRead();
uint64_t BytesWritten();
// Sets both byte counters to 0 (after reading a --schema file).
void ResetByteCounts();
// The files of a -Fd folder (src/archive_directory.cc) count as the input and the
// output unless SetFolderBytesCounted(false): a -Ft archive is unpacked
// into such a folder, and its bytes in and out are those of the tar stream.
void AddFolderBytesRead(uint64_t n);
void AddFolderBytesWritten(uint64_t n);
void SetFolderBytesCounted(bool counted);

// The table whose rows are being read now ("public.customer"), "" before
// the first one.
void SetCurrentTable(std::string_view display);
std::string CurrentTable();

}  // namespace dbanon

#endif  // DBANON_SRC_RUN_STATS_H_
