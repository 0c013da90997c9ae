#include "parsers/sql_values.h"

#include <array>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/string_view_compat.h"
#include "base/utf8.h"

namespace dbanon {
namespace {

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
  }
  return true;
}

// Bytes that stop the fast skip inside a tuple: quotes, parentheses, commas
// and the bytes that may start a comment or a dollar quote. Plain bytes of
// numbers, keywords and whitespace are skipped eight at a time by the loop.
constexpr std::array<bool, 256> MakeSpecial() {
  std::array<bool, 256> t{};
  for (unsigned char c : {'\'', '"', '`', '[', '(', ')', ',', '-', '/', '#', '$', '*'}) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecial();

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

TupleEvent ScanTuples(const SqlDialect& d, TupleScanState* s, std::string_view input, size_t* pos, bool eof) {
  using State = SqlLexer::State;
  using Token = SqlLexer::Token;
  const char* data = input.data();
  const size_t n = input.size();
  const size_t start = *pos;
  size_t p = start;
  // The byte at index j, which may lie before this input (j < 0): the state
  // remembers the two bytes before `start`.
  auto byte_at = [&](ptrdiff_t j) -> unsigned char {
    if (j >= 0) return static_cast<unsigned char>(data[j]);
    return j == static_cast<ptrdiff_t>(start) - 1 ? s->prev : s->prev2;
  };
  auto finish = [&](TupleEvent ev) {
    if (p != start) {
      unsigned char p1 = byte_at(static_cast<ptrdiff_t>(p) - 1);
      unsigned char p2 = byte_at(static_cast<ptrdiff_t>(p) - 2);
      s->prev = p1;
      s->prev2 = p2;
    }
    *pos = p;
    return ev;
  };

  while (p < n) {
    if (s->lex.state() != State::kCode) {
      bool need_more = false;
      p = s->lex.Skip(input, p, eof, &need_more);
      if (need_more) return finish(TupleEvent::kNeedMore);
      continue;
    }

    unsigned char c = static_cast<unsigned char>(data[p]);
    if (s->depth > 0 && !kSpecial[c]) {
      ++p;
      while (p + 8 <= n && !kSpecial[static_cast<unsigned char>(data[p])] &&
             !kSpecial[static_cast<unsigned char>(data[p + 1])] && !kSpecial[static_cast<unsigned char>(data[p + 2])] &&
             !kSpecial[static_cast<unsigned char>(data[p + 3])] && !kSpecial[static_cast<unsigned char>(data[p + 4])] &&
             !kSpecial[static_cast<unsigned char>(data[p + 5])] && !kSpecial[static_cast<unsigned char>(data[p + 6])] &&
             !kSpecial[static_cast<unsigned char>(data[p + 7])]) {
        p += 8;
      }
      while (p < n && !kSpecial[static_cast<unsigned char>(data[p])]) ++p;
      continue;
    }
    if (s->depth == 0) {
      if (IsSqlSpace(c)) {
        ++p;
        continue;
      }
      if (c == '(') {
        s->depth = 1;
        ++p;
        return finish(TupleEvent::kOpen);
      }
      // Between tuples only a comment may come before the next significant byte.
      if (c != '-' && c != '/' && !(c == '#' && d.hash_comments) && !(c == '*' && s->lex.versioned() > 0)) {
        return finish(TupleEvent::kOuter);
      }
    } else if (c == '(') {
      ++s->depth;
      ++p;
      continue;
    } else if (c == ')') {
      ++p;
      if (--s->depth == 0) return finish(TupleEvent::kClose);
      continue;
    } else if (c == ',') {
      ++p;
      if (s->depth == 1 && s->commas) return finish(TupleEvent::kComma);
      continue;
    }
    size_t end = p;
    switch (s->lex.Open(d, input, p, eof, byte_at(static_cast<ptrdiff_t>(p) - 1),
                        byte_at(static_cast<ptrdiff_t>(p) - 2), &end)) {
      case Token::kNeedMore:
        return finish(TupleEvent::kNeedMore);
      case Token::kNone:
        // An ordinary significant byte: the end of the VALUES list at depth 0.
        if (s->depth == 0) return finish(TupleEvent::kOuter);
        ++p;
        continue;
      default:  // a literal, a comment, a versioned comment's marker
        p = end;
        continue;
    }
  }
  return finish(TupleEvent::kEnd);
}

namespace {

size_t DecodeQuoted(const SqlDialect& d, std::string_view text, size_t i, bool escapes, std::string* out) {
  const char q = text[i];
  ++i;
  while (i < text.size()) {
    // Copy the run up to the next quote or backslash at once.
    const char* f = FindQuoteOrBackslash(text.data() + i, text.data() + text.size(), q);
    size_t stop = static_cast<size_t>(f - text.data());
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

void AppendEscaped(const SqlDialect& d, std::string_view value, char quote, bool escapes, std::string* out) {
  if (d.mysql() && escapes) {
    size_t run = 0;
    size_t i = 0;
#if defined(__SSE2__)
    // Replacements (e-mails, names) rarely need an escape: skip 16 bytes at
    // a time while none is below '(' (NUL, LF, CR, ^Z, ", ') or a backslash.
    const __m128i limit = _mm_set1_epi8('(');
    const __m128i bs = _mm_set1_epi8('\\');
    while (i + 16 <= value.size()) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + i));
      // Unsigned v < '(' as max(v, '(') != v.
      __m128i below = _mm_xor_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, limit), v), _mm_set1_epi8(-1));
      if (_mm_movemask_epi8(_mm_or_si128(below, _mm_cmpeq_epi8(v, bs))) != 0) break;
      i += 16;
    }
