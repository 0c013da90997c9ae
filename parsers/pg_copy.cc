#include "parsers/pg_copy.h"

#include <algorithm>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/short_bytes.h"
#include "parsers/column_fit.h"
#include "parsers/row_group.h"
#include "parsers/sql_dialect.h"
#include "parsers/sql_lexer.h"

namespace dbanon {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

namespace {

// The next backslash of `raw` at or after `i` that is a character of its
// own (not a byte of a multibyte character of `layout`), or raw.size().
size_t NextBackslash(std::string_view raw, size_t i, CharLayout layout) {
  if (layout == CharLayout::kAsciiSafe) {
    const char* bs = static_cast<const char*>(std::memchr(raw.data() + i, '\\', raw.size() - i));
    return bs == nullptr ? raw.size() : static_cast<size_t>(bs - raw.data());
  }
  while (i < raw.size() && raw[i] != '\\') {
    i += static_cast<unsigned char>(raw[i]) < 0x80 || i + 1 >= raw.size() ? 1 : CharLength(layout, raw, i);
  }
  return std::min(i, raw.size());
}

}  // namespace

void CopyUnescape(std::string_view raw, std::string* out, CharLayout layout) {
  size_t i = 0;
  while (i < raw.size()) {
    size_t stop = NextBackslash(raw, i, layout);
    out->append(raw.data() + i, stop - i);
    i = stop;
    if (i >= raw.size()) break;
    // raw[i] is a backslash; by precondition a byte follows it.
    char c = raw[i + 1];
    i += 2;
    switch (c) {
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'v': out->push_back('\v'); break;
      case 'x': {
        // `\x` takes one or two hex digits; without any it is a plain 'x'.
        int v = 0, n = 0;
        while (n < 2 && i < raw.size() && HexValue(raw[i]) >= 0) {
          v = v * 16 + HexValue(raw[i++]);
          ++n;
        }
        out->push_back(n == 0 ? 'x' : static_cast<char>(v));
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0', n = 1;
          while (n < 3 && i < raw.size() && raw[i] >= '0' && raw[i] <= '7') {
            v = v * 8 + (raw[i++] - '0');
            ++n;
          }
          out->push_back(static_cast<char>(v & 0xff));
        } else {
          out->push_back(c);
        }
    }
  }
}

namespace {

// Index of the first byte of `s` from `i` on that COPY text must escape (a
// backslash or a control byte from \b to \r), else s.size(). Replacement
// values rarely hold one: 16 bytes are tested at a time.
size_t FirstToEscape(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i thirteen = _mm_set1_epi8(13);
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Unsigned v <= 13 as min(v, 13) == v; \b..\r are 8..13, and bytes 0..7
    // are checked again below (they need no escape).
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, thirteen), v), _mm_cmpeq_epi8(v, backslash));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
  if (i < s.size()) {
    // The last bytes (most replacements are shorter than 16), tested the
    // same way (base/short_bytes.h); a hit is looked at byte by byte below.
    __m128i v = LoadShortBytes(s.substr(i));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, thirteen), v), _mm_cmpeq_epi8(v, backslash));
    if (_mm_movemask_epi8(hit) == 0) return s.size();
  }
#endif
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || (c >= '\b' && c <= '\r')) return i;
  }
  return s.size();
}

}  // namespace

void CopyEscape(std::string_view value, std::string* out, CharLayout layout) {
  if (layout != CharLayout::kAsciiSafe) {
    size_t i = 0;
    while (i < value.size()) {
      const unsigned char c = static_cast<unsigned char>(value[i]);
      if (c >= 0x80) {
        const size_t len =
            layout == CharLayout::kGb18030 && i + 1 >= value.size() ? 2 : CharLength(layout, value, i);
        if (i + len > value.size()) {
          out->push_back('?');
          break;
        }
        out->append(value.data() + i, len);
        i += len;
        continue;
      }
      CopyEscape(value.substr(i, 1), out);
      ++i;
    }
    return;
  }
  size_t first = FirstToEscape(value, 0);
  if (first == value.size()) {
    out->append(value);
    return;
  }
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = first; i < value.size(); ++i) {
    char e;
    switch (value[i]) {
      case '\\': e = '\\'; break;
      case '\b': e = 'b'; break;
      case '\f': e = 'f'; break;
      case '\n': e = 'n'; break;
      case '\r': e = 'r'; break;
      case '\t': e = 't'; break;
      case '\v': e = 'v'; break;
      default: continue;
    }
    out->append(value.data() + run, i - run);
    out->push_back('\\');
    out->push_back(e);
    run = i + 1;
  }
  out->append(value.data() + run, value.size() - run);
}

namespace {

// The next TAB of `row` at or after `from`, or npos. Fields are short: a
// 16-byte scan beats a call to memchr per field.
size_t NextTab(std::string_view row, size_t from) {
#if defined(__SSE2__)
  const __m128i tab = _mm_set1_epi8('\t');
  for (; from + 16 <= row.size(); from += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row.data() + from));
    int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, tab));
    if (mask != 0) return from + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; from < row.size(); ++from) {
    if (row[from] == '\t') return from;
  }
  return std::string_view::npos;
}

}  // namespace

