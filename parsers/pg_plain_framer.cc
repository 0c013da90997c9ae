#include "parsers/pg_plain_framer.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"
#include "parsers/pg_large_objects.h"
#include "parsers/pg_stats.h"
#include "parsers/sql_commands.h"
#include "parsers/sql_lexer.h"
#include "parsers/text_encoding.h"

namespace dbanon {
namespace {

// `word == "literal"` without strlen: the sizes are compared first, and most
// words differ there (the framer compares every word of every statement).
template <size_t N>
bool Is(const std::string& word, const char (&literal)[N]) {
  return word.size() == N - 1 && std::memcmp(word.data(), literal, N - 1) == 0;
}


// The statement kinds whose text the framer inspects. Everything else is
// passed through without keeping its text.
bool WorthKeeping(std::string_view prefix, bool complete) {
  auto starts = [&](std::string_view word) {
    if (prefix.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (absl::ascii_tolower(static_cast<unsigned char>(prefix[i])) != word[i]) return false;
    }
    if (prefix.size() == word.size()) return complete;
    return !IsSqlIdentChar(static_cast<unsigned char>(prefix[word.size()]));
  };
  return starts("copy") || starts("insert") || starts("set") || starts("create") || starts("alter") ||
         starts("update") || starts("merge") || starts("with") || starts("select") || starts("do") ||
         starts("reset") || starts("begin") || starts("start") || starts("commit") || starts("end") ||
         starts("rollback") || starts("abort") || starts("prepare");
}

// PostgreSQL's boolean input (src/backend/utils/adt/bool.c,
// parse_bool_with_len): true, yes, on, 1 and false, no, off, 0, any
// unique prefix (on/off need two letters), any case. nullopt: the server
// refuses the value and the setting stays as it was.
std::optional<bool> PgBool(std::string_view v) {
  auto prefix_of = [&](std::string_view word, size_t min) {
    return v.size() >= min && v.size() <= word.size() && word.substr(0, v.size()) == v;
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || v == "1") return true;
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0") return false;
  return std::nullopt;
}

// A SET or RESET of standard_conforming_strings (PostgreSQL docs, "SET",
// "RESET"): `SET [SESSION|LOCAL] standard_conforming_strings {=|TO} value`
// (quotes, case; DEFAULT is on), `RESET standard_conforming_strings`,
// `RESET ALL`. The kept text has no comments.
struct StandardStringsSet {
  std::optional<bool> value;  // nullopt: a value the server refuses (nothing changes)
  bool local = false;         // SET LOCAL: until the end of the transaction
  bool reset_all = false;
  bool unreadable = false;    // names the setting in a form not read here
};
std::optional<StandardStringsSet> StandardStringsSetting(std::string_view statement) {
  std::string s;
  for (char c : statement) {
    if (!IsSqlSpace(static_cast<unsigned char>(c)) && c != '\'' && c != '"' && c != ';') {
      s.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(c))));
    }
  }
  StandardStringsSet out;
  if (s == "resetall") {
    out.value = true;
    out.reset_all = true;
    return out;
  }
  if (s == "resetstandard_conforming_strings") {
    out.value = true;
    return out;
  }
  for (std::string_view prefix : {"setstandard_conforming_strings", "setsessionstandard_conforming_strings",
                                  "setlocalstandard_conforming_strings"}) {
    if (s.rfind(prefix, 0) != 0) continue;
    std::string_view v = std::string_view(s).substr(prefix.size());
    if (v.rfind("=", 0) == 0) {
      v.remove_prefix(1);
    } else if (v.rfind("to", 0) == 0) {
      v.remove_prefix(2);
    } else {
      break;
    }
    out.local = prefix == "setlocalstandard_conforming_strings";
    out.value = v == "default" ? std::optional<bool>(true) : PgBool(v);
    return out;
  }
  if (absl::StrContains(s, "standard_conforming_strings")) {
    out.unreadable = true;
    return out;
  }
  return std::nullopt;
}

// True when `s` names `lower_word` in any ASCII case.
bool NamesLower(std::string_view s, std::string_view lower_word) {
  return absl::StrContains(absl::AsciiStrToLower(ToAbsl(s)), ToAbsl(lower_word));
}

}  // namespace

std::vector<std::string> PgPlainFramer::TakeWarnings() { return std::move(warnings_); }

void PgPlainFramer::AddSchema(std::string_view statement) {
  if (absl::StartsWith(ToAbsl(statement), ToAbsl(kUnreadMark))) {
    // Its errors were the schema's framer's (EndLongStatement).
    tables_.NoteUnreadDdl(PostgresDialect(true), statement.substr(kUnreadMark.size()), "1 MiB").IgnoreError();
    return;
  }
  tables_.AddCreateTable(PostgresDialect(true), statement);  // ALTER TABLE ... ATTACH PARTITION too
  tables_.NoteAlterTable(PostgresDialect(true), statement);
  indexes_.Add(statement);                                   // CREATE INDEX
  tables_.AddDomain(statement);
}

void PgPlainFramer::Emit(Segment::Kind kind, size_t begin, size_t end, int64_t first_line, const RowPlan* plan) {
  if (begin == end) return;
  if (!out_->empty()) {
    Segment& last = out_->back();
    if (last.kind == kind && last.plan == plan && last.end == begin) {
      last.end = end;
      return;
    }
  }
  out_->push_back(Segment{kind, begin, end, first_line, plan, plan == nullptr ? nullptr : CopyTextRewriter()});
}

absl::StatusOr<size_t> PgPlainFramer::Frame(std::string_view input, bool eof, std::vector<Segment>* segments) {
  out_ = segments;
  size_t pos = 0;
  need_more_ = false;
  stmt_started_here_ = false;
  while (pos < input.size() || (mode_ == Mode::kInsertValues && eof)) {
    if (mode_ == Mode::kCopyData) {
      size_t before = pos;
      absl::Status s = ScanCopyData(input, &pos, eof);
      if (!s.ok()) return s;
      if (pos == before && mode_ == Mode::kCopyData) break;  // needs more input
    } else if (mode_ == Mode::kInsertValues) {
      sink_.Reset(out_, input, pos, line_, col_);
      bool done = false;
      absl::Status s = values_.Frame(input, &pos, eof, &sink_, &done);
      if (!s.ok()) return s;
      std::tie(line_, col_) = sink_.lines().At(pos);
      if (!done) break;  // the rest (maybe a partial tuple from pos) needs more input
      resolver_->CountRows(values_.table(), values_.rows());
      mode_ = Mode::kSql;
      lex_.Reset();
      meta_ = false;
      in_ident_ = false;
      prev_ = ')';
      prev2_ = ' ';
      last_was_significant_ = true;
    } else {
      absl::Status s = ScanSql(input, &pos, eof);  // emits the SQL it scanned
      if (!s.ok()) return s;
      if (need_more_) break;
    }
  }
  if (eof && pos == input.size()) {
    absl::Status s = EndOfInput();
    if (!s.ok()) return s;
  }
  return pos;
}

