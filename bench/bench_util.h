// Inputs shared by the benchmarks: generated once from a fixed seed, outside
// the timed loops (as RE2's and DuckDB's benchmarks do).
#ifndef DBANON_BENCH_BENCH_UTIL_H_
#define DBANON_BENCH_BENCH_UTIL_H_

#include <cstdint>
#include <string>

namespace dbanon::bench {

// COPY text rows of an 8-column users table (id, email, first_name,
// last_name, phone, address, created_at, bio), about `bytes` long, each row
// ending with LF, shaped like bench/gen_dump's output.
inline std::string CopyRows(size_t bytes) {
  static const char* kFirst[] = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda"};
  static const char* kLast[] = {"Smith", "Johnson", "O'Brien", "Garcia", "Miller", "Davis", "Nguyen", "Rossi"};
  uint64_t state = 42;
  auto next = [&] {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::string out;
  out.reserve(bytes + 512);
  for (uint64_t id = 1; out.size() < bytes; ++id) {
    std::string first = kFirst[next() % 8], last = kLast[next() % 8];
    out += std::to_string(id) + "\t" + first + "." + last + std::to_string(id) + "@example.invalid\t" + first + "\t" +
           last + "\t+1 202 555 " + std::to_string(1000 + next() % 9000) + "\t" + std::to_string(next() % 9999) +
           " Main Street\\nApt 4\t2024-01-02 03:04:05+00\tlorem ipsum dolor\\tsit amet, back\\\\slash " +
           std::to_string(next()) + "\n";
  }
  return out;
}

}  // namespace dbanon::bench

#endif  // DBANON_BENCH_BENCH_UTIL_H_
