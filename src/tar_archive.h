// pg_dump -Ft (tar) archives, in and out.
//
// A tar archive written by pg_dump (pg_backup_tar.c) is a POSIX ustar
// archive of plain members: `toc.dat` first (the custom-format header and
// TOC, format byte 3, a file name per data entry: the same file as a -Fd
// folder's), then one member per data block (`NNNN.dat`, uncompressed),
// `blobs.toc` and `blob_OID.dat` for large objects, and `restore.sql`.
// RunTarArchive unpacks the members into a temporary folder beside the
// output (or in TMPDIR when the output is standard output), rewrites them as
// a -Fd folder (archive_job.h), and writes the tar again with every member in
// its input order and its input header, only the size and checksum changed:
// pg_restore reads members in order. Disk use: twice the archive; memory:
// that of a -Fd run.
//
// Errors: DataLoss "not a pg_dump tar archive: no toc.dat" when the first
// member is another file; DataLoss with "byte N" for a damaged header,
// checksum, member type or cut-off member; Unimplemented for --compress
// (pg_dump 15+ cannot compress a tar archive); the -Fd run's errors.
//
// Thread-safety: one call at a time per output.
#ifndef DBANON_SRC_TAR_ARCHIVE_H_
#define DBANON_SRC_TAR_ARCHIVE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "parsers/framer.h"
#include "src/archive_job.h"
#include "src/io.h"

namespace dbanon {

// True when `head` (at least 512 bytes, or the whole input) starts with a
// ustar header block (magic "ustar" at byte 257, POSIX.1-2001 pax "ustar"
// format).
bool LooksLikeTar(std::string_view head);

// `scratch_dir` is the folder for the temporary files.
absl::Status RunTarArchive(InputFile& in, std::string first_bytes, OutputFile& out, TableResolver& resolver,
                           const ArchiveOptions& options, const std::string& scratch_dir);

}  // namespace dbanon

#endif  // DBANON_SRC_TAR_ARCHIVE_H_
