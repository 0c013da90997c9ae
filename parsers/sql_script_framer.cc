#include "parsers/sql_script_framer.h"

#include <algorithm>
#include <optional>

#include <cstring>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/char_class.h"
#include "base/string_view_compat.h"
#include "parsers/sql_commands.h"
#include "parsers/sql_lexer.h"
#include "parsers/text_encoding.h"

namespace dbanon {
namespace {

// sqlite3_complete's tokens and state machine (SQLite src/complete.c): a
// statement is complete at a ';' that brings the state back to START; inside
// CREATE TRIGGER only `; END ;` does.
enum SqliteToken { kSemi = 0, kWs, kOther, kExplain, kCreate, kTemp, kTrigger, kEnd };
constexpr int kSqliteTransitions[8][8] = {
    /* 0 INVALID */ {1, 0, 2, 3, 4, 2, 2, 2},
    /* 1 START   */ {1, 1, 2, 3, 4, 2, 2, 2},
    /* 2 NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
    /* 3 EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
    /* 4 CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
    /* 5 TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
    /* 6 SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
    /* 7 END     */ {1, 7, 5, 5, 5, 5, 5, 7},
};

// The database of `USE db;` / "USE `d``b`;" (mysqldump quotes it with
// backquotes, doubling any inside); nullopt when it cannot be read.
std::optional<std::string> UseDatabase(std::string_view text, char quote) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && IsSqlSpace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  if (text.size() - i < 3) return std::nullopt;
  i += 3;  // USE
  skip_space();
  std::string db;
  if (i < text.size() && (text[i] == '`' || text[i] == quote)) {
    const char q = text[i];
    for (++i;; ++i) {
      if (i >= text.size()) return std::nullopt;
      if (text[i] == q) {
        if (i + 1 < text.size() && text[i + 1] == q) {
          db.push_back(q);
          ++i;
          continue;
        }
        ++i;
        break;
      }
      db.push_back(text[i]);
    }
  } else {
    while (i < text.size() && IsSqlIdentChar(static_cast<unsigned char>(text[i]))) db.push_back(text[i++]);
  }
  skip_space();
  if (i < text.size() && text[i] == ';') ++i;
  skip_space();
  if (db.empty() || i != text.size()) return std::nullopt;
  return db;
}

}  // namespace

std::vector<std::string> SqlScriptFramer::TakeWarnings() {
  std::vector<std::string> out = std::move(warnings_);
  warnings_.clear();
  return out;
}

void SqlScriptFramer::SqliteToken(int token) { sqlite_state_ = kSqliteTransitions[sqlite_state_][token]; }

void SqlScriptFramer::Flush(size_t to, Segment::Kind kind) {
  if (to <= emitted_) return;
  sink_.Emit(kind, emitted_, to);
  emitted_ = to;
}

bool SqlScriptFramer::Holding() const {
  constexpr uint32_t kHeld = Bit(Kind::kUndecided) | Bit(Kind::kInsert) | Bit(Kind::kCreateTable) |
                             Bit(Kind::kCreateView) | Bit(Kind::kAlter) | Bit(Kind::kSchemaInsert) |
                             Bit(Kind::kFtsData) | Bit(Kind::kDelimiter) | Bit(Kind::kUse) | Bit(Kind::kSet) |
                             Bit(Kind::kWrite);
  return (Bit(kind_) & kHeld) != 0;
}

void SqlScriptFramer::StartStatement(size_t i) {
  kind_ = Kind::kUndecided;
  stmt_begin_ = i;
  std::tie(stmt_line_, stmt_col_) = sink_.lines().At(i);
  stmt_versioned_ = lex_.versioned();
  stmt_version_ = lex_.version();
  paren_depth_ = 0;
  words_ = 0;
  last_word_default_ = false;
  drop_newline_ = false;
  stmt_significant_ = false;
  first_word_done_ = false;
  pragma_state_ = 0;
  alter_words_.Reset();
  unread_ = Unread::kNone;
}

void SqlScriptFramer::ResetStatement() {
  kind_ = Kind::kNone;
  in_word_ = in_number_ = false;
  word_.clear();
  paren_depth_ = 0;
  words_ = 0;
  last_word_default_ = false;
  drop_tail_ = false;
  stmt_significant_ = false;
  first_word_done_ = false;
}

absl::Status SqlScriptFramer::StatementError(absl::StatusCode code, std::string_view message) {
  return PositionedError(code, stmt_line_, stmt_col_, message);
}

absl::StatusOr<size_t> SqlScriptFramer::Frame(std::string_view input, bool eof, std::vector<Segment>* segments) {
  sink_.Reset(segments, input, 0, line_, col_);
  emitted_ = 0;
  tail_from_ = 0;
  size_t pos = 0;
  while (true) {
    if (in_values_) {
      bool done = false;
      absl::Status s = values_.Frame(input, &pos, eof, &sink_, &done);
      if (!s.ok()) return s;
      emitted_ = pos;
      if (!done) break;
      in_values_ = false;
      tail_from_ = pos;
      resolver_->CountRows(values_.table(), values_.rows());
      drop_tail_ = values_.drop();
      last_word_default_ = false;
      continue;
    }
    Stop stop = Stop::kNone;
    absl::Status s = ScanSql(input, &pos, eof, &stop);
    if (!s.ok()) return s;
    if (stop != Stop::kValues) break;
  }
  if (eof && pos == input.size() && !in_values_) {
    absl::Status s = EndOfInput(input);
    if (!s.ok()) return s;
    Flush(pos);
  }
  KeepTail(input, pos);
  std::tie(line_, col_) = sink_.lines().At(pos);
  return pos;
}

void SqlScriptFramer::KeepTail(std::string_view input, size_t to) {
  if (!tail_configured_ || in_values_ || kind_ != Kind::kInsertTail || to <= tail_from_) return;
  if (tail_text_.size() <= kMaxHeadBytes) tail_text_.append(input.substr(tail_from_, to - tail_from_));
  tail_from_ = to;
}