CopySplit SplitCopyRow(std::string_view row, CharLayout layout, std::vector<std::string_view>* fields) {
  if (layout == CharLayout::kAsciiSafe) {
    return SplitCopyRow(row, fields) ? CopySplit::kOk : CopySplit::kTrailingBackslash;
  }
  fields->clear();
  size_t start = 0;
  size_t i = 0;
  while (i < row.size()) {
    const unsigned char c = static_cast<unsigned char>(row[i]);
    if (c >= 0x80) {
      if (i + 1 >= row.size()) return CopySplit::kCutCharacter;
      i += CharLength(layout, row, i);
      if (i > row.size()) return CopySplit::kCutCharacter;
    } else if (c == '\\') {
      if (i + 1 >= row.size()) return CopySplit::kTrailingBackslash;
      if (static_cast<unsigned char>(row[i + 1]) >= 0x80) return CopySplit::kEscapedMultibyte;
      i += 2;
    } else if (c == '\t') {
      fields->push_back(row.substr(start, i - start));
      start = ++i;
    } else {
      ++i;
    }
  }
  fields->push_back(row.substr(start));
  return CopySplit::kOk;
}

bool SplitCopyRow(std::string_view row, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t start = 0;
  size_t search = 0;
  while (true) {
    size_t t = NextTab(row, search);
    if (t == std::string_view::npos) break;
    // A TAB preceded by an odd run of backslashes is escaped data (every
    // backslash consumes exactly the byte after it).
    size_t b = t;
    while (b > start && row[b - 1] == '\\') --b;
    if (((t - b) & 1) == 1) {
      search = t + 1;
      continue;
    }
    fields->push_back(row.substr(start, t - start));
    start = search = t + 1;
  }
  std::string_view last = row.substr(start);
  size_t b = last.size();
  while (b > 0 && last[b - 1] == '\\') --b;
  if (((last.size() - b) & 1) == 1) return false;
  fields->push_back(last);
  return true;
}

TableName CopyHeader::Table() const {
  size_t n = name_parts.size();
  return TableName{n >= 2 ? name_parts[n - 2] : std::string("public"), name_parts[n - 1]};
}

namespace {

// A minimal tokenizer for the COPY statement: names, quoted names,
// punctuation; anything else is kOther. The SQL lexer (parsers/sql_lexer.h)
// finds quoted names, literals and comments with psql's rules.
struct Token {
  enum Kind { kName, kQuotedName, kPunct, kOther, kEnd } kind;
  std::string text;  // names: unquoted (bare names folded to lower case)
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}

  absl::StatusOr<Token> Next() {
    const SqlDialect& d = PostgresDialect(true);
    while (true) {
      while (i_ < s_.size() && IsSqlSpace(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ >= s_.size()) return Token{Token::kEnd, ""};
      const unsigned char c = s_[i_];
      size_t end = i_;
      const SqlLexer::Token token =
          lex_.Open(d, s_, i_, true, i_ > 0 ? s_[i_ - 1] : ' ', i_ > 1 ? s_[i_ - 2] : ' ', &end);
      if (token == SqlLexer::Token::kNone) {
        if (IsSqlIdentStart(c)) {
          std::string text;
          while (i_ < s_.size() && IsSqlIdentChar(static_cast<unsigned char>(s_[i_]))) {
            text.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(s_[i_]))));
            ++i_;
          }
          // U&"..." identifiers and E'...' strings are not names.
          if (i_ < s_.size() && (s_[i_] == '\'' || (s_[i_] == '&'))) return Token{Token::kOther, text};
          return Token{Token::kName, std::move(text)};
        }
        ++i_;
        if (c == '.' || c == ',' || c == '(' || c == ')' || c == ';') return Token{Token::kPunct, std::string(1, c)};
        return Token{Token::kOther, std::string(1, c)};
      }
      bool more = false;
      const size_t close = lex_.Skip(s_, end, true, &more);
      const bool closed = lex_.state() == SqlLexer::State::kCode;
      lex_.Reset();
      if (token == SqlLexer::Token::kQuotedName) {
        if (!closed) return absl::InvalidArgumentError("unterminated quoted identifier in COPY statement");
        std::string text;
        for (size_t k = end; k + 1 < close; ++k) {
          text.push_back(s_[k]);
          if (s_[k] == '"') ++k;  // "" stands for "
        }
        i_ = close;
        return Token{Token::kQuotedName, std::move(text)};
      }
      i_ = close;
      if (token == SqlLexer::Token::kLineComment || token == SqlLexer::Token::kBlockComment) continue;
      return Token{Token::kOther, std::string(1, c)};  // a string literal, a dollar quote
    }
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
  SqlLexer lex_;
};

bool IsName(const Token& t) { return t.kind == Token::kName || t.kind == Token::kQuotedName; }
bool IsKeyword(const Token& t, std::string_view kw) { return t.kind == Token::kName && t.text == kw; }
bool IsPunct(const Token& t, char p) { return t.kind == Token::kPunct && t.text.size() == 1 && t.text[0] == p; }

}  // namespace

