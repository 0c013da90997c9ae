#include "src/check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/exit_class.h"
#include "base/mutex.h"
#include "base/status_macros.h"
#include "src/archive_job.h"
#include "src/config.h"
#include "src/io.h"
#include "src/pii_hints.h"
#include "src/plan.h"
#include "src/run.h"
#include "src/schema.h"
#include "src/tar_archive.h"

namespace dbanon {
namespace {

constexpr int64_t kDefaultSample = 1000;

// The value shapes of one column, filled by the worker threads.
struct ColumnSample {
  mutable Mutex mu;
  int64_t seen ABSL_GUARDED_BY(mu) = 0;  // values offered, NULLs included
  ValueSample sample ABSL_GUARDED_BY(mu);
};

// An anonymizer that gives every value back and counts the shapes of the
// first `limit` values of its column. Nothing of a value is kept.
class SampleAnonymizer : public Anonymizer {
 public:
  SampleAnonymizer(std::string column, ColumnSample* sample, int64_t limit) : sample_(sample), limit_(limit) {
    columns_.push_back(std::move(column));
  }
  void Anonymize(std::span<const Cell> in, Scratch&, std::span<Cell> out) const override {
    out[0] = in[0];
    MutexLock lock(&sample_->mu);
    if (sample_->seen >= limit_) return;
    ++sample_->seen;
    if (in[0].is_null) {
      sample_->sample.AddNull();
    } else {
      sample_->sample.Add(in[0].value);
    }
  }

