// The piece engine: ordered, bounded, N threads. Both roads run on it: the
// plain road (src/pipeline.h: a piece is a framed batch of a plain dump) and
// the archive road (src/archive_engine.h: a piece is a run of decompressed
// payload of an archive's data stream, or bytes copied as they are).
//
//   one producer, in order  ->  transform on N threads  ->  write in order
//
// Pieces are produced in order by one producer at a time, in one of two
// ways:
//   * push: an outside thread (the archive's reader and decompressor) takes
//     an empty piece with Acquire, fills it and hands it over with Submit;
//     `workers` threads of the engine call the road's Transform on the
//     pieces in any order, several at once (rewriting rows, compressing);
//   * pull (Pull): `threads` threads, the caller among them, each take the
//     engine's producer lock, have the road Produce the next piece (the
//     framer reads and frames a batch), release it and Transform that piece
//     themselves: a piece is read, framed and rewritten on one core, in its
//     cache, with no hand-off (bench/README.md, "A batch stays on one
//     thread").
// The road's Write is called in production order, one call at a time, by
// whichever thread finishes the piece that is next in line (there is no
// writer thread); then the piece goes back to the pool.
//
// Bounds: the pool holds a fixed number of pieces (`pieces`, >= 1); a
// producer waits while all of them are in flight, so memory is bounded by
// `pieces` times a piece's size whatever the input size.
//
// Ordering: Write sees the pieces in production order, whatever the number
// of threads, so the output does not depend on it. With `workers` = 0 (push)
// or `threads` = 1 (pull) the calling thread does everything.
//
// Errors: the first failed Write, in production order, wins: stopping()
// becomes true, no further Write is called (nothing more is written) and
// Finish/Pull return that error; producers stop. A road reports a Transform
// error, a read error or a framing error by keeping it in the piece and
// returning it from Write, so it, too, counts in production order.
// Transform is still called once stopping() is true (a road may skip its
// work then, but must not wait on anything that a skipped piece would have
// done).
//
// Thread-safety: in push mode Acquire, Submit and Finish are called by one
// thread at a time (the producer); in pull mode the road's Produce calls
// are serialized by the engine's producer lock. stopping() may be called
// from any thread. The road's Transform runs on several threads at once (on
// distinct pieces); its Write and Recycle are never concurrent with
// themselves or each other.
#ifndef DBANON_SRC_PIECE_ENGINE_H_
#define DBANON_SRC_PIECE_ENGINE_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "anonymizers/anonymizer.h"
#include "base/mutex.h"

namespace dbanon {

class PieceEngine {
 public:
  // What a road's pieces derive from.
  class Piece {
   public:
    virtual ~Piece() = default;

   private:
    friend class PieceEngine;
    size_t slot_ = 0;  // the engine's index, set once
  };

  // What a road does with its pieces.
  class Road {
   public:
    virtual ~Road() = default;
    // An empty piece for the pool; called by the engine's constructor.
    virtual std::unique_ptr<Piece> NewPiece() = 0;
    // On a worker thread (or the producer with no workers), for a piece
    // submitted with `transform` true. `scratch` belongs to the calling
    // thread.
    virtual void Transform(Piece& piece, Scratch& scratch) = 0;
    // Pull mode: fills `piece` (as Recycle left it) with the next piece of
    // input and sets `*transform`; returns false when the input has no
    // more pieces (this one is the last). Called under the producer lock.
    virtual bool Produce(Piece& piece, bool* transform) {
      (void)piece;
      *transform = false;
      return false;
    }
    // In production order, one call at a time. A non-OK result ends the run.
    virtual absl::Status Write(Piece& piece) = 0;
    // The piece goes back to the pool, written or not (after an error):
    // empty it, keeping its buffers' capacity.
    virtual void Recycle(Piece& piece) = 0;
  };

  // Starts `workers` threads (0: none, see above) with a pool of `pieces`
  // pieces made by `road`, which must outlive the engine.
  PieceEngine(Road* road, int workers, size_t pieces);
  // Ends a run that Finish did not end: what is in flight is dropped.
  ~PieceEngine();
  PieceEngine(const PieceEngine&) = delete;
  PieceEngine& operator=(const PieceEngine&) = delete;

  // Push mode. An empty piece (as Recycle left it); waits while every piece
  // is in flight. The producer must Submit it before the next Acquire or
  // Finish.
  Piece* Acquire() ABSL_LOCKS_EXCLUDED(mu_);
  // Queues `piece` (from Acquire) after those submitted before; `transform`
  // false writes it without a Transform call.
  void Submit(Piece* piece, bool transform) ABSL_LOCKS_EXCLUDED(mu_);
  // True once a Write failed: the producer stops producing.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // Waits until every submitted piece is written (or dropped after an
  // error), stops the workers and returns the first error. Idempotent.
  absl::Status Finish() ABSL_LOCKS_EXCLUDED(mu_);

  // Pull mode (an engine made with 0 workers): runs `threads` threads, the
  // calling one among them, that produce, transform and write pieces until
  // the road's Produce says the input ended or the run stopped; then
  // Finish. Returns the first error.
  absl::Status Pull(int threads) ABSL_LOCKS_EXCLUDED(mu_, produce_mu_);

 private:
  void WorkerLoop() ABSL_LOCKS_EXCLUDED(mu_);
  void PullLoop() ABSL_LOCKS_EXCLUDED(mu_, produce_mu_);
  // Marks `slot` transformed and writes the pieces that are next in line
  // and done, unless another thread is writing them already.
  void Done(size_t slot) ABSL_LOCKS_EXCLUDED(mu_);

  Road* const road_;
  std::vector<std::unique_ptr<Piece>> pool_;  // fixed after construction
  std::vector<std::thread> workers_;
  Scratch scratch_;  // the producer's, with no workers
  bool finished_ = false;  // producer only

  Mutex produce_mu_;  // pull mode: one Produce at a time, in order
  bool input_done_ ABSL_GUARDED_BY(produce_mu_) = false;

  Mutex mu_;  // after produce_mu_ when both are held
  CondVar free_cv_;  // a piece went back to the pool
  CondVar work_cv_;  // work_ grew, or shutdown_
  std::deque<size_t> free_ ABSL_GUARDED_BY(mu_);   // slots in the pool
  std::deque<size_t> work_ ABSL_GUARDED_BY(mu_);   // slots to transform, in submission order
  std::deque<size_t> order_ ABSL_GUARDED_BY(mu_);  // slots submitted and not yet written
  std::vector<bool> done_ ABSL_GUARDED_BY(mu_);       // per slot: ready to write
  std::vector<bool> transform_ ABSL_GUARDED_BY(mu_);  // per slot: Submit's `transform`
  bool writing_ ABSL_GUARDED_BY(mu_) = false;      // a thread is in the write loop
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status result_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stopping_{false};
};

}  // namespace dbanon

#endif  // DBANON_SRC_PIECE_ENGINE_H_
