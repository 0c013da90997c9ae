#include "parsers/column_types.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "base/char_class.h"
#include "parsers/pg_identifier.h"

namespace dbanon {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSqlSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsSqlSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Byte length of the first `chars` UTF-8 characters of `s`.
size_t Utf8Prefix(std::string_view s, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == chars) return i;
      ++seen;
    }
  }
  return s.size();
}

// The family of a lower-case type text without its array suffix: its first
// word (or the two of "double precision", "character varying", ...).
TypeFamily FamilyOf(std::string_view t) {
  if (t.find('[') != std::string_view::npos) return TypeFamily::kArray;
  std::string_view word = t.substr(0, t.find_first_of(" \t\n("));
  // A schema-qualified name is a domain or a user-defined type.
  if (word.find('.') != std::string_view::npos || word.find('"') != std::string_view::npos) return TypeFamily::kUnknown;
  static constexpr std::pair<std::string_view, TypeFamily> kWords[] = {
      {"char", TypeFamily::kText}, {"character", TypeFamily::kText}, {"varchar", TypeFamily::kText},
      {"bpchar", TypeFamily::kText}, {"nchar", TypeFamily::kText}, {"nvarchar", TypeFamily::kText},
      {"national", TypeFamily::kText}, {"text", TypeFamily::kText}, {"tinytext", TypeFamily::kText},
      {"mediumtext", TypeFamily::kText}, {"longtext", TypeFamily::kText}, {"name", TypeFamily::kText},
      {"citext", TypeFamily::kText}, {"bytea", TypeFamily::kBinary}, {"blob", TypeFamily::kBinary},
      {"tinyblob", TypeFamily::kBinary}, {"mediumblob", TypeFamily::kBinary}, {"longblob", TypeFamily::kBinary},
      {"binary", TypeFamily::kBinary}, {"varbinary", TypeFamily::kBinary},
      {"tinyint", TypeFamily::kInteger}, {"smallint", TypeFamily::kInteger}, {"mediumint", TypeFamily::kInteger},
      {"int", TypeFamily::kInteger}, {"integer", TypeFamily::kInteger}, {"bigint", TypeFamily::kInteger},
      {"int2", TypeFamily::kInteger}, {"int4", TypeFamily::kInteger}, {"int8", TypeFamily::kInteger},
      {"smallserial", TypeFamily::kInteger}, {"serial", TypeFamily::kInteger}, {"bigserial", TypeFamily::kInteger},
      {"serial2", TypeFamily::kInteger}, {"serial4", TypeFamily::kInteger}, {"serial8", TypeFamily::kInteger},
      {"year", TypeFamily::kInteger}, {"numeric", TypeFamily::kDecimal}, {"decimal", TypeFamily::kDecimal},
      {"dec", TypeFamily::kDecimal}, {"fixed", TypeFamily::kDecimal}, {"real", TypeFamily::kDecimal},
      {"double", TypeFamily::kDecimal}, {"float", TypeFamily::kDecimal}, {"float4", TypeFamily::kDecimal},
      {"float8", TypeFamily::kDecimal}, {"money", TypeFamily::kDecimal}, {"boolean", TypeFamily::kBoolean},
      {"bool", TypeFamily::kBoolean}, {"date", TypeFamily::kDate}, {"time", TypeFamily::kTime},
      {"timetz", TypeFamily::kTime}, {"timestamp", TypeFamily::kTimestamp}, {"timestamptz", TypeFamily::kTimestamp},
      {"datetime", TypeFamily::kTimestamp}, {"json", TypeFamily::kJson}, {"jsonb", TypeFamily::kJson},
      {"uuid", TypeFamily::kUuid}, {"inet", TypeFamily::kInet}, {"cidr", TypeFamily::kInet},
      {"inet4", TypeFamily::kInet}, {"inet6", TypeFamily::kInet},
      {"interval", TypeFamily::kOther}, {"bit", TypeFamily::kOther}, {"varbit", TypeFamily::kOther},
      {"macaddr", TypeFamily::kOther}, {"macaddr8", TypeFamily::kOther}, {"point", TypeFamily::kOther},
      {"line", TypeFamily::kOther}, {"lseg", TypeFamily::kOther}, {"box", TypeFamily::kOther},
      {"path", TypeFamily::kOther}, {"polygon", TypeFamily::kOther}, {"circle", TypeFamily::kOther},
      {"xml", TypeFamily::kOther}, {"tsvector", TypeFamily::kOther}, {"tsquery", TypeFamily::kOther},
      {"int4range", TypeFamily::kOther}, {"int8range", TypeFamily::kOther}, {"numrange", TypeFamily::kOther},
      {"tsrange", TypeFamily::kOther}, {"tstzrange", TypeFamily::kOther}, {"daterange", TypeFamily::kOther},
      {"oid", TypeFamily::kInteger}, {"geometry", TypeFamily::kOther}, {"set", TypeFamily::kOther},
  };
  for (const auto& [w, family] : kWords) {
    if (word == w) return family;
  }
  return TypeFamily::kUnknown;
}

}  // namespace

