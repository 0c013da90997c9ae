#include "anonymizers/prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dbanon {
namespace {

std::atomic<uint64_t> next_prf_id{1};

// The process-wide HMAC algorithm, fetched once (fetching per call costs
// ~1 us: see shared/docs/perf-notes.md).
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) std::abort();
    return m;
  }();
  return mac;
}

EVP_MAC_CTX* NewContext(const std::string& key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  if (ctx == nullptr) std::abort();
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty[1] = {0};
  const unsigned char* k = key.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, k, key.size(), params) != 1) std::abort();
  return ctx;
}

// Per-thread contexts, one per Prf used on that thread. A run has a handful
// of Prfs, so a linear scan beats a hash map.
struct ThreadContexts {
  std::vector<std::pair<uint64_t, EVP_MAC_CTX*>> entries;
  ~ThreadContexts() {
    for (auto& e : entries) EVP_MAC_CTX_free(e.second);
  }
  EVP_MAC_CTX* Get(uint64_t id, const std::string& key) {
    for (auto& e : entries) {
      if (e.first == id) return e.second;
    }
    entries.emplace_back(id, NewContext(key));
    return entries.back().second;
  }
};

thread_local ThreadContexts thread_contexts;

}  // namespace

Prf::Prf(std::string_view key) : key_(key), id_(next_prf_id.fetch_add(1)) {}
Prf::~Prf() = default;
Prf::Prf(Prf&& other) noexcept : key_(std::move(other.key_)), id_(other.id_) { other.id_ = 0; }

Prf Prf::Derive(std::string_view domain) const {
  Digest d = Mac(domain);
  return Prf(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

Prf::Digest Prf::Mac(std::string_view message) const {
  EVP_MAC_CTX* ctx = thread_contexts.Get(id_, key_);
  // Re-initialising with a null key keeps the key schedule (OpenSSL 3 docs,
  // EVP_MAC_init): the cheapest way to start a new MAC with the same key.
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) std::abort();
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  Digest out;
  size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) std::abort();
  return out;
}

Prf::Digest Prf::Mac(std::string_view message, uint32_t counter) const {
  EVP_MAC_CTX* ctx = thread_contexts.Get(id_, key_);
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) std::abort();
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  unsigned char tail[5] = {0, static_cast<unsigned char>(counter >> 24), static_cast<unsigned char>(counter >> 16),
                           static_cast<unsigned char>(counter >> 8), static_cast<unsigned char>(counter)};
  EVP_MAC_update(ctx, tail, sizeof(tail));
  Digest out;
  size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) std::abort();
  return out;
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
