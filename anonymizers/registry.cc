#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/mutex.h"
#include "base/string_view_compat.h"
#include "anonymizers/anonymizer.h"
#include "anonymizers/anonymizer_internal.h"
#include "anonymizers/value_cache.h"

namespace dbanon {

namespace {
std::atomic<size_t> next_anonymizer_id{0};
std::atomic<uint64_t> next_thread_number{1};

// `deterministic = false`: runs the wrapped anonymizer (made with a fresh
// Prf, see Prf::Fresh) with a row token unique in the run, so the same value
// gets a new output in every row.
class FreshAnonymizer : public Anonymizer {
 public:
  explicit FreshAnonymizer(std::unique_ptr<Anonymizer> inner) : inner_(std::move(inner)) {
    columns_ = inner_->columns();
    output_bits_ = inner_->output_bits();
    writes_null_ = inner_->writes_null();
  }
  size_t MaxChars(size_t part) const override { return inner_->MaxChars(part); }
  size_t MinChars(size_t part) const override { return inner_->MinChars(part); }
  double BitsAt(size_t part, size_t chars) const override { return inner_->BitsAt(part, chars); }
  std::string_view Narrow(size_t part, std::string_view value, size_t max_chars, std::string* buf) const override {
    return inner_->Narrow(part, value, max_chars, buf);
  }
  std::optional<std::pair<double, double>> OutputRange(size_t part) const override {
    return inner_->OutputRange(part);
  }
  Output Writes(size_t part) const override { return inner_->Writes(part); }
  void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const override {
    thread_local const uint64_t thread_number = next_thread_number.fetch_add(1);
    thread_local uint64_t row = 0;
    ++row;
    Prf::RowToken& token = Prf::ThreadRowToken();
    std::memcpy(token.bytes, &thread_number, 8);
    std::memcpy(token.bytes + 8, &row, 8);
    token.set = true;
    inner_->Anonymize(in, scratch, out);
    token = Prf::RowToken{};
  }

