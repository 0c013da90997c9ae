// `dbanon check`: the command line of src/check.h. Its own file so that
// main.cc only dispatches to it.
#include "src/check_main.h"

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "src/check.h"
#include "src/flags.h"

namespace dbanon {
namespace {

const std::string_view kCheckUsage = UsageText(Command::kCheck);

}  // namespace

int CheckMain(int argc, char** argv, int (*exit_code_for)(const absl::Status&)) {
  CheckOptions options;
  FlagReader reader(argc, argv, Command::kCheck);
  for (Flag flag = reader.Next(); flag != Flag::kEnd; flag = reader.Next()) {
    const char* value = reader.value();
    switch (flag) {
      case Flag::kConfig: options.config = value; break;
      case Flag::kConnection: options.connection = value; break;
      case Flag::kThreads: {
        auto threads = ParseThreadsFlag(value);
        if (!threads.ok()) {
          std::cerr << threads.status().message() << "\n";
          return 2;
        }
        options.threads = *threads;
        break;
      }
      case Flag::kHelp: std::cout << kCheckUsage; return 0;
      case Flag::kFormat: {
        auto format = ParseFormatFlag(value);
        if (!format.ok()) {
          std::cerr << format.status().message() << "\n";
          return 2;
        }
        options.format = *format;
        break;
      }
      case Flag::kSchema: options.schema = value; break;
      case Flag::kAllowMissing: options.allow_missing = true; break;
      case Flag::kSample: {
        int64_t n = 0;
        if (!absl::SimpleAtoi(value, &n) || n < 0) {
          std::cerr << "dbanon: --sample takes a number of rows (0 or more)\n";
          return 2;
        }
        options.sample = n;
        break;
      }
      case Flag::kSuggest: options.suggest = true; break;
      default:  // kUnknown; the run's flags are not returned for check
        std::cerr << "dbanon: check: unknown or incomplete option '" << reader.bad_flag() << "'\n" << kCheckUsage;
        return 2;
    }
  }
  std::vector<std::string> args(argv + reader.first_argument(), argv + argc);
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
