#include "parsers/sql_literals.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/short_bytes.h"
#include "base/string_view_compat.h"
#include "base/utf8.h"
#include "parsers/sql_lexer.h"

namespace dbanon {
namespace {

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

namespace {

size_t DecodeQuoted(const SqlDialect& d, std::string_view text, size_t i, bool escapes, std::string* out) {
  const char q = text[i];
  ++i;
  const bool multibyte = d.multibyte != MultibyteRule::kNone;
  while (i < text.size()) {
    // Copy the run up to the next quote or backslash at once; in a client
    // character set whose characters hold ASCII bytes, character by
    // character (sql_lexer.h).
    size_t stop = i;
    if (multibyte) {
      while (stop < text.size() && text[stop] != q && text[stop] != '\\') {
        stop += MultibyteCharLength(d.multibyte, text, stop, true);
      }
      if (stop > text.size()) stop = text.size();
    } else {
      stop = static_cast<size_t>(FindQuoteOrBackslash(text.data() + i, text.data() + text.size(), q) - text.data());
    }
    out->append(text.data() + i, stop - i);
    i = stop;
    if (i >= text.size()) break;
    char c = text[i];
    if (c == q) {
      if (i + 1 < text.size() && text[i + 1] == q) {
        out->push_back(q);
        i += 2;
        continue;
      }
      return i + 1;
    }
    if (c != '\\' || !escapes) {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) return std::string_view::npos;
    char e = text[i + 1];
    i += 2;
    if (d.mysql()) {
      // MySQL docs, "String Literals", table "Special Character Escape Sequences".
      switch (e) {
        case '0': out->push_back('\0'); break;
        case 'b': out->push_back('\b'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'Z': out->push_back('\x1a'); break;
        case '%':
        case '_':
          out->push_back('\\');  // kept with their backslash (LIKE patterns)
          out->push_back(e);
          break;
        default: out->push_back(e);
      }
      continue;
    }
    if (multibyte && static_cast<unsigned char>(e) >= 0x80) {
      // psql reads a backslash and the whole character after it (sql_lexer.h).
      const size_t len = std::min(MultibyteCharLength(d.multibyte, text, i - 1, true), text.size() - (i - 1));
      out->append(text.data() + i - 1, len);
      i += len - 1;
      continue;
    }
    // PostgreSQL docs, "String Constants With C-Style Escapes".
    switch (e) {
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && i < text.size() && HexValue(text[i]) >= 0) v = v * 16 + HexValue(text[i++]), ++k;
        if (k == 0) {
          out->push_back('x');
        } else {
          out->push_back(static_cast<char>(v));
        }
        break;
      }
      case 'u':
      case 'U': {
        int want = e == 'u' ? 4 : 8;
        uint32_t v = 0;
        int k = 0;
        while (k < want && i < text.size() && HexValue(text[i]) >= 0) v = v * 16 + HexValue(text[i++]), ++k;
        if (k != want) return std::string_view::npos;
        AppendUtf8(v, out);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', k = 1;
          while (k < 3 && i < text.size() && text[i] >= '0' && text[i] <= '7') v = v * 8 + (text[i++] - '0'), ++k;
          out->push_back(static_cast<char>(v & 0xff));
        } else {
          out->push_back(e);
        }
    }
  }
  return std::string_view::npos;
}

bool DecodeHexDigits(std::string_view digits, std::string* out) {
  size_t i = 0;
  if (digits.size() % 2 == 1) {  // MySQL: 0xABC is 0x0ABC
    int v = HexValue(digits[0]);
    if (v < 0) return false;
    out->push_back(static_cast<char>(v));
    i = 1;
  }
  for (; i < digits.size(); i += 2) {
    int hi = HexValue(digits[i]), lo = HexValue(digits[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

// A small evaluator for the expressions sqlite3's .dump writes around text
// with control characters: replace(replace('a\nb','\r',char(13)),'\n',char(10)),
// unistr('a\u000ab') (3.50+), and '...'||'...'.
class SqliteExpr {
 public:
  explicit SqliteExpr(std::string_view s) : s_(s) {}
  bool Evaluate(std::string* out) {
    if (!Concat(out, 0)) return false;
    SkipSpace();
    return i_ == s_.size();
  }

 private:
  void SkipSpace() {
    while (i_ < s_.size() && IsSqlSpace(s_[i_])) ++i_;
  }
  bool Concat(std::string* out, int depth) {
    if (depth > 32 || !Primary(out, depth)) return false;
    while (true) {
      SkipSpace();
      if (i_ + 1 < s_.size() && s_[i_] == '|' && s_[i_ + 1] == '|') {
        i_ += 2;
        if (!Primary(out, depth)) return false;
      } else {
        return true;
      }
    }
  }
  bool Primary(std::string* out, int depth) {
    SkipSpace();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '\'') {
      size_t end = DecodeQuoted(SqliteDialect(), s_, i_, false, out);
      if (end == std::string_view::npos) return false;
      i_ = end;
      return true;
    }
    if ((c == 'x' || c == 'X') && i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
      size_t close = s_.find('\'', i_ + 2);
      if (close == std::string_view::npos) return false;
      std::string_view digits = s_.substr(i_ + 2, close - i_ - 2);
      if (digits.size() % 2 != 0 || !DecodeHexDigits(digits, out)) return false;
      i_ = close + 1;
      return true;
    }
    if (IsDigit(c) || c == '-' || c == '+' || c == '.') {
      size_t b = i_;
      ++i_;
      while (i_ < s_.size() && (IsDigit(s_[i_]) || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E' ||
                                ((s_[i_] == '+' || s_[i_] == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E')))) {
        ++i_;
      }
      std::string_view num = s_.substr(b, i_ - b);
      if (!IsPlainNumber(num)) return false;
      out->append(num);
      return true;
    }
    if (c == '(') {
      ++i_;
      if (!Concat(out, depth + 1)) return false;
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ')') return false;
      ++i_;
      return true;
    }
    if (!IsSqlIdentStart(c)) return false;
    std::string name;
    while (i_ < s_.size() && IsSqlIdentChar(s_[i_])) name.push_back(absl::ascii_tolower(s_[i_++]));
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != '(') return false;
    ++i_;
    std::vector<std::string> args;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ')') {
      ++i_;
    } else {
      while (true) {
        args.emplace_back();
        if (!Concat(&args.back(), depth + 1)) return false;
        SkipSpace();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (s_[i_] != ')') return false;
        ++i_;
        break;
      }
    }
    if (name == "char") {
      for (const std::string& a : args) {
        uint32_t cp = 0;
        if (a.empty() || a.size() > 7) return false;
        for (char d : a) {
          if (!IsDigit(d)) return false;
          cp = cp * 10 + static_cast<uint32_t>(d - '0');
        }
        if (cp > 0x10FFFF) return false;
        AppendUtf8(cp, out);
      }
      return true;
    }
    if (name == "replace" && args.size() == 3) {
      const std::string& x = args[0];
      const std::string& from = args[1];
      if (from.empty()) {
        out->append(x);
        return true;
      }
      size_t k = 0;
      while (true) {
        size_t f = x.find(from, k);
        if (f == std::string::npos) break;
        out->append(x, k, f - k);
        out->append(args[2]);
        k = f + from.size();
      }
      out->append(x, k, std::string::npos);
      return true;
    }
    if (name == "unistr" && args.size() == 1) {
      // SQLite docs, unistr(): \XXXX, \uXXXX, \+XXXXXX, \UXXXXXXXX, and \\.
      const std::string& a = args[0];
      for (size_t k = 0; k < a.size();) {
        if (a[k] != '\\') {
          out->push_back(a[k++]);
          continue;
        }
        if (k + 1 < a.size() && a[k + 1] == '\\') {
          out->push_back('\\');
          k += 2;
          continue;
        }
        size_t digits = 4, skip = 1;
        if (k + 1 < a.size() && a[k + 1] == 'u') skip = 2;
        if (k + 1 < a.size() && a[k + 1] == '+') skip = 2, digits = 6;
        if (k + 1 < a.size() && a[k + 1] == 'U') skip = 2, digits = 8;
        if (k + skip + digits > a.size()) return false;
        uint32_t cp = 0;
        for (size_t j = 0; j < digits; ++j) {
          int v = HexValue(a[k + skip + j]);
          if (v < 0) return false;
          cp = cp * 16 + static_cast<uint32_t>(v);
        }
        if (cp > 0x10FFFF) return false;
        AppendUtf8(cp, out);
        k += skip + digits;
      }
      return true;
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Appends the body of a string literal (without its quotes) escaped for the
// dialect and the literal's kind.
// mysql_real_escape_string escapes exactly these seven bytes (docs/formats.md
// C.2): the letter written after the backslash, 0 for the others.
constexpr std::array<char, 256> MakeMySqlEscapes() {
  std::array<char, 256> t{};
  t[0] = '0';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\\'] = '\\';
  t['\''] = '\'';
  t['"'] = '"';
  t[0x1a] = 'Z';
  return t;
}
constexpr std::array<char, 256> kMySqlEscapes = MakeMySqlEscapes();

// With backslash escapes in a client character set whose characters hold
// ASCII bytes: a character is copied whole (its 0x5C is not doubled), as
// mysql_real_escape_string and pg_dump's appendStringLiteral (PQmblen) do;
// MySQL escapes a first byte that no valid second byte follows, so that it
// cannot take the next byte; in PostgreSQL a character cut by the end of the
// value would take the closing quote: it becomes '?'.
void AppendEscapedMultibyte(const SqlDialect& d, std::string_view value, char quote, std::string* out) {
  for (size_t i = 0; i < value.size();) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      size_t len = MultibyteCharLength(d.multibyte, value, i, false);
      if (len == 0) {  // cut by the end of the value
        if (!d.mysql()) {
          out->push_back('?');
          break;
        }
        len = 1;
      }
      if (d.mysql() && len == 1 && MultibyteFirstByte(d.multibyte, c)) out->push_back('\\');
      out->append(value.data() + i, len);
      i += len;
      continue;
    }
    if (d.mysql()) {
      const char e = kMySqlEscapes[c];
      if (e != 0) out->push_back('\\');
      out->push_back(e != 0 ? e : static_cast<char>(c));
    } else if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out->push_back(static_cast<char>(c));
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back(static_cast<char>(c));
    }
    ++i;
  }
}

void AppendEscaped(const SqlDialect& d, std::string_view value, char quote, bool escapes, std::string* out) {
  if (escapes && d.multibyte != MultibyteRule::kNone) {
    AppendEscapedMultibyte(d, value, quote, out);
    return;
  }
  if (d.mysql() && escapes) {
    size_t run = 0;
    size_t i = 0;
    // Replacements (e-mails, names) rarely need an escape: skip 16 bytes at
    // a time while none is below '(' (NUL, LF, CR, ^Z, ", ') or a backslash
    // (NeedsNoEscape, whose bytes include every one kMySqlEscapes escapes),
    // then the last bytes (most values are shorter than 16) at once.
    while (i + 16 <= value.size() && NeedsNoEscape(value.substr(i, 16))) i += 16;
    if (i + 16 > value.size() && NeedsNoEscape(value.substr(i))) i = value.size();
    for (; i < value.size(); ++i) {
      char e = kMySqlEscapes[static_cast<unsigned char>(value[i])];
      if (e == 0) continue;
      out->append(value.data() + run, i - run);
      out->push_back('\\');
      out->push_back(e);
      run = i + 1;
    }
    out->append(value.data() + run, value.size() - run);
    return;
  }
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    const char* rep = nullptr;
    if (c == quote) {
      rep = quote == '\'' ? "''" : "\"\"";
    } else if (c == '\\' && escapes) {
      rep = "\\\\";
    }
    if (rep == nullptr) continue;
    out->append(value.data() + run, i - run);
    out->append(rep);
    run = i + 1;
  }
  out->append(value.data() + run, value.size() - run);
}

void AppendQuoted(const SqlDialect& d, std::string_view value, char quote, bool escapes, std::string* out) {
  if (d.sqlite() && value.find('\0') != std::string_view::npos) {
    // A NUL cannot be written inside an SQLite literal: join the pieces
    // with char(0).
    size_t k = 0;
    bool first = true;
    while (true) {
      size_t z = value.find('\0', k);
      if (!first) out->append("||char(0)||");
      first = false;
      out->push_back('\'');
      AppendEscaped(d, value.substr(k, z == std::string_view::npos ? std::string_view::npos : z - k), '\'', false,
                    out);
      out->push_back('\'');
      if (z == std::string_view::npos) break;
      k = z + 1;
    }
    return;
  }
  out->push_back(quote);
  AppendEscaped(d, value, quote, escapes, out);
  out->push_back(quote);
}

bool AllBits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c != '0' && c != '1') return false;
  }
  return true;
}

}  // namespace