absl::Status PgPlainFramer::EndOfInput() {
  if (mode_ != Mode::kSql) {
    return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                           absl::StrCat("unexpected end of input inside the COPY block for table ",
                                        copy_table_.Display(), " (started at line ", copy_line_, ")"));
  }
  const char* what = nullptr;
  switch (lex_.state()) {
    case SqlLexer::State::kQuoted: what = lex_.is_string() ? "a string literal" : "a quoted identifier"; break;
    case SqlLexer::State::kDollar: what = "a dollar-quoted string"; break;
    case SqlLexer::State::kBlockComment: what = "a comment"; break;
    default: break;
  }
  if (what != nullptr) {
    return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                           absl::StrCat("unexpected end of input inside ", what, " (started at line ",
                                        lex_start_line_, ")"));
  }
  if (end_marker_ >= 2) return EndMarkerError(line_);
  // psql would run the unterminated last statement; a cut-off or damaged
  // dump ends this way (an unbalanced parenthesis makes the rest of the file
  // one statement), and the text may be data.
  if (in_statement_) {
    return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                           absl::StrCat("unexpected end of input inside a statement (started at line ",
                                        statement_line_, ")"));
  }
  return absl::OkStatus();
}

void PgPlainFramer::FlushSql(size_t to, Segment::Kind kind, int64_t line) {
  if (to <= sql_from_) return;
  Emit(kind, sql_from_, to, sql_from_line_, nullptr);
  sql_from_ = to;
  sql_from_line_ = line;
}

void PgPlainFramer::RestoreStatementStart() {
  line_ = statement_line_;
  col_ = statement_col_;
  prev_ = stmt_prev_;
  prev2_ = stmt_prev2_;
  last_was_significant_ = stmt_last_significant_;
  lex_.Reset();
  meta_ = false;
  in_statement_ = false;
  keep_text_ = false;
  decided_ = false;
  statement_.clear();
  paren_depth_ = 0;
  begin_depth_ = 0;
  ident_count_ = 0;
  std::memset(routine_words_, 0, sizeof(routine_words_));
  significant_ = 0;
  in_ident_ = false;
  ident_.clear();
  first_word_.clear();
  prev_word_.clear();
  insert_head_ = values_found_ = create_table_ = create_index_ = create_view_ = create_domain_ = false;
  saw_stdin_ = false;
  end_marker_ = 0;
  pending_start_ = 0;
}

absl::Status PgPlainFramer::StartValues(std::string_view input, size_t i) {
  const SqlDialect& d = PostgresDialect(standard_strings_, multibyte_);
  std::optional<InsertHead> head = ParseInsertHead(d, input.substr(stmt_begin_, i - stmt_begin_));
  if (!head.has_value() || !head->values) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                           "cannot read the table and columns of this INSERT statement");
  }
  auto target = tables_.Resolve(d, *head);
  if (!target.ok()) {
    return PositionedError(target.status(), statement_line_, statement_col_);
  }
  for (const std::string& w : tables_.TakeWarnings()) {
    warnings_.push_back(absl::StrCat(statement_line_, ":", statement_col_, ": ", w));
  }
  FlushSql(stmt_begin_, Segment::Kind::kRaw, statement_line_);
  FlushSql(i, target->drop ? Segment::Kind::kDrop : Segment::Kind::kRaw, line_);
  values_.Begin(d, *target, statement_line_);
  mode_ = Mode::kInsertValues;
  insert_head_ = false;
  insert_values_done_ = true;
  drop_tail_ = target->drop;
  tail_configured_ = target->plan != nullptr && !target->drop;
  tail_table_ = target->table;
  tail_plan_ = target->plan;
  keep_text_ = tail_configured_;  // the tail, for UnrewrittenUpdateColumn
  statement_.clear();
  return absl::OkStatus();
}

absl::Status PgPlainFramer::EndInsertWithoutValues(std::string_view input, size_t end) {
  insert_head_ = false;
  std::optional<InsertHead> head = ParseInsertHead(PostgresDialect(standard_strings_, multibyte_),
                                                   input.substr(stmt_begin_, end - stmt_begin_));
  if (!head.has_value()) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                           "cannot read the table of this INSERT statement");
  }
  if (!head->default_values && !head->query) {
    // `INSERT INTO t;`, `INSERT INTO t VALUS (...)`: a damaged statement,
    // whatever its table.
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_, kUnreadableInsert);
  }
  TableName table = tables_.NameFor(PostgresDialect(true), head->name_parts);
  if (absl::Status s = tables_.CheckSearchPath(table); !s.ok()) {
    return PositionedError(s, statement_line_, statement_col_);
  }
  resolver_->SawTable(table);
  resolver_->SawColumns(table, head->columns, true);
  if (absl::Status covered = resolver_->CheckCoverage(); !covered.ok()) {
    return PositionedError(covered, statement_line_, statement_col_);
  }
  bool drop = false;
  if (absl::Status v = tables_.CheckViewTarget(table, "INSERT"); !v.ok()) {
    return PositionedError(v, statement_line_, statement_col_);
  }
  if (resolver_->IsConfigured(table)) {
    auto plan = resolver_->Resolve(table, {});
    drop = plan.ok() && *plan != nullptr && (*plan)->truncate;
    if (!drop && !head->default_values) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("INSERT into configured table ", table.Display(),
                                          " without VALUES (INSERT ... SELECT) is not supported"));
    }
  }
  if (head->default_values) resolver_->CountRows(table, 1);  // INSERT ... DEFAULT VALUES: one row
  FlushSql(stmt_begin_, Segment::Kind::kRaw, statement_line_);
  FlushSql(end, drop ? Segment::Kind::kDrop : Segment::Kind::kRaw, line_);
  drop_newline_ = drop;
  return absl::OkStatus();
}

