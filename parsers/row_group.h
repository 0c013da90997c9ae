// The per-thread buffers of the row rewriters (COPY rows in pg_copy.cc,
// INSERT tuples in sql_tuples.cc) keep their capacity from call to call, so
// that the row path allocates nothing once warm. A value of many MiB would
// leave its capacity behind for the rest of the run: TrimGroupOnExit frees,
// when the call ends, every buffer that grew past 1 MiB, so memory stays
// bounded by the longest values of one call.
//
// Group is a struct with members `decoded` and `replacement`
// (std::vector<std::string>), `fitted` and `narrowed` (std::string).
// Not thread-safe: each thread has its own group.
#ifndef DBANON_PARSERS_ROW_GROUP_H_
#define DBANON_PARSERS_ROW_GROUP_H_

#include <cstddef>
#include <string>

namespace dbanon {

template <class Group>
class TrimGroupOnExit {
 public:
  explicit TrimGroupOnExit(Group& g) : g_(g) {}
  TrimGroupOnExit(const TrimGroupOnExit&) = delete;
  TrimGroupOnExit& operator=(const TrimGroupOnExit&) = delete;
  ~TrimGroupOnExit() {
    for (std::string& s : g_.decoded) Trim(s);
    for (std::string& s : g_.replacement) Trim(s);
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
