// fr-fr.firstname, fr-fr.lastname: DbToolsBundle's fr-fr pack names, drawn
// from the French lists compiled into the binary (anonymizers/data/README.md:
// 1,241 first names and 1,011 last names, the French-language person lists
// of Debian's Python, PHP and Ruby Faker packages merged).
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

}  // namespace

void AddFrNameAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"fr-fr.firstname", "a French first name from a built-in list (1,241 names)", {},
                  ListFactory(kFrFirstNames)});
  out->push_back({"fr-fr.lastname", "a French last name from a built-in list (1,011 names)", {},
                  ListFactory(kFrLastNames)});
}

}  // namespace dbanon::internal
