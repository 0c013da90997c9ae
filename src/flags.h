// The flags of dbanon's commands, `dbanon` (a run, src/main.cc) and `dbanon
// check` (src/check_main.cc), described once: one table names every flag
// with its short letter, whether it takes a value, and the commands that
// take it, so a flag both commands take is one row, and getopt_long's tables
// are built from it. The --help texts live here too; tests/src/flags_test.cc
// checks that every flag of the table is in its command's --help, in the
// manual page docs/dbanon.1 and in the bash completion
// docs/dbanon.bash-completion.
//
// The values both commands parse the same way (-j, --format) are parsed
// here, with the same usage messages.
//
// Thread-safety: FlagReader uses getopt_long's globals (optind, optarg):
// one reader at a time, on the main thread.
#ifndef DBANON_SRC_FLAGS_H_
#define DBANON_SRC_FLAGS_H_

#include <span>
#include <string_view>
#include <vector>

#include <getopt.h>

#include "absl/status/statusor.h"
#include "parsers/dump_format.h"

namespace dbanon {

enum class Command : unsigned { kRun = 1, kCheck = 2 };

enum class Flag {
  kConfig,
  kConnection,
  kOutput,
  kThreads,
  kVerbose,
  kQuiet,
  kProgress,
  kReport,
  kStrict,
  kAllowMissing,
  kFormat,
  kCompress,
  kSaltFile,
  kSchema,
  kSample,
  kSuggest,
  kHelp,
  kVersion,
  // FlagReader::Next only:
  kEnd,      // no flag left: the arguments start at FlagReader::first_argument()
  kUnknown,  // an unknown flag, or one without its value: FlagReader::bad_flag()
};

struct FlagSpec {
  Flag flag;
  const char* long_name;  // without "--"
  char short_name;        // '\0': none
  bool takes_value;
  unsigned commands;      // bits of Command
};

// Every flag, in --help's order.
std::span<const FlagSpec> AllFlags();
// The flags `command` takes.
std::vector<FlagSpec> FlagsOf(Command command);
// `command`'s --help text (README, "Usage" and "Checking coverage").
std::string_view UsageText(Command command);

// Walks argv with getopt_long over `command`'s flags. Flags and arguments
// may mix; "--" ends the flags.
class FlagReader {
 public:
  // argv[0] is the program (or "check"). Resets getopt's state.
  FlagReader(int argc, char** argv, Command command);
  Flag Next();
  // The value of the flag Next returned (REQUIRES: it takes one).
  const char* value() const { return value_; }
  // After kUnknown: the argument as written ("--bogus", "-j").
  const char* bad_flag() const;
  // After kEnd: the index in argv of the first argument.
  int first_argument() const;

 private:
  int argc_;
  char** argv_;
  std::vector<option> long_;
  std::string short_;
  std::vector<Flag> by_val_;  // getopt's val -> Flag
  const char* value_ = nullptr;
};

// -j N: 1 to 256. InvalidArgument "dbanon: -j takes ..." otherwise.
absl::StatusOr<int> ParseThreadsFlag(const char* value);
// --format: pg, mysql or sqlite. InvalidArgument "dbanon: --format takes ..." otherwise.
absl::StatusOr<DumpFormat> ParseFormatFlag(const char* value);

}  // namespace dbanon

#endif  // DBANON_SRC_FLAGS_H_