 private:
  ColumnSample* sample_;
  int64_t limit_;
};

// The RunPlan for coverage, the dump order of the tables, and the samples.
// With sampling, every table with data is "configured": its rows go through
// the framers' rewriters, whose anonymizers are SampleAnonymizers on the
// columns to sample (and none on the others). Without it nothing is read:
// a configured table's column list is still checked against the config.
class CheckResolver : public TableResolver {
 public:
  CheckResolver(RunPlan& plan, bool sample_all) : plan_(plan), sample_all_(sample_all) {}
  // Rows sampled per table; 0: no data is read. Set before the dump is read.
  void SetSample(int64_t sample) { sample_ = sample; }
  int64_t sample() const { return sample_; }

  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    Order(table);
    const RowPlan* real = nullptr;
    if (plan_.IsConfigured(table)) {
      auto resolved = plan_.Resolve(table, columns);
      if (!resolved.ok()) return resolved.status();
      if (*resolved != nullptr && (*resolved)->truncate) return *resolved;  // the rows are dropped unread
      real = *resolved;
    }
    if (sample_ <= 0) {
      // A plain dump without sampling: the configured tables' rows are read
      // and rewritten (to /dev/null) as a run does, so that check refuses
      // what the run refuses there (a row with a wrong number of fields).
      if (read_configured_ && plan_.IsConfigured(table)) return plan_.Resolve(table, columns);
      return static_cast<const RowPlan*>(nullptr);
    }
    const RunPlan::TableCoverage coverage = plan_.CoverageOfTable(table);
    // A configured table's own anonymizers run too (into nothing), so that
    // check says what the run says of their values (a JSON path that
    // matches nothing); the uncovered columns get sampling steps beside them.
    const bool with_real = real != nullptr && !sample_all_;
    auto row = with_real ? std::make_unique<RowPlan>(*real) : std::make_unique<RowPlan>();
    row->table = table;
    row->num_columns = columns.size();
    row->column_names = columns;
    if (!with_real) row->configured.assign(columns.size(), false);
    for (size_t i = 0; i < columns.size(); ++i) {
      bool covered = coverage.keep || coverage.truncate;
      bool generated = false;
      for (const RunPlan::ColumnCoverage& c : coverage.columns) {
        if (c.name == columns[i] && c.cover != RunPlan::Cover::kUncovered) covered = true;
        // A generated column is never sampled: a configured table's plan
        // refuses any anonymizer on one, and its value is the server's.
        if (c.name == columns[i] && c.cover == RunPlan::Cover::kGenerated) generated = true;
      }
      if (generated || (covered && !sample_all_)) continue;
      std::unique_ptr<ColumnSample>& s = samples_[{RunPlan::KeyOf(table), columns[i]}];
      if (s == nullptr) s = std::make_unique<ColumnSample>();
      anonymizers_.push_back(std::make_unique<SampleAnonymizer>(columns[i], s.get(), sample_));
      row->steps.push_back(RowPlan::Step{anonymizers_.back().get(), {i}});
      row->configured[i] = true;
    }
    plans_.push_back(std::move(row));
    return plans_.back().get();
  }
  // false: only the tables the config reaches are read (and sampled), as a
  // run reads them.
  void SetSampleUnconfigured(bool all) { sample_unconfigured_ = all; }
  // Plain dumps: without sampling, the configured tables are still read as
  // a run reads them (their statements and rows checked as the run checks
  // them); archives are then checked from the TOC alone.
  void SetReadConfigured(bool read) { read_configured_ = read; }
  bool IsConfigured(const TableName& table) const override {
    if (sample_ > 0) return sample_unconfigured_ || plan_.IsConfigured(table);
    if (read_configured_) return plan_.IsConfigured(table);
    if (plan_.IsConfigured(table) && pending_.ok()) {
      // Only what Resolve checks: the config's columns against the dump's
      // data columns. Asked before the table's data (a framer checking that
      // the config fits a new CREATE TABLE), there is nothing to check yet.
      auto it = columns_.find(RunPlan::KeyOf(table));
      if (it != columns_.end()) {
        auto resolved = plan_.Resolve(table, it->second);
        if (!resolved.ok()) pending_ = resolved.status();
      }
    }
    return false;
  }
  void CountRows(const TableName& table, int64_t rows) override { plan_.CountRows(table, rows); }
  void SawTable(const TableName& table) override {
    Order(table);
    plan_.SawTable(table);
  }
  void NoteParent(const TableName& child, const TableName& parent) override { plan_.NoteParent(child, parent); }
  void NoteGenerated(const TableName& table, const std::string& column) override {
    plan_.NoteGenerated(table, column);
  }
  // The sampling plans mark the sampled columns: what the config names is
  // the run's coverage, so that check refuses a table without its CREATE
  // TABLE where, and only where, the run does (TableCatalog::Resolve).
  std::optional<bool> ConfigNames(const TableName& table, const std::string& column) override {
    const RunPlan::TableCoverage coverage = plan_.CoverageOfTable(table);
    if (coverage.keep || coverage.truncate) return true;
    for (const RunPlan::ColumnCoverage& c : coverage.columns) {
      if (c.name == column) return c.cover != RunPlan::Cover::kUncovered;
    }
    return false;
  }
  void NoteInvisible(const TableName& table, const std::string& column) override {
    plan_.NoteInvisible(table, column);
  }
  void NoteColumnType(const TableName& table, const std::string& column, TypeFamily family) override {
    families_[{RunPlan::KeyOf(table), column}] = family;
  }
  // The family the dump's DDL gives the column; nullopt without DDL.
  std::optional<TypeFamily> FamilyOf(const TableName& key, const std::string& column) const {
    auto it = families_.find({key, column});
    if (it == families_.end()) return std::nullopt;
    return it->second;
  }
  void NoteCreated(const TableName& table) override {
    Order(table);
    plan_.NoteCreated(table);
  }
  void NoteData(const TableName& table) override {
    Order(table);
    plan_.NoteData(table);
  }
  // Counted for the report; never refused (check's config is not strict).
  absl::Status NoteLargeObjects(int64_t created, int64_t opened, int64_t bytes) override {
    return plan_.NoteLargeObjects(created, opened, bytes);
  }
  absl::Status DataComplete() override { return plan_.DataComplete(); }
  absl::Status Finish() const override {
    if (!pending_.ok()) return pending_;
    return plan_.Finish();
  }
  void SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) override {
    Order(table);
    if (data && !columns.empty()) columns_[RunPlan::KeyOf(table)] = columns;
    plan_.SawColumns(table, columns, data);
  }
  // Uncovered columns are what check reports, not an error.
  absl::Status CheckCoverage() override { return absl::OkStatus(); }
  absl::Status SchemaComplete() override {
    if (!pending_.ok()) return pending_;
    return plan_.SchemaComplete();
  }

