// null, keep, constant, string, md5, email: DbToolsBundle's core anonymizers
// with the same names and option names (shared/docs/dbtoolsbundle.md, part 1).
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"

namespace dbanon::internal {
namespace {

class NullAnonymizer : public Anonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  explicit NullAnonymizer(std::string target) {
    columns_.push_back(std::move(target));
    writes_null_ = true;
  }
  void Anonymize(std::span<const Cell>, Scratch&, std::span<Cell> out) const override { out[0] = Cell::Null(); }
};

class KeepAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  using SingleColumnAnonymizer::SingleColumnAnonymizer;
  std::string_view AnonymizeValue(std::string_view value, Scratch&) const override { return value; }
};

class ConstantAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  ConstantAnonymizer(std::string target, std::string value)
      : SingleColumnAnonymizer(std::move(target)), value_(std::move(value)) {}
  std::string_view AnonymizeValue(std::string_view, Scratch&) const override { return value_; }

 private:
  std::string value_;
};

class StringAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  StringAnonymizer(std::string target, std::vector<std::string> sample, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), sample_(std::move(sample)), prf_(std::move(prf)) {
    for (const std::string& s : sample_) views_.push_back(s);
    output_bits_ = std::log2(static_cast<double>(sample_.size()));
    SetTagPrf(prf_.get());
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch&) const override {
    return Pick(*prf_, value, views_);
  }
  std::string_view AnonymizeWithTag(std::string_view, const Prf::Block& tag, Scratch&) const override {
    return views_[Uniform(TagBits(tag), views_.size())];
  }

 private:
  std::vector<std::string> sample_;
  std::vector<std::string_view> views_;
  std::shared_ptr<const Prf> prf_;
};

// 16 bytes of hash: MD5 of the value when unsalted (DbToolsBundle's
// `use_salt: false`, stable across runs and reversible by guessing), else
// the keyed PRF truncated to 16 bytes.
void Hash16(const Prf* prf, std::string_view value, uint8_t out[16]) {
  if (prf == nullptr) {
    unsigned int len = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    if (EVP_Digest(value.data(), value.size(), md, &len, EVP_md5(), nullptr) != 1 || len != 16) std::abort();
    std::memcpy(out, md, 16);
    return;
  }
  Prf::Block b = prf->Cmac(value);
  std::memcpy(out, b.data(), 16);
}

class Md5Anonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"32 hex digits", kTextFamilies | FamilyBit(TypeFamily::kUuid)}; }
  Md5Anonymizer(std::string target, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), prf_(std::move(prf)) {
    output_bits_ = 128;
    SetTagPrf(prf_.get());  // none (no batching) for the unsalted MD5
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    uint8_t h[16];
    Hash16(prf_.get(), value, h);
    return Write(h, scratch);
  }
  std::string_view AnonymizeWithTag(std::string_view, const Prf::Block& tag, Scratch& scratch) const override {
    return Write(tag.data(), scratch);
  }

  // 32 hex digits: a cut keeps 4 bits a character.
  size_t MaxChars(size_t) const override { return 32; }
  double BitsAt(size_t, size_t chars) const override { return 4.0 * static_cast<double>(std::min<size_t>(chars, 32)); }

 private:
  static std::string_view Write(const uint8_t h[16], Scratch& scratch) {
    std::string& out = scratch.String(0);
    out.clear();
    AppendHexLower(h, 16, &out);
    return out;
  }
  std::shared_ptr<const Prf> prf_;  // null when use_salt = false
};

// The domain of an address narrowed below its configured domain's room:
// under .test, reserved for testing (RFC 2606, RFC 6761).
constexpr std::string_view kShortDomain = "a.test";
// Base 36 digits (a-z, 0-9: the same under a case-insensitive collation,
// as MySQL's default one) hold log2(36) bits each.
const double kBase36Bits = std::log2(36.0);
// Local parts of at least this many base-36 characters keep 64 bits.
constexpr size_t kLocalFor64Bits = 13;

