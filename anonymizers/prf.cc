#include "anonymizers/prf.h"

// The SHA-256 low-level API is deprecated in OpenSSL 3.0 but still shipped
// and supported; it is the only OpenSSL interface that lets a precomputed
// HMAC state be copied as a plain struct, which halves the cost per value
// against EVP_MAC (shared/docs/perf-notes.md: ~100 ns vs ~200 ns).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>

namespace dbanon {

// ---------------------------------------------------------------------------
// AES-128-CMAC (RFC 4493) over OpenSSL's AES-128-ECB: the CBC-MAC chain is
// written here, block by block, so that the blocks of many messages go
// through one EVP_EncryptUpdate call (AES-NI pipelines independent blocks).
// OpenSSL's own CMAC (EVP_MAC "CMAC") costs an allocation, a parameter
// lookup and a context copy per message; tests/anonymizers/prf_test.cc checks
// that both agree, and RFC 4493's test vectors.

namespace {

std::atomic<uint64_t> next_cmac_id{1};

// RFC 4493 section 2.3: doubling in GF(2^128).
Cmac128::Block Double(const Cmac128::Block& in) {
  Cmac128::Block out;
  for (int i = 0; i < 15; ++i) out[i] = static_cast<uint8_t>(in[i] << 1 | in[i + 1] >> 7);
  out[15] = static_cast<uint8_t>(in[15] << 1);
  if (in[0] & 0x80) out[15] ^= 0x87;
  return out;
}

}  // namespace

// The calling thread's cipher contexts, direct-mapped by key number: a run
// has one key per configured anonymizer, and consecutive numbers land in
// different slots, so a row's anonymizers keep their contexts. A slot taken
// by another key is re-keyed (two AES key expansions).
//
// Each slot has two contexts under the same key: AES-128-ECB for blocks of
// independent chains (the messages of a batch, one block position at a
// time), and AES-128-CBC for the blocks of one chain, so that a long
// message's blocks go through the cipher in one call instead of one call
// per block. The CBC context is never re-initialised between messages (an
// EVP init costs more than the blocks of a short message): its chaining
// value carries over from the last block it encrypted (`cbc_last`), and the
// first block of each run is XORed with it to cancel it.
struct CmacContexts {
  static constexpr size_t kSlots = 64;
  struct Slot {
    uint64_t id = 0;
    EVP_CIPHER_CTX* ecb = nullptr;
    EVP_CIPHER_CTX* cbc = nullptr;
    Cmac128::Block cbc_last{};  // the CBC context's chaining value
  };
  Slot slots[kSlots];
  ~CmacContexts() {
    for (Slot& s : slots) {
      EVP_CIPHER_CTX_free(s.ecb);
      EVP_CIPHER_CTX_free(s.cbc);
    }
  }

