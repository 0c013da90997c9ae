#include "parsers/sql_lexer.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/char_class.h"

namespace dbanon {

SqlLexer::Token SqlLexer::OpenSpecial(const SqlDialect& d, std::string_view in, size_t p, bool eof,
                                      unsigned char prev, unsigned char prev2, size_t* end) {
  const char* data = in.data();
  const size_t n = in.size();
  const unsigned char c = static_cast<unsigned char>(data[p]);
  *end = p;
  auto quoted = [&](char close, bool is_string, bool escapes) {
    state_ = State::kQuoted;
    multibyte_ = d.multibyte;
    quote_ = close;
    is_string_ = is_string;
    escapes_ = escapes;
    *end = p + 1;
    return is_string ? Token::kString : Token::kQuotedName;
  };
  switch (c) {
    case '\'': {
      // E'...' (PostgreSQL docs 4.1.2.2): the E is a word of its own.
      const bool e_prefix = d.e_strings && (prev == 'E' || prev == 'e') && !IsSqlIdentChar(prev2);
      return quoted('\'', true, d.backslash_strings || e_prefix);
    }
    case '"':
      if (d.double_quoted_strings_rule) return quoted('"', true, d.backslash_strings);
      return quoted('"', false, false);
    case '`':
      if (!d.backquoted_names) return Token::kNone;
      return quoted('`', false, false);
    case '[':
      if (!d.bracketed_names) return Token::kNone;
      return quoted(']', false, false);
    case '#':
      if (!d.hash_comments) return Token::kNone;
      state_ = State::kLineComment;
      *end = p + 1;
      return Token::kLineComment;
    case '-': {
      if (p + 1 >= n) return eof ? Token::kNone : Token::kNeedMore;
      if (data[p + 1] != '-') return Token::kNone;
      if (d.dash_comment_needs_space && p + 2 < n && static_cast<unsigned char>(data[p + 2]) > ' ') {
        return Token::kNone;
      }
      if (d.dash_comment_needs_space && p + 2 >= n && !eof) return Token::kNeedMore;
      state_ = State::kLineComment;
      *end = p + 2;
      return Token::kLineComment;
    }
    case '/': {
      if (p + 1 >= n) return eof ? Token::kNone : Token::kNeedMore;
      if (data[p + 1] != '*') return Token::kNone;
      if (d.versioned_comments) {
        // /*!NNNNN and /*M!NNNNNN: the comment's text is code.
        if (p + 2 >= n && !eof) return Token::kNeedMore;
        size_t marker = 0;
        if (p + 2 < n && data[p + 2] == '!') {
          marker = 3;
        } else if (p + 2 < n && data[p + 2] == 'M') {
          if (p + 3 >= n && !eof) return Token::kNeedMore;
          if (p + 3 < n && data[p + 3] == '!') marker = 4;
        }
        if (marker != 0) {
          size_t k = p + marker;
          while (k < n && IsAsciiDigit(static_cast<unsigned char>(data[k]))) ++k;
          if (k == n && !eof) return Token::kNeedMore;
          if (versioned_++ == 0) version_ = VersionedCommentTag(marker == 4, in.substr(p + marker, k - p - marker));
          *end = k;
          return Token::kVersionedOpen;
        }
      }
      state_ = State::kBlockComment;
      comment_depth_ = 1;
      nested_ = d.nested_comments;
      closes_versioned_ = false;
      *end = p + 2;
      return Token::kBlockComment;
    }
    case '*':
      if (versioned_ == 0) return Token::kNone;
      if (p + 1 >= n) return eof ? Token::kNone : Token::kNeedMore;
      if (data[p + 1] != '/') return Token::kNone;
      if (--versioned_ == 0) version_ = 0;
      *end = p + 2;
      return Token::kVersionedClose;
    case '$': {
      if (!d.dollar_quotes || IsSqlIdentChar(prev)) return Token::kNone;
      size_t q = p + 1;
      while (q < n && q - p < kMaxDollarTag - 1 &&
             (IsSqlIdentStart(static_cast<unsigned char>(data[q])) ||
              (q > p + 1 && IsAsciiDigit(static_cast<unsigned char>(data[q]))))) {
        ++q;
      }
      if (q == n) return eof || q - p >= kMaxDollarTag - 1 ? Token::kNone : Token::kNeedMore;
      if (data[q] != '$') return Token::kNone;
      state_ = State::kDollar;
      dollar_tag_.assign(data + p, q - p + 1);
      *end = q + 1;
      return Token::kDollarQuote;
    }
    default:
      return Token::kNone;
  }
}

size_t SqlLexer::Skip(std::string_view in, size_t p, bool eof, bool* need_more) {
  *need_more = false;
  switch (state_) {
    case State::kQuoted:
      return SkipQuoted(in, p, eof, need_more);
    case State::kLineComment: {
      const void* nl = p < in.size() ? std::memchr(in.data() + p, '\n', in.size() - p) : nullptr;
      if (nl == nullptr) return in.size();
      state_ = State::kCode;
      return static_cast<size_t>(static_cast<const char*>(nl) - in.data()) + 1;
    }
    case State::kBlockComment:
      return SkipBlockComment(in, p, eof, need_more);
    case State::kDollar:
      return SkipDollar(in, p, eof, need_more);
    case State::kCode:
      break;
  }
  return p;
}

size_t SqlLexer::SkipQuoted(std::string_view in, size_t p, bool eof, bool* need_more) {
  if (multibyte_ != MultibyteRule::kNone) return SkipQuotedMultibyte(in, p, eof, need_more);
  const char* data = in.data();
  const size_t n = in.size();
  while (p < n) {
    size_t q;
    if (escapes_) {
      const char* f = FindQuoteOrBackslash(data + p, data + n, quote_);
      if (f == data + n) return n;
      q = static_cast<size_t>(f - data);
      if (*f == '\\') {
        if (q + 1 >= n) {
          if (eof) return n;
          *need_more = true;
          return q;
        }
        p = q + 2;
        continue;
      }
    } else {
      const void* f = std::memchr(data + p, quote_, n - p);
      if (f == nullptr) return n;
      q = static_cast<size_t>(static_cast<const char*>(f) - data);
    }
    // A doubled quote stands for the quote: the literal goes on.
    if (q + 1 >= n) {
      if (!eof && quote_ != ']') {
        *need_more = true;
        return q;
      }
    } else if (data[q + 1] == quote_ && quote_ != ']') {
      p = q + 2;
      continue;
    }
    state_ = State::kCode;
    return q + 1;
  }
  return n;
}

size_t SqlLexer::SkipQuotedMultibyte(std::string_view in, size_t p, bool eof, bool* need_more) {
  const char* data = in.data();
  const size_t n = in.size();
  // PostgreSQL's backslash escapes the next character (psql masks the later
  // bytes of a character before its scanner sees them); MySQL's, one byte
  // (sql_lex.cc get_text: yySkip after the backslash).
  const bool pg = multibyte_ <= MultibyteRule::kPgJohab;
  while (p < n) {
    const unsigned char c = static_cast<unsigned char>(data[p]);
    if (c >= 0x80) {
      const size_t len = MultibyteCharLength(multibyte_, in, p, eof);
      if (len == 0) {
        *need_more = true;
        return p;
      }
      p += len;
      continue;
    }
    if (c == '\\' && escapes_) {
      if (p + 1 >= n) {
        if (eof) return n;
        *need_more = true;
        return p;
      }
      size_t len = 1;
      if (pg) {
        len = MultibyteCharLength(multibyte_, in, p + 1, eof);
        if (len == 0) {
          *need_more = true;
          return p;
        }
      }
      p += 1 + len;
      continue;
    }
    if (c != static_cast<unsigned char>(quote_)) {
      ++p;
      continue;
    }
    // A doubled quote stands for the quote: the literal goes on.
    if (p + 1 >= n) {
      if (!eof && quote_ != ']') {
        *need_more = true;
        return p;
      }
    } else if (data[p + 1] == quote_ && quote_ != ']') {
      p += 2;
      continue;
    }
    state_ = State::kCode;
    return p + 1;
  }
  return n;
}

size_t MultibyteCharLength(MultibyteRule rule, std::string_view s, size_t i, bool eof) {
  const size_t n = s.size();
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80 || rule == MultibyteRule::kNone) return 1;
  // The byte at i + k, or -1 past the end.
  auto at = [&](size_t k) { return i + k < n ? static_cast<int>(static_cast<unsigned char>(s[i + k])) : -1; };
  auto in_range = [](int b, int lo, int hi) { return b >= lo && b <= hi; };
  switch (rule) {
    case MultibyteRule::kNone:
      return 1;
    case MultibyteRule::kPgSjis:
    case MultibyteRule::kPgTwoByte:
    case MultibyteRule::kPgGb18030:
    case MultibyteRule::kPgJohab: {
      const CharLayout layout = rule == MultibyteRule::kPgSjis      ? CharLayout::kSjis
                                : rule == MultibyteRule::kPgTwoByte ? CharLayout::kTwoByte
                                : rule == MultibyteRule::kPgGb18030 ? CharLayout::kGb18030
                                                                    : CharLayout::kJohab;
      if (layout == CharLayout::kGb18030 && i + 1 >= n) return eof ? 1 : 0;
      const size_t len = CharLength(layout, s, i);
      if (i + len > n) return eof ? n - i : 0;
      return len;
    }
    case MultibyteRule::kMySqlSjis:
    case MultibyteRule::kMySqlGbk:
    case MultibyteRule::kMySqlBig5:
    case MultibyteRule::kMySqlGb18030: {
      bool lead = false;
      if (rule == MultibyteRule::kMySqlSjis) {
        lead = in_range(c, 0x81, 0x9F) || in_range(c, 0xE0, 0xFC);
      } else if (rule == MultibyteRule::kMySqlBig5) {
        lead = in_range(c, 0xA1, 0xF9);
      } else {
        lead = in_range(c, 0x81, 0xFE);
      }
      if (!lead) return 1;
      const int d = at(1);
      if (d < 0) return eof ? 1 : 0;
      if (rule == MultibyteRule::kMySqlGb18030 && in_range(d, 0x30, 0x39)) {
        const int e = at(2), f = at(3);
        if (e < 0 || (f < 0 && in_range(e, 0x81, 0xFE))) return eof ? 1 : 0;
        return in_range(e, 0x81, 0xFE) && in_range(f, 0x30, 0x39) ? 4 : 1;
      }
      bool trail = false;
      if (rule == MultibyteRule::kMySqlSjis) {
        trail = in_range(d, 0x40, 0x7E) || in_range(d, 0x80, 0xFC);
      } else if (rule == MultibyteRule::kMySqlBig5) {
        trail = in_range(d, 0x40, 0x7E) || in_range(d, 0xA1, 0xFE);
      } else {
        trail = in_range(d, 0x40, 0x7E) || in_range(d, 0x80, 0xFE);
      }
      return trail ? 2 : 1;
    }
  }
  return 1;
}

