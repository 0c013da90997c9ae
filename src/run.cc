#include "src/run.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/status_macros.h"
#include "base/string_view_compat.h"
#include "parsers/pg_archive.h"
#include "src/archive_job.h"
#include "src/compressed_io.h"
#include "src/config.h"
#include "src/pipeline.h"
#include "src/report.h"
#include "src/run_stats.h"
#include "src/schema.h"
#include "src/tar_archive.h"

namespace dbanon {
namespace {

// A tar header block: enough to tell every kind of input apart.
constexpr size_t kSniffBytes = 512;

std::string RandomSalt() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return std::string(reinterpret_cast<char*>(bytes), sizeof(bytes));
}

// Reads until `head` holds `bytes` or the input ends; each read asks for
// `step` bytes, or (step 0) for exactly what is missing.
absl::Status ReadUpTo(InputFile& in, std::string* head, size_t bytes, size_t step) {
  while (head->size() < bytes) {
    DBANON_ASSIGN_OR_RETURN(n, in.Read(head, step != 0 ? step : bytes - head->size()));
    if (n == 0) break;
  }
  return absl::OkStatus();
}

// The folder for the members of a -Ft archive: beside the output, else
// TMPDIR, else /tmp.
std::string TarScratchDir(const std::string& output) {
  if (output != "-") {
    size_t slash = output.rfind('/');
    return slash == std::string::npos ? "." : (slash == 0 ? "/" : output.substr(0, slash));
  }
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') return tmp;
  return "/tmp";
}

// ", gzip" after a format's name in the report; "" for none.
std::string FormatSuffix(const std::optional<Algorithm>& a) {
  return a.has_value() ? absl::StrCat(", ", ToAbsl(AlgorithmName(*a))) : std::string();
}

}  // namespace

absl::StatusOr<PreparedRun> PrepareRun(const RunFlags& flags, std::vector<std::string>* warnings) {
  auto config = LoadConfig(flags.config_path, flags.connection);
  // A config file that cannot be read is the user's mistake, not an I/O failure.
  if (!config.ok()) return WithExitClass(config.status(), ExitClass::kUsage);
  DBANON_ASSIGN_OR_RETURN(configured_salt, ResolveSalt(*config, flags.salt_file, flags.salt_env));
  PreparedRun run;
  std::string salt;
  if (configured_salt.has_value()) {
    salt = *std::move(configured_salt);
    run.salt_configured = true;
  } else {
    salt = RandomSalt();  // consistent within this run only, as DbToolsBundle
    bool rewrites = false;  // a config without column rules (only truncate, or nothing) needs no salt
    for (const TableConfig& t : config->tables) rewrites = rewrites || !t.rules.empty();
    if (rewrites) {
      warnings->push_back(absl::StrCat(
          "dbanon: warning: no salt (--salt-file, DBANON_SALT, salt_file or salt in ", config->path,
          "): a random salt is used for this run only, so a value maps to different outputs in separate "
          "runs (no joins across separately anonymized dumps, no repeatable output)"));
    }
  }
  if (absl::Status st = CheckConfiguresSomething(*config); !st.ok()) return st;
  DBANON_ASSIGN_OR_RETURN(plan, RunPlan::Create(*config, salt));
  run.plan = std::move(plan);
  run.plan->SetAllowMissing(flags.allow_missing);
  run.plan->SetStrict(flags.strict);
  if (!flags.schema_path.empty()) {
    DBANON_ASSIGN_OR_RETURN(schema, LoadSchemaStatements(flags.schema_path));
    run.schema = std::move(schema);
  }
  ResetByteCounts();  // bytes_in counts the input, not the --schema file
  run.salt_id = SaltIdentifier(salt);
  return run;
}

namespace {

// `<?xml` at the start, after an optional UTF-8 byte-order mark and spaces.
bool LooksLikeXml(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && (head[0] == ' ' || head[0] == '\n' || head[0] == '\r' || head[0] == '\t')) {
    head.remove_prefix(1);
  }
  return head.substr(0, 5) == "<?xml";
}

}  // namespace

