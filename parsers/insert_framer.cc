#include "parsers/insert_framer.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/char_class.h"
#include "parsers/sql_lexer.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

// A token of DDL or of an INSERT head.
struct Tok {
  enum Kind { kWord, kName, kString, kNumber, kPunct, kEnd } kind = kEnd;
  std::string text;  // kWord: as written; kName: unquoted; kString: decoded; kPunct: the byte
  int version = 0;   // MySQL: the versioned comment the token is in (VersionedCommentTag), else 0
  bool Is(std::string_view lower_word) const { return kind == kWord && Lower(text) == lower_word; }
  bool IsPunct(char c) const { return kind == kPunct && text.size() == 1 && text[0] == c; }
  bool IsName() const { return kind == kWord || kind == kName; }
};

// Tokens of SQL text, whole in memory: the SQL lexer (parsers/sql_lexer.h)
// finds literals, quoted names and comments (skipped) by the dialect's
// rules; MySQL versioned comments /*!NNNNN ... */ are read as the code they
// hold (each token carries its VersionedCommentTag), quoted names are
// unquoted, strings decoded.
class Tokenizer {
 public:
  Tokenizer(const SqlDialect& d, std::string_view s) : d_(d), s_(s) {}

  Tok Next() {
    if (has_peek_) {
      has_peek_ = false;
      return std::move(peek_);
    }
    return Read();
  }
  const Tok& Peek() {
    if (!has_peek_) {
      peek_ = Read();
      has_peek_ = true;
    }
    return peek_;
  }

 private:
  unsigned char Before(size_t i, size_t back) const {
    return i >= back ? static_cast<unsigned char>(s_[i - back]) : ' ';
  }

  // The end of the literal or comment the lexer just opened at `from`;
  // npos when it does not end in the text.
  size_t SkipOpened(size_t from) {
    bool more = false;
    const size_t e = lex_.Skip(s_, from, true, &more);
    if (lex_.state() != SqlLexer::State::kCode) {
      lex_.Reset();
      return std::string_view::npos;
    }
    return e;
  }

  // A string literal opened at s_[i_] (its quote): decoded into `t`.
  void String(Tok& t, size_t open_end) {
    const size_t close = SkipOpened(open_end);
    if (close == std::string_view::npos) {
      i_ = s_.size();
      t.kind = Tok::kEnd;  // unterminated
      return;
    }
    DecodeQuotedLiteral(d_, s_.substr(0, close), i_, lex_escapes_, &t.text);
    t.kind = Tok::kString;
    i_ = close;
  }

  Tok Read() {
    Tok t;
    while (true) {
      while (i_ < s_.size() && IsSqlSpace(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ >= s_.size()) return t;
      size_t end = i_;
      const SqlLexer::Token token = lex_.Open(d_, s_, i_, true, Before(i_, 1), Before(i_, 2), &end);
      if (token == SqlLexer::Token::kLineComment || token == SqlLexer::Token::kBlockComment) {
        const size_t close = SkipOpened(end);
        i_ = close == std::string_view::npos ? s_.size() : close;
        continue;
      }
      if (token == SqlLexer::Token::kVersionedOpen || token == SqlLexer::Token::kVersionedClose) {
        i_ = end;
        continue;
      }
      t.version = lex_.version();
      const unsigned char c = s_[i_];
      switch (token) {
        case SqlLexer::Token::kString:
          lex_escapes_ = lex_.escapes();
          String(t, end);
          return t;
        case SqlLexer::Token::kQuotedName: {
          const char close_quote = lex_.quote();
          const size_t close = SkipOpened(end);
          if (close == std::string_view::npos) {
            i_ = s_.size();
            return t;  // unterminated: kEnd
          }
          t.kind = Tok::kName;
          for (size_t k = end; k + 1 < close; ++k) {
            t.text.push_back(s_[k]);
            if (s_[k] == close_quote && close_quote != ']') ++k;  // a doubled quote
          }
          i_ = close;
          return t;
        }
        case SqlLexer::Token::kDollarQuote: {
          // $tag$ ... $tag$ (PostgreSQL docs, "Dollar-Quoted String Constants").
          const size_t tag = end - i_;
          const size_t close = SkipOpened(end);
          if (close == std::string_view::npos) {
            i_ = s_.size();
            return t;  // unterminated: kEnd
          }
          t.kind = Tok::kString;
          t.text.assign(s_.data() + end, close - tag - end);
          i_ = close;
          return t;
        }
        default:
          break;
      }
      if (IsSqlIdentStart(c)) {
        size_t b = i_;
        while (i_ < s_.size() && IsSqlIdentChar(s_[i_])) ++i_;
        if (d_.e_strings && i_ - b == 1 && (c == 'E' || c == 'e') && i_ < s_.size() && s_[i_] == '\'') {
          // E'...' is one string token.
          size_t open_end = i_;
          lex_.Open(d_, s_, i_, true, c, Before(b, 1), &open_end);
          lex_escapes_ = lex_.escapes();
          String(t, open_end);
          return t;
        }
        t.kind = Tok::kWord;
        t.text.assign(s_.data() + b, i_ - b);
      } else if (c >= '0' && c <= '9') {
        size_t b = i_;
        while (i_ < s_.size() && (IsSqlIdentChar(s_[i_]) || s_[i_] == '.')) ++i_;
        t.kind = Tok::kNumber;
        t.text.assign(s_.data() + b, i_ - b);
      } else {
        t.kind = Tok::kPunct;
        t.text.assign(1, static_cast<char>(c));
        ++i_;
      }
      return t;
    }
  }

  const SqlDialect& d_;
  std::string_view s_;
  size_t i_ = 0;
  SqlLexer lex_;
  bool lex_escapes_ = false;
  bool has_peek_ = false;
  Tok peek_;
};

// True when `t` may be a name here. SQLite also reads a string literal where
// only a name may stand ("SQLite Keywords": `CREATE TABLE 'u3' ('id' int)`),
// and the sqlite3 shell's .dump writes such a CREATE TABLE as it was typed.
bool IsNameTok(const SqlDialect& d, const Tok& t) { return t.IsName() || (d.sqlite() && t.kind == Tok::kString); }

// The name a token stands for: PostgreSQL folds bare names to lower case.
std::string NameOf(const SqlDialect& d, const Tok& t) { return t.kind == Tok::kWord && d.postgres() ? Lower(t.text) : t.text; }

// Reads `name[.name...]` starting with `t`.
bool ReadQualifiedName(const SqlDialect& d, Tokenizer& tz, Tok t, std::vector<std::string>* parts) {
  while (true) {
    if (!IsNameTok(d, t)) return false;
    parts->push_back(NameOf(d, t));
    // PostgreSQL: [catalog.]schema.name; MySQL db.name; SQLite schema.name.
    if (!tz.Peek().IsPunct('.')) return parts->size() <= (d.postgres() ? 3u : 2u);
    tz.Next();
    t = tz.Next();
  }
}

// Skips a parenthesised group whose '(' was just read.
bool SkipParens(Tokenizer& tz) {
  int depth = 1;
  while (depth > 0) {
    Tok t = tz.Next();
    if (t.kind == Tok::kEnd) return false;
    if (t.IsPunct('(')) ++depth;
    if (t.IsPunct(')')) --depth;
  }
  return true;
}

bool NumericType(const SqlDialect& d, const std::string& type) {
  static const std::set<std::string> kMySql = {"tinyint", "smallint", "mediumint", "int",   "integer", "bigint",
                                               "decimal", "dec",      "numeric",   "fixed", "float",   "double",
                                               "real",    "year",     "bool",      "boolean", "serial"};
  static const std::set<std::string> kPostgres = {"smallint", "integer", "int",         "int2",   "int4",
                                                  "int8",     "bigint",  "numeric",     "decimal", "real",
                                                  "double",   "float",   "float4",      "float8", "smallserial",
                                                  "serial",   "serial2", "serial4",     "serial8", "bigserial", "oid"};
  if (d.mysql()) return kMySql.count(type) > 0;
  if (d.postgres()) return kPostgres.count(type) > 0;
  // SQLite's type affinity rules ("Datatypes In SQLite", 3.1): INTEGER, REAL
  // and NUMERIC affinities read numbers; TEXT and BLOB (or no type) do not.
  if (type.empty() || type.find("blob") != std::string::npos) return false;
  if (type.find("int") != std::string::npos) return true;
  if (type.find("char") != std::string::npos || type.find("clob") != std::string::npos ||
      type.find("text") != std::string::npos) {
    return false;
  }
  return true;
}

bool IsConstraintWord(const SqlDialect& d, const Tok& t) {
  if (t.kind != Tok::kWord) return false;
  std::string w = Lower(t.text);
  if (w == "constraint" || w == "primary" || w == "unique" || w == "check" || w == "foreign") return true;
  if (d.postgres()) return w == "exclude";
  if (d.mysql()) return w == "key" || w == "index" || w == "fulltext" || w == "spatial" || w == "period";
  return false;
}

// Reads `CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED|FOREIGN]
// TABLE [IF NOT EXISTS] name` from `tz` into `parts` (FOREIGN only when
// `foreign` is true); false when the text is something else.
bool ReadCreateTableHead(const SqlDialect& d, Tokenizer& tz, bool foreign, std::vector<std::string>* parts) {
  if (!tz.Next().Is("create")) return false;
  Tok t;
  while (true) {
    t = tz.Next();
    if (t.Is("table")) break;
    if (!(t.Is("or") || t.Is("replace") || t.Is("global") || t.Is("local") || t.Is("temporary") || t.Is("temp") ||
          t.Is("unlogged") || (foreign && t.Is("foreign")))) {
      return false;
    }
  }
  t = tz.Next();
  if (t.Is("if") && tz.Peek().Is("not")) {
    tz.Next();
    tz.Next();  // EXISTS
    t = tz.Next();
  }
  return ReadQualifiedName(d, tz, t, parts);
}

// The name of any CREATE TABLE statement, FOREIGN included, whatever follows
// the name (a column list, PARTITION OF, OF type, AS, LIKE).
std::optional<std::vector<std::string>> CreatedTableName(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  std::vector<std::string> parts;
  if (!ReadCreateTableHead(d, tz, true, &parts)) return std::nullopt;
  return parts;
}

// True when `b` is `a` with exactly one byte replaced, inserted or removed.
bool OneEditApart(std::string_view a, std::string_view b) {
  if (a == b || a.size() > b.size() + 1 || b.size() > a.size() + 1) return false;
  const size_t n = a.size(), m = b.size();
  size_t i = 0;
  while (i < n && i < m && a[i] == b[i]) ++i;
  size_t j = 0;
  while (j < n - i && j < m - i && a[n - 1 - j] == b[m - 1 - j]) ++j;
  return n - i - j <= 1 && m - i - j <= 1;
}


bool SameColumnName(std::string_view a, std::string_view b) {
  // MySQL column names are case-insensitive; for PostgreSQL a false match
  // only makes a generated column DEFAULT, which the server recomputes.
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) != absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Marks the generated columns of `plan` whose expression reads a configured
// column, directly or through another generated column (issue 11, part 2):
// mariadb-dump writes their values, computed from the original data.
void MarkDerivedGeneratedColumns(const std::vector<const ColumnDef*>& ddl, RowPlan* plan) {
  std::vector<std::string> tainted;
  for (size_t i = 0; i < plan->num_columns; ++i) {
    if (plan->configured[i] && !plan->truncate) tainted.push_back(plan->column_names[i]);
  }
  if (tainted.empty()) return;
  std::vector<bool> derived(ddl.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 0; k < ddl.size(); ++k) {
      const ColumnDef* c = ddl[k];
      if (!c->generated || derived[k]) continue;
      bool reads = false;
      for (const std::string& name : c->expression_names) {
        for (const std::string& t : tainted) reads = reads || SameColumnName(name, t);
      }
      if (!reads) continue;
      derived[k] = true;
      tainted.push_back(c->name);
      changed = true;
    }
  }
  for (size_t k = 0; k < ddl.size(); ++k) {
    if (!derived[k]) continue;
    for (size_t i = 0; i < plan->num_columns; ++i) {
      if (plan->column_names[i] != ddl[k]->name || plan->configured[i]) continue;
      plan->configured[i] = true;
      plan->column_info[i].write_default = true;
    }
  }
}

}  // namespace