size_t DecodeQuotedLiteral(const SqlDialect& d, std::string_view text, size_t i, bool escapes, std::string* out) {
  return DecodeQuoted(d, text, i, escapes, out);
}

void AppendStringLiteral(const SqlDialect& d, std::string_view value, std::string* out) {
  AppendQuoted(d, value, '\'', d.backslash_strings, out);
}

absl::Status DecodeValue(const SqlDialect& d, std::string_view text, SqlValue* v, std::string* decoded) {
  *v = SqlValue();
  if (text.empty()) return absl::InvalidArgumentError("empty value");
  const unsigned char c0 = static_cast<unsigned char>(text[0]);
  if (c0 != '\'' && c0 != '"') {
    if (EqualsAsciiLower(text, "null")) {
      v->kind = SqlValue::Kind::kNull;
      return absl::OkStatus();
    }
    if (EqualsAsciiLower(text, "default")) {
      v->kind = SqlValue::Kind::kDefault;
      return absl::OkStatus();
    }
    if (d.postgres() && (EqualsAsciiLower(text, "true") || EqualsAsciiLower(text, "false"))) {
      v->kind = SqlValue::Kind::kBool;
      decoded->append(text);
      return absl::OkStatus();
    }
    if (IsPlainNumber(text)) {
      v->kind = SqlValue::Kind::kNumber;
      decoded->append(text);
      return absl::OkStatus();
    }
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'b')) {
      std::string_view digits = text.substr(2);
      if (!d.mysql()) {
        // PostgreSQL 16 and SQLite read 0x1F as an integer.
        v->kind = SqlValue::Kind::kNumber;
        decoded->append(text);
        return absl::OkStatus();
      }
      if (text[1] == 'x') {
        if (digits.empty() || !DecodeHexDigits(digits, decoded)) {
          return absl::InvalidArgumentError("invalid hexadecimal literal");
        }
        v->kind = SqlValue::Kind::kHex;
      } else {
        if (!AllBits(digits)) return absl::InvalidArgumentError("invalid bit-value literal");
        v->kind = SqlValue::Kind::kBits;
        decoded->append(digits);
      }
      return absl::OkStatus();
    }
    if (text.size() >= 3 && text[1] == '\'' && text.back() == '\'') {
      std::string_view body = text.substr(2, text.size() - 3);
      bool hex = true;
      for (char h : body) hex = hex && HexValue(h) >= 0;
      if ((c0 == 'x' || c0 == 'X') && !d.postgres() && hex && body.size() % 2 == 0) {
        DecodeHexDigits(body, decoded);
        v->kind = SqlValue::Kind::kHex;
        v->x_form = true;
        v->upper_x = c0 == 'X';
        return absl::OkStatus();
      }
      if ((c0 == 'b' || c0 == 'B') && !d.sqlite() && (body.empty() || AllBits(body))) {
        v->kind = SqlValue::Kind::kBits;
        v->x_form = true;
        v->upper_x = c0 == 'B';
        decoded->append(body);
        return absl::OkStatus();
      }
    }
  }
  // A quoted string, after an optional introducer or prefix.
  size_t i = 0;
  bool escapes = d.backslash_strings;
  if (c0 == '_' && d.mysql()) {
    // _charset introducer (MySQL docs, "Character Set Introducers").
    while (i < text.size() && IsSqlIdentChar(static_cast<unsigned char>(text[i]))) ++i;
    while (i < text.size() && IsSqlSpace(static_cast<unsigned char>(text[i]))) ++i;
  } else if ((c0 == 'N' || c0 == 'n') && text.size() > 1 && text[1] == '\'' && !d.sqlite()) {
    i = 1;
  } else if ((c0 == 'E' || c0 == 'e') && text.size() > 1 && text[1] == '\'' && d.postgres()) {
    i = 1;
    escapes = true;
  }
  if (i < text.size() && (text[i] == '\'' || (text[i] == '"' && d.double_quoted_strings()))) {
    size_t before = decoded->size();
    size_t end = DecodeQuoted(d, text, i, escapes, decoded);
    if (end == std::string_view::npos) return absl::InvalidArgumentError("unterminated string literal");
    size_t k = end;
    while (k < text.size() && IsSqlSpace(static_cast<unsigned char>(text[k]))) ++k;
    bool suffix_ok = k == text.size();
    if (!suffix_ok && d.mysql() && text.size() - k > 7 && EqualsAsciiLower(text.substr(k, 7), "collate") &&
        IsSqlSpace(static_cast<unsigned char>(text[k + 7]))) {
      suffix_ok = true;  // 'x' COLLATE utf8mb4_bin
    }
    if (!suffix_ok && d.postgres() && text.substr(k, 2) == "::") suffix_ok = true;  // 'x'::text
    if (suffix_ok) {
      v->kind = SqlValue::Kind::kString;
      v->literal_begin = i;
      v->literal_end = end;
      v->quote = text[i];
      v->escapes = escapes;
      return absl::OkStatus();
    }
    decoded->resize(before);
  }
  if (d.sqlite()) {
    SqliteExpr expr(text);
    size_t before = decoded->size();
    if (expr.Evaluate(decoded)) {
      v->kind = SqlValue::Kind::kExpression;
      return absl::OkStatus();
    }
    decoded->resize(before);
  }
  return absl::InvalidArgumentError("an expression dbanon cannot read (only literals are rewritten)");
}

