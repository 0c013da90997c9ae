// `dbanon check`: the command line of src/check.h. Its own file so that
// main.cc only dispatches to it.
#include "src/check_main.h"

#include <getopt.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "src/check.h"

namespace dbanon {
namespace {

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

int CheckMain(int argc, char** argv, int (*exit_code_for)(const absl::Status&)) {
  CheckOptions options;
  enum { kConnection = 1000, kFormat, kSchema, kAllowMissing, kSample, kSuggest };
  static const struct option kLong[] = {
      {"config", required_argument, nullptr, 'c'},
      {"threads", required_argument, nullptr, 'j'},
      {"help", no_argument, nullptr, 'h'},
      {"connection", required_argument, nullptr, kConnection},
      {"format", required_argument, nullptr, kFormat},
      {"schema", required_argument, nullptr, kSchema},
      {"allow-missing", no_argument, nullptr, kAllowMissing},
      {"sample", required_argument, nullptr, kSample},
      {"suggest", no_argument, nullptr, kSuggest},
      {nullptr, 0, nullptr, 0},
  };
  opterr = 0;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "c:j:h", kLong, nullptr)) != -1) {
    switch (opt) {
      case 'c': options.config = optarg; break;
      case 'j':
        if (!absl::SimpleAtoi(optarg, &options.threads) || options.threads < 1 || options.threads > 256) {
          std::cerr << "dbanon: -j takes a number of threads from 1 to 256\n";
          return 2;
        }
        break;
      case 'h': std::cout << kCheckUsage; return 0;
      case kConnection: options.connection = optarg; break;
      case kFormat:
        options.format = ParseDumpFormat(optarg);
        if (!options.format.has_value()) {
          std::cerr << "dbanon: --format takes pg, mysql or sqlite\n";
          return 2;
        }
        break;
      case kSchema: options.schema = optarg; break;
      case kAllowMissing: options.allow_missing = true; break;
      case kSample: {
        int64_t n = 0;
        if (!absl::SimpleAtoi(optarg, &n) || n < 0) {
          std::cerr << "dbanon: --sample takes a number of rows (0 or more)\n";
          return 2;
        }
        options.sample = n;
        break;
      }
      case kSuggest: options.suggest = true; break;
      default:
        std::cerr << "dbanon: check: unknown or incomplete option '" << argv[optind - 1] << "'\n" << kCheckUsage;
        return 2;
    }
  }
  std::vector<std::string> args(argv + optind, argv + argc);
  if (args.size() > 1) {
    std::cerr << "dbanon: check: more than one input given\n" << kCheckUsage;
    return 2;
  }
  options.input = args.empty() ? "-" : args[0];
  if (options.input == "-" && ::isatty(STDIN_FILENO)) {
    std::cerr << "dbanon: standard input is a terminal: give the dump as INPUT or pipe it in\n" << kCheckUsage;
    return 2;
  }
  auto result = RunCheck(options);
  if (!result.ok()) {
    std::cerr << result.status().message() << "\n";
    return exit_code_for(result.status());
  }
  for (const std::string& w : result->warnings) std::cerr << w << "\n";
  std::cout << result->text << std::flush;
  if (options.suggest) return 0;
  return result->uncovered ? 1 : 0;
}

}  // namespace dbanon