  // The dump order of `key`, or SIZE_MAX.
  size_t OrderOf(const TableName& key) const {
    auto it = order_.find(key);
    return it == order_.end() ? SIZE_MAX : it->second;
  }
  const ColumnSample* SampleOf(const TableName& key, const std::string& column) const {
    auto it = samples_.find({key, column});
    return it == samples_.end() ? nullptr : it->second.get();
  }

 private:
  void Order(const TableName& table) { order_.try_emplace(RunPlan::KeyOf(table), order_.size()); }

  RunPlan& plan_;
  int64_t sample_ = 0;
  bool sample_all_;
  bool sample_unconfigured_ = true;
  bool read_configured_ = false;
  mutable absl::Status pending_;
  std::map<TableName, size_t> order_;
  std::map<TableName, std::vector<std::string>> columns_;
  std::map<std::pair<TableName, std::string>, std::unique_ptr<ColumnSample>> samples_;
  std::map<std::pair<TableName, std::string>, TypeFamily> families_;  // NoteColumnType
  std::vector<std::unique_ptr<SampleAnonymizer>> anonymizers_;
  std::vector<std::unique_ptr<RowPlan>> plans_;
};

// Reads the dump through the road its format takes, writing to /dev/null (or
// a temporary folder for -Fd/-Ft, removed afterwards). Returns the format's
// name for the report.
absl::StatusOr<std::string> ReadDump(const CheckOptions& options, RunPlan& plan, CheckResolver& resolver,
                                     bool* archive_out, bool* schemaless) {
  std::vector<std::string> schema;
  if (!options.schema.empty()) {
    DBANON_ASSIGN_OR_RETURN(loaded, LoadSchemaStatements(options.schema));
    schema = std::move(loaded);
  }
  ArchiveOptions archive_options;
  if (!options.schema.empty()) archive_options.schema = &schema;
  archive_options.threads = options.threads;

  int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd < 0) return absl::UnavailableError("/dev/null: cannot open");
  struct CloseFd {
    int fd;
    ~CloseFd() { ::close(fd); }
  } close_null{null_fd};
  // -Fd and -Ft runs write a folder: a temporary one, removed at the end.
  std::string temp_root;
  struct RemoveTemp {
    std::string* path;
    ~RemoveTemp() {
      std::error_code ec;
      if (!path->empty()) std::filesystem::remove_all(*path, ec);
    }
  } remove_temp{&temp_root};
  auto make_temp = [&]() -> absl::Status {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/dbanon-check-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) return absl::UnavailableError(absl::StrCat(pattern, ": cannot create"));
    temp_root = pattern;
    return absl::OkStatus();
  };

  *archive_out = true;
  // Archives are sampled only when asked: their data is then decompressed.
  resolver.SetSample(options.sample.value_or(0));
  DBANON_ASSIGN_OR_RETURN(input, OpenInput(options.input, options.format));
  if (input.kind == InputKind::kDirectoryArchive) {  // pg_dump -Fd
    if (absl::Status st = make_temp(); !st.ok()) return st;
    if (absl::Status st = RunDirectoryArchive(options.input, temp_root + "/out", resolver, archive_options); !st.ok()) return st;
    return std::string("pg_dump directory archive (-Fd)");
  }
  InputFile& in = *input.file;
  const std::string compressed = input.compression.has_value() ? " (compressed)" : "";
  OutputFile out = OutputFile::ForDescriptor(null_fd);
  if (input.kind == InputKind::kTarArchive) {
    if (absl::Status st = make_temp(); !st.ok()) return st;
    if (absl::Status st = RunTarArchive(in, std::move(input.head), out, resolver, archive_options, temp_root); !st.ok()) return st;
    return absl::StrCat("pg_dump tar archive (-Ft)", compressed);
  }
  if (input.kind == InputKind::kCustomArchive) {
    if (absl::Status st = RunCustomArchive(in, std::move(input.head), out, resolver, archive_options); !st.ok()) return st;
    return absl::StrCat("pg_dump custom archive (-Fc)", compressed);
  }
  *archive_out = false;
  // A plain dump is read whole anyway: its first rows are sampled.
  resolver.SetSample(options.sample.value_or(kDefaultSample));
  resolver.SetReadConfigured(true);
  const std::optional<DumpFormat> format = input.format;
  *schemaless = *format != DumpFormat::kPostgres;
  // check prints the plan's warnings (RunCheck), not the framer's.
  auto read = RunPlainDump(input, out, plan, resolver, options.schema.empty() ? nullptr : &schema, options.threads);
  if (!read.ok()) return read.status();
  std::string name = *format == DumpFormat::kPostgres ? "PostgreSQL plain dump"
                     : *format == DumpFormat::kMySql  ? "MySQL/MariaDB dump"
                                                      : "SQLite dump";
  return absl::StrCat(name, compressed);
}

