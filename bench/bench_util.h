// Inputs shared by the benchmarks: generated once from a fixed seed, outside
// the timed loops (as RE2's and DuckDB's benchmarks do).
#ifndef DBANON_BENCH_BENCH_UTIL_H_
#define DBANON_BENCH_BENCH_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// `count` distinct inputs that suit the anonymizer `name`: e-mail-like
// strings with digits for most, so that number, date and card anonymizers
// still find something to work on.
inline std::vector<std::string> AnonymizerInputs(std::string_view name, int count) {
  std::vector<std::string> v;
  for (int i = 0; i < count; ++i) {
    if (name == "integer" || name == "float") {
      v.push_back(std::to_string(i * 37 + 11));
    } else if (name == "date") {
      v.push_back("2024-03-" + std::to_string(10 + i % 18) + " 10:11:12+00");
    } else if (name == "ip") {
      v.push_back("192.168." + std::to_string(i % 256) + "." + std::to_string(i / 16));
    } else if (name == "credit_card") {
      v.push_back("4111 1111 1111 " + std::to_string(1000 + i % 9000));
    } else if (name == "json") {
      v.push_back("{\"email\": \"user" + std::to_string(i) + "@example.invalid\", \"n\": 1}");
    } else {
      v.push_back("user" + std::to_string(i) + "@example.invalid");
    }
  }
  return v;
}

}  // namespace dbanon::bench

#endif  // DBANON_BENCH_BENCH_UTIL_H_
