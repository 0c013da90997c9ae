#include "src/flags.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"

namespace dbanon {
namespace {

constexpr unsigned kRun = static_cast<unsigned>(Command::kRun);
constexpr unsigned kCheck = static_cast<unsigned>(Command::kCheck);

constexpr FlagSpec kFlags[] = {
    {Flag::kConfig, "config", 'c', true, kRun | kCheck},
    {Flag::kConnection, "connection", '\0', true, kRun | kCheck},
    {Flag::kOutput, "output", 'o', true, kRun},
    {Flag::kThreads, "threads", 'j', true, kRun | kCheck},
    {Flag::kVerbose, "verbose", 'v', false, kRun},
    {Flag::kStrict, "strict", '\0', false, kRun},
    {Flag::kAllowMissing, "allow-missing", '\0', false, kRun | kCheck},
    {Flag::kFormat, "format", '\0', true, kRun | kCheck},
    {Flag::kCompress, "compress", '\0', true, kRun},
    {Flag::kSaltFile, "salt-file", '\0', true, kRun},
    {Flag::kSchema, "schema", '\0', true, kRun | kCheck},
    {Flag::kSample, "sample", '\0', true, kCheck},
    {Flag::kSuggest, "suggest", '\0', false, kCheck},
    {Flag::kHelp, "help", 'h', false, kRun | kCheck},
    {Flag::kQuiet, "quiet", 'q', false, kRun},
    {Flag::kProgress, "progress", '\0', false, kRun},
    {Flag::kReport, "report", '\0', true, kRun},
    {Flag::kVersion, "version", '\0', false, kRun},
};

// getopt_long's val of a flag without a short letter: above every char.
constexpr int kLongOnly = 256;

constexpr char kUsage[] =
    "usage: dbanon [-c CONFIG] [-o OUTPUT] [-j THREADS] [-v] [--strict] [--allow-missing] [INPUT]\n"
    "       dbanon list\n"
    "       dbanon check [-c CONFIG] [--sample N] [--suggest] [INPUT]   (dbanon check -h)\n"
    "\n"
    "Anonymizes a database dump without a database: reads the dump (INPUT, or\n"
    "standard input when absent or '-'), rewrites the columns configured in\n"
    "CONFIG, and writes the dump (OUTPUT, or standard output).\n"
    "\n"
    "  -c, --config FILE    configuration (default ./dbanon.toml): TOML, or DbToolsBundle\n"
    "                       YAML (.yaml/.yml: db_tools.config.yaml, Symfony's\n"
    "                       db_tools.yaml or an anonymization file)\n"
    "      --connection NAME  the DbToolsBundle connection whose anonymization is\n"
    "                       used (default: 'default', or the only one)\n"
    "  -o, --output FILE    write FILE atomically; nothing is left there on failure\n"
    "  -j, --threads N      worker threads (default: number of cores; 1: one thread does all)\n"
    "  -v, --verbose        print every table with its rows and whether it was anonymized,\n"
    "                       kept, truncated or uncovered, on standard error at the end\n"
    "      --strict         every column of every table must be covered (as strict = true)\n"
    "      --allow-missing  a configured table or column the dump lacks is a warning\n"
    "                       (partial dumps, pg_dump -t), not an error\n"
    "      --format FORMAT  pg, mysql or sqlite: the syntax of a plain dump (pg_dump,\n"
    "                       mysqldump/mariadb-dump, sqlite3 .dump); default: detected\n"
    "      --compress SPEC  none, gzip[:1-9], lz4[:1-12] or zstd[:1-19]: compresses a\n"
    "                       plain output (default: by the -o suffix .gz, .zst, .lz4);\n"
    "                       for a pg_dump -Fc/-Fd archive, its compression\n"
    "      --salt-file FILE the salt (at least 16 bytes; one final line break is\n"
    "                       dropped); overrides DBANON_SALT and the config\n"
    "      --schema FILE    a schema-only dump (pg_dump -s, any format) of the database\n"
    "                       of a data-only dump (pg_dump -a): its tables, columns and\n"
    "                       partitions\n"
    "  -h, --help           this help\n"
    "  -q, --quiet          print only errors (no warnings, no status line)\n"
    "      --progress       a plain progress line every 10 s (CI logs) instead of the\n"
    "                       terminal status line\n"
    "      --report FILE    write a JSON report (formats, bytes, seconds, rows and\n"
    "                       action per table, counts per column, a salt identifier)\n"
    "      --version        print the version and the libraries' versions\n"
    "\n"
    "  list                 every anonymizer with its options and defaults\n"
    "\n"
    "Environment: DBANON_SALT overrides the config's salt and salt_file. Without any\n"
    "salt a random one is used: outputs then differ from run to run.\n"
    "Exit codes: 0 success, 2 usage or config error, 3 malformed or unsupported\n"
    "input, 4 I/O error, 130/143 interrupted, 141 output pipe closed.\n";

constexpr char kCheckUsage[] =
    "usage: dbanon check [-c CONFIG] [--sample N] [--suggest] [--allow-missing] [INPUT]\n"
    "\n"
    "Reads a dump (INPUT, or standard input when absent or '-'), writes nothing, and\n"
    "prints every table (in dump order) with its rows and each column with its\n"
    "anonymizer, keep, or UNCOVERED with a hint of personal data from the column's\n"
    "name and the shapes of its values (never a value).\n"
    "\n"
    "  -c, --config FILE    the configuration to check (default: none, every column\n"
    "                       is uncovered)\n"
    "      --connection NAME  the DbToolsBundle connection of a YAML config\n"
    "      --sample N       rows per table whose values are sampled for hints (default:\n"
    "                       1000 for plain dumps; none for pg_dump archives, whose data\n"
    "                       is then not read: N > 0 reads it and counts its rows)\n"
    "      --suggest        print a strict TOML config instead: an anonymizer for each\n"
    "                       column with a hint, \"keep\" for the others, with the evidence\n"
    "                       in comments (a starting point to review)\n"
    "      --allow-missing  a configured table or column the dump lacks is a warning\n"
    "      --format FORMAT  pg, mysql or sqlite (default: detected)\n"
    "      --schema FILE    a schema-only dump of a data-only dump's database\n"
    "  -j, --threads N      worker threads (default 1)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit codes: 0 every column covered (and --suggest printed), 1 some column\n"
    "uncovered, 2 usage or config error, 3 malformed or unsupported input, 4 I/O error.\n";

}  // namespace

std::span<const FlagSpec> AllFlags() { return kFlags; }

std::vector<FlagSpec> FlagsOf(Command command) {
  std::vector<FlagSpec> flags;
  for (const FlagSpec& f : kFlags) {
    if ((f.commands & static_cast<unsigned>(command)) != 0) flags.push_back(f);
  }
  return flags;
}

std::string_view UsageText(Command command) { return command == Command::kCheck ? kCheckUsage : kUsage; }

FlagReader::FlagReader(int argc, char** argv, Command command) : argc_(argc), argv_(argv) {
  for (const FlagSpec& f : FlagsOf(command)) {
    const int val = f.short_name != '\0' ? f.short_name : kLongOnly + static_cast<int>(f.flag);
    long_.push_back(option{f.long_name, f.takes_value ? required_argument : no_argument, nullptr, val});
    if (f.short_name != '\0') {
      short_.push_back(f.short_name);
      if (f.takes_value) short_.push_back(':');
    }
  }
  long_.push_back(option{nullptr, 0, nullptr, 0});
  opterr = 0;  // the caller says what is wrong
  optind = 1;
}

Flag FlagReader::Next() {
  const int val = getopt_long(argc_, argv_, short_.c_str(), long_.data(), nullptr);
  value_ = optarg;
  if (val == -1) return Flag::kEnd;
  if (val >= kLongOnly) return static_cast<Flag>(val - kLongOnly);
  for (const FlagSpec& f : kFlags) {
    if (f.short_name == val) return f.flag;
  }
  return Flag::kUnknown;  // '?': unknown, or without its value
}

const char* FlagReader::bad_flag() const { return argv_[optind - 1]; }

int FlagReader::first_argument() const { return optind; }

absl::StatusOr<int> ParseThreadsFlag(const char* value) {
  int threads = 0;
  if (!absl::SimpleAtoi(value, &threads) || threads < 1 || threads > 256) {
    return absl::InvalidArgumentError("dbanon: -j takes a number of threads from 1 to 256");
  }
  return threads;
}

absl::StatusOr<DumpFormat> ParseFormatFlag(const char* value) {
  std::optional<DumpFormat> format = ParseDumpFormat(value);
  if (!format.has_value()) return absl::InvalidArgumentError("dbanon: --format takes pg, mysql or sqlite");
  return *format;
}

}  // namespace dbanon
