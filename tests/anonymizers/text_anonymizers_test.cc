#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Bool;
using testing::Contains;
using testing::Int;
using testing::Make;
using testing::MakeError;
using testing::RunText;
using testing::Str;

size_t Count(const std::string& s, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + needle.size())) ++n;
  return n;
}

TEST_CASE("lorem writes paragraphs of capitalised sentences, wrapped in <p> with html") {
  auto a = Make("lorem", {{"paragraphs", Int(3)}});
  std::string text = RunText(*a, "x");
  CHECK(Count(text, "\n\n") == 2);
  CHECK(text.back() == '.');
  CHECK(std::isupper(static_cast<unsigned char>(text[0])));
  CHECK(Count(text, ". ") >= 6);  // at least 3 sentences a paragraph
  auto html = Make("lorem", {{"paragraphs", Int(2)}, {"html", Bool(true)}});
  std::string h = RunText(*html, "x");
  CHECK(std::regex_match(h, std::regex("^<p>[^<>]+\\.</p>\n\n<p>[^<>]+\\.</p>$")));
}

TEST_CASE("lorem with words writes exactly that many words") {
  auto a = Make("lorem", {{"words", Int(7)}});
  for (int i = 0; i < 50; ++i) {
    std::string text = RunText(*a, std::to_string(i));
    CHECK(Count(text, " ") == 6);
    CHECK(std::regex_match(text, std::regex("^[A-Za-z]+( [A-Za-z]+){6}$")));
  }
}

TEST_CASE("lorem picks one of sample_count texts") {
  auto a = Make("lorem", {{"sample_count", Int(3)}});
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(RunText(*a, std::to_string(i)));
  CHECK(seen.size() == 3);
  auto many = Make("lorem", {});
  seen.clear();
  Scratch scratch;
  for (int i = 0; i < 2000; ++i) seen.insert(RunText(*many, std::to_string(i), scratch));
  CHECK(seen.size() > 90);
  CHECK(seen.size() <= 100);
}

TEST_CASE("hash is the lower-case hex keyed hash, cut to length") {
  auto full = Make("hash");
  auto short_hash = Make("hash", {{"length", Int(12)}});
  std::string h = RunText(*full, "ann@example.invalid");
  CHECK(std::regex_match(h, std::regex("^[0-9a-f]{64}$")));
  std::string s = RunText(*short_hash, "ann@example.invalid");
  CHECK(std::regex_match(s, std::regex("^[0-9a-f]{12}$")));
  CHECK(RunText(*full, "ann@example.invalid") == h);
  CHECK(RunText(*full, "bob@example.invalid") != h);
  CHECK(RunText(*Make("hash", {}, "other salt"), "ann@example.invalid") != h);
  CHECK(Contains(MakeError("hash", {{"length", Int(0)}}), "'length'"));
  CHECK(Contains(MakeError("hash", {{"length", Int(65)}}), "'length'"));
}

TEST_CASE("mask keeps the first and last characters, counting UTF-8 characters") {
  CHECK(RunText(*Make("mask"), "4111111111111111") == "************1111");
  auto a = Make("mask", {{"keep_start", Int(1)}, {"keep_end", Int(2)}, {"char", Str("•")}});
  CHECK(RunText(*a, "héllo wörld") == "h••••••••ld");
  CHECK(RunText(*a, "élan") == "é•an");
  // Too short to hide anything if the kept characters were kept: masked whole.
  CHECK(RunText(*a, "abc") == "•••");
  CHECK(RunText(*Make("mask"), "1234") == "****");
  CHECK(RunText(*Make("mask"), "") == "");
  // Invalid UTF-8 is masked byte by byte.
  CHECK(RunText(*Make("mask", {{"keep_end", Int(0)}}), std::string("a\xff\xc3")) == "***");
  CHECK(Contains(MakeError("mask", {{"char", Str("ab")}}), "'char'"));
  CHECK(Contains(MakeError("mask", {{"char", Str("")}}), "'char'"));
  CHECK(Contains(MakeError("mask", {{"char", Str("\xff")}}), "'char'"));
  CHECK(Contains(MakeError("mask", {{"keep_start", Int(-1)}}), "'keep_start'"));
  CHECK(Contains(MakeError("mask", {{"keep_end", Str("4")}}), "'keep_end'"));
}

TEST_CASE("regex replaces every match, with groups") {
  auto a = Make("regex", {{"pattern", Str("(\\w)\\w*@(\\w+)")}, {"replacement", Str("\\1***@\\2")}});
  CHECK(RunText(*a, "ann@example, bob@test") == "a***@example, b***@test");
  CHECK(RunText(*a, "no address") == "no address");
  auto digits = Make("regex", {{"pattern", Str("[0-9]")}, {"replacement", Str("#")}});
  CHECK(RunText(*digits, "tel 06 12 34") == "tel ## ## ##");
  CHECK(Contains(MakeError("regex", {{"pattern", Str("(unclosed")}, {"replacement", Str("")}}), "'pattern'"));
  std::string bad = MakeError("regex", {{"pattern", Str("a[")}, {"replacement", Str("")}});
  CHECK(Contains(bad, "'pattern'"));
  CHECK_FALSE(Contains(bad, "a["));  // the pattern is not quoted back
  CHECK(Contains(MakeError("regex", {{"pattern", Str("(a)")}, {"replacement", Str("\\2")}}), "'replacement'"));
  CHECK(Contains(MakeError("regex", {{"replacement", Str("x")}}), "'pattern'"));
  CHECK(Contains(MakeError("regex", {{"pattern", Str("x")}}), "'replacement'"));
}

TEST_CASE("uuid gives distinct version 4 UUIDs") {
  auto a = Make("uuid");
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string out = RunText(*a, std::to_string(i));
    CHECK(std::regex_match(out, v4));
    seen.insert(out);
  }
  CHECK(seen.size() == 1000);
  CHECK(std::regex_match(RunText(*Make("uuid", {{"version", Int(4)}}), "7"), v4));
  CHECK(Contains(MakeError("uuid", {{"version", Int(7)}}), "'version'"));
}

TEST_CASE("text anonymizers depend on value, options and salt only, and keep NULL") {
  for (const char* name : {"lorem", "hash", "uuid"}) {
    auto a = Make(name), b = Make(name), other = Make(name, {}, "other salt");
    int differ = 0;
    for (int i = 0; i < 20; ++i) {
      std::string v = std::to_string(i);
      CHECK(RunText(*a, v) == RunText(*b, v));
      differ += RunText(*a, v) != RunText(*other, v);
    }
    CHECK_MESSAGE(differ > 15, name);
    CHECK(testing::RunIsNull(*a));
  }
  CHECK(testing::RunIsNull(*Make("mask")));
  CHECK(testing::RunIsNull(*Make("regex", {{"pattern", Str("a")}, {"replacement", Str("b")}})));
  CHECK(Contains(MakeError("lorem", {{"words", Int(3)}, {"paragraphs", Int(1)}}), "'words'"));
  CHECK(Contains(MakeError("lorem", {{"words", Int(0)}}), "'words'"));
  CHECK(Contains(MakeError("lorem", {{"paragraphs", Int(0)}}), "'paragraphs'"));
  CHECK(Contains(MakeError("lorem", {{"sample_count", Int(0)}}), "'sample_count'"));
  CHECK(Contains(MakeError("lorem", {{"html", Str("yes")}}), "'html'"));
}

}  // namespace
}  // namespace dbanon
