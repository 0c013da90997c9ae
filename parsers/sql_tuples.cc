#include "parsers/sql_tuples.h"

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
#include "base/short_bytes.h"
#include "base/string_view_compat.h"
#include "base/utf8.h"
#include "parsers/column_fit.h"
#include "parsers/row_group.h"

namespace dbanon {
namespace {

// Bytes that stop the fast skip inside a tuple: quotes, parentheses, commas
// and the bytes that may start a comment or a dollar quote. Plain bytes of
// numbers, keywords and whitespace are skipped eight at a time by the loop.
constexpr std::array<bool, 256> MakeSpecial() {
  std::array<bool, 256> t{};
  for (unsigned char c : {'\'', '"', '`', '[', '(', ')', ',', '-', '/', '#', '$', '*'}) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecial();
// Under a client character set whose characters hold ASCII bytes
// (SqlDialect::multibyte), the first byte of a character stops it too: the
// character is stepped over whole.
constexpr std::array<bool, 256> MakeSpecialMultibyte() {
  std::array<bool, 256> t = MakeSpecial();
  for (int c = 0x80; c < 256; ++c) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecialMultibyte = MakeSpecialMultibyte();
// The bytes of a bare value that TupleRewriter's one-pass path reads
// (numbers, NULL, DEFAULT, true/false, 0x..): none starts a literal, a
// quoted name, a comment (but "--", checked apart) or a dollar quote.
constexpr std::array<bool, 256> MakeWordByte() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
           c == '+' || c == '-';
  }
  return t;
}
constexpr std::array<bool, 256> kWordByte = MakeWordByte();

}  // namespace

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

