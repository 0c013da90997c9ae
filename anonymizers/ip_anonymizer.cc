// ip: an IP address of the input's family, in the input's text form.
//
// Input: IPv4 dotted decimal or IPv6 text (RFC 4291 section 2.2, with "::"
// and an optional dotted IPv4 tail), optionally followed by a CIDR suffix
// "/N" (PostgreSQL inet and cidr text). The first keep_prefix bits come from
// the input, the others from the keyed hash of the address bits (not of the
// text, so "::1" and "0:0::1" agree). The suffix is kept; when the input's
// bits after N are all zero (a network, the only form a cidr column accepts)
// those of the output are zero too. Outside the kept prefix, IPv4 outputs
// avoid 0/8, 127/8 and 224/3 (multicast, reserved) and IPv6 outputs lie in
// 2000::/3 (global unicast).
//
// Output text: IPv4 dotted decimal; IPv6 in RFC 5952 form (lower case,
// longest zero run as "::"), except that an input in the full form
// (8 groups of 4 digits) gives the full form, upper-case hex gives upper
// case, and a dotted IPv4 tail gives a dotted tail.
//
// Input that is not an address: an IPv4 address derived from the keyed hash
// of the text (no prefix kept), so the value is still replaced, never copied.
#include <array>
#include <cstdio>

#include "anonymizers/generate_internal.h"

namespace dbanon::internal {
namespace {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4
  int prefix = -1;                  // -1 without "/N"
  bool dotted_tail = false;
  bool upper = false;
  bool full_form = false;

  int bits() const { return v6 ? 128 : 32; }
};

bool ParseDecimal(std::string_view s, int max, int* out) {
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

bool ParseV4(std::string_view s, uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    size_t dot = i < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos) return false;
    int v;
    if (!ParseDecimal(s.substr(0, dot), 255, &v)) return false;
    out[i] = static_cast<uint8_t>(v);
    s.remove_prefix(i < 3 ? dot + 1 : dot);
  }
  return s.empty();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseV6(std::string_view s, IpAddress* ip) {
  std::array<uint16_t, 8> head{}, tail{};
  int nhead = 0, ntail = 0;
  bool compressed = false;
  bool all_four_digits = true;
  size_t pos = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
  } else if (!s.empty() && s.front() == ':') {
    return false;
  }
  while (pos < s.size()) {
    size_t end = pos;
    while (end < s.size() && s[end] != ':') ++end;
    std::string_view group = s.substr(pos, end - pos);
    int& n = compressed ? ntail : nhead;
    auto& groups = compressed ? tail : head;
    if (group.find('.') != std::string_view::npos) {
      // A dotted IPv4 tail: the last 32 bits.
      uint8_t v4[4];
      if (end != s.size() || nhead + ntail > 6 || !ParseV4(group, v4)) return false;
      groups[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      ip->dotted_tail = true;
      pos = end;
      break;
    }
    if (group.empty() || group.size() > 4 || nhead + ntail >= 8) return false;
    int v = 0;
    for (char c : group) {
      int h = HexValue(c);
      if (h < 0) return false;
      if (c >= 'A' && c <= 'F') ip->upper = true;
      v = v * 16 + h;
    }
    if (group.size() != 4) all_four_digits = false;
    groups[n++] = static_cast<uint16_t>(v);
    pos = end;
    if (pos == s.size()) break;
    ++pos;  // ':'
    if (pos < s.size() && s[pos] == ':') {
      if (compressed) return false;  // a second "::"
      compressed = true;
      ++pos;
    } else if (pos == s.size()) {
      return false;  // a trailing single ':'
    }
  }
  if (compressed ? nhead + ntail > 7 : nhead != 8) return false;
  std::array<uint16_t, 8> g{};
  for (int i = 0; i < nhead; ++i) g[i] = head[i];
  for (int i = 0; i < ntail; ++i) g[8 - ntail + i] = tail[i];
  for (int i = 0; i < 8; ++i) {
    ip->bytes[2 * i] = static_cast<uint8_t>(g[i] >> 8);
    ip->bytes[2 * i + 1] = static_cast<uint8_t>(g[i] & 0xff);
  }
  ip->full_form = !compressed && !ip->dotted_tail && all_four_digits;
  ip->v6 = true;
  return true;
}

bool ParseIp(std::string_view text, IpAddress* ip) {
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  if (addr.find(':') != std::string_view::npos) {
    if (!ParseV6(addr, ip)) return false;
  } else if (!ParseV4(addr, ip->bytes.data())) {
    return false;
  }
  if (slash != std::string_view::npos && !ParseDecimal(text.substr(slash + 1), ip->bits(), &ip->prefix)) return false;
  return true;
}

bool GetBit(const std::array<uint8_t, 16>& b, int i) { return (b[i / 8] >> (7 - i % 8)) & 1; }
void SetBit(std::array<uint8_t, 16>& b, int i, bool v) {
  uint8_t m = static_cast<uint8_t>(0x80 >> (i % 8));
  b[i / 8] = static_cast<uint8_t>(v ? b[i / 8] | m : b[i / 8] & ~m);
}

void FormatV4(const uint8_t* b, std::string* out) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out->push_back('.');
    AppendPadded(b[i], 1, out);
  }
}

