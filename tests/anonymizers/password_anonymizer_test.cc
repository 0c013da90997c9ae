#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Contains;
using testing::Make;
using testing::MakeError;
using testing::RunText;
using testing::Str;

struct Verdict {
  std::string password;
  std::string hash;
  bool accepted;
};

// PHP's own verdicts, from one php process (its start-up dominates). Hashes
// hold only [$./=,+A-Za-z0-9] and the passwords here are plain words, so
// single quotes are enough for the shell.
bool PhpAgrees(const std::vector<Verdict>& verdicts) {
  std::string command =
      "php -r 'for ($i = 1; $i + 2 < $argc; $i += 3) { if (password_verify($argv[$i], $argv[$i + 1]) !== "
      "($argv[$i + 2] === \"1\")) exit(1); } exit(0);' --";
  for (const Verdict& v : verdicts) {
    command += " '" + v.password + "' '" + v.hash + "' " + (v.accepted ? "1" : "0");
  }
  command += " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

TEST_CASE("password writes one hash for every row, that PHP's password_verify accepts") {
  auto a = Make("password");
  std::string bcrypt = RunText(*a, "old hash 1");
  CHECK(std::regex_match(bcrypt, std::regex("^\\$2y\\$10\\$[./A-Za-z0-9]{53}$")));
  CHECK(RunText(*a, "another old hash") == bcrypt);
  CHECK(testing::RunIsNull(*a));
  // Computed with a salt drawn from the keyed PRF: repeatable under one salt only.
  CHECK(RunText(*Make("password"), "x") == bcrypt);
  CHECK(RunText(*Make("password", {}, "other salt"), "x") != bcrypt);

  std::string custom = RunText(*Make("password", {{"algorithm", Str("bcrypt")}, {"password", Str("dev")}}), "x");
  std::string argon2id =
      RunText(*Make("password", {{"algorithm", Str("argon2id")}, {"password", Str("s3cr3t")}}), "x");
  CHECK(std::regex_match(
      argon2id, std::regex("^\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$")));

  if (std::system("command -v php >/dev/null 2>&1") != 0) {
    MESSAGE("php not found: password_verify check skipped (install php-cli)");
    return;
  }
  CHECK(PhpAgrees({{"password", bcrypt, true},
                   {"Password", bcrypt, false},
                   {"dev", custom, true},
                   {"s3cr3t", argon2id, true},
                   {"password", argon2id, false}}));
}

TEST_CASE("password option errors name the option") {
  CHECK(Contains(MakeError("password", {{"algorithm", Str("md5")}}), "'algorithm'"));
  CHECK(Contains(MakeError("password", {{"password", testing::Int(1)}}), "'password'"));
  CHECK(Contains(MakeError("password", {{"password", Str(std::string("a\0b", 3))}}), "'password'"));
}

}  // namespace
}  // namespace dbanon