TableName TableNameFor(const SqlDialect& d, const std::vector<std::string>& parts) {
  const size_t n = parts.size();
  if (d.postgres()) {
    return n >= 2 ? TableName{parts[n - 2], parts[n - 1]} : TableName{"public", parts[n - 1]};
  }
  if (n >= 2) {
    std::string schema = parts[n - 2];
    if (d.sqlite() && (Lower(schema) == "main" || Lower(schema) == "temp")) schema.clear();
    return TableName{schema, parts[n - 1]};
  }
  return TableName{"", parts[0]};
}

std::vector<WrittenTable> WrittenTables(const SqlDialect& d, std::string_view statement) {
  std::vector<WrittenTable> out;
  Tokenizer tz(d, statement);
  std::string prev;  // the previous word, lower case ("" after punctuation)
  auto read_target = [&](std::string kind, Tok t) {
    WrittenTable w{std::move(kind), {}};
    if (ReadQualifiedName(d, tz, std::move(t), &w.name_parts)) out.push_back(std::move(w));
  };
  for (Tok t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (t.kind != Tok::kWord) {
      prev.clear();
      continue;
    }
    const std::string w = Lower(t.text);
    // ON DUPLICATE KEY UPDATE, ON CONFLICT DO UPDATE, FOR UPDATE, ON UPDATE
    // CASCADE, BEFORE/AFTER UPDATE (a trigger), OF: not a target.
    const bool after_keyword = prev == "key" || prev == "do" || prev == "for" || prev == "on" || prev == "before" ||
                               prev == "after" || prev == "of" || prev == "instead" || prev == "or";
    prev = w;
    if (w == "update" && !after_keyword) {
      // MySQL: UPDATE [LOW_PRIORITY] [IGNORE] t [, t2 | JOIN t2 ...] SET;
      // PostgreSQL: UPDATE [ONLY] t [*]; SQLite: UPDATE [OR IGNORE|...] t.
      Tok n = tz.Next();
      while (n.Is("low_priority") || n.Is("ignore") || n.Is("only") || n.Is("or") || n.Is("rollback") ||
             n.Is("abort") || n.Is("replace") || n.Is("fail")) {
        n = tz.Next();
      }
      read_target("UPDATE", std::move(n));
      // MySQL's multiple-table UPDATE: every table before SET may be written.
      while (d.mysql()) {
        Tok m = tz.Next();
        if (m.kind == Tok::kEnd || m.Is("set")) break;
        if (m.IsPunct(',') || m.Is("join")) read_target("UPDATE", tz.Next());
      }
      prev = "set";
    } else if (w == "load" && d.mysql() && (tz.Peek().Is("data") || tz.Peek().Is("xml"))) {
      // LOAD DATA|XML ... INFILE 'file' [REPLACE|IGNORE] INTO TABLE t
      // (MariaDB docs, "LOAD DATA INFILE", "LOAD XML").
      Tok n = tz.Next();
      while (n.kind != Tok::kEnd && !n.Is("into")) n = tz.Next();
      if (tz.Peek().Is("table")) tz.Next();
      read_target("LOAD", tz.Next());
    } else if (w == "copy" && d.postgres() && !after_keyword) {
      // COPY t [(columns)] FROM 'file' | PROGRAM | STDIN (PostgreSQL docs,
      // "COPY"); COPY ... TO writes nothing into t.
      WrittenTable c{"COPY", {}};
      if (!ReadQualifiedName(d, tz, tz.Next(), &c.name_parts)) continue;
      Tok n = tz.Next();
      if (n.IsPunct('(') && SkipParens(tz)) n = tz.Next();
      if (n.Is("from")) out.push_back(std::move(c));
    } else if (w == "merge" && tz.Peek().Is("into")) {
      tz.Next();
      read_target("MERGE", tz.Next());
    } else if ((w == "insert" || w == "replace") && prev != "or") {
      Tok n = tz.Next();
      while (n.Is("low_priority") || n.Is("delayed") || n.Is("high_priority") || n.Is("ignore") || n.Is("or") ||
             n.Is("rollback") || n.Is("abort") || n.Is("replace") || n.Is("fail")) {
        n = tz.Next();
      }
      if (n.Is("into")) n = tz.Next();
      read_target(w == "insert" ? "INSERT" : "REPLACE", std::move(n));
    }
  }
  return out;
}

