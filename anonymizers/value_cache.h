// A per-thread cache of recent (input -> output) pairs of one single-column
// anonymizer. Outputs are a pure function of the input, so a hit returns
// exactly what the anonymizer would compute; first and last names repeat
// heavily in real data and skip the keyed PRF this way (bench/README.md has
// the measurements). A cache that rarely hits (e-mail addresses are mostly
// unique) switches itself off after kProbe lookups.
//
// Thread-safety: none; each worker thread has its own (in its Scratch).
#ifndef DBANON_ANONYMIZERS_VALUE_CACHE_H_
#define DBANON_ANONYMIZERS_VALUE_CACHE_H_

#include <xxhash.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dbanon {

class ValueCache {
 public:
  static constexpr size_t kSlots = 4096;       // direct-mapped
  static constexpr size_t kMaxValueBytes = 64;  // longer values are not cached
  static constexpr uint64_t kProbe = 8192;      // lookups before judging the hit rate

  // The cached output for `input`, or nullptr.
  const std::string* Find(std::string_view input) {
    if (!enabled_ || input.size() > kMaxValueBytes) return nullptr;
    uint64_t h = XXH3_64bits(input.data(), input.size());
    Slot& s = slots_[h & (kSlots - 1)];
    ++lookups_;
    last_hash_ = h;
    if (s.hash == h && s.used && s.input == input) {
      ++hits_;
      return &s.output;
    }
    if (lookups_ == kProbe && hits_ * 10 < lookups_) enabled_ = false;  // under 10% hits: not worth it
    return nullptr;
  }

  // Stores the output for the input of the last Find() that missed; returns
  // the stored copy. REQUIRES: Cacheable(input).
  const std::string& Store(std::string_view input, std::string_view output) {
    Slot& s = slots_[last_hash_ & (kSlots - 1)];
    s.hash = last_hash_;
    s.used = true;
    s.input.assign(input);
    s.output.assign(output);
    return s.output;
  }

  // Whether Store() may follow a missed Find() for `input`.
  bool Cacheable(std::string_view input) const { return enabled_ && input.size() <= kMaxValueBytes; }

 private:
  struct Slot {
    uint64_t hash = 0;
    bool used = false;
    std::string input;
    std::string output;
  };
  std::array<Slot, kSlots> slots_;
  uint64_t lookups_ = 0;
  uint64_t hits_ = 0;
  uint64_t last_hash_ = 0;
  bool enabled_ = true;
};

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_VALUE_CACHE_H_
