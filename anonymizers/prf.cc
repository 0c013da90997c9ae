#include "anonymizers/prf.h"

// The SHA-256 low-level API is deprecated in OpenSSL 3.0 but still shipped
// and supported; it is the only OpenSSL interface that lets a precomputed
// HMAC state be copied as a plain struct, which halves the cost per value
// against EVP_MAC (shared/docs/perf-notes.md: ~100 ns vs ~200 ns).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

namespace dbanon {

// HMAC (RFC 2104) with SHA-256: H((K ^ opad) || H((K ^ ipad) || m)), where K
// is the key hashed to 32 bytes when longer than the 64-byte block and padded
// with zeros. The two pad blocks are absorbed once here.
Prf::Prf(std::string_view key) {
  unsigned char block[SHA256_CBLOCK] = {0};
  if (key.size() > sizeof(block)) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else if (!key.empty()) {  // an empty view may hold a null pointer, which memcpy must not get
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
  Prf derived(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  derived.fresh_ = fresh_;
  return derived;
}

Prf::RowToken& Prf::ThreadRowToken() {
  thread_local RowToken token;
  return token;
}

// HMAC(key, row token || message || tail).
Prf::Digest Prf::MacFresh(std::string_view message, const unsigned char* tail, size_t tail_size) const {
  SHA256_CTX inner;
  std::memcpy(&inner, inner_.bytes, sizeof(inner));
  const RowToken& token = ThreadRowToken();
  SHA256_Update(&inner, token.bytes, sizeof(token.bytes));
  SHA256_Update(&inner, message.data(), message.size());
  if (tail_size > 0) SHA256_Update(&inner, tail, tail_size);
  return Finish(&inner);
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

namespace {

// Completes a SHA-256 whose state `ctx` has absorbed one 64-byte block (an
// HMAC pad) with the `n` <= 55 bytes at the start of `block`, whose other
// bytes are zero: pads them in place (FIPS 180-4, 5.1.1) and runs OpenSSL's
// compression function once.
inline void FinishOneBlock(SHA256_CTX* ctx, unsigned char* block, size_t n, unsigned char* digest) {
  block[n] = 0x80;
  const uint64_t bits = (uint64_t{SHA256_CBLOCK} + n) * 8;
  block[SHA256_CBLOCK - 2] = static_cast<unsigned char>(bits >> 8);
  block[SHA256_CBLOCK - 1] = static_cast<unsigned char>(bits);
  SHA256_Transform(ctx, block);
  for (int i = 0; i < 8; ++i) {
    uint32_t be = __builtin_bswap32(static_cast<uint32_t>(ctx->h[i]));
    std::memcpy(digest + 4 * i, &be, 4);
  }
}

}  // namespace

// Messages of up to 55 bytes (e-mails, names, phone numbers) take one
// compression for the inner hash and one for the outer: the same HMAC, without
// SHA256_Update/Final's buffering and clean-up per call.
Prf::Digest Prf::MacShort(const unsigned char* message, size_t n) const {
  // (64 + n) * 8 < 2^16: the length takes the block's last two bytes.
  unsigned char block[SHA256_CBLOCK] = {};
  std::memcpy(block, message, n);
  SHA256_CTX ctx;
  std::memcpy(&ctx, inner_.bytes, sizeof(ctx));
  unsigned char outer_block[SHA256_CBLOCK] = {};
  FinishOneBlock(&ctx, block, n, outer_block);  // the inner hash starts the outer block
  std::memcpy(&ctx, outer_.bytes, sizeof(ctx));
  Digest out;
  FinishOneBlock(&ctx, outer_block, SHA256_DIGEST_LENGTH, out.data());
  return out;
}

Prf::Digest Prf::Mac(std::string_view message) const {
  if (fresh_) return MacFresh(message, nullptr, 0);
  if (message.size() <= kShortMessage) {
    return MacShort(reinterpret_cast<const unsigned char*>(message.data()), message.size());
  }
  SHA256_CTX inner;
  std::memcpy(&inner, inner_.bytes, sizeof(inner));
  SHA256_Update(&inner, message.data(), message.size());
  return Finish(&inner);
}

Prf::Digest Prf::Mac(std::string_view message, uint32_t counter) const {
  if (fresh_) {
    unsigned char tail[5] = {0, static_cast<unsigned char>(counter >> 24), static_cast<unsigned char>(counter >> 16),
                             static_cast<unsigned char>(counter >> 8), static_cast<unsigned char>(counter)};
    return MacFresh(message, tail, sizeof(tail));
  }
  if (message.size() + 5 <= kShortMessage) {
    unsigned char buf[kShortMessage];
    std::memcpy(buf, message.data(), message.size());
    unsigned char* t = buf + message.size();
    t[0] = 0;
    t[1] = static_cast<unsigned char>(counter >> 24);
    t[2] = static_cast<unsigned char>(counter >> 16);
    t[3] = static_cast<unsigned char>(counter >> 8);
    t[4] = static_cast<unsigned char>(counter);
    return MacShort(buf, message.size() + 5);
  }
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

namespace {

// The two hex digits of every byte value.
struct HexPairs {
  char pairs[256][2];
  constexpr HexPairs() : pairs() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      pairs[i][0] = kHex[i >> 4];
      pairs[i][1] = kHex[i & 15];
    }
  }
};
constexpr HexPairs kHexPairs;

}  // namespace

void AppendHexLower(const uint8_t* bytes, size_t n, std::string* out) {
  char buf[128];
  while (n > 0) {
    size_t k = std::min(n, sizeof(buf) / 2);
    for (size_t i = 0; i < k; ++i) std::memcpy(buf + 2 * i, kHexPairs.pairs[bytes[i]], 2);
    out->append(buf, 2 * k);
    bytes += k;
    n -= k;
  }
}

std::string HexLower(const uint8_t* bytes, size_t n) {
  std::string out;
  AppendHexLower(bytes, n, &out);
  return out;
}

}  // namespace dbanon
