// The SQL lexer of parsers/: where string literals, quoted names, comments,
// dollar quotes and MySQL versioned comments begin and end, for every
// dialect (the rules are data: parsers/sql_dialect.h). Every reader of SQL
// text uses it: the statement scanners of the framers (sql_script_framer,
// pg_plain_framer), the tuple scanner of VALUES lists (ScanTuples in
// sql_tuples.h) and the tokenizers of INSERT heads and DDL. A quoting fix
// lands here, once, in every format.
//
// The lexer is resumable and zero-copy: it holds only the state between two
// bytes (inside which literal or comment, the dollar-quote tag, the open
// versioned comments), so input may arrive in pieces of any size and the
// caller keeps the bytes. Its caller drives it with two calls:
//
//   while (p < in.size()) {
//     if (lex.state() != SqlLexer::State::kCode) {
//       p = lex.Skip(in, p, eof, &need_more);   // inside a literal/comment
//       ...
//     }
//     switch (lex.Open(d, in, p, eof, prev, prev2, &end)) { ... }  // code
//   }
//
// Open classifies the code byte in[p]: when a literal, a comment or a
// versioned-comment marker starts there, it consumes its opening bytes and
// returns what opened; otherwise it returns kNone and consumes nothing (a
// byte of a word, a number, punctuation, whitespace: the caller's grammar).
// Skip moves over the bytes of the literal or comment to just after its
// end. Both may answer "need more": the byte at the returned position can
// only be classified with bytes past the end of `in` (a '-' that may open
// `--`, a quote that may be doubled), which happens only when `eof` is
// false; the caller passes those bytes again at the start of its next input
// and calls again there, with the lexer state untouched.
//
// Rules (sources in each dialect's file): a doubled quote inside a literal
// or quoted name stands for the quote and does not end it ('it''s'), except
// in SQLite's [names]; with backslash escapes (dialect or E'...') a
// backslash escapes the next byte (PostgreSQL: the next character); PostgreSQL comments nest; a dollar quote
// is `$tag$` with a tag of at most kMaxDollarTag bytes that are letters,
// `_`, non-ASCII bytes, or digits after the first, opened where the byte
// before is not a byte of a word ($1 is a parameter, a$b a name). Under a
// dialect whose client character set has multibyte characters with ASCII
// bytes in them (SqlDialect::multibyte: SJIS, BIG5, GBK, ...), literals and
// quoted names are read character by character: a 0x5C that ends a
// character is not a backslash; a first byte at the end of a piece is "need
// more" like a backslash there. Code bytes stay the caller's: a caller that
// reads words of code steps over a whole character (MultibyteCharLength).
//
// Thread-safety: one object per thread; the dialects are shared constants.
#ifndef DBANON_PARSERS_SQL_LEXER_H_
#define DBANON_PARSERS_SQL_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "parsers/sql_dialect.h"

namespace dbanon {

class SqlLexer {
 public:
  // Longest dollar-quote tag read as one, `$` included at both ends.
  static constexpr size_t kMaxDollarTag = 66;

  enum class State : uint8_t { kCode, kQuoted, kLineComment, kBlockComment, kDollar };
  // What Open found at a code byte.
  enum class Token : uint8_t {
    kNone,            // a byte of code that opens nothing: not consumed
    kString,          // a string literal opened ('...', E'...', MySQL "..."): state kQuoted
    kQuotedName,      // "...", `...`, [...]: state kQuoted
    kLineComment,     // --, #
    kBlockComment,    // /*
    kDollarQuote,     // $tag$
    kVersionedOpen,   // MySQL /*!NNNNN or /*M!NNNNNN: the text after it is code (state kCode)
    kVersionedClose,  // the */ that ends a versioned comment (state kCode)
    kNeedMore,        // in[p] needs bytes past the end (only when !eof): nothing consumed
  };

  State state() const { return state_; }
  // kQuoted: the closing quote (' " ` ]), whether the literal is a string
  // (else a quoted name) and whether backslashes escape in it.
  char quote() const { return quote_; }
  bool is_string() const { return is_string_; }
  bool escapes() const { return escapes_; }
  // MySQL versioned comments open around the current position, and the
  // VersionedCommentTag (sql_dialect.h) of the outermost, 0 when none.
  int versioned() const { return versioned_; }
  int version() const { return versioned_ > 0 ? version_ : 0; }

  // Back to code outside any literal, comment or versioned comment.
  void Reset() { *this = SqlLexer(); }
  // Restores the number of open versioned comments (a statement scanned
  // again from its start), leaving the state code.
  void ResetTo(int versioned, int version) {
    Reset();
    versioned_ = versioned;
    version_ = version;
  }