void FormatV6(const IpAddress& ip, std::string* out) {
  const int ngroups = ip.dotted_tail ? 6 : 8;
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(ip.bytes[2 * i] << 8 | ip.bytes[2 * i + 1]);
  const char* fmt = ip.full_form ? (ip.upper ? "%04X" : "%04x") : (ip.upper ? "%X" : "%x");
  // RFC 5952 section 4.2: the longest run of two or more zero groups (the
  // first one on a tie) becomes "::".
  int best = -1, best_len = 1;
  if (!ip.full_form) {
    for (int i = 0; i < ngroups;) {
      int j = i;
      while (j < ngroups && g[j] == 0) ++j;
      if (j - i > best_len) {
        best = i;
        best_len = j - i;
      }
      i = j == i ? i + 1 : j;
    }
  }
  char buf[8];
  for (int i = 0; i < ngroups;) {
    if (i == best) {
      out->append("::");
      i += best_len;
      continue;
    }
    if (i > 0 && i != best + best_len) out->push_back(':');
    std::snprintf(buf, sizeof buf, fmt, g[i]);
    out->append(buf);
    ++i;
  }
  if (ip.dotted_tail) {
    if (best + best_len != 6) out->push_back(':');
    FormatV4(ip.bytes.data() + 12, out);
  }
}

bool GoodV4FirstOctet(uint8_t o) { return o != 0 && o != 127 && o < 224; }

class IpAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"an IP address", kTextFamilies | FamilyBit(TypeFamily::kInet)}; }
  IpAnonymizer(std::string target, int keep_prefix, std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)), keep_prefix_(keep_prefix), prf_(std::move(prf)) {}

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    scratch.String(1);  // size the scratch first: growing it later would move the strings
    std::string& out = scratch.String(0);
    std::string& key = scratch.String(1);
    out.clear();
    IpAddress ip;
    if (!ParseIp(value, &ip)) {
      key.clear();
      key.push_back('\xff');
      key.append(value);
      Draws draws(*prf_, key);
      uint8_t b[4];
      for (int tries = 0; tries < 64; ++tries) {
        for (uint8_t& x : b) x = static_cast<uint8_t>(draws.Below(256));
        if (GoodV4FirstOctet(b[0])) break;
      }
      FormatV4(b, &out);
      return out;
    }
    const int nbits = ip.bits();
    key.clear();
    key.push_back(ip.v6 ? '\x06' : '\x04');
    key.append(reinterpret_cast<const char*>(ip.bytes.data()), nbits / 8);
    Draws draws(*prf_, key);
    const int keep = std::min(keep_prefix_, nbits);
    // A network (zero bits after the prefix) stays a network.
    int zero_from = nbits;
    if (ip.prefix >= 0) {
      zero_from = ip.prefix;
      for (int i = ip.prefix; i < nbits; ++i) {
        if (GetBit(ip.bytes, i)) zero_from = nbits;
      }
    }
    IpAddress result = ip;
    for (int tries = 0; tries < 64; ++tries) {
      for (int i = 0; i < nbits / 8; ++i) result.bytes[i] = static_cast<uint8_t>(draws.Below(256));
      for (int i = 0; i < nbits; ++i) {
        if (i < keep) SetBit(result.bytes, i, GetBit(ip.bytes, i));
        if (i >= zero_from) SetBit(result.bytes, i, false);
      }
      if (ip.v6) {
        for (int i = keep; i < 3; ++i) SetBit(result.bytes, i, i == 2);  // 001: 2000::/3
        break;
      }
      if (keep >= 8 || GoodV4FirstOctet(result.bytes[0])) break;
    }
    if (ip.v6) {
      FormatV6(result, &out);
    } else {
      FormatV4(result.bytes.data(), &out);
    }
    if (ip.prefix >= 0) {
      out.push_back('/');
      AppendPadded(ip.prefix, 1, &out);
    }
    return out;
  }

 private:
  int keep_prefix_;
  std::shared_ptr<const Prf> prf_;
};

}  // namespace

void AddIpAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"ip",
                  "an IP address of the input's family and text form (CIDR suffix kept), from the keyed hash of the "
                  "address; invalid input gives a derived IPv4 address",
                  {"keep_prefix (0): number of leading bits kept from the input, 0 to 128 (an IPv4 address has 32: 32 or more keep it whole)"},
                  [](Options& o, const AnonymizerContext& ctx) -> absl::StatusOr<std::unique_ptr<Anonymizer>> {
                    DBANON_ASSIGN_OR_RETURN(keep_prefix, o.GetInt("keep_prefix", 0));
                    if (keep_prefix < 0 || keep_prefix > 128) {
                      return absl::InvalidArgumentError("option 'keep_prefix' must be between 0 and 128");
                    }
                    return std::make_unique<IpAnonymizer>(ctx.target, static_cast<int>(keep_prefix), ctx.prf);
                  },
                  "{ keep_prefix = 16 }"});
}

}  // namespace dbanon::internal