bool MultibyteFirstByte(MultibyteRule rule, unsigned char c) {
  switch (rule) {
    case MultibyteRule::kNone: return false;
    case MultibyteRule::kPgSjis:
    case MultibyteRule::kMySqlSjis: return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
    case MultibyteRule::kMySqlBig5: return c >= 0xA1 && c <= 0xF9;
    case MultibyteRule::kPgTwoByte:
    case MultibyteRule::kPgGb18030:
    case MultibyteRule::kPgJohab:
    case MultibyteRule::kMySqlGbk:
    case MultibyteRule::kMySqlGb18030: return c >= 0x81 && c <= 0xFE;
  }
  return false;
}

size_t SqlLexer::SkipBlockComment(std::string_view in, size_t p, bool eof, bool* need_more) {
  const char* data = in.data();
  const size_t n = in.size();
  while (p < n) {
    const unsigned char c = static_cast<unsigned char>(data[p]);
    if (c != '*' && !(nested_ && c == '/')) {
      const void* star = std::memchr(data + p, '*', n - p);
      size_t k = star == nullptr ? n : static_cast<size_t>(static_cast<const char*>(star) - data);
      if (nested_) {
        const void* slash = std::memchr(data + p, '/', k - p);
        if (slash != nullptr) k = static_cast<size_t>(static_cast<const char*>(slash) - data);
      }
      p = k;
      continue;
    }
    if (p + 1 >= n) {
      if (eof) return n;
      *need_more = true;
      return p;
    }
    if (c == '*' && data[p + 1] == '/') {
      p += 2;
      if (--comment_depth_ == 0) {
        state_ = State::kCode;
        if (closes_versioned_) {
          closes_versioned_ = false;
          if (versioned_ > 0 && --versioned_ == 0) version_ = 0;
        }
        return p;
      }
      continue;
    }
    if (c == '/' && data[p + 1] == '*') {  // PostgreSQL comments nest
      p += 2;
      ++comment_depth_;
      continue;
    }
    ++p;
  }
  return n;
}

size_t SqlLexer::SkipDollar(std::string_view in, size_t p, bool eof, bool* need_more) {
  const char* data = in.data();
  const size_t n = in.size();
  const size_t len = dollar_tag_.size();
  while (p < n) {
    const void* dl = std::memchr(data + p, '$', n - p);
    if (dl == nullptr) return n;
    p = static_cast<size_t>(static_cast<const char*>(dl) - data);
    if (n - p < len) {
      if (eof) return n;
      *need_more = true;
      return p;
    }
    if (std::memcmp(data + p, dollar_tag_.data(), len) == 0) {
      state_ = State::kCode;
      return p + len;
    }
    ++p;
  }
  return n;
}

}  // namespace dbanon