absl::StatusOr<std::optional<CopyHeader>> ParseCopyHeader(std::string_view statement) {
  Tokenizer tz(statement);
  auto next = [&]() { return tz.Next(); };
  auto t = next();
  if (!t.ok()) return t.status();
  if (!IsKeyword(*t, "copy")) return std::optional<CopyHeader>();
  CopyHeader h;
  t = next();
  if (!t.ok()) return t.status();
  if (IsPunct(*t, '(')) return std::optional<CopyHeader>();  // COPY (query) TO ...
  // Qualified name.
  while (true) {
    if (!IsName(*t)) return absl::InvalidArgumentError("expected a table name after COPY");
    h.name_parts.push_back(t->text);
    t = next();
    if (!t.ok()) return t.status();
    if (!IsPunct(*t, '.')) break;
    t = next();
    if (!t.ok()) return t.status();
  }
  if (h.name_parts.size() > 3) return absl::InvalidArgumentError("table name with more than three parts in COPY");
  if (IsPunct(*t, '(')) {
    h.has_column_list = true;
    while (true) {
      t = next();
      if (!t.ok()) return t.status();
      if (!IsName(*t)) return absl::InvalidArgumentError("expected a column name in the COPY column list");
      h.columns.push_back(t->text);
      t = next();
      if (!t.ok()) return t.status();
      if (IsPunct(*t, ')')) break;
      if (!IsPunct(*t, ',')) return absl::InvalidArgumentError("expected ',' or ')' in the COPY column list");
    }
    t = next();
    if (!t.ok()) return t.status();
  }
  // COPY ... TO writes no data into the script; anything but FROM and TO
  // here is a damaged statement, not "some other COPY".
  if (IsKeyword(*t, "to")) return std::optional<CopyHeader>();
  if (!IsKeyword(*t, "from")) return absl::InvalidArgumentError("expected FROM or TO in the COPY statement");
  t = next();
  if (!t.ok()) return t.status();
  if (!IsKeyword(*t, "stdin")) {
    // A file name ('...', E'...') or PROGRAM: psql reads no data from the
    // script.
    const bool literal = t->kind == Token::kOther && !t->text.empty() &&
                         (t->text == "'" || absl::ascii_isalpha(static_cast<unsigned char>(t->text[0])));
    if (literal || IsKeyword(*t, "program")) return std::optional<CopyHeader>();
    return absl::InvalidArgumentError("expected STDIN, a file name or PROGRAM after FROM in the COPY statement");
  }
  t = next();
  if (!t.ok()) return t.status();
  if (!IsPunct(*t, ';') && t->kind != Token::kEnd) h.text_format = false;
  return std::optional<CopyHeader>(std::move(h));
}

// Rows go in groups of up to kGroup: each group is split first, then every
// configured anonymizer sees the group's values at once (AnonymizeRows: one
// batch of keyed PRF calls), then the group is written. The buffers live in
// the thread's CopyRowGroup and keep their capacity from call to call, so
// the row path allocates nothing once warm.
namespace {

constexpr size_t kGroup = 64;

struct CopyRowGroup {
  std::vector<std::string_view> cells;      // of the row being split
  std::vector<std::string_view> rows;       // the group's rows, without CR LF
  std::vector<char> crlf;                   // per row
  std::vector<char> plain;                  // per row: it holds no backslash (SplitPlainLine)
  std::vector<size_t> step_slot;            // per step column, in step order: its configured position's index
  std::vector<std::string_view> raw;        // per row and configured position
  std::vector<std::string> decoded;         // per row and step column
  ReplacementBuffer replacements;
  std::vector<ReplacementBuffer::Span> replacement;  // per row and configured position
  std::string escaped;                      // CopyEscape's output, before it joins `replacements`
  std::vector<Cell> in, res;                // per row and step column
  std::string fitted;                       // a replacement cut to its column's length or range
  std::string narrowed;                     // a replacement in a narrower valid form (FitCell)
};

CopyRowGroup& ThreadCopyRowGroup() {
  thread_local CopyRowGroup group;
  return group;
}

// Finds the end of the row that starts at `p` (its first LF, or p + n) and,
// when the row holds no backslash (then no TAB is escaped and no field
// needs CopyUnescape), splits it at its TABs into *cells, in the same pass.
// Returns the row's length; *plain tells whether *cells holds its fields
// (else they are unspecified). The bytes from p up to `readable` may be
// read (16 at a time; those past p + n are masked), which saves a scalar
// tail on every row but the last of a call.
size_t SplitPlainLine(const char* p, size_t n, const char* readable, std::vector<std::string_view>* cells,
                      bool* plain) {
  cells->clear();
  size_t start = 0;
  size_t i = 0;
  auto rest_of_row = [&](size_t from) {  // after a backslash
    *plain = false;
    const void* nl = from < n ? std::memchr(p + from, '\n', n - from) : nullptr;
    return nl == nullptr ? n : static_cast<size_t>(static_cast<const char*>(nl) - p);
  };
#if defined(__SSE2__)
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i lf = _mm_set1_epi8('\n');
  for (; i < n && readable - (p + i) >= 16; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const unsigned valid = n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1;
    const unsigned lfs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf))) & valid;
    const unsigned in_row = lfs != 0 ? (lfs & (0u - lfs)) - 1 : valid;  // the bytes before the first LF
    const unsigned backslashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash))) & in_row;
    if (backslashes != 0) {
      *plain = false;
      return lfs != 0 ? i + static_cast<size_t>(__builtin_ctz(lfs)) : rest_of_row(i + 16);
    }
    unsigned tabs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab))) & in_row;
    while (tabs != 0) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(tabs));
      cells->emplace_back(p + start, at - start);
      start = at + 1;
      tabs &= tabs - 1;
    }
    if (lfs != 0) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(lfs));
      cells->emplace_back(p + start, at - start);
      *plain = true;
      return at;
    }
  }
