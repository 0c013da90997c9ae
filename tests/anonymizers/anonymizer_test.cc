#include "anonymizers/anonymizer.h"

#include "absl/strings/str_cat.h"
#include "src/config.h"
#include "tests/anonymizers/anonymizer_test_util.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace dbanon {
namespace {

using testing::Make;
using testing::RunText;
using testing::Str;

Cell Run(const Anonymizer& a, Cell in, Scratch& scratch) {
  Cell out;
  a.Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
  return out;
}


TEST_CASE("NULL stays NULL for every anonymizer but null itself") {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    auto options = ParseInlineOptions(info.example);
    REQUIRE_MESSAGE(options.ok(), info.name);
    auto a = Make(info.name, *options);
    // Multi-column anonymizers get one NULL per column.
    std::vector<Cell> in(a->columns().size(), Cell::Null()), out(a->columns().size());
    Scratch scratch;
    a->Anonymize(in, scratch, out);
    for (const Cell& c : out) CHECK_MESSAGE(c.is_null, info.name);
  }
  Scratch scratch;
  CHECK(Run(*Make("null"), Cell{"x", false}, scratch).is_null);
}

TEST_CASE("the same value, anonymizer, options and salt give the same output") {
  for (const char* name : {"email", "md5", "firstname", "lastname"}) {
    auto a = Make(name);
    auto b = Make(name);
    CHECK(RunText(*a, "ann@example.invalid") == RunText(*b, "ann@example.invalid"));
    auto other_salt = Make(name, {}, "another salt");
    if (std::string(name) == "email" || std::string(name) == "md5") {
      CHECK(RunText(*a, "ann@example.invalid") != RunText(*other_salt, "ann@example.invalid"));
    }
  }
  // Options are part of the mapping: another domain, another local part too.
  auto a = Make("email");
  auto b = Make("email", {{"domain", Str("example.org")}});
  std::string x = RunText(*a, "ann@example.invalid"), y = RunText(*b, "ann@example.invalid");
  CHECK(x.substr(0, x.find('@')) != y.substr(0, y.find('@')));
}

TEST_CASE("the per-thread value cache returns exactly what the anonymizer computes") {
  for (const char* name : {"firstname", "email", "md5"}) {
    auto a = Make(name);
    Scratch shared;  // caches across calls, as a worker thread does
    // What each value gives without a cache: computed once per value with a
    // fresh Scratch (a Scratch holds the whole cache: making one per call
    // took minutes under AddressSanitizer).
    std::map<std::string, std::string> direct;
    for (int i = 0; i < 30000; ++i) {
      std::string value = absl::StrCat("v", i % 300 == 0 ? i : i % 37);  // mostly repeats, some unique
      Cell cached = Run(*a, Cell{value, false}, shared);
      std::string cached_text(cached.value);
      auto it = direct.find(value);
      if (it == direct.end()) {
        Scratch fresh;
        it = direct.emplace(value, std::string(Run(*a, Cell{value, false}, fresh).value)).first;
      }
      REQUIRE(cached_text == it->second);
    }
  }
}

TEST_CASE("AnonymizeRows gives what Anonymize gives row by row, for every anonymizer") {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    auto options = ParseInlineOptions(info.example);
    REQUIRE_MESSAGE(options.ok(), info.name);
    auto a = Make(info.name, *options);
    const size_t width = a->columns().size();
    Scratch batch_scratch, row_scratch;
    // Distinct values (the value cache turns itself off after its probe,
    // and the tags are then drawn in batches), some repeated, some NULL,
    // rows of 1 to 70.
    int next = 0;
    for (int round = 0; round < 400; ++round) {
      const size_t rows = 1 + static_cast<size_t>(round * 7 % 70);
      std::vector<std::string> text(rows * width);
      std::vector<Cell> in(rows * width), out(rows * width);
      for (size_t i = 0; i < in.size(); ++i) {
        int v = next++;
        text[i] = std::to_string(v % 50 == 0 ? 7 : v) + "@example.invalid";
        if (info.name == "date") text[i] = "2024-03-" + std::to_string(10 + v % 18);
        in[i] = v % 23 == 5 ? Cell::Null() : Cell{text[i], false};
      }
      a->AnonymizeRows(in, batch_scratch, out);
      std::vector<std::string> got;
      for (const Cell& c : out) got.push_back(c.is_null ? std::string("<NULL>") : std::string(c.value));
      for (size_t r = 0; r < rows; ++r) {
        std::vector<Cell> one(width);
        a->Anonymize(std::span<const Cell>(in).subspan(r * width, width), row_scratch, one);
        for (size_t j = 0; j < width; ++j) {
          std::string want = one[j].is_null ? std::string("<NULL>") : std::string(one[j].value);
          REQUIRE_MESSAGE(got[r * width + j] == want, info.name);
        }
      }
    }
  }
}

