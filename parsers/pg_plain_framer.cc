#include "parsers/pg_plain_framer.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "src/string_view_compat.h"

namespace dbanon {
namespace {

bool IsIdentChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c >= 0x80;
}
bool IsTagStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The statement kinds whose text the framer inspects. Everything else is
// passed through without keeping its text.
bool WorthKeeping(std::string_view prefix, bool complete) {
  auto starts = [&](std::string_view word) {
    if (prefix.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (absl::ascii_tolower(static_cast<unsigned char>(prefix[i])) != word[i]) return false;
    }
    if (prefix.size() == word.size()) return complete;
    return !IsIdentChar(static_cast<unsigned char>(prefix[word.size()]));
  };
  return starts("copy") || starts("insert") || starts("set");
}

// `SET standard_conforming_strings = off|on;` (and TO, quotes, case).
std::optional<bool> StandardStringsSetting(std::string_view statement) {
  std::string s;
  for (char c : statement) {
    if (!IsSpace(static_cast<unsigned char>(c)) && c != '\'' && c != '"' && c != ';') {
      s.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(c))));
    }
  }
  for (std::string_view prefix : {"setstandard_conforming_strings=", "setstandard_conforming_stringsto",
                                  "setsessionstandard_conforming_strings=", "setsessionstandard_conforming_stringsto"}) {
    if (s.rfind(prefix, 0) == 0) {
      std::string_view v = std::string_view(s).substr(prefix.size());
      if (v == "on" || v == "true" || v == "1" || v == "default") return true;
      if (v == "off" || v == "false" || v == "0") return false;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::Status PositionedError(absl::StatusCode code, int64_t line, int64_t col, std::string_view message) {
  return absl::Status(code, absl::StrCat(line, ":", col, ": ", ToAbsl(message)));
}

std::vector<std::string> PgPlainFramer::TakeWarnings() { return std::move(warnings_); }

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
  while (pos < input.size()) {
    if (mode_ == Mode::kCopyData) {
      size_t before = pos;
      absl::Status s = ScanCopyData(input, &pos, eof, nullptr);
      if (!s.ok()) return s;
      if (pos == before && mode_ == Mode::kCopyData) break;  // needs more input
    } else {
      size_t start = pos;
      int64_t start_line = line_;
      absl::Status s = ScanSql(input, &pos, eof);
      Emit(Segment::Kind::kRaw, start, pos, start_line, nullptr);
      if (!s.ok()) return s;
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
  switch (lex_) {
    case Lex::kString:
    case Lex::kEscapeString:
    case Lex::kEscapeStringBackslash: what = "a string literal"; break;
    case Lex::kQuotedIdent: what = "a quoted identifier"; break;
    case Lex::kDollar: what = "a dollar-quoted string"; break;
    case Lex::kBlockComment: what = "a comment"; break;
    default: break;
  }
  if (what != nullptr) {
    return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                           absl::StrCat("unexpected end of input inside ", what, " (started at line ",
                                        lex_start_line_, ")"));
  }
  return absl::OkStatus();
}

absl::Status PgPlainFramer::ScanSql(std::string_view input, size_t* pos, bool eof) {
  (void)eof;
  const size_t n = input.size();
  size_t i = *pos;
  // Appends input[from, to) to the kept statement text.
  auto keep = [&](size_t from, size_t to) {
    if (!keep_text_ || to <= from) return;
    if (statement_.size() + (to - from) > kMaxStatementBytes) {
      keep_text_ = false;
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
  auto find = [&](char c) -> size_t {
    const void* p = std::memchr(input.data() + i, c, n - i);
    return p == nullptr ? n : static_cast<size_t>(static_cast<const char*>(p) - input.data());
  };

  while (i < n) {
    unsigned char c = static_cast<unsigned char>(input[i]);
    const bool prev_significant = last_was_significant_;
    last_was_significant_ = false;
    if (mode_ == Mode::kAfterCopy) {
      if (c == '\n') {
        jump(i + 1, false);
        mode_ = Mode::kCopyData;
        *pos = i;
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
    switch (lex_) {
      case Lex::kLineComment:
      case Lex::kMeta: {
        size_t nl = find('\n');
        if (nl == n) {
          jump(n, false);
        } else {
          jump(nl + 1, false);
          lex_ = Lex::kNormal;
          keep(nl, nl + 1);
        }
        continue;
      }
      case Lex::kString:
      case Lex::kQuotedIdent: {
        size_t q = find(lex_ == Lex::kString ? '\'' : '"');
        if (q == n) {
          jump(n, true);
        } else {
          jump(q + 1, true);
          reopen_ = lex_;
          lex_ = Lex::kNormal;
        }
        continue;
      }
      case Lex::kEscapeString:
        if (c == '\\') {
          lex_ = Lex::kEscapeStringBackslash;
        } else if (c == '\'') {
          reopen_ = Lex::kEscapeString;
          lex_ = Lex::kNormal;
          jump(i + 1, true);
          continue;
        }
        jump(i + 1, true);
        continue;
      case Lex::kEscapeStringBackslash:
        lex_ = Lex::kEscapeString;
        jump(i + 1, true);
        continue;
      case Lex::kBlockComment:
        if (c == '*' && prev_ == '/') {
          ++block_depth_;
          jump(i + 1, false);
          prev_ = ' ';
        } else if (c == '/' && prev_ == '*') {
          jump(i + 1, false);
          prev_ = ' ';
          if (--block_depth_ == 0) {
            lex_ = Lex::kNormal;
            if (keep_text_) statement_.push_back(' ');
          }
        } else {
          jump(i + 1, false);
        }
        continue;
      case Lex::kDollarOpen:
        if (c == '$') {
          dollar_tag_.push_back('$');
          lex_ = Lex::kDollar;
          dollar_match_ = 0;
          jump(i + 1, true);
        } else if (IsTagStart(c) || (c >= '0' && c <= '9' && dollar_tag_.size() > 1)) {
          dollar_tag_.push_back(static_cast<char>(c));
          jump(i + 1, true);
        } else {
          lex_ = Lex::kNormal;  // `$1` or an operator: not a dollar quote; rescan this byte
        }
        continue;
      case Lex::kDollar: {
        if (dollar_match_ == 0) {
          size_t d = find('$');
          if (d > i) {
            jump(d, true);
            continue;
          }
          if (d == n) continue;
        }
        if (c == static_cast<unsigned char>(dollar_tag_[dollar_match_])) {
          ++dollar_match_;
        } else {
          dollar_match_ = c == '$' ? 1 : 0;
        }
        jump(i + 1, true);
        if (dollar_match_ == dollar_tag_.size()) {
          lex_ = Lex::kNormal;
          prev_ = ' ';
        }
        continue;
      }
      case Lex::kNormal:
        break;
    }

    // Normal SQL text.
    Lex reopen = reopen_;
    reopen_ = Lex::kNormal;
    if (in_ident_ && !IsIdentChar(c)) FinishIdentifier();
    if (in_ident_) {
      if (ident_.size() < 16) ident_.push_back(static_cast<char>(absl::ascii_tolower(c)));
    } else if (IsTagStart(c) && !IsIdentChar(prev_)) {
      in_ident_ = true;
      ident_.assign(1, static_cast<char>(absl::ascii_tolower(c)));
    }
    if (IsSpace(c)) {
      jump(i + 1, in_statement_);
      continue;
    }
    if (c == '-' && prev_ == '-' && prev_significant) {
      // The first '-' was counted as the start of the statement: take it back.
      UnkeepLast();
      lex_ = Lex::kLineComment;
      jump(i + 1, false);
      continue;
    }
    if (c == '*' && prev_ == '/' && prev_significant) {
      UnkeepLast();
      lex_ = Lex::kBlockComment;
      block_depth_ = 1;
      lex_start_line_ = line_;
      jump(i + 1, false);
      prev_ = ' ';
      continue;
    }
    if (c == '\\' && !in_statement_) {
      lex_ = Lex::kMeta;
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
    }
    ++significant_;
    if (c == '\'') {
      lex_start_line_ = line_;
      if (reopen != Lex::kNormal && prev_ == '\'') {
        lex_ = reopen;  // '' inside a literal: same kind of literal goes on
      } else if ((prev_ == 'E' || prev_ == 'e') && !IsIdentChar(prev2_)) {
        lex_ = Lex::kEscapeString;
      } else {
        lex_ = standard_strings_ ? Lex::kString : Lex::kEscapeString;
      }
    } else if (c == '"') {
      lex_start_line_ = line_;
      lex_ = Lex::kQuotedIdent;
    } else if (c == '$' && !IsIdentChar(prev_)) {
      lex_start_line_ = line_;
      lex_ = Lex::kDollarOpen;
      dollar_tag_.clear();
      dollar_tag_.push_back('$');
    } else if (c == '(') {
      ++paren_depth_;
    } else if (c == ')') {
      if (paren_depth_ > 0) --paren_depth_;
    }
    jump(i + 1, true);
    last_was_significant_ = true;
    if (keep_text_ && !decided_ && statement_.size() >= 8) {
      decided_ = true;
      keep_text_ = WorthKeeping(statement_, false);
    }
    if (c == ';' && paren_depth_ == 0 && begin_depth_ == 0 && lex_ == Lex::kNormal) {
      *pos = i;
      absl::Status s = EndStatement();
      if (!s.ok()) return s;
      if (mode_ == Mode::kAfterCopy) continue;
    }
    continue;
  }
  *pos = i;
  return absl::OkStatus();
}

// psql does not end a statement at a ';' inside the BEGIN ... END body of a
// SQL-standard function (PostgreSQL 14+): it counts BEGIN, CASE and END
// words when the statement starts with CREATE [OR REPLACE] FUNCTION or
// PROCEDURE (src/fe_utils/psqlscan.l). Same rule here.
void PgPlainFramer::FinishIdentifier() {
  in_ident_ = false;
  if (ident_count_ < 4) {
    bool tracked = ident_ == "create" || ident_ == "function" || ident_ == "procedure" || ident_ == "or" ||
                   ident_ == "replace";
    routine_words_[ident_count_] = tracked ? ident_[0] : '\0';
  }
  ++ident_count_;
  const char* w = routine_words_;
  bool routine = w[0] == 'c' && (w[1] == 'f' || w[1] == 'p' || (w[1] == 'o' && w[2] == 'r' && (w[3] == 'f' || w[3] == 'p')));
  if (!routine || paren_depth_ != 0) return;
  if (ident_ == "begin") {
    ++begin_depth_;
  } else if (ident_ == "case") {
    if (begin_depth_ >= 1) ++begin_depth_;
  } else if (ident_ == "end") {
    if (begin_depth_ > 0) --begin_depth_;
  }
}

void PgPlainFramer::UnkeepLast() {
  if (keep_text_ && !statement_.empty()) statement_.pop_back();
  if (--significant_ <= 0) {
    significant_ = 0;
    in_statement_ = false;
    keep_text_ = false;
  }
}

absl::Status PgPlainFramer::EndStatement() {
  in_statement_ = false;
  paren_depth_ = 0;
  begin_depth_ = 0;
  ident_count_ = 0;
  std::memset(routine_words_, 0, sizeof(routine_words_));
  significant_ = 0;
  bool kept = keep_text_ && WorthKeeping(statement_, true);
  keep_text_ = false;
  std::string statement = std::move(statement_);
  statement_.clear();
  if (!kept) {
    if (statement.rfind("\x01toolong", 0) == 0) {
      // Only statements worth keeping grow this long while kept.
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             "COPY or INSERT statement longer than 1 MiB before its data");
    }
    return absl::OkStatus();
  }
  if (auto sco = StandardStringsSetting(statement)) {
    standard_strings_ = *sco;
    return absl::OkStatus();
  }
  if (auto target = ParseInsertTarget(statement)) {
    TableName table = target->size() >= 2 ? TableName{(*target)[target->size() - 2], target->back()}
                                           : TableName{"public", target->back()};
    resolver_->SawTable(table);
    if (resolver_->IsConfigured(table)) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("table ", table.Display(),
                                          " is configured but its data is in INSERT statements, which this "
                                          "version does not rewrite; dump it with COPY (pg_dump's default)"));
    }
    return absl::OkStatus();
  }
  auto header = ParseCopyHeader(statement);
  if (!header.ok()) {
    return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_, ToStd(header.status().message()));
  }
  if (!header->has_value()) return absl::OkStatus();
  copy_ = std::move(**header);
  copy_table_ = copy_->Table();
  copy_line_ = statement_line_;
  copy_rows_ = 0;
  copy_plan_ = nullptr;
  resolver_->SawTable(copy_table_);
  if (resolver_->IsConfigured(copy_table_)) {
    if (!copy_->text_format) {
      return PositionedError(absl::StatusCode::kDataLoss, statement_line_, statement_col_,
                             absl::StrCat("COPY options for configured table ", copy_table_.Display(),
                                          " are not supported: only pg_dump's text format is"));
    }
    auto plan = resolver_->Resolve(copy_table_, copy_->columns);
    if (!plan.ok()) {
      return PositionedError(plan.status().code(), statement_line_, statement_col_, ToStd(plan.status().message()));
    }
    copy_plan_ = *plan;
  }
  mode_ = Mode::kAfterCopy;
  return absl::OkStatus();
}

absl::Status PgPlainFramer::ScanCopyData(std::string_view input, size_t* pos, bool eof, size_t*) {
  const size_t n = input.size();
  size_t i = *pos;
  auto end_block = [&] {
    resolver_->CountRows(copy_table_, copy_rows_);
    mode_ = Mode::kSql;
    lex_ = Lex::kNormal;
    prev_ = prev2_ = '\n';
    copy_plan_ = nullptr;
  };
  while (i < n) {
    const char* nlp = static_cast<const char*>(std::memchr(input.data() + i, '\n', n - i));
    if (mid_line_) {
      size_t to = nlp == nullptr ? n : static_cast<size_t>(nlp - input.data()) + 1;
      Emit(Segment::Kind::kRaw, i, to, line_, nullptr);
      if (nlp != nullptr) {
        ++line_;
        mid_line_ = false;
      }
      i = to;
      continue;
    }
    if (nlp == nullptr) {
      std::string_view rest = input.substr(i);
      if (eof) {
        if (rest == "\\." || rest == "\\.\r") {
          Emit(Segment::Kind::kRaw, i, n, line_, nullptr);
          warnings_.push_back(absl::StrCat(line_, ":1: warning: the COPY block for table ", copy_table_.Display(),
                                           " ends without a newline after \\. (psql may reject it)"));
          i = n;
          end_block();
          break;
        }
        col_ = static_cast<int64_t>(rest.size()) + 1;
        *pos = i;
        return PositionedError(absl::StatusCode::kDataLoss, line_, col_,
                               absl::StrCat("unexpected end of input inside the COPY block for table ",
                                            copy_table_.Display(), " (started at line ", copy_line_, ")"));
      }
      if (copy_plan_ == nullptr && rest.size() > 3) {
        // Too long to be the end marker: pass it on now, whatever its length.
        Emit(Segment::Kind::kRaw, i, n, line_, nullptr);
        ++copy_rows_;
        mid_line_ = true;
        i = n;
        break;
      }
      if (rest.size() > kMaxRowBytes) {
        *pos = i;
        return PositionedError(absl::StatusCode::kDataLoss, line_, 1,
                               absl::StrCat("a row of configured table ", copy_table_.Display(), " is longer than ",
                                            kMaxRowBytes >> 20, " MiB"));
      }
      break;  // wait for the rest of the line
    }
    size_t nl = static_cast<size_t>(nlp - input.data());
    std::string_view row(input.data() + i, nl - i);
    if (row == "\\." || row == "\\.\r") {
      Emit(Segment::Kind::kRaw, i, nl + 1, line_, nullptr);
      ++line_;
      col_ = 1;
      i = nl + 1;
      end_block();
      break;
    }
    if (copy_plan_ != nullptr) {
      Emit(Segment::Kind::kRows, i, nl + 1, line_, copy_plan_);
    } else {
      Emit(Segment::Kind::kRaw, i, nl + 1, line_, nullptr);
    }
    ++copy_rows_;
    ++line_;
    i = nl + 1;
  }
  *pos = i;
  return absl::OkStatus();
}

}  // namespace dbanon
