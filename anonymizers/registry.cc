#include <algorithm>
#include <atomic>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/string_view_compat.h"
#include "anonymizers/anonymizer.h"
#include "anonymizers/anonymizer_internal.h"
#include "anonymizers/value_cache.h"

namespace dbanon {

namespace {
std::atomic<size_t> next_anonymizer_id{0};
}  // namespace

Anonymizer::Anonymizer() : id_(next_anonymizer_id.fetch_add(1)) {}

Scratch::Scratch() = default;
Scratch::~Scratch() = default;

ValueCache& Scratch::Cache() {
  if (!cache_) cache_ = std::make_unique<ValueCache>();
  return *cache_;
}

const std::vector<AnonymizerInfo>& AllAnonymizers() {
  static const std::vector<AnonymizerInfo> all = [] {
    std::vector<AnonymizerInfo> v;
    internal::AddBasicAnonymizers(&v);
    internal::AddNameAnonymizers(&v);
    internal::AddAddressAnonymizers(&v);
    internal::AddFrNameAnonymizers(&v);
    internal::AddBankAnonymizers(&v);
    internal::AddPhoneAnonymizers(&v);
    internal::AddIpAnonymizers(&v);
    internal::AddJsonAnonymizers(&v);
    internal::AddNumberAnonymizers(&v);
    internal::AddDateAnonymizers(&v);
    internal::AddTextAnonymizers(&v);
    internal::AddPatternAnonymizers(&v);
    internal::AddPasswordAnonymizers(&v);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return v;
  }();
  return all;
}

const AnonymizerInfo* FindAnonymizer(std::string_view name) {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<Anonymizer>> CreateAnonymizer(std::string_view name, Options options,
                                                             const Prf& salt_prf, std::string_view target) {
  const AnonymizerInfo* info = FindAnonymizer(name);
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown anonymizer '", ToAbsl(name), "' (see 'dbanon list')"));
  }
  bool unique = false;
  if (const OptionValue* u = options.Find("unique")) {
    const bool* b = std::get_if<bool>(&u->v);
    if (b == nullptr) return absl::InvalidArgumentError("option 'unique' must be true or false");
    unique = *b;
    options = options.Without("unique");  // not part of the mapping
  }
  // Same name and options give the same PRF, hence the same outputs, in
  // every table that uses them: this keeps joins and foreign keys working.
  auto prf = std::make_shared<const Prf>(salt_prf.Derive(absl::StrCat("dbanon/", ToAbsl(name), "/", options.Canonical())));
  AnonymizerContext ctx{std::string(target), std::move(prf)};
  auto made = info->factory(options, ctx);
  if (!made.ok()) return made.status();
  std::vector<std::string> unused = options.Unused();
  if (!unused.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown option '", unused.front(), "' for anonymizer '", ToAbsl(name), "'"));
  }
  if (unique && (*made)->output_bits() < kUniqueBits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "option 'unique': the output space of '", ToAbsl(name), "' (about 2^", static_cast<int>((*made)->output_bits()),
        " values) is too small to keep different values distinct; unique needs at least 2^",
        static_cast<int>(kUniqueBits), " (use email, md5, hash or uuid)"));
  }
  return made;
}

}  // namespace dbanon
