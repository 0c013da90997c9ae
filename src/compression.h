// Compression codecs shared by archives and compressed plain dumps: zlib
// (RFC 1950, the stream inside a custom-format data block), gzip (RFC 1952,
// `.gz` files and directory-archive data files), the LZ4 frame format and the
// zstd frame format.
//
// Three tools:
//  * Decompressor: a streaming decoder, fed whatever amount of input is at
//    hand, producing output in bounded steps.
//  * StreamCompressor: one compressed stream (one zlib/gzip stream, LZ4
//    frame or zstd frame) written in order, piece by piece.
//  * DeflatePiece: compresses one piece of a deflate stream independently of
//    the others, as pigz does, so that pieces can be compressed on several
//    threads and concatenated into one valid zlib or gzip stream
//    (DeflateHeader + pieces + DeflateTrailer, the checks combined with
//    CombineChecks). Every piece but the last ends with a sync flush (byte
//    aligned, not final); the last one is finished.
//
// Codecs: gzip/zlib streams are inflated with Intel's ISA-L (igzip_lib.h:
// isal_inflate checks the RFC 1950/1952 wrapper and trailer itself);
// DeflatePiece uses ISA-L's level 1 for zlib levels 1-3, its level 3 for
// 4-6 and the default, zlib for 7-9; the piece checks are ISA-L's crc32_gzip_refl and
// isal_adler32, combined with zlib's crc32_combine64/adler32_combine64.
// StreamCompressor writes gzip/zlib with zlib (a reference writer for tests).
//
// Errors: DataLoss for corrupt or cut-off compressed data (the message names
// the codec, never any data), Internal for a library failure (out of memory).
//
// Thread-safety: objects are used by one thread at a time; the free functions
// are thread-safe.
#ifndef DBANON_SRC_COMPRESSION_H_
#define DBANON_SRC_COMPRESSION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dbanon {

// Numbered as PostgreSQL's pg_compress_algorithm (src/include/common/
// compression.h), the byte stored in archive headers from version 1.15 on.
enum class Algorithm : uint8_t { kNone = 0, kGzip = 1, kLz4 = 2, kZstd = 3 };

// How deflate data is wrapped: RFC 1950 (zlib: pg_dump's custom-format
// blocks) or RFC 1952 (gzip: files).
enum class Container : uint8_t { kZlib, kGzip };

// "none", "gzip", "lz4", "zstd".
std::string_view AlgorithmName(Algorithm a);

// An algorithm and its level; kDefaultLevel stands for the library default
// (zlib's Z_DEFAULT_COMPRESSION = 6, zstd 3, lz4 fast mode).
struct CompressionSpec {
  static constexpr int kDefaultLevel = -1;
  Algorithm algorithm = Algorithm::kNone;
  int level = kDefaultLevel;
};

// Parses `none`, `gzip[:LEVEL]` (1-9), `lz4[:LEVEL]` (1-12), `zstd[:LEVEL]`
// (1-19). Errors: InvalidArgument naming the accepted forms.
absl::StatusOr<CompressionSpec> ParseCompressionSpec(std::string_view text);

// The compression a stream starting with `head` uses, from its magic bytes:
// gzip (1f 8b), zstd (28 b5 2f fd), LZ4 frame (04 22 4d 18); nullopt for
// none of them.
std::optional<Algorithm> DetectCompressedStream(std::string_view head);

// The usual file suffix: ".gz", ".lz4", ".zst", "" for none.
std::string_view CompressionSuffix(Algorithm a);

class Decompressor {
 public:
  // `concatenated`: more streams may follow the first one (gzip members,
  // zstd and LZ4 frames), as in files that `cat` joined; when false, bytes
  // after the end of the first stream are an error.
  // REQUIRES: algorithm != kNone.
  static absl::StatusOr<std::unique_ptr<Decompressor>> Create(Algorithm algorithm, Container container,
                                                              bool concatenated);
  virtual ~Decompressor() = default;

  // Consumes a prefix of `*in` (advancing it) and appends at most `max_out`
  // bytes to `*out`. Returns when all of `*in` is consumed and no output is
  // pending, or when `max_out` bytes were appended: call again (with the
  // rest of the input, possibly none) while `*in` is not empty or the call
  // appended exactly `max_out` bytes.
  virtual absl::Status Decompress(std::string_view* in, std::string* out, size_t max_out) = 0;
  // At the end of the input: DataLoss when the stream is incomplete (cut
  // off) or no stream was seen at all.
  virtual absl::Status Finish() = 0;
};

class StreamCompressor {
 public:
  // `workers` >= 1 lets zstd compress on that many threads of its own (one
  // frame still), in libzstd's multithreaded mode, whose bytes are the same
  // for every `workers` >= 1; 0 compresses on the calling thread, in the
  // single-threaded mode, whose bytes differ. The other codecs ignore it.
  // REQUIRES: spec.algorithm != kNone.
  static absl::StatusOr<std::unique_ptr<StreamCompressor>> Create(const CompressionSpec& spec, Container container,
                                                                  int workers = 0);
  virtual ~StreamCompressor() = default;
  // Appends the compressed form of `in` to `*out`. Output may lag behind
  // input (the codec buffers); `final` ends the stream.
  virtual absl::Status Compress(std::string_view in, bool final, std::string* out) = 0;
};

// The two bytes (zlib) or ten bytes (gzip) before the first piece, as zlib
// itself writes them for `level`.
std::string DeflateHeader(Container container, int level);
// Compresses `in` as one piece of a deflate stream (see the header comment),
// appending raw deflate data to `*out`. Keeps a per-thread deflate state.
// The bytes depend on `level` and `in` only (not on the thread or on other
// pieces).
absl::Status DeflatePiece(std::string_view in, int level, bool last, std::string* out);
// The check of a piece: adler32 (zlib) or crc32 (gzip) of its bytes.
uint32_t PieceCheck(Container container, std::string_view data);
// The check of A followed by B, from their checks and B's length.
uint32_t CombineChecks(Container container, uint32_t a, uint32_t b, uint64_t b_length);
// The initial check (of no bytes).
uint32_t InitialCheck(Container container);
// The bytes after the last piece: adler32 big-endian (zlib), or crc32 and the
// length modulo 2^32, little-endian (gzip).
std::string DeflateTrailer(Container container, uint32_t check, uint64_t total_length);

}  // namespace dbanon

#endif  // DBANON_SRC_COMPRESSION_H_