std::optional<std::string> UnrewrittenUpdateColumn(const SqlDialect& d, std::string_view tail, const RowPlan& plan) {
  auto same = [&](std::string_view a, std::string_view b) { return d.postgres() ? a == b : SameColumnName(a, b); };
  // Configured, or not among the statement's columns (it may be configured).
  auto guarded = [&](std::string_view col) {
    for (size_t i = 0; i < plan.num_columns && i < plan.configured.size(); ++i) {
      if (same(plan.column_names[i], col)) return static_cast<bool>(plan.configured[i]);
    }
    return true;
  };
  // `col`, `x.col`, MySQL `VALUES(col)`, NULL, DEFAULT: no value of its own.
  auto from_incoming_row = [&](const std::vector<Tok>& e, std::string_view col) {
    if (e.size() == 1) {
      return (IsNameTok(d, e[0]) && e[0].kind != Tok::kString && same(NameOf(d, e[0]), col)) || e[0].Is("null") ||
             e[0].Is("default");
    }
    if (e.size() == 3) return e[0].IsName() && e[1].IsPunct('.') && e[2].IsName() && same(NameOf(d, e[2]), col);
    return d.mysql() && e.size() == 4 && e[0].Is("values") && e[1].IsPunct('(') && e[2].IsName() &&
           same(NameOf(d, e[2]), col) && e[3].IsPunct(')');
  };
  auto ends_list = [](const Tok& t) {
    return t.kind == Tok::kEnd || t.IsPunct(';') || t.Is("where") || t.Is("returning") || t.Is("on");
  };
  Tokenizer tz(d, tail);
  for (Tok t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (!t.Is("update")) continue;
    if (tz.Peek().Is("set")) tz.Next();
    // The assignments: target = expression, separated by commas.
    while (true) {
      Tok target = tz.Next();
      if (ends_list(target)) break;
      std::vector<std::string> columns;  // the assigned columns
      if (target.IsPunct('(')) {  // PostgreSQL (a, b) = (...): a row of columns
        for (Tok c = tz.Next(); !c.IsPunct(')'); c = tz.Next()) {
          if (c.kind == Tok::kEnd) return std::string();
          if (IsNameTok(d, c)) columns.push_back(NameOf(d, c));
        }
      } else {
        std::vector<std::string> parts;
        if (!ReadQualifiedName(d, tz, target, &parts)) return std::string();
        // MySQL qualifies a column with its table (`t.col`); PostgreSQL's
        // `col.field` is a field of the column.
        columns.push_back(d.mysql() ? parts.back() : parts.front());
      }
      // Subscripts up to '='.
      Tok eq = tz.Next();
      while (!eq.IsPunct('=')) {
        if (eq.kind == Tok::kEnd) return columns.front();
        eq = tz.Next();
      }
      std::vector<Tok> expr;
      int depth = 0;
      while (true) {
        const Tok& p = tz.Peek();
        if (depth == 0 && (p.IsPunct(',') || ends_list(p))) break;
        if (p.IsPunct('(')) ++depth;
        if (p.IsPunct(')')) --depth;
        expr.push_back(tz.Next());
      }
      for (const std::string& col : columns) {
        if (guarded(col) && (columns.size() > 1 || !from_incoming_row(expr, col))) return col;
      }
      if (!tz.Peek().IsPunct(',')) break;
      tz.Next();
    }
  }
  return std::nullopt;
}

std::string UpdateClauseMessage(const TableName& table, std::string_view column) {
  const std::string what = column.empty() ? std::string("a column that dbanon cannot read")
                                          : absl::StrCat("column ", ToAbsl(column));
  return absl::StrCat("INSERT ... UPDATE (ON DUPLICATE KEY UPDATE or ON CONFLICT DO UPDATE) assigns ", what,
                      " of configured table ", table.Display(),
                      " a value of its own, which dbanon does not rewrite: assign it from the incoming row "
                      "(VALUES(col), excluded.col) or remove the clause");
}

std::optional<DoBlockWrites> PgDoBlockWrites(const SqlDialect& d, std::string_view statement) {
  Tokenizer tz(d, statement);
  if (!tz.Next().Is("do")) return std::nullopt;
  std::optional<std::string> code;
  std::string language = "plpgsql";
  for (Tok t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (t.Is("language")) {
      Tok l = tz.Next();
      language = l.kind == Tok::kString || l.kind == Tok::kName ? l.text : Lower(l.text);
    } else if (t.kind == Tok::kString && !code.has_value()) {
      code = std::move(t.text);
    }
  }
  if (!code.has_value()) return std::nullopt;
  DoBlockWrites out;
  if (language != "plpgsql" && language != "sql") {
    out.unreadable = true;
    return out;
  }
  out.tables = WrittenTables(d, *code);
  Tokenizer body(d, *code);
  for (Tok t = body.Next(); t.kind != Tok::kEnd; t = body.Next()) {
    if (t.Is("execute")) out.unreadable = true;
  }
  return out;
}

std::optional<FtsTable> ParseSqliteSchemaFts(std::string_view statement) {
  const SqlDialect& d = SqliteDialect();
  Tokenizer tz(d, statement);
  Tok t = tz.Next();
  while (t.kind != Tok::kEnd && !t.Is("values")) t = tz.Next();
  if (t.kind == Tok::kEnd || !tz.Next().IsPunct('(')) return std::nullopt;
  // (type, name, tbl_name, rootpage, sql): the sql is the fifth value.
  std::string sql;
  for (int i = 0; i < 5; ++i) {
    t = tz.Next();
    if (i == 4 && t.kind == Tok::kString) sql = std::move(t.text);
    if (i < 4 && !tz.Next().IsPunct(',')) return std::nullopt;
  }
  Tokenizer v(d, sql);
  if (!v.Next().Is("create") || !v.Next().Is("virtual") || !v.Next().Is("table")) return std::nullopt;
  t = v.Next();
  if (t.Is("if") && v.Peek().Is("not")) {
    v.Next();
    v.Next();
    t = v.Next();
  }
  std::vector<std::string> parts;
  if (!ReadQualifiedName(d, v, t, &parts) || !v.Next().Is("using")) return std::nullopt;
  FtsTable fts;
  fts.name = TableNameFor(d, parts);
  const std::string module = Lower(v.Next().text);
  if (module == "fts3") {
    fts.version = 3;
  } else if (module == "fts4") {
    fts.version = 4;
  } else if (module == "fts5") {
    fts.version = 5;
  } else {
    return std::nullopt;
  }
  if (!v.Next().IsPunct('(')) return fts;
  // Arguments: `name [UNINDEXED | type ...]` or `option = value`.
  while (true) {
    std::vector<Tok> arg;
    int depth = 0;
    for (t = v.Next(); t.kind != Tok::kEnd; t = v.Next()) {
      if (depth == 0 && (t.IsPunct(',') || t.IsPunct(')'))) break;
      if (t.IsPunct('(')) ++depth;
      if (t.IsPunct(')')) --depth;
      arg.push_back(std::move(t));
    }
    if (arg.size() >= 2 && arg[1].IsPunct('=')) {
      const std::string key = Lower(arg[0].text);
      if (key == "content") {
        std::vector<std::string> table;
        if (arg.size() >= 3 && !arg[2].text.empty()) {
          for (size_t k = 2; k < arg.size(); ++k) {
            if (!arg[k].IsPunct('.')) table.push_back(arg[k].text);
          }
        }
        fts.content = table.empty() ? FtsTable::Content::kNone : FtsTable::Content::kExternal;
        fts.content_table = std::move(table);
      }
    } else if (!arg.empty() && IsNameTok(d, arg[0])) {
      fts.columns.push_back(arg[0].text);
    }
    if (t.kind == Tok::kEnd || t.IsPunct(')')) break;
  }
  return fts;
}