ColumnLimit LimitOfType(std::string name, std::string_view type) {
  ColumnLimit limit;
  limit.name = std::move(name);
  type = Trim(type);
  std::string t;
  for (char c : type) t.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  limit.family = FamilyOf(t);
  limit.type = t;
  // Arrays hold many values: no single limit applies.
  size_t paren_end = t.find(')');
  if (t.find('[') != std::string::npos) return limit;
  for (std::string_view prefix : {"character varying(", "varchar(", "character(", "char(", "bpchar(",
                                  "national character varying(", "nvarchar(", "nchar("}) {
    if (t.rfind(prefix, 0) == 0 && paren_end != std::string::npos) {
      size_t n = 0;
      auto [p, ec] = std::from_chars(t.data() + prefix.size(), t.data() + paren_end, n);
      if (ec == std::errc() && p == t.data() + paren_end && n > 0) limit.max_chars = n;
      return limit;
    }
  }
  for (std::string_view prefix : {"numeric(", "decimal(", "dec(", "fixed("}) {
    if (t.rfind(prefix, 0) == 0 && paren_end != std::string::npos) {
      std::string_view args = std::string_view(t).substr(prefix.size(), paren_end - prefix.size());
      size_t comma = args.find(',');
      std::string_view ps = Trim(args.substr(0, comma));
      std::string_view ss = comma == std::string_view::npos ? std::string_view("0") : Trim(args.substr(comma + 1));
      int p = 0, sc = 0;
      auto r1 = std::from_chars(ps.data(), ps.data() + ps.size(), p);
      auto r2 = std::from_chars(ss.data(), ss.data() + ss.size(), sc);
      if (r1.ec == std::errc() && r1.ptr == ps.data() + ps.size() && r2.ec == std::errc() &&
          r2.ptr == ss.data() + ss.size() && p > 0 && p <= 1000 && sc >= 0 && sc <= p) {
        limit.numeric_precision = p;
        limit.numeric_scale = sc;
      }
      return limit;
    }
  }
  std::string_view word(t);
  size_t end = word.find_first_of(" \t\n(");
  word = word.substr(0, end);
  // MySQL's UNSIGNED types hold 0 to 2^bits - 1: not clamped (a value in
  // the signed range could still be negative).
  if (t.find("unsigned") != std::string::npos) return limit;
  if (word == "tinyint") limit.integer_bits = 8;
  if (word == "smallint" || word == "int2") limit.integer_bits = 16;
  if (word == "mediumint") limit.integer_bits = 24;
  if (word == "integer" || word == "int" || word == "int4") limit.integer_bits = 32;
  if (word == "bigint" || word == "int8") limit.integer_bits = 64;
  return limit;
}

double ColumnLimit::NumericMax() const {
  if (integer_bits > 0) return std::ldexp(1.0, integer_bits - 1) - 1;
  if (numeric_precision > 0) return std::pow(10.0, numeric_precision - numeric_scale) - std::pow(10.0, -numeric_scale);
  return 0;
}