#endif
  for (; i < n; ++i) {
    const char c = p[i];
    if (c == '\n') break;
    if (c == '\\') return rest_of_row(i + 1);
    if (c == '\t') {
      cells->emplace_back(p + start, i - start);
      start = i + 1;
    }
  }
  cells->emplace_back(p + start, i - start);
  *plain = true;
  return i;
}

// RewriteCopyRows, or with `fields` the rewriting of one span of whole
// fields of a row, without its line ending (CopyFieldsRewriter): `first_col`
// is the span's column in its row.
absl::Status RewriteCopy(const RowPlan& plan, std::string_view rows, int64_t first_line, int64_t first_col,
                         bool fields, CharLayout layout, std::string* out, Scratch& scratch) {
  CopyRowGroup& g = ThreadCopyRowGroup();
  TrimGroupOnExit<CopyRowGroup> trim(g);
  std::vector<std::string_view>& cells = g.cells;
  // Configured positions, ascending; slot_of(c) = index of column c among
  // them. A generated column (write_default) never has COPY data: PostgreSQL
  // refuses COPY into one, so pg_dump leaves it out of the column list.
  size_t positions_buf[16];
  std::vector<size_t> positions_vec;
  size_t npos = 0;
  for (size_t i = 0; i < plan.num_columns; ++i) {
    const bool write_default = i < plan.column_info.size() && plan.column_info[i].write_default;
    if (plan.configured[i] && !write_default) ++npos;
  }
  size_t* positions = positions_buf;
  if (npos > std::size(positions_buf)) {
    positions_vec.resize(npos);
    positions = positions_vec.data();
  }
  npos = 0;
  for (size_t i = 0; i < plan.num_columns; ++i) {
    const bool write_default = i < plan.column_info.size() && plan.column_info[i].write_default;
    if (plan.configured[i] && !write_default) positions[npos++] = i;
  }
  auto slot_of = [&](size_t column) {
    return static_cast<size_t>(std::lower_bound(positions, positions + npos, column) - positions);
  };
  g.step_slot.clear();
  for (const RowPlan::Step& step : plan.steps) {
    for (size_t column : step.columns) g.step_slot.push_back(slot_of(column));
  }
  const char* readable = rows.data() + rows.size();
  if (g.raw.size() < kGroup * npos) g.raw.resize(kGroup * npos);
  if (g.replacement.size() < kGroup * npos) g.replacement.resize(kGroup * npos);
  out->reserve(out->size() + rows.size() + rows.size() / 4);
  int64_t line = first_line;
  size_t pos = 0;
  while (pos < rows.size()) {
    // Split up to kGroup rows.
    g.rows.clear();
    g.crlf.clear();
    g.plain.clear();
    while (pos < rows.size() && g.rows.size() < kGroup) {
      // The row's end and, for the common row (ASCII-safe encoding, no
      // backslash), its fields, in one pass.
      bool plain = false;
      size_t end;
      if (layout == CharLayout::kAsciiSafe) {
        end = pos + SplitPlainLine(rows.data() + pos, rows.size() - pos, readable, &cells, &plain);
      } else {
        const char* nl = static_cast<const char*>(std::memchr(rows.data() + pos, '\n', rows.size() - pos));
        end = nl == nullptr ? rows.size() : static_cast<size_t>(nl - rows.data());
      }
      std::string_view row = rows.substr(pos, end - pos);
      // A row that ends in CR LF (a dump that went through Windows or
      // `docker exec -t`): COPY reads CR LF as the line ending when the block's
      // first row ends that way (PostgreSQL docs, "COPY, File Formats"; a data
      // CR is always escaped as \r). The framer checks that every row of the
      // block ends like the first; the row is written back with its ending.
      const bool crlf = !fields && !row.empty() && row.back() == '\r';
      if (crlf) {
        row.remove_suffix(1);
        if (plain) cells.back().remove_suffix(1);
      }
      const int64_t row_line = line + static_cast<int64_t>(g.rows.size());
      const int64_t col0 = fields ? first_col - 1 : 0;
      if (CopySplit split = plain ? CopySplit::kOk : SplitCopyRow(row, layout, &cells); split != CopySplit::kOk) {
        return PositionedError(absl::StatusCode::kDataLoss, row_line, col0 + static_cast<int64_t>(row.size()),
                               split == CopySplit::kTrailingBackslash
                                   ? absl::StrCat("invalid escape: backslash at the end of a row of table ",
                                                  plan.table.Display())
                               : split == CopySplit::kEscapedMultibyte
                                   ? absl::StrCat("a backslash before a multibyte character in a row of table ",
                                                  plan.table.Display(),
                                                  " (COPY reads it differently line by line and field by field)")
                                   : absl::StrCat("a multibyte character cut by the end of a row of table ",
                                                  plan.table.Display()));
      }
      if (cells.size() != plan.num_columns) {
        int64_t col = 1;
        if (cells.size() > plan.num_columns) {
          col = static_cast<int64_t>(cells[plan.num_columns].data() - row.data());
        } else {
          col = static_cast<int64_t>(row.size()) + 1;
        }
        return PositionedError(absl::StatusCode::kDataLoss, row_line, col0 + col,
                               absl::StrCat("row of table ", plan.table.Display(), " has ", cells.size(),
                                            " fields, expected ", plan.num_columns));
      }
      const size_t r = g.rows.size();
      for (size_t k = 0; k < npos; ++k) g.raw[r * npos + k] = cells[positions[k]];
      g.rows.push_back(row);
      g.crlf.push_back(crlf);
      g.plain.push_back(plain);
      pos = end + 1;
    }
    const size_t nrows = g.rows.size();
    // Each anonymizer, over the whole group. The loops read through local
    // pointers: the compiler cannot keep a vector's bounds in registers
    // across writes to strings it may think alias them.
    const size_t* next_slots = g.step_slot.data();
    const std::string_view* raw_cells = g.raw.data();
    const char* plain_rows = g.plain.data();
    ReplacementBuffer::Span* replacement = g.replacement.data();
    g.replacements.Clear();
    const RowPlan::ColumnInfo* infos = plan.column_info.data();
    const size_t ninfos = plan.column_info.size();
    for (const RowPlan::Step& step : plan.steps) {
      const size_t n = step.columns.size();
      const size_t* step_slot = next_slots;  // of this step's columns
      const size_t* step_columns = step.columns.data();
      next_slots += n;
      g.in.resize(nrows * n);
      g.res.resize(nrows * n);
      if (g.decoded.size() < nrows * n) g.decoded.resize(nrows * n);
      Cell* in_cells = g.in.data();
      for (size_t r = 0; r < nrows; ++r) {
        for (size_t j = 0; j < n; ++j) {
          std::string_view raw = raw_cells[r * npos + step_slot[j]];
          Cell& c = in_cells[r * n + j];
          if (plain_rows[r]) {
            c = Cell{raw, false};
          } else if (raw == "\\N") {
            c = Cell::Null();
          } else if (raw.find('\\') == std::string_view::npos) {
            c = Cell{raw, false};
          } else {
            std::string& d = g.decoded[r * n + j];
            d.clear();
            CopyUnescape(raw, &d, layout);
            c = Cell{d, false};
          }
        }
      }
      step.anonymizer->AnonymizeRows(g.in, scratch, g.res);
      const Cell* res_cells = g.res.data();
      const size_t id = step.anonymizer->id();
      for (size_t r = 0; r < nrows; ++r) {
        for (size_t j = 0; j < n; ++j) {
          const Cell& in = in_cells[r * n + j];
          const Cell& res = res_cells[r * n + j];
          scratch.CountCell(id, j, in.is_null && res.is_null);
          ReplacementBuffer::Span& rep = replacement[r * npos + step_slot[j]];
          if (res.is_null) {
            rep = g.replacements.Add("\\N");
            continue;
          }
          std::string_view v = res.value;
          if (step_columns[j] < ninfos) {
            v = FitCell(*step.anonymizer, j, infos[step_columns[j]].limit, v, &g.narrowed, &g.fitted);
          }
          if (layout == CharLayout::kAsciiSafe && NeedsNoEscape(v)) {
            rep = g.replacements.Add(v);  // what CopyEscape writes then
          } else {
            g.escaped.clear();
            CopyEscape(v, &g.escaped, layout);
            rep = g.replacements.Add(g.escaped);
          }
        }
      }
    }
    // Write the group: its size first, then one resize and short copies
    // (an append per piece cost more than the piece).
    size_t bytes = 0;
    for (size_t r = 0; r < nrows; ++r) {
      bytes += g.rows[r].size() + (g.crlf[r] ? 1 : 0) + (fields ? 0 : 1);
      for (size_t k = 0; k < npos; ++k) bytes += replacement[r * npos + k].size - raw_cells[r * npos + k].size();
    }
    const size_t at = out->size();
    out->resize(at + bytes);
    char* w = out->data() + at;
    for (size_t r = 0; r < nrows; ++r) {
      std::string_view row = g.rows[r];
      const char* copied = row.data();
      for (size_t k = 0; k < npos; ++k) {
        std::string_view raw = raw_cells[r * npos + k];
        const std::string_view rep = g.replacements.View(replacement[r * npos + k]);
        w = CopyShort(w, copied, static_cast<size_t>(raw.data() - copied));
        w = CopyShort(w, rep.data(), rep.size());
        copied = raw.data() + raw.size();
      }
      w = CopyShort(w, copied, static_cast<size_t>(row.data() + row.size() - copied));
      if (g.crlf[r]) *w++ = '\r';
      if (!fields) *w++ = '\n';
    }
    line += static_cast<int64_t>(nrows);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RewriteCopyRows(const RowPlan& plan, std::string_view rows, int64_t first_line, std::string* out,
                             Scratch& scratch) {
  return RewriteCopy(plan, rows, first_line, 1, false, CharLayout::kAsciiSafe, out, scratch);
}

namespace {

// COPY text rows (or, with `fields`, spans of fields of one row) in a client
// encoding of `layout`.
class CopyText : public RowRewriter {
 public:
  CopyText(CharLayout layout, bool fields) : layout_(layout), fields_(fields) {}
  absl::Status Rewrite(const RowPlan& plan, std::string_view rows, int64_t first_line, int64_t first_col,
                       std::string* out, Scratch& scratch) const override {
    return RewriteCopy(plan, rows, first_line, first_col, fields_, layout_, out, scratch);
  }

 private:
  CharLayout layout_;
  bool fields_;
};

const RowRewriter* CopyRewriter(CharLayout layout, bool fields) {
  static const CopyText rewriters[2][5] = {
      {CopyText(CharLayout::kAsciiSafe, false), CopyText(CharLayout::kSjis, false),
       CopyText(CharLayout::kTwoByte, false), CopyText(CharLayout::kGb18030, false),
       CopyText(CharLayout::kJohab, false)},
      {CopyText(CharLayout::kAsciiSafe, true), CopyText(CharLayout::kSjis, true), CopyText(CharLayout::kTwoByte, true),
       CopyText(CharLayout::kGb18030, true), CopyText(CharLayout::kJohab, true)}};
  return &rewriters[fields ? 1 : 0][static_cast<size_t>(layout)];
}

}  // namespace

const RowRewriter* CopyTextRewriter(CharLayout layout) { return CopyRewriter(layout, false); }

const RowRewriter* CopyFieldsRewriter(CharLayout layout) { return CopyRewriter(layout, true); }

void CopyRowCutter::Start(std::string table, const RowPlan* plan, bool drop, int64_t header_line, int64_t line,
                          int64_t col, CharLayout layout) {
  table_ = std::move(table);
  layout_ = layout;
  text_rewriter_ = CopyTextRewriter(layout);
  header_line_ = header_line;
  plan_ = plan;
  drop_ = drop;
  line_ = line;
  col_ = col;
  rows_ = 0;
  mid_line_ = false;
  eol_ = 0;
  long_row_ = false;
  hold_ = nullptr;
  searched_ = 0;
}

void CopyRowCutter::Emit(std::vector<Segment>* out, Segment::Kind kind, size_t begin, size_t end,
                         const RowPlan* plan, const RowRewriter* rewriter, int64_t col) const {
  if (begin == end) return;
  if (plan != nullptr && rewriter == nullptr) rewriter = text_rewriter_;
  if (!out->empty()) {
    Segment& last = out->back();
    if (last.kind == kind && last.plan == plan && last.rewriter == rewriter && last.end == begin) {
      last.end = end;
      return;
    }
  }
  out->push_back(Segment{kind, begin, end, line_, plan, rewriter, col});
}

const std::vector<CopyRowCutter::Group>& CopyRowCutter::GroupsOf(const RowPlan& plan) {
  for (const auto& [p, groups] : groups_->by_plan) {
    if (p == &plan) return groups;
  }
  // The columns each step reads, from the first to the last, merged where
  // they overlap.
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<bool> read(plan.num_columns, false);
  for (const RowPlan::Step& step : plan.steps) {
    if (step.columns.empty()) continue;
    size_t lo = step.columns[0], hi = step.columns[0];
    for (size_t c : step.columns) {
      lo = std::min(lo, c);
      hi = std::max(hi, c);
      if (c < read.size()) read[c] = true;
    }
    spans.emplace_back(lo, hi);
  }
  std::sort(spans.begin(), spans.end());
  std::vector<Group> groups;
  for (const auto& [lo, hi] : spans) {
    if (!groups.empty() && lo <= groups.back().last) {
      groups.back().last = std::max(groups.back().last, hi);
    } else {
      groups.push_back(Group{lo, hi, false, nullptr});
    }
  }
  for (Group& g : groups) {
    auto sub = std::make_unique<RowPlan>();
    sub->table = plan.table;
    sub->num_columns = g.last - g.first + 1;
    for (size_t c = g.first; c <= g.last; ++c) {
      if (c < plan.column_names.size()) sub->column_names.push_back(plan.column_names[c]);
      sub->configured.push_back(c < plan.configured.size() && plan.configured[c]);
      if (c < plan.column_info.size()) sub->column_info.push_back(plan.column_info[c]);
      g.gaps = g.gaps || !read[c];
    }
    for (const RowPlan::Step& step : plan.steps) {
      if (step.columns.empty() || step.columns[0] < g.first || step.columns[0] > g.last) continue;
      RowPlan::Step shifted{step.anonymizer, {}};
      for (size_t c : step.columns) shifted.columns.push_back(c - g.first);
      sub->steps.push_back(std::move(shifted));
    }
    g.plan = std::move(sub);
  }
  groups_->by_plan.emplace_back(&plan, std::move(groups));
  return groups_->by_plan.back().second;
}

absl::Status CopyRowCutter::LongRowError(int64_t offset, std::string_view message) const {
  return PositionedError(absl::StatusCode::kDataLoss, line_, offset + 1, message);
}

namespace {

// The first TAB, LF or backslash of `s` at or after `i`, or s.size(): what
// ends or escapes inside a field. 16 bytes are tested at a time.
size_t NextSpecial(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                               _mm_cmpeq_epi8(v, backslash));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < s.size(); ++i) {
    if (s[i] == '\t' || s[i] == '\n' || s[i] == '\\') return i;
  }
  return s.size();
}

}  // namespace

