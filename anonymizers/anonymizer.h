// The anonymizer interface and its registry. Read this header first when
// adding an anonymizer.
//
// An Anonymizer turns the values of one row's columns into replacement
// values. Single-column anonymizers (email, md5, ...) read and write one
// column, the config key. Multi-column anonymizers (address, iban-bic) read
// and write several columns, named by their options (`part = "column"`), and
// see the whole set at once so their parts stay coherent.
//
// Values are raw bytes (already un-escaped from the dump's syntax) and may be
// NULL. Every anonymizer keeps NULL as NULL unless its documented purpose is
// to produce NULL (`null`). Outputs are a pure function of (input values,
// options, salt): no I/O, no clock, no global random state, so a run is
// repeatable and `-j N` does not change the output.
//
// Thread-safety: after Create() returns, Anonymize() is const and may be
// called from many worker threads at once, each passing its own Scratch.
#ifndef DBANON_ANONYMIZERS_ANONYMIZER_H_
#define DBANON_ANONYMIZERS_ANONYMIZER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "anonymizers/options.h"
#include "anonymizers/prf.h"

namespace dbanon {

// One column value of a row. `value` is meaningless when `is_null`.
struct Cell {
  std::string_view value;
  bool is_null = false;

  static Cell Null() { return Cell{{}, true}; }
};

class ValueCache;

// The families of SQL column types, as far as fitting a value goes: which
// text a column's input function accepts (PostgreSQL docs, "Data Types";
// MariaDB docs, "Data Types"). parsers/column_types.h maps a declared type
// to its family; an anonymizer says which families take what it writes
// (Anonymizer::Writes).
enum class TypeFamily : uint8_t {
  kUnknown,    // no DDL, or a type dbanon does not know (a user-defined type, citext, an extension's)
  kText,       // char, varchar, text, MySQL's *text, SQLite's columns
  kBinary,     // bytea, blob, binary: any text is a valid input
  kInteger,    // smallint, integer, bigint, MySQL's tinyint..bigint
  kDecimal,    // numeric/decimal, real, double precision, float
  kBoolean,
  kDate,       // date
  kTime,       // time, timetz
  kTimestamp,  // timestamp, timestamptz, datetime
  kJson,       // json, jsonb; MariaDB's JSON (longtext CHECK (json_valid(col)))
  kUuid,
  kInet,       // inet, cidr
  kArray,      // any type[]: its input is an array literal {a,b}
  kOther,      // a built-in type with a syntax of its own (interval, bit, geometry, xml, ...)
};
constexpr uint32_t FamilyBit(TypeFamily f) { return uint32_t{1} << static_cast<unsigned>(f); }
// Families whose input takes any text.
inline constexpr uint32_t kTextFamilies =
    FamilyBit(TypeFamily::kText) | FamilyBit(TypeFamily::kBinary) | FamilyBit(TypeFamily::kUnknown);
inline constexpr uint32_t kNumberFamilies = FamilyBit(TypeFamily::kInteger) | FamilyBit(TypeFamily::kDecimal);
inline constexpr uint32_t kAllFamilies = ~uint32_t{0};

// Per-thread working memory handed to Anonymize. Output cells may point into
// `strings` or `caches`; they stay valid until the next Anonymize call with
// the same Scratch.
struct Scratch {
  Scratch();
  ~Scratch();
  std::vector<std::string> strings;
  std::string& String(size_t i) {
    if (strings.size() <= i) strings.resize(i + 1);
    return strings[i];
  }
  // The thread's value cache, shared by all anonymizers (see
  // anonymizers/value_cache.h); allocated on first use.
  ValueCache& Cache();

  // Storage for the outputs of one AnonymizeRows call (one string per
  // output cell), reused from call to call.
  std::string& BatchString(size_t i) {
    if (batch_strings_.size() <= i) batch_strings_.resize(i + 1);
    return batch_strings_[i];
  }
  // Working vectors of AnonymizeRows, reused from call to call.
  std::vector<size_t> batch_index;
  std::vector<std::string_view> batch_messages;
  std::vector<Prf::Block> batch_tags;

