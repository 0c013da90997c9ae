// The per-thread buffers of the row rewriters (COPY rows in pg_copy.cc,
// INSERT tuples in sql_tuples.cc) keep their capacity from call to call, so
// that the row path allocates nothing once warm. A value of many MiB would
// leave its capacity behind for the rest of the run: TrimGroupOnExit frees,
// when the call ends, every buffer that grew past 1 MiB, so memory stays
// bounded by the longest values of one call.
//
// Group is a struct with members `decoded` (std::vector<std::string>),
// `replacements` (ReplacementBuffer), `escaped`, `fitted` and `narrowed`
// (std::string). Not thread-safe: each thread has its own group.
#ifndef DBANON_PARSERS_ROW_GROUP_H_
#define DBANON_PARSERS_ROW_GROUP_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "base/short_bytes.h"

namespace dbanon {

// The replacements of one group of rows, end to end in one buffer: a
// std::string per cell cost a generic assign per replacement (perf: 6% of a
// short-row COPY run). Add* return the span of the bytes added; spans stay
// valid until Clear (they are offsets: the buffer may move as it grows).
class ReplacementBuffer {
 public:
  struct Span {
    size_t begin = 0;
    size_t size = 0;
  };
  void Clear() { used_ = 0; }
  // Appends `a` as one replacement.
  Span Add(std::string_view a) {
    CopyShort(Reserve(a.size()), a.data(), a.size());
    return Commit(a.size());
  }
  // Appends `quote`, `a` and `quote` as one replacement.
  Span AddQuoted(char quote, std::string_view a) {
    char* w = Reserve(a.size() + 2);
    *w++ = quote;
    w = CopyShort(w, a.data(), a.size());
    *w = quote;
    return Commit(a.size() + 2);
  }
  std::string_view View(Span span) const { return std::string_view(bytes_.data() + span.begin, span.size); }
  std::string& bytes() { return bytes_; }

 private:
  char* Reserve(size_t n) {
    if (used_ + n > bytes_.size()) bytes_.resize(std::max(2 * bytes_.size(), used_ + n + 4096));
    return bytes_.data() + used_;
  }
  Span Commit(size_t n) {
    Span span{used_, n};
    used_ += n;
    return span;
  }

  std::string bytes_;  // [0, used_) in use
  size_t used_ = 0;
};

template <class Group>
class TrimGroupOnExit {
 public:
  explicit TrimGroupOnExit(Group& g) : g_(g) {}
  TrimGroupOnExit(const TrimGroupOnExit&) = delete;
  TrimGroupOnExit& operator=(const TrimGroupOnExit&) = delete;
  ~TrimGroupOnExit() {
    for (std::string& s : g_.decoded) Trim(s);
    g_.replacements.Clear();
    Trim(g_.replacements.bytes());
    Trim(g_.escaped);
    Trim(g_.fitted);
    Trim(g_.narrowed);
  }

 private:
  static void Trim(std::string& s) {
    constexpr size_t kKeep = size_t{1} << 20;
    if (s.capacity() > kKeep) std::string().swap(s);
  }
  Group& g_;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_ROW_GROUP_H_
