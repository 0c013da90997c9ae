#include "src/piece_engine.h"

#include <algorithm>
#include <utility>

namespace dbanon {

PieceEngine::PieceEngine(Road* road, int workers, size_t pieces) : road_(road) {
  pieces = std::max<size_t>(pieces, 1);
  {
    MutexLock lock(&mu_);
    for (size_t i = 0; i < pieces; ++i) {
      pool_.push_back(road_->NewPiece());
      pool_.back()->slot_ = i;
      free_.push_back(i);
    }
    done_.assign(pieces, false);
    transform_.assign(pieces, false);
  }
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

PieceEngine::~PieceEngine() {
  if (finished_) return;
  {
    // Drop what is in flight: nothing more is written.
    MutexLock lock(&mu_);
    if (result_.ok()) result_ = absl::CancelledError("the run was abandoned");
    stopping_.store(true, std::memory_order_release);
  }
  (void)Finish();
}

PieceEngine::Piece* PieceEngine::Acquire() {
  MutexLock lock(&mu_);
  while (free_.empty()) free_cv_.Wait(&mu_);
  size_t slot = free_.front();
  free_.pop_front();
  return pool_[slot].get();
}

void PieceEngine::Submit(Piece* piece, bool transform) {
  size_t slot = piece->slot_;
  if (workers_.empty()) {
    {
      MutexLock lock(&mu_);
      order_.push_back(slot);
    }
    if (transform) road_->Transform(*piece, scratch_);
    Done(slot);
    return;
  }
  {
    // Every piece goes through a worker, even one without a Transform: the
    // producer never writes, so reading goes on while a worker writes.
    MutexLock lock(&mu_);
    order_.push_back(slot);
    transform_[slot] = transform;
    work_.push_back(slot);
  }
  work_cv_.Signal();
}

absl::Status PieceEngine::Finish() {
  if (!finished_) {
    finished_ = true;
    {
      MutexLock lock(&mu_);
      while (free_.size() < pool_.size()) free_cv_.Wait(&mu_);
      shutdown_ = true;
    }
    work_cv_.SignalAll();
    for (std::thread& w : workers_) w.join();
  }
  MutexLock lock(&mu_);
  return result_;
}

absl::Status PieceEngine::Pull(int threads) {
  std::vector<std::thread> others;
  for (int i = 1; i < threads; ++i) others.emplace_back([this] { PullLoop(); });
  PullLoop();
  for (std::thread& t : others) t.join();
  return Finish();
}

void PieceEngine::PullLoop() {
  Scratch scratch;
  while (true) {
    Piece* piece;
    bool transform = false;
    {
      MutexLock lock(&produce_mu_);
      if (input_done_ || stopping()) return;
      piece = Acquire();
      if (!road_->Produce(*piece, &transform)) input_done_ = true;
      MutexLock order_lock(&mu_);
      order_.push_back(piece->slot_);
    }
    // The piece stays on this thread: produced, transformed (and written,
    // when it is next in line) from one core's cache.
    if (transform) road_->Transform(*piece, scratch);
    Done(piece->slot_);
  }
}

void PieceEngine::WorkerLoop() {
  Scratch scratch;
  while (true) {
    size_t slot;
    bool transform;
    {
      MutexLock lock(&mu_);
      while (!shutdown_ && work_.empty()) work_cv_.Wait(&mu_);
      if (work_.empty()) return;
      slot = work_.front();
      work_.pop_front();
      transform = transform_[slot];
    }
    if (transform) road_->Transform(*pool_[slot], scratch);
    Done(slot);
  }
}

void PieceEngine::Done(size_t slot) {
  mu_.Lock();
  done_[slot] = true;
  if (writing_) {
    // The thread in the write loop below sees this piece when its turn
    // comes (it tests done_ under mu_ after each write).
    mu_.Unlock();
    return;
  }
  writing_ = true;
  while (!order_.empty() && done_[order_.front()]) {
    size_t next = order_.front();
    order_.pop_front();
    bool write = result_.ok();
    mu_.Unlock();
    // Write and Recycle outside the lock: Transform and Submit go on. Only
    // the thread that set writing_ gets here, so they never overlap.
    absl::Status st = write ? road_->Write(*pool_[next]) : absl::OkStatus();
    road_->Recycle(*pool_[next]);
    mu_.Lock();
    if (!st.ok() && result_.ok()) {
      result_ = std::move(st);
      stopping_.store(true, std::memory_order_release);
    }
    done_[next] = false;
    free_.push_back(next);
    free_cv_.Signal();
  }
  writing_ = false;
  mu_.Unlock();
}

}  // namespace dbanon
