#include "base/short_bytes.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace dbanon {
namespace {

// The reference: the property NeedsNoEscape promises, byte by byte.
bool NoByteToEscape(std::string_view s) {
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < '(' || c == '\\') return false;
  }
  return true;
}

TEST_CASE("NeedsNoEscape finds a byte to escape at every position of every length up to 40") {
  for (size_t n = 0; n <= 40; ++n) {
    // Inside a larger buffer whose other bytes need an escape: a test that
    // read past the value would see them.
    std::string buf(n + 32, '\n');
    std::string_view value(buf.data() + 16, n);
    for (size_t i = 0; i < n; ++i) buf[16 + i] = 'a' + static_cast<char>(i % 26);
    CAPTURE(n);
    CHECK(NeedsNoEscape(value));
    for (size_t at = 0; at < n; ++at) {
      for (char bad : {'\0', '\t', '\n', '\r', ' ', '"', '\'', '\\', '\x1a', '#', '!'}) {
        const char saved = buf[16 + at];
        buf[16 + at] = bad;
        CAPTURE(at);
        CHECK(NeedsNoEscape(value) == NoByteToEscape(value));
        CHECK_FALSE(NeedsNoEscape(value));
        buf[16 + at] = saved;
      }
    }
  }
}

TEST_CASE("NeedsNoEscape passes UTF-8 and the printable bytes from '(' up, except the backslash") {
  CHECK(NeedsNoEscape("Ren\xc3\xa9"));
  CHECK(NeedsNoEscape("jean.dupont42@example.com"));
  CHECK(NeedsNoEscape("1965-02-01"));
  CHECK(NeedsNoEscape(""));
  CHECK_FALSE(NeedsNoEscape("O'Brien"));
  CHECK_FALSE(NeedsNoEscape("Mary Ann"));
  CHECK_FALSE(NeedsNoEscape("C:\\temp"));
  std::string all;
  for (int c = '('; c < 256; ++c) {
    if (c != '\\') all.push_back(static_cast<char>(c));
  }
  CHECK(NeedsNoEscape(all));
}

TEST_CASE("CopyShort copies exactly n bytes and writes nothing around them") {
  for (size_t n = 0; n <= 40; ++n) {
    std::string src(n, '\0');
    for (size_t i = 0; i < n; ++i) src[i] = static_cast<char>('A' + i % 50);
    std::string dst(n + 32, '#');
    char* end = CopyShort(dst.data() + 16, src.data(), n);
    CAPTURE(n);
    CHECK(end == dst.data() + 16 + n);
    CHECK(dst.substr(16, n) == src);
    CHECK(dst.substr(0, 16) == std::string(16, '#'));
    CHECK(dst.substr(16 + n) == std::string(16, '#'));
  }
}

}  // namespace
}  // namespace dbanon