absl::Status SqlScriptFramer::EndOfInput(std::string_view input) {
  if (!tables_.FtsRebuild().empty() && rebuild_rewriter_.text.empty()) {
    auto [line, col] = sink_.lines().At(input.size());
    return PositionedError(absl::StatusCode::kDataLoss, line, col,
                           "the dump declares FTS tables whose index holds configured values but has no PRAGMA "
                           "writable_schema=OFF after them, where dbanon rebuilds their index: not in the shape "
                           "of sqlite3's .dump");
  }
  const SqlLexer::State state = lex_.state();
  if (state == SqlLexer::State::kQuoted || state == SqlLexer::State::kBlockComment || lex_.versioned() > 0) {
    const char* what = state == SqlLexer::State::kBlockComment ? "a comment"
                       : state == SqlLexer::State::kQuoted     ? (lex_.is_string() ? "a string literal" : "a quoted name")
                                                               : "a versioned comment /*! ... */";
    auto [line, col] = sink_.lines().At(input.size());
    return PositionedError(absl::StatusCode::kDataLoss, line, col,
                           absl::StrCat("unexpected end of input inside ", what, " (started at line ",
                                        state == SqlLexer::State::kCode ? stmt_line_ : lit_line_, ")"));
  }
  if (kind_ != Kind::kNone) {
    // Text after the last delimiter: a cut-off or damaged dump (the client
    // would send it; it may be data). Only comments and versioned comments
    // without code may end the file.
    if (stmt_significant_) {
      auto [line, col] = sink_.lines().At(input.size());
      return PositionedError(absl::StatusCode::kDataLoss, line, col,
                             absl::StrCat("unexpected end of input inside a statement (started at line ", stmt_line_,
                                          ")"));
    }
    return EndStatement(input, input.size());
  }
  return absl::OkStatus();
}

