#include "anonymizers/prf.h"

// The SHA-256 low-level API is deprecated in OpenSSL 3.0 but still shipped
// and supported; it is the only OpenSSL interface that lets a precomputed
// HMAC state be copied as a plain struct, which halves the cost per value
// against EVP_MAC (shared/docs/perf-notes.md: ~100 ns vs ~200 ns).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

namespace dbanon {

// HMAC (RFC 2104) with SHA-256: H((K ^ opad) || H((K ^ ipad) || m)), where K
// is the key hashed to 32 bytes when longer than the 64-byte block and padded
// with zeros. The two pad blocks are absorbed once here.
Prf::Prf(std::string_view key) {
  unsigned char block[SHA256_CBLOCK] = {0};
  if (key.size() > sizeof(block)) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[SHA256_CBLOCK];
  static_assert(sizeof(State) >= sizeof(SHA256_CTX), "Prf::State too small for SHA256_CTX");
  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = block[i] ^ 0x36;
  auto* inner = reinterpret_cast<SHA256_CTX*>(inner_.bytes);
  SHA256_Init(inner);
  SHA256_Update(inner, pad, sizeof(pad));
  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = block[i] ^ 0x5c;
  auto* outer = reinterpret_cast<SHA256_CTX*>(outer_.bytes);
  SHA256_Init(outer);
  SHA256_Update(outer, pad, sizeof(pad));
}

Prf Prf::Derive(std::string_view domain) const {
  Digest d = Mac(domain);
  return Prf(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

Prf::Digest Prf::Finish(const void* inner_state) const {
  SHA256_CTX inner;
  std::memcpy(&inner, inner_state, sizeof(inner));
  unsigned char ih[SHA256_DIGEST_LENGTH];
  SHA256_Final(ih, &inner);
  SHA256_CTX outer;
  std::memcpy(&outer, outer_.bytes, sizeof(outer));
  SHA256_Update(&outer, ih, sizeof(ih));
  Digest out;
  SHA256_Final(out.data(), &outer);
  return out;
}

Prf::Digest Prf::Mac(std::string_view message) const {
  SHA256_CTX inner;
  std::memcpy(&inner, inner_.bytes, sizeof(inner));
  SHA256_Update(&inner, message.data(), message.size());
  return Finish(&inner);
}

Prf::Digest Prf::Mac(std::string_view message, uint32_t counter) const {
  SHA256_CTX inner;
  std::memcpy(&inner, inner_.bytes, sizeof(inner));
  SHA256_Update(&inner, message.data(), message.size());
  unsigned char tail[5] = {0, static_cast<unsigned char>(counter >> 24), static_cast<unsigned char>(counter >> 16),
                           static_cast<unsigned char>(counter >> 8), static_cast<unsigned char>(counter)};
  SHA256_Update(&inner, tail, sizeof(tail));
  return Finish(&inner);
}

uint64_t Prf::Mac64(std::string_view message) const {
  Digest d = Mac(message);
  uint64_t v;
  std::memcpy(&v, d.data(), sizeof(v));
  return v;
}

std::string HexLower(const uint8_t* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace dbanon