TEST_CASE("AnonymizeRows with the value cache on (values that repeat) gives what Anonymize gives, for every anonymizer") {
  // Few distinct values: the cache stays on, a batch mixes hits, misses and
  // the same miss twice, and the misses' tags are drawn in one batch.
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    auto options = ParseInlineOptions(info.example);
    REQUIRE_MESSAGE(options.ok(), info.name);
    auto a = Make(info.name, *options);
    const size_t width = a->columns().size();
    Scratch batch_scratch, row_scratch;
    int next = 0;
    for (int round = 0; round < 300; ++round) {
      const size_t rows = 1 + static_cast<size_t>(round * 11 % 64);
      std::vector<std::string> text(rows * width);
      std::vector<Cell> in(rows * width), out(rows * width);
      for (size_t i = 0; i < in.size(); ++i) {
        int v = next++ * 7 % 61;
        text[i] = info.name == "date" ? "1960-01-" + std::to_string(10 + v % 19) : "v" + std::to_string(v) + "@x.invalid";
        in[i] = v % 29 == 3 ? Cell::Null() : Cell{text[i], false};
      }
      a->AnonymizeRows(in, batch_scratch, out);
      std::vector<std::string> got;
      for (const Cell& c : out) got.push_back(c.is_null ? std::string("<NULL>") : std::string(c.value));
      for (size_t r = 0; r < rows; ++r) {
        std::vector<Cell> one(width);
        a->Anonymize(std::span<const Cell>(in).subspan(r * width, width), row_scratch, one);
        for (size_t j = 0; j < width; ++j) {
          std::string want = one[j].is_null ? std::string("<NULL>") : std::string(one[j].value);
          REQUIRE_MESSAGE(got[r * width + j] == want, info.name);
        }
      }
    }
  }
}

TEST_CASE("unique is accepted only where the output space keeps values apart") {
  Prf prf("k");
  CHECK(CreateAnonymizer("email", Options({{"unique", OptionValue{true}}}), prf, "c").ok());
  CHECK(CreateAnonymizer("md5", Options({{"unique", OptionValue{true}}}), prf, "c").ok());
  auto r = CreateAnonymizer("string", Options({{"unique", OptionValue{true}},
                                               {"sample", OptionValue{OptionList{Str("a"), Str("b"), Str("c")}}}}),
                            prf, "c");
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()).find("option 'unique'") != std::string::npos);
  CHECK_FALSE(CreateAnonymizer("firstname", Options({{"unique", OptionValue{true}}}), prf, "c").ok());
  CHECK(CreateAnonymizer("hash", Options({{"unique", OptionValue{true}}}), prf, "c").ok());
  CHECK(CreateAnonymizer("uuid", Options({{"unique", OptionValue{true}}}), prf, "c").ok());
  // 16 hex digits are 64 bits: too few.
  CHECK_FALSE(CreateAnonymizer("hash", Options({{"length", OptionValue{int64_t{16}}}, {"unique", OptionValue{true}}}), prf, "c").ok());
  CHECK_FALSE(CreateAnonymizer("email", Options({{"unique", Str("yes")}}), prf, "c").ok());
  // unique does not change the mapping.
  auto plain = CreateAnonymizer("email", Options(), prf, "c");
  auto uniq = CreateAnonymizer("email", Options({{"unique", OptionValue{true}}}), prf, "c");
  CHECK(RunText(**plain, "x@example.invalid") == RunText(**uniq, "x@example.invalid"));
}

// Sanitizer builds (.ci/run's second pass of the suite) check fewer inputs:
// the release pass checks the full million.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kUniqueInputs = 100000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int kUniqueInputs = 100000;
#else
constexpr int kUniqueInputs = 1000000;
#endif
#else
constexpr int kUniqueInputs = 1000000;
#endif

TEST_CASE("unique holds over 1,000,000 distinct inputs") {
  for (const char* name : {"email", "md5", "hash", "uuid"}) {
    auto a = Make(name, {{"unique", OptionValue{true}}});
    std::vector<std::string> outputs;
    outputs.reserve(kUniqueInputs);
    Scratch scratch;
    std::string input;
    for (int i = 0; i < kUniqueInputs; ++i) {
      input = "user" + std::to_string(i) + "@example.invalid";
      outputs.emplace_back(Run(*a, Cell{input, false}, scratch).value);
    }
    std::sort(outputs.begin(), outputs.end());
    CHECK(std::adjacent_find(outputs.begin(), outputs.end()) == outputs.end());
  }
}

