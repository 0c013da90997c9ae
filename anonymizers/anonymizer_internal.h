// Helpers shared by the anonymizer implementations. Not part of the public
// interface: include anonymizer.h from outside this folder.
#ifndef DBANON_ANONYMIZERS_ANONYMIZER_INTERNAL_H_
#define DBANON_ANONYMIZERS_ANONYMIZER_INTERNAL_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "anonymizers/value_cache.h"

namespace dbanon::internal {

// Base of the anonymizers that read and write one column: NULL stays NULL
// and AnonymizeValue only sees non-NULL values.
class SingleColumnAnonymizer : public Anonymizer {
 public:
  explicit SingleColumnAnonymizer(std::string target) { columns_.push_back(std::move(target)); }

  void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const final {
    if (in[0].is_null) {
      out[0] = Cell::Null();
      return;
    }
    if (Prf::ThreadRowToken().set) {  // deterministic = false: a fresh output per row, never cached
      out[0] = Cell{AnonymizeValue(in[0].value, scratch), false};
      return;
    }
    ValueCache& cache = scratch.Cache();
    if (const std::string* hit = cache.Find(id(), in[0].value)) {
      out[0] = Cell{*hit, false};
      return;
    }
    std::string_view value = AnonymizeValue(in[0].value, scratch);
    out[0] = Cell{cache.Cacheable(id(), in[0].value) ? std::string_view(cache.Store(id(), in[0].value, value)) : value, false};
  }

  // Several rows: when the anonymizer draws one CMAC tag per value
  // (SetTagPrf), the tags of the values that the value cache does not hold
  // (all of them when the cache is off for it: values that rarely repeat)
  // come from one Prf::CmacBatch call; otherwise value by value, as
  // Anonymize. Outputs are the same either way (a pure function of the value).
  void AnonymizeRows(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const final {
    if (tag_prf_ == nullptr || in.size() < 2 || Prf::ThreadRowToken().set) {
      Anonymizer::AnonymizeRows(in, scratch, out);
      return;
    }
    ValueCache& cache = scratch.Cache();
    const bool cached = cache.Cacheable(id(), std::string_view());
    std::vector<size_t>& index = scratch.batch_index;
    std::vector<std::string_view>& messages = scratch.batch_messages;
    std::vector<Prf::Block>& tags = scratch.batch_tags;
    index.clear();
    messages.clear();
    scratch.BatchString(in.size() - 1);  // every string first: growing would move short ones
    // The values' slots are asked from memory before the first is read
    // (ValueCache::Prefetch).
    thread_local std::vector<uint64_t> hashes;
    if (cached) {
      hashes.resize(in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        if (in[i].is_null || in[i].value.size() > ValueCache::kMaxValueBytes) continue;
        hashes[i] = ValueCache::HashOf(id(), in[i].value);
        cache.Prefetch(hashes[i]);
      }
    }
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].is_null) {
        out[i] = Cell::Null();
        continue;
      }
      if (cached) {
        if (const std::string* hit = cache.Find(id(), in[i].value, hashes[i])) {
          // Copied: a later Store may reuse the slot.
          std::string& copy = scratch.BatchString(i);
          copy.assign(*hit);
          out[i] = Cell{copy, false};
          continue;
        }
      }
      index.push_back(i);
      messages.push_back(in[i].value);
    }
    if (messages.empty()) return;
    tags.resize(messages.size());
    tag_prf_->CmacBatch(messages, tags.data());
    for (size_t k = 0; k < index.size(); ++k) {
      std::string_view v = AnonymizeWithTag(messages[k], tags[k], scratch);
      // An output in scratch.String(0) moves to the batch's own string (the
      // next value reuses String(0)); one in the anonymizer's data or the
      // input stays where it is.
      std::string& s0 = scratch.String(0);
      if (!v.empty() && v.data() >= s0.data() && v.data() + v.size() <= s0.data() + s0.size()) {
        const size_t offset = static_cast<size_t>(v.data() - s0.data());
        std::string& keep = scratch.BatchString(index[k]);
        keep.swap(s0);
        v = std::string_view(keep).substr(offset, v.size());
      }
      if (cached && cache.Cacheable(id(), messages[k])) cache.StoreValue(id(), messages[k], v);
      out[index[k]] = Cell{v, false};
    }
  }

  // Returns the replacement; it may point into scratch.String(0) or into
  // data owned by the anonymizer.
  virtual std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const = 0;

 protected:
  // For anonymizers whose only draw from the keyed PRF is prf->Cmac(value):
  // AnonymizeValue(value) must equal AnonymizeWithTag(value, prf->Cmac(value)),
  // and AnonymizeRows batches the tags.
  void SetTagPrf(const Prf* prf) { tag_prf_ = prf; }
  virtual std::string_view AnonymizeWithTag(std::string_view value, const Prf::Block& tag, Scratch& scratch) const {
    (void)tag;
    return AnonymizeValue(value, scratch);
  }
  // The first 8 bytes of a tag, as Prf::Cmac64 reads them.
  // Little-endian, loaded at once (a byte loop here cost 26 instructions a
  // value: GCC 12 did not fold it).
  static uint64_t TagBits(const Prf::Block& tag) {
    uint64_t v;
    std::memcpy(&v, tag.data(), sizeof(v));
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
  }

 private:
  const Prf* tag_prf_ = nullptr;
};

