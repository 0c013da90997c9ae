#include "anonymizers/prf.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace dbanon {
namespace {

std::string Hex(const Prf::Digest& d) { return HexLower(d.data(), d.size()); }

TEST_CASE("Prf is HMAC-SHA256: RFC 4231 test vectors") {
  CHECK(Hex(Prf(std::string(20, '\x0b')).Mac("Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(Hex(Prf("Jefe").Mac("what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first (test case 6).
  CHECK(Hex(Prf(std::string(131, '\xaa')).Mac("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("Prf agrees with OpenSSL's one-shot HMAC for every key and message length") {
  for (size_t key_len : {0, 1, 31, 32, 63, 64, 65, 200}) {
    std::string key(key_len, 'k');
    for (size_t i = 0; i < key_len; ++i) key[i] = static_cast<char>(i * 7 + 1);
    Prf prf(key);
    // Every length around the one-block fast path (up to 55 bytes, 50 with
    // the counter), then longer messages.
    for (size_t msg_len = 0; msg_len < 300; msg_len += msg_len < 130 ? 1 : 13) {
      std::string msg(msg_len, 'm');
      for (size_t i = 0; i < msg_len; ++i) msg[i] = static_cast<char>(i * 31 + msg_len);
      unsigned char expected[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
           msg.size(), expected, &len);
      REQUIRE(len == 32);
      CHECK(Hex(prf.Mac(msg)) == HexLower(expected, 32));
      // The counter form is HMAC over message || 0x00 || counter (big endian).
      std::string with_counter = msg + std::string("\0\0\0\0\x05", 5);
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(with_counter.data()), with_counter.size(), expected, &len);
      CHECK(Hex(prf.Mac(msg, 5)) == HexLower(expected, 32));
    }
  }
}

TEST_CASE("Prf gives the same values from many threads at once") {
  Prf prf("shared key");
  std::vector<std::string> expected;
  for (int i = 0; i < 1000; ++i) expected.push_back(Hex(prf.Mac(std::to_string(i))));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (Hex(prf.Mac(std::to_string(i))) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

}  // namespace
}  // namespace dbanon
