#include "anonymizers/json_scanner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Make;
using testing::MakeError;
using testing::RunIsNull;
using testing::Str;
using testing::Run;

OptionValue Paths(OptionTable t) { return OptionValue{std::move(t)}; }

std::unique_ptr<Anonymizer> MakeJson(OptionTable paths) { return Make("json", {{"paths", Paths(std::move(paths))}}); }

struct Tok {
  json::TokenKind kind;
  std::string text;
};

std::vector<Tok> Tokens(std::string_view text) {
  json::Scanner s(text);
  json::Token t;
  std::vector<Tok> out;
  while (s.Next(&t)) out.push_back({t.kind, std::string(text.substr(t.begin, t.end - t.begin))});
  REQUIRE(s.ok());
  return out;
}

// Checks that `out` is valid JSON with the token structure of `in`, and
// returns the texts of the tokens that changed.
std::vector<std::string> Changed(std::string_view in, std::string_view out) {
  REQUIRE(json::IsValid(out));
  std::vector<Tok> a = Tokens(in), b = Tokens(out);
  REQUIRE(a.size() == b.size());
  std::vector<std::string> changed;
  for (size_t i = 0; i < a.size(); ++i) {
    bool scalar_change = (a[i].kind == json::TokenKind::kString || a[i].kind == json::TokenKind::kNumber) &&
                         (b[i].kind == json::TokenKind::kString || b[i].kind == json::TokenKind::kNumber ||
                          b[i].kind == json::TokenKind::kNull);
    if (!scalar_change) CHECK(a[i].kind == b[i].kind);
    if (a[i].text != b[i].text) {
      CHECK(scalar_change);
      changed.push_back(a[i].text);
    }
  }
  return changed;
}

