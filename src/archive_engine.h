// The archive road's use of the piece engine (src/piece_engine.h), under
// src/archive_job.h: it rewrites the compressed data streams of an archive
// on worker threads, ordered and in bounded memory.
//
// The calling thread (the reader, the engine's producer) walks the archive
// in order and hands the engine a sequence of items:
//   * raw bytes for a Sink (header, TOC, blocks that are copied), and
//   * pieces of a Stream: a run of decompressed payload, about batch_bytes
//     long, whose COPY rows (if the stream has a RowPlan) are rewritten and
//     whose result is compressed as part of the stream's output.
// N worker threads process pieces in any order; items are written to their
// sinks in the order they were given, by whichever worker finishes the item
// next in line. Pieces of different streams (different tables) are
// processed at the same time whenever they are among the 2N+2 items in
// flight, and so are the pieces of one stream:
//   * gzip/zlib pieces are deflated independently (pigz's method: each
//     piece ends with a sync flush, the checks are combined by the writer),
//     giving one valid stream;
//   * lz4 and zstd pieces go through the stream's one compressor in piece
//     order (one frame, as pg_dump writes it), the rewriting still parallel.
// At most 2N+2 items exist at once, each holding a few MiB, so memory stays
// bounded whatever the size of a block. Output does not depend on N.
//
// Errors: the first error in item order wins (a rewrite error, a failed
// write, or the reader's Fail); nothing after it is written, cancelled()
// becomes true and Finish() returns it.
//
// Thread-safety: the reader API (Raw, Mark, Piece, Fail, Finish) is called
// by one thread at a time (the same thread, or threads handing over through
// a lock: src/compressed_io.cc calls it from the plain road's writer).
// Sinks are written by one thread at a time.
#ifndef DBANON_SRC_ARCHIVE_ENGINE_H_
#define DBANON_SRC_ARCHIVE_ENGINE_H_

#include <sys/uio.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "base/mutex.h"
#include "parsers/framer.h"
#include "parsers/pg_copy.h"
#include "src/compression.h"
#include "src/piece_engine.h"

namespace dbanon {

// Where the writer thread puts bytes.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual absl::Status Write(std::span<const iovec> parts) = 0;
  // After the last byte of a stream with close_sink.
  virtual absl::Status Close() { return absl::OkStatus(); }
  uint64_t written = 0;  // bytes written so far; by the engine's writes only
};

// One compressed data stream of the output: a custom-format data item (or a
// large object), or a directory-archive data file.
struct ArchiveStream {
  // Set before the first piece, read-only afterwards.
  const RowPlan* plan = nullptr;  // nullptr: the payload is copied
  const RowRewriter* rewriter = nullptr;
  std::shared_ptr<const void> plans;  // keeps the plans of the pieces' segments (CopyRowCutter::plans())
  CharLayout layout = CharLayout::kAsciiSafe;  // of the COPY rows' client encoding (parsers/char_layout.h)
  CompressionSpec codec;
  Container container = Container::kZlib;
  bool chunked = false;  // custom format: chunks {Int len, bytes}, then Int 0
  int int_size = 4;
  Sink* sink = nullptr;
  bool close_sink = false;
  std::string where;  // message prefix: "prod.dump:byte 10527: TOC entry 3403", "dir/3403.dat.gz"
  bool file_positions = false;  // rows errors as "WHERE:LINE:COL: ..." (the stream is a file)
  std::optional<TableName> count_table;
  // For CountRows, called by the engine's in-order write of the stream's
  // last piece (on a worker thread) while the reader resolves tables: it
  // must be thread-safe (the archive roads pass archive_internal's
  // LockedResolver, src/archive_internal.h, around the RunPlan).
  TableResolver* resolver = nullptr;
  // lz4/zstd: used by the workers in piece order.
  std::unique_ptr<StreamCompressor> sequential;
  Mutex seq_mu;
  CondVar seq_cv;  // next_piece grew
  int64_t next_piece ABSL_GUARDED_BY(seq_mu) = 0;
  // The engine's writes only (one at a time, in item order).
  uint32_t check = 0;
  uint64_t length = 0;
  int64_t rows = 0;
};

class ArchiveEngine {
 public:
  ArchiveEngine(int threads, size_t batch_bytes);
  ~ArchiveEngine();