  static Slot& For(const Cmac128& c) {
    thread_local CmacContexts contexts;
    Slot& s = contexts.slots[c.id_ % kSlots];
    if (s.id != c.id_) {
      if (s.ecb == nullptr) s.ecb = EVP_CIPHER_CTX_new();
      if (s.cbc == nullptr) s.cbc = EVP_CIPHER_CTX_new();
      const unsigned char zero_iv[16] = {};
      // Out of memory or a libcrypto without AES: nothing sensible to do
      // with a value that cannot be anonymized.
      if (s.ecb == nullptr || s.cbc == nullptr ||
          EVP_EncryptInit_ex(s.ecb, EVP_aes_128_ecb(), nullptr, c.key_, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(s.ecb, 0) != 1 ||
          EVP_EncryptInit_ex(s.cbc, EVP_aes_128_cbc(), nullptr, c.key_, zero_iv) != 1 ||
          EVP_CIPHER_CTX_set_padding(s.cbc, 0) != 1) {
        std::abort();
      }
      s.cbc_last = Cmac128::Block{};
      s.id = c.id_;
    }
    return s;
  }

  // Encrypts `blocks` 16-byte blocks of `buf` in place (ECB).
  static void Encrypt(EVP_CIPHER_CTX* ctx, uint8_t* buf, size_t blocks) {
    int written = 0;
    if (EVP_EncryptUpdate(ctx, buf, &written, buf, static_cast<int>(16 * blocks)) != 1 ||
        written != static_cast<int>(16 * blocks)) {
      std::abort();
    }
  }

  // The chain x_i = AES(x_{i-1} ^ b_i) from x_0 = x over the `blocks` blocks
  // of `p`, then over `final_block` (already completed per RFC 4493 section
  // 2.4) when not null; returns the last x. One CBC call per 16 blocks.
  static Cmac128::Block Chain(Slot& s, Cmac128::Block x, const uint8_t* p, size_t blocks,
                              const uint8_t* final_block) {
    constexpr size_t kChunk = 16;
    uint8_t buf[16 * kChunk];
    size_t total = blocks + (final_block != nullptr ? 1 : 0);
    size_t done = 0;
    while (done < total) {
      const size_t n = std::min(kChunk, total - done);
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* src = done + i < blocks ? p + 16 * (done + i) : final_block;
        std::memcpy(buf + 16 * i, src, 16);
      }
      // The context adds cbc_last to the first block; the chain wants x.
      for (int i = 0; i < 16; ++i) buf[i] ^= static_cast<uint8_t>(x[i] ^ s.cbc_last[i]);
      Encrypt(s.cbc, buf, n);
      std::memcpy(x.data(), buf + 16 * (n - 1), 16);
      s.cbc_last = x;
      done += n;
    }
    return x;
  }
};

Cmac128::Cmac128(const uint8_t key[16]) : id_(next_cmac_id.fetch_add(1, std::memory_order_relaxed)) {
  std::memcpy(key_, key, sizeof(key_));
  Block l{};
  CmacContexts::Encrypt(CmacContexts::For(*this).ecb, l.data(), 1);  // L = AES-128(K, 0^128)
  k1_ = Double(l);
  k2_ = Double(k1_);
}

namespace {

// The number of 16-byte blocks CMAC processes for an n-byte message (an
// empty message is one padded block).
inline size_t CmacBlocks(size_t n) { return n == 0 ? 1 : (n + 15) / 16; }

// Block `r` of `m` XOR `x`, the last block completed per RFC 4493 section
// 2.4: XOR K1 when whole, else padded with 0x80 0x00... and XOR K2.
inline void CmacInput(std::string_view m, size_t r, size_t blocks, const Cmac128::Block& k1,
                      const Cmac128::Block& k2, const uint8_t* x, uint8_t* in) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(m.data()) + 16 * r;
  if (r + 1 < blocks) {
    for (int i = 0; i < 16; ++i) in[i] = x[i] ^ p[i];
    return;
  }
  const size_t rest = m.size() - 16 * r;  // 0..16
  if (rest == 16) {
    for (int i = 0; i < 16; ++i) in[i] = x[i] ^ p[i] ^ k1[i];
    return;
  }
  uint8_t last[16] = {};
  if (rest > 0) std::memcpy(last, p, rest);
  last[rest] = 0x80;
  for (int i = 0; i < 16; ++i) in[i] = x[i] ^ last[i] ^ k2[i];
}

}  // namespace

Cmac128::Block Cmac128::Tag(std::string_view message) const {
  CmacContexts::Slot& slot = CmacContexts::For(*this);
  const size_t blocks = CmacBlocks(message.size());
  Block last{};
  const Block zero{};
  CmacInput(message, blocks - 1, blocks, k1_, k2_, zero.data(), last.data());
  if (blocks == 1) {
    CmacContexts::Encrypt(slot.ecb, last.data(), 1);
    return last;
  }
  return CmacContexts::Chain(slot, Block{}, reinterpret_cast<const uint8_t*>(message.data()), blocks - 1,
                             last.data());
}

Cmac128::Block Cmac128::Absorb(const Block& x, const uint8_t* p, size_t blocks) const {
  if (blocks == 0) return x;
  return CmacContexts::Chain(CmacContexts::For(*this), x, p, blocks, nullptr);
}

void Cmac128::TagBatch(std::span<const std::string_view> messages, Block* out) const {
  FinishBatch(Block{}, messages, out);
}