TEST_CASE("email gives a valid address in the configured domain") {
  auto a = Make("email", {{"domain", Str("test.example.org")}});
  // anon-[0-9a-f]{32}@test.example.org, checked by hand and with one Scratch
  // for all values (std::regex and a value cache per call took most of this
  // test's time under AddressSanitizer).
  auto well_formed = [](const std::string& out) {
    const std::string head = "anon-", tail = "@test.example.org";
    if (out.size() != head.size() + 32 + tail.size()) return false;
    if (out.compare(0, head.size(), head) != 0 || out.compare(head.size() + 32, tail.size(), tail) != 0) return false;
    return std::all_of(out.begin() + head.size(), out.begin() + head.size() + 32,
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  std::set<std::string> seen;
  Scratch scratch;
  for (int i = 0; i < 1000; ++i) {
    const std::string input = "user" + std::to_string(i) + "@example.invalid";
    std::string out(Run(*a, Cell{input, false}, scratch).value);
    CHECK_MESSAGE(well_formed(out), out);
    seen.insert(out);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("email with style words gives first.last<number>@domain, keyed, distinct for distinct inputs") {
  auto a = Make("email", {{"style", Str("words")}, {"domain", Str("test.example.org")}});
  auto same = Make("email", {{"style", Str("words")}, {"domain", Str("test.example.org")}});
  auto other_salt = Make("email", {{"style", Str("words")}, {"domain", Str("test.example.org")}}, "another salt");
  std::regex re("^[a-z]+\\.[a-z]+[0-9]{1,14}@test\\.example\\.org$");
  std::vector<std::string> outputs;
  Scratch scratch;
  int differ = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string input = "user" + std::to_string(i) + "@example.invalid";
    std::string out(Run(*a, Cell{input, false}, scratch).value);
    if (i < 2000) {
      CHECK(std::regex_match(out, re));
      CHECK(RunText(*same, input) == out);  // deterministic for a salt
      if (RunText(*other_salt, input) != out) ++differ;
    }
    outputs.push_back(std::move(out));
  }
  CHECK(differ == 2000);
  std::sort(outputs.begin(), outputs.end());
  CHECK(std::adjacent_find(outputs.begin(), outputs.end()) == outputs.end());
  CHECK(a->output_bits() == 64);
  CHECK(Run(*a, Cell::Null(), scratch).is_null);
  // No salt, no keyed bits: refused, as an unknown style is.
  Prf prf("k");
  auto r = CreateAnonymizer("email", Options({{"style", Str("words")}, {"use_salt", OptionValue{false}}}), prf, "c");
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  r = CreateAnonymizer("email", Options({{"style", Str("poetry")}}), prf, "c");
  CHECK(std::string(r.status().message()).find("'style'") != std::string::npos);
}

TEST_CASE("md5 without salt is the plain MD5 of the value, as in DbToolsBundle") {
  auto a = Make("md5", {{"use_salt", OptionValue{false}}});
  CHECK(RunText(*a, "abc") == "900150983cd24fb0d6963f7d28e17f72");
  auto b = Make("md5");
  std::string keyed = RunText(*b, "abc");
  CHECK(keyed.size() == 32);
  CHECK(keyed != "900150983cd24fb0d6963f7d28e17f72");
}

TEST_CASE("constant, string, keep") {
  CHECK(RunText(*Make("constant", {{"value", Str("fixed")}}), "anything") == "fixed");
  auto s = Make("string", {{"sample", OptionValue{OptionList{Str("a"), Str("b"), Str("c")}}}});
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RunText(*s, std::to_string(i)));
  CHECK(seen == std::set<std::string>{"a", "b", "c"});
  CHECK(RunText(*Make("keep"), "same") == "same");
}

TEST_CASE("names come from lists of at least 1,000 entries") {
  for (const char* name : {"firstname", "lastname"}) {
    auto a = Make(name);
    std::set<std::string> seen;
    Scratch scratch;
    for (int i = 0; i < 20000; ++i) seen.insert(RunText(*a, std::to_string(i), scratch));
    CHECK(seen.size() >= 1000);
  }
}

TEST_CASE("option errors name the option") {
  Prf prf("k");
  auto r = CreateAnonymizer("constant", Options(), prf, "c");
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(r.status().message()).find("'value'") != std::string::npos);
  r = CreateAnonymizer("email", Options({{"domian", Str("x.org")}}), prf, "c");
  CHECK(std::string(r.status().message()).find("unknown option 'domian'") != std::string::npos);
  r = CreateAnonymizer("email", Options({{"use_salt", Str("yes")}}), prf, "c");
  CHECK(std::string(r.status().message()).find("'use_salt'") != std::string::npos);
  r = CreateAnonymizer("email", Options({{"domain", Str("bad domain")}}), prf, "c");
  CHECK_FALSE(r.ok());
  r = CreateAnonymizer("no-such-thing", Options(), prf, "c");
  CHECK(std::string(r.status().message()).find("unknown anonymizer 'no-such-thing'") != std::string::npos);
  r = CreateAnonymizer("string", Options({{"sample", OptionValue{OptionList{}}}}), prf, "c");
  CHECK_FALSE(r.ok());
}

}  // namespace
}  // namespace dbanon