std::optional<int64_t> FirstTupleInteger(const SqlDialect& d, std::string_view statement) {
  Tokenizer tz(d, statement);
  Tok t = tz.Next();
  while (t.kind != Tok::kEnd && !t.Is("values")) t = tz.Next();
  if (t.kind == Tok::kEnd || !tz.Next().IsPunct('(')) return std::nullopt;
  t = tz.Next();
  bool negative = false;
  if (t.IsPunct('-')) {
    negative = true;
    t = tz.Next();
  }
  if (t.kind != Tok::kNumber || t.text.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : t.text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (!tz.Next().IsPunct(',')) return std::nullopt;
  return negative ? -n : n;
}

std::optional<InsertHead> ParseInsertHead(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  Tok t = tz.Next();
  if (!t.Is("insert") && !t.Is("replace")) return std::nullopt;
  // MySQL: [LOW_PRIORITY | DELAYED | HIGH_PRIORITY] [IGNORE] [INTO];
  // SQLite: [OR {ROLLBACK|ABORT|REPLACE|FAIL|IGNORE}] INTO; PostgreSQL: INTO.
  bool into = false;
  while (true) {
    t = tz.Next();
    if (t.Is("into")) {
      if (into) return std::nullopt;
      into = true;
      continue;
    }
    if (into) break;
    if (d.mysql() && (t.Is("low_priority") || t.Is("delayed") || t.Is("high_priority") || t.Is("ignore"))) continue;
    if (d.sqlite() && (t.Is("or") || t.Is("rollback") || t.Is("abort") || t.Is("replace") || t.Is("fail") ||
                       t.Is("ignore"))) {
      continue;
    }
    break;
  }
  if (!into && !d.mysql()) return std::nullopt;  // INTO is optional in MySQL only
  InsertHead head;
  if (!ReadQualifiedName(d, tz, t, &head.name_parts)) return std::nullopt;
  t = tz.Next();
  if (d.mysql() && t.Is("partition") && tz.Peek().IsPunct('(')) {
    tz.Next();
    if (!SkipParens(tz)) return std::nullopt;
    t = tz.Next();
  }
  if (!d.mysql() && t.Is("as")) {
    tz.Next();  // alias
    t = tz.Next();
  }
  if (t.IsPunct('(')) {
    head.has_column_list = true;
    while (true) {
      t = tz.Next();
      if (!IsNameTok(d, t)) return std::nullopt;
      head.columns.push_back(NameOf(d, t));
      t = tz.Next();
      head.column_versions.push_back(t.version);
      if (t.IsPunct(')')) break;
      if (!t.IsPunct(',')) return std::nullopt;
    }
    t = tz.Next();
  }
  if (d.postgres() && t.Is("overriding")) {  // OVERRIDING {SYSTEM | USER} VALUE
    tz.Next();
    tz.Next();
    t = tz.Next();
  }
  if (t.Is("values") || (d.mysql() && t.Is("value"))) {
    head.values = true;
  } else if (t.Is("default") && tz.Peek().Is("values")) {
    head.default_values = true;
  } else if (t.Is("select") || t.Is("with") || t.IsPunct('(') || (d.postgres() && t.Is("table")) ||
             (d.mysql() && t.Is("set"))) {
    head.query = true;
  }
  return head;
}

std::optional<TableDef> ParseCreateTable(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  TableDef def;
  if (!ReadCreateTableHead(d, tz, false, &def.name_parts)) return std::nullopt;
  if (!tz.Next().IsPunct('(')) return std::nullopt;
  // The elements of the list, split at top-level commas.
  bool closed = false;
  while (!closed) {
    std::vector<Tok> e;
    int depth = 0;
    int end_version = 0;
    while (true) {
      Tok x = tz.Next();
      if (x.kind == Tok::kEnd) return std::nullopt;
      if (depth == 0 && (x.IsPunct(',') || x.IsPunct(')'))) {
        closed = x.IsPunct(')');
        end_version = x.version;
        break;
      }
      if (x.IsPunct('(')) ++depth;
      if (x.IsPunct(')')) --depth;
      e.push_back(std::move(x));
    }
    if (e.empty()) continue;
    if (e[0].Is("like")) return std::nullopt;  // the columns come from another table
    if (IsConstraintWord(d, e[0]) || !IsNameTok(d, e[0])) continue;
    ColumnDef col;
    col.name = NameOf(d, e[0]);
    col.version = end_version;
    std::string type = e.size() > 1 && e[1].kind == Tok::kWord ? Lower(e[1].text) : "";
    col.numeric = NumericType(d, type);
    // The type's text for its limit: "character varying(45)", "varchar(45)",
    // "int(11) unsigned", "character(2)[]".
    if (e.size() > 1 && e[1].kind == Tok::kWord) {
      std::string type_text = e[1].text;
      size_t k = 2;
      if (k < e.size() && (e[k].Is("varying") || e[k].Is("precision"))) type_text += " " + e[k++].text;
      if (k < e.size() && e[k].IsPunct('(')) {
        for (; k < e.size(); ++k) {
          type_text += e[k].text;
          if (e[k].IsPunct(')')) {
            ++k;
            break;
          }
        }
      }
      if (k < e.size() && (e[k].IsPunct('[') || e[k].Is("array"))) type_text += "[]";
      if (k < e.size() && e[k].Is("unsigned")) type_text += " unsigned";
      col.limit = LimitOfType(col.name, type_text);
    }
    if (d.mysql() && type == "enum" && e.size() > 2 && e[2].IsPunct('(')) {
      for (size_t k = 3; k < e.size() && !e[k].IsPunct(')'); ++k) {
        if (e[k].kind == Tok::kString) col.enum_labels.push_back(e[k].text);
      }
    }
    for (size_t k = 1; k + 1 < e.size(); ++k) {
      // GENERATED ALWAYS AS (expr) [STORED|VIRTUAL], and MySQL's and SQLite's
      // short form AS (expr). `AS IDENTITY` is not a generated value.
      if (!e[k].Is("as") || !e[k + 1].IsPunct('(')) continue;
      if (d.postgres() && !(k >= 2 && e[k - 1].Is("always") && e[k - 2].Is("generated"))) continue;
      col.generated = true;
      int depth = 0;
      for (size_t j = k + 1; j < e.size(); ++j) {
        if (e[j].IsPunct('(')) ++depth;
        if (e[j].IsPunct(')') && --depth == 0) break;
        if (e[j].IsName()) col.expression_names.push_back(NameOf(d, e[j]));
      }
      break;
    }
    def.columns.push_back(std::move(col));
  }
  if (d.postgres() && tz.Next().Is("inherits") && tz.Next().IsPunct('(')) {
    while (true) {
      std::vector<std::string> parent;
      if (!ReadQualifiedName(d, tz, tz.Next(), &parent)) break;
      def.inherits.push_back(std::move(parent));
      if (!tz.Next().IsPunct(',')) break;
    }
  }
  return def;
}

std::vector<ParentLink> PgParentLinks(std::string_view statement) {
  const SqlDialect& d = PostgresDialect(true);
  std::vector<ParentLink> links;
  Tokenizer tz(d, statement);
  const Tok& first = tz.Peek();
  if (first.Is("create")) {
    std::vector<std::string> child;
    if (!ReadCreateTableHead(d, tz, true, &child)) return links;
    const TableName child_name = TableNameFor(d, child);
    // CREATE TABLE child PARTITION OF parent ...
    if (tz.Peek().Is("partition")) {
      tz.Next();
      if (!tz.Next().Is("of")) return links;
      std::vector<std::string> parent;
      if (ReadQualifiedName(d, tz, tz.Next(), &parent)) links.push_back({child_name, TableNameFor(d, parent)});
      return links;
    }
    // CREATE TABLE child (...) INHERITS (parent [, ...]) ...
    if (!tz.Next().IsPunct('(') || !SkipParens(tz)) return links;
    if (!tz.Next().Is("inherits") || !tz.Next().IsPunct('(')) return links;
    while (true) {
      std::vector<std::string> parent;
      if (!ReadQualifiedName(d, tz, tz.Next(), &parent)) break;
      links.push_back({child_name, TableNameFor(d, parent)});
      if (!tz.Next().IsPunct(',')) break;
    }
    return links;
  }
  // ALTER TABLE [IF EXISTS] [ONLY] parent [*] ATTACH PARTITION child ...
  // ALTER TABLE [IF EXISTS] [ONLY] child [*] INHERIT parent
  if (!tz.Next().Is("alter") || !tz.Next().Is("table")) return links;
  Tok t = tz.Next();
  if (t.Is("if") && tz.Peek().Is("exists")) {
    tz.Next();
    t = tz.Next();
  }
  if (t.Is("only") && !tz.Peek().IsPunct('.')) t = tz.Next();
  std::vector<std::string> table;
  if (!ReadQualifiedName(d, tz, t, &table)) return links;
  if (tz.Peek().IsPunct('*')) tz.Next();
  t = tz.Next();
  if (t.Is("attach") && tz.Next().Is("partition")) {
    std::vector<std::string> child;
    if (ReadQualifiedName(d, tz, tz.Next(), &child)) links.push_back({TableNameFor(d, child), TableNameFor(d, table)});
  } else if (t.Is("inherit")) {
    std::vector<std::string> parent;
    if (ReadQualifiedName(d, tz, tz.Next(), &parent)) links.push_back({TableNameFor(d, table), TableNameFor(d, parent)});
  }
  return links;
}

void LineTracker::Reset(std::string_view input, size_t pos, int64_t line, int64_t col) {
  input_ = input;
  anchor_pos_ = pos_ = pos;
  anchor_line_ = line_ = line;
  anchor_col_ = col_ = col;
}

std::pair<int64_t, int64_t> LineTracker::At(size_t pos) {
  if (pos < anchor_pos_) return {anchor_line_, anchor_col_};
  if (pos < pos_) {
    // Back to an earlier byte (a held statement's start): step back over the
    // lines in between rather than count again from the anchor.
    int64_t lines = 0;
    for (size_t k = pos; k < pos_;) {
      const void* nl = std::memchr(input_.data() + k, '\n', pos_ - k);
      if (nl == nullptr) break;
      ++lines;
      k = static_cast<size_t>(static_cast<const char*>(nl) - input_.data()) + 1;
    }
    if (lines == 0) {
      col_ -= static_cast<int64_t>(pos_ - pos);
    } else {
      line_ -= lines;
      const void* nl = memrchr(input_.data() + anchor_pos_, '\n', pos - anchor_pos_);
      col_ = nl == nullptr ? anchor_col_ + static_cast<int64_t>(pos - anchor_pos_)
                           : static_cast<int64_t>(pos - static_cast<size_t>(static_cast<const char*>(nl) - input_.data()));
    }
    pos_ = pos;
    return {line_, col_};
  }
  size_t k = pos_;
  size_t last_nl = std::string_view::npos;
  while (k < pos) {
    const void* nl = std::memchr(input_.data() + k, '\n', pos - k);
    if (nl == nullptr) break;
    last_nl = static_cast<size_t>(static_cast<const char*>(nl) - input_.data());
    ++line_;
    k = last_nl + 1;
  }
  if (last_nl != std::string_view::npos) {
    col_ = static_cast<int64_t>(pos - last_nl);
  } else {
    col_ += static_cast<int64_t>(pos - pos_);
  }
  pos_ = pos;
  return {line_, col_};
}

void SegmentSink::Reset(std::vector<Segment>* out, std::string_view input, size_t pos, int64_t line, int64_t col) {
  out_ = out;
  lines_.Reset(input, pos, line, col);
}

void SegmentSink::Emit(Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan,
                       const RowRewriter* rewriter) {
  if (begin >= end) return;
  if (!out_->empty()) {
    Segment& last = out_->back();
    if (last.kind == kind && last.plan == plan && last.rewriter == rewriter && last.end == begin) {
      last.end = end;
      return;
    }
  }
  auto [line, col] = lines_.At(begin);
  out_->push_back(Segment{kind, begin, end, line, plan, rewriter, col});
}

TableName InsertTables::NameFor(const SqlDialect& d, const std::vector<std::string>& parts) const {
  TableName name = TableNameFor(d, parts);
  if (d.mysql() && name.schema.empty()) name.schema = database_;
  return name;
}

void InsertTables::AddCreateTable(const SqlDialect& d, std::string_view text) {
  std::optional<TableName> created;
  if (auto parts = CreatedTableName(d, text)) {
    created = NameFor(d, *parts);
    created_.insert(*created);
    resolver_->NoteCreated(*created);
  }
  if (d.postgres()) AddAlterTable(text);
  std::optional<TableDef> def = ParseCreateTable(d, text);
  if (!def.has_value()) {
    if (created.has_value()) resolver_->SawColumns(*created, {}, false);
    return;
  }
  TableName name = NameFor(d, def->name_parts);
  ddl_[name] = *std::move(def);
  ++ddl_generation_;  // a parent's columns count for its children: every plan may change
  std::vector<const ColumnDef*> ddl;
  std::vector<std::string> columns;
  if (DdlColumns(name, &ddl)) {
    for (const ColumnDef* c : ddl) columns.push_back(c->name);
  }
  resolver_->SawColumns(name, columns, false);
}

void InsertTables::AddAlterTable(std::string_view text) {
  std::vector<ParentLink> links = PgParentLinks(text);
  if (links.empty()) return;
  for (const ParentLink& l : links) resolver_->NoteParent(l.child, l.parent);
  ++ddl_generation_;  // a parent's config now reaches the child: plans may change
}

bool InsertTables::DdlColumns(const TableName& table, std::vector<const ColumnDef*>* out, int depth) const {
  auto it = ddl_.find(table);
  if (it == ddl_.end() || depth > 16) return false;
  // PostgreSQL: a child's inherited columns come first, parent by parent,
  // then its own; pg_dump's CREATE TABLE lists only the child's own columns.
  for (const std::vector<std::string>& parent : it->second.inherits) {
    if (!DdlColumns(TableNameFor(PostgresDialect(true), parent), out, depth + 1)) return false;
  }
  for (const ColumnDef& c : it->second.columns) {
    bool seen = false;
    for (const ColumnDef* o : *out) seen = seen || o->name == c.name;
    if (!seen) out->push_back(&c);
  }
  return true;
}

absl::StatusOr<const RowPlan*> InsertTables::PlanFor(const TableName& table,
                                                     const std::vector<std::string>& columns,
                                                     const std::vector<int>& versions) {
  std::vector<Cached>& cached = plans_[table];
  for (const Cached& c : cached) {
    if (c.columns == columns && c.versions == versions && c.ddl_generation == ddl_generation_) return c.plan.get();
  }
  auto resolved = resolver_->Resolve(table, columns);
  if (!resolved.ok()) return resolved.status();
  if (*resolved == nullptr) return static_cast<const RowPlan*>(nullptr);
  auto plan = std::make_unique<RowPlan>(**resolved);
  plan->column_info.assign(columns.size(), RowPlan::ColumnInfo{});
  for (RowPlan::ColumnInfo& info : plan->column_info) info.limit.encoding = encoding_;
  for (size_t i = 0; i < versions.size() && i < columns.size(); ++i) {
    plan->column_info[i].version = versions[i];
    if (versions[i] != 0 && i < plan->configured.size() && plan->configured[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column ", columns[i], " of table ", table.Display(),
          " is declared inside a MySQL versioned comment (/*!NNNNN ... */): servers disagree whether it exists "
          "(MariaDB skips /*!50700 and later, MySQL runs them), so dbanon does not rewrite it; remove the comment "
          "around it, or its configuration"));
    }
  }
  std::vector<const ColumnDef*> ddl;
  if (DdlColumns(table, &ddl)) {
    for (size_t i = 0; i < columns.size(); ++i) {
      for (const ColumnDef* c : ddl) {
        if (c->name != columns[i]) continue;
        plan->column_info[i].numeric = c->numeric;
        plan->column_info[i].generated = c->generated;
        plan->column_info[i].enum_labels = c->enum_labels;
        plan->column_info[i].limit = c->limit;
        plan->column_info[i].limit.encoding = encoding_;
      }
    }
    MarkDerivedGeneratedColumns(ddl, plan.get());
    // An ENUM column only takes its labels (case P11): try the anonymizer
    // on the labels now rather than fail on the first row.
    Scratch scratch;
    for (const RowPlan::Step& step : plan->steps) {
      if (step.columns.size() != 1) continue;
      const std::vector<std::string>& labels = plan->column_info[step.columns[0]].enum_labels;
      for (const std::string& label : labels) {
        Cell in{label, false};
        Cell out;
        step.anonymizer->Anonymize(std::span<const Cell>(&in, 1), scratch, std::span<Cell>(&out, 1));
        if (!out.is_null && std::find(labels.begin(), labels.end(), out.value) == labels.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column ", columns[step.columns[0]], " of table ", table.Display(),
              " is an ENUM but its anonymizer writes values that are not among its labels (use 'string' with a "
              "sample of labels, 'constant' with a label, 'keep' or 'null')"));
        }
      }
    }
  }
  cached.push_back(Cached{columns, versions, ddl_generation_, std::move(plan)});
  return cached.back().plan.get();
}