  // Counts one cell written by the anonymizer numbered `id` for its column
  // number `part` (in columns() order): a NULL kept NULL, or a value
  // rewritten. Called by the row rewriters for --report; counts stay in this
  // Scratch (one per thread, no lock) and are added to ColumnCountTotals()
  // when it is destroyed.
  void CountCell(size_t id, size_t part, bool null_kept) {
    if (counts_.size() <= id) counts_.resize(id + 1);
    std::vector<std::array<int64_t, 2>>& parts = counts_[id];
    if (parts.size() <= part) parts.resize(part + 1);
    ++parts[part][null_kept ? 1 : 0];
  }

 private:
  std::vector<std::vector<std::array<int64_t, 2>>> counts_;
  std::unique_ptr<ValueCache> cache_;
  std::vector<std::string> batch_strings_;
};

class Anonymizer {
 public:
  virtual ~Anonymizer() = default;

  // The columns this anonymizer reads and writes, in the order of the spans
  // passed to Anonymize. Never empty.
  const std::vector<std::string>& columns() const { return columns_; }

  // Writes one output cell per column. `in` and `out` have columns().size()
  // elements. Output cells may point into `scratch`, into the anonymizer's
  // own constant data, or alias the input.
  virtual void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const = 0;

  // The same for several rows at once: `in` and `out` hold the cells of
  // in.size() / columns().size() rows, row after row, and get what Anonymize
  // gives row by row. Output cells stay valid until the next Anonymize or
  // AnonymizeRows call with the same Scratch. The row rewriters call this
  // one: an anonymizer that draws one tag from the keyed PRF per value
  // computes the tags of all the rows in one call (Prf::CmacBatch), several
  // times cheaper per value. The default calls Anonymize row by row and
  // copies the outputs to Scratch::BatchString.
  virtual void AnonymizeRows(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const;

  // log2 of the number of distinct non-NULL outputs, 0 when unknown. An
  // anonymizer accepts `unique = true` only when this is at least
  // kUniqueBits (see CreateAnonymizer).
  double output_bits() const { return output_bits_; }

  // A process-wide number identifying this instance (per-thread caches).
  size_t id() const { return id_; }

  // After the values have been anonymized (every worker done): the parts of
  // this anonymizer's options that reached no value although it read some,
  // as the config writes them: `json`'s paths that matched nothing in any
  // valid document it was given (src/plan.h makes that a config error, as
  // a misspelt column is). Empty for the others, and before any document.
  // Thread-safe; counts are relaxed atomics written once per path.
  virtual std::vector<std::string> UnmatchedTargets() const { return {}; }

  // --- Fitting to the column (parsers/column_fit.h) ---------------------
  // `part` is a position in columns(). Characters are counted as bytes: the
  // outputs these functions describe are ASCII.
  //
  // True when a non-NULL input can give a NULL output (`null`): refused on
  // a NOT NULL column.
  bool writes_null() const { return writes_null_; }
  // The config name it was made under ("email"), for messages.
  const std::string& name() const { return name_; }
  // `unique = true` was asked (CreateAnonymizer).
  bool unique() const { return unique_; }
  // The longest output, in characters; 0 when unknown or unbounded.
  virtual size_t MaxChars(size_t part) const {
    (void)part;
    return 0;
  }
  // The shortest output that keeps a valid format (an e-mail address, a
  // phone number); 0 when any prefix of an output is acceptable (hex, free
  // text). A varchar(n)/char(n) column with n below it is refused.
  virtual size_t MinChars(size_t part) const {
    (void)part;
    return 0;
  }
  // log2 of the number of distinct outputs once narrowed to `chars`
  // characters (Narrow, then cut to `chars`); output_bits() when every
  // output fits; 0 when unknown.
  virtual double BitsAt(size_t part, size_t chars) const {
    (void)part;
    (void)chars;
    return 0;
  }
  // `value` (an output of this anonymizer) when it has at most `max_chars`
  // characters; else a shorter form of the same kind written into `*buf`
  // (digits without separators, an e-mail address with a shorter local part
  // and domain) that keeps as many keyed bits as the width allows. The
  // caller cuts what is still too long. The result views `value` or `*buf`.
  virtual std::string_view Narrow(size_t part, std::string_view value, size_t max_chars, std::string* buf) const {
    (void)part;
    (void)max_chars;
    (void)buf;
    return value;
  }
  // What the anonymizer writes into column `part`: a few words for messages
  // ("text", "an integer") and the type families (FamilyBit) whose input
  // accepts every such value. Default: text, for text, binary and unknown
  // types. `keep`, `null` and the anonymizers whose output the config
  // writes (constant, string, regex, pattern) accept every family. A
  // column whose family is not among them is refused (parsers/column_fit.h);
  // in an integer or decimal column, Narrow (to the value's digits) runs
  // first, so a phone number is written as digits there.
  struct Output {
    const char* what;
    uint32_t families;
  };
  virtual Output Writes(size_t part) const {
    (void)part;
    return {"text", kTextFamilies};
  }
  // [lo, hi] of the numeric outputs, when fixed by the options (integer and
  // float with min and max); nullopt when unbounded or unknown (delta and
  // percent modes follow the input, whose column held it).
  virtual std::optional<std::pair<double, double>> OutputRange(size_t part) const {
    (void)part;
    return std::nullopt;
  }

 protected:
  Anonymizer();
  std::vector<std::string> columns_;
  double output_bits_ = 0;
  bool writes_null_ = false;

 private:
  friend absl::StatusOr<std::unique_ptr<Anonymizer>> CreateAnonymizer(std::string_view name, Options options,
                                                                      const Prf& salt_prf, std::string_view target);
  size_t id_;
  std::string name_;
  bool unique_ = false;
};

// The output space `unique = true` asks for: with 2^96 equally likely
// outputs, n distinct inputs collide with probability below n^2 / 2^97
// (under 10^-11 for a billion distinct values).
inline constexpr double kUniqueBits = 96;

// What a unique value must keep once fitted to a narrow column
// (varchar(n)): 64 keyed bits. n distinct inputs then collide with
// probability below n^2 / 2^65 (about 10^-13 for 2,000 values, 3 * 10^-8
// for a million); a column too narrow to hold them is refused.
inline constexpr double kFittedUniqueBits = 64;

// What a factory receives.
struct AnonymizerContext {
  // The config key: the column name for single-column anonymizers, a free
  // label for multi-column ones.
  std::string target;
  // The run's keyed PRF, already derived for this anonymizer's name and
  // options (see Prf::Derive). Anonymizers keep the pointer; unsalted ones
  // may ignore it.
  std::shared_ptr<const Prf> prf;
};

using AnonymizerFactory =
    std::function<absl::StatusOr<std::unique_ptr<Anonymizer>>(Options& options, const AnonymizerContext& ctx)>;

struct AnonymizerInfo {
  std::string name;
  std::string summary;
  // One line per option: "name (default): what it does".
  std::vector<std::string> options;
  AnonymizerFactory factory;
  // Options for a working example, as a TOML inline table ("{ value = \"x\" }"),
  // used by `dbanon list`, the tests and the benchmarks. "{}" when none are needed.
  std::string example = "{}";
};

// The cells counted by every destroyed Scratch (CountCell) for the
// anonymizer numbered `id`: per part {values rewritten, NULLs kept}; empty
// when none. Thread-safe (a mutex, taken once per Scratch).
std::vector<std::array<int64_t, 2>> ColumnCountTotals(size_t id);

// All anonymizers, sorted by name.
const std::vector<AnonymizerInfo>& AllAnonymizers();
// nullptr when `name` is unknown.
const AnonymizerInfo* FindAnonymizer(std::string_view name);

// Creates the anonymizer `name` for `ctx.target`. The option `unique`
// (bool, default false), common to all anonymizers, asks that different
// inputs never share an output; it is refused when output_bits() is below
// kUniqueBits. It does not change the mapping. Errors: InvalidArgument for an
// unknown name, a bad or missing option, an option the anonymizer does not
// know, or `unique` on too small an output space (the message names the option).
absl::StatusOr<std::unique_ptr<Anonymizer>> CreateAnonymizer(std::string_view name, Options options,
                                                             const Prf& salt_prf, std::string_view target);

}  // namespace dbanon

#endif  // DBANON_ANONYMIZERS_ANONYMIZER_H_