// A held statement past its size limit: refused, or passed through unread
// (kind_ becomes kOther) where reading it cannot matter.
absl::Status SqlScriptFramer::LimitHeld(std::string_view input, size_t held) {
  if (kind_ == Kind::kWrite && held > kMaxHeadBytes) {
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat("UPDATE, MERGE or WITH statement longer than ", kMaxHeadBytes >> 20,
                                       " MiB: dbanon cannot check which tables it writes"));
  }
  if ((kind_ == Kind::kSchemaInsert || kind_ == Kind::kFtsData) && held > kMaxHeadBytes) {
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat(kind_ == Kind::kFtsData ? "FTS index row" : "INSERT INTO sqlite_schema",
                                       " statement longer than ", kMaxHeadBytes >> 20,
                                       " MiB: not in the shape of sqlite3's .dump"));
  }
  if (kind_ == Kind::kSet && held > kMaxHeadBytes) {
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat("SET statement longer than ", kMaxHeadBytes >> 20,
                                       " MiB: dbanon cannot check the sql_mode it may assign"));
  }
  if ((kind_ == Kind::kUse || kind_ == Kind::kDelimiter) && held > kMaxHeadBytes) {
    // mysqldump writes `USE `db`;` and `DELIMITER ;;`: a few bytes.
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat(kind_ == Kind::kUse ? "USE" : "DELIMITER", " statement longer than ",
                                       kMaxHeadBytes >> 20, kind_ == Kind::kUse
                                           ? " MiB: dbanon cannot read the database it selects"
                                           : " MiB: dbanon cannot read the delimiter it sets"));
  }
  if (kind_ == Kind::kInsert && held > kMaxHeadBytes) {
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat("INSERT statement longer than ", kMaxHeadBytes >> 20,
                                       " MiB before its VALUES"));
  }
  if (((kind_ == Kind::kCreateTable || kind_ == Kind::kCreateView || kind_ == Kind::kAlter) &&
       held > kMaxCreateTableBytes) ||
      (kind_ == Kind::kUndecided && held > kMaxUndecidedBytes)) {
    // Passed through without reading it, but for its head.
    if (absl::Status s = PassUnreadStatement(input.substr(stmt_begin_, held)); !s.ok()) return s;
    unread_ = kind_ == Kind::kAlter ? Unread::kAlter : kind_ == Kind::kCreateTable ? Unread::kCreateTable : Unread::kNone;
    kind_ = Kind::kOther;
  }
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::ScanSql(std::string_view input, size_t* pos, bool eof, Stop* stop) {
  const size_t n = input.size();
  const char* data = input.data();
  size_t i = *pos;
  // input[at] needs bytes past the end: stop before it, or before the held
  // statement, which is scanned again with more input.
  auto need_more = [&](size_t at) {
    if (Holding()) {
      Flush(stmt_begin_);
      ResetStatement();
      lex_.ResetTo(stmt_versioned_, stmt_version_);
      sqlite_state_ = 1;
      *pos = stmt_begin_;
    } else {
      Flush(at, drop_tail_ ? Segment::Kind::kDrop : Segment::Kind::kRaw);
      *pos = at;
    }
    *stop = Stop::kNeedMore;
    return absl::OkStatus();
  };

  while (i < n) {
    // The size limits of held statements are 64 KiB and more: one compare
    // per byte until then.
    if (Holding() && i - stmt_begin_ > kMinHeldLimit) {
      absl::Status s = LimitHeld(input, i - stmt_begin_);
      if (!s.ok()) return s;
    }
    if (lex_.state() != SqlLexer::State::kCode) {
      bool more = false;
      const size_t k = lex_.Skip(input, i, eof, &more);
      if (Holding() && k - stmt_begin_ > kMinHeldLimit) {
        // A literal or comment that the input does not close yet, inside a
        // held statement: its size counts against the statement's limit
        // here too, or the statement was read again with more input, and
        // held, until the input ended (a 200 MiB literal: 272 MB of RSS).
        absl::Status s = LimitHeld(input, k - stmt_begin_);
        if (!s.ok()) return s;
      }
      if (more) return need_more(k);
      i = k;
      continue;
    }

    const unsigned char c = static_cast<unsigned char>(data[i]);
    // A character of a word: in SJIS, BIG5, GBK its second byte may be an
    // ASCII byte (a backquote), which is not one (SqlDialect::multibyte).
    auto char_len = [&]() -> size_t {
      return c < 0x80 || d_->multibyte == MultibyteRule::kNone ? 1 : MultibyteCharLength(d_->multibyte, input, i, eof);
    };
    if (in_word_) {
      if (IsSqlIdentChar(c)) {
        word_.push_back(static_cast<char>(absl::ascii_tolower(c)));
        if (!first_word_done_) {
          first_raw_.push_back(static_cast<char>(c));
          ++first_len_;
        }
        const size_t len = char_len();
        if (len == 0) return need_more(i);
        i += len;
        continue;
      }
      absl::Status s = EndWord(input, i, stop);
      if (!s.ok()) return s;
      if (*stop == Stop::kValues) {
        *pos = i;
        return absl::OkStatus();
      }
      if (kind_ == Kind::kDelimiter) {
        // `DELIMITER xx` is a client command: the delimiter is the next token
        // of the line (mysql client, com_delimiter).
        const void* nlp = std::memchr(data + i, '\n', n - i);
        size_t nl = nlp == nullptr ? n : static_cast<size_t>(static_cast<const char*>(nlp) - data);
        // Held to its line end, which must come within the bound of held statements.
        if (nl - stmt_begin_ > kMaxHeadBytes) return LimitHeld(input, nl - stmt_begin_);
        if (nlp == nullptr && !eof) return need_more(i);
        size_t k = i;
        while (k < nl && IsSqlSpace(data[k])) ++k;
        size_t e = k;
        while (e < nl && !IsSqlSpace(data[e])) ++e;
        if (e == k) return StatementError(absl::StatusCode::kDataLoss, "DELIMITER without a delimiter");
        delimiter_.assign(data + k, e - k);
        ResetStatement();
        i = nl;
        continue;
      }
    }
    if (in_number_) {
      if (IsSqlIdentChar(c)) {
        ++i;
        continue;
      }
      in_number_ = false;
    }
    if (drop_newline_) {
      // The line end after a dropped statement goes with it.
      if (c == '\r' || c == '\n') {
        Flush(i);
        Flush(i + 1, Segment::Kind::kDrop);
        if (c == '\n') drop_newline_ = false;
        ++i;
        continue;
      }
      drop_newline_ = false;
    }
    if (IsSqlSpace(c)) {
      ++i;
      continue;
    }
    // Literals, comments and versioned comments: the SQL lexer decides.
    const int versioned_before = lex_.versioned(), version_before = lex_.version();
    size_t open_end = i;
    const SqlLexer::Token token = lex_.Open(*d_, input, i, eof, ' ', ' ', &open_end);
    switch (token) {
      case SqlLexer::Token::kNeedMore:
        return need_more(i);
      case SqlLexer::Token::kLineComment:
        i = open_end;
        continue;
      case SqlLexer::Token::kBlockComment:
        lit_line_ = sink_.lines().At(i).first;
        i = open_end;
        continue;
      case SqlLexer::Token::kVersionedOpen:
        if (kind_ == Kind::kNone) {
          StartStatement(i);
          stmt_versioned_ = versioned_before;
          stmt_version_ = version_before;
        }
        i = open_end;
        continue;
      case SqlLexer::Token::kVersionedClose:
        i = open_end;
        continue;
      default:  // kNone: a byte of code; kString, kQuotedName: below
        break;
    }
    if (c == '\\' && lex_.versioned() > 0 && d_->mysql()) {
      // A client command in a versioned comment (`/*M!999999\\- enable the
      // sandbox mode */`): the client runs it; the rest of the comment is
      // not SQL.
      lex_.SkipRestOfVersioned();
      lit_line_ = sink_.lines().At(i).first;
      ++i;
      continue;
    }
    // A significant byte.
    if (kind_ == Kind::kNone) StartStatement(i);
    // Before the statement's first word only '(' may come (a parenthesized
    // query), or the delimiter of an empty statement: anything else is not
    // SQL that a dump tool writes (a damaged keyword, a data row).
    const bool leading = !first_word_done_;
    const bool was_empty = !stmt_significant_;
    stmt_significant_ = true;
    auto bad_start = [&] {
      auto [line, col] = sink_.lines().At(i);
      return PositionedError(absl::StatusCode::kDataLoss, line, col, UnknownCommandMessage("", -1));
    };
    if (IsSqlIdentStart(c)) {
      in_word_ = true;
      word_.assign(static_cast<char>(absl::ascii_tolower(c)));
      if (leading) {
        first_raw_.assign(static_cast<char>(c));
        first_len_ = 1;
        std::tie(first_line_, first_col_) = sink_.lines().At(i);
      }
      const size_t len = char_len();
      if (len == 0) return need_more(i);
      i += len;
      continue;
    }
    const bool delimiter_start = d_->mysql() ? c == static_cast<unsigned char>(delimiter_[0]) : c == ';';
    if (leading && c != '(' && !(was_empty && delimiter_start)) return bad_start();
    if (c >= '0' && c <= '9') {
      in_number_ = true;
      if (kind_ == Kind::kUndecided) kind_ = Kind::kOther;
      if (d_->sqlite()) SqliteToken(kOther);
      ++i;
      continue;
    }
    if (token == SqlLexer::Token::kString || token == SqlLexer::Token::kQuotedName) {
      lit_line_ = sink_.lines().At(i).first;
      // After CREATE a quoted name may be a view's DEFINER (`root`@`host`).
      if (kind_ == Kind::kUndecided && words_ == 0) kind_ = Kind::kOther;
      if (d_->sqlite()) SqliteToken(kOther);
      i = open_end;
      continue;
    }
    if (c == '(') ++paren_depth_;
    if (c == ')' && paren_depth_ > 0) --paren_depth_;
    if (d_->mysql()) {
      if (c == static_cast<unsigned char>(delimiter_[0])) {
        const size_t len = delimiter_.size();
        if (i + len > n) {
          if (!eof) return need_more(i);
        } else if (input.compare(i, len, delimiter_) == 0) {
          if (leading && !was_empty) return bad_start();
          i += len;
          absl::Status s = EndStatement(input, i);
          if (!s.ok()) return s;
          continue;
        }
      }
      if (leading && c != '(') return bad_start();  // not the delimiter after all
      // CREATE ALGORITHM=... DEFINER=`u`@`h` ... VIEW: still undecided.
      if (kind_ == Kind::kUndecided && c != '(' && !(words_ >= 1 && (c == '=' || c == '@'))) kind_ = Kind::kOther;
      ++i;
      continue;
    }
    if (c == ';') {
      SqliteToken(kSemi);
      if (sqlite_state_ == 1 && pragma_state_ == 3 && !tables_.FtsRebuild().empty() &&
          rebuild_rewriter_.text.empty()) {
        // After `PRAGMA writable_schema=OFF;`: rebuild the FTS indexes.
        rebuild_rewriter_.text = absl::StrCat("\nPRAGMA writable_schema=RESET;\n", tables_.FtsRebuild());
        if (!rebuild_rewriter_.text.empty() && rebuild_rewriter_.text.back() == '\n') rebuild_rewriter_.text.pop_back();
        rebuild_plan_.table = TableName{"", "sqlite_schema"};
        Flush(i);
        sink_.Emit(Segment::Kind::kRows, i, i + 1, &rebuild_plan_, &rebuild_rewriter_);
        emitted_ = i + 1;
      }
      ++i;
      if (sqlite_state_ == 1) {
        absl::Status s = EndStatement(input, i);
        if (!s.ok()) return s;
      }
      continue;
    }
    SqliteToken(kOther);
    if (kind_ == Kind::kUndecided && c != '(') kind_ = Kind::kOther;
    ++i;
  }
  if (in_word_ && eof) {
    absl::Status s = EndWord(input, n, stop);
    if (!s.ok()) return s;
    if (*stop == Stop::kValues) {
      *pos = n;
      return absl::OkStatus();
    }
  }
  if (Holding()) {
    if (!eof) return need_more(n);
    Flush(stmt_begin_);  // EndOfInput decides about the held statement
    *pos = n;
    return absl::OkStatus();
  }
  Flush(n, drop_tail_ ? Segment::Kind::kDrop : Segment::Kind::kRaw);
  *pos = n;
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::PassUnreadStatement(std::string_view head) {
  if (kind_ == Kind::kUndecided) {
    // Only CREATE leaves a statement undecided after its first word.
    if (words_ == 0) return absl::OkStatus();
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat("CREATE statement with more than ", kMaxUndecidedBytes >> 10,
                                       " KiB before the kind of object it creates: dbanon cannot tell whether it "
                                       "creates a table or a view"));
  }
  absl::Status s = tables_.NoteUnreadDdl(*d_, head, absl::StrCat(kMaxCreateTableBytes >> 20, " MiB"));
  last_head_.clear();
  if (!s.ok()) return StatementError(s.code(), ToStd(s.message()));
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::EndWord(std::string_view input, size_t i, Stop* stop) {
  in_word_ = false;
  const std::string_view w = word_.view();  // valid until the next word starts
  if (!first_word_done_) {
    // The first word must be an SQL command (or, after '(', start a query);
    // DELIMITER is the mysql client's.
    first_word_done_ = true;
    const bool paren = paren_depth_ > 0;
    const bool client = d_->mysql() && w == "delimiter" && lex_.versioned() == 0 && !paren;
    const bool known =
        client || (first_len_ <= 32 && (paren ? IsParenthesizedQueryWord(first_raw_.view()) : IsSqlCommandWord(first_raw_.view())));
    if (!known) {
      const int next = i < input.size() ? static_cast<unsigned char>(input[i]) : -1;
      return PositionedError(absl::StatusCode::kDataLoss, first_line_, first_col_,
                             UnknownCommandMessage(first_len_ <= 32 && !paren ? first_raw_.view() : "",
                                                   next));
    }
  }
  if (d_->sqlite()) {
    if (words_ == 0 && pragma_state_ == 0 && w == "pragma") {
      pragma_state_ = 1;
    } else if (pragma_state_ == 1 && w == "writable_schema") {
      pragma_state_ = 2;
    } else if (pragma_state_ == 2 && w == "off") {
      pragma_state_ = 3;
    } else if (pragma_state_ != 0) {
      pragma_state_ = -1;
    }
    int token = kOther;
    if (w == "create") token = kCreate;
    if (w == "temp" || w == "temporary") token = kTemp;
    if (w == "trigger") token = kTrigger;
    if (w == "end") token = kEnd;
    if (w == "explain") token = kExplain;
    SqliteToken(token);
  }
  if (kind_ == Kind::kUndecided) {
    ++words_;
    if (words_ == 1) {
      if (paren_depth_ == 0 && (w == "insert" || w == "replace")) {
        kind_ = Kind::kInsert;
      } else if (paren_depth_ == 0 && (w == "update" || w == "merge" || w == "with" || (d_->mysql() && w == "load"))) {
        kind_ = Kind::kWrite;
      } else if (w == "create" && paren_depth_ == 0) {
        // decided by the next words
      } else if ((w == "alter" || (d_->mysql() && w == "rename")) && paren_depth_ == 0) {
        kind_ = Kind::kAlter;  // MySQL RENAME TABLE: read for its data moves
      } else if (d_->mysql() && w == "delimiter" && lex_.versioned() == 0 && paren_depth_ == 0) {
        kind_ = Kind::kDelimiter;
      } else if (d_->mysql() && w == "use" && paren_depth_ == 0) {
        kind_ = Kind::kUse;
      } else if (d_->mysql() && w == "set" && paren_depth_ == 0) {
        kind_ = Kind::kSet;
      } else {
        kind_ = Kind::kOther;
      }
    } else if (w == "table") {
      kind_ = Kind::kCreateTable;
    } else if (w == "view") {
      kind_ = Kind::kCreateView;
    } else if (!(w == "or" || w == "replace" || w == "temporary" || w == "temp" || w == "recursive" ||
                 w == "algorithm" || w == "undefined" || w == "merge" || w == "temptable" || w == "definer" ||
                 w == "current_user" || w == "sql" || w == "security" || w == "invoker") ||
               words_ > 12) {
      kind_ = Kind::kOther;
    }
  } else if (kind_ == Kind::kInsert && paren_depth_ == 0 && (w == "values" || (d_->mysql() && w == "value")) &&
             !last_word_default_) {
    last_word_default_ = false;
    *stop = Stop::kValues;
    return StartValues(input, i);
  }
  if (kind_ == Kind::kAlter) alter_words_.Word(w);
  if (unread_ != Unread::kNone) {
    // The part of an over-long ALTER or CREATE TABLE that is not held: a
    // rename or a query there would move rows unseen (CheckDataMoves).
    if (unread_ == Unread::kAlter && IsDataMoveWord(w)) {
      return StatementError(absl::StatusCode::kDataLoss,
                            absl::StrCat("ALTER or RENAME statement longer than ", kMaxCreateTableBytes >> 20,
                                         " MiB that renames, changes or exchanges: dbanon cannot read which tables "
                                         "or columns it moves rows into"));
    }
    if (unread_ == Unread::kCreateTable && (w == "select" || (w == "as" && paren_depth_ == 0))) {
      return StatementError(absl::StatusCode::kDataLoss,
                            absl::StrCat("CREATE TABLE statement longer than ", kMaxCreateTableBytes >> 20,
                                         " MiB filled by a query: dbanon cannot check which table its rows reach"));
    }
  }
  last_word_default_ = w == "default";
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::StartValues(std::string_view input, size_t i) {
  std::string_view head_text = input.substr(stmt_begin_, i - stmt_begin_);
  InsertTarget target;
  if (!last_head_.empty() && head_text == last_head_) {
    // mysqldump repeats the same head for every statement of a table.
    target = last_target_;
    resolver_->SawTable(target.table);
  } else {
    std::optional<InsertHead> head = ParseInsertHead(*d_, head_text);
    if (!head.has_value() || !head->values) {
      return StatementError(absl::StatusCode::kDataLoss, "cannot read the table and columns of this INSERT statement");
    }
    auto resolved = tables_.Resolve(*d_, *head);
    if (!resolved.ok()) {
      return PositionedError(resolved.status(), stmt_line_, stmt_col_);
    }
    target = *resolved;
    for (const std::string& w : tables_.TakeWarnings()) {
      warnings_.push_back(absl::StrCat(stmt_line_, ":", stmt_col_, ": ", w));
    }
    if (head_text.size() <= 4096) {
      last_head_.assign(head_text);
      last_target_ = target;
    } else {
      last_head_.clear();
    }
  }
  if (d_->sqlite() && target.plan == nullptr && !target.drop &&
      (target.fts_data || (target.table.schema.empty() && (target.table.table == "sqlite_schema" ||
                                                            target.table.table == "sqlite_master")))) {
    // Held whole, decided at its end (EndStatement).
    kind_ = target.fts_data ? Kind::kFtsData : Kind::kSchemaInsert;
    return absl::OkStatus();
  }
  Flush(stmt_begin_);
  Flush(i, target.drop ? Segment::Kind::kDrop : Segment::Kind::kRaw);
  values_.Begin(*d_, target, stmt_line_);
  tail_configured_ = target.plan != nullptr && !target.drop;
  tail_plan_ = target.plan;
  tail_text_.clear();
  in_values_ = true;
  kind_ = Kind::kInsertTail;
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::EndStatement(std::string_view input, size_t end) {
  if (in_word_) {  // a statement that ends with a word at the end of input
    in_word_ = false;
    word_.clear();
  }
  switch (kind_) {
    case Kind::kCreateTable: {
      // CREATE TABLE ... AS/SELECT: rows of a query into a configured table.
      if (absl::Status s = tables_.CheckDataMoves(*d_, input.substr(stmt_begin_, end - stmt_begin_)); !s.ok()) {
        return StatementError(s.code(), ToStd(s.message()));
      }
      tables_.AddCreateTable(*d_, input.substr(stmt_begin_, end - stmt_begin_));
      last_head_.clear();
      // A config that does not fit the table's columns is refused here, at
      // its DDL, before any row (parsers/column_fit.h).
      if (absl::Status fit = tables_.CheckNewTables(); !fit.ok()) {
        return StatementError(fit.code(), ToStd(fit.message()));
      }
      break;
    }
    case Kind::kCreateView:
      tables_.AddCreateView(*d_, input.substr(stmt_begin_, end - stmt_begin_));
      last_head_.clear();
      break;
    case Kind::kAlter: {
      const std::string_view text = input.substr(stmt_begin_, end - stmt_begin_);
      // A rename or EXCHANGE PARTITION: rows already passed may become rows
      // of a configured table or column.
      if (absl::Status s = tables_.CheckDataMoves(*d_, text); !s.ok()) return StatementError(s.code(), ToStd(s.message()));
      if (alter_words_.may_change()) tables_.NoteAlterTable(*d_, text);
      break;
    }
    case Kind::kSchemaInsert: {
      std::optional<FtsTable> fts = ParseSqliteSchemaFts(input.substr(stmt_begin_, end - stmt_begin_));
      if (fts.has_value()) {
        if (!rebuild_rewriter_.text.empty()) {
          return StatementError(absl::StatusCode::kDataLoss,
                                absl::StrCat("FTS table ", fts->name.Display(),
                                             " declared after PRAGMA writable_schema=OFF: not in the shape of "
                                             "sqlite3's .dump"));
        }
        absl::Status s = tables_.AddFts(*fts);
        if (!s.ok()) return StatementError(s.code(), ToStd(s.message()));
      }
      Flush(end);
      break;
    }
    case Kind::kFtsData: {
      // Only the structure rows (ids 1 and 10) stay; the others hold terms.
      std::optional<int64_t> id = FirstTupleInteger(*d_, input.substr(stmt_begin_, end - stmt_begin_));
      const bool keep = id.has_value() && (*id == 1 || *id == 10);
      Flush(stmt_begin_);
      Flush(end, keep ? Segment::Kind::kRaw : Segment::Kind::kDrop);
      drop_newline_ = !keep;
      break;
    }
    case Kind::kInsert: {
      // No VALUES: INSERT ... DEFAULT VALUES, ... SELECT, ... SET.
      std::string_view text = input.substr(stmt_begin_, end - stmt_begin_);
      std::optional<InsertHead> head = ParseInsertHead(*d_, text);
      if (!head.has_value()) {
        return StatementError(absl::StatusCode::kDataLoss, "cannot read the table of this INSERT statement");
      }
      if (!head->default_values && !head->query) {
        // `INSERT INTO t;`, `INSERT INTO t VALUS (...)`: a damaged statement,
        // whatever its table.
        return StatementError(absl::StatusCode::kDataLoss, kUnreadableInsert);
      }
      TableName table = tables_.NameFor(*d_, head->name_parts);
      resolver_->SawTable(table);
      resolver_->SawColumns(table, head->columns, true);
      if (absl::Status covered = resolver_->CheckCoverage(); !covered.ok()) {
        return PositionedError(covered, stmt_line_, stmt_col_);
      }
      bool drop = false;
      if (absl::Status v = tables_.CheckViewTarget(table, absl::AsciiStrToUpper(ToAbsl(first_raw_.view()))); !v.ok()) {
        return StatementError(v.code(), ToStd(v.message()));
      }
      if (resolver_->IsConfigured(table)) {
        auto plan = resolver_->Resolve(table, {});
        drop = plan.ok() && *plan != nullptr && (*plan)->truncate;
        if (!drop && !head->default_values) {
          return StatementError(absl::StatusCode::kDataLoss,
                                absl::StrCat(absl::AsciiStrToUpper(ToAbsl(first_raw_.view())), " into configured table ", table.Display(),
                                             " without VALUES (INSERT ... SELECT or SET) is not supported"));
        }
      }
      if (head->default_values) resolver_->CountRows(table, 1);
      Flush(stmt_begin_);
      Flush(end, drop ? Segment::Kind::kDrop : Segment::Kind::kRaw);
      drop_newline_ = drop;
      break;
    }
    case Kind::kSet: {
      absl::Status s = ReadSqlMode(input.substr(stmt_begin_, end - stmt_begin_));
      if (s.ok()) s = ReadCharset(input.substr(stmt_begin_, end - stmt_begin_));
      if (!s.ok()) return s;
      break;
    }
    case Kind::kUse: {
      // mysqldump --databases writes "USE `db`;" before each database's
      // tables (client/mysqldump.c, init_dumping).
      std::string_view text = input.substr(stmt_begin_, end - stmt_begin_);
      std::optional<std::string> db = UseDatabase(text, d_->ansi_quotes ? '"' : '`');
      if (!db.has_value()) {
        return StatementError(absl::StatusCode::kDataLoss, "cannot read the database name of this USE statement");
      }
      tables_.SetDatabase(*std::move(db));
      last_head_.clear();
      break;
    }
    case Kind::kWrite: {
      // UPDATE, MERGE, WITH: the values they carry would pass in clear.
      std::string_view text = input.substr(stmt_begin_, end - stmt_begin_);
      const std::string first = absl::AsciiStrToUpper(ToAbsl(first_raw_.view()));
      for (const WrittenTable& w : WrittenTables(*d_, text)) {
        TableName table = tables_.NameFor(*d_, w.name_parts);
        if (absl::Status v = tables_.CheckViewTarget(table, w.kind); !v.ok()) {
          return StatementError(v.code(), ToStd(v.message()));
        }
        if (std::optional<TableName> under = tables_.ConfiguredUnder(table)) table = *under;
        if (!resolver_->IsConfigured(table)) continue;
        return StatementError(
            absl::StatusCode::kDataLoss,
            absl::StrCat(first == w.kind ? w.kind : first + " ... " + w.kind, " statement writes into configured table ",
                         table.Display(),
                         ": dbanon rewrites only INSERT ... VALUES tuples, so the values it carries would pass in "
                         "clear (remove the statement from the dump)"));
      }
      break;
    }
    case Kind::kInsertTail:
      if (tail_configured_) {
        KeepTail(input, end);
        tail_configured_ = false;
        std::optional<std::string> column =
            tail_text_.size() > kMaxHeadBytes ? std::string() : UnrewrittenUpdateColumn(*d_, tail_text_, *tail_plan_);
        tail_text_.clear();
        if (column.has_value()) {
          return StatementError(absl::StatusCode::kDataLoss, UpdateClauseMessage(values_.table(), *column));
        }
      }
      if (drop_tail_) {
        Flush(end, Segment::Kind::kDrop);
        drop_newline_ = true;
      }
      break;
    default:
      break;
  }
  ResetStatement();
  if (d_->sqlite()) sqlite_state_ = 1;
  return absl::OkStatus();
}

namespace {

// The words of a SET statement, views of `text`: names (with their @, @@
// and dots), the text of quoted names and strings as written, and "=" (also
// for :=) and "," between them; comments, versioned-comment markers and the
// delimiter left out. Comments and literals are what SqlLexer says under
// dialect `d` (a comment holds no words: `SET /* x */ NAMES sjis` sets NAMES).
// `info`, when given, gets one SetWordInfo per word.
struct SetWordInfo {
  char quote = 0;  // the quote of a string or quoted name, 0 for other words
  int tag = 0;     // the VersionedCommentTag of the comment the word is in (`base_tag` outside any)
};
absl::InlinedVector<std::string_view, 24> SetStatementWords(const SqlDialect& d, std::string_view text,
                                                            absl::InlinedVector<SetWordInfo, 24>* info = nullptr,
                                                            int base_tag = 0) {
  absl::InlinedVector<std::string_view, 24> words;
  SqlLexer lex;
  auto note = [&](char quote) {
    if (info != nullptr) info->push_back(SetWordInfo{quote, lex.versioned() > 0 ? lex.version() : base_tag});
  };
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsSqlSpace(c) || c == ';') {
      ++i;
      continue;
    }
    size_t end = i;
    bool more = false;
    switch (lex.Open(d, text, i, true, ' ', ' ', &end)) {
      case SqlLexer::Token::kLineComment:
      case SqlLexer::Token::kBlockComment:
        i = lex.Skip(text, end, true, &more);  // to its end, or the text's
        continue;
      case SqlLexer::Token::kVersionedOpen:
      case SqlLexer::Token::kVersionedClose:
        i = end;
        continue;
      case SqlLexer::Token::kString:
      case SqlLexer::Token::kQuotedName: {
        const size_t close = lex.Skip(text, end, true, &more);
        const size_t e = lex.state() == SqlLexer::State::kCode ? close - 1 : n;  // unterminated: to the end
        note(text[i]);
        words.push_back(text.substr(end, e - end));
        i = close;
        continue;
      }
      default:
        break;
    }
    note(0);
    if (c == ':' && i + 1 < n && text[i + 1] == '=') {
      words.push_back("=");
      i += 2;
    } else if (IsSqlIdentChar(c) || c == '@' || c == '.') {
      size_t e = i;
      while (e < n && (IsSqlIdentChar(static_cast<unsigned char>(text[e])) || text[e] == '@' || text[e] == '.')) ++e;
      words.push_back(text.substr(i, e - i));
      i = e;
    } else {
      words.push_back(text.substr(i, 1));
      ++i;
    }
  }
  return words;
}

// `@@session.character_set_client` -> `character_set_client` (any case).
std::string_view SystemVariable(std::string_view w) {
  if (w.substr(0, 2) == "@@") w.remove_prefix(2);
  for (std::string_view scope : {"session.", "local."}) {
    if (EqualsAsciiLower(w.substr(0, scope.size()), scope)) w.remove_prefix(scope.size());
  }
  return w;
}

bool IsCharacterSetClient(std::string_view w) { return EqualsAsciiLower(SystemVariable(w), "character_set_client"); }

}  // namespace

absl::Status SqlScriptFramer::ReadSqlMode(std::string_view text) {
  // The assignments to sql_mode in a SET statement (MariaDB docs, "SET",
  // "SQL_MODE"): `SQL_MODE='...'`, `@@SQL_MODE=`, `SESSION sql_mode =`, and
  // mysqldump's save and restore around the dump (client/mysqldump.c):
  // `SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO'` ...
  // `SET SQL_MODE=@OLD_SQL_MODE`. The statement is read by its words
  // (SetStatementWords: comments and strings are not words), so a sql_mode
  // in a comment or a string assigns nothing; `GLOBAL sql_mode` and
  // `@@global.sql_mode` leave the session's mode as it is. A value dbanon
  // cannot read is refused: it decides whether "..." is a string or a name
  // from here on; so is a mode set in a versioned comment that servers
  // disagree to run (VersionedCommentTag 50700 and above, /*M!), and
  // MariaDB's `SET STATEMENT ... FOR statement`, which runs a statement
  // dbanon does not read.
  absl::InlinedVector<SetWordInfo, 24> info;
  const absl::InlinedVector<std::string_view, 24> w = SetStatementWords(*d_, text, &info, stmt_version_);
  size_t k = 0;
  while (k < w.size() && !(info[k].quote == 0 && EqualsAsciiLower(w[k], "set"))) ++k;
  if (k == w.size()) return absl::OkStatus();
  ++k;
  if (k < w.size() && info[k].quote == 0 && EqualsAsciiLower(w[k], "statement")) {
    return StatementError(absl::StatusCode::kDataLoss,
                          "SET STATEMENT ... FOR runs the statement after FOR, which dbanon does not read (it may "
                          "carry values into a configured table): remove it from the dump");
  }
  auto bare = [&](size_t j) { return info[j].quote == 0; };
  auto is_sql_mode = [&](size_t j) {
    return bare(j) && !(w[j].size() > 1 && w[j][0] == '@' && w[j][1] != '@') &&
           EqualsAsciiLower(SystemVariable(w[j]), "sql_mode");
  };
  auto cannot_read = [&] {
    return StatementError(absl::StatusCode::kDataLoss,
                          "cannot read the sql_mode this SET statement assigns (it decides how quotes are read)");
  };
  while (k < w.size()) {
    size_t e = k;
    while (e < w.size() && !(bare(e) && w[e] == ",")) ++e;
    size_t a = k, n = e - k;
    k = e + 1;
    if (n > 0 && bare(a) && EqualsAsciiLower(w[a], "global")) continue;  // not the session's
    if (n > 0 && bare(a) && (EqualsAsciiLower(w[a], "session") || EqualsAsciiLower(w[a], "local"))) {
      ++a;
      --n;
    }
    if (n == 0) continue;
    const bool user_var = bare(a) && w[a].size() > 1 && w[a][0] == '@' && w[a][1] != '@';
    if (user_var) {
      // `@OLD_SQL_MODE=@@SQL_MODE`: remember the mode under the variable.
      if (n == 3 && w[a + 1] == "=" && bare(a + 2) && w[a + 2].substr(0, 2) == "@@" && is_sql_mode(a + 2)) {
        saved_modes_[absl::AsciiStrToLower(ToAbsl(w[a].substr(1)))] = d_;
      }
      continue;
    }
    if (!is_sql_mode(a)) continue;
    if (n != 3 || !bare(a + 1) || w[a + 1] != "=") return cannot_read();
    const size_t v = a + 2;
    const SqlDialect* next = nullptr;
    if (info[v].quote == '\'' || (info[v].quote == '"' && d_->double_quoted_strings())) {
      std::string mode;
      const size_t open = static_cast<size_t>(w[v].data() - text.data()) - 1;
      if (DecodeQuotedLiteral(*d_, text, open, d_->backslash_strings, &mode) != std::string_view::npos) {
        bool ansi = false, no_backslash = false;
        const std::string upper = absl::AsciiStrToUpper(mode);
        for (absl::string_view m : absl::StrSplit(upper, ',')) {
          m = absl::StripAsciiWhitespace(m);
          // Combination modes that include ANSI_QUOTES (MariaDB docs, "SQL_MODE").
          if (m == "ANSI_QUOTES" || m == "ANSI" || m == "DB2" || m == "MAXDB" || m == "MSSQL" || m == "ORACLE" ||
              m == "POSTGRESQL") {
            ansi = true;
          }
          if (m == "NO_BACKSLASH_ESCAPES") no_backslash = true;
        }
        next = &MySqlDialect(ansi, !no_backslash);
      }
    } else if (bare(v) && w[v].size() > 1 && w[v][0] == '@' && w[v][1] != '@') {
      auto it = saved_modes_.find(absl::AsciiStrToLower(ToAbsl(w[v].substr(1))));
      next = it != saved_modes_.end() ? it->second : &MySqlDialect();
    }
    if (next == nullptr) return cannot_read();
    next = &MySqlDialect(next->ansi_quotes, next->backslash_strings, d_->multibyte);  // the character set stays
    if (next == d_) continue;
    int tag = 0;
    for (size_t j = a; j <= v; ++j) tag = std::max(tag, info[j].tag);
    if (tag >= 50700) {
      return StatementError(absl::StatusCode::kDataLoss,
                            "SET sql_mode in a versioned comment that MySQL and MariaDB disagree to run (/*!50700 "
                            "and above, /*M!): dbanon cannot tell how the quotes that follow are read");
    }
    d_ = next;
    last_head_.clear();
  }
  return absl::OkStatus();
}

absl::Status SqlScriptFramer::ReadCharset(std::string_view text) {
  // The client character set decides how the server reads the bytes of the
  // literals that follow (sql_dialect.h, MultibyteRule). A SET statement
  // changes it with `NAMES x [COLLATE y]`, `CHARACTER SET x`, `CHARSET x`
  // or `character_set_client = x` (MariaDB docs, "SET NAMES", "SET
  // CHARACTER SET", "Setting Character Sets and Collations"). mysqldump
  // writes `SET NAMES` (its --default-character-set) at the top, and each
  // CREATE TABLE between `SET @saved_cs_client = @@character_set_client`,
  // `SET character_set_client = utf8mb4` and `SET character_set_client =
  // @saved_cs_client` (client/mysqldump.c): the values are remembered by
  // variable. A character set dbanon cannot read is refused, never read as
  // if its bytes were ASCII.
  const absl::InlinedVector<std::string_view, 24> w = SetStatementWords(*d_, text);
  // The statement may begin with a comment that holds no SQL (mariadb-dump's
  // `/*M!999999\- enable the sandbox mode */`): its words come before SET.
  size_t k = 0;
  while (k < w.size() && !EqualsAsciiLower(w[k], "set")) ++k;
  if (k == w.size()) return absl::OkStatus();
  ++k;
  auto refuse = [&](std::string_view name) {
    std::string shown;
    for (char c : name.substr(0, 32)) {
      if (IsSqlIdentChar(static_cast<unsigned char>(c))) shown.push_back(c);
    }
    return StatementError(absl::StatusCode::kDataLoss,
                          absl::StrCat("client character set '", shown,
                                       "' is not one dbanon can read (ucs2, utf16, utf16le and utf32 are not "
                                       "ASCII-compatible; names: MariaDB's SHOW CHARACTER SET)"));
  };
  auto var_key = [](std::string_view var) { return absl::AsciiStrToLower(ToAbsl(var.substr(1))); };
  while (k < w.size()) {
    size_t e = k;
    while (e < w.size() && w[e] != ",") ++e;
    const std::string_view* a = w.data() + k;
    size_t n = e - k;
    k = e + 1;
    if (n > 0 && (EqualsAsciiLower(a[0], "session") || EqualsAsciiLower(a[0], "local"))) {
      ++a;
      --n;
    }
    if (n == 0) continue;
    std::optional<std::string_view> name;
    bool names = false;
    if (EqualsAsciiLower(a[0], "names") && n >= 2) {
      name = a[1];
      names = true;
    } else if (EqualsAsciiLower(a[0], "character") && n >= 3 && EqualsAsciiLower(a[1], "set")) {
      name = a[2];
      names = true;
    } else if (EqualsAsciiLower(a[0], "charset") && n >= 2) {
      name = a[1];
      names = true;
    }
    if (!names && n >= 3 && a[1] == "=") {
      const bool user_var = a[0].size() > 1 && a[0][0] == '@' && a[0][1] != '@';
      if (!user_var && IsCharacterSetClient(a[0])) {
        if (a[2].size() > 1 && a[2][0] == '@' && a[2][1] != '@') {
          auto it = saved_charsets_.find(var_key(a[2]));
          // A variable the dump did not set holds NULL: the server refuses it.
          if (it == saved_charsets_.end()) return refuse("");
          SetMultibyte(it->second);
          continue;
        }
        name = a[2];
      } else if (user_var && a[2].substr(0, 2) == "@@" && IsCharacterSetClient(a[2])) {
        saved_charsets_[var_key(a[0])] = d_->multibyte;
        continue;
      }
    }
    if (!name.has_value()) continue;
    std::optional<MultibyteRule> rule = MySqlCharsetRule(*name);
    if (!rule.has_value()) return refuse(*name);
    if (names) tables_.SetEncoding(MySqlCharsetNamed(*name));
    SetMultibyte(*rule);
  }
  return absl::OkStatus();
}

void SqlScriptFramer::SetMultibyte(MultibyteRule rule) {
  if (rule == d_->multibyte) return;
  d_ = &MySqlDialect(d_->ansi_quotes, d_->backslash_strings, rule);
  last_head_.clear();
}

}  // namespace dbanon