bool InsertTables::ColumnConfigured(const TableName& table, const std::string& column) {
  if (!resolver_->IsConfigured(table)) return false;
  std::vector<const ColumnDef*> ddl;
  if (!DdlColumns(table, &ddl)) return true;
  std::vector<std::string> names;
  names.reserve(ddl.size());
  for (const ColumnDef* c : ddl) names.push_back(c->name);
  absl::StatusOr<const RowPlan*> plan = PlanFor(table, names);
  if (!plan.ok()) return true;
  if (*plan == nullptr) return false;
  if ((*plan)->truncate) return true;
  for (size_t i = 0; i < names.size() && i < (*plan)->configured.size(); ++i) {
    if (names[i] == column) return (*plan)->configured[i];
  }
  return true;
}

void InsertTables::AddCreateView(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  if (!tz.Next().Is("create")) return;
  Tok t = tz.Next();
  // CREATE [OR REPLACE] [TEMP] [RECURSIVE] VIEW (PostgreSQL, SQLite);
  // CREATE [OR REPLACE] [ALGORITHM = ...] [DEFINER = ...] [SQL SECURITY ...]
  // VIEW (MariaDB docs, "CREATE VIEW"; mysqldump wraps it in versioned
  // comments).
  for (int words = 0; t.kind != Tok::kEnd && !t.Is("view"); t = tz.Next()) {
    if (t.Is("as") || t.Is("table") || t.IsPunct('(') || ++words > 16) return;
  }
  if (t.kind == Tok::kEnd) return;
  t = tz.Next();
  if (t.Is("if") && tz.Peek().Is("not")) {
    tz.Next();
    tz.Next();  // EXISTS
    t = tz.Next();
  }
  std::vector<std::string> parts;
  if (!ReadQualifiedName(d, tz, t, &parts)) return;
  const TableName view = NameFor(d, parts);
  // Any name in the definition that is a configured table (or such a view).
  for (t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (!IsNameTok(d, t) || t.kind == Tok::kString) continue;
    std::vector<std::string> name;
    if (!ReadQualifiedName(d, tz, t, &name)) continue;
    const TableName table = NameFor(d, name);
    if (resolver_->IsConfigured(table)) {
      views_[view] = table;
      return;
    }
    if (auto it = views_.find(table); it != views_.end()) {
      views_[view] = it->second;
      return;
    }
  }
}