void EncodeValue(const SqlDialect& d, std::string_view text, const SqlValue& original, bool numeric_column,
                 const Cell& replacement, std::string* out) {
  using Kind = SqlValue::Kind;
  if (original.kind == Kind::kDefault) {
    out->append(text);  // a generated column: the server computes it
    return;
  }
  if (replacement.is_null) {
    out->append("NULL");
    return;
  }
  std::string_view r = replacement.value;
  switch (original.kind) {
    case Kind::kNumber:
      if (IsPlainNumber(r)) {
        out->append(r);
        return;
      }
      break;
    case Kind::kBool:
      if (EqualsAsciiLower(r, "true") || EqualsAsciiLower(r, "false")) {
        out->append(r);
        return;
      }
      break;
    case Kind::kHex: {
      static constexpr char kDigits[] = "0123456789ABCDEF";
      if (!original.x_form && r.empty()) {
        out->append("''");  // 0x alone is not a literal; mysqldump writes ''
        return;
      }
      out->append(original.x_form ? (original.upper_x ? "X'" : "x'") : "0x");
      for (unsigned char b : r) {
        out->push_back(kDigits[b >> 4]);
        out->push_back(kDigits[b & 15]);
      }
      if (original.x_form) out->push_back('\'');
      return;
    }
    case Kind::kBits:
      if (AllBits(r)) {
        if (original.x_form) {
          out->push_back(original.upper_x ? 'B' : 'b');
          out->push_back('\'');
          out->append(r);
          out->push_back('\'');
        } else {
          out->append("0b");
          out->append(r);
        }
        return;
      }
      break;
    case Kind::kString:
      out->append(text.substr(0, original.literal_begin));
      AppendQuoted(d, r, original.quote, original.escapes, out);
      out->append(text.substr(original.literal_end));
      return;
    case Kind::kNull:
      if (numeric_column && IsPlainNumber(r)) {
        out->append(r);
        return;
      }
      break;
    default:
      break;
  }
  AppendStringLiteral(d, r, out);
}

}  // namespace dbanon
