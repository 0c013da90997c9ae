#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <set>
#include <string>

#include "tests/anonymizers/anonymizer_test_util.h"

namespace dbanon {
namespace {

using testing::Int;
using testing::Make;
using testing::MakeError;
using testing::RunIsNull;
using testing::Run;

// Parses with the C library (independent of the implementation): family 4
// or 6, or 0 when the text is not an address. "/N" is split off first.
int Parse(const std::string& text, std::array<uint8_t, 16>* bytes, int* prefix) {
  std::string addr = text;
  *prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    *prefix = std::stoi(text.substr(slash + 1));
  }
  bytes->fill(0);
  if (inet_pton(AF_INET, addr.c_str(), bytes->data()) == 1) return 4;
  if (inet_pton(AF_INET6, addr.c_str(), bytes->data()) == 1) return 6;
  return 0;
}

bool SameBits(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int from, int to) {
  for (int i = from; i < to; ++i) {
    if (((a[i / 8] >> (7 - i % 8)) & 1) != ((b[i / 8] >> (7 - i % 8)) & 1)) return false;
  }
  return true;
}

TEST_CASE("ip keeps the family, the CIDR suffix and keep_prefix bits") {
  for (int keep : {0, 8, 13, 16, 24, 48, 64}) {
    CAPTURE(keep);
    auto a = Make("ip", {{"keep_prefix", Int(keep)}});
    std::set<std::string> seen;
    for (int i = 0; i < 300; ++i) {
      std::string v4 = "10." + std::to_string(i % 256) + "." + std::to_string(i / 7) + "." + std::to_string(i % 13);
      std::string v6 = "2001:db8:" + std::to_string(i % 10) + "::" + std::to_string(i);
      for (const std::string& in : {v4, v6, v4 + "/20", v6 + "/64"}) {
        CAPTURE(in);
        std::string out = Run(*a, in);
        CAPTURE(out);
        std::array<uint8_t, 16> ib, ob;
        int ip, op;
        int fam = Parse(in, &ib, &ip);
        REQUIRE(fam != 0);
        CHECK(Parse(out, &ob, &op) == fam);
        CHECK(op == ip);
        int bits = fam == 4 ? 32 : 128;
        CHECK(SameBits(ib, ob, 0, std::min(keep, bits)));
        if (ip < 0 && bits - keep >= 16) CHECK(ib != ob);
        if (fam == 4 && keep < 8) CHECK((ob[0] != 0 && ob[0] != 127 && ob[0] < 224));
        if (fam == 6 && keep < 3) CHECK((ob[0] & 0xe0) == 0x20);
        seen.insert(out);
      }
    }
    CHECK(seen.size() > 1150);
  }
}

TEST_CASE("ip keeps a network a network and follows the input's text form") {
  auto a = Make("ip");
  std::array<uint8_t, 16> b;
  int prefix;
  std::string net = Run(*a, "192.168.10.0/24");
  REQUIRE(Parse(net, &b, &prefix) == 4);
  CHECK(prefix == 24);
  CHECK(b[3] == 0);
  std::string net6 = Run(*a, "2001:db8:1234::/48");
  REQUIRE(Parse(net6, &b, &prefix) == 6);
  for (int i = 6; i < 16; ++i) CHECK(b[i] == 0);
  // A host address with a netmask (inet) keeps random host bits.
  int nonzero = 0;
  for (int i = 0; i < 50; ++i) {
    Parse(Run(*a, "10.0.0." + std::to_string(i + 1) + "/24"), &b, &prefix);
    nonzero += b[3] != 0;
  }
  CHECK(nonzero > 40);

  // RFC 5952 text: lower case, longest zero run compressed.
  auto keep = Make("ip", {{"keep_prefix", Int(112)}});
  CHECK(Run(*keep, "2001:0DB8:0000:0000:0000:0000:0001:0001").size() == 39);  // full form kept
  std::string upper = Run(*keep, "2001:DB8::AB:1");
  CHECK(upper.substr(0, 13) == "2001:DB8::AB:");
  std::string lower = Run(*keep, "2001:db8:0:0:0:0:ab:1");
  CHECK(lower.substr(0, 13) == "2001:db8::ab:");
  std::string mapped = Run(*Make("ip", {{"keep_prefix", Int(96)}}), "::ffff:192.0.2.1");
  CHECK(mapped.substr(0, 7) == "::ffff:");
  REQUIRE(Parse(mapped, &b, &prefix) == 6);
  CHECK(mapped.find('.') != std::string::npos);
  // Leading and trailing zero runs.
  CHECK(Run(*Make("ip", {{"keep_prefix", Int(128)}}), "0:0:0:0:0:0:0:1") == "::1");
  CHECK(Run(*Make("ip", {{"keep_prefix", Int(128)}}), "1:0:0:2:0:0:0:0") == "1:0:0:2::");
  CHECK(Run(*Make("ip", {{"keep_prefix", Int(128)}}), "1:0:0:2:3:0:0:4") == "1::2:3:0:0:4");
  CHECK(Run(*Make("ip", {{"keep_prefix", Int(128)}}), "1:2:3:4:5:6:7:0") == "1:2:3:4:5:6:7:0");
}

TEST_CASE("ip replaces invalid input with a derived IPv4 address") {
  auto a = Make("ip");
  std::array<uint8_t, 16> b;
  int prefix;
  for (const char* bad : {"", "not an ip", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1::2::3", "12345::", ":1:2",
                          "1:2:3:4:5:6:7:8:9", "10.0.0.1/33", "fe80::1%eth0", "::1/129", "1.2.3.4/"}) {
    CAPTURE(bad);
    std::string out = Run(*a, bad);
    CHECK(Parse(out, &b, &prefix) == 4);
    CHECK(prefix == -1);
    CHECK(out != bad);
  }
  CHECK(Run(*a, "junk") == Run(*Make("ip"), "junk"));
  CHECK(RunIsNull(*a));
}

TEST_CASE("ip maps one address to one output whatever its spelling") {
  auto a = Make("ip");
  auto b = Make("ip");
  CHECK(Run(*a, "2001:db8::1") == Run(*b, "2001:db8:0:0::1"));
  CHECK(Run(*a, "10.1.2.3") == Run(*b, "10.1.2.3"));
  CHECK(Run(*a, "10.1.2.3") != Run(*Make("ip", {}, "other salt"), "10.1.2.3"));
}

TEST_CASE("ip option errors name the option") {
  CHECK(testing::Contains(MakeError("ip", {{"keep_prefix", Int(129)}}), "'keep_prefix'"));
  CHECK(testing::Contains(MakeError("ip", {{"keep_prefix", Int(-1)}}), "'keep_prefix'"));
  CHECK(testing::Contains(MakeError("ip", {{"keep_prefix", testing::Str("8")}}), "'keep_prefix'"));
}

}  // namespace
}  // namespace dbanon