std::optional<TableName> InsertTables::ConfiguredUnder(const TableName& view) const {
  auto it = views_.find(view);
  if (it == views_.end()) return std::nullopt;
  return it->second;
}

absl::Status InsertTables::AddFts(const FtsTable& fts) {
  resolver_->NoteCreated(fts.name);
  resolver_->SawColumns(fts.name, fts.columns, false);
  created_.insert(fts.name);
  const bool configured = resolver_->IsConfigured(fts.name);
  const char* module = fts.version == 5 ? "FTS5" : fts.version == 4 ? "FTS4" : "FTS3";
  if (configured && fts.content == FtsTable::Content::kExternal) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table ", fts.name.Display(), " is an external-content ", module, " table: configure its content table ",
        TableNameFor(SqliteDialect(), fts.content_table).Display(), " instead (its index is then rebuilt)"));
  }
  if (configured && fts.content == FtsTable::Content::kNone && fts.version != 5) {
    return absl::InvalidArgumentError(absl::StrCat("table ", fts.name.Display(), " is a contentless ", module,
                                                   " table: its index holds the only copy of its text, which dbanon "
                                                   "can neither rewrite nor drop"));
  }
  const bool rebuild = fts.content == FtsTable::Content::kExternal
                           ? resolver_->IsConfigured(TableNameFor(SqliteDialect(), fts.content_table))
                           : configured;
  if (!rebuild) return absl::OkStatus();
  auto shadow = [&](const char* suffix, const char* role) {
    TableName t = fts.name;
    t.table += suffix;
    fts_shadows_[t] = FtsShadow{fts, role};
  };
  if (fts.content == FtsTable::Content::kOwn) shadow("_content", "content");
  if (fts.version == 5) {
    shadow("_data", "data");
    shadow("_idx", "drop");
  } else {
    shadow("_segments", "drop");
    shadow("_segdir", "drop");
  }
  std::string name = "\"";
  for (char c : fts.name.table) name += c == '"' ? std::string("\"\"") : std::string(1, c);
  name += "\"";
  absl::StrAppend(&fts_rebuild_, "INSERT INTO ", name, "(", name, ") VALUES('",
                  fts.content == FtsTable::Content::kNone ? "delete-all" : "rebuild", "');\n");
  ++ddl_generation_;
  return absl::OkStatus();
}

absl::StatusOr<InsertTarget> InsertTables::ResolveFtsShadow(const FtsShadow& shadow, InsertTarget target) {
  if (shadow.role == "drop") {
    target.drop = true;
    return target;
  }
  if (shadow.role == "data") {
    target.fts_data = true;
    return target;
  }
  // `_content`: (id|docid, c0, c1, ...), cN the FTS table's N-th column.
  std::vector<const ColumnDef*> ddl;
  if (DdlColumns(target.table, &ddl) && ddl.size() != shadow.fts.columns.size() + 1) {
    return absl::DataLossError(absl::StrCat("table ", target.table.Display(), " has ", ddl.size(),
                                            " columns, but FTS table ", shadow.fts.name.Display(), " has ",
                                            shadow.fts.columns.size(), ": dbanon cannot map them"));
  }
  std::vector<std::string> columns = {"rowid"};
  columns.insert(columns.end(), shadow.fts.columns.begin(), shadow.fts.columns.end());
  resolver_->SawTable(shadow.fts.name);
  auto plan = PlanFor(shadow.fts.name, columns);
  if (!plan.ok()) return plan.status();
  target.plan = *plan;
  if (*plan != nullptr && (*plan)->truncate) {
    target.plan = nullptr;
    target.drop = true;
  }
  return target;
}

absl::Status InsertTables::CheckDataTarget(const TableName& table) {
  if (created_.empty() || created_.count(table) > 0) return absl::OkStatus();
  auto [it, added] = checked_.emplace(table, absl::OkStatus());
  if (!added) return it->second;
  for (const TableName& c : created_) {
    const bool near = c.table == table.table || (c.schema == table.schema && OneEditApart(c.table, table.table));
    if (near && resolver_->IsConfigured(c)) {
      it->second = absl::DataLossError(absl::StrCat(
          "the dump has data for table ", table.Display(), ", which it does not create, but creates configured table ",
          c.Display(), " whose name differs by one letter or schema: a damaged table name?"));
      break;
    }
  }
  return it->second;
}