#endif
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
    if (EqualsLower(text, "null")) {
      v->kind = SqlValue::Kind::kNull;
      return absl::OkStatus();
    }
    if (EqualsLower(text, "default")) {
      v->kind = SqlValue::Kind::kDefault;
      return absl::OkStatus();
    }
    if (d.postgres() && (EqualsLower(text, "true") || EqualsLower(text, "false"))) {
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
    if (!suffix_ok && d.mysql() && text.size() - k > 7 && EqualsLower(text.substr(k, 7), "collate") &&
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
      if (EqualsLower(r, "true") || EqualsLower(r, "false")) {
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

namespace {

// Narrows [*b, *e) to the value: without the whitespace around it and the
// comments before it. False when nothing is left.
bool Trim(const SqlDialect& d, std::string_view all, size_t* b, size_t* e) {
  while (true) {
    while (*b < *e && IsSqlSpace(static_cast<unsigned char>(all[*b]))) ++*b;
    std::string_view rest = all.substr(*b, *e - *b);
    if (d.mysql() && (rest.substr(0, 3) == "/*!" || rest.substr(0, 4) == "/*M!")) {
      // A versioned comment opens: its text is code (VersionedCommentTag).
      size_t k = rest[2] == '!' ? 3 : 4;
      while (k < rest.size() && IsDigit(rest[k])) ++k;
      *b += k;
    } else if (d.mysql() && rest.substr(0, 2) == "*/") {
      *b += 2;  // a versioned comment closes (ScanTuples reads no other `*/` as code)
    } else if (rest.substr(0, 2) == "/*") {
      size_t close = rest.find("*/", 2);
      if (close == std::string_view::npos) break;
      *b += close + 2;
    } else if ((rest.substr(0, 2) == "--" && (!d.mysql() || rest.size() < 3 || static_cast<unsigned char>(rest[2]) <= ' ')) ||
               (d.mysql() && !rest.empty() && rest[0] == '#')) {
      size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) break;
      *b += nl + 1;
    } else {
      break;
    }
  }
  while (true) {
    while (*e > *b && IsSqlSpace(static_cast<unsigned char>(all[*e - 1]))) --*e;
    if (!d.mysql() || *e - *b < 2 || all.substr(*e - 2, 2) != "*/") break;
    *e -= 2;  // a versioned comment closes after the value
  }
  return *b < *e;
}

std::string VersionTagText(int tag) {
  if (tag == 0) return "outside any versioned comment";
  if (tag >= 1000000) return absl::StrCat("inside a versioned comment /*M!", tag - 1000000, " ... */");
  return absl::StrCat("inside a versioned comment /*!", tag, " ... */");
}

}  // namespace

std::string VersionedMismatchMessage(const RowPlan& plan, size_t column, int got, int want) {
  return absl::StrCat("value ", column + 1, " of a tuple of table ", plan.table.Display(), " is ", VersionTagText(got),
                      " but its column ", column < plan.column_names.size() ? plan.column_names[column] : "?",
                      " is declared ", VersionTagText(want),
                      ": servers that skip the comment would read the values into other columns");
}

namespace {

class TupleRewriter : public RowRewriter {
 public:
  TupleRewriter(const SqlDialect* d, bool bare) : d_(d), bare_(bare) {}

  absl::Status Rewrite(const RowPlan& plan, std::string_view rows, int64_t first_line, std::string* out,
                       Scratch& scratch) const override {
    return RewriteAt(plan, rows, first_line, 1, out, scratch);
  }

  absl::Status RewriteAt(const RowPlan& plan, std::string_view rows, int64_t first_line, int64_t first_col,
                         std::string* out, Scratch& scratch) const override;

 private:
  const SqlDialect* d_;
  bool bare_;
};

absl::Status TupleRewriter::RewriteAt(const RowPlan& plan, std::string_view rows, int64_t first_line,
                                      int64_t first_col, std::string* out, Scratch& scratch) const {
  const SqlDialect& d = *d_;
  const size_t ncols = plan.num_columns;
  // Where messages point: line and column of a byte of `rows`.
  auto error_at = [&](absl::StatusCode code, size_t off, std::string_view message) {
    int64_t line = first_line, col = first_col;
    size_t line_start = 0;
    for (size_t k = 0; k < off && k < rows.size(); ++k) {
      if (rows[k] == '\n') {
        ++line;
        line_start = k + 1;
        col = 1;
      }
    }
    col = line == first_line ? first_col + static_cast<int64_t>(off) : static_cast<int64_t>(off - line_start) + 1;
    return PositionedError(code, line, col, message);
  };

  std::vector<size_t> positions;  // configured positions, ascending
  for (size_t i = 0; i < ncols; ++i) {
    if (plan.configured[i]) positions.push_back(i);
  }
  std::vector<std::pair<size_t, size_t>> spans(ncols);
  std::vector<SqlValue> values(ncols);
  std::vector<std::string> decoded(ncols);
  std::vector<std::string> replacement(ncols);
  std::vector<bool> keep_original(ncols);
  std::vector<Cell> in, res;
  std::string fitted;  // a replacement cut to its column's length or range
  out->reserve(out->size() + rows.size() + rows.size() / 4);

  TupleScanState st;
  if (bare_) st.depth = 1;
  size_t p = 0, copied = 0;
  while (p < rows.size() || bare_) {
    if (!bare_) {
      TupleEvent ev = ScanTuples(d, &st, rows, &p, true);
      if (ev == TupleEvent::kEnd) break;
      if (ev == TupleEvent::kOuter) {
        if (rows[p] == ',') {
          ++p;
          continue;
        }
        return error_at(absl::StatusCode::kDataLoss, p,
                        absl::StrCat("unexpected text between the tuples of table ", plan.table.Display()));
      }
    }
    const size_t tuple_begin = bare_ ? 0 : p - 1;
    size_t value_begin = p;
    size_t count = 0;
    bool empty_tuple = false;
    while (true) {
      TupleEvent ev = ScanTuples(d, &st, rows, &p, true);
      size_t value_end;
      if (ev == TupleEvent::kComma || ev == TupleEvent::kClose) {
        value_end = p - 1;
      } else if (ev == TupleEvent::kEnd && bare_) {
        value_end = p;
      } else {
        return error_at(absl::StatusCode::kDataLoss, tuple_begin,
                        absl::StrCat("unterminated tuple of table ", plan.table.Display()));
      }
      if (ev == TupleEvent::kClose && bare_) {
        return error_at(absl::StatusCode::kDataLoss, value_end,
                        absl::StrCat("unbalanced ')' in a tuple of table ", plan.table.Display()));
      }
      size_t b = value_begin, e = value_end;
      bool nonempty = Trim(d, rows, &b, &e);
      if (ev == TupleEvent::kClose && count == 0 && !nonempty) {
        empty_tuple = true;  // ()
        break;
      }
      if (!nonempty) {
        return error_at(absl::StatusCode::kDataLoss, value_begin,
                        absl::StrCat("empty value in a tuple of table ", plan.table.Display()));
      }
      if (!bare_ && count < ncols) {
        // The value must sit in the same versioned comment as its column
        // (ColumnInfo::version), or servers that skip the comment would read
        // the values into other columns.
        const int want = count < plan.column_info.size() ? plan.column_info[count].version : 0;
        const int got = st.lex.version();
        if (want != got) {
          return error_at(absl::StatusCode::kDataLoss, b, VersionedMismatchMessage(plan, count, got, want));
        }
      }
      if (count < ncols) spans[count] = {b, e};
      ++count;
      value_begin = p;
      if (ev != TupleEvent::kComma) break;
    }
    if (empty_tuple ? ncols != 0 : count != ncols) {
      return error_at(absl::StatusCode::kDataLoss, tuple_begin,
                      absl::StrCat("tuple of table ", plan.table.Display(), " has ", empty_tuple ? 0 : count,
                                   " values, expected ", ncols));
    }
    for (const RowPlan::Step& step : plan.steps) {
      const size_t k = step.columns.size();
      in.resize(k);
      res.resize(k);
      for (size_t j = 0; j < k; ++j) {
        const size_t col = step.columns[j];
        auto [b, e] = spans[col];
        decoded[col].clear();
        absl::Status s = DecodeValue(d, rows.substr(b, e - b), &values[col], &decoded[col]);
        if (!s.ok()) {
          return error_at(absl::StatusCode::kDataLoss, b,
                          absl::StrCat("column ", plan.column_names[col], " of table ", plan.table.Display(), ": ",
                                       s.message()));
        }
        SqlValue::Kind kind = values[col].kind;
        in[j] = kind == SqlValue::Kind::kNull || kind == SqlValue::Kind::kDefault ? Cell::Null()
                                                                                   : Cell{decoded[col], false};
      }
      step.anonymizer->Anonymize(in, scratch, res);
      for (size_t j = 0; j < k; ++j) {
        scratch.CountCell(step.anonymizer->id(), j, in[j].is_null && res[j].is_null);
        const size_t col = step.columns[j];
        auto [b, e] = spans[col];
        const RowPlan::ColumnInfo* info = col < plan.column_info.size() ? &plan.column_info[col] : nullptr;
        Cell r = res[j];
        if (info != nullptr && !r.is_null) r.value = FitView(info->limit, r.value, &fitted);
        if (info != nullptr && !info->enum_labels.empty() && !r.is_null &&
            values[col].kind != SqlValue::Kind::kDefault) {
          bool member = false;
          for (const std::string& label : info->enum_labels) member = member || label == r.value;
          if (!member) {
            return error_at(absl::StatusCode::kInvalidArgument, b,
                            absl::StrCat("the anonymizer of column ", plan.column_names[col], " of table ",
                                         plan.table.Display(),
                                         " wrote a value that is not one of the column's ENUM labels (use the "
                                         "'string' anonymizer with a sample of labels)"));
          }
        }
        // A value that comes back unchanged keeps its exact original text.
        keep_original[col] = !r.is_null && !in[j].is_null && r.value == in[j].value;
        replacement[col].clear();
        if (!keep_original[col]) {
          EncodeValue(d, rows.substr(b, e - b), values[col], info != nullptr && info->numeric, r,
                      &replacement[col]);
        }
      }
    }
    for (size_t col : positions) {
      if (col < plan.column_info.size() && plan.column_info[col].write_default) {
        // A generated column computed from a configured one: the server
        // recomputes it from the anonymized values (RowPlan::ColumnInfo).
        keep_original[col] = false;
        replacement[col].assign("DEFAULT");
      }
      if (keep_original[col]) continue;
      auto [b, e] = spans[col];
      out->append(rows.data() + copied, b - copied);
      out->append(replacement[col]);
      copied = e;
    }
    if (bare_) break;
  }
  out->append(rows.data() + copied, rows.size() - copied);
  return absl::OkStatus();
}

}  // namespace

const RowRewriter* InsertTupleRewriter(const SqlDialect& d) {
  static const TupleRewriter mysql[2][2] = {
      {TupleRewriter(&MySqlDialect(false, false), false), TupleRewriter(&MySqlDialect(false, true), false)},
      {TupleRewriter(&MySqlDialect(true, false), false), TupleRewriter(&MySqlDialect(true, true), false)}};
  static const TupleRewriter sqlite(&SqliteDialect(), false);
  static const TupleRewriter pg_on(&PostgresDialect(true), false);
  static const TupleRewriter pg_off(&PostgresDialect(false), false);
  if (d.mysql()) return &mysql[d.ansi_quotes][d.backslash_strings];
  if (d.sqlite()) return &sqlite;
  return d.backslash_strings ? &pg_off : &pg_on;
}

const RowRewriter* InsertValuesRewriter(const SqlDialect& d) {
  static const TupleRewriter mysql[2][2] = {
      {TupleRewriter(&MySqlDialect(false, false), true), TupleRewriter(&MySqlDialect(false, true), true)},
      {TupleRewriter(&MySqlDialect(true, false), true), TupleRewriter(&MySqlDialect(true, true), true)}};
  static const TupleRewriter sqlite(&SqliteDialect(), true);
  static const TupleRewriter pg_on(&PostgresDialect(true), true);
  static const TupleRewriter pg_off(&PostgresDialect(false), true);
  if (d.mysql()) return &mysql[d.ansi_quotes][d.backslash_strings];
  if (d.sqlite()) return &sqlite;
  return d.backslash_strings ? &pg_off : &pg_on;
}

}  // namespace dbanon