namespace {

// numeric(p,s): `value` rounded to s decimals and clamped to p-s integer
// digits. False when it is not a plain decimal number (left as it is).
bool FitNumeric(int precision, int scale, std::string* value) {
  std::string_view v(*value);
  const bool negative = !v.empty() && v[0] == '-';
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  size_t dot = v.find('.');
  std::string_view int_part = v.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : v.substr(dot + 1);
  if (int_part.empty() && frac.empty()) return false;
  for (char c : int_part) {
    if (c < '0' || c > '9') return false;
  }
  for (char c : frac) {
    if (c < '0' || c > '9') return false;
  }
  // Digits of the value at scale s, rounded half away from zero.
  std::string digits(int_part);
  std::string f(frac.substr(0, std::min<size_t>(frac.size(), static_cast<size_t>(scale))));
  f.resize(static_cast<size_t>(scale), '0');
  digits += f;
  if (frac.size() > static_cast<size_t>(scale) && frac[static_cast<size_t>(scale)] >= '5') {
    size_t i = digits.size();
    while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
    if (i == 0) {
      digits.insert(digits.begin(), '1');
    } else {
      ++digits[i - 1];
    }
  }
  size_t first = digits.find_first_not_of('0');
  const size_t int_digits = first == std::string::npos || digits.size() - first <= static_cast<size_t>(scale)
                                ? 0
                                : digits.size() - first - static_cast<size_t>(scale);
  const bool rounded = frac.size() > static_cast<size_t>(scale);
  if (int_digits <= static_cast<size_t>(precision - scale) && !rounded) return false;
  if (int_digits > static_cast<size_t>(precision - scale)) {
    digits.assign(static_cast<size_t>(precision), '9');
  } else {
    digits = first == std::string::npos ? std::string(static_cast<size_t>(scale) + 1, '0') : digits.substr(first);
    if (digits.size() < static_cast<size_t>(scale) + 1) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  std::string out = negative && digits.find_first_not_of('0') != std::string::npos ? "-" : "";
  out.append(digits, 0, digits.size() - static_cast<size_t>(scale));
  if (out.empty() || out == "-") out += "0";
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, digits.size() - static_cast<size_t>(scale), std::string::npos);
  }
  *value = std::move(out);
  return true;
}

}  // namespace

bool FitToColumn(const ColumnLimit& limit, std::string* value) {
  if (limit.numeric_precision > 0) return FitNumeric(limit.numeric_precision, limit.numeric_scale, value);
  if (limit.max_chars > 0) {
    const bool bytes = OneBytePerChar(limit.encoding);
    auto chars = [&](std::string_view s) { return bytes ? s.size() : Utf8Chars(s); };
    auto prefix = [&](std::string_view s, size_t n) {
      if (!bytes) return Utf8Prefix(s, n);
      size_t k = std::min(n, s.size());
      // SQL_ASCII stores bytes: do not leave half a UTF-8 character.
      if (limit.encoding == TextEncoding::kBytes) {
        while (k > 0 && k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
      }
      return k;
    };
    if (chars(*value) <= limit.max_chars) return false;
    size_t at = value->rfind('@');
    if (at != std::string::npos && at > 0) {
      std::string_view domain = std::string_view(*value).substr(at);
      size_t domain_chars = chars(domain);
      if (domain_chars + 1 <= limit.max_chars) {
        size_t keep = prefix(*value, limit.max_chars - domain_chars);
        value->erase(keep, at - keep);
        return true;
      }
    }
    value->resize(prefix(*value, limit.max_chars));
    return true;
  }
  if (limit.integer_bits > 0) {
    const char* b = value->data();
    const char* e = b + value->size();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(b, e, v);
    if (p != e || value->empty()) return false;  // not an integer: nothing to clamp
    int64_t lo = limit.integer_bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (limit.integer_bits - 1));
    int64_t hi = limit.integer_bits == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (limit.integer_bits - 1)) - 1;
    if (ec == std::errc::result_out_of_range) {
      *value = std::to_string((*value)[0] == '-' ? lo : hi);
      return true;
    }
    if (v < lo || v > hi) {
      *value = std::to_string(v < lo ? lo : hi);
      return true;
    }
  }
  return false;
}

std::string_view FitView(const ColumnLimit& limit, std::string_view value, std::string* buf) {
  if (limit.encoding != TextEncoding::kUtf8 && limit.integer_bits == 0) {
    std::string encoded;
    std::string_view v = EncodeReplacement(limit.encoding, value, &encoded);
    if (v.data() != value.data() || (limit.max_chars > 0 && v.size() > limit.max_chars)) {
      buf->assign(v);
      FitToColumn(limit, buf);
      return *buf;
    }
    return value;
  }
  // A UTF-8 character is at least one byte; an integer of this many digits
  // (a sign included) is inside the type's range.
  if (limit.max_chars > 0 && value.size() <= limit.max_chars) return value;
  if (limit.integer_bits > 0) {
    size_t safe = limit.integer_bits == 8 ? 2 : limit.integer_bits == 16 ? 4 : limit.integer_bits == 24 ? 6
                : limit.integer_bits == 32 ? 9 : 18;
    if (value.size() <= safe) return value;
  }
  if (!limit.IsLimited()) return value;
  buf->assign(value);
  return FitToColumn(limit, buf) ? std::string_view(*buf) : value;
}

}  // namespace dbanon
