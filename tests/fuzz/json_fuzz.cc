// Fuzz target for the json anonymizer's JSON path (anonymizers/json_anonymizer.cc,
// anonymizers/json_scanner.h). The input is one cell value.
//
// Properties:
//  * with a path that matches nothing, a valid JSON value comes out
//    unchanged and anything else becomes the literal null (never copied
//    through unparsed);
//  * with paths that match everything, the output is valid JSON with the
//    same number of tokens, and none of the input's string values (8 bytes
//    or more) is a string value of the output (each became an md5);
//  * the scanner's quoting round-trips: unquoting AppendQuoted(x) gives x.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "anonymizers/anonymizer.h"
#include "anonymizers/json_scanner.h"
#include "tests/fuzz/fuzz_util.h"

namespace dbanon::fuzz {
namespace {

std::unique_ptr<Anonymizer> MakeJson(const char* toml_paths) {
  auto options = ParseInlineOptions(toml_paths);
  FUZZ_CHECK(options.ok(), "the json options parse");
  static const Prf salt("fuzz");
  auto made = CreateAnonymizer("json", Options(*std::move(options)), salt, "j");
  FUZZ_CHECK(made.ok(), "the json anonymizer builds");
  return *std::move(made);
}

std::string_view Apply(const Anonymizer& a, std::string_view value, Scratch& scratch) {
  Cell in{value, false}, out;
  a.Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
  FUZZ_CHECK(!out.is_null, "a non-NULL json value stays non-NULL");
  return out.value;
}

size_t CountTokens(std::string_view text) {
  json::Scanner s(text);
  json::Token t;
  size_t n = 0;
  while (s.Next(&t)) ++n;
  return n;
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon;
  using namespace dbanon::fuzz;
  if (size > (size_t{1} << 20)) return -1;
  static const std::unique_ptr<Anonymizer> none = MakeJson("{ paths = { \"$.no_such_key_in_fuzz_input\" = \"md5\" } }");
  static const std::unique_ptr<Anonymizer> all = MakeJson("{ paths = { \"$\" = \"md5\", \"$.*\" = \"md5\" } }");
  static const std::unique_ptr<Anonymizer> some =
      MakeJson("{ paths = { \"$.a\" = \"email\", \"$[0]\" = \"null\", \"$.b[*].c\" = \"md5\", \"$['x.y']\" = \"md5\" } }");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool valid = json::IsValid(input);
  Scratch scratch;

  std::string_view out = Apply(*none, input, scratch);
  if (valid) {
    FUZZ_CHECK(out == input, "valid JSON with no matching path is unchanged");
  } else {
    FUZZ_CHECK(out == "null", "invalid JSON becomes null");
  }

  out = Apply(*all, input, scratch);
  FUZZ_CHECK(json::IsValid(out), "the output is valid JSON");
  if (valid) {
    FUZZ_CHECK(CountTokens(out) == CountTokens(input), "rewriting keeps the token structure");
    // Every string value was replaced (keys are kept): none of the input's
    // string values is a string value of the output.
    std::set<std::string_view> written;
    json::Scanner o(out);
    json::Token t;
    while (o.Next(&t)) {
      if (t.kind == json::TokenKind::kString) written.insert(out.substr(t.begin, t.end - t.begin));
    }
    json::Scanner s(input);
    while (s.Next(&t)) {
      if (t.kind != json::TokenKind::kString || t.end - t.begin < 10) continue;
      FUZZ_CHECK(written.count(input.substr(t.begin, t.end - t.begin)) == 0, "no string value is left in clear");
    }
  }

  out = Apply(*some, input, scratch);
  FUZZ_CHECK(json::IsValid(out), "the output is valid JSON");

  std::string quoted, back;
  json::AppendQuoted(input, &quoted);
  FUZZ_CHECK(json::IsValid(quoted), "AppendQuoted gives a valid JSON string");
  json::AppendUnescaped(quoted, &back);
  FUZZ_CHECK(back == input, "unquoting AppendQuoted(x) gives x");
  return 0;
}