void Cmac128::FinishBatch(const Block& x, std::span<const std::string_view> rests, Block* out) const {
  EVP_CIPHER_CTX* ctx = CmacContexts::For(*this).ecb;
  constexpr size_t kChunk = 32;
  uint8_t buf[16 * kChunk];
  size_t which[kChunk];
  for (size_t base = 0; base < rests.size(); base += kChunk) {
    const size_t n = std::min(kChunk, rests.size() - base);
    size_t rounds = 0;
    for (size_t j = 0; j < n; ++j) {
      out[base + j] = x;
      rounds = std::max(rounds, CmacBlocks(rests[base + j].size()));
    }
    // Round r encrypts block r of every message that has one: the chains
    // of different messages are independent.
    for (size_t r = 0; r < rounds; ++r) {
      size_t k = 0;
      for (size_t j = 0; j < n; ++j) {
        std::string_view m = rests[base + j];
        const size_t blocks = CmacBlocks(m.size());
        if (r >= blocks) continue;
        CmacInput(m, r, blocks, k1_, k2_, out[base + j].data(), buf + 16 * k);
        which[k++] = base + j;
      }
      CmacContexts::Encrypt(ctx, buf, k);
      for (size_t i = 0; i < k; ++i) std::memcpy(out[which[i]].data(), buf + 16 * i, 16);
    }
  }
}

// ---------------------------------------------------------------------------
// HMAC-SHA256 and the Prf.

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
  Digest k = Mac("dbanon AES-128-CMAC key");
  cmac_ = std::make_shared<const Cmac128>(k.data());
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

namespace {

// message || 0x00 || counter, big endian (the counter form of Mac and Cmac).
void AppendCounter(uint32_t counter, unsigned char tail[5]) {
  tail[0] = 0;
  tail[1] = static_cast<unsigned char>(counter >> 24);
  tail[2] = static_cast<unsigned char>(counter >> 16);
  tail[3] = static_cast<unsigned char>(counter >> 8);
  tail[4] = static_cast<unsigned char>(counter);
}

}  // namespace

// CMAC(row token || message || tail), in the thread's buffer: deterministic
// = false is rarer than the keyed mapping, but still one call per value.
Prf::Block Prf::CmacFresh(std::string_view message, const unsigned char* tail, size_t tail_size) const {
  thread_local std::string buf;
  const RowToken& token = ThreadRowToken();
  buf.assign(reinterpret_cast<const char*>(token.bytes), sizeof(token.bytes));
  buf.append(message);
  if (tail_size > 0) buf.append(reinterpret_cast<const char*>(tail), tail_size);
  return cmac_->Tag(buf);
}

Prf::Block Prf::Cmac(std::string_view message) const {
  if (fresh_) return CmacFresh(message, nullptr, 0);
  return cmac_->Tag(message);
}

Prf::Block Prf::Cmac(std::string_view message, uint32_t counter) const {
  CmacStream stream;
  Block out;
  CmacCounters(message, counter, 1, &out, &stream);
  return out;
}

void Prf::CmacCounters(std::string_view message, uint32_t first, size_t n, Block* out, CmacStream* stream) const {
  // message || 0x00 || counter: every whole block of `message` comes before
  // the counter's bytes, so it is never the last block, and the chain over
  // them is the same for every counter. A fresh Prf's row token is one more
  // whole block in front.
  const size_t whole = message.size() / 16;
  if (!stream->ready) {
    Block x{};
    if (fresh_) x = cmac_->Absorb(x, ThreadRowToken().bytes, 1);
    stream->x = cmac_->Absorb(x, reinterpret_cast<const uint8_t*>(message.data()), whole);
    stream->ready = true;
  }
  const std::string_view rest = message.substr(16 * whole);  // 0..15 bytes
  constexpr size_t kMax = 8;
  char tails[kMax][32];
  std::string_view views[kMax];
  for (size_t done = 0; done < n; done += kMax) {
    const size_t m = std::min(kMax, n - done);
    for (size_t i = 0; i < m; ++i) {
      unsigned char tail[5];
      AppendCounter(first + static_cast<uint32_t>(done + i), tail);
      if (!rest.empty()) std::memcpy(tails[i], rest.data(), rest.size());
      std::memcpy(tails[i] + rest.size(), tail, sizeof(tail));
      views[i] = std::string_view(tails[i], rest.size() + sizeof(tail));
    }
    cmac_->FinishBatch(stream->x, std::span<const std::string_view>(views, m), out + done);
  }
}

uint64_t Prf::Cmac64(std::string_view message) const {
  Block b = Cmac(message);
  uint64_t v;  // the first 8 bytes, little-endian
  std::memcpy(&v, b.data(), sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

void Prf::CmacBatch(std::span<const std::string_view> messages, Block* out) const {
  if (!fresh_) {
    cmac_->TagBatch(messages, out);
    return;
  }
  for (size_t i = 0; i < messages.size(); ++i) out[i] = CmacFresh(messages[i], nullptr, 0);
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