absl::Status CopyRowCutter::CutLongRow(std::string_view input, size_t* pos, bool eof, std::vector<Segment>* out,
                                       bool* row_done) {
  (void)eof;
  *row_done = false;
  const size_t n = input.size();
  const size_t p0 = *pos;  // input[p0] is the row's byte base_
  auto off = [&](size_t at) { return base_ + static_cast<int64_t>(at - p0); };
  auto at = [&](int64_t offset) { return p0 + static_cast<size_t>(offset - base_); };
  const std::vector<Group>& groups = *groups_of_plan_;
  size_t emit_from = hold_ != nullptr ? at(hold_from_) : p0;
  size_t j = at(scanned_);
  while (j < n) {
    if (escape_) {
      // COPY text: a backslash takes the byte after it, whatever it is.
      escape_ = false;
      const char c = input[j];
      if (c == '\n') {
        return LongRowError(off(j) - 1,
                            absl::StrCat("invalid escape: backslash at the end of a row of table ", table_));
      }
      if (layout_ != CharLayout::kAsciiSafe && static_cast<unsigned char>(c) >= 0x80) {
        return LongRowError(off(j) - 1, absl::StrCat("a backslash before a multibyte character in a row of table ",
                                                     table_,
                                                     " (COPY reads it differently line by line and field by field)"));
      }
      if (c == '\r') escaped_cr_ = off(j);
      prev_cr_ = c == '\r';
      ++j;
      continue;
    }
    // The next TAB, LF or backslash that is a character of its own. In a
    // layout whose characters may hold ASCII bytes, multibyte characters are
    // stepped over whole; k may then pass the end of the input (a character
    // cut by it), or stop at a GB18030 lead byte whose next byte has not come.
    size_t k = j;
    if (layout_ == CharLayout::kAsciiSafe) {
      k = NextSpecial(input, j);
    } else {
      while (k < n) {
        const unsigned char c = static_cast<unsigned char>(input[k]);
        if (c == '\t' || c == '\n' || c == '\\') break;
        if (c < 0x80) {
          ++k;
        } else if (k + 1 >= n && layout_ == CharLayout::kGb18030) {
          break;
        } else {
          k += CharLength(layout_, input, k);
        }
      }
    }
    if (k >= n || (input[k] != '\t' && input[k] != '\n' && input[k] != '\\')) {
      if (k > j) prev_cr_ = k <= n && input[k - 1] == '\r';
      j = k;
      break;
    }
    const bool before_cr = k > j ? input[k - 1] == '\r' : prev_cr_;
    if (input[k] == '\\') {
      escape_ = true;
      prev_cr_ = false;
      j = k + 1;
      continue;
    }
    const bool row_end = input[k] == '\n';
    const bool crlf = row_end && before_cr;
    if (crlf && escaped_cr_ == off(k) - 1) {
      return LongRowError(off(k) - 2,
                          absl::StrCat("invalid escape: backslash at the end of a row of table ", table_));
    }
    if (!row_end && field_ + 1 >= plan_->num_columns) {
      return LongRowError(off(k), absl::StrCat("row of table ", table_, " has more than ", plan_->num_columns,
                                               " fields, expected ", plan_->num_columns));
    }
    if (row_end && field_ + 1 != plan_->num_columns) {
      return LongRowError(off(k), absl::StrCat("row of table ", table_, " has ", field_ + 1, " fields, expected ",
                                               plan_->num_columns));
    }
    const size_t field_end = crlf ? k - 1 : k;
    if (hold_ != nullptr && field_ == hold_->last) {
      Emit(out, Segment::Kind::kRows, emit_from, field_end, hold_->plan.get(), CopyFieldsRewriter(layout_),
           hold_from_ + 1);
      emit_from = field_end;
      hold_ = nullptr;
    }
    if (row_end) {
      const int eol = crlf ? 2 : 1;
      if (eol_ == 0) eol_ = eol;
      if (eol != eol_) {
        return LongRowError(off(k) - (eol == 2 ? 1 : 0),
                            absl::StrCat("a row of table ", table_, " ends with ", eol == 2 ? "CR LF" : "LF",
                                         " but the first row of its COPY block with ", eol == 2 ? "LF" : "CR LF",
                                         ": COPY refuses mixed line endings"));
      }
      Emit(out, Segment::Kind::kRaw, emit_from, k + 1, nullptr);
      ++rows_;
      ++line_;
      col_ = 1;
      long_row_ = false;
      *pos = k + 1;
      *row_done = true;
      return absl::OkStatus();
    }
    ++field_;
    j = k + 1;
    prev_cr_ = false;
    if (group_at_[field_] >= 0) {
      // A group starts: what comes before it is cut; it is held.
      Emit(out, Segment::Kind::kRaw, emit_from, j, nullptr);
      emit_from = j;
      hold_ = &groups[static_cast<size_t>(group_at_[field_])];
      hold_from_ = off(j);
    }
  }
  if (hold_ == nullptr) {
    Emit(out, Segment::Kind::kRaw, emit_from, std::min(j, n), nullptr);
    emit_from = std::min(j, n);
  } else if (off(n) - hold_from_ > static_cast<int64_t>(max_row_bytes_)) {
    auto name = [&](size_t c) {
      return c < plan_->column_names.size() ? plan_->column_names[c] : absl::StrCat("#", c + 1);
    };
    if (!hold_->gaps) {
      // A configured value is held whole to be rewritten: past the limit,
      // memory would grow with the value (a gzip bomb in one field).
      return LongRowError(hold_from_, absl::StrCat("a value of configured table ", table_, ", column ",
                                                   name(hold_->first), ", is too long to anonymize (over ",
                                                   max_row_bytes_ >> 20, " MiB)"));
    }
    return LongRowError(hold_from_, absl::StrCat("a row of configured table ", table_, " is too long to hold (over ",
                                                 max_row_bytes_ >> 20, " MiB from column ",
                                                 name(hold_->first), " to column ", name(hold_->last),
                                                 ", which one anonymizer reads together, around other columns)"));
  }
  scanned_ = off(j);
  base_ = off(emit_from);
  col_ = scanned_ + 1;
  *pos = emit_from;
  return absl::OkStatus();
}