TEST_CASE("the scanner accepts RFC 8259 JSON and rejects the rest") {
  for (const char* ok : {"{}", "[]", "0", "-0.5e+10", "\"\\u00e9\\n\"", " {\"a\" : [1, 2, {\"b\": null}], \"c\": true } ",
                         "[[[]]]", "\"\"", "1E5", "[false]"}) {
    CHECK_MESSAGE(json::IsValid(ok), ok);
  }
  for (const char* bad : {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-",
                          "+1", "1e", "'x'", "\"a", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "tru", "nul", "[1 2]",
                          "{} {}", "[}", "{\"a\":1]", "1 x", "NaN", "\"\\"}) {
    CHECK_FALSE_MESSAGE(json::IsValid(bad), bad);
  }
  std::string tab_in_string = "\"a\tb\"";
  CHECK_FALSE(json::IsValid(tab_in_string));
  CHECK(json::IsNumber("-12.5e3"));
  CHECK_FALSE(json::IsNumber("12 "));
  std::string decoded;
  json::AppendUnescaped("\"a\\\"b\\\\c\\/\\u00e9\\ud83d\\ude00\\n\"", &decoded);
  CHECK(decoded == "a\"b\\c/\xc3\xa9\xf0\x9f\x98\x80\n");
  std::string quoted;
  json::AppendQuoted("a\"b\\c\n\x01\xc3\xa9", &quoted);
  CHECK(quoted == "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
}

TEST_CASE("json rewrites only the values at the paths and copies every other byte") {
  auto a = MakeJson({{"$.email", Str("email")}, {"$.items[*].name", Str("lastname")}});
  const std::string in =
      "{ \"id\": 7, \"email\" : \"ann@example.invalid\",\n"
      "  \"note\": \"caf\\u00e9 \\\"quoted\\\" \\/ tab\\t\", \"items\": [ {\"name\": \"Smith\", \"qty\": 2},\n"
      "  {\"qty\": 1, \"name\": \"Jones\"}, {\"name\": null}, {\"other\": \"Smith\"} ], \"n\": 1.50e2 }";
  std::string out = Run(*a, in);
  CAPTURE(out);
  std::vector<std::string> changed = Changed(in, out);
  CHECK(changed == std::vector<std::string>{"\"ann@example.invalid\"", "\"Smith\"", "\"Jones\""});
  // The untouched parts, escapes included, are byte-identical.
  CHECK(testing::Contains(out, "\"note\": \"caf\\u00e9 \\\"quoted\\\" \\/ tab\\t\""));
  CHECK(testing::Contains(out, "{\"other\": \"Smith\"} ], \"n\": 1.50e2 }"));
  CHECK(testing::Contains(out, "{ \"id\": 7, \"email\" : \"anon-"));
  CHECK(testing::Contains(out, "{\"name\": null}"));
  // Deterministic across instances.
  CHECK(out == Run(*MakeJson({{"$.email", Str("email")}, {"$.items[*].name", Str("lastname")}}), in));
  // A value that has none of the paths is returned as is.
  CHECK(Run(*a, "[1, \"x\"]") == "[1, \"x\"]");
  CHECK(RunIsNull(*a));
}

TEST_CASE("json path forms: [\"key\"], [N], .*, [*], $ and escaped keys") {
  const std::string doc = "{\"a b\": \"x\", \"list\": [\"p\", \"q\", \"r\"], \"e\\u006dail\": \"y\", \"o\": {\"k\": \"z\"}}";
  auto changed = [&](OptionTable paths) { return Changed(doc, Run(*MakeJson(std::move(paths)), doc)); };
  CHECK(changed({{"$[\"a b\"]", Str("md5")}}) == std::vector<std::string>{"\"x\""});
  CHECK(changed({{"$['a b']", Str("md5")}}) == std::vector<std::string>{"\"x\""});
  CHECK(changed({{"$.list[1]", Str("md5")}}) == std::vector<std::string>{"\"q\""});
  CHECK(changed({{"$.list[*]", Str("md5")}}) == std::vector<std::string>{"\"p\"", "\"q\"", "\"r\""});
  CHECK(changed({{"$.email", Str("md5")}}) == std::vector<std::string>{"\"y\""});
  CHECK(changed({{"$.*.k", Str("md5")}}) == std::vector<std::string>{"\"z\""});
  // [*] reaches the members of an object, and, as in PostgreSQL's lax mode,
  // a non-array is its own one element: [0] of the object is the object.
  CHECK(changed({{"$[*][0]", Str("md5")}}).size() == 6);
  CHECK(changed({{"$.list[*][0]", Str("md5")}}) == std::vector<std::string>{"\"p\"", "\"q\"", "\"r\""});
  // A path ending at a container applies to every string and number inside.
  CHECK(changed({{"$.o", Str("md5")}}) == std::vector<std::string>{"\"z\""});
  CHECK(changed({{"$", Str("md5")}}).size() == 6);
  // The top-level value itself.
  std::string top = Run(*MakeJson({{"$", Str("md5")}}), "  \"secret\"  ");
  CHECK(top.size() == 2 + 32 + 4);
  CHECK(top.substr(0, 3) == "  \"");
  // The deepest match wins: $.o gets md5, $.o.k gets the constant.
  auto both = MakeJson({{"$.o", Str("md5")}, {"$.o.k", Paths({{"anonymizer", Str("constant")},
                                                               {"options", Paths({{"value", Str("K")}})}})}});
  CHECK(testing::Contains(Run(*both, doc), "{\"k\": \"K\"}"));
}

TEST_CASE("json quoted member names $.\"key\", as PostgreSQL and MySQL write them, and whitespace around a path") {
  const std::string doc = "{\"email\": \"y\", \"first name\": \"x\", \"a.b\": \"d\", \"q\\\"k\": \"w\", \"o\": {\"k\": \"z\"}}";
  auto changed = [&](const char* path) { return Changed(doc, Run(*MakeJson({{path, Str("md5")}}), doc)); };
  CHECK(changed("$.\"email\"") == std::vector<std::string>{"\"y\""});
  CHECK(changed("$.\"first name\"") == std::vector<std::string>{"\"x\""});
  CHECK(changed("$.\"a.b\"") == std::vector<std::string>{"\"d\""});
  CHECK(changed("$.\"q\\\"k\"") == std::vector<std::string>{"\"w\""});
  CHECK(changed("$.\"o\".\"k\"") == std::vector<std::string>{"\"z\""});
  CHECK(changed(" $.email\t") == std::vector<std::string>{"\"y\""});
  CHECK(changed("$.email ") == std::vector<std::string>{"\"y\""});
}

TEST_CASE("json array steps take a value that is not an array as its own one element, as PostgreSQL's lax mode does") {
  const std::string doc = "{\"email\": \"y\", \"o\": {\"k\": \"z\"}, \"list\": [\"p\", \"q\"]}";
  auto changed = [&](const char* path) { return Changed(doc, Run(*MakeJson({{path, Str("md5")}}), doc)); };
  // jsonb_path_query('{"email": "y"}', '$.email[0]') finds "y".
  CHECK(changed("$.email[0]") == std::vector<std::string>{"\"y\""});
  CHECK(changed("$.email[*]") == std::vector<std::string>{"\"y\""});
  CHECK(changed("$.o[0].k") == std::vector<std::string>{"\"z\""});
  CHECK(changed("$.o[*].k") == std::vector<std::string>{"\"z\""});
  CHECK(changed("$[0].email") == std::vector<std::string>{"\"y\""});
  // [1] of a value that is not an array is nothing; an array keeps its indexes.
  CHECK(changed("$.email[1]").empty());
  CHECK(changed("$.list[1]") == std::vector<std::string>{"\"q\""});
}

TEST_CASE("json key steps reach through arrays, as PostgreSQL's lax mode does, so no value the database finds is missed") {
  auto changed = [](const char* path, std::string_view doc) { return Changed(doc, Run(*MakeJson({{path, Str("md5")}}), doc)); };
  // jsonb_path_query('[{"who": "x"}]', '$.who') finds "x" (lax is the default).
  CHECK(changed("$.who", "[{\"who\": \"x\"}, {\"other\": \"o\"}, \"who\"]") == std::vector<std::string>{"\"x\""});
  CHECK(changed("$.a.b", "{\"a\": [{\"b\": \"x\"}, {\"b\": 2}], \"b\": \"kept\"}") ==
        std::vector<std::string>{"\"x\"", "2"});
  // Nested arrays too (PostgreSQL unwraps one level; dbanon errs on the side of the value).
  CHECK(changed("$.a.b", "{\"a\": [[{\"b\": \"x\"}]]}") == std::vector<std::string>{"\"x\""});
  // Index and wildcard steps are unchanged: [0] is the first element, not each element's.
  CHECK(changed("$.a[0].b", "{\"a\": [{\"b\": \"x\"}, {\"b\": \"y\"}]}") == std::vector<std::string>{"\"x\""});
  CHECK(changed("$.a.b", "{\"a\": {\"c\": [{\"b\": \"x\"}]}}").empty());
}

TEST_CASE("json writes strings escaped, numbers bare when they stay numbers, null for NULL") {
  auto c = MakeJson({{"$.a", Paths({{"anonymizer", Str("constant")}, {"options", Paths({{"value", Str("q\"\\\n")}})}})},
                     {"$.n", Paths({{"anonymizer", Str("constant")}, {"options", Paths({{"value", Str("42")}})}})},
                     {"$.m", Str("md5")},
                     {"$.z", Str("null")},
                     {"$.b", Str("md5")}});
  std::string out = Run(*c, "{\"a\": \"x\", \"n\": 3.5, \"m\": 12, \"z\": \"gone\", \"b\": true}");
  CAPTURE(out);
  CHECK(json::IsValid(out));
  CHECK(testing::Contains(out, "\"a\": \"q\\\"\\\\\\n\""));
  CHECK(testing::Contains(out, "\"n\": 42,"));
  CHECK(testing::Contains(out, "\"m\": \""));
  CHECK(testing::Contains(out, "\"z\": null"));
  CHECK(testing::Contains(out, "\"b\": true"));
  // The anonymizer sees a string's decoded text: same output for two spellings.
  auto e = MakeJson({{"$.v", Str("md5")}});
  CHECK(Run(*e, "{\"v\": \"\\u00e9\"}") == Run(*e, "{\"v\": \"\xc3\xa9\"}"));
}

TEST_CASE("json applies to JSON text inside a string (json inside json)") {
  auto a = MakeJson({{"$.inner", Paths({{"anonymizer", Str("json")},
                                         {"options", Paths({{"paths", Paths({{"$.email", Str("email")}})}})}})},
                     {"$.email", Str("email")}});
  const std::string in = "{\"email\": \"a@b.c\", \"inner\": \"{\\\"email\\\": \\\"a@b.c\\\", \\\"k\\\": 1}\"}";
  std::string out = Run(*a, in);
  CAPTURE(out);
  REQUIRE(json::IsValid(out));
  std::vector<Tok> toks = Tokens(out);
  REQUIRE(toks.size() == 6);
  CHECK(toks[2].text.substr(0, 6) == "\"anon-");
  std::string inner;
  json::AppendUnescaped(toks[4].text, &inner);
  CHECK(json::IsValid(inner));
  CHECK(testing::Contains(inner, "{\"email\": \"anon-"));
  CHECK(testing::Contains(inner, "\"k\": 1}"));
  CHECK_FALSE(testing::Contains(out, "a@b.c"));
}

TEST_CASE("json replaces invalid or too deeply nested input with the literal null") {
  auto a = MakeJson({{"$.email", Str("email")}});
  for (const char* bad : {"", "not json", "{\"email\": \"ann@example.invalid\"", "{\"email\": 'x'}",
                          "{\"email\": \"ann@example.invalid\"} trailing", "[1,]"}) {
    CHECK_MESSAGE(Run(*a, bad) == "null", bad);
  }
  // Deep nesting: no stack overflow; within the limit the value is rewritten.
  std::string path = "$";
  for (int i = 0; i < 50000; ++i) path += "[0]";
  path += ".email";
  std::string deep = std::string(50000, '[') + "{\"email\": \"x@y.z\"}" + std::string(50000, ']');
  std::string out = Run(*MakeJson({{path, Str("email")}}), deep);
  CHECK(json::IsValid(out));
  CHECK(out.size() == deep.size() - 7 + 51);  // "anon-<32 hex>@example.com"
  CHECK(testing::Contains(out, "[{\"email\": \"anon-"));
  std::string too_deep = std::string(200000, '[') + std::string(200000, ']');
  CHECK(Run(*a, too_deep) == "null");
}

TEST_CASE("json option errors name the option and the path") {
  CHECK(testing::Contains(MakeError("json", {}), "'paths'"));
  CHECK(testing::Contains(MakeError("json", {{"paths", Str("$.a")}}), "'paths'"));
  CHECK(testing::Contains(MakeError("json", {{"paths", Paths({})}}), "'paths'"));
  std::string e = MakeError("json", {{"paths", Paths({{"email", Str("email")}})}});
  CHECK(testing::Contains(e, "'paths'"));
  CHECK(testing::Contains(e, "'email'"));
  // A key that needs quotes is refused rather than read as a key no document
  // holds (a value left in clear).
  for (const char* bad : {"$.", "$[", "$[x]", "$['a'", "$[1", "$.a[", "$..a", "$a", "$.\"a", "$.a b", "$.'a'",
                          "$.a\"b\"", "$.a]", "$ .a", "lax $.a"}) {
    CHECK_MESSAGE(testing::Contains(MakeError("json", {{"paths", Paths({{bad, Str("md5")}})}}), "invalid JSON path"),
                  bad);
  }
  e = MakeError("json", {{"paths", Paths({{"$.a", Str("no-such")}})}});
  CHECK(testing::Contains(e, "'$.a'"));
  CHECK(testing::Contains(e, "no-such"));
  e = MakeError("json", {{"paths", Paths({{"$.a", Paths({{"anonymizer", Str("email")}, {"options", Paths({{"domian", Str("x")}})}})}})}});
  CHECK(testing::Contains(e, "'domian'"));
  e = MakeError("json", {{"paths", Paths({{"$.a", Paths({{"anonymizer", Str("address")},
                                                        {"options", Paths({{"locality", Str("c")}, {"region", Str("r")}})}})}})}});
  CHECK(testing::Contains(e, "single-column"));
  e = MakeError("json", {{"paths", Paths({{"$.a", Paths({{"anonymiser", Str("email")}})}})}});
  CHECK(testing::Contains(e, "'anonymiser'"));
  CHECK(testing::Contains(MakeError("json", {{"paths", Paths({{"$.a", testing::Int(1)}})}}), "'paths'"));
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_CASE("json reports the paths that matched no value of any document, and none before a document") {
  auto a = MakeJson({{"$.email", Str("email")}, {"$.phone_typo", Str("phone")}, {"$.EMAIL", Str("email")},
                     {"$.who", Str("lastname")}, {"$.tags[0]", Str("lastname")}});
  CHECK(a->UnmatchedTargets().empty());  // nothing read yet: nothing to say
  Run(*a, "not json");                   // an invalid document is no document
  CHECK(a->UnmatchedTargets().empty());
  Run(*a, R"({"email": "a@b.c", "tags": ["x"]})");
  CHECK(Sorted(a->UnmatchedTargets()) == std::vector<std::string>{"$.EMAIL", "$.phone_typo", "$.who"});
  // Lax mode: `$.who` reaches through an array; a path ending at null matched too.
  Run(*a, R"([{"who": null}])");
  CHECK(Sorted(a->UnmatchedTargets()) == std::vector<std::string>{"$.EMAIL", "$.phone_typo"});
}

TEST_CASE("json path matches are counted from every thread") {
  auto a = MakeJson({{"$.a", Str("lastname")}, {"$.b", Str("lastname")}, {"$.c", Str("lastname")}});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&a, t] {
      Scratch scratch;
      const std::string doc = t % 2 == 0 ? R"({"a": "x"})" : R"({"b": "y"})";
      for (int i = 0; i < 200; ++i) {
        Cell in{doc, false}, out;
        a->Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(a->UnmatchedTargets() == std::vector<std::string>{"$.c"});
}

}  // namespace
}  // namespace dbanon
