// Keyed pseudo-random functions behind every deterministic anonymizer.
//
// Two standard keyed PRFs, both computed by OpenSSL:
//  * AES-128-CMAC (RFC 4493, NIST SP 800-38B): Cmac, Cmac64, CmacBatch,
//    CmacCounters. The anonymizers draw from it: one AES block encryption
//    per 16 bytes of value (AES-NI through OpenSSL's EVP interface), and a
//    batch of values in one EVP call. Its key is the first 16 bytes of
//    HMAC-SHA256(key, "dbanon AES-128-CMAC key"). The chain and subkeys
//    (K1, K2) are computed in prf.cc; tests/anonymizers/prf_test.cc checks
//    them against RFC 4493 section 4's vectors (key
//    2b7e151628aed2a6abf7158809cf4f3c: the empty message gives
//    bb1d6929e95937287fa37d129b756746, its 16-byte example
//    070a16b46b4d4144f79bdd9dd04a287c, 40 bytes
//    dfa66747de9ae63030ca32611497c827, 64 bytes
//    51f0bebf7e3b9d92fc49741779363cfe) and against OpenSSL's own CMAC
//    (EVP_MAC "CMAC") for every length 0 to 119.
//  * HMAC-SHA256 (RFC 2104, FIPS 198-1): Mac. Key derivation (Derive), the
//    `hash` anonymizer (documented as HMAC-SHA256) and `pattern`'s
//    pseudonyms. Each value starts from precomputed inner and outer pad
//    states.
// An anonymizer never hashes a value without a key: an unkeyed hash of an
// e-mail address can be reversed by hashing guesses. Each configured
// anonymizer derives its own Prf from the run's salt with Derive(domain),
// where the domain names the anonymizer and its options, so the same value
// gets the same output in every table only when anonymizer and options match.
//
// Thread-safety: every method is const and safe to call from any number of
// threads at once: the HMAC copies the precomputed state; the CMAC encrypts
// with the calling thread's own OpenSSL cipher contexts for this key (an
// ECB and a CBC context; a direct-mapped set of 64 keys per thread, made on
// first use and freed when the thread ends).
#ifndef DBANON_ANONYMIZERS_PRF_H_
#define DBANON_ANONYMIZERS_PRF_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace dbanon {

// AES-128-CMAC (RFC 4493) under one 16-byte key, with OpenSSL's AES.
// Thread-safety: as Prf (per-thread cipher contexts).
class Cmac128 {
 public:
  using Block = std::array<uint8_t, 16>;
  explicit Cmac128(const uint8_t key[16]);

  // The CMAC of `message`. The blocks of one message form a chain: they go
  // through the cipher in one CBC call per 16 blocks.
  Block Tag(std::string_view message) const;
  // out[i] = Tag(messages[i]) for every i. Blocks of all the messages go
  // through the cipher together, one EVP call per 16-byte block position.
  void TagBatch(std::span<const std::string_view> messages, Block* out) const;

  // For messages that share a prefix of whole blocks (RFC 4493's CBC-MAC
  // chain, section 2.4, steps 5-6): Absorb returns the chain value after
  // the `blocks` 16-byte blocks at `p`, starting from `x` (all zero at the
  // start of a message); the prefix must not hold the message's last block.
  // FinishBatch then gives out[i] = the tag of prefix || rests[i] from that
  // value, for every i, as TagBatch does.
  Block Absorb(const Block& x, const uint8_t* p, size_t blocks) const;
  void FinishBatch(const Block& x, std::span<const std::string_view> rests, Block* out) const;

 private:
  uint8_t key_[16];
  Block k1_, k2_;  // RFC 4493 section 2.3 subkeys
  uint64_t id_;    // process-wide number of this key: its per-thread context slot
  friend struct CmacContexts;
};

class Prf {
 public:
  using Digest = std::array<uint8_t, 32>;
  using Block = Cmac128::Block;

  // `key` may be any length, including empty (used for unsalted mappings).
  explicit Prf(std::string_view key);

  // A new Prf keyed by HMAC(key, domain).
  Prf Derive(std::string_view domain) const;

  // HMAC-SHA256(key, message).
  Digest Mac(std::string_view message) const;
  // HMAC-SHA256(key, message || 0x00 || counter), for drawing more than one
  // value from the same input (e.g. the parts of an address).
  Digest Mac(std::string_view message, uint32_t counter) const;

  // AES-128-CMAC(cmac key, message): the draws of the anonymizers.
  Block Cmac(std::string_view message) const;
  // AES-128-CMAC(cmac key, message || 0x00 || counter (4 bytes, big
  // endian)), for drawing more than one value from the same input (e.g. the
  // parts of an address).
  Block Cmac(std::string_view message, uint32_t counter) const;
  // out[i] = Cmac(message, first + i) for i in [0, n): the whole blocks of
  // `message` go through the cipher once per `stream` (the first call
  // fills it), the n last blocks together. The draws of one input
  // (internal::Draws in generate_internal.h) come from here: a multi-column
  // anonymizer's input (its row key) can be a few hundred bytes.
  // REQUIRES: the same message (and, for a Fresh Prf, the same row token)
  // in every call with the same stream.
  struct CmacStream {
    Block x{};
    bool ready = false;
  };
  void CmacCounters(std::string_view message, uint32_t first, size_t n, Block* out, CmacStream* stream) const;
  // The first 8 bytes of Cmac(message) as an integer (little endian).
  uint64_t Cmac64(std::string_view message) const;
  // out[i] = Cmac(messages[i]): several values per call, cheaper per value
  // than one call each.
  void CmacBatch(std::span<const std::string_view> messages, Block* out) const;

  // A copy whose every Mac and Cmac (and Derive) also absorbs the calling thread's
  // row token (see RowToken), so that one value gets a fresh output per row:
  // the PRF behind `deterministic = false`.
  Prf Fresh() const {
    Prf p = *this;
    p.fresh_ = true;
    return p;
  }

  // The calling thread's row token: 16 bytes that a fresh Prf prefixes to
  // every message, set for the duration of one row by the caller of a
  // non-deterministic anonymizer (RowTokenScope), all zero otherwise.
  struct RowToken {
    uint8_t bytes[16] = {};
    bool set = false;
  };
  static RowToken& ThreadRowToken();


 private:
  // Storage for an OpenSSL SHA256_CTX (112 bytes on every platform OpenSSL
  // supports), kept opaque so that this header does not pull in OpenSSL.
  struct alignas(8) State {
    unsigned char bytes[128];
  };
  Digest Finish(const void* inner_state) const;
  // Messages this long or shorter fit the inner hash's last block.
  static constexpr size_t kShortMessage = 55;
  Digest MacShort(const unsigned char* message, size_t n) const;

  Digest MacFresh(std::string_view message, const unsigned char* tail, size_t tail_size) const;
  Block CmacFresh(std::string_view message, const unsigned char* tail, size_t tail_size) const;

  State inner_;  // SHA-256 state after absorbing key ^ ipad
  State outer_;  // SHA-256 state after absorbing key ^ opad
  std::shared_ptr<const Cmac128> cmac_;  // shared by copies (Fresh)
  bool fresh_ = false;
};

// A uniform integer in [0, n) from 64 random bits (n > 0). The modulo bias is
// below 2^-32 for n < 2^32, which is far below what the data could show.
inline uint64_t Uniform(uint64_t bits, uint64_t n) { return bits % n; }

// Lower-case hex of `n` bytes (2n characters), returned or appended to `out`.
std::string HexLower(const uint8_t* bytes, size_t n);
void AppendHexLower(const uint8_t* bytes, size_t n, std::string* out);

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_PRF_H_
