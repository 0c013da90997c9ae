// password: DbToolsBundle's password anonymizer (shared/docs/dbtoolsbundle.md,
// part 1): every non-NULL value becomes one hash of a known password, so
// that a developer can log in as any user of the anonymized copy.
//
// The hash is the format PHP's password_hash() writes and password_verify()
// (hence Symfony's and Laravel's hashers) accepts, which reads the costs from
// the hash itself: bcrypt "$2y$10$..." (PHP docs, password_hash;
// crypt_blowfish) from libxcrypt, with PHP's default cost, or
// "$argon2id$v=19$m=19456,t=2,p=1$..." from libargon2, with OWASP's minimum
// argon2id costs (Password Storage Cheat Sheet) rather than PHP's 64 MiB and
// 4 passes: the password is known anyway, and a cheaper hash makes both this
// run and every log-in on the copy faster. It is computed once, when the
// anonymizer is created, with a salt drawn from the keyed PRF: the same salt
// and options give the same hash.
#include <argon2.h>
#include <crypt.h>

#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"

namespace dbanon::internal {
namespace {

// PASSWORD_BCRYPT_DEFAULT_COST of PHP before 8.4 (ext/standard/password.c);
// argon2id as above; salt and hash lengths as PHP's.
constexpr unsigned long kBcryptCost = 10;
constexpr uint32_t kArgon2MemoryKiB = 19456;
constexpr uint32_t kArgon2TimeCost = 2;
constexpr uint32_t kArgon2Threads = 1;
constexpr size_t kArgon2SaltBytes = 16;
constexpr size_t kArgon2HashBytes = 32;
constexpr size_t kBcryptSaltBytes = 16;

class PasswordAnonymizer : public SingleColumnAnonymizer {
 public:
  PasswordAnonymizer(std::string target, std::string hash)
      : SingleColumnAnonymizer(std::move(target)), hash_(std::move(hash)) {}
  std::string_view AnonymizeValue(std::string_view, Scratch&) const override { return hash_; }

 private:
  std::string hash_;
};

absl::StatusOr<std::string> Bcrypt(const std::string& password, const Prf::Digest& salt) {
  // bcrypt reads a C string and its first 72 bytes only (as PHP's).
  if (password.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("option 'password' must not contain a NUL byte with bcrypt");
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2y$", kBcryptCost, reinterpret_cast<const char*>(salt.data()), kBcryptSaltBytes, setting,
                       sizeof(setting)) == nullptr) {
    return absl::InternalError("libxcrypt cannot make a bcrypt salt");
  }
  auto data = std::make_unique<crypt_data>();  // zeroed, as crypt_r wants; about 32 KiB: not on the stack
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  // On failure crypt_r returns NULL or a string starting with '*' (crypt(3)).
  if (hash == nullptr || hash[0] == '*') return absl::InternalError("libxcrypt cannot compute a bcrypt hash");
  return std::string(hash);
}

absl::StatusOr<std::string> Argon2(const std::string& password, const Prf::Digest& salt, argon2_type type) {
  size_t size = argon2_encodedlen(kArgon2TimeCost, kArgon2MemoryKiB, kArgon2Threads, kArgon2SaltBytes,
                                  kArgon2HashBytes, type);
  std::string encoded(size, '\0');
  int rc = argon2_hash(kArgon2TimeCost, kArgon2MemoryKiB, kArgon2Threads, password.data(), password.size(),
                       salt.data(), kArgon2SaltBytes, nullptr, kArgon2HashBytes, encoded.data(), encoded.size(), type,
                       ARGON2_VERSION_13);
  if (rc != ARGON2_OK) return absl::InternalError(absl::StrCat("libargon2: ", argon2_error_message(rc)));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

absl::StatusOr<std::unique_ptr<Anonymizer>> MakePassword(Options& o, const AnonymizerContext& ctx) {
  DBANON_ASSIGN_OR_RETURN(algorithm, o.GetString("algorithm", "auto"));
  DBANON_ASSIGN_OR_RETURN(password, o.GetString("password", "password"));
  Prf::Digest salt = ctx.prf->Mac("password/salt");
  absl::StatusOr<std::string> hash;
  // Symfony's names (PasswordHasherFactory): "auto" and "native" pick bcrypt
  // as PHP's PASSWORD_DEFAULT does; "sodium" is libsodium's argon2id.
  if (algorithm == "auto" || algorithm == "native" || algorithm == "bcrypt") {
    hash = Bcrypt(password, salt);
  } else if (algorithm == "argon2id" || algorithm == "sodium") {
    hash = Argon2(password, salt, Argon2_id);
  } else if (algorithm == "argon2i") {
    hash = Argon2(password, salt, Argon2_i);
  } else {
    return absl::InvalidArgumentError(
        "option 'algorithm' must be \"auto\", \"bcrypt\", \"argon2id\" or \"argon2i\"");
  }
  if (!hash.ok()) return hash.status();
  return std::make_unique<PasswordAnonymizer>(ctx.target, *std::move(hash));
}

}  // namespace

void AddPasswordAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"password",
                  "one hash of a known password, for every row, that PHP's password_verify() accepts",
                  {"algorithm (auto): \"auto\" or \"bcrypt\" ($2y$, cost 10), \"argon2id\" or \"argon2i\" "
                   "(19 MiB, 2 passes)",
                   "password (password): the password every user gets"},
                  MakePassword,
                  "{ algorithm = \"bcrypt\", password = \"password\" }"});
}

}  // namespace dbanon::internal