  const std::array<bool, 256>& special = d.multibyte == MultibyteRule::kNone ? kSpecial : kSpecialMultibyte;
  while (p < n) {
    if (s->lex.state() != State::kCode) {
      bool need_more = false;
      p = s->lex.Skip(input, p, eof, &need_more);
      if (need_more) return finish(TupleEvent::kNeedMore);
      continue;
    }

    unsigned char c = static_cast<unsigned char>(data[p]);
    if (s->depth > 0 && !special[c]) {
      ++p;
      while (p + 8 <= n && !special[static_cast<unsigned char>(data[p])] &&
             !special[static_cast<unsigned char>(data[p + 1])] && !special[static_cast<unsigned char>(data[p + 2])] &&
             !special[static_cast<unsigned char>(data[p + 3])] && !special[static_cast<unsigned char>(data[p + 4])] &&
             !special[static_cast<unsigned char>(data[p + 5])] && !special[static_cast<unsigned char>(data[p + 6])] &&
             !special[static_cast<unsigned char>(data[p + 7])]) {
        p += 8;
      }
      while (p < n && !special[static_cast<unsigned char>(data[p])]) ++p;
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
    if (c == '\'' && s->depth > 0 && d.multibyte == MultibyteRule::kNone) {
      // A '...' literal inside a tuple, skipped here when it closes in this
      // input: what SqlLexer::Open and SkipQuoted do (the quote closes at
      // the first quote not doubled, not after a backslash when strings have
      // escapes), without their calls. An E'...' (PostgreSQL), or a literal
      // that this input cuts, goes through the lexer.
      const unsigned char p1 = byte_at(static_cast<ptrdiff_t>(p) - 1);
      const bool e_prefix = d.e_strings && (p1 == 'E' || p1 == 'e');
      if (!e_prefix) {
        const bool escapes = d.backslash_strings;
        size_t q = p + 1;
        size_t closed = 0;  // the index after the closing quote, or 0
        while (q < n) {
          const char* f = escapes ? FindQuoteOrBackslash(data + q, data + n, '\'')
                                  : static_cast<const char*>(std::memchr(data + q, '\'', n - q));
          if (f == nullptr || f == data + n) break;
          const size_t at = static_cast<size_t>(f - data);
          if (at + 1 >= n) break;  // a backslash or quote whose next byte is not here
          if (*f == '\\' || data[at + 1] == '\'') {
            q = at + 2;
            continue;
          }
          closed = at + 1;
          break;
        }
        if (closed != 0) {
          p = closed;
          continue;
        }
      }
    }
    size_t end = p;
    switch (s->lex.Open(d, input, p, eof, byte_at(static_cast<ptrdiff_t>(p) - 1),
                        byte_at(static_cast<ptrdiff_t>(p) - 2), &end)) {
      case Token::kNeedMore:
        return finish(TupleEvent::kNeedMore);
      case Token::kNone:
        // An ordinary significant byte: the end of the VALUES list at depth 0.
        if (s->depth == 0) return finish(TupleEvent::kOuter);
        if (c >= 0x80 && d.multibyte != MultibyteRule::kNone) {  // a whole character (kSpecialMultibyte)
          const size_t len = MultibyteCharLength(d.multibyte, input, p, eof);
          if (len == 0) return finish(TupleEvent::kNeedMore);
          p += len;
          continue;
        }
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

// The bytes at which SkimTuples looks closer: '(' and ')', the quotes and
// the bytes that may open a comment or a dollar quote or close a versioned
// comment (SqlLexer::MayOpen). Any other byte opens nothing in code.
constexpr std::array<bool, 256> MakeSkimStop() {
  std::array<bool, 256> t{};
  for (unsigned char c : {'\'', '"', '`', '[', '(', ')', '-', '/', '#', '$', '*'}) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kSkimStop = MakeSkimStop();

}  // namespace

size_t SkimTuples(const SqlDialect& d, std::string_view input, size_t* pos) {
  const char* data = input.data();
  const size_t n = input.size();
  const bool escapes = d.backslash_strings;
  size_t p = *pos;
  size_t tuples = 0;
  while (p + 1 < n && data[p] == ',' && data[p + 1] == '(') {
    size_t q = p + 2;
    bool closed = false;
    while (true) {
      while (q + 4 <= n && !kSkimStop[static_cast<unsigned char>(data[q])] &&
             !kSkimStop[static_cast<unsigned char>(data[q + 1])] && !kSkimStop[static_cast<unsigned char>(data[q + 2])] &&
             !kSkimStop[static_cast<unsigned char>(data[q + 3])]) {
        q += 4;
      }
      while (q < n && !kSkimStop[static_cast<unsigned char>(data[q])]) ++q;
      if (q >= n) break;
      const char c = data[q];
      if (c == ')') {
        closed = true;
        ++q;
        break;
      }
      if (c == '-') {
        // "--" may open a comment (the lexer decides); a lone '-' is a sign.
        if (q + 1 >= n || data[q + 1] == '-') break;
        ++q;
        continue;
      }
      if (c != '\'') break;
      // E'...' (PostgreSQL) has escapes of its own: the lexer's.
      if (d.e_strings && (data[q - 1] == 'E' || data[q - 1] == 'e')) break;
      // SqlLexer::SkipQuoted: the literal ends at the first quote not
      // doubled, not after a backslash when strings have escapes.
      size_t r = q + 1;
      size_t end = 0;
      while (r < n) {
        const char* f = escapes ? FindQuoteOrBackslash(data + r, data + n, '\'')
                                : static_cast<const char*>(std::memchr(data + r, '\'', n - r));
        if (f == nullptr || f == data + n) break;
        const size_t at = static_cast<size_t>(f - data);
        if (at + 1 >= n) break;  // a quote that may be doubled, or an escape, cut by the end
        if (*f == '\\' || data[at + 1] == '\'') {
          r = at + 2;
          continue;
        }
        end = at + 1;
        break;
      }
      if (end == 0) break;
      q = end;
    }
    if (!closed) break;
    p = q;
    ++tuples;
  }
  *pos = p;
  return tuples;
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
      while (k < rest.size() && IsAsciiDigit(rest[k])) ++k;
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

constexpr size_t kTupleGroup = 64;
constexpr size_t kNoSlot = ~size_t{0};

// The buffers of TupleRewriter::Rewrite, per thread: per tuple of the
// group and configured position (slot), its span in `rows`, its literal, its
// decoded value and its replacement.
struct TupleGroup {
  std::vector<size_t> positions;  // configured positions, ascending
  std::vector<size_t> slot;       // per column: its index in `positions`, or kNoSlot
  std::vector<char> read;         // per column: an anonymizer reads it (a step's column)
  std::vector<int> version;       // per column: the versioned comment it sits in (ColumnInfo::version)
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<SqlValue> values;
  std::vector<std::string> decoded;
  // What the anonymizer reads: a view into `rows` (a literal without escapes)
  // or into `decoded`.
  std::vector<std::string_view> view;
  ReplacementBuffer replacements;
  std::vector<ReplacementBuffer::Span> replacement;  // per cell
  std::string escaped;  // EncodeValue's output, before it joins `replacements`
  std::vector<char> keep_original;  // char, not bool: read and written per cell
  std::vector<Cell> in, res;  // per tuple and step column
  std::string fitted;         // a replacement cut to its column's length or range
  std::string narrowed;       // a replacement in a narrower valid form (FitCell)
};

TupleGroup& ThreadTupleGroup() {
  thread_local TupleGroup group;
  return group;
}

class TupleRewriter : public RowRewriter {
 public:
  TupleRewriter(const SqlDialect* d, bool bare) : d_(d), bare_(bare) {}

  absl::Status Rewrite(const RowPlan& plan, std::string_view rows, int64_t first_line, int64_t first_col,
                       std::string* out, Scratch& scratch) const override;

 private:
  const SqlDialect* d_;
  bool bare_;
};

absl::Status TupleRewriter::Rewrite(const RowPlan& plan, std::string_view rows, int64_t first_line,
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

  // Tuples go in groups of up to kTupleGroup: the group's values are found
  // first, then every configured anonymizer sees them at once
  // (AnonymizeRows: one batch of keyed PRF calls), then the group is written.
  // The buffers are the thread's and keep their capacity from call to call.
  TupleGroup& g = ThreadTupleGroup();
  TrimGroupOnExit<TupleGroup> trim(g);
  g.positions.clear();  // configured positions, ascending
  g.slot.assign(ncols, kNoSlot);
  for (size_t i = 0; i < ncols; ++i) {
    if (plan.configured[i]) {
      g.slot[i] = g.positions.size();
      g.positions.push_back(i);
    }
  }
  g.read.assign(ncols, false);
  for (const RowPlan::Step& step : plan.steps) {
    for (size_t col : step.columns) {
      if (col < ncols) g.read[col] = true;
    }
  }
  const size_t npos = g.positions.size();
  const size_t cells = kTupleGroup * npos;
  if (g.spans.size() < cells) g.spans.resize(cells);
  if (g.values.size() < cells) g.values.resize(cells);
  if (g.decoded.size() < cells) g.decoded.resize(cells);
  if (g.view.size() < cells) g.view.resize(cells);
  if (g.replacement.size() < cells) g.replacement.resize(cells);
  if (g.keep_original.size() < cells) g.keep_original.resize(cells);
  out->reserve(out->size() + rows.size() + rows.size() / 4);

  // Per column, what the one-pass reader asks of it; the group's arrays
  // are read through local pointers (the group's vectors do not move during the
  // call; through `g` the compiler reloaded them after every store).
  g.version.resize(ncols);
  for (size_t i = 0; i < ncols; ++i) g.version[i] = i < plan.column_info.size() ? plan.column_info[i].version : 0;
  const int* const versions = g.version.data();
  const size_t* const slots = g.slot.data();
  const char* const reads = g.read.data();
  SqlValue* const values = g.values.data();
  std::string_view* const views = g.view.data();
  std::string* const decodeds = g.decoded.data();
  std::pair<size_t, size_t>* const spans = g.spans.data();
  size_t copied = 0;
  size_t tuples = 0;  // in the group
  // Anonymizes and writes the group's tuples.
  // NeedsNoEscape's test holds for this dialect's literals (no multibyte
  // character can hold an ASCII byte).
  const bool plain_literals = d.multibyte == MultibyteRule::kNone;
  auto flush = [&]() -> absl::Status {
    if (tuples == 0) return absl::OkStatus();
    g.replacements.Clear();
    const RowPlan::ColumnInfo* const infos = plan.column_info.data();
    const size_t ninfos = plan.column_info.size();
    ReplacementBuffer::Span* const replacement = g.replacement.data();
    char* const keep_original = g.keep_original.data();
    for (const RowPlan::Step& step : plan.steps) {
      const size_t k = step.columns.size();
      const size_t* const step_columns = step.columns.data();
      g.in.resize(tuples * k);
      g.res.resize(tuples * k);
      Cell* const in_cells = g.in.data();
      for (size_t t = 0; t < tuples; ++t) {
        for (size_t j = 0; j < k; ++j) {
          const size_t c = t * npos + slots[step_columns[j]];
          SqlValue::Kind kind = values[c].kind;
          in_cells[t * k + j] = kind == SqlValue::Kind::kNull || kind == SqlValue::Kind::kDefault
                                    ? Cell::Null()
                                    : Cell{views[c], false};
        }
      }
      step.anonymizer->AnonymizeRows(g.in, scratch, g.res);
      const Cell* const res_cells = g.res.data();
      const size_t id = step.anonymizer->id();
      for (size_t t = 0; t < tuples; ++t) {
        for (size_t j = 0; j < k; ++j) {
          const Cell& in = in_cells[t * k + j];
          scratch.CountCell(id, j, in.is_null && res_cells[t * k + j].is_null);
          const size_t col = step_columns[j];
          const size_t c = t * npos + slots[col];
          auto [b, e] = spans[c];
          const RowPlan::ColumnInfo* info = col < ninfos ? &infos[col] : nullptr;
          Cell r = res_cells[t * k + j];
          if (info != nullptr && !r.is_null) {
            r.value = FitCell(*step.anonymizer, j, info->limit, r.value, &g.narrowed, &g.fitted);
          }
          if (info != nullptr && !info->enum_labels.empty() && !r.is_null &&
              values[c].kind != SqlValue::Kind::kDefault) {
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
          keep_original[c] = !r.is_null && !in.is_null && r.value == in.value;
          if (keep_original[c]) continue;
          const SqlValue& original = values[c];
          if (plain_literals && original.kind == SqlValue::Kind::kString && original.literal_begin == 0 &&
              original.literal_end == e - b && !r.is_null && NeedsNoEscape(r.value)) {
            // What EncodeValue writes for a bare '...' literal whose
            // replacement holds no byte to escape, without its calls.
            replacement[c] = g.replacements.AddQuoted(original.quote, r.value);
            continue;
          }
          g.escaped.clear();
          EncodeValue(d, rows.substr(b, e - b), original, info != nullptr && info->numeric, r, &g.escaped);
          replacement[c] = g.replacements.Add(g.escaped);
        }
      }
    }
    // The group's output: its size first, then one resize and short copies
    // (an append per piece cost more than the piece).
    size_t bytes = 0;
    size_t from = copied;
    for (size_t t = 0; t < tuples; ++t) {
      for (size_t col : g.positions) {
        const size_t c = t * npos + g.slot[col];
        if (col < plan.column_info.size() && plan.column_info[col].write_default) {
          // A generated column computed from a configured one: the server
          // recomputes it from the anonymized values (RowPlan::ColumnInfo).
          g.keep_original[c] = false;
          g.replacement[c] = g.replacements.Add("DEFAULT");
        }
        if (g.keep_original[c]) continue;
        bytes += g.spans[c].first - from + g.replacement[c].size;
        from = g.spans[c].second;
      }
    }
    const size_t at = out->size();
    out->resize(at + bytes);
    char* w = out->data() + at;
    for (size_t t = 0; t < tuples; ++t) {
      for (size_t col : g.positions) {
        const size_t c = t * npos + g.slot[col];
        if (g.keep_original[c]) continue;
        auto [b, e] = g.spans[c];
        w = CopyShort(w, rows.data() + copied, b - copied);
        const std::string_view rep = g.replacements.View(g.replacement[c]);
        w = CopyShort(w, rep.data(), rep.size());
        copied = e;
      }
    }
    tuples = 0;
    return absl::OkStatus();
  };

  TupleScanState st;
  if (bare_) st.depth = 1;

  // Decodes the values that anonymizers read of tuple `tuples` of the group
  // (the general path: after its values are found and counted).
  auto decode_tuple = [&]() -> absl::Status {
    for (size_t k = 0; k < npos; ++k) {
      const size_t col = g.positions[k];
      if (!g.read[col]) continue;
      const size_t c = tuples * npos + k;
      auto [b, e] = g.spans[c];
      g.decoded[c].clear();
      absl::Status s = DecodeValue(d, rows.substr(b, e - b), &g.values[c], &g.decoded[c]);
      if (!s.ok()) {
        return error_at(absl::StatusCode::kDataLoss, b,
                        absl::StrCat("column ", plan.column_names[col], " of table ", plan.table.Display(), ": ",
                                     s.message()));
      }
      g.view[c] = g.decoded[c];
    }
    return absl::OkStatus();
  };

  // The tuple that starts at *pos (after its '('), read in one pass: each
  // value found, and those anonymizers read decoded, as it goes. It takes
  // only what mysqldump, pg_dump --inserts and sqlite3 .dump write most:
  // '...' literals (without an introducer or suffix) and bare words and
  // numbers ([A-Za-z0-9_.+-]), separated by ',' with optional whitespace,
  // and as many values as columns, every one where its column's versioned
  // comment wants it. On anything else (comments, other literals, an error
  // to report) it returns false having changed nothing but the group's
  // cells of this tuple, and the general path reads the tuple again from
  // *pos. The boundaries are the lexer's: a '...' literal in code closes at
  // the first quote not doubled, not after a backslash when the dialect's
  // strings have escapes (SqlLexer::SkipQuoted); the values' bytes are
  // DecodeValue's (DecodeQuotedLiteral, or DecodeValue itself for words).
  const bool fast = !bare_ && d.multibyte == MultibyteRule::kNone;
  auto fast_tuple = [&](size_t* pos) -> bool {
    const char* data = rows.data();
    const size_t n = rows.size();
    const bool escapes = d.backslash_strings;
    const int got = st.lex.version();
    size_t q = *pos;
    size_t count = 0;
    while (true) {
      while (q < n && IsSqlSpace(static_cast<unsigned char>(data[q]))) ++q;
      if (q >= n || count >= ncols) return false;
      if (versions[count] != got) return false;
      const size_t b = q;
      const size_t c = slots[count] == kNoSlot ? kNoSlot : tuples * npos + slots[count];
      const bool read = c != kNoSlot && reads[count];
      if (data[q] == '\'') {
        bool plain = true;  // no escape, no doubled quote: the bytes are the literal's
        ++q;
        while (true) {
          const char* f = escapes ? FindQuoteOrBackslash(data + q, data + n, '\'')
                                  : static_cast<const char*>(std::memchr(data + q, '\'', n - q));
          if (f == nullptr || f == data + n) return false;
          const size_t at = static_cast<size_t>(f - data);
          if (at + 1 >= n) return false;
          if (*f == '\\' || data[at + 1] == '\'') {
            plain = false;
            q = at + 2;
            continue;
          }
          q = at + 1;
          break;
        }
        if (read) {
          // Field by field: `v = SqlValue()` went through a temporary whose
          // read-back missed store forwarding (a stall per value, perf).
          SqlValue& v = values[c];
          v.kind = SqlValue::Kind::kString;
          v.literal_begin = 0;
          v.literal_end = q - b;
          v.quote = '\'';
          v.escapes = escapes;
          v.x_form = false;
          v.upper_x = false;
          if (plain) {
            views[c] = rows.substr(b + 1, q - b - 2);
          } else {
            decodeds[c].clear();
            DecodeQuotedLiteral(d, rows.substr(b, q - b), 0, escapes, &decodeds[c]);
            views[c] = decodeds[c];
          }
        }
      } else {
        while (q < n && kWordByte[static_cast<unsigned char>(data[q])]) {
          if (data[q] == '-' && q + 1 < n && data[q + 1] == '-') return false;  // a comment, perhaps
          ++q;
        }
        if (q == b) return false;
        if (read) {
          decodeds[c].clear();
          if (!DecodeValue(d, rows.substr(b, q - b), &values[c], &decodeds[c]).ok()) return false;
          views[c] = decodeds[c];
        }
      }
      const size_t e = q;
      while (q < n && IsSqlSpace(static_cast<unsigned char>(data[q]))) ++q;
      if (q >= n || (data[q] != ',' && data[q] != ')')) return false;
      if (c != kNoSlot) spans[c] = {b, e};
      ++count;
      if (data[q++] == ')') break;
    }
    if (count != ncols) return false;
    st.depth = 0;
    st.prev = ')';
    st.prev2 = static_cast<unsigned char>(data[q - 2]);
    *pos = q;
    return true;
  };

  size_t p = 0;
  while (p < rows.size() || bare_) {
    if (!bare_) {
      if (st.depth == 0 && st.lex.state() == SqlLexer::State::kCode && p + 1 < rows.size() && rows[p] == ',' &&
          rows[p + 1] == '(') {
        // The next tuple right after the comma (mysqldump's ",("): what
        // ScanTuples would report, without the calls.
        p += 2;
        st.depth = 1;
        st.prev = '(';
        st.prev2 = ',';
      } else {
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
      if (fast && fast_tuple(&p)) {
        ++tuples;
        if (tuples == kTupleGroup) {
          absl::Status s = flush();
          if (!s.ok()) return s;
        }
        continue;
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
      if (count < ncols && g.slot[count] != kNoSlot) g.spans[tuples * npos + g.slot[count]] = {b, e};
      ++count;
      value_begin = p;
      if (ev != TupleEvent::kComma) break;
    }
    if (empty_tuple ? ncols != 0 : count != ncols) {
      return error_at(absl::StatusCode::kDataLoss, tuple_begin,
                      absl::StrCat("tuple of table ", plan.table.Display(), " has ", empty_tuple ? 0 : count,
                                   " values, expected ", ncols));
    }
    absl::Status decoded = decode_tuple();
    if (!decoded.ok()) return decoded;
    ++tuples;
    if (tuples == kTupleGroup || bare_) {
      absl::Status s = flush();
      if (!s.ok()) return s;
    }
    if (bare_) break;
  }
  absl::Status flushed = flush();
  if (!flushed.ok()) return flushed;
  out->append(rows.data() + copied, rows.size() - copied);
  return absl::OkStatus();
}

}  // namespace

namespace {

// One rewriter per dialect (sql_dialect.h: sql_mode flags and client
// character set), made once; `bare` as TupleRewriter takes it.
const RowRewriter* RewriterFor(const SqlDialect& d, bool bare) {
  struct Table {
    std::vector<TupleRewriter> mysql, pg;
    TupleRewriter sqlite;
    explicit Table(bool bare) : sqlite(&SqliteDialect(), bare) {
      mysql.reserve(4 * kMultibyteRules);
      pg.reserve(2 * kMultibyteRules);
      for (int m = 0; m < kMultibyteRules; ++m) {
        const auto rule = static_cast<MultibyteRule>(m);
        for (int k = 0; k < 4; ++k) mysql.emplace_back(&MySqlDialect(k & 1, k >> 1, rule), bare);
        for (int on = 0; on < 2; ++on) pg.emplace_back(&PostgresDialect(on != 0, rule), bare);
      }
    }
  };
  static const Table tuples(false), values(true);
  const Table& t = bare ? values : tuples;
  const int m = static_cast<int>(d.multibyte);
  if (d.mysql()) return &t.mysql[4 * m + (d.ansi_quotes ? 1 : 0) + (d.backslash_strings ? 2 : 0)];
  if (d.sqlite()) return &t.sqlite;
  return &t.pg[2 * m + (d.backslash_strings ? 0 : 1)];
}

}  // namespace

const RowRewriter* InsertTupleRewriter(const SqlDialect& d) { return RewriterFor(d, false); }

const RowRewriter* InsertValuesRewriter(const SqlDialect& d) { return RewriterFor(d, true); }

}  // namespace dbanon
