// What `dbanon --version` prints: dbanon's version and the versions of the
// libraries it was built with (compile-time macros where a library has them,
// run-time calls where it has those, else the version meson found through
// pkg-config or, for RE2, whose pkg-config file says 0.0.0 on Debian 12,
// dpkg).
//
// Thread-safety: a pure function.
#ifndef DBANON_SRC_BUILD_INFO_H_
#define DBANON_SRC_BUILD_INFO_H_

#include <string>

namespace dbanon {

// "dbanon 0.1.0\n" then one line per library: "  RE2 20220601\n", ...
std::string VersionText();

}  // namespace dbanon

#endif  // DBANON_SRC_BUILD_INFO_H_
