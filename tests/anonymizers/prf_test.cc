#include "anonymizers/prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace dbanon {
namespace {

std::string Hex(const Prf::Digest& d) { return HexLower(d.data(), d.size()); }
std::string Hex(const Prf::Block& b) { return HexLower(b.data(), b.size()); }

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// OpenSSL's own AES-128-CMAC (EVP_MAC "CMAC" over AES-128-CBC).
std::string OpenSslCmac(const uint8_t key[16], std::string_view message) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  REQUIRE(mac != nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char cipher[] = "AES-128-CBC";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0), OSSL_PARAM_construct_end()};
  REQUIRE(EVP_MAC_init(ctx, key, 16, params) == 1);
  REQUIRE(EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1);
  unsigned char out[16];
  size_t len = 0;
  REQUIRE(EVP_MAC_final(ctx, out, &len, sizeof(out)) == 1);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return HexLower(out, len);
}

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

TEST_CASE("Cmac128 is AES-128-CMAC: RFC 4493 test vectors") {
  const std::string key = Unhex("2b7e151628aed2a6abf7158809cf4f3c");
  Cmac128 cmac(reinterpret_cast<const uint8_t*>(key.data()));
  const std::string m = Unhex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  CHECK(Hex(cmac.Tag("")) == "bb1d6929e95937287fa37d129b756746");                   // Example 1
  CHECK(Hex(cmac.Tag(std::string_view(m).substr(0, 16))) == "070a16b46b4d4144f79bdd9dd04a287c");  // Example 2
  CHECK(Hex(cmac.Tag(std::string_view(m).substr(0, 40))) == "dfa66747de9ae63030ca32611497c827");  // Example 3
  CHECK(Hex(cmac.Tag(m)) == "51f0bebf7e3b9d92fc49741779363cfe");                    // Example 4
}

TEST_CASE("Cmac128 agrees with OpenSSL's CMAC for every message length, one by one and in batches") {
  uint8_t key[16];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(i * 13 + 7);
  Cmac128 cmac(key);
  std::vector<std::string> messages;
  for (size_t len = 0; len < 120; ++len) {
    std::string msg(len, 'm');
    for (size_t i = 0; i < len; ++i) msg[i] = static_cast<char>(i * 31 + len);
    messages.push_back(msg);
  }
  std::vector<std::string> expected;
  for (const std::string& msg : messages) {
    expected.push_back(OpenSslCmac(key, msg));
    CHECK(Hex(cmac.Tag(msg)) == expected.back());
  }
  // Batches of mixed lengths, larger than the internal chunk of 32, and
  // the empty batch.
  std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<Cmac128::Block> out(views.size());
  cmac.TagBatch(views, out.data());
  for (size_t i = 0; i < views.size(); ++i) CHECK(Hex(out[i]) == expected[i]);
  std::vector<std::string_view> reversed(views.rbegin(), views.rend());
  cmac.TagBatch(reversed, out.data());
  for (size_t i = 0; i < views.size(); ++i) CHECK(Hex(out[i]) == expected[views.size() - 1 - i]);
  cmac.TagBatch({}, out.data());
}

TEST_CASE("Prf's CMAC key is HMAC-SHA256(key, \"dbanon AES-128-CMAC key\") cut to 16 bytes") {
  Prf prf("a salt of sixteen bytes");
  Prf::Digest k = prf.Mac("dbanon AES-128-CMAC key");
  Cmac128 cmac(k.data());
  for (const std::string& msg : std::vector<std::string>{"", "Alice", "alice@example.com", std::string(100, 'x')}) {
    CHECK(Hex(prf.Cmac(msg)) == Hex(cmac.Tag(msg)));
    CHECK(Hex(prf.Cmac(msg, 7)) == Hex(cmac.Tag(msg + std::string("\0\0\0\0\x07", 5))));
    Prf::Block b = prf.Cmac(msg);
    uint64_t le = 0;
    for (int i = 7; i >= 0; --i) le = le << 8 | b[i];
    CHECK(prf.Cmac64(msg) == le);
  }
  // A long message with a counter takes the other road.
  std::string longer(200, 'y');
  CHECK(Hex(prf.Cmac(longer, 1u << 31)) == Hex(cmac.Tag(longer + std::string("\0\x80\0\0\0", 5))));
  // Derived keys have their own CMAC key.
  CHECK(Hex(prf.Derive("email").Cmac("x")) != Hex(prf.Cmac("x")));
}