absl::Status PgPlainFramer::ScanSql(std::string_view input, size_t* pos, bool eof) {
  const size_t n = input.size();
  size_t i = *pos;
  sql_from_ = i;
  sql_from_line_ = line_;
  // Appends input[from, to) to the kept statement text.
  auto keep = [&](size_t from, size_t to) {
    if (!keep_text_ || to <= from) return;
    if (statement_.size() + (to - from) > kMaxStatementBytes) {
      keep_text_ = false;
      long_head_.swap(statement_);  // its head names its table (EndStatement)
      statement_.assign("\x01toolong");
      return;
    }
    statement_.append(input.data() + from, to - from);
  };
  // Moves i to `to`, counting lines, keeping text when asked.
  auto jump = [&](size_t to, bool keep_it) {
    if (keep_it) keep(i, to);
    for (size_t k = i; k < to; ++k) {
      if (input[k] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
    if (to > i) {
      prev2_ = to - i >= 2 ? static_cast<unsigned char>(input[to - 2]) : prev_;
      prev_ = static_cast<unsigned char>(input[to - 1]);
    }
    i = to;
  };
  bool stopped = false;  // input[i] needs the bytes after the input (SqlLexer)
  const SqlDialect* dialect = &PostgresDialect(standard_strings_, multibyte_);  // a SET may change it (EndStatement)
  auto find = [&](char c) -> size_t {
    const void* p = std::memchr(input.data() + i, c, n - i);
    return p == nullptr ? n : static_cast<size_t>(static_cast<const char*>(p) - input.data());
  };

  while (i < n) {
    unsigned char c = static_cast<unsigned char>(input[i]);
    const bool prev_significant = last_was_significant_;
    last_was_significant_ = false;
    if (end_marker_ != 0) {
      // A line `\.` (or `\.` CR) in SQL: the end of a COPY block whose
      // header dbanon did not see as one. Its rows went by as SQL.
      if (c == '.' && end_marker_ == 1) {
        end_marker_ = 2;
      } else if (c == '\r' && end_marker_ == 2) {
        end_marker_ = 3;
      } else if (c == '\n' && end_marker_ >= 2) {
        *pos = i;
        return EndMarkerError(line_);
      } else {
        end_marker_ = 0;
      }
      if (end_marker_ != 0 && meta_) {
        jump(i + 1, false);
        continue;
      }
    }
    if (mode_ == Mode::kAfterCopy) {
      if (c == '\n') {
        jump(i + 1, false);
        mode_ = Mode::kCopyData;
        copy_cutter_.Start(copy_table_.Display(), copy_plan_, copy_drop_, copy_line_, line_, col_, copy_layout_);
        *pos = i;
        FlushSql(i, Segment::Kind::kRaw, line_);
        return absl::OkStatus();
      }
      if (c != ' ' && c != '\t' && c != '\r') {
        *pos = i;
        return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                               absl::StrCat("unexpected text after the COPY statement for table ",
                                            copy_table_.Display(), " on the same line"));
      }
      jump(i + 1, false);
      continue;
    }
    if (meta_) {  // a psql meta-command, to the end of its line
      size_t nl = find('\n');
      if (nl == n) {
        jump(n, false);
      } else {
        jump(nl + 1, false);
        meta_ = false;
        keep(nl, nl + 1);
      }
      continue;
    }
    if (lex_.state() != SqlLexer::State::kCode) {
      // Inside a literal or comment: the SQL lexer finds its end. Literals
      // are kept with the statement; a comment is not (its line end is, a
      // block comment becomes a space).
      const SqlLexer::State state = lex_.state();
      bool more = false;
      const size_t k = lex_.Skip(input, i, eof, &more);
      jump(k, state == SqlLexer::State::kQuoted || state == SqlLexer::State::kDollar);
      if (insert_head_ && i - stmt_begin_ > kMaxStatementBytes) {
        // A literal or quoted name the input does not close yet counts
        // against the head's limit here too, or the head was held, and
        // read again with more input, until the input ended.
        return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                               "INSERT statement longer than 1 MiB before its VALUES");
      }
      if (more) {
        stopped = true;
        break;
      }
      if (lex_.state() == SqlLexer::State::kCode) {
        if (state == SqlLexer::State::kLineComment) {
          keep(k - 1, k);
        } else if (state == SqlLexer::State::kBlockComment) {
          prev_ = ' ';
          if (keep_text_) statement_.push_back(' ');
        } else if (state == SqlLexer::State::kDollar) {
          prev_ = ' ';
        }
      }
      continue;
    }

    // Normal SQL text.
    if (pending_start_ != 0) {
      const bool comment = (pending_start_ == '-' && c == '-') || (pending_start_ == '/' && c == '*');
      pending_start_ = 0;
      if (!comment) {
        *pos = i;
        return PositionedError(absl::StatusCode::kDataLoss, pending_line_, pending_col_,
                               UnknownCommandMessage("", -1));
      }
    }
    if (in_ident_ && !IsSqlIdentChar(c)) {
      absl::Status s = FinishIdentifier(c);
      if (!s.ok()) {
        *pos = i;
        return s;
      }
      if (values_found_) {
        values_found_ = false;
        *pos = i;
        return StartValues(input, i);
      }
    }
    if (drop_newline_) {
      // The line end after a dropped INSERT statement goes with it.
      if (c == '\n' || c == '\r') {
        FlushSql(i, Segment::Kind::kRaw, line_);
        jump(i + 1, false);
        FlushSql(i, Segment::Kind::kDrop, line_);
        if (c == '\n') drop_newline_ = false;
        continue;
      }
      drop_newline_ = false;
    }
    if (insert_head_ && i - stmt_begin_ > kMaxStatementBytes) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "INSERT statement longer than 1 MiB before its VALUES");
    }
    if (in_ident_) {
      if (ident_.size() < 32) ident_.push_back(static_cast<char>(absl::ascii_tolower(c)));
      if (ident_count_ == 0 && first_raw_.size() < 32) first_raw_.push_back(static_cast<char>(c));
      ++ident_len_;
    } else if (IsSqlIdentStart(c) && !IsSqlIdentChar(prev_)) {
      in_ident_ = true;
      ident_.assign(1, static_cast<char>(absl::ascii_tolower(c)));
      ident_len_ = 1;
      if (ident_count_ == 0) {
        first_raw_.assign(1, static_cast<char>(c));
        first_line_ = line_;
        first_col_ = col_;
      }
    }
    if (IsSqlSpace(c)) {
      jump(i + 1, in_statement_);
      continue;
    }
    // Literals and comments: the SQL lexer decides (psql's rules,
    // parsers/pg_dialect.cc).
    // A byte of a word opens nothing.
    size_t open_end = i;
    const SqlLexer::Token token =
        in_ident_ ? SqlLexer::Token::kNone : lex_.Open(*dialect, input, i, eof, prev_, prev2_, &open_end);
    if (token == SqlLexer::Token::kNeedMore) {
      stopped = true;
      break;
    }
    if (token == SqlLexer::Token::kLineComment) {
      jump(open_end, false);
      continue;
    }
    if (token == SqlLexer::Token::kBlockComment) {
      lex_start_line_ = line_;
      jump(open_end, false);
      prev_ = ' ';
      continue;
    }
    if (c == '\\' && col_ == 1) end_marker_ = 1;
    if (c == '\\' && !in_statement_) {
      meta_ = true;
      jump(i + 1, false);
      continue;
    }
    // A significant byte: it starts or continues a statement.
    if (!in_statement_) {
      in_statement_ = true;
      keep_text_ = true;
      statement_.clear();
      statement_line_ = line_;
      statement_col_ = col_;
      significant_ = 0;
      decided_ = false;
      stmt_begin_ = i;
      stmt_started_here_ = true;
      stmt_prev_ = prev_;
      stmt_prev2_ = prev2_;
      stmt_last_significant_ = prev_significant;
      first_word_.clear();
      prev_word_.clear();
      insert_head_ = create_table_ = create_index_ = create_view_ = create_domain_ = insert_values_done_ = drop_tail_ = false;
      drop_newline_ = false;
      saw_stdin_ = false;
    }
    ++significant_;
    if (ident_count_ == 0 && !in_ident_) {
      // Before the first word only '(' may come (a parenthesized query), or
      // a lone ';'; a '-' or '/' must open a comment (decided on the next
      // byte). Anything else is not SQL that pg_dump writes: a data row
      // read as SQL, a damaged keyword.
      if (c == '-' || c == '/') {
        pending_start_ = c;
        pending_line_ = line_;
        pending_col_ = col_;
      } else if (!(c == '(' || (c == ';' && significant_ == 1))) {
        *pos = i;
        return PositionedError(absl::StatusCode::kDataLoss, line_, col_, UnknownCommandMessage("", -1));
      }
    }
    if (token != SqlLexer::Token::kNone) {  // a literal opened: its quote (or $tag$) is kept
      lex_start_line_ = line_;
    } else if (c == '(') {
      ++paren_depth_;
    } else if (c == ')') {
      if (paren_depth_ > 0) --paren_depth_;
    }
    jump(token != SqlLexer::Token::kNone ? open_end : i + 1, true);
    last_was_significant_ = true;
    if (keep_text_ && !decided_ && statement_.size() > 8) {  // one byte past "rollback", the longest word
      decided_ = true;
      keep_text_ = WorthKeeping(statement_, false);
    }
    if (c == ';' && paren_depth_ == 0 && begin_depth_ == 0 && lex_.state() == SqlLexer::State::kCode) {
      *pos = i;
      stmt_end_ = i;
      absl::Status s = EndStatement(input);
      if (!s.ok()) return s;
      dialect = &PostgresDialect(standard_strings_, multibyte_);
      if (mode_ == Mode::kAfterCopy) continue;
    }
    continue;
  }
  *pos = i;
  // A statement that may still turn out to be an INSERT is held: nothing of
  // it is emitted before its table is known (it may be dropped).
  const bool maybe_insert =
      in_statement_ && (insert_head_ || (ident_count_ == 0 && in_ident_ && significant_ == static_cast<int64_t>(ident_.size()) &&
                                         std::string_view("insert").substr(0, ident_.size()) == ident_));
  // So is a statement that may be a statistics call of pg_dump 18: its
  // value arguments may have to go (EndStatement).
  const bool maybe_stats = in_statement_ && !maybe_insert && stmt_started_here_ && !eof &&
                           (Is(first_word_, "select") || (ident_count_ == 0 && in_ident_)) &&
                           AttributeStatsCallStart(input.substr(stmt_begin_, i - stmt_begin_)) != StatsCallStart::kNo;
  if (maybe_stats && i - stmt_begin_ > kMaxRowBytes) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                           absl::StrCat("a statistics call (pg_restore_attribute_stats) longer than ", kMaxRowBytes >> 20,
                                        " MiB"));
  }
  if ((maybe_insert || maybe_stats) && !eof) {
    FlushSql(stmt_begin_, Segment::Kind::kRaw, statement_line_);
    RestoreStatementStart();
    *pos = stmt_begin_;
    need_more_ = true;
    return absl::OkStatus();
  }
  if (maybe_insert && eof) {
    // The last statement has no ';'.
    if (in_ident_) {
      absl::Status s = FinishIdentifier(-1);
      if (!s.ok()) return s;
      if (values_found_) {
        values_found_ = false;
        return StartValues(input, i);
      }
    }
    // An INSERT head without its ';': EndOfInput reports the unterminated
    // statement (or literal).
  }
  FlushSql(i, drop_tail_ ? Segment::Kind::kDrop : Segment::Kind::kRaw, line_);
  // The lexer needs the bytes after the input to read input[i]: they come
  // with the next call, from i.
  if (stopped) need_more_ = true;
  return absl::OkStatus();
}