 private:
  std::unique_ptr<Anonymizer> inner_;
};

// 32 random bytes drawn once per process: they key the fresh mappings, so
// that two runs with the same salt do not share them.
const std::string& RunNonce() {
  static const std::string nonce = [] {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no randomness: never continue with a weak key
    return std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  }();
  return nonce;
}

}  // namespace

Anonymizer::Anonymizer() : id_(next_anonymizer_id.fetch_add(1)) {}

void Anonymizer::AnonymizeRows(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const {
  const size_t width = columns_.size();
  if (in.size() == width) {  // one row: nothing to keep apart
    Anonymize(in, scratch, out);
    return;
  }
  // Every string first: growing the vector later would move the short
  // strings (kept inside the std::string) that earlier outputs point into.
  if (!in.empty()) scratch.BatchString(in.size() - 1);
  for (size_t base = 0; base + width <= in.size(); base += width) {
    std::span<Cell> row = out.subspan(base, width);
    Anonymize(in.subspan(base, width), scratch, row);
    // The next row's call may reuse what these outputs point into.
    for (size_t j = 0; j < width; ++j) {
      if (row[j].is_null) continue;
      std::string& copy = scratch.BatchString(base + j);
      copy.assign(row[j].value);
      row[j].value = copy;
    }
  }
}

Scratch::Scratch() = default;
namespace {
// Per anonymizer id and column: the counts of every Scratch destroyed so
// far. Never destroyed: a static Scratch may go after it at exit.
struct CountTotals {
  Mutex mu;
  std::vector<std::vector<std::array<int64_t, 2>>> totals ABSL_GUARDED_BY(mu);
};
CountTotals& Counts() {
  static CountTotals* counts = new CountTotals;
  return *counts;
}
}  // namespace

Scratch::~Scratch() {
  if (counts_.empty()) return;
  CountTotals& counts = Counts();
  MutexLock lock(&counts.mu);
  auto& totals = counts.totals;
  if (totals.size() < counts_.size()) totals.resize(counts_.size());
  for (size_t id = 0; id < counts_.size(); ++id) {
    if (totals[id].size() < counts_[id].size()) totals[id].resize(counts_[id].size());
    for (size_t p = 0; p < counts_[id].size(); ++p) {
      totals[id][p][0] += counts_[id][p][0];
      totals[id][p][1] += counts_[id][p][1];
    }
  }
}

std::vector<std::array<int64_t, 2>> ColumnCountTotals(size_t id) {
  CountTotals& counts = Counts();
  MutexLock lock(&counts.mu);
  if (id >= counts.totals.size()) return {};
  return counts.totals[id];
}

ValueCache& Scratch::Cache() {
  if (!cache_) cache_ = std::make_unique<ValueCache>();
  return *cache_;
}

const std::vector<AnonymizerInfo>& AllAnonymizers() {
  static const std::vector<AnonymizerInfo> all = [] {
    std::vector<AnonymizerInfo> v;
    internal::AddBasicAnonymizers(&v);
    internal::AddNameAnonymizers(&v);
    internal::AddAddressAnonymizers(&v);
    internal::AddFrNameAnonymizers(&v);
    internal::AddBankAnonymizers(&v);
    internal::AddPhoneAnonymizers(&v);
    internal::AddIpAnonymizers(&v);
    internal::AddJsonAnonymizers(&v);
    internal::AddNumberAnonymizers(&v);
    internal::AddDateAnonymizers(&v);
    internal::AddTextAnonymizers(&v);
    internal::AddPatternAnonymizers(&v);
    internal::AddPasswordAnonymizers(&v);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return v;
  }();
  return all;
}

const AnonymizerInfo* FindAnonymizer(std::string_view name) {
  for (const AnonymizerInfo& info : AllAnonymizers()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<Anonymizer>> CreateAnonymizer(std::string_view name, Options options,
                                                             const Prf& salt_prf, std::string_view target) {
  const AnonymizerInfo* info = FindAnonymizer(name);
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown anonymizer '", ToAbsl(name), "' (see 'dbanon list')"));
  }
  bool unique = false;
  if (const OptionValue* u = options.Find("unique")) {
    const bool* b = std::get_if<bool>(&u->v);
    if (b == nullptr) return absl::InvalidArgumentError("option 'unique' must be true or false");
    unique = *b;
    options = options.Without("unique");  // not part of the mapping
  }
  bool deterministic = true;
  if (const OptionValue* d = options.Find("deterministic")) {
    const bool* b = std::get_if<bool>(&d->v);
    if (b == nullptr) return absl::InvalidArgumentError("option 'deterministic' must be true or false");
    deterministic = *b;
    options = options.Without("deterministic");
  }
  if (unique && !deterministic) {
    return absl::InvalidArgumentError(
        "option 'deterministic': false draws a fresh value per row, which can repeat and maps no value the same "
        "way twice; 'unique = true' (and joins across tables) need the deterministic mapping");
  }
  // Same name and effective options give the same PRF, hence the same
  // outputs, in every table that uses them: this keeps joins and foreign keys
  // working whether a default is written out or left implicit. The factory
  // reads the options, so a first call on a copy, with a PRF that is thrown
  // away, tells which of them differ from their defaults. Without options
  // the domain is "dbanon/NAME/", as it always was.
  std::string effective;
  if (!options.Canonical().empty()) {
    Options probe = options;
    AnonymizerContext probe_ctx{std::string(target), std::make_shared<const Prf>(std::string_view())};
    auto probed = info->factory(probe, probe_ctx);
    if (!probed.ok()) return probed.status();
    effective = probe.EffectiveCanonical();
  }
  auto prf = std::make_shared<const Prf>(
      deterministic ? salt_prf.Derive(absl::StrCat("dbanon/", ToAbsl(name), "/", effective))
                    : salt_prf.Derive(absl::StrCat("dbanon-fresh/", ToAbsl(RunNonce()), "/", ToAbsl(name), "/", effective))
                          .Fresh());
  AnonymizerContext ctx{std::string(target), std::move(prf)};
  auto made = info->factory(options, ctx);
  if (!made.ok()) return made.status();
  std::vector<std::string> unused = options.Unused();
  if (!unused.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown option '", unused.front(), "' for anonymizer '", ToAbsl(name), "'"));
  }
  if (unique && (*made)->output_bits() < kUniqueBits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "option 'unique': the output space of '", ToAbsl(name), "' (about 2^", static_cast<int>((*made)->output_bits()),
        " values) is too small to keep different values distinct; unique needs at least 2^",
        static_cast<int>(kUniqueBits), " (use email, md5, hash or uuid)"));
  }
  std::unique_ptr<Anonymizer> result = *std::move(made);
  if (!deterministic) result = std::make_unique<FreshAnonymizer>(std::move(result));
  result->unique_ = unique;
  result->name_ = std::string(name);
  return result;
}

}  // namespace dbanon
