// firstname, lastname (and the fr-fr pack's): realistic names drawn from
// dictionaries compiled into the binary (sources in anonymizers/data/README.md);
// and the e-mail address made of them (email with style = "words").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

#include "anonymizers/anonymizer_internal.h"

namespace dbanon::internal {
namespace {

constexpr std::string_view kFirstNames[] = {
#include "anonymizers/data/first_names.inc"
};
constexpr std::string_view kLastNames[] = {
#include "anonymizers/data/last_names.inc"
};

class ListAnonymizer : public SingleColumnAnonymizer {
 public:
  ListAnonymizer(std::string target, std::span<const std::string_view> list, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), list_(list), prf_(std::move(prf)) {
    output_bits_ = std::log2(static_cast<double>(list_.size()));
    SetTagPrf(prf_.get());
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch&) const override {
    return Pick(*prf_, value, list_);
  }
  std::string_view AnonymizeWithTag(std::string_view, const Prf::Block& tag, Scratch&) const override {
    return list_[Uniform(TagBits(tag), list_.size())];
  }

 private:
  std::span<const std::string_view> list_;
  std::shared_ptr<const Prf> prf_;
};

// The names usable in an e-mail local part: entries made of ASCII letters
// only (no space, hyphen, apostrophe or accent), lower-cased, first
// occurrence kept, in list order (so the mapping depends on the list only).
std::vector<std::string> LocalPartNames(std::span<const std::string_view> list) {
  std::vector<std::string> out;
  for (std::string_view name : list) {
    std::string lower;
    bool ok = !name.empty();
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c < 'a' || c > 'z') ok = false;
      lower.push_back(c);
    }
    if (ok && std::find(out.begin(), out.end(), lower) == out.end()) out.push_back(std::move(lower));
  }
  return out;
}

// first.last<number>@domain from 64 keyed bits h, in mixed radix: first =
// h mod F, last = (h / F) mod L, number = h / (F L) in decimal (at most 14
// digits). The three parts give h back (no name holds a digit or a dot), so
// distinct h give distinct addresses: the 64 bits of unique are kept.
class WordsEmailAnonymizer : public SingleColumnAnonymizer {
 public:
  WordsEmailAnonymizer(std::string target, std::string domain, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), domain_(std::move(domain)), prf_(std::move(prf)) {
    output_bits_ = 64;
    SetTagPrf(prf_.get());
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    return AnonymizeWithTag(value, prf_->Cmac(value), scratch);
  }
  std::string_view AnonymizeWithTag(std::string_view, const Prf::Block& tag, Scratch& scratch) const override {
    static const std::vector<std::string> firsts = LocalPartNames(kFirstNames);
    static const std::vector<std::string> lasts = LocalPartNames(kLastNames);
    uint64_t h = TagBits(tag);
    const std::string& first = firsts[h % firsts.size()];
    h /= firsts.size();
    const std::string& last = lasts[h % lasts.size()];
    h /= lasts.size();
    std::string& out = scratch.String(0);
    out.clear();
    absl::StrAppend(&out, first, ".", last, h, "@", domain_);
    return out;
  }

 private:
  std::string domain_;
  std::shared_ptr<const Prf> prf_;
};

}  // namespace

std::unique_ptr<Anonymizer> NewWordsEmailAnonymizer(std::string target, std::string domain,
                                                    std::shared_ptr<const Prf> prf) {
  return std::make_unique<WordsEmailAnonymizer>(std::move(target), std::move(domain), std::move(prf));
}

AnonymizerFactory ListFactory(std::span<const std::string_view> list) {
  return [list](Options&, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
    return std::make_unique<ListAnonymizer>(ctx.target, list, ctx.prf);
  };
}

void AddNameAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"firstname", "a first name from a built-in list of world first names", {}, ListFactory(kFirstNames)});
  out->push_back({"lastname", "a last name from a built-in list of world last names", {}, ListFactory(kLastNames)});
}

}  // namespace dbanon::internal