// Picks one entry of `list` as a function of the keyed hash of `value`.
inline std::string_view Pick(const Prf& prf, std::string_view value, std::span<const std::string_view> list) {
  return list[Uniform(prf.Cmac64(value), list.size())];
}

// A uniform integer in [lo, hi] (lo <= hi) from 64 random bits; the full
// int64 range when lo and hi are its ends.
inline int64_t UniformInRange(uint64_t bits, int64_t lo, int64_t hi) {
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;  // 0: all 2^64 values
  uint64_t offset = span == 0 ? bits : Uniform(bits, span);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

// A factory of anonymizers that pick one entry of `list` (which must outlive
// them) by the keyed hash of the value: firstname, lastname and the fr-fr pack.
AnonymizerFactory ListFactory(std::span<const std::string_view> list);

// email with style = "words": first.last<number>@domain, the names from the
// built-in lists and the number from 64 keyed bits of `prf` (see
// name_anonymizers.cc). REQUIRES: prf != nullptr.
std::unique_ptr<Anonymizer> NewWordsEmailAnonymizer(std::string target, std::string domain,
                                                    std::shared_ptr<const Prf> prf);

// Registration hooks, one per implementation file, called by registry.cc.
void AddBasicAnonymizers(std::vector<AnonymizerInfo>* out);
void AddNameAnonymizers(std::vector<AnonymizerInfo>* out);
void AddAddressAnonymizers(std::vector<AnonymizerInfo>* out);
void AddFrNameAnonymizers(std::vector<AnonymizerInfo>* out);
void AddBankAnonymizers(std::vector<AnonymizerInfo>* out);
void AddPhoneAnonymizers(std::vector<AnonymizerInfo>* out);
void AddIpAnonymizers(std::vector<AnonymizerInfo>* out);
void AddJsonAnonymizers(std::vector<AnonymizerInfo>* out);
void AddNumberAnonymizers(std::vector<AnonymizerInfo>* out);
void AddDateAnonymizers(std::vector<AnonymizerInfo>* out);
void AddTextAnonymizers(std::vector<AnonymizerInfo>* out);
void AddPatternAnonymizers(std::vector<AnonymizerInfo>* out);
void AddPasswordAnonymizers(std::vector<AnonymizerInfo>* out);

}  // namespace dbanon::internal

#endif  // DBANON_ANONYMIZERS_ANONYMIZER_INTERNAL_H_