// psql does not end a statement at a ';' inside the BEGIN ... END body of a
// SQL-standard function (PostgreSQL 14+): it counts BEGIN, CASE and END
// words when the statement starts with CREATE [OR REPLACE] FUNCTION or
// PROCEDURE (src/fe_utils/psqlscan.l). Same rule here.
absl::Status PgPlainFramer::FinishIdentifier(int next) {
  in_ident_ = false;
  if (Is(ident_, "stdin")) saw_stdin_ = true;
  // INSERT: held up to its VALUES keyword; CREATE TABLE: its text is kept.
  if (ident_count_ == 0) {
    // The first word must be an SQL command (or, after '(', start a query).
    const bool paren = paren_depth_ > 0;
    const bool known =
        ident_len_ <= 32 && (paren ? IsParenthesizedQueryWord(first_raw_) : IsSqlCommandWord(first_raw_));
    if (!known) {
      return PositionedError(absl::StatusCode::kDataLoss, first_line_, first_col_,
                             UnknownCommandMessage(ident_len_ <= 32 && !paren ? std::string_view(first_raw_) : "",
                                                   next));
    }
    first_word_ = ident_;
    alter_words_.Reset();
    move_word_ = false;
    insert_head_ = Is(ident_, "insert") && paren_depth_ == 0 && significant_ == 6;
  } else if (insert_head_ && paren_depth_ == 0 && Is(ident_, "values") && !Is(prev_word_, "default")) {
    values_found_ = true;
  } else if (Is(first_word_, "create") && ident_count_ <= 4 && !create_table_ && !create_index_ && !create_domain_) {
    if (Is(ident_, "table")) {
      create_table_ = true;
    } else if (Is(ident_, "index")) {
      create_index_ = true;  // its table: for the statistics of an expression index
    } else if ((Is(ident_, "domain") || Is(ident_, "type")) && ident_count_ == 1) {
      // A domain's limits and NOT NULL reach the columns it types; a
      // composite type's attributes are the columns of its typed tables.
      create_domain_ = true;
    } else if (Is(ident_, "view")) {
      create_view_ = true;
      first_word_ = "create view";
    } else if (!(Is(ident_, "unique") || Is(ident_, "unlogged") || Is(ident_, "temporary") || Is(ident_, "temp") ||
                 Is(ident_, "global") || Is(ident_, "local") || Is(ident_, "foreign") || Is(ident_, "or") ||
                 Is(ident_, "replace") || Is(ident_, "recursive"))) {
      first_word_ = "create ...";  // not a table: stop keeping the text
      keep_text_ = false;
    }
  } else if (Is(first_word_, "alter")) {
    alter_words_.Word(ident_);
    move_word_ = move_word_ || IsDataMoveWord(ident_);
  }
  prev_word_ = ident_;
  if (ident_count_ < 4) {
    bool tracked = Is(ident_, "create") || Is(ident_, "function") || Is(ident_, "procedure") || Is(ident_, "or") ||
                   Is(ident_, "replace");
    routine_words_[ident_count_] = tracked ? ident_[0] : '\0';
  }
  ++ident_count_;
  const char* w = routine_words_;
  bool routine = w[0] == 'c' && (w[1] == 'f' || w[1] == 'p' || (w[1] == 'o' && w[2] == 'r' && (w[3] == 'f' || w[3] == 'p')));
  if (!routine || paren_depth_ != 0) return absl::OkStatus();
  if (Is(ident_, "begin")) {
    ++begin_depth_;
  } else if (Is(ident_, "case")) {
    if (begin_depth_ >= 1) ++begin_depth_;
  } else if (Is(ident_, "end")) {
    if (begin_depth_ > 0) --begin_depth_;
  }
  return absl::OkStatus();
}

