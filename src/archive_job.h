// Anonymizing pg_dump archives: the custom format (pg_dump -Fc, a file or a
// stream) and the directory format (pg_dump -Fd).
//
// The header, the TOC and every block or file that holds no configured
// table's data are copied byte for byte. The data of configured tables
// (TOC entries "TABLE DATA" whose COPY statement names a configured table)
// is decompressed, rewritten row by row with the same RowRewriter as plain
// dumps, and compressed again with the archive's compression, on the worker
// threads (src/archive_engine.h), in bounded memory.
//
// Custom format: the output has the input's version, header and TOC. Data
// offsets are written "not set" (flag 1), as pg_dump does on a pipe; when
// the output is a seekable file they are then patched to the real positions
// (flag 2), so pg_restore -j, -t and -l work as on an archive pg_dump wrote
// to a file (formats.md B.5). Directory format: toc.dat is copied, the data
// files of configured tables are rewritten, every other file is copied;
// everything goes to a temporary folder beside the output, renamed to the
// output when complete.
//
// --compress (ArchiveOptions::compress) changes the archive's compression:
// the header says the new algorithm and every data stream is recompressed.
// Archives before version 1.15 can only say gzip or none.
//
// Errors: "FILE:...: message" statuses: DataLoss for malformed or cut-off
// archives and corrupt compressed data, InvalidArgument for a configured
// column missing from a table's COPY statement, Unimplemented for data
// dbanon cannot rewrite (INSERT-mode data of a configured table), Unavailable
// and friends for I/O. No message quotes data.
//
// Thread-safety: each call owns its threads. `resolver` is used by several
// threads, behind a lock that these functions hold.
//
// The code: src/archive_toc.cc reads the TOC of both formats (which entries
// are rewritten, pg_dump 18's statistics, the codecs, the header as
// written), src/archive_custom.cc handles the data of -Fc,
// src/archive_directory.cc that of -Fd (and of -Ft, src/tar_archive.h);
// what they share is declared in src/archive_internal.h.
#ifndef DBANON_SRC_ARCHIVE_JOB_H_
#define DBANON_SRC_ARCHIVE_JOB_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "parsers/framer.h"
#include "src/compression.h"
#include "src/io.h"

namespace dbanon {

struct ArchiveOptions {
  int threads = 1;                          // worker threads, >= 1
  // Payload bytes per piece. A piece is inflated, rewritten and deflated
  // while it is still in the core's cache, and the pool's 2N+2 pieces stay
  // small: 256 KiB pieces took the archive road's CPU from 0.56 to 0.42 s
  // and peak RSS from 53 to 22 MiB against 2 MiB pieces (bench/README.md,
  // "Archives"); deflate's pieces restart their window, +0.05% output bytes.
  size_t batch_bytes = size_t{256} << 10;
  std::optional<CompressionSpec> compress;  // --compress: the output archive's compression
  // --schema: DDL statements (src/schema.h) read before the archive's TOC;
  // must outlive the call.
  const std::vector<std::string>* schema = nullptr;
};

// `first_bytes` were already read from `in` and come first. The output goes
// to `out`; call out.Commit() afterwards.
absl::Status RunCustomArchive(InputFile& in, std::string first_bytes, OutputFile& out, TableResolver& resolver,
                              const ArchiveOptions& options);

// Reads the directory archive `input_dir` and writes `output_dir`, which
// must not exist or be an empty directory.
absl::Status RunDirectoryArchive(const std::string& input_dir, const std::string& output_dir,
                                 TableResolver& resolver, const ArchiveOptions& options);

// True when `path` names a directory.
bool IsDirectoryPath(const std::string& path);

}  // namespace dbanon

#endif  // DBANON_SRC_ARCHIVE_JOB_H_
