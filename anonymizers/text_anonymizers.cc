// lorem (DbToolsBundle's, shared/docs/dbtoolsbundle.md part 1), and hash,
// mask, regex, uuid (dbanon's own): anonymizers that produce or rewrite text.
#include <algorithm>
#include <re2/re2.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"

namespace dbanon::internal {
namespace {

// ---------------------------------------------------------------------------
// lorem

constexpr std::string_view kWords[] = {
#include "anonymizers/data/words.inc"
#include "base/status_macros.h"
};

constexpr int64_t kMaxParagraphs = 10'000;
constexpr int64_t kMaxWords = 1'000'000;
constexpr int64_t kMaxSampleCount = int64_t{1} << 32;

// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): integer-only, so a text is the same on every
// platform, and fast enough to write a paragraph per row.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return Uniform(Next(), n); }

 private:
  uint64_t state_;
};

// The text generator follows DbToolsBundle's LoremIpsum helper (after
// joshtronic/php-loremipsum): sentences of about 24 words with a comma or
// two, capitalised, ending with a period; paragraphs of about 6 sentences,
// separated by a blank line, each wrapped in <p> with html; a word count gives
// bare lower-case words. Its Gaussian draws become sums of uniform ones, which
// need no floating point.
class LoremAnonymizer : public SingleColumnAnonymizer {
 public:
  LoremAnonymizer(std::string target, int64_t paragraphs, int64_t words, bool html, int64_t sample_count,
                  std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)),
        paragraphs_(paragraphs),
        words_(words),
        html_(html),
        sample_count_(static_cast<uint64_t>(sample_count)),
        prf_(std::move(prf)) {
    seed_ = prf_->Cmac64("lorem/texts");
  }

  // Text i of the sample is generated on demand from (seed, i) rather than
  // kept: sample_count texts of many paragraphs could take gigabytes.
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    uint64_t index = Uniform(prf_->Cmac64(value), sample_count_);
    SplitMix64 rng(seed_ ^ (index * 0xd1b54a32d192ed03ULL));
    std::string& out = scratch.String(0);
    out.clear();
    if (words_ > 0) {
      for (int64_t i = 0; i < words_; ++i) {
        if (i > 0) out.push_back(' ');
        out.append(Word(rng));
      }
      return out;
    }
    for (int64_t p = 0; p < paragraphs_; ++p) {
      if (p > 0) out.append("\n\n");
      if (html_) out.append("<p>");
      uint64_t sentences = 3 + rng.Below(4) + rng.Below(4);  // 3 to 9, mean 6
      for (uint64_t s = 0; s < sentences; ++s) {
        if (s > 0) out.push_back(' ');
        AppendSentence(rng, &out);
      }
      if (html_) out.append("</p>");
    }
    return out;
  }

 private:
  static std::string_view Word(SplitMix64& rng) { return kWords[rng.Below(std::size(kWords))]; }

  static void AppendSentence(SplitMix64& rng, std::string* out) {
    uint64_t count = 14;  // 14 to 34 words, mean 24
    for (int i = 0; i < 4; ++i) count += rng.Below(6);
    uint64_t commas = 1 + (rng.Below(4) == 0 ? 1 : 0);
    size_t start = out->size();
    for (uint64_t w = 0; w < count; ++w) {
      if (w > 0) out->push_back(' ');
      out->append(Word(rng));
      // A comma after words round(i * count / (commas + 1)), as the PHP helper.
      for (uint64_t i = 1; i <= commas; ++i) {
        if (w + 1 < count && w > 0 && w == (2 * i * count + commas + 1) / (2 * (commas + 1))) out->push_back(',');
      }
    }
    (*out)[start] = absl::ascii_toupper(static_cast<unsigned char>((*out)[start]));
    out->push_back('.');
  }

  int64_t paragraphs_;
  int64_t words_;  // 0: paragraphs
  bool html_;
  uint64_t sample_count_;
  uint64_t seed_;
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeLorem(Options& o, const AnonymizerContext& ctx) {
  if (o.Has("words") && o.Has("paragraphs")) {
    return absl::InvalidArgumentError("options 'words' and 'paragraphs' are exclusive");
  }
  DBANON_ASSIGN_OR_RETURN(paragraphs, o.GetInt("paragraphs", 1));
  DBANON_ASSIGN_OR_RETURN(words, o.GetInt("words", 0));
  DBANON_ASSIGN_OR_RETURN(html, o.GetBool("html", false));
  DBANON_ASSIGN_OR_RETURN(sample_count, o.GetInt("sample_count", 100));
  if (paragraphs < 1 || paragraphs > kMaxParagraphs) {
    return absl::InvalidArgumentError(absl::StrCat("option 'paragraphs' must be between 1 and ", kMaxParagraphs));
  }
  if (o.Has("words") && (words < 1 || words > kMaxWords)) {
    return absl::InvalidArgumentError(absl::StrCat("option 'words' must be between 1 and ", kMaxWords));
  }
  if (sample_count < 1 || sample_count > kMaxSampleCount) {
    return absl::InvalidArgumentError("option 'sample_count' must be between 1 and 2^32");
  }
  return std::make_unique<LoremAnonymizer>(ctx.target, paragraphs, words, html, sample_count, ctx.prf);
}