absl::StatusOr<CopyRowCutter::Stop> CopyRowCutter::Cut(std::string_view input, size_t* pos, bool eof,
                                                       std::vector<Segment>* out) {
  const size_t n = input.size();
  const Segment::Kind pass = drop_ ? Segment::Kind::kDrop : Segment::Kind::kRaw;
  // Whole rows that follow each other become one segment: they are gathered
  // in [run_from, run_to) (run_line: the line of its first row) and emitted
  // before anything else is, not one Emit per row.
  const Segment::Kind row_kind = plan_ != nullptr ? Segment::Kind::kRows : pass;
  size_t run_from = *pos, run_to = *pos;
  int64_t run_line = line_;
  auto flush_rows = [&] {
    if (run_to == run_from) return;
    const int64_t line = line_;
    line_ = run_line;
    Emit(out, row_kind, run_from, run_to, plan_);
    line_ = line;
    run_from = run_to;
  };
  size_t i = *pos;
  Stop stop = Stop::kMore;
  while (i < n) {
    if (long_row_) {
      flush_rows();
      bool done = false;
      absl::Status st = CutLongRow(input, &i, eof, out, &done);
      if (!st.ok()) {
        *pos = i;
        return st;
      }
      if (done) continue;
      if (eof) stop = Stop::kCutOff;
      break;
    }
    const size_t from = i + std::min(searched_, n - i);
    const char* nlp = static_cast<const char*>(std::memchr(input.data() + from, '\n', n - from));
    searched_ = 0;
    if (mid_line_) {
      flush_rows();
      size_t to = nlp == nullptr ? n : static_cast<size_t>(nlp - input.data()) + 1;
      Emit(out, pass, i, to, nullptr);
      if (nlp != nullptr) {
        ++line_;
        col_ = 1;
        mid_line_ = false;
      } else {
        col_ += static_cast<int64_t>(to - i);  // where a cut-off line is reported
      }
      i = to;
      continue;
    }
    if (nlp == nullptr) {
      flush_rows();
      std::string_view rest = input.substr(i);
      if (eof) {
        if (rest == "\\." || rest == "\\.\r") {
          Emit(out, Segment::Kind::kRaw, i, n, nullptr);
          i = n;
          stop = Stop::kEndNoNewline;
          break;
        }
        col_ = static_cast<int64_t>(rest.size()) + 1;
        stop = Stop::kCutOff;
        break;
      }
      if (plan_ == nullptr && rest.size() > 3) {
        // Too long to be the end line: pass it on now, whatever its length.
        Emit(out, pass, i, n, nullptr);
        ++rows_;
        mid_line_ = true;
        col_ = static_cast<int64_t>(rest.size()) + 1;
        i = n;
        break;
      }
      if (plan_ != nullptr && rest.size() > whole_row_bytes_) {
        // Too long to hold: cut field by field from its first byte.
        const std::vector<Group>& groups = GroupsOf(*plan_);
        groups_of_plan_ = &groups;
        group_at_.assign(plan_->num_columns, -1);
        for (size_t g = 0; g < groups.size(); ++g) {
          if (groups[g].first < group_at_.size()) group_at_[groups[g].first] = static_cast<int>(g);
        }
        long_row_ = true;
        base_ = scanned_ = 0;
        field_ = 0;
        escape_ = false;
        escaped_cr_ = -1;
        prev_cr_ = false;
        hold_ = nullptr;
        if (!group_at_.empty() && group_at_[0] >= 0) {
          hold_ = &groups[static_cast<size_t>(group_at_[0])];
          hold_from_ = 0;
        }
        continue;
      }
      searched_ = rest.size();
      break;  // wait for the rest of the row
    }
    size_t nl = static_cast<size_t>(nlp - input.data());
    std::string_view row(input.data() + i, nl - i);
    if (row == "\\." || row == "\\.\r") {
      flush_rows();
      Emit(out, Segment::Kind::kRaw, i, nl + 1, nullptr);
      ++line_;
      col_ = 1;
      i = nl + 1;
      stop = Stop::kEnd;
      break;
    }
    if (plan_ != nullptr) {
      // One line ending per block, set by its first row: COPY refuses a LF
      // row after CR LF rows ("literal newline found in data") and a CR before
      // LF after LF rows ("literal carriage return found in data");
      // copyfromparse.c, CopyReadLineText.
      const int eol = !row.empty() && row.back() == '\r' ? 2 : 1;
      if (eol_ == 0) eol_ = eol;
      if (eol != eol_) {
        flush_rows();
        *pos = i;
        return PositionedError(
            absl::StatusCode::kDataLoss, line_, static_cast<int64_t>(row.size()) + (eol == 2 ? 0 : 1),
            absl::StrCat("a row of table ", table_, " ends with ", eol == 2 ? "CR LF" : "LF",
                         " but the first row of its COPY block",
                         header_line_ > 0 ? absl::StrCat(" (started at line ", header_line_, ")") : "", " with ",
                         eol == 2 ? "LF" : "CR LF", ": COPY refuses mixed line endings"));
      }
    }
    if (run_to != i) {
      flush_rows();
      run_from = i;
      run_line = line_;
    }
    run_to = nl + 1;
    ++rows_;
    ++line_;
    i = nl + 1;
  }
  flush_rows();
  *pos = i;
  return stop;
}

}  // namespace dbanon
