// A config that names a column in two ways maps it one way: the bare form
// (`email = "email"`) and the same anonymizer with its defaults written out
// give the same outputs, for every anonymizer `dbanon list` shows.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "src/config.h"

namespace dbanon {
namespace {

// "name (default): text" -> the default as an option value; nullopt for
// "(none)" and "(required)".
std::optional<std::pair<std::string, OptionValue>> DefaultOf(const std::string& line) {
  size_t open = line.find(" (");
  size_t close = line.find("):", open);
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  std::string key = line.substr(0, open), text = line.substr(open + 2, close - open - 2);
  if (text == "none" || text == "required") return std::nullopt;
  if (text == "true" || text == "false") return std::make_pair(key, OptionValue{text == "true"});
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::make_pair(key, OptionValue{static_cast<int64_t>(std::stoll(text))});
  }
  return std::make_pair(key, OptionValue{text});
}

std::vector<std::string> Outputs(const Anonymizer& a) {
  const std::vector<std::string> inputs = {"ann@example.invalid", "+1 415-555-0123", "2021-03-04 05:06:07",
                                           "42", "{\"name\": \"Ann\", \"n\": 3}", "FR7630006000011234567890189",
                                           "10.1.2.3", "4111 1111 1111 1111", "Bob"};
  std::vector<std::string> out;
  Scratch scratch;
  for (const std::string& v : inputs) {
    std::vector<Cell> in(a.columns().size(), Cell{v, false}), res(a.columns().size());
    a.Anonymize(in, scratch, res);
    for (const Cell& c : res) out.push_back(c.is_null ? "<NULL>" : std::string(c.value));
  }
  return out;
}

TEST_CASE("every anonymizer maps values the same with its defaults written out as with the bare form") {
  Prf salt("s3cret");
  int compared = 0;
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    auto example = ParseInlineOptions(info.example);
    REQUIRE_MESSAGE(example.ok(), info.name);
    OptionTable written = *example;
    bool added = false;
    for (const std::string& line : info.options) {
      auto d = DefaultOf(line);
      if (!d || written.count(d->first) > 0) continue;
      written.emplace(d->first, d->second);
      added = true;
    }
    if (!added) continue;
    auto bare = CreateAnonymizer(info.name, Options(*example), salt, "col");
    auto explicit_form = CreateAnonymizer(info.name, Options(written), salt, "col");
    REQUIRE_MESSAGE(bare.ok(), info.name, ": ", bare.status().message());
    REQUIRE_MESSAGE(explicit_form.ok(), info.name, ": ", explicit_form.status().message());
    CHECK_MESSAGE(Outputs(**bare) == Outputs(**explicit_form), info.name);
    ++compared;
  }
  CHECK(compared >= 5);
}

TEST_CASE("an option written with another value still changes the mapping") {
  Prf salt("s3cret");
  auto a = CreateAnonymizer("email", Options(), salt, "col");
  auto b = CreateAnonymizer("email", Options({{"domain", OptionValue{std::string("example.com")}}}), salt, "col");
  auto c = CreateAnonymizer("hash", Options({{"length", OptionValue{int64_t{64}}}}), salt, "col");
  auto d = CreateAnonymizer("hash", Options(), salt, "col");
  auto e = CreateAnonymizer("hash", Options({{"length", OptionValue{int64_t{63}}}}), salt, "col");
  REQUIRE((a.ok() && b.ok() && c.ok() && d.ok() && e.ok()));
  CHECK(Outputs(**a) == Outputs(**b));
  CHECK(Outputs(**c) == Outputs(**d));
  std::string full = Outputs(**d)[0], cut = Outputs(**e)[0];
  CHECK(full.substr(0, 63) != cut);  // another length keys another mapping
}

}  // namespace
}  // namespace dbanon
