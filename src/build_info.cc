#include "src/build_info.h"

#include <crypt.h>
#include <lz4.h>
#include <openssl/crypto.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <toml++/impl/version.h>  // TOML_LIB_MAJOR/MINOR/PATCH only

#include "absl/base/config.h"
#include "absl/strings/str_cat.h"

namespace dbanon {

std::string VersionText() {
  const unsigned xxh = XXH_versionNumber();  // major * 10000 + minor * 100 + release
  std::string out = absl::StrCat("dbanon ", DBANON_VERSION, "\n");
  absl::StrAppend(&out, "  RE2 ", DBANON_RE2_VERSION, "\n");
  absl::StrAppend(&out, "  Abseil ", ABSL_LTS_RELEASE_VERSION, ".", ABSL_LTS_RELEASE_PATCH_LEVEL, "\n");
  absl::StrAppend(&out, "  OpenSSL ", OpenSSL_version(OPENSSL_VERSION_STRING), "\n");
  absl::StrAppend(&out, "  zlib ", zlibVersion(), "\n");
  absl::StrAppend(&out, "  ISA-L ", DBANON_ISAL_VERSION, "\n");
  absl::StrAppend(&out, "  zstd ", ZSTD_versionString(), "\n");
  absl::StrAppend(&out, "  lz4 ", LZ4_versionString(), "\n");
  absl::StrAppend(&out, "  xxHash ", xxh / 10000, ".", xxh / 100 % 100, ".", xxh % 100, "\n");
  absl::StrAppend(&out, "  toml++ ", TOML_LIB_MAJOR, ".", TOML_LIB_MINOR, ".", TOML_LIB_PATCH, "\n");
  absl::StrAppend(&out, "  yaml-cpp ", DBANON_YAML_CPP_VERSION, "\n");
  absl::StrAppend(&out, "  libxcrypt ", XCRYPT_VERSION_STR, "\n");
  absl::StrAppend(&out, "  Argon2 ", DBANON_ARGON2_VERSION, "\n");
  return out;
}

}  // namespace dbanon
