// A mutex, its scoped lock and a condition variable that clang's
// -Wthread-safety analysis understands (ABSL_GUARDED_BY, ABSL_LOCKS_EXCLUDED,
// ...) and that ThreadSanitizer sees through: thin wrappers over std::mutex
// and std::condition_variable (pthreads underneath).
//
// Why not absl::Mutex: Debian 12's libabsl is built without ThreadSanitizer
// support, so TSan does not see absl::Mutex's synchronization and reports
// data races that are not there (issue 12; reverted in 65d1a84).
//
// Usage:
//   Mutex mu_;
//   CondVar cv_;
//   int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
//   ...
//   MutexLock lock(&mu_);
//   while (next_ != mine) cv_.Wait(&mu_);  // a loop, not a predicate lambda:
//                                          // the analysis sees the lock held
//
// Thread-safety: Mutex and CondVar are thread-safe (that is their job);
// MutexLock is used by the thread that made it. Header only.
#ifndef DBANON_BASE_MUTEX_H_
#define DBANON_BASE_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace dbanon {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `*mu` from construction to destruction.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  // Releases `*mu`, waits for a Signal/SignalAll (or a spurious wakeup: call
  // it in a loop that tests the condition) and takes `*mu` again.
  // REQUIRES: the calling thread holds `*mu`.
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's lock goes on owning it
  }
  // Same, giving up after `timeout`; returns true when it timed out.
  bool WaitWithTimeout(Mutex* mu, std::chrono::nanoseconds timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    bool timed_out = cv_.wait_for(lock, timeout) == std::cv_status::timeout;
    lock.release();
    return timed_out;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace dbanon

#endif  // DBANON_BASE_MUTEX_H_
