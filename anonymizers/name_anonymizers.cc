// firstname, lastname (and the fr-fr pack's): realistic names drawn from
// dictionaries compiled into the binary (sources in anonymizers/data/README.md).
#include <cmath>

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
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch&) const override {
    return Pick(*prf_, value, list_);
  }

 private:
  std::span<const std::string_view> list_;
  std::shared_ptr<const Prf> prf_;
};

}  // namespace

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
