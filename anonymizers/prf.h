// Keyed pseudo-random functions behind every deterministic anonymizer.
//
// Two standard keyed PRFs, both computed by OpenSSL:
//  * AES-128-CMAC (RFC 4493, NIST SP 800-38B): Cmac, Cmac64, CmacBatch. The
//    anonymizers draw from it: one AES block encryption per 16 bytes of
//    value (AES-NI through OpenSSL's EVP interface), and a batch of values
//    in one EVP call. Its key is the first 16 bytes of
//    HMAC-SHA256(key, "dbanon AES-128-CMAC key").
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
// with the calling thread's own OpenSSL cipher context for this key (a
// direct-mapped set of 64 per thread, made on first use and freed when the
// thread ends).
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

  Block Tag(std::string_view message) const;
  // out[i] = Tag(messages[i]) for every i. Blocks of all the messages go
  // through the cipher together, one EVP call per 16-byte block position.
  void TagBatch(std::span<const std::string_view> messages, Block* out) const;

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