absl::Status PgPlainFramer::EndMarkerError(int64_t line) const {
  return PositionedError(absl::StatusCode::kDataLoss, line, 1,
                         "end-of-data marker \\. outside COPY data (a damaged COPY statement?)");
}

absl::Status PgPlainFramer::EndStatement(std::string_view input) {
  in_statement_ = false;
  pending_start_ = 0;
  if (insert_head_) {
    keep_text_ = false;
    statement_.clear();
    absl::Status s = EndInsertWithoutValues(input, stmt_end_);
    paren_depth_ = 0;
    begin_depth_ = 0;
    ident_count_ = 0;
    std::memset(routine_words_, 0, sizeof(routine_words_));
    significant_ = 0;
    return s;
  }
  if (insert_values_done_) {
    // The rest of an INSERT whose VALUES list was framed (`;`, ON CONFLICT ...).
    insert_values_done_ = false;
    std::optional<std::string> column;
    if (tail_configured_) {
      column = statement_.rfind("\x01toolong", 0) == 0
                   ? std::string()
                   : UnrewrittenUpdateColumn(PostgresDialect(standard_strings_, multibyte_), statement_, *tail_plan_);
    }
    tail_configured_ = false;
    keep_text_ = false;
    statement_.clear();
    if (column.has_value()) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             UpdateClauseMessage(tail_table_, *column));
    }
    paren_depth_ = 0;
    begin_depth_ = 0;
    ident_count_ = 0;
    std::memset(routine_words_, 0, sizeof(routine_words_));
    significant_ = 0;
    if (drop_tail_) {
      FlushSql(stmt_end_, Segment::Kind::kDrop, line_);
      drop_tail_ = false;
      drop_newline_ = true;
    }
    return absl::OkStatus();
  }
  paren_depth_ = 0;
  begin_depth_ = 0;
  ident_count_ = 0;
  std::memset(routine_words_, 0, sizeof(routine_words_));
  significant_ = 0;
  bool kept = keep_text_ && WorthKeeping(statement_, true);
  keep_text_ = false;
  std::string statement = std::move(statement_);
  statement_.clear();
  const bool too_long = statement.rfind("\x01toolong", 0) == 0;
  if (too_long) {
    std::string head = std::move(long_head_);
    long_head_.clear();
    absl::Status s = EndLongStatement(head);
    if (!s.ok()) return PositionedError(s, statement_line_, statement_col_);
  }
  if (kept && !too_long &&
      (Is(first_word_, "alter") || Is(first_word_, "create") || Is(first_word_, "select") || Is(first_word_, "with"))) {
    // A rename, a schema move, CREATE TABLE ... AS, SELECT ... INTO: rows
    // already passed may become rows of a configured table.
    if (absl::Status s = tables_.CheckDataMoves(PostgresDialect(standard_strings_, multibyte_), statement); !s.ok()) {
      return PositionedError(s, statement_line_, statement_col_);
    }
  }
  if (kept && !too_long) {
    if (absl::Status s = FollowQuotingSettings(statement); !s.ok()) return s;
  }
  if (Is(first_word_, "select")) {
    // pg_dump's SELECT pg_catalog.set_config('search_path', '', false).
    if (kept && statement.rfind("\x01toolong", 0) != 0) {
      if (std::optional<SearchPathSetting> path = PgSearchPathSetting(statement)) {
        tables_.SetSearchPath(std::move(path->schemas));
      }
    }
    return EndSelect(input, statement);
  }
  if (Is(first_word_, "update") || Is(first_word_, "merge") || Is(first_word_, "with")) {
    // The values an UPDATE, MERGE or WITH statement carries into a
    // configured table would pass in clear (issue 11).
    if (statement.rfind("\x01toolong", 0) == 0) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "UPDATE, MERGE or WITH statement longer than 1 MiB: dbanon cannot check which tables "
                             "it writes");
    }
    const SqlDialect& d = PostgresDialect(standard_strings_, multibyte_);
    const std::string first = absl::AsciiStrToUpper(first_word_);
    for (const WrittenTable& w : WrittenTables(d, statement)) {
      TableName table = tables_.NameFor(d, w.name_parts);
      // Unqualified after a search_path dbanon cannot read: any schema's table.
      if (absl::Status p = tables_.CheckSearchPath(table); !p.ok()) {
        return PositionedError(p, statement_line_, statement_col_);
      }
      if (absl::Status v = tables_.CheckViewTarget(table, w.kind); !v.ok()) {
        return PositionedError(v, statement_line_, statement_col_);
      }
      if (std::optional<TableName> under = tables_.ConfiguredUnder(table)) table = *under;
      if (!resolver_->IsConfigured(table)) continue;
      return PositionedError(
          absl::StatusCode::kDataLoss, statement_line_, statement_col_,
          absl::StrCat(first == w.kind ? w.kind : first + " ... " + w.kind, " statement writes into configured table ",
                       table.Display(),
                       ": dbanon rewrites only COPY rows and INSERT ... VALUES tuples, so the values it carries "
                       "would pass in clear (remove the statement from the dump)"));
    }
    return absl::OkStatus();
  }
  if (Is(first_word_, "do")) {
    // A DO block runs at restore time: values its code writes into a
    // configured table would pass in clear. One that only reads passes.
    const SqlDialect& d = PostgresDialect(standard_strings_, multibyte_);
    std::optional<DoBlockWrites> writes;
    if (statement.rfind("\x01toolong", 0) != 0) writes = PgDoBlockWrites(d, statement);
    if (!writes.has_value() || writes->unreadable) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("DO block whose code dbanon cannot read (",
                                          writes.has_value() ? "EXECUTE or a language other than plpgsql"
                                                             : "longer than 1 MiB, or no code string",
                                          "): it may write values into a configured table (remove it from the dump)"));
    }
    for (const WrittenTable& w : writes->tables) {
      TableName table = tables_.NameFor(d, w.name_parts);
      // Unqualified after a search_path dbanon cannot read: any schema's table.
      if (absl::Status p = tables_.CheckSearchPath(table); !p.ok()) {
        return PositionedError(p, statement_line_, statement_col_);
      }
      if (absl::Status v = tables_.CheckViewTarget(table, w.kind); !v.ok()) {
        return PositionedError(v, statement_line_, statement_col_);
      }
      if (std::optional<TableName> under = tables_.ConfiguredUnder(table)) table = *under;
      if (!resolver_->IsConfigured(table)) continue;
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("DO block whose code runs ", w.kind, " into configured table ",
                                          table.Display(),
                                          ": dbanon does not rewrite the values it carries (remove it from the dump)"));
    }
    return absl::OkStatus();
  }
  if (!kept) {
    if (statement.rfind("\x01toolong", 0) == 0 && Is(first_word_, "copy")) {
      // Only statements worth keeping grow this long while kept.
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "COPY statement longer than 1 MiB before its data");
    }
    return absl::OkStatus();
  }
  if (kept && (Is(first_word_, "set") || Is(first_word_, "reset"))) {
    if (std::optional<SearchPathSetting> path = PgSearchPathSetting(statement)) {
      tables_.SetSearchPath(std::move(path->schemas));
      return absl::OkStatus();
    }
  }
  if (Is(first_word_, "set") || Is(first_word_, "reset")) {
    if (std::optional<StandardStringsSet> sco = StandardStringsSetting(statement)) {
      if (sco->unreadable) {
        return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                               "SET or RESET of standard_conforming_strings in a form dbanon does not read: it "
                               "decides how the backslashes of the string literals that follow are read");
      }
      if (sco->reset_all && client_encoding_set_) {
        return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                               "RESET ALL after a SET client_encoding: the client encoding becomes the "
                               "connection's, which dbanon cannot know");
      }
      if (sco->local && !in_transaction_) {
        // Without effect under psql's autocommit, in effect to the end under
        // psql --single-transaction: the dump does not say which.
        return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                               "SET LOCAL standard_conforming_strings outside a transaction block: whether it "
                               "takes effect depends on how the dump is restored (psql --single-transaction)");
      }
      if (sco->value.has_value()) {
        if (in_transaction_) settings_changed_in_transaction_ = true;
        if (sco->local) {
          local_standard_strings_ = *sco->value;
        } else {
          session_standard_strings_ = *sco->value;
          local_standard_strings_.reset();
        }
        standard_strings_ = local_standard_strings_.value_or(session_standard_strings_);
      }
      if (!sco->reset_all) return absl::OkStatus();
    }
  }
  // SET client_encoding: the other statements (CREATE TABLE ...) are not
  // copied and lowercased to find out.
  if ((Is(first_word_, "set") || Is(first_word_, "reset")) && NamesLower(statement, "client_encoding") &&
      !PgClientEncodingSetting(statement).has_value()) {
    // RESET, TO DEFAULT (the connection's encoding), SET LOCAL, or a SET
    // the encoding rules do not read.
    if (PgClientEncodingKnown(statement) || Is(first_word_, "reset")) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "SET or RESET of client_encoding in a form dbanon does not read (RESET, DEFAULT, "
                             "LOCAL): it decides how the bytes that follow make characters");
    }
  }
  if (Is(first_word_, "set") && PgClientEncodingSetting(statement).has_value()) {
    client_encoding_set_ = true;
    if (in_transaction_) settings_changed_in_transaction_ = encoding_changed_in_transaction_ = true;
  }
  if (Is(first_word_, "set") && !PgClientEncodingKnown(statement)) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                           "SET client_encoding names an encoding PostgreSQL does not know (psql refuses it): "
                           "dbanon cannot tell how the bytes that follow make characters");
  }
  if (auto encoding = Is(first_word_, "set") ? PgClientEncodingSetting(statement) : std::nullopt) {
    // How psql reads the literals of the statements that follow (SJIS: a
    // 0x5C that ends a character is no backslash; sql_dialect.h).
    multibyte_ = PgMultibyteRule(PgClientEncodingLayout(statement).value_or(CharLayout::kAsciiSafe));
    tables_.SetEncoding(*encoding);
    copy_layout_ = PgClientEncodingLayout(statement).value_or(CharLayout::kAsciiSafe);
    return absl::OkStatus();
  }
  if (ddl_sink_ != nullptr && (create_table_ || create_index_ || create_domain_ || Is(first_word_, "alter"))) {
    ddl_sink_->push_back(statement);
  }
  if (create_index_) {
    indexes_.Add(statement);
    return absl::OkStatus();
  }
  if (create_domain_) {
    tables_.AddDomain(statement);
    return absl::OkStatus();
  }
  if (create_view_) {
    // An INSERT or UPDATE through a view over a configured table is refused.
    tables_.AddCreateView(PostgresDialect(standard_strings_, multibyte_), statement);
    return absl::OkStatus();
  }
  if (create_table_) {
    // Column names for INSERTs without a column list (pg_dump --inserts).
    tables_.AddCreateTable(PostgresDialect(standard_strings_, multibyte_), statement);
    // A config that does not fit the table's columns is refused here, at
    // its DDL, before any row (parsers/column_fit.h).
    if (absl::Status fit = tables_.CheckNewTables(); !fit.ok()) {
      return PositionedError(fit.code(), statement_line_, statement_col_, ToStd(fit.message()));
    }
    return absl::OkStatus();
  }
  if (Is(first_word_, "alter")) {
    // ALTER TABLE p ATTACH PARTITION c: p's config reaches c's rows.
    tables_.AddAlterTable(statement);
    if (alter_words_.may_change()) {
      tables_.NoteAlterTable(PostgresDialect(standard_strings_, multibyte_), statement);
    }
    return absl::OkStatus();
  }
  auto header = ParseCopyHeader(statement);
  if (!header.ok()) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_, ToStd(header.status().message()));
  }
  if (!header->has_value()) {
    // Not a COPY FROM STDIN, yet it names STDIN: a damaged header, whose
    // rows would go by as SQL.
    if (Is(first_word_, "copy") && saw_stdin_) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "COPY statement that dbanon cannot read");
    }
    if (Is(first_word_, "copy")) {
      // COPY t FROM 'file' | PROGRAM: rows dbanon never sees would reach a
      // configured table at restore time.
      const SqlDialect& d = PostgresDialect(standard_strings_, multibyte_);
      for (const WrittenTable& w : WrittenTables(d, statement)) {
        TableName table = tables_.NameFor(d, w.name_parts);
        // Unqualified after a search_path dbanon cannot read: any schema's table.
        if (absl::Status p = tables_.CheckSearchPath(table); !p.ok()) {
          return PositionedError(p, statement_line_, statement_col_);
        }
        if (absl::Status v = tables_.CheckViewTarget(table, w.kind); !v.ok()) {
          return PositionedError(v, statement_line_, statement_col_);
        }
        if (std::optional<TableName> under = tables_.ConfiguredUnder(table)) table = *under;
        if (!resolver_->IsConfigured(table)) continue;
        return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                               absl::StrCat("COPY FROM a file or program into configured table ", table.Display(),
                                            ": dbanon cannot rewrite rows that are not in the dump (remove the "
                                            "statement, or dump the rows as COPY ... FROM stdin)"));
      }
    }
    return absl::OkStatus();
  }
  copy_ = std::move(**header);
  copy_table_ = tables_.NameFor(PostgresDialect(true), copy_->name_parts);
  if (absl::Status s = tables_.CheckSearchPath(copy_table_); !s.ok()) {
    return PositionedError(s, statement_line_, statement_col_);
  }
  copy_line_ = statement_line_;
  copy_plan_ = nullptr;
  copy_drop_ = false;
  resolver_->SawTable(copy_table_);
  resolver_->SawColumns(copy_table_, copy_->columns, true);
  if (absl::Status covered = resolver_->CheckCoverage(); !covered.ok()) {
    return PositionedError(covered, statement_line_, statement_col_);
  }
  if (!resolver_->IsConfigured(copy_table_)) {
    if (absl::Status v = tables_.CheckViewTarget(copy_table_, "COPY"); !v.ok()) {
      return PositionedError(v, statement_line_, statement_col_);
    }
    absl::Status s = tables_.CheckDataTarget(copy_table_);
    if (!s.ok()) return PositionedError(s, statement_line_, statement_col_);
    s = tables_.CheckPartitionRows(copy_table_, copy_->columns, nullptr);
    if (!s.ok()) return PositionedError(s, statement_line_, statement_col_);
  } else {
    auto truncated = resolver_->Resolve(copy_table_, copy_->columns);
    if (truncated.ok() && *truncated != nullptr && (*truncated)->truncate) {
      copy_drop_ = true;  // the header and `\.` stay, the rows go
      mode_ = Mode::kAfterCopy;
      return absl::OkStatus();
    }
    if (!copy_->text_format) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("COPY options for configured table ", copy_table_.Display(),
                                          " are not supported: only pg_dump's text format is"));
    }
    // The resolver's plan with the column facts of the table's CREATE TABLE
    // (lengths and ranges the replacements must fit).
    auto plan = tables_.PlanFor(copy_table_, copy_->columns);
    if (!plan.ok()) {
      return PositionedError(plan.status(), statement_line_, statement_col_);
    }
    if (absl::Status s = tables_.CheckPartitionRows(copy_table_, copy_->columns, *plan); !s.ok()) {
      return PositionedError(s, statement_line_, statement_col_);
    }
    if (*plan != nullptr) {
      if (absl::Status s = TableCatalog::CheckCopyColumns(**plan); !s.ok()) {
        return PositionedError(s, statement_line_, statement_col_);
      }
    }
    copy_plan_ = *plan;
  }
  mode_ = Mode::kAfterCopy;
  return absl::OkStatus();
}

