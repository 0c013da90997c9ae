// A per-thread cache of recent (anonymizer, input) -> output entries, shared
// by every single-column anonymizer of the run. Outputs are a pure function
// of the input, so a hit returns exactly what the anonymizer would compute;
// first and last names repeat heavily in real data and skip the keyed PRF this
// way (bench/README.md has the measurements). An anonymizer whose lookups
// rarely hit (e-mail addresses are mostly unique) stops using the cache after
// kProbe lookups.
//
// Memory: kSlots slots per thread (about 1.4 MB), whatever the number of
// configured columns; per anonymizer only 24 bytes of hit counters. (One
// cache per anonymizer cost 330 KB per configured column and thread: 3.3 GB
// for 10,000 configured columns.) 16,384 slots, not 4,096: a date column with
// 4,368 distinct values (birth dates shaped like MySQL's employees sample
// database, bench/e2e) missed 40% of its lookups with 4,096 direct-mapped slots, each miss costing a
// keyed PRF call and a parse (bench/README.md).
//
// Thread-safety: none; each worker thread has its own (in its Scratch).
#ifndef DBANON_ANONYMIZERS_VALUE_CACHE_H_
#define DBANON_ANONYMIZERS_VALUE_CACHE_H_

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dbanon {

class ValueCache {
 public:
  static constexpr size_t kSlots = 16384;       // direct-mapped, shared by all anonymizers
  static constexpr size_t kMaxValueBytes = 64;  // longer values are not cached
  static constexpr uint64_t kProbe = 8192;      // lookups per anonymizer before judging its hit rate

  ValueCache() : slots_(kSlots) {}

  // The cached output of anonymizer `owner` for `input`, or nullptr.
  const std::string* Find(size_t owner, std::string_view input) {
    if (input.size() > kMaxValueBytes) return nullptr;
    return Find(owner, input, HashOf(owner, input));
  }

  // The same with h = HashOf(owner, input) computed before, for a batch
  // that asked the slots of all its values from memory first (Prefetch):
  // a slot is a cache miss more often than not (the table is larger than
  // a core's L2), and one miss after another cost 13% of a two-thread
  // short-row run (perf).
  static uint64_t HashOf(size_t owner, std::string_view input) {
    return XXH3_64bits_withSeed(input.data(), input.size(), owner);
  }
  void Prefetch(uint64_t h) const {
    const char* slot = reinterpret_cast<const char*>(&slots_[h & (kSlots - 1)]);
    __builtin_prefetch(slot);
    __builtin_prefetch(slot + sizeof(Slot) - 1);
  }
  const std::string* Find(size_t owner, std::string_view input, uint64_t h) {
    if (input.size() > kMaxValueBytes) return nullptr;
    Stats& st = StatsOf(owner);
    if (!st.enabled) return nullptr;
    Slot& s = slots_[h & (kSlots - 1)];
    ++st.lookups;
    last_hash_ = h;
    if (s.used && s.hash == h && s.owner == owner && s.input == input) {
      ++st.hits;
      return &s.output;
    }
    if (st.lookups == kProbe && st.hits * 10 < st.lookups) st.enabled = false;  // under 10% hits: not worth it
    return nullptr;
  }

  // Stores the output for the input of the last Find() that missed; returns
  // the stored copy. REQUIRES: Cacheable(owner, input) and that Find(owner,
  // input) was the last call.
  const std::string& Store(size_t owner, std::string_view input, std::string_view output) {
    Slot& s = slots_[last_hash_ & (kSlots - 1)];
    s.hash = last_hash_;
    s.owner = owner;
    s.used = true;
    s.input.assign(input);
    s.output.assign(output);
    return s.output;
  }

  // Stores the output for `input` without a Find() just before (a batch
  // that looked its inputs up first); the lookup counts are not touched.
  // REQUIRES: Cacheable(owner, input).
  void StoreValue(size_t owner, std::string_view input, std::string_view output) {
    last_hash_ = XXH3_64bits_withSeed(input.data(), input.size(), owner);
    Store(owner, input, output);
  }

  // Whether Store() may follow a missed Find() for `input`.
  bool Cacheable(size_t owner, std::string_view input) {
    return input.size() <= kMaxValueBytes && StatsOf(owner).enabled;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    size_t owner = 0;
    bool used = false;
    std::string input;
    std::string output;
  };
  struct Stats {
    uint64_t lookups = 0;
    uint32_t hits = 0;
    bool enabled = true;
  };
  Stats& StatsOf(size_t owner) {
    if (stats_.size() <= owner) stats_.resize(owner + 1);
    return stats_[owner];
  }
  std::vector<Slot> slots_;
  std::vector<Stats> stats_;  // by anonymizer id
  uint64_t last_hash_ = 0;
};

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_VALUE_CACHE_H_
