// fr-fr.firstname, fr-fr.lastname: DbToolsBundle's fr-fr pack names, drawn
// from the French lists compiled into the binary (anonymizers/data/README.md:
// 1,241 first names and 1,011 last names, the French-language person lists
// of Debian's Python, PHP and Ruby Faker packages merged).
#include <cmath>

#include "anonymizers/anonymizer_internal.h"

namespace dbanon::internal {
namespace {

constexpr std::string_view kFrFirstNames[] = {
#include "anonymizers/data/fr_first_names.inc"
};
constexpr std::string_view kFrLastNames[] = {
#include "anonymizers/data/fr_last_names.inc"
};
// Project rule: a built-in list holds at least 1,000 entries.
static_assert(std::size(kFrFirstNames) >= 1000 && std::size(kFrLastNames) >= 1000);

class FrListAnonymizer : public SingleColumnAnonymizer {
 public:
  FrListAnonymizer(std::string target, std::span<const std::string_view> list, std::shared_ptr<const Prf> prf)
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

AnonymizerFactory FrListFactory(std::span<const std::string_view> list) {
  return [list](Options&, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
    return std::make_unique<FrListAnonymizer>(ctx.target, list, ctx.prf);
  };
}

}  // namespace

void AddFrNameAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"fr-fr.firstname", "a French first name from a built-in list (1,241 names)", {},
                  FrListFactory(kFrFirstNames)});
  out->push_back({"fr-fr.lastname", "a French last name from a built-in list (1,011 names)", {},
                  FrListFactory(kFrLastNames)});
}

}  // namespace dbanon::internal
