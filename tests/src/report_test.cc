#include "src/report.h"

#include <doctest/doctest.h>

#include <string>

namespace dbanon {
namespace {

TEST_CASE("a progress line of a known size names bytes, total, percent, MB/s, ETA and the table") {
  const std::string line = ProgressLine(12u << 20, 48u << 20, 2.0, "public.customer");
  CHECK(line == "dbanon: 12.0 MiB of 48.0 MiB (25%), 6.3 MB/s, ETA 0:06, table public.customer");
}

TEST_CASE("a progress line of a pipe (size unknown) has no percent and no ETA") {
  const std::string line = ProgressLine(3u << 20, 0, 1.0, "");
  CHECK(line == "dbanon: 3.0 MiB, 3.1 MB/s");
}

TEST_CASE("a progress line past the announced size stays at 100% with ETA 0:00") {
  CHECK(ProgressLine(2000, 1000, 1.0, "t") == "dbanon: 2.0 KiB of 1000 B (100%), 0.0 MB/s, ETA 0:00, table t");
}

TEST_CASE("the salt identifier is 16 hex digits, equal for equal salts, different for different salts") {
  const std::string a = SaltIdentifier("a salt of sixteen bytes or more");
  CHECK(a.size() == 16);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a == SaltIdentifier("a salt of sixteen bytes or more"));
  CHECK(a != SaltIdentifier("a salt of sixteen bytes or more!"));
  CHECK(a.find("salt") == std::string::npos);
}

}  // namespace
}  // namespace dbanon
