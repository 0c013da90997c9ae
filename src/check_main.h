// The command line of `dbanon check` (src/check.h), called by main.cc with
// the arguments after "check" (argv[0] is "check").
//
// Prints the report (or the suggested config) on standard output and errors
// on standard error. Returns the exit code: 0 covered, 1 some column
// uncovered, and `exit_code_for` of an error (README, "Exit codes").
#ifndef DBANON_SRC_CHECK_MAIN_H_
#define DBANON_SRC_CHECK_MAIN_H_

#include "absl/status/status.h"

namespace dbanon {

int CheckMain(int argc, char** argv, int (*exit_code_for)(const absl::Status&));

}  // namespace dbanon

#endif  // DBANON_SRC_CHECK_MAIN_H_