  // Queues `bytes` for `sink`.
  void Raw(Sink* sink, std::string_view bytes);
  // Records that the next byte queued for `sink` starts the data block of
  // `dump_id`; its position is in BlockPositions() after Finish.
  void Mark(Sink* sink, int64_t dump_id);
  // Queues one piece of `stream`: `*segments` cover `*input` in order (kRows
  // spans are rewritten by their rewriter, with their line numbers counted
  // from the stream's start; kRaw spans are copied); `rows` is the number of
  // rows it ends. Takes the bytes of *input and *segments (leaving them
  // empty, with some capacity). Pieces are numbered from 0; `last` ends the
  // stream.
  void Piece(const std::shared_ptr<ArchiveStream>& stream, std::string* input, std::vector<Segment>* segments,
             int64_t rows, int64_t index, bool last);
  // Queues one piece of `stream` whose bytes are copied (compressed only).
  void Piece(const std::shared_ptr<ArchiveStream>& stream, std::string* input, int64_t index, bool last);
  // Ends the run with an error, after the items queued so far.
  void Fail(absl::Status status);
  // True once an error has been met: stop reading.
  bool cancelled() const { return engine_->stopping(); }
  // Waits for every item to be written; returns the first error.
  absl::Status Finish();
  // Absolute positions in their sink of the blocks marked with Mark.
  const std::map<int64_t, uint64_t>& BlockPositions() const;

 private:
  struct Item;
  class Road;

  Item* TakeItem(Sink* sink);
  void FlushRaw();

  size_t batch_bytes_;
  std::unique_ptr<Road> road_;
  std::unique_ptr<PieceEngine> engine_;
  Item* raw_ = nullptr;  // reader: the raw item being filled
  bool finished_ = false;
  absl::Status result_;
};

// The error `st` of a stream `s` (a rewriter's or CopyRowCutter's) as the
// run reports it. A row error carries its line and column, counted from the
// stream's start, as a position payload (base/source_position.h, set by
// PositionedError): "WHERE:LINE:COL: what" with the position naming `where`
// as its file when the stream is a file of its own (`file_positions`, a
// directory archive's data file), else "WHERE: line L, column C: what"
// (inside a custom archive, whose `where` holds the byte offset; no position
// payload then). Any other error: "WHERE: message". Code and other payloads
// (the exit class) are kept.
absl::Status StreamError(const ArchiveStream& s, const absl::Status& st);

// Feeds one stream: takes its compressed input as it comes, decompresses
// it, cuts the payload into pieces at row boundaries and queues them.
// For a stream with a RowPlan the payload is COPY text rows up to the line
// `\.`, cut by CopyRowCutter (parsers/pg_copy.h); what follows that line is
// copied.
class StreamFeeder {
 public:

  // `decompressor` is null for stored (uncompressed) input.
  StreamFeeder(ArchiveEngine* engine, std::shared_ptr<ArchiveStream> stream,
               std::unique_ptr<Decompressor> decompressor, size_t batch_bytes);
  // Errors: DataLoss "WHERE: message" for corrupt data, a row too long.
  absl::Status Add(std::string_view input);
  // The input ended. Errors: DataLoss when the payload ends inside a row or
  // without its `\.` line, or the compressed stream is cut off.
  absl::Status Finish();

 private:
  // Decompressed bytes asked for per call at least, even when pending_ is
  // about full.
  static constexpr size_t kMinRoom = size_t{64} << 10;

  absl::Status Publish(bool final);
  absl::Status Error(std::string_view message) const;
  // Gives `buffer` the capacity of a whole piece, once.
  void Reserve(std::string* buffer) const;

  ArchiveEngine* engine_;
  std::shared_ptr<ArchiveStream> stream_;
  std::unique_ptr<Decompressor> decompressor_;
  size_t batch_bytes_;
  std::string pending_;
  std::string spare_;  // the next buffer for pending_, empty between pieces
  CopyRowCutter cutter_;
  std::vector<Segment> segments_;  // of pending_[0, cut_)
  size_t cut_ = 0;                 // bytes of pending_ cut into segments_
  bool after_terminator_ = false;  // the end line was seen (or the payload has no rows)
  size_t tail_from_ = 0;           // where the bytes after the end line start in pending_
  int64_t rows_published_ = 0;     // rows of the pieces queued so far
  int64_t index_ = 0;
};

}  // namespace dbanon

#endif  // DBANON_SRC_ARCHIVE_ENGINE_H_