TEST_CASE("CmacCounters gives Cmac(message, counter) for every message length, with the message's blocks absorbed once") {
  Prf prf("a salt of sixteen bytes");
  Prf::Digest k = prf.Mac("dbanon AES-128-CMAC key");
  Cmac128 cmac(k.data());
  for (size_t len = 0; len < 80; ++len) {
    std::string msg(len, 'm');
    for (size_t i = 0; i < len; ++i) msg[i] = static_cast<char>(i * 29 + len);
    Prf::CmacStream stream;
    uint32_t counter = 3;
    for (size_t n : {size_t{1}, size_t{4}, size_t{11}}) {  // 11: more than one batch of 8
      std::vector<Prf::Block> out(n);
      prf.CmacCounters(msg, counter, n, out.data(), &stream);
      for (size_t i = 0; i < n; ++i) {
        const uint32_t c = counter + static_cast<uint32_t>(i);
        const char tail[5] = {0, static_cast<char>(c >> 24), static_cast<char>(c >> 16), static_cast<char>(c >> 8),
                              static_cast<char>(c)};
        CHECK_MESSAGE(Hex(out[i]) == Hex(cmac.Tag(msg + std::string(tail, 5))), len);
        CHECK(Hex(out[i]) == Hex(prf.Cmac(msg, c)));
      }
      counter += static_cast<uint32_t>(n);
    }
  }
}

TEST_CASE("Cmac128's chained blocks agree with OpenSSL's CMAC when keys share the thread's context slots") {
  // Two keys in the same slot (ids 64 apart) and a long message between
  // short ones: the CBC context's carried chaining value must not leak
  // from one message or key into the next.
  std::vector<std::unique_ptr<Cmac128>> keys;
  std::vector<std::array<uint8_t, 16>> raw;
  for (int k = 0; k < 66; ++k) {
    std::array<uint8_t, 16> key;
    for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(k * 7 + i);
    raw.push_back(key);
    keys.push_back(std::make_unique<Cmac128>(key.data()));
  }
  const std::string long_message(1000, 'L');
  for (int round = 0; round < 3; ++round) {
    for (size_t k : {size_t{0}, size_t{64}, size_t{1}, size_t{65}, size_t{0}}) {
      for (const std::string& msg : {std::string("short"), long_message, std::string(33, 's')}) {
        CHECK(Hex(keys[k]->Tag(msg)) == OpenSslCmac(raw[k].data(), msg));
      }
    }
  }
}

TEST_CASE("a fresh Prf's CMAC absorbs the thread's row token first") {
  Prf prf("a salt of sixteen bytes");
  Prf fresh = prf.Fresh();
  Prf::RowToken& token = Prf::ThreadRowToken();
  const Prf::RowToken saved = token;
  for (int i = 0; i < 16; ++i) token.bytes[i] = static_cast<uint8_t>(i + 1);
  token.set = true;
  std::string prefix(reinterpret_cast<const char*>(token.bytes), 16);
  CHECK(Hex(fresh.Cmac("Bob")) == Hex(prf.Cmac(prefix + "Bob")));
  std::string_view one[] = {"Bob"};
  Prf::Block b;
  fresh.CmacBatch(one, &b);
  CHECK(Hex(b) == Hex(prf.Cmac(prefix + "Bob")));
  token = saved;
}

TEST_CASE("Prf gives the same values from many threads at once") {
  Prf prf("shared key");
  std::vector<std::string> expected;
  std::vector<std::string> expected_cmac;
  for (int i = 0; i < 1000; ++i) expected.push_back(Hex(prf.Mac(std::to_string(i))));
  for (int i = 0; i < 1000; ++i) expected_cmac.push_back(Hex(prf.Cmac(std::to_string(i))));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Enough other keys to share the thread's context slots.
      std::vector<Prf> others;
      for (int k = 0; k < 70; ++k) others.push_back(prf.Derive(std::to_string(k)));
      for (int i = 0; i < 1000; ++i) {
        if (Hex(prf.Mac(std::to_string(i))) != expected[i]) ++mismatches[t];
        (void)others[i % others.size()].Cmac64("x");
        if (Hex(prf.Cmac(std::to_string(i))) != expected_cmac[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

}  // namespace
}  // namespace dbanon