// What check knows of one column.
struct ColumnFacts {
  std::string name;
  RunPlan::Cover cover = RunPlan::Cover::kUncovered;
  std::string anonymizer;
  std::optional<PiiKind> name_hint;
  std::optional<ValueSample::Evidence> evidence;
  bool numeric = false;
  int64_t sampled = 0;  // values sampled, NULLs included
  std::optional<TypeFamily> family;  // from the dump's DDL; nullopt without it
  // A column that may hold free text or a JSON document: a text or JSON
  // type, or no DDL and values that are not all numbers. Personal data
  // there (a name in a note, an e-mail in a profile document) gives no hint
  // of shape, so --suggest never calls such a column safe.
  bool MayHoldFreeText() const {
    if (family.has_value()) return *family == TypeFamily::kText || *family == TypeFamily::kJson;
    return !(numeric && sampled > 0);
  }
  // The kind the evidence points to: the values' shape, unless the name
  // says a kind of name and the values are first names (last names are
  // often first names too).
  std::optional<PiiKind> Kind() const {
    if (evidence.has_value()) {
      if (name_hint.has_value() && evidence->kind == PiiKind::kFirstName &&
          (*name_hint == PiiKind::kLastName || *name_hint == PiiKind::kName || *name_hint == PiiKind::kUsername)) {
        return name_hint;
      }
      return evidence->kind;
    }
    return name_hint;
  }
  std::string HintText() const {
    std::vector<std::string> parts;
    if (name_hint.has_value()) parts.push_back(absl::StrCat("its name says ", PiiKindName(*name_hint)));
    if (evidence.has_value()) parts.push_back(evidence->text);
    return absl::StrJoin(parts, "; ");
  }
};

struct TableFacts {
  TableName name;  // the config key's table: no schema in a MySQL or SQLite dump without USE
  RunPlan::TableCoverage coverage;
  std::vector<ColumnFacts> columns;
};

std::string CoverText(const ColumnFacts& c, const RunPlan::TableCoverage& t) {
  switch (c.cover) {
    case RunPlan::Cover::kAnonymized: return absl::StrCat("anonymized (", c.anonymizer, ")");
    case RunPlan::Cover::kKept: return t.keep ? "kept (table keep = true)" : "kept (keep)";
    case RunPlan::Cover::kTruncated: return "truncated";
    case RunPlan::Cover::kGenerated: return "generated (computed on restore)";
    case RunPlan::Cover::kUncovered: break;
  }
  return "UNCOVERED";
}

std::string RowsText(const RunPlan::TableCoverage& t, bool archive) {
  if (t.rows_counted) return absl::StrCat(t.rows, t.rows == 1 ? " row" : " rows");
  if (!t.data) return "no data";
  return archive ? "rows not counted (archive data not read)" : "rows not counted";
}