absl::StatusOr<OpenedInput> OpenInput(const std::string& path, std::optional<DumpFormat> format) {
  OpenedInput input;
  if (IsDirectoryPath(path)) {  // pg_dump -Fd
    input.kind = InputKind::kDirectoryArchive;
    return input;
  }
  DBANON_ASSIGN_OR_RETURN(in, InputFile::Open(path));
  std::string head;
  if (absl::Status st = ReadUpTo(in, &head, kSniffBytes, 1 << 16); !st.ok()) return st;
  if (std::optional<Algorithm> a = DetectCompressedStream(head)) {  // .sql.gz, .sql.zst, ...
    input.compression = a;
    in = DecompressingInput(std::move(in), std::move(head), *a);
    head.clear();
    if (absl::Status st = ReadUpTo(in, &head, kSniffBytes, 1 << 16); !st.ok()) return st;
  }
  if (head.empty()) {
    // A failed `pg_dump | dbanon` gives an empty input: not a valid dump.
    return absl::DataLossError(
        absl::StrCat(in.name(), ":1:1: the input is empty (did the command that wrote the dump fail?)"));
  }
  if (LooksLikeXml(head)) {
    // mariadb-dump --xml (and mysqldump --xml): rows as XML elements, which
    // no SQL client restores; refused as such rather than as an unknown
    // SQL command.
    return absl::UnimplementedError(absl::StrCat(
        in.name(), ":1:1: an XML dump (mariadb-dump --xml) is not supported: dump without --xml"));
  }
  if (LooksLikeArchive(head)) {  // pg_dump -Fc
    input.kind = InputKind::kCustomArchive;
  } else if (DetectCompressedStream(head)) {
    // Passing through what was not parsed would leak the data.
    return absl::UnimplementedError(absl::StrCat(in.name(), ": the input is compressed twice"));
  } else if (LooksLikeTar(head)) {  // pg_dump -Ft
    input.kind = InputKind::kTarArchive;
  } else {
    input.kind = InputKind::kPlain;
    // The guess reads a fixed prefix, never "what the first read returned".
    // It is made under --format too: a PostgreSQL dump without any marker
    // may come from another tool (PgOrigin).
    if (absl::Status st = ReadUpTo(in, &head, kDetectBytes, 0); !st.ok()) return st;
    const std::optional<DumpFormat> detected = DetectDumpFormat(head);
    if (!format.has_value()) {
      input.format_guessed = !detected.has_value();
      format = detected.value_or(DumpFormat::kPostgres);
    }
    if (detected != DumpFormat::kPostgres) input.pg_origin = PgOrigin::kUnknown;
    input.format = format;
  }
  input.file = std::move(in);
  input.head = std::move(head);
  return input;
}

absl::StatusOr<std::vector<std::string>> RunPlainDump(OpenedInput& input, OutputFile& out, RunPlan& plan,
                                                      TableResolver& resolver, const std::vector<std::string>* schema,
                                                      int threads) {
  const DumpFormat format = *input.format;
  if (schema != nullptr && format != DumpFormat::kPostgres) {
    return absl::InvalidArgumentError("dbanon: --schema is for PostgreSQL dumps");
  }
  plan.SetSchemaless(format != DumpFormat::kPostgres);
  plan.SetPgLinks(format == DumpFormat::kPostgres);
  plan.SetUnqualifiedFallback(format == DumpFormat::kMySql);
  if (format == DumpFormat::kSqlite) {
    if (absl::Status s = plan.SetFoldedNames(); !s.ok()) return s;
  } else if (format == DumpFormat::kMySql) {
    if (absl::Status s = plan.SetFoldedColumns(); !s.ok()) return s;
  }
  std::unique_ptr<Framer> framer =
      MakeFramer(format, &resolver, schema != nullptr ? *schema : std::vector<std::string>(), input.pg_origin);
  PipelineOptions options;
  options.threads = threads;
  InputFile& in = *input.file;
  if (absl::Status s = RunPipeline(in, std::move(input.head), out, *framer, options); !s.ok()) {
    if (!input.format_guessed) return s;
    // The dialect was a guess: say so, and how to name it.
    return WithMessage(s, absl::StrCat(s.message(), " (no line of the dump says which tool wrote it, so it was read as "
                                                    "PostgreSQL: pass --format mysql or --format sqlite if it is not)"));
  }
  if (absl::Status s = resolver.Finish(); !s.ok()) return s;
  if (absl::Status s = resolver.SchemaComplete(); !s.ok()) return s;
  std::vector<std::string> warnings;
  for (const std::string& w : framer->TakeWarnings()) warnings.push_back(absl::StrCat(in.name(), ":", w));
  return warnings;
}