  // REQUIRES: state() == kCode, p < in.size(). Classifies in[p] under
  // dialect `d`; `prev` and `prev2` are the two bytes before in[p] (for
  // E'...' and `$`; pass ' ' where there are none). When something opens,
  // sets *end to the index after its opening bytes (the quote, `--`, `/*`,
  // `$tag$`, `/*!NNNNN`, `*/`) and enters its state; else *end = p.
  // Most code bytes (letters, digits, spaces, punctuation) open nothing in
  // any dialect: they are answered here, inline, and only the others are
  // looked at under the dialect's rules.
  Token Open(const SqlDialect& d, std::string_view in, size_t p, bool eof, unsigned char prev, unsigned char prev2,
             size_t* end) {
    if (!MayOpen(static_cast<unsigned char>(in[p]))) {
      *end = p;
      return Token::kNone;
    }
    return OpenSpecial(d, in, p, eof, prev, prev2, end);
  }

  // The bytes that may open a literal or comment, or close a versioned
  // comment, in some dialect: ' " ` [ # - / * $.
  static bool MayOpen(unsigned char c) {
    constexpr uint64_t kLow = (uint64_t{1} << '"') | (uint64_t{1} << '#') | (uint64_t{1} << '$') |
                              (uint64_t{1} << '\'') | (uint64_t{1} << '*') | (uint64_t{1} << '-') |
                              (uint64_t{1} << '/');
    constexpr uint64_t kHigh = (uint64_t{1} << ('[' - 64)) | (uint64_t{1} << ('`' - 64));
    if (c < 64) return (kLow >> c) & 1;
    if (c < 128) return (kHigh >> (c - 64)) & 1;
    return false;
  }

  // REQUIRES: state() != kCode, p <= in.size(). Returns the index after the
  // end of the current literal or comment (state() is kCode again), or
  // in.size() when it goes on past `in`, or, with *need_more set (only when
  // !eof), the index of a byte that needs the bytes after `in` (a quote
  // that may be doubled, a `*` before the end): pass it again.
  size_t Skip(std::string_view in, size_t p, bool eof, bool* need_more);

  // MySQL: the rest of the current versioned comment is not SQL (a mysql
  // client command inside it, `/*M!999999\- enable the sandbox mode */`):
  // it is skipped as a comment whose `*/` also closes the versioned one.
  void SkipRestOfVersioned() {
    state_ = State::kBlockComment;
    comment_depth_ = 1;
    nested_ = false;
    closes_versioned_ = true;
  }

 private:
  Token OpenSpecial(const SqlDialect& d, std::string_view in, size_t p, bool eof, unsigned char prev,
                    unsigned char prev2, size_t* end);
  size_t SkipQuoted(std::string_view in, size_t p, bool eof, bool* need_more);
  size_t SkipBlockComment(std::string_view in, size_t p, bool eof, bool* need_more);
  size_t SkipDollar(std::string_view in, size_t p, bool eof, bool* need_more);

  size_t SkipQuotedMultibyte(std::string_view in, size_t p, bool eof, bool* need_more);

  State state_ = State::kCode;
  MultibyteRule multibyte_ = MultibyteRule::kNone;  // kQuoted: the dialect's, when it opened
  char quote_ = 0;
  bool is_string_ = false;
  bool escapes_ = false;
  bool nested_ = false;            // kBlockComment: PostgreSQL nesting
  bool closes_versioned_ = false;  // kBlockComment: its */ also ends a versioned comment
  int comment_depth_ = 0;
  int versioned_ = 0;
  int version_ = 0;
  std::string dollar_tag_;  // kDollar: "$tag$"
};

// The length in bytes of the character that starts at s[i] under `rule`
// (SqlDialect::multibyte): 1 for a byte below 0x80 and for every byte under
// kNone; 0 when that needs bytes past the end of `s` and !eof (pass them
// again with more input). At eof a character cut by the end of `s` ends
// there. REQUIRES: i < s.size().
size_t MultibyteCharLength(MultibyteRule rule, std::string_view s, size_t i, bool eof);
// True when `c` starts a character of two or more bytes under `rule` (with
// a valid second byte, for MySQL): mysql_real_escape_string escapes such a
// byte when no valid second byte follows it (libmariadb, ma_charset.c).
bool MultibyteFirstByte(MultibyteRule rule, unsigned char c);

// The first `quote` or backslash in [p, end), or end: the inner loop of
// strings with backslash escapes, 16 bytes at a time where SSE2 is there.
// Strings in dumps are short (names, e-mails) and MySQL's take backslash
// escapes, so one pass for both bytes, 16 at a time, beats two memchr calls
// (bench: the tuple scanner and memchr were the top of the profile of a
// 1 GiB mysqldump). Inline: the tuple scanners call it once per literal of
// a few bytes, where a call cost as much as the search (callgrind).
inline const char* FindQuoteOrBackslash(const char* p, const char* end, char quote) {
#if defined(__SSE2__)
  const __m128i q = _mm_set1_epi8(quote);
  const __m128i bs = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != quote && *p != '\\') ++p;
  return p;
}

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_LEXER_H_