std::string Report(const std::vector<TableFacts>& tables, const std::string& input, const std::string& format,
                   const std::string& config, int64_t sample, bool archive, const std::string& note,
                   const RunPlan::LargeObjects& large_objects) {
  std::string out = absl::StrCat("dbanon check: ", input, ": ", format, "; config: ", config, "; ",
                                 sample > 0 ? absl::StrCat("values of up to ", sample, " rows per table sampled")
                                            : std::string("no values sampled"),
                                 "\n");
  if (!note.empty()) absl::StrAppend(&out, "(", note, ")\n");
  size_t anonymized = 0, kept = 0, truncated = 0, uncovered_tables = 0, uncovered = 0, hinted = 0;
  for (const TableFacts& t : tables) {
    const std::string verdict = t.coverage.Verdict();
    size_t table_uncovered = 0;
    for (const ColumnFacts& c : t.columns) table_uncovered += c.cover == RunPlan::Cover::kUncovered ? 1 : 0;
    std::string v = verdict;
    if (table_uncovered > 0 && verdict != "uncovered") v = absl::StrCat(verdict, ", ", table_uncovered, " uncovered");
    absl::StrAppend(&out, "\n", t.coverage.display, ": ", RowsText(t.coverage, archive), ": ", v, "\n");
    anonymized += verdict == "anonymized" ? 1 : 0;
    kept += verdict == "kept" ? 1 : 0;
    truncated += verdict == "truncated" ? 1 : 0;
    uncovered_tables += table_uncovered > 0 || verdict == "uncovered" ? 1 : 0;
    if (!t.coverage.columns_known) {
      absl::StrAppend(&out, "  (columns unknown: the dump does not name them)\n");
      if (t.coverage.data && !t.coverage.keep && !t.coverage.truncate) ++uncovered;
      continue;
    }
    size_t width = 0;
    for (const ColumnFacts& c : t.columns) width = std::max(width, c.name.size());
    for (const ColumnFacts& c : t.columns) {
      std::string line = absl::StrCat("  ", c.name, std::string(width - c.name.size() + 2, ' '), CoverText(c, t.coverage));
      if (c.cover == RunPlan::Cover::kUncovered) {
        ++uncovered;
        if (c.Kind().has_value()) {
          ++hinted;
          absl::StrAppend(&line, "  PII? ", PiiKindName(*c.Kind()), ": ", c.HintText());
        }
      }
      absl::StrAppend(&out, line, "\n");
    }
  }
  // Large objects are no table's rows: said apart, and uncovered unless the config keeps them.
  if (std::string lo = large_objects.Describe(); !lo.empty()) absl::StrAppend(&out, "\n", lo, "\n");
  absl::StrAppend(&out, "\n", tables.size(), " tables: ", anonymized, " anonymized, ", kept, " kept, ", truncated,
                  " truncated, ", uncovered_tables, " with uncovered columns; ", uncovered, " columns uncovered, ",
                  hinted, " of them with a hint of personal data\n");
  return out;
}

bool BareKey(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

// A TOML basic string.
std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string TomlKey(std::string_view s) { return BareKey(s) ? std::string(s) : TomlString(s); }

// The config key of a table: `schema.table` (or `table` for schemaless
// dumps), or the SQL form with double quotes when a name holds a dot or a
// double quote (README, "Configuration").
std::string TableKey(const TableName& name) {
  auto plain = [](const std::string& s) { return s.find('.') == std::string::npos && s.find('"') == std::string::npos; };
  if (plain(name.schema) && plain(name.table)) {
    return TomlString(name.schema.empty() ? name.table : absl::StrCat(name.schema, ".", name.table));
  }
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q.push_back('"');
      q.push_back(c);
    }
    return q + "\"";
  };
  return TomlString(name.schema.empty() ? quote(name.table) : absl::StrCat(quote(name.schema), ".", quote(name.table)));
}