absl::StatusOr<InsertTarget> InsertTables::Resolve(const SqlDialect& d, const InsertHead& head) {
  InsertTarget target;
  target.table = NameFor(d, head.name_parts);
  resolver_->SawTable(target.table);
  {
    std::vector<std::string> seen_columns = head.columns;
    if (!head.has_column_list) {
      std::vector<const ColumnDef*> defs;
      if (DdlColumns(target.table, &defs)) {
        for (const ColumnDef* c : defs) seen_columns.push_back(c->name);
      }
    }
    resolver_->SawColumns(target.table, seen_columns, true);
    absl::Status covered = resolver_->CheckCoverage();
    if (!covered.ok()) return covered;
  }
  if (auto shadow = fts_shadows_.find(target.table); shadow != fts_shadows_.end()) {
    return ResolveFtsShadow(shadow->second, std::move(target));
  }
  if (!resolver_->IsConfigured(target.table)) {
    if (std::optional<TableName> under = ConfiguredUnder(target.table)) {
      return absl::DataLossError(absl::StrCat("INSERT into view ", target.table.Display(),
                                              ", which reads configured table ", under->Display(),
                                              ": its rows would reach that table unrewritten (insert into the table)"));
    }
    absl::Status s = CheckDataTarget(target.table);
    if (!s.ok()) return s;
    return target;
  }
  std::vector<const ColumnDef*> ddl;
  const bool have_ddl = DdlColumns(target.table, &ddl);
  std::vector<std::string> all, plain;
  std::vector<int> all_versions, plain_versions;
  for (const ColumnDef* c : ddl) {
    all.push_back(c->name);
    all_versions.push_back(c->version);
    if (!c->generated) {
      plain.push_back(c->name);
      plain_versions.push_back(c->version);
    }
  }
  if (!head.has_column_list && !have_ddl) {
    auto p = resolver_->Resolve(target.table, {});
    if (p.ok() && *p != nullptr && ((*p)->truncate || (*p)->steps.empty())) {
      target.drop = (*p)->truncate;
      return target;
    }
    return WithExitClass(absl::FailedPreconditionError(absl::StrCat(
        "table ", target.table.Display(),
        " is configured but its INSERT statement has no column list and the dump has no CREATE TABLE for it; "
        "dump it with column names (mysqldump --complete-insert, pg_dump --column-inserts) or with its schema")),
                         ExitClass::kInput);
  }
  if (have_ddl) {
    // Configuring a generated column would do nothing: the server computes it.
    auto full = PlanFor(target.table, all, all_versions);
    if (full.ok() && *full != nullptr) {
      const RowPlan& f = **full;
      if (f.truncate) {
        target.drop = true;
        return target;
      }
      for (size_t i = 0; i < f.num_columns; ++i) {
        if (f.configured[i] && f.column_info[i].generated && !f.column_info[i].write_default) {
          return absl::InvalidArgumentError(absl::StrCat("column ", f.column_names[i], " of table ",
                                                         target.table.Display(),
                                                         " is a generated column: configure the columns it is "
                                                         "computed from instead"));
        }
      }
    }
  }
  std::vector<std::string> columns;
  std::vector<int> versions;
  if (head.has_column_list) {
    columns = head.columns;
    versions = head.column_versions;
  } else {
    columns = d.sqlite() ? plain : all;  // sqlite3 .dump leaves generated columns out
    versions = d.sqlite() ? plain_versions : all_versions;
  }
  auto plan = PlanFor(target.table, columns, versions);
  if (!plan.ok()) return plan.status();
  if (*plan == nullptr) return target;
  if ((*plan)->truncate) {
    target.drop = true;
    return target;
  }
  target.plan = *plan;
  if (!head.has_column_list && !d.sqlite() && plain.size() != all.size()) {
    auto alt = PlanFor(target.table, plain, plain_versions);
    if (alt.ok()) target.alt_plan = *alt;
    // MariaDB dumps the values of generated columns (docs/formats.md C.3);
    // those computed from configured columns are written DEFAULT (PlanFor).
  }
  return target;
}

void InsertValuesFramer::Begin(const SqlDialect& d, const InsertTarget& target, int64_t statement_line) {
  d_ = &d;
  target_ = target;
  plan_ = target.plan;
  statement_line_ = statement_line;
  scan_ = TupleScanState();
  expect_tuple_ = true;
  first_checked_ = false;
  rows_ = 0;
  values_ = 0;
  carrying_ = false;
  resume_ = 0;
  streaming_ = false;
  value_index_ = 0;
  group_ = -1;
}

absl::Status InsertValuesFramer::Error(SegmentSink* sink, size_t pos, std::string_view what) {
  auto [line, col] = sink->lines().At(pos);
  return PositionedError(absl::StatusCode::kDataLoss, line, col,
                         absl::StrCat(ToAbsl(what), " in the INSERT statement for table ", target_.table.Display(),
                                      " (started at line ", statement_line_, ")"));
}

absl::Status InsertValuesFramer::EndOfInputError(SegmentSink* sink, size_t pos) {
  const char* where = "a tuple";
  switch (scan_.lex.state()) {
    case SqlLexer::State::kQuoted: where = scan_.lex.quote() == '\'' ? "a string literal" : "a quoted name"; break;
    case SqlLexer::State::kBlockComment: where = "a comment"; break;
    case SqlLexer::State::kDollar: where = "a dollar-quoted string"; break;
    default:
      if (scan_.depth == 0) where = "the VALUES list (a tuple is missing)";
  }
  auto [line, col] = sink->lines().At(pos);
  return PositionedError(absl::StatusCode::kDataLoss, line, col,
                         absl::StrCat("unexpected end of input inside ", where, " of table ", target_.table.Display(),
                                      " (INSERT statement started at line ", statement_line_, ")"));
}

absl::Status InsertValuesFramer::Frame(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done) {
  *done = false;
  if (plan_ == nullptr || target_.drop) return FramePassThrough(input, pos, eof, sink, done);
  return FrameConfigured(input, pos, eof, sink, done);
}

absl::Status InsertValuesFramer::FramePassThrough(std::string_view input, size_t* pos, bool eof, SegmentSink* sink,
                                                  bool* done) {
  const Segment::Kind kind = target_.drop ? Segment::Kind::kDrop : Segment::Kind::kRaw;
  const size_t from = *pos;
  size_t p = from;
  scan_.commas = false;  // only tuples matter here
  while (true) {
    TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
    switch (ev) {
      case TupleEvent::kOpen:
        if (!expect_tuple_) {
          sink->Emit(kind, from, p);
          return Error(sink, p - 1, "expected ',' or the end of the statement after a tuple");
        }
        expect_tuple_ = false;
        continue;
      case TupleEvent::kClose:
        ++rows_;
        continue;
      case TupleEvent::kComma:
        continue;
      case TupleEvent::kOuter:
        if (input[p] == ',' && !expect_tuple_) {
          expect_tuple_ = true;
          ++p;
          continue;
        }
        sink->Emit(kind, from, p);
        if (expect_tuple_) return Error(sink, p, "expected a tuple");
        *pos = p;
        *done = true;
        return absl::OkStatus();
      case TupleEvent::kEnd:
      case TupleEvent::kNeedMore:
        sink->Emit(kind, from, p);
        *pos = p;
        if (ev == TupleEvent::kEnd && eof) {
          if (expect_tuple_ || scan_.depth > 0 || scan_.lex.state() != SqlLexer::State::kCode) {
            return EndOfInputError(sink, p);
          }
          *done = true;
        }
        return absl::OkStatus();
    }
  }
}

const std::vector<InsertValuesFramer::Group>& InsertValuesFramer::GroupsFor(const RowPlan* plan) {
  auto it = groups_.find(plan);
  if (it != groups_.end()) return it->second;
  std::vector<std::pair<size_t, size_t>> spans;
  for (const RowPlan::Step& step : plan->steps) {
    if (step.columns.empty()) continue;
    auto [lo, hi] = std::minmax_element(step.columns.begin(), step.columns.end());
    spans.emplace_back(*lo, *hi);
  }
  for (size_t i = 0; i < plan->column_info.size(); ++i) {
    if (plan->column_info[i].write_default) spans.emplace_back(i, i);
  }
  std::sort(spans.begin(), spans.end());
  std::vector<Group> groups;
  for (auto [lo, hi] : spans) {
    if (!groups.empty() && lo <= groups.back().last) {
      groups.back().last = std::max(groups.back().last, hi);
    } else {
      groups.push_back(Group{lo, hi, nullptr});
    }
  }
  for (Group& g : groups) {
    auto sub = std::make_unique<RowPlan>();
    sub->table = plan->table;
    sub->num_columns = g.last - g.first + 1;
    sub->column_names.assign(plan->column_names.begin() + g.first, plan->column_names.begin() + g.last + 1);
    sub->configured.assign(plan->configured.begin() + g.first, plan->configured.begin() + g.last + 1);
    if (!plan->column_info.empty()) {
      sub->column_info.assign(plan->column_info.begin() + g.first, plan->column_info.begin() + g.last + 1);
    }
    for (const RowPlan::Step& step : plan->steps) {
      if (step.columns.empty() || step.columns[0] < g.first || step.columns[0] > g.last) continue;
      RowPlan::Step s{step.anonymizer, {}};
      for (size_t c : step.columns) s.columns.push_back(c - g.first);
      sub->steps.push_back(std::move(s));
    }
    g.plan = std::move(sub);
  }
  return groups_.emplace(plan, std::move(groups)).first->second;
}

