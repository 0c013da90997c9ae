// Compressed plain dumps (`.sql.gz`, `.sql.zst`, `.sql.lz4`, and pg_dump -Fp
// -Z): an InputFile that decompresses and an OutputFile that compresses, each
// on a thread of its own so that (de)compression overlaps parsing and
// rewriting.
//
// Decompression accepts concatenated streams (gzip members, zstd and LZ4
// frames), as `gzip -d` does, and rejects trailing bytes that are not one.
// Compression writes one stream: gzip with `threads` deflate pieces in flight
// (pigz's method, see src/compression.h), zstd with `threads` workers of the
// library, lz4 on one thread.
//
// Errors: Read returns DataLoss "NAME: corrupt gzip data (...)" or
// "NAME: ... cut off"; Write/Commit return the underlying file's errors.
//
// Thread-safety: as InputFile and OutputFile (one user thread); the helper
// threads are owned and joined by the objects.
#ifndef DBANON_SRC_COMPRESSED_IO_H_
#define DBANON_SRC_COMPRESSED_IO_H_

#include <string>

#include "src/compression.h"
#include "src/io.h"

namespace dbanon {

// An InputFile that yields the decompressed content of `raw`, whose first
// bytes `head` were already read.
// REQUIRES: algorithm != kNone.
InputFile DecompressingInput(InputFile raw, std::string head, Algorithm algorithm);

// An OutputFile that compresses into `raw`; Commit finishes the stream and
// commits `raw`. REQUIRES: spec.algorithm != kNone.
OutputFile CompressingOutput(OutputFile raw, const CompressionSpec& spec, int threads);

// The compression an output path asks for by its suffix (".gz", ".zst",
// ".lz4"), or nullopt.
std::optional<Algorithm> CompressionForPath(const std::string& path);

}  // namespace dbanon

#endif  // DBANON_SRC_COMPRESSED_IO_H_