// ---------------------------------------------------------------------------
// hash

class HashAnonymizer : public SingleColumnAnonymizer {
 public:
  HashAnonymizer(std::string target, size_t length, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), length_(length), prf_(std::move(prf)) {
    output_bits_ = 4.0 * static_cast<double>(length);  // hex digits of a PRF output
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    Prf::Digest d = prf_->Mac(value);
    std::string& out = scratch.String(0);
    out.clear();
    AppendHexLower(d.data(), (length_ + 1) / 2, &out);
    out.resize(length_);
    return out;
  }
  size_t MaxChars(size_t) const override { return length_; }
  double BitsAt(size_t, size_t chars) const override { return 4.0 * static_cast<double>(std::min(chars, length_)); }

 private:
  size_t length_;
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeHash(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(length, o.GetInt("length", 64));
  if (length < 1 || length > 64) return absl::InvalidArgumentError("option 'length' must be between 1 and 64");
  return std::make_unique<HashAnonymizer>(ctx.target, static_cast<size_t>(length), ctx.prf);
}

// ---------------------------------------------------------------------------
// mask

// Bytes in the UTF-8 character at s[i] (RFC 3629); an invalid or cut-off
// sequence counts as one character per byte, so any bytes can be masked.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

size_t Utf8Count(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); i += Utf8Length(s, i)) ++count;
  return count;
}

class MaskAnonymizer : public SingleColumnAnonymizer {
 public:
  MaskAnonymizer(std::string target, size_t keep_start, size_t keep_end, std::string mask)
      : SingleColumnAnonymizer(std::move(target)), keep_start_(keep_start), keep_end_(keep_end), mask_(std::move(mask)) {}

  // A value no longer than the kept characters is masked whole: otherwise a
  // short value would come out unchanged.
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    size_t count = Utf8Count(value);
    bool keep = count > keep_start_ + keep_end_;
    std::string& out = scratch.String(0);
    out.clear();
    size_t index = 0;
    for (size_t i = 0; i < value.size(); ++index) {
      size_t n = Utf8Length(value, i);
      if (keep && (index < keep_start_ || index >= count - keep_end_)) {
        out.append(value.substr(i, n));
      } else {
        out.append(mask_);
      }
      i += n;
    }
    return out;
  }

 private:
  size_t keep_start_;
  size_t keep_end_;
  std::string mask_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeMask(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(keep_start, o.GetInt("keep_start", 0));
  DBANON_ASSIGN_OR_RETURN(keep_end, o.GetInt("keep_end", 4));
  DBANON_ASSIGN_OR_RETURN(mask, o.GetString("char", "*"));
  if (keep_start < 0 || keep_start > 1'000'000) {
    return absl::InvalidArgumentError("option 'keep_start' must be between 0 and 1000000");
  }
  if (keep_end < 0 || keep_end > 1'000'000) {
    return absl::InvalidArgumentError("option 'keep_end' must be between 0 and 1000000");
  }
  if (mask.empty() || Utf8Length(mask, 0) != mask.size() || (mask.size() == 1 && static_cast<unsigned char>(mask[0]) >= 0x80)) {
    return absl::InvalidArgumentError("option 'char' must be one UTF-8 character");
  }
  return std::make_unique<MaskAnonymizer>(ctx.target, static_cast<size_t>(keep_start), static_cast<size_t>(keep_end),
                                          mask);
}

// ---------------------------------------------------------------------------
// regex

class RegexAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  RegexAnonymizer(std::string target, std::unique_ptr<RE2> re, std::string replacement)
      : SingleColumnAnonymizer(std::move(target)), re_(std::move(re)), replacement_(std::move(replacement)) {}

  // RE2 objects are thread-safe for matching (re2.h).
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    std::string& out = scratch.String(0);
    out.assign(value);
    RE2::GlobalReplace(&out, *re_, re2::StringPiece(replacement_.data(), replacement_.size()));
    return out;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::string replacement_;
};