std::string Suggest(const std::vector<TableFacts>& tables, const std::string& input, int64_t sample, bool archive,
                    const RunPlan::LargeObjects& large_objects) {
  std::string out = absl::StrCat(
      "# A dbanon config suggested by `dbanon check --suggest` from ", input, ".\n",
      "# A starting point to review, not a verdict: the hints come from column names",
      sample > 0 ? absl::StrCat("\n# and from the values of up to ", sample, " rows per table") : std::string(), ".\n",
      archive && sample <= 0 ? "# The archive's data was not read (--sample N reads it for value hints).\n" : "",
      "# Every column is named: an anonymizer where a hint of personal data was found,\n"
      "# \"keep\" elsewhere, but a text or JSON column without a hint is left commented out\n"
      "# under a REVIEW line: the strict run refuses it until you decide. Check every \"keep\".\n"
      "# Set the salt with DBANON_SALT, --salt-file or salt_file = \"...\" (16 bytes or more).\n"
      "strict = true\n");
  if (large_objects.count > 0) {
    // Left for a human to decide: strict mode refuses them until the line is uncommented.
    absl::StrAppend(&out, "\n# REVIEW: ", large_objects.Describe(), ".\n",
                    "# dbanon cannot anonymize large objects; they may hold personal data (scans, exports).\n",
                    "# Uncomment once they are known to be safe, or dump without them (pg_dump --no-blobs):\n",
                    "# [large_objects]\n# action = \"keep\"\n");
  }
  for (const TableFacts& t : tables) {
    absl::StrAppend(&out, "\n[tables.", TableKey(t.name), "]\n");
    if (!t.coverage.columns_known) {
      // Commented out as a free-text column is: the strict run refuses the table until someone decides.
      absl::StrAppend(&out, "# REVIEW: the dump does not name this table's columns. Decide, then uncomment:\n"
                            "# keep = true\n");
      continue;
    }
    // The address parts of the table go to one address anonymizer.
    std::vector<std::pair<std::string, std::string>> address;  // option, column
    std::vector<std::string> address_evidence;
    for (const ColumnFacts& c : t.columns) {
      std::optional<PiiKind> kind = c.Kind();
      if (c.cover == RunPlan::Cover::kGenerated) {
        // Its value is computed on restore, from the columns above: an
        // anonymizer on it would be refused.
        absl::StrAppend(&out, "# generated column: computed on restore from the columns it reads\n", TomlKey(c.name),
                        " = \"keep\"\n");
        continue;
      }
      if (!kind.has_value() && c.MayHoldFreeText()) {
        // Not a decision dbanon can make: commented out, so that the strict
        // run refuses the column until someone decides (README).
        const std::string type = !c.family.has_value()             ? "type unknown"
                                 : *c.family == TypeFamily::kJson ? "a JSON type"
                                                                  : "a text type";
        absl::StrAppend(&out, "# REVIEW: free text / JSON may hold personal data (", type,
                        "; no hint from its name", c.sampled > 0 ? " or its sampled values" : "",
                        "). Decide (an anonymizer: json with paths, lorem, constant, null; or \"keep\" once known "
                        "safe), then uncomment:\n# ", TomlKey(c.name), " = \"keep\"\n");
        continue;
      }
      if (!kind.has_value()) {
        absl::StrAppend(&out, TomlKey(c.name), " = \"keep\"\n");
        continue;
      }
      Suggestion s = SuggestFor(*kind, c.numeric);
      if (!s.address_part.empty()) {
        std::string part = s.address_part;
        auto taken = [&](const std::string& p) {
          return std::any_of(address.begin(), address.end(), [&](const auto& a) { return a.first == p; });
        };
        if (part == "street_address" && taken(part)) part = "secondary_address";
        if (!taken(part)) {
          address.emplace_back(part, c.name);
          address_evidence.push_back(absl::StrCat(c.name, ": ", PiiKindName(*kind), " (", c.HintText(), ")"));
          continue;
        }
        s = Suggestion{"hash", "", ""};  // a second column of the same part
      }
      absl::StrAppend(&out, "# ", PiiKindName(*kind), ": ", c.HintText(), "\n");
      if (s.anonymizer == "iban-bic") {
        absl::StrAppend(&out, TomlKey(c.name), " = { anonymizer = \"iban-bic\", options = { iban = ", TomlString(c.name),
                        " } }\n");
      } else if (s.options.empty()) {
        absl::StrAppend(&out, TomlKey(c.name), " = ", TomlString(s.anonymizer), "\n");
      } else {
        absl::StrAppend(&out, TomlKey(c.name), " = { anonymizer = ", TomlString(s.anonymizer), ", options = ", s.options,
                        " }\n");
      }
    }
    if (!address.empty()) {
      std::string label = "address_parts";
      for (const ColumnFacts& c : t.columns) {
        if (c.name == label) label = "address_parts_";
      }
      for (const std::string& e : address_evidence) absl::StrAppend(&out, "# ", e, "\n");
      std::vector<std::string> options;
      for (const auto& [part, column] : address) options.push_back(absl::StrCat(part, " = ", TomlString(column)));
      absl::StrAppend(&out, label, " = { anonymizer = \"address\", options = { ", absl::StrJoin(options, ", "),
                      " } }\n");
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<CheckResult> RunCheck(const CheckOptions& options) {
  Config config;
  config.path = "(none)";
  if (options.config.has_value()) {
    auto loaded = LoadConfig(*options.config, options.connection);
    // A config file that cannot be read is the user's mistake (exit 2).
    if (!loaded.ok()) return WithExitClass(loaded.status(), ExitClass::kUsage);
    config = *std::move(loaded);
  }
  config.strict = false;  // uncovered columns are the report, not an error
  // Nothing is written: any salt builds the anonymizers (their options are
  // still checked).
  std::unique_ptr<RunPlan> plan;
  std::unique_ptr<CheckResolver> resolver;
  bool archive = false, schemaless = false;
  std::string format;
  std::string note;
  // First every table's rows are read for the samples. A statement that a
  // run refuses only in a configured table (an UPDATE, INSERT ... SELECT,
  // INSERT-mode data in an archive) then fails the read of a table that the
  // run would pass through: the dump is read again (a file, not standard
  // input), sampling only the configured tables, as a run reads them.
  for (bool sample_unconfigured : {true, false}) {
    DBANON_ASSIGN_OR_RETURN(made, RunPlan::Create(config, "dbanon check: nothing is written"));
    plan = std::move(made);
    plan->SetAllowMissing(options.allow_missing);
    resolver = std::make_unique<CheckResolver>(*plan, options.suggest);
    resolver->SetSampleUnconfigured(sample_unconfigured);
    auto read = ReadDump(options, *plan, *resolver, &archive, &schemaless);
    // Every row read: a configured JSON path that matched nothing, as the run says it.
    if (read.ok()) {
      if (absl::Status s = plan->DataComplete(); !s.ok()) return s;
    }
    if (read.ok()) {
      format = *std::move(read);
      break;
    }
    if (!sample_unconfigured || resolver->sample() <= 0 || options.input == "-" ||
        ExitClassOf(read.status()) != ExitClass::kInput) {
      return read.status();
    }
    // The position only: the message speaks of a configured table.
    std::string message(read.status().message());
    size_t end = 0;
    for (size_t i = 1; i + 1 < message.size() && end == 0; ++i) {
      if (message[i] == ':' && message[i + 1] == ' ' && message[i - 1] >= '0' && message[i - 1] <= '9') end = i;
    }
    note = absl::StrCat("values of unconfigured tables not sampled: at ", message.substr(0, end),
                        " the dump holds a statement that a run passes through unread in an unconfigured table");
  }

  std::vector<RunPlan::TableCoverage> coverage = plan->Coverage();
  std::stable_sort(coverage.begin(), coverage.end(), [&](const auto& a, const auto& b) {
    return resolver->OrderOf(a.name) < resolver->OrderOf(b.name);
  });
  std::vector<TableFacts> tables;
  CheckResult result;
  for (RunPlan::TableCoverage& t : coverage) {
    TableFacts facts;
    for (const RunPlan::ColumnCoverage& c : t.columns) {
      result.uncovered = result.uncovered || c.cover == RunPlan::Cover::kUncovered;
    }
    if (!t.columns_known && t.data && !t.keep && !t.truncate) result.uncovered = true;
    facts.name = schemaless && t.name.schema == "public" ? TableName{"", t.name.table} : t.name;
    facts.coverage = std::move(t);
    tables.push_back(std::move(facts));
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    for (const RunPlan::ColumnCoverage& c : tables[i].coverage.columns) {
      ColumnFacts f;
      f.name = c.name;
      f.cover = c.cover;
      f.anonymizer = c.anonymizer;
      f.name_hint = HintFromName(c.name);
      if (const ColumnSample* s = resolver->SampleOf(tables[i].coverage.name, c.name)) {
        MutexLock lock(&s->mu);  // the run is over; the lock is for the analysis
        f.evidence = s->sample.Strongest();
        f.numeric = s->sample.AllNumeric();
        f.sampled = s->seen;
      }
      f.family = resolver->FamilyOf(tables[i].coverage.name, c.name);
      tables[i].columns.push_back(std::move(f));
    }
  }
  const std::string input = options.input == "-" ? "<stdin>" : options.input;
  result.warnings = plan->Warnings();
  const RunPlan::LargeObjects large_objects = plan->LargeObjectCounts();
  if (large_objects.count > 0 && !large_objects.keep) result.uncovered = true;
  result.text = options.suggest ? Suggest(tables, input, resolver->sample(), archive, large_objects)
                                : Report(tables, input, format, config.path, resolver->sample(), archive, note,
                                         large_objects);
  return result;
}

}  // namespace dbanon