absl::Status InsertValuesFramer::FrameConfigured(std::string_view input, size_t* pos, bool eof, SegmentSink* sink,
                                                 bool* done) {
  constexpr size_t kNone = std::string_view::npos;
  const RowRewriter* rewriter = InsertTupleRewriter(*d_);
  size_t p = *pos;
  size_t raw_from = p;                    // bytes before this are emitted
  size_t run_begin = kNone, run_end = kNone;  // whole tuples for one kRows segment
  size_t tuple_begin = kNone;
  size_t hold_begin = kNone;              // value-by-value: start of the held values
  if (carrying_) {
    // The input starts with the partial tuple (or held values) carried over.
    carrying_ = false;
    if (streaming_) {
      hold_begin = p;
    } else {
      tuple_begin = run_begin = p;
    }
    p += resume_;
  }
  auto flush_run = [&] {
    if (run_begin != kNone && run_end != kNone) {
      sink->Emit(Segment::Kind::kRows, run_begin, run_end, plan_, rewriter);
      raw_from = run_end;
    }
    run_begin = run_end = kNone;
  };
  // Value by value: when value `value_index_` starts at p and an anonymizer
  // reads it first, hold it (and the values up to its group's last).
  auto start_value = [&] {
    const std::vector<Group>& groups = GroupsFor(plan_);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].first != value_index_) continue;
      sink->Emit(Segment::Kind::kRaw, raw_from, p);
      raw_from = hold_begin = p;
      group_ = static_cast<int>(g);
    }
  };

  while (true) {
    // Values are counted in the first tuple (which column list applies) and
    // when a long tuple is framed value by value; elsewhere only tuples matter.
    scan_.commas = streaming_ || !first_checked_;
    if (streaming_) {
      // One tuple too long to hold, framed value by value: the values that
      // configured anonymizers read (with what lies between them) are held
      // and become a kRows segment each; everything else streams through.
      const std::vector<Group>& groups = GroupsFor(plan_);
      const RowRewriter* values_rewriter = InsertValuesRewriter(*d_);
      TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
      if (ev == TupleEvent::kComma || ev == TupleEvent::kClose) {
        const size_t end = p - 1;
        if (value_index_ < plan_->column_info.size()) {
          const int got = scan_.lex.version();
          const int want = plan_->column_info[value_index_].version;
          if (got != want) {
            auto [line, col] = sink->lines().At(end);
            return PositionedError(absl::StatusCode::kDataLoss, line, col,
                                   VersionedMismatchMessage(*plan_, value_index_, got, want));
          }
        }
        if (group_ >= 0 && value_index_ == groups[group_].last) {
          sink->Emit(Segment::Kind::kRows, hold_begin, end, groups[group_].plan.get(), values_rewriter);
          raw_from = end;
          hold_begin = kNone;
          group_ = -1;
        }
        ++value_index_;
        if (ev == TupleEvent::kClose || value_index_ >= plan_->num_columns) {
          if (ev != TupleEvent::kClose || group_ >= 0 || value_index_ != plan_->num_columns) {
            return Error(sink, end, absl::StrCat("a tuple with a number of values other than ", plan_->num_columns));
          }
          ++rows_;
          first_checked_ = true;
          streaming_ = false;
          continue;
        }
        start_value();
        continue;
      }
      // The input ran out (kOpen and kOuter cannot happen inside a tuple).
      if (eof) {
        sink->Emit(Segment::Kind::kRaw, raw_from, hold_begin == kNone ? p : hold_begin);
        return EndOfInputError(sink, p);
      }
      if (group_ >= 0) {
        if (p - hold_begin > kMaxValueBytes) {
          auto [line, col] = sink->lines().At(hold_begin);
          return PositionedError(
              absl::StatusCode::kDataLoss, line, col,
              absl::StrCat("the configured values of a tuple of table ", target_.table.Display(), " (column ",
                           plan_->column_names[groups[group_].first], ") are longer than ", kMaxValueBytes >> 20,
                           " MiB"));
        }
        sink->Emit(Segment::Kind::kRaw, raw_from, hold_begin);
        carrying_ = true;
        resume_ = p - hold_begin;
        *pos = hold_begin;
        return absl::OkStatus();
      }
      sink->Emit(Segment::Kind::kRaw, raw_from, p);
      *pos = p;
      return absl::OkStatus();
    }

    TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
    switch (ev) {
      case TupleEvent::kOpen:
        if (!expect_tuple_) {
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p - 1);
          return Error(sink, p - 1, "expected ',' or the end of the statement after a tuple");
        }
        if (scan_.lex.versioned() > 0) {
          // MySQL runs /*!50705 (...),*/, MariaDB skips it: a row for some
          // servers only. Its values are read as code (VersionedCommentTag),
          // but a row that only some servers load is not a dump to guess at.
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p - 1);
          return Error(sink, p - 1,
                       "a tuple inside a MySQL versioned comment (/*!NNNNN ... */): servers disagree whether it is "
                       "a row");
        }
        expect_tuple_ = false;
        tuple_begin = p - 1;
        values_ = 1;
        if (run_begin == kNone) {
          sink->Emit(Segment::Kind::kRaw, raw_from, tuple_begin);
          raw_from = run_begin = tuple_begin;
        }
        continue;
      case TupleEvent::kComma:
        ++values_;
        continue;
      case TupleEvent::kClose:
        ++rows_;
        run_end = p;
        tuple_begin = kNone;
        if (!first_checked_) {
          // MariaDB dumps the generated columns' values, MySQL leaves them
          // out: the first tuple tells which column list applies.
          first_checked_ = true;
          if (values_ != plan_->num_columns && target_.alt_plan != nullptr &&
              values_ == target_.alt_plan->num_columns) {
            plan_ = target_.alt_plan;
          }
        }
        continue;
      case TupleEvent::kOuter: {
        if (input[p] == ',' && !expect_tuple_) {
          expect_tuple_ = true;
          ++p;
          continue;
        }
        flush_run();
        sink->Emit(Segment::Kind::kRaw, raw_from, p);
        if (expect_tuple_) return Error(sink, p, "expected a tuple");
        // After the tuples: the statement's end or a clause that may follow
        // them (ON DUPLICATE KEY UPDATE, ON CONFLICT, MySQL's AS alias,
        // RETURNING). Anything else would be passed through unread.
        const unsigned char c = static_cast<unsigned char>(input[p]);
        if (IsSqlIdentStart(c)) {
          size_t e = p;
          while (e < input.size() && IsSqlIdentChar(static_cast<unsigned char>(input[e]))) ++e;
          if (e == input.size() && !eof) {
            *pos = p;  // the word goes on in the next input
            return absl::OkStatus();
          }
          std::string word = Lower(input.substr(p, e - p));
          if (word != "on" && word != "as" && word != "returning") {
            return Error(sink, p, "unexpected text after the tuples");
          }
        } else if (c == '\'' || c == '"' || c == '`' || c == '[' || (c >= '0' && c <= '9')) {
          return Error(sink, p, "unexpected text after the tuples");
        }
        *pos = p;
        *done = true;
        return absl::OkStatus();
      }
      case TupleEvent::kEnd:
      case TupleEvent::kNeedMore: {
        if (tuple_begin == kNone) {  // between tuples
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p);
          *pos = p;
          if (ev == TupleEvent::kEnd && eof) {
            if (expect_tuple_ || scan_.lex.state() != SqlLexer::State::kCode) return EndOfInputError(sink, p);
            *done = true;
          }
          return absl::OkStatus();
        }
        flush_run();
        sink->Emit(Segment::Kind::kRaw, raw_from, tuple_begin);
        raw_from = tuple_begin;
        if (eof) return EndOfInputError(sink, p);
        if (p - tuple_begin > kMaxTupleBytes) {
          // Too long to hold: start again at its '(' value by value.
          streaming_ = true;
          scan_ = TupleScanState();
          scan_.depth = 1;
          scan_.prev = '(';
          p = tuple_begin + 1;
          tuple_begin = kNone;
          value_index_ = 0;
          group_ = -1;
          start_value();
          continue;
        }
        carrying_ = true;
        resume_ = p - tuple_begin;
        *pos = tuple_begin;
        return absl::OkStatus();
      }
    }
  }
}

}  // namespace dbanon