// RE2's error text quotes the pattern; we name the problem only (options.h).
const char* DescribeRe2Error(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "bad escape sequence";
    case RE2::ErrorBadCharClass: return "bad character class";
    case RE2::ErrorBadCharRange: return "bad character class range";
    case RE2::ErrorMissingBracket: return "missing ]";
    case RE2::ErrorMissingParen: return "missing or unmatched parenthesis";
    case RE2::ErrorTrailingBackslash: return "trailing backslash";
    case RE2::ErrorRepeatArgument: return "repetition operator without an operand";
    case RE2::ErrorRepeatSize: return "bad repetition count";
    case RE2::ErrorRepeatOp: return "bad repetition operator";
    case RE2::ErrorBadPerlOp: return "bad Perl operator";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "bad named capture group";
    case RE2::ErrorPatternTooLarge: return "pattern too large";
    default: return "invalid regular expression";
  }
}

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeRegex(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(pattern, o.GetRequiredString("pattern"));
  DBANON_ASSIGN_OR_RETURN(replacement, o.GetRequiredString("replacement"));
  RE2::Options re_options;
  re_options.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), re_options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("option 'pattern' is not an RE2 regular expression: ", DescribeRe2Error(re->error_code())));
  }
  std::string error;
  if (!re->CheckRewriteString(re2::StringPiece(replacement.data(), replacement.size()), &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("option 'replacement' refers to a group the pattern does not have (it has ",
                     re->NumberOfCapturingGroups(), "), or has a backslash not followed by a digit or backslash"));
  }
  return std::make_unique<RegexAnonymizer>(ctx.target, std::move(re), replacement);
}

// ---------------------------------------------------------------------------
// uuid

class UuidAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a UUID", kTextFamilies | FamilyBit(TypeFamily::kUuid)}; }
  UuidAnonymizer(std::string target, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), prf_(std::move(prf)) {
    output_bits_ = 122;  // RFC 9562: 128 bits less the version and variant
  }

  // RFC 9562 section 5.4: version 4 is 122 random bits with the version and
  // variant fields set.
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    Prf::Block d = prf_->Cmac(value);
    d[6] = static_cast<uint8_t>((d[6] & 0x0F) | 0x40);
    d[8] = static_cast<uint8_t>((d[8] & 0x3F) | 0x80);
    std::string hex = HexLower(d.data(), 16);
    std::string& out = scratch.String(0);
    out.clear();
    absl::StrAppend(&out, hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-", hex.substr(16, 4),
                    "-", hex.substr(20, 12));
    return out;
  }
  // Narrower than 36 characters: the 32 hex digits without hyphens (a form
  // PostgreSQL's uuid input accepts too); below 32 no UUID fits.
  size_t MaxChars(size_t) const override { return 36; }
  size_t MinChars(size_t) const override { return 32; }
  double BitsAt(size_t, size_t chars) const override { return chars >= 32 ? output_bits_ : 0; }
  std::string_view Narrow(size_t, std::string_view value, size_t max_chars, std::string* buf) const override {
    if (value.size() <= max_chars || max_chars < 32) return value;
    buf->clear();
    for (char c : value) {
      if (c != '-') buf->push_back(c);
    }
    return *buf;
  }

 private:
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeUuid(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(version, o.GetInt("version", 4));
  if (version != 4) return absl::InvalidArgumentError("option 'version' must be 4");
  return std::make_unique<UuidAnonymizer>(ctx.target, ctx.prf);
}

}  // namespace

void AddTextAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"lorem",
                  "lorem ipsum text: one of sample_count texts, chosen by the keyed hash of the value",
                  {"paragraphs (1): paragraphs per text, separated by a blank line",
                   "words (none): a number of words instead of paragraphs (exclusive with paragraphs)",
                   "html (false): wrap each paragraph in <p></p>",
                   "sample_count (100): how many distinct texts there are"},
                  MakeLorem,
                  "{ paragraphs = 2, html = true }"});
  out->push_back({"hash",
                  "lower-case hex of the keyed HMAC-SHA256 of the value",
                  {"length (64): hex characters kept, 1 to 64"},
                  MakeHash,
                  "{ length = 16 }"});
  out->push_back({"mask",
                  "keeps the first and last characters and masks the others; a value no longer than the kept "
                  "characters is masked whole",
                  {"keep_start (0): characters kept at the start", "keep_end (4): characters kept at the end",
                   "char (*): the masking character (one UTF-8 character)"},
                  MakeMask,
                  "{ keep_start = 0, keep_end = 4, char = \"*\" }"});
  out->push_back({"regex",
                  "RE2 global replacement; text that does not match is kept as it is",
                  {"pattern (required): RE2 regular expression",
                   "replacement (required): replacement text; \\1 to \\9 insert the groups, \\0 the match"},
                  MakeRegex,
                  "{ pattern = '^(\\w)[^@]*@', replacement = '\\1***@' }"});
  out->push_back({"uuid",
                  "a version 4 UUID derived from the keyed hash of the value",
                  {"version (4): UUID version; only 4"},
                  MakeUuid,
                  "{ version = 4 }"});
}

}  // namespace dbanon::internal