absl::Status PgPlainFramer::FollowQuotingSettings(std::string_view statement) {
  // Transaction blocks (PostgreSQL docs, "SET": SET LOCAL lasts to the end
  // of the transaction, and a SET in a transaction that is rolled back is
  // undone; "BEGIN", "COMMIT", "ROLLBACK", "ROLLBACK TO SAVEPOINT").
  auto refuse = [&](std::string_view what) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_, what);
  };
  if (Is(first_word_, "begin") || (Is(first_word_, "start") && NamesLower(statement, "transaction"))) {
    if (!in_transaction_) {
      in_transaction_ = true;
      settings_changed_in_transaction_ = encoding_changed_in_transaction_ = false;
      saved_standard_strings_ = session_standard_strings_;
    }
    return absl::OkStatus();
  }
  const bool rollback = Is(first_word_, "rollback") || Is(first_word_, "abort");
  const bool savepoint_rollback = rollback && NamesLower(statement, " to ");
  const bool prepare = Is(first_word_, "prepare") && NamesLower(statement, "transaction");
  if (rollback || prepare || Is(first_word_, "commit") || Is(first_word_, "end")) {
    if (!in_transaction_) return absl::OkStatus();  // a warning, nothing ends
    if (settings_changed_in_transaction_ && (savepoint_rollback || prepare)) {
      return refuse("ROLLBACK TO SAVEPOINT or PREPARE TRANSACTION after a SET of standard_conforming_strings or "
                    "client_encoding in the same transaction: dbanon does not follow which settings it keeps");
    }
    if (savepoint_rollback) return absl::OkStatus();
    if (rollback && encoding_changed_in_transaction_) {
      return refuse("ROLLBACK of a transaction that set client_encoding: dbanon does not follow the encoding back");
    }
    if (rollback) session_standard_strings_ = saved_standard_strings_;
    local_standard_strings_.reset();
    standard_strings_ = session_standard_strings_;
    in_transaction_ = false;
    return absl::OkStatus();
  }
  // set_config('standard_conforming_strings' | 'client_encoding', ...), an
  // UPDATE of pg_settings, a DO block: settings changed by code, whose
  // value dbanon does not read.
  if (Is(first_word_, "select") || Is(first_word_, "with") || Is(first_word_, "update") ||
      Is(first_word_, "merge") || Is(first_word_, "do") || Is(first_word_, "insert")) {
    if (NamesLower(statement, "standard_conforming_strings") || NamesLower(statement, "client_encoding") ||
        NamesLower(statement, "pg_settings")) {
      return refuse("a statement that names standard_conforming_strings, client_encoding or pg_settings outside "
                    "a SET (set_config, UPDATE pg_settings, a DO block): it may change how the string literals "
                    "and bytes that follow are read, in a form dbanon does not read");
    }
  }
  return absl::OkStatus();
}