absl::StatusOr<RunOutcome> RunDump(const RunFlags& flags, PreparedRun& run) {
  RunPlan& plan = *run.plan;
  ArchiveOptions archive_options;
  if (!flags.schema_path.empty()) archive_options.schema = &run.schema;
  archive_options.threads = flags.threads;
  archive_options.compress = flags.compress;
  RunOutcome outcome;
  DBANON_ASSIGN_OR_RETURN(input, OpenInput(flags.input, flags.format));
  if (input.kind == InputKind::kDirectoryArchive) {
    if (flags.output == "-") {
      return absl::InvalidArgumentError(
          absl::StrCat("dbanon: ", flags.input, ": a directory archive needs -o OUTPUT_FOLDER"));
    }
    if (absl::Status st = RunDirectoryArchive(flags.input, flags.output, plan, archive_options); !st.ok()) return st;
    outcome.input_format = "pg_dump -Fd";
    outcome.output_format = "pg_dump -Fd";
    outcome.warnings = plan.Warnings();
    return outcome;
  }
  InputFile& in = *input.file;

  DBANON_ASSIGN_OR_RETURN(out, OutputFile::Open(flags.output));
  // The whole output is compressed by --compress (plain dumps) or by the -o
  // suffix; an archive's own compression is --compress.
  std::optional<CompressionSpec> outer;
  if (input.kind != InputKind::kCustomArchive && flags.compress.has_value()) {
    if (flags.compress->algorithm != Algorithm::kNone) outer = flags.compress;
  } else if (std::optional<Algorithm> a = CompressionForPath(flags.output)) {
    outer = CompressionSpec{*a, CompressionSpec::kDefaultLevel};
  }
  if (outer.has_value()) out = CompressingOutput(std::move(out), *outer, flags.threads);
  const std::string in_suffix = FormatSuffix(input.compression);
  const std::string out_suffix = outer.has_value() ? FormatSuffix(outer->algorithm) : std::string();

  std::vector<std::string> framer_warnings;
  absl::Status s;
  switch (input.kind) {
    case InputKind::kTarArchive:
      outcome.input_format = "pg_dump -Ft";
      outcome.output_format = "pg_dump -Ft";
      SetFolderBytesCounted(false);  // the members unpacked beside the output are not the input
      s = RunTarArchive(in, std::move(input.head), out, plan, archive_options, TarScratchDir(flags.output));
      break;
    case InputKind::kCustomArchive:
      outcome.input_format = absl::StrCat("pg_dump -Fc", in_suffix);
      outcome.output_format = absl::StrCat("pg_dump -Fc", out_suffix);
      s = RunCustomArchive(in, std::move(input.head), out, plan, archive_options);
      break;
    case InputKind::kPlain:
    case InputKind::kDirectoryArchive: {
      const std::string plain = absl::StrCat(ToAbsl(DumpFormatName(*input.format)), " plain");
      outcome.input_format = absl::StrCat(plain, in_suffix);
      outcome.output_format = absl::StrCat(plain, out_suffix);
      auto warnings = RunPlainDump(input, out, plan, plan, flags.schema_path.empty() ? nullptr : &run.schema,
                                   flags.threads);
      s = warnings.status();
      if (s.ok()) framer_warnings = *std::move(warnings);
      break;
    }
  }
  // Every row rewritten: a configured JSON path that matched nothing is a config error.
  if (s.ok()) s = plan.DataComplete();
  if (s.ok()) s = out.Commit();
  if (!s.ok()) {
    out.Abort();
    return s;
  }
  outcome.warnings = std::move(framer_warnings);
  for (std::string& w : plan.Warnings()) outcome.warnings.push_back(std::move(w));
  return outcome;
}

}  // namespace dbanon