class EmailAnonymizer : public SingleColumnAnonymizer {
 public:
  EmailAnonymizer(std::string target, std::string domain, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), domain_(std::move(domain)), prf_(std::move(prf)) {
    output_bits_ = 128;
    SetTagPrf(prf_.get());  // none (no batching) for the unsalted MD5
  }
  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    uint8_t h[16];
    Hash16(prf_.get(), value, h);
    return Write(h, scratch);
  }
  std::string_view AnonymizeWithTag(std::string_view, const Prf::Block& tag, Scratch& scratch) const override {
    return Write(tag.data(), scratch);
  }

  // Narrowing (a varchar(n) column shorter than anon-<32 hex>@domain): the
  // local part becomes the keyed hash in base 36 (up to 25 characters, 128
  // bits), as long as the width allows; the configured domain stays while
  // the local part keeps 13 characters (64 bits), else the domain becomes
  // a.test when that gives a longer local part.
  size_t MaxChars(size_t) const override { return 5 + 32 + 1 + domain_.size(); }
  size_t MinChars(size_t) const override { return std::min(domain_.size(), kShortDomain.size()) + 2; }
  double BitsAt(size_t, size_t chars) const override {
    if (chars >= MaxChars(0)) return output_bits_;
    std::string_view domain = DomainFor(chars);
    if (chars < domain.size() + 2) return 0;
    return std::min(128.0, kBase36Bits * static_cast<double>(chars - domain.size() - 1));
  }
  std::string_view Narrow(size_t, std::string_view value, size_t max_chars, std::string* buf) const override {
    if (value.size() <= max_chars) return value;
    std::string_view domain = DomainFor(max_chars);
    size_t at = value.rfind('@');
    if (max_chars < domain.size() + 2 || at == std::string_view::npos || at < 5 + 32) return value;
    // The 128 bits of the local part's hex digits, in base 36.
    unsigned __int128 bits = 0;
    for (char c : value.substr(at - 32, 32)) {
      int d = c >= 'a' ? c - 'a' + 10 : c - '0';
      bits = (bits << 4) | static_cast<unsigned>(d & 15);
    }
    char digits[25];
    for (int i = 24; i >= 0; --i) {
      digits[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[static_cast<int>(bits % 36)];
      bits /= 36;
    }
    size_t local = std::min<size_t>(25, max_chars - domain.size() - 1);
    // The low-order digits vary most: keep the last ones.
    buf->assign(digits + 25 - local, local);
    buf->push_back('@');
    buf->append(domain);
    return *buf;
  }

 private:
  std::string_view Write(const uint8_t h[16], Scratch& scratch) const {
    std::string& out = scratch.String(0);
    out.assign("anon-");
    AppendHexLower(h, 16, &out);
    out.push_back('@');
    out.append(domain_);
    return out;
  }
  std::string_view DomainFor(size_t chars) const {
    if (chars >= domain_.size() + 1 + kLocalFor64Bits || domain_.size() <= kShortDomain.size()) return domain_;
    return kShortDomain;
  }

  std::string domain_;
  std::shared_ptr<const Prf> prf_;  // null when use_salt = false
};

absl::Status CheckDomain(const std::string& domain) {
  // RFC 5321 domain: labels of letters, digits and hyphens, separated by dots.
  if (domain.empty() || domain.size() > 253) return absl::InvalidArgumentError("option 'domain' must be a domain name");
  for (char c : domain) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return absl::InvalidArgumentError("option 'domain' must be a domain name");
  }
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) {
    return absl::InvalidArgumentError("option 'domain' must be a domain name");
  }
  return absl::OkStatus();
}

}  // namespace

void AddBasicAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"null", "replaces every value with NULL", {}, [](Options&, const AnonymizerContext& ctx)
                      -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    return std::make_unique<NullAnonymizer>(ctx.target);
                  }});
  out->push_back({"keep", "leaves the column unchanged (documents a decision)", {},
                  [](Options&, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    return std::make_unique<KeepAnonymizer>(ctx.target);
                  }});
  out->push_back({"constant",
                  "replaces every non-NULL value with a fixed value",
                  {"value (required): the replacement text", "type (text): accepted for DbToolsBundle configs; a dump needs no cast"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(value, o.GetRequiredString("value"));
                    DBANON_ASSIGN_OR_RETURN(type, o.GetString("type", "text"));
                    (void)type;
                    return std::make_unique<ConstantAnonymizer>(ctx.target, value);
                  },
                  "{ value = \"redacted\" }"});
  out->push_back({"string",
                  "one value of a list, chosen by the keyed hash of the input",
                  {"sample (required): list of replacement values"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(sample, o.GetStringList("sample"));
                    if (sample.empty()) return absl::InvalidArgumentError("option 'sample' is required and must not be empty");
                    return std::make_unique<StringAnonymizer>(ctx.target, std::move(sample), ctx.prf);
                  },
                  "{ sample = [\"bronze\", \"silver\", \"gold\"] }"});
  out->push_back({"md5",
                  "32 hex characters: keyed hash of the value (plain MD5 with use_salt = false)",
                  {"use_salt (true): false gives plain MD5, stable across runs but reversible by guessing"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(use_salt, o.GetBool("use_salt", true));
                    return std::make_unique<Md5Anonymizer>(ctx.target, use_salt ? ctx.prf : nullptr);
                  }});
  out->push_back({"email",
                  "a valid address anon-<32 hex>@<domain> derived from the keyed hash of the value",
                  {"domain (example.com): the domain of every address",
                   "use_salt (true): false derives the local part from plain MD5 (reversible by guessing)",
                   "style (hash): words gives first.last<number>@<domain> from 64 keyed bits, shorter once "
                   "compressed"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(domain, o.GetString("domain", "example.com"));
                    DBANON_ASSIGN_OR_RETURN(use_salt, o.GetBool("use_salt", true));
                    DBANON_ASSIGN_OR_RETURN(style, o.GetString("style", "hash"));
                    if (absl::Status s = CheckDomain(domain); !s.ok()) return s;
                    if (style == "words") {
                      if (!use_salt) {
                        return absl::InvalidArgumentError("option 'style' = \"words\" needs use_salt = true");
                      }
                      return NewWordsEmailAnonymizer(ctx.target, domain, ctx.prf);
                    }
                    if (style != "hash") return absl::InvalidArgumentError("option 'style' must be hash or words");
                    return std::make_unique<EmailAnonymizer>(ctx.target, domain, use_salt ? ctx.prf : nullptr);
                  }});
}

}  // namespace dbanon::internal