absl::Status PgPlainFramer::EndLongStatement(std::string_view head) {
  const SqlDialect& d = PostgresDialect(standard_strings_, multibyte_);
  if (Is(first_word_, "alter") && move_word_) {
    return absl::DataLossError(
        "ALTER statement longer than 1 MiB that renames, changes or moves to another schema: dbanon cannot read "
        "which tables or columns it moves rows into");
  }
  if (create_table_ || create_view_ || Is(first_word_, "alter")) {
    absl::Status s = tables_.NoteUnreadDdl(d, head, "1 MiB");
    if (s.ok() && ddl_sink_ != nullptr && !create_view_) {
      ddl_sink_->push_back(absl::StrCat(ToAbsl(kUnreadMark), ToAbsl(head.substr(0, size_t{64} << 10))));
    }
    return s;
  }
  auto names = [&](std::string_view word) {
    return absl::StrContains(absl::AsciiStrToLower(ToAbsl(head.substr(0, size_t{64} << 10))), ToAbsl(word));
  };
  if (Is(first_word_, "set") || Is(first_word_, "reset") || (Is(first_word_, "select") && names("set_config"))) {
    return absl::DataLossError(
        "SET statement (or set_config call) longer than 1 MiB: dbanon cannot read what it sets (search_path, "
        "standard_conforming_strings, client_encoding decide where rows go and how their quotes are read)");
  }
  return absl::OkStatus();
}

