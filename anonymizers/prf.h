// Keyed pseudo-random function behind every deterministic anonymizer.
//
// Prf computes HMAC-SHA256 (RFC 2104, FIPS 198-1) with OpenSSL's SHA-256,
// starting each value from precomputed inner and outer pad states.
// An anonymizer never hashes a value without a key: an unkeyed hash of an
// e-mail address can be reversed by hashing guesses. Each configured
// anonymizer derives its own Prf from the run's salt with Derive(domain),
// where the domain names the anonymizer and its options, so the same value
// gets the same output in every table only when anonymizer and options match.
//
// Thread-safety: Mac() and the helpers are const and safe to call from any
// number of threads at once (each call copies the precomputed state).
#ifndef DBANON_ANONYMIZERS_PRF_H_
#define DBANON_ANONYMIZERS_PRF_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dbanon {

class Prf {
 public:
  using Digest = std::array<uint8_t, 32>;

  // `key` may be any length, including empty (used for unsalted mappings).
  explicit Prf(std::string_view key);

  // A new Prf keyed by HMAC(key, domain).
  Prf Derive(std::string_view domain) const;

  // HMAC-SHA256(key, message).
  Digest Mac(std::string_view message) const;
  // HMAC-SHA256(key, message || 0x00 || counter), for drawing more than one
  // value from the same input (e.g. the parts of an address).
  Digest Mac(std::string_view message, uint32_t counter) const;

  // The first 8 bytes of Mac(message) as an integer.
  uint64_t Mac64(std::string_view message) const;

  // A copy whose every Mac (and Derive) also absorbs the calling thread's
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

  State inner_;  // SHA-256 state after absorbing key ^ ipad
  State outer_;  // SHA-256 state after absorbing key ^ opad
  bool fresh_ = false;
};

// A uniform integer in [0, n) from 64 random bits (n > 0). The modulo bias is
// below 2^-32 for n < 2^32, which is far below what the data could show.
inline uint64_t Uniform(uint64_t bits, uint64_t n) { return bits % n; }

// Lower-case hex of `bytes`.
// Lower-case hex of `n` bytes (2n characters), returned or appended to `out`.
std::string HexLower(const uint8_t* bytes, size_t n);
void AppendHexLower(const uint8_t* bytes, size_t n, std::string* out);

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_PRF_H_