absl::Status PgPlainFramer::EndSelect(std::string_view input, const std::string& statement) {
  const bool whole = stmt_started_here_ && stmt_begin_ <= stmt_end_ && stmt_end_ <= input.size();
  if (whole) {
    std::string_view text = input.substr(stmt_begin_, stmt_end_ - stmt_begin_);
    if (AttributeStatsCallStart(text) == StatsCallStart::kYes) {
      absl::StatusOr<AttributeStatsCall> call = ParseAttributeStatsCall(text, standard_strings_);
      if (!call.ok()) {
        return PositionedError(call.status().code(), statement_line_, statement_col_, ToStd(call.status().message()));
      }
      if (!call->HasValues() || !StatsValuesMustGo(*call, *resolver_, tables_, indexes_)) return absl::OkStatus();
      // The call goes to a worker, which writes it without its values.
      FlushSql(stmt_begin_, Segment::Kind::kRaw, statement_line_);
      stats_plan_.table = call->relation;
      out_->push_back(Segment{Segment::Kind::kRows, stmt_begin_, stmt_end_, statement_line_, &stats_plan_,
                              StatsCallRewriter(standard_strings_), statement_col_});
      sql_from_ = stmt_end_;
      sql_from_line_ = line_;
      return absl::OkStatus();
    }
  }
  // Large objects are not anonymized: coverage counts them, strict mode
  // may refuse them (TableResolver::NoteLargeObjects).
  if (statement.rfind("\x01toolong", 0) != 0) {
    if (std::optional<LargeObjectCall> lo = ParseLargeObjectCall(statement)) {
      absl::Status s = resolver_->NoteLargeObjects(lo->kind == LargeObjectCall::Kind::kCreate ? 1 : 0,
                                                   lo->kind == LargeObjectCall::Kind::kOpen ? 1 : 0, lo->bytes);
      if (!s.ok()) return PositionedError(s, statement_line_, statement_col_);
    }
  }
  // A call in another shape would pass in clear. (A SELECT longer than
  // kMaxStatementBytes that was not held is not a call by its first words.)
  const bool too_long = statement.rfind("\x01toolong", 0) == 0;
  std::string_view seen = !too_long ? std::string_view(statement)
                          : whole   ? input.substr(stmt_begin_, stmt_end_ - stmt_begin_)
                                    : std::string_view();
  if (NamesAttributeStats(seen)) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                           "a statement names pg_restore_attribute_stats in a form dbanon does not read (pg_dump 18 "
                           "writes SELECT * FROM pg_catalog.pg_restore_attribute_stats(...)): its arguments may hold "
                           "column values");
  }
  return absl::OkStatus();
}

absl::Status PgPlainFramer::ScanCopyData(std::string_view input, size_t* pos, bool eof) {
  auto stop = copy_cutter_.Cut(input, pos, eof, out_);
  line_ = copy_cutter_.line();
  col_ = copy_cutter_.col();
  if (!stop.ok()) return stop.status();
  switch (*stop) {
    case CopyRowCutter::Stop::kMore:
      return absl::OkStatus();
    case CopyRowCutter::Stop::kCutOff:
      return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                             absl::StrCat("unexpected end of input inside the COPY block for table ",
                                          copy_table_.Display(), " (started at line ", copy_line_, ")"));
    case CopyRowCutter::Stop::kEndNoNewline:
      warnings_.push_back(absl::StrCat(line_, ":1: warning: the COPY block for table ", copy_table_.Display(),
                                       " ends without a newline after \\. (psql may reject it)"));
      break;
    case CopyRowCutter::Stop::kEnd:
      break;
  }
  resolver_->CountRows(copy_table_, copy_cutter_.rows());
  mode_ = Mode::kSql;
  lex_.Reset();
  meta_ = false;
  prev_ = prev2_ = '\n';
  copy_plan_ = nullptr;
  copy_drop_ = false;
  return absl::OkStatus();
}

}  // namespace dbanon
