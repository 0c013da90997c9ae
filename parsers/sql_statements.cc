#include "parsers/sql_statements.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/string_view_compat.h"
#include "parsers/sql_lexer.h"
#include "parsers/sql_literals.h"

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
  bool Is(std::string_view lower_word) const { return kind == kWord && EqualsAsciiLower(text, lower_word); }
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

}  // namespace

std::optional<std::vector<std::string>> CreatedTableName(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  std::vector<std::string> parts;
  if (!ReadCreateTableHead(d, tz, true, &parts)) return std::nullopt;
  return parts;
}

namespace {

// Reads the words after CREATE or ALTER up to and with VIEW, and the view's
// name: [OR REPLACE] [TEMP] [RECURSIVE] VIEW (PostgreSQL, SQLite); [OR
// REPLACE] [ALGORITHM = ...] [DEFINER = ...] [SQL SECURITY ...] VIEW
// (MariaDB docs, "CREATE VIEW", "ALTER VIEW"; mysqldump wraps it in
// versioned comments). False when the text is something else.
bool ReadViewHead(const SqlDialect& d, Tokenizer& tz, std::vector<std::string>* parts) {
  Tok t = tz.Next();
  for (int words = 0; t.kind != Tok::kEnd && !t.Is("view"); t = tz.Next()) {
    if (t.Is("as") || t.Is("table") || t.IsPunct('(') || ++words > 16) return false;
  }
  if (t.kind == Tok::kEnd) return false;
  t = tz.Next();
  if (t.Is("if") && tz.Peek().Is("not")) {
    tz.Next();
    tz.Next();  // EXISTS
    t = tz.Next();
  }
  return ReadQualifiedName(d, tz, t, parts);
}

// Reads `[ONLINE|IGNORE] TABLE [IF EXISTS] [ONLY] name` after ALTER.
// `table` false: the next word is not TABLE (nothing else read).
bool ReadAlterTableHead(const SqlDialect& d, Tokenizer& tz, bool* table, std::vector<std::string>* parts) {
  *table = false;
  while (tz.Peek().Is("online") || tz.Peek().Is("ignore")) tz.Next();  // MariaDB: ALTER [ONLINE] [IGNORE] TABLE
  if (!tz.Peek().Is("table")) return false;
  tz.Next();
  *table = true;
  Tok t = tz.Next();
  if (t.Is("if") && tz.Peek().Is("exists")) {
    tz.Next();
    t = tz.Next();
  }
  if (t.Is("only") && !tz.Peek().IsPunct('.')) t = tz.Next();
  return ReadQualifiedName(d, tz, t, parts);
}

}  // namespace

std::optional<DdlHead> ReadDdlHead(const SqlDialect& d, std::string_view head) {
  DdlHead out;
  Tokenizer first(d, head);
  const Tok verb = first.Next();
  if (verb.Is("create")) {
    out.create = true;
    Tokenizer tz(d, head);
    if (ReadCreateTableHead(d, tz, true, &out.name_parts)) {
      out.kind = DdlHead::Kind::kTable;
      return out;
    }
    out.name_parts.clear();
    Tokenizer tv(d, head);
    tv.Next();  // CREATE
    if (ReadViewHead(d, tv, &out.name_parts)) {
      out.kind = DdlHead::Kind::kView;
      return out;
    }
    return std::nullopt;  // a table or view whose name cannot be read (callers pass only those)
  }
  if (verb.Is("alter")) {
    bool table = false;
    if (ReadAlterTableHead(d, first, &table, &out.name_parts)) {
      out.kind = DdlHead::Kind::kTable;
      return out;
    }
    if (table) return std::nullopt;
    out.name_parts.clear();
    Tokenizer tv(d, head);
    tv.Next();  // ALTER
    if (ReadViewHead(d, tv, &out.name_parts)) {
      out.kind = DdlHead::Kind::kView;
      return out;
    }
    out.name_parts.clear();
  }
  return out;
}

std::optional<ViewDef> ParseCreateView(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  if (!tz.Next().Is("create")) return std::nullopt;
  ViewDef view;
  if (!ReadViewHead(d, tz, &view.name_parts)) return std::nullopt;
  Tok t;
  // Every name in the definition.
  for (t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (!IsNameTok(d, t) || t.kind == Tok::kString) continue;
    std::vector<std::string> name;
    if (!ReadQualifiedName(d, tz, t, &name)) continue;
    view.names.push_back(std::move(name));
  }
  return view;
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

TableName TableNameFor(const SqlDialect& d, const std::vector<std::string>& parts) {
  const size_t n = parts.size();
  if (d.postgres()) {
    return n >= 2 ? TableName{parts[n - 2], parts[n - 1]} : TableName{"public", parts[n - 1]};
  }
  if (d.sqlite()) {
    // SQLite names are case-insensitive for ASCII letters (SQLite docs,
    // "SQL Keywords": identifiers; sqlite3StrICmp in the table lookup):
    // `Users`, [USERS] and "main"."USERS" are table users. The name is
    // folded here, once, so that every lookup (catalog, config) sees one key.
    std::string schema = n >= 2 ? Lower(parts[n - 2]) : std::string();
    if (schema == "main" || schema == "temp") schema.clear();
    return TableName{std::move(schema), Lower(parts[n - 1])};
  }
  if (n >= 2) return TableName{parts[n - 2], parts[n - 1]};
  return TableName{"", parts[0]};
}

namespace {

// The schemas of a search_path value as set_config takes it: names separated
// by commas, each bare (folded to lower case) or double-quoted. nullopt when
// it cannot be read.
std::optional<std::vector<std::string>> SplitSearchPath(std::string_view value) {
  std::vector<std::string> out;
  Tokenizer tz(PostgresDialect(true), value);
  for (Tok t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (t.kind == Tok::kWord) {
      out.push_back(Lower(t.text));
    } else if (t.kind == Tok::kName) {
      out.push_back(t.text);
    } else {
      return std::nullopt;
    }
    Tok sep = tz.Next();
    if (sep.kind == Tok::kEnd) break;
    if (!sep.IsPunct(',')) return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<SearchPathSetting> PgSearchPathSetting(std::string_view statement) {
  const SqlDialect& d = PostgresDialect(true);
  Tokenizer tz(d, statement);
  Tok t = tz.Next();
  SearchPathSetting out;
  const std::vector<std::string> kDefault{"$user", "public"};
  if (t.Is("reset")) {
    if (!tz.Next().Is("search_path")) return std::nullopt;
    out.schemas = kDefault;
    return out;
  }
  if (t.Is("set")) {
    t = tz.Next();
    if (t.Is("session") || t.Is("local")) t = tz.Next();
    if (!t.Is("search_path")) return std::nullopt;
    t = tz.Next();
    if (!t.IsPunct('=') && !t.Is("to")) return out;  // unreadable
    std::vector<std::string> schemas;
    for (t = tz.Next(); t.kind != Tok::kEnd && !t.IsPunct(';'); t = tz.Next()) {
      if (t.Is("default") && schemas.empty() && (tz.Peek().kind == Tok::kEnd || tz.Peek().IsPunct(';'))) {
        out.schemas = kDefault;
        return out;
      }
      if (t.kind == Tok::kWord) {
        schemas.push_back(Lower(t.text));
      } else if (t.kind == Tok::kName || t.kind == Tok::kString) {
        schemas.push_back(t.text);
      } else {
        return out;  // unreadable
      }
      const Tok& sep = tz.Peek();
      if (sep.kind == Tok::kEnd || sep.IsPunct(';')) break;
      if (!sep.IsPunct(',')) return out;
      tz.Next();
    }
    out.schemas = std::move(schemas);
    return out;
  }
  if (t.Is("select")) {
    // pg_dump: SELECT pg_catalog.set_config('search_path', '', false);
    std::vector<Tok> toks;
    for (t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) toks.push_back(std::move(t));
    size_t i = 0;
    if (toks.size() >= 2 && toks[0].Is("pg_catalog") && toks[1].IsPunct('.')) i = 2;
    if (i >= toks.size() || !toks[i].Is("set_config")) return std::nullopt;
    if (i + 3 >= toks.size() || !toks[i + 1].IsPunct('(') || toks[i + 2].kind != Tok::kString) return std::nullopt;
    if (Lower(toks[i + 2].text) != "search_path") return std::nullopt;
    // Exactly ( 'search_path' , 'value' , false|true ) [;]: anything else
    // (an expression, a variable) is unreadable.
    const size_t n = toks.size() - (toks.back().IsPunct(';') ? 1 : 0);
    if (n != i + 8 || !toks[i + 3].IsPunct(',') || toks[i + 4].kind != Tok::kString || !toks[i + 5].IsPunct(',') ||
        !(toks[i + 6].Is("false") || toks[i + 6].Is("true")) || !toks[i + 7].IsPunct(')')) {
      return out;
    }
    out.schemas = SplitSearchPath(toks[i + 4].text);
    return out;
  }
  return std::nullopt;
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
        // The statement ends inside a parenthesis (an unclosed quoted name
        // took the ')'): it cannot be read. Before, this loop never ended
        // and grew `expr` until memory ran out (found by the mysql_insert
        // fuzzer).
        if (p.kind == Tok::kEnd && depth > 0) return std::string();
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

namespace {

// The text of a type that starts at e[k] ("character varying(45)",
// "varchar(45)", "int(11) unsigned", "character(2)[]", "numeric(5,2)") for
// LimitOfType; k is left past it.
std::string TypeText(const std::vector<Tok>& e, size_t& k) {
  std::string type_text = e[k++].text;
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
  return type_text;
}

}  // namespace

std::optional<DomainDef> ParseCreateDomain(std::string_view text) {
  const SqlDialect& d = PostgresDialect(true);
  Tokenizer tz(d, text);
  if (!tz.Next().Is("create") || !tz.Next().Is("domain")) return std::nullopt;
  DomainDef def;
  if (!ReadQualifiedName(d, tz, tz.Next(), &def.name_parts)) return std::nullopt;
  std::vector<Tok> e;
  for (Tok t = tz.Next(); t.kind != Tok::kEnd && !t.IsPunct(';'); t = tz.Next()) e.push_back(std::move(t));
  size_t k = !e.empty() && e[0].Is("as") ? 1 : 0;
  if (k >= e.size() || e[k].kind != Tok::kWord) return std::nullopt;
  def.numeric = NumericType(d, Lower(e[k].text));
  def.limit = LimitOfType("", TypeText(e, k));
  for (size_t depth = 0; k < e.size(); ++k) {
    if (e[k].IsPunct('(')) ++depth;
    if (e[k].IsPunct(')') && depth > 0) --depth;
    if (depth == 0 && e[k].Is("not") && k + 1 < e.size() && e[k + 1].Is("null") && !e[k - 1].Is("is")) {
      def.not_null = true;
    }
  }
  return def;
}

namespace {

// The parenthesized column list that `tz` is at (a CREATE TABLE's, a
// composite CREATE TYPE's attributes, a typed table's column options) and
// what follows it (INHERITS), into `def`.
std::optional<TableDef> ReadColumnList(const SqlDialect& d, Tokenizer& tz, TableDef def) {
  std::vector<std::pair<std::string, bool>> keys;  // one-column keys: (column, primary)
  // MariaDB writes a JSON column as `longtext ... CHECK (json_valid(col))`
  // (MariaDB docs, "JSON Data Type"): the columns such a CHECK names.
  std::vector<std::string> json_checked;
  auto find_json_valid = [&](const std::vector<Tok>& e) {
    for (size_t k = 0; k + 3 < e.size(); ++k) {
      if (e[k].Is("json_valid") && e[k + 1].IsPunct('(') && IsNameTok(d, e[k + 2]) && e[k + 3].IsPunct(')')) {
        json_checked.push_back(NameOf(d, e[k + 2]));
      }
    }
  };
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
    if (IsConstraintWord(d, e[0])) {
      // [CONSTRAINT name] PRIMARY KEY (c) / UNIQUE [KEY|INDEX] [name] (c):
      // a key on one column makes that column's values distinct.
      size_t k = 0;
      if (d.mysql()) find_json_valid(e);
      if (e[k].Is("constraint")) k += 2;
      const bool primary = k < e.size() && e[k].Is("primary");
      const bool unique = k < e.size() && e[k].Is("unique");
      if (!primary && !unique) continue;
      while (k < e.size() && !e[k].IsPunct('(')) ++k;
      std::vector<std::string> names;
      int depth = 0;
      for (; k < e.size(); ++k) {
        if (e[k].IsPunct('(')) ++depth;
        if (e[k].IsPunct(')') && --depth == 0) break;
        if (depth == 1 && IsNameTok(d, e[k]) && !e[k].Is("asc") && !e[k].Is("desc")) names.push_back(NameOf(d, e[k]));
      }
      if (names.size() == 1) keys.emplace_back(names[0], primary);
      continue;
    }
    if (!IsNameTok(d, e[0])) continue;
    ColumnDef col;
    col.name = NameOf(d, e[0]);
    col.version = end_version;
    // NOT NULL, PRIMARY KEY and UNIQUE among the column's own words (not in
    // a CHECK or DEFAULT expression's parentheses; `IS NOT NULL` is a test).
    for (size_t k = 1, depth = 0; k < e.size(); ++k) {
      if (e[k].IsPunct('(')) ++depth;
      if (e[k].IsPunct(')') && depth > 0) --depth;
      if (depth > 0) continue;
      if (e[k].Is("not") && k + 1 < e.size() && e[k + 1].Is("null") && !e[k - 1].Is("is")) col.not_null = true;
      if (e[k].Is("primary") && k + 1 < e.size() && e[k + 1].Is("key")) col.not_null = col.unique_key = true;
      if (e[k].Is("unique")) col.unique_key = true;
      if (d.mysql() && e[k].Is("invisible")) {
        col.invisible = true;
        col.invisible_version = e[k].version;
      }
    }
    if (d.postgres() && e.size() > 1 && e[1].IsName()) {
      col.type_parts.push_back(NameOf(d, e[1]));
      if (e.size() > 3 && e[2].IsPunct('.') && e[3].IsName()) col.type_parts.push_back(NameOf(d, e[3]));
    }
    std::string type = e.size() > 1 && e[1].kind == Tok::kWord ? Lower(e[1].text) : "";
    col.numeric = NumericType(d, type);
    // The type's text for its limit: "character varying(45)", "varchar(45)",
    // "int(11) unsigned", "character(2)[]".
    if (e.size() > 1 && e[1].kind == Tok::kWord) {
      size_t k = 1;
      col.limit = LimitOfType(col.name, TypeText(e, k));
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
    if (d.mysql()) find_json_valid(e);
    def.columns.push_back(std::move(col));
  }
  // MySQL and SQLite keys may name a column in another case.
  auto same = [&](const std::string& a, const std::string& b) { return d.postgres() ? a == b : SameColumnName(a, b); };
  for (const std::string& name : json_checked) {
    for (ColumnDef& c : def.columns) {
      if (!same(c.name, name) || c.limit.family != TypeFamily::kText) continue;
      c.limit.family = TypeFamily::kJson;
      c.limit.type = "json";
    }
  }
  for (const auto& [name, primary] : keys) {
    for (ColumnDef& c : def.columns) {
      if (!same(c.name, name)) continue;
      c.unique_key = true;
      c.not_null = c.not_null || primary;
    }
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

}  // namespace

std::optional<TableDef> ParseCreateTable(const SqlDialect& d, std::string_view text) {
  Tokenizer tz(d, text);
  TableDef def;
  def.types_enforced = !d.sqlite();
  if (!ReadCreateTableHead(d, tz, false, &def.name_parts)) return std::nullopt;
  // CREATE TABLE name OF type [(column options)] (PostgreSQL docs, "CREATE
  // TABLE": a typed table; pg_dump.c dumpTableSchema writes it so).
  if (d.postgres() && tz.Peek().Is("of")) {
    tz.Next();
    if (!ReadQualifiedName(d, tz, tz.Next(), &def.of_type)) return std::nullopt;
    if (!tz.Peek().IsPunct('(')) return def;
    return ReadColumnList(d, tz, std::move(def));
  }
  return ReadColumnList(d, tz, std::move(def));
}

std::optional<TableDef> ParseCreateCompositeType(std::string_view text) {
  const SqlDialect& d = PostgresDialect(true);
  Tokenizer tz(d, text);
  if (!tz.Next().Is("create") || !tz.Next().Is("type")) return std::nullopt;
  TableDef def;
  if (!ReadQualifiedName(d, tz, tz.Next(), &def.name_parts)) return std::nullopt;
  if (!tz.Next().Is("as") || !tz.Peek().IsPunct('(')) return std::nullopt;  // AS ENUM, AS RANGE: no attributes
  return ReadColumnList(d, tz, std::move(def));
}

std::optional<std::vector<std::string>> AlteredCompositeType(std::string_view text) {
  const SqlDialect& d = PostgresDialect(true);
  Tokenizer tz(d, text);
  if (!tz.Next().Is("alter") || !tz.Next().Is("type")) return std::nullopt;
  std::vector<std::string> name;
  if (!ReadQualifiedName(d, tz, tz.Next(), &name)) return std::nullopt;
  for (Tok t = tz.Next(); t.kind != Tok::kEnd; t = tz.Next()) {
    if (t.Is("attribute")) return name;
  }
  return std::nullopt;
}

namespace {

// The words an ALTER TABLE action that changes columns needs, one of which
// it holds (PostgreSQL docs, ALTER TABLE; MariaDB docs, ALTER TABLE; SQLite
// docs, ALTER TABLE): ADD (but ADD CONSTRAINT, kAddWord below) and these.
// MayChangeColumns and AlterWords::Word both read this one list.
constexpr std::string_view kColumnActionWords[] = {"drop", "rename", "modify", "change", "type",
                                                   "expression", "invisible", "visible"};
constexpr std::string_view kAddWord = "add";
constexpr std::string_view kConstraintWord = "constraint";

// False when `statement` holds none of the words of kColumnActionWords nor
// ADD, as letters in any case, other than in `ADD CONSTRAINT`: such an ALTER
// TABLE (pg_dump's ADD CONSTRAINT and OWNER TO, mysqldump's DISABLE KEYS)
// is not read token by token. A word found inside a name or a literal only
// sends the statement to the full reading.
bool MayChangeColumns(std::string_view s) {
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  auto at = [&](size_t i, std::string_view w) {
    if (i + w.size() > s.size()) return false;
    for (size_t k = 0; k < w.size(); ++k) {
      if (lower(s[i + k]) != w[k]) return false;
    }
    return true;
  };
  // The first letters of the words: one table lookup per byte.
  static constexpr auto kFirst = [] {
    std::array<bool, 256> first{};
    for (std::string_view w : kColumnActionWords) first[static_cast<unsigned char>(w[0])] = true;
    return first;
  }();
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = lower(s[i]);
    if (c == kAddWord[0] && at(i, kAddWord)) {
      size_t j = i + kAddWord.size();
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
      if (j == i + kAddWord.size() || !at(j, kConstraintWord)) return true;
      i = j + kConstraintWord.size() - 1;
      continue;
    }
    if (!kFirst[static_cast<unsigned char>(c)]) continue;
    for (std::string_view w : kColumnActionWords) {
      if (w[0] == c && at(i, w)) return true;
    }
  }
  return false;
}

}  // namespace

void AlterWords::Word(std::string_view w) {
  if (state_ == kMay) return;
  if (state_ == kAfterAdd) {
    state_ = w == kConstraintWord ? kNone : kMay;
    return;
  }
  if (w == kAddWord) {
    state_ = kAfterAdd;
    return;
  }
  for (std::string_view action : kColumnActionWords) {
    if (w == action) {
      state_ = kMay;
      return;
    }
  }
}

std::optional<std::vector<std::string>> AlterChangesColumns(
    const SqlDialect& d, std::string_view statement, absl::FunctionRef<bool(const std::vector<std::string>&)> wanted) {
  if (!MayChangeColumns(statement)) return std::nullopt;
  Tokenizer tz(d, statement);
  if (!tz.Next().Is("alter")) return std::nullopt;
  bool is_table = false;
  std::vector<std::string> table;
  if (!ReadAlterTableHead(d, tz, &is_table, &table)) return std::nullopt;
  if (!wanted(table)) return std::nullopt;
  if (tz.Peek().IsPunct('*')) tz.Next();
  auto one_of = [](const Tok& w, std::initializer_list<std::string_view> words) {
    for (std::string_view x : words) {
      if (w.Is(x)) return true;
    }
    return false;
  };
  // One action at a time, up to its comma at depth 0 or the end.
  while (true) {
    std::vector<Tok> action;
    int depth = 0;
    while (true) {
      Tok w = tz.Next();
      if (w.kind == Tok::kEnd || (depth == 0 && (w.IsPunct(',') || w.IsPunct(';')))) {
        if (!action.empty()) break;
        if (w.kind == Tok::kEnd || w.IsPunct(';')) return std::nullopt;  // every action left the columns alone
        continue;
      }
      if (w.IsPunct('(')) ++depth;
      if (w.IsPunct(')')) --depth;
      action.push_back(std::move(w));
    }
    const Tok& a = action[0];
    const Tok none;
    const Tok& b = action.size() > 1 ? action[1] : none;
    bool keeps = false;
    if (one_of(a, {"owner", "attach", "detach", "enable", "disable", "cluster", "replica", "inherit", "no", "of",
                   "not", "validate", "force", "reset", "auto_increment", "engine", "comment", "default",
                   "character", "charset", "collate", "algorithm", "lock", "row_format", "order", "partition",
                   "remove", "analyze", "check", "optimize", "convert", "repair", "coalesce", "reorganize", "exchange",
                   "truncate", "discard", "import", "key_block_size", "stats_persistent", "pack_keys",
                   "checksum", "delay_key_write", "min_rows", "max_rows", "avg_row_length", "union",
                   "insert_method", "data", "index", "tablespace", "encryption", "page_checksum", "transactional"})) {
      keeps = true;  // table-level settings, keys, partitions, ownership
    } else if (a.Is("set")) {
      // SET (storage parameters), SET SCHEMA/TABLESPACE/LOGGED/ACCESS METHOD/WITHOUT ...: the columns stay.
      keeps = true;
    } else if (a.Is("add")) {
      keeps = one_of(b, {"constraint", "primary", "unique", "foreign", "check", "exclude", "index", "key",
                         "fulltext", "spatial", "partition", "period", "system"});
    } else if (a.Is("drop")) {
      keeps = one_of(b, {"constraint", "primary", "foreign", "index", "key", "check", "partition", "period",
                         "system", "foreign"});
    } else if (a.Is("alter")) {
      // ALTER [COLUMN] name SET DEFAULT / DROP DEFAULT / SET NOT NULL / DROP NOT NULL / ADD GENERATED ...
      // AS IDENTITY / SET STATISTICS / SET STORAGE / SET (...) / RESET (...) / DROP IDENTITY / SET
      // GENERATED / RESTART; also ALTER CONSTRAINT / ALTER INDEX. TYPE, SET DATA TYPE, DROP EXPRESSION
      // and SET EXPRESSION change the column.
      if (one_of(b, {"constraint", "index", "check"})) {
        keeps = true;
      } else {
        size_t k = b.Is("column") ? 2 : 1;
        k += 1;  // the column's name
        keeps = k < action.size();
        for (size_t j = k; j < action.size(); ++j) {
          // MySQL 8: ALTER COLUMN c SET [IN]VISIBLE changes what a VALUES
          // without a column list fills.
          if (one_of(action[j], {"type", "expression", "data", "invisible", "visible"})) keeps = false;
        }
      }
    } else if (a.Is("rename")) {
      keeps = one_of(b, {"index", "key", "constraint"});  // RENAME COLUMN, RENAME TO: a change
    } else if (a.Is("modify")) {
      // MySQL MODIFY [COLUMN] name definition [FIRST | AFTER col]: a new
      // definition in place; FIRST/AFTER move it.
      keeps = true;
      for (const Tok& w : action) {
        if (w.Is("first") || w.Is("after")) keeps = false;
      }
    }
    if (!keeps) return table;
  }
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
      if (ReadQualifiedName(d, tz, tz.Next(), &parent)) links.push_back({child_name, TableNameFor(d, parent), true});
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
    if (ReadQualifiedName(d, tz, tz.Next(), &child)) {
      links.push_back({TableNameFor(d, child), TableNameFor(d, table), true});
    }
  } else if (t.Is("inherit")) {
    std::vector<std::string> parent;
    if (ReadQualifiedName(d, tz, tz.Next(), &parent)) links.push_back({TableNameFor(d, table), TableNameFor(d, parent)});
  }
  return links;
}

namespace {

// True when `s` holds `lower_word` in any ASCII letter case (anywhere: a
// gate before reading a statement token by token).
bool ContainsLower(std::string_view s, std::string_view lower_word) {
  if (lower_word.empty() || s.size() < lower_word.size()) return false;
  for (size_t i = 0; i + lower_word.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < lower_word.size() && absl::ascii_tolower(static_cast<unsigned char>(s[i + k])) == lower_word[k]) ++k;
    if (k == lower_word.size()) return true;
  }
  return false;
}

// Reads `name[.name...]` from `toks` at `*k` (advanced past it).
bool NameAt(const SqlDialect& d, const std::vector<Tok>& toks, size_t* k, std::vector<std::string>* parts) {
  while (*k < toks.size() && IsNameTok(d, toks[*k])) {
    parts->push_back(NameOf(d, toks[*k]));
    ++*k;
    if (*k >= toks.size() || !toks[*k].IsPunct('.')) return parts->size() <= (d.postgres() ? 3u : 2u);
    ++*k;
  }
  return false;
}

// The moves of one ALTER TABLE action (`action`: its tokens up to its comma).
void AlterActionMoves(const SqlDialect& d, const std::vector<std::string>& table, const std::vector<Tok>& action,
                      std::vector<DataMove>* moves) {
  const Tok none;
  auto at = [&](size_t k) -> const Tok& { return k < action.size() ? action[k] : none; };
  const Tok& a = at(0);
  DataMove m;
  if (a.Is("rename")) {
    const Tok& b = at(1);
    if (b.Is("index") || b.Is("key") || b.Is("constraint")) return;
    size_t k = 1;
    if (b.Is("to") || b.Is("as") || (d.mysql() && !b.Is("column"))) {
      // RENAME [TO|AS] name (MySQL: TO and AS optional; PostgreSQL, SQLite: TO).
      if (b.Is("to") || b.Is("as")) k = 2;
      m.kind = DataMove::Kind::kTable;
      m.from = table;
      m.same_schema = d.postgres();
      if (!NameAt(d, action, &k, &m.to)) m.to.clear();
      moves->push_back(std::move(m));
      return;
    }
    // RENAME [COLUMN] a TO b.
    if (b.Is("column")) k = 2;
    m.kind = DataMove::Kind::kColumn;
    m.to = table;
    if (IsNameTok(d, at(k)) && at(k + 1).Is("to") && IsNameTok(d, at(k + 2))) {
      m.from_column = NameOf(d, at(k));
      m.to_column = NameOf(d, at(k + 2));
    }
    moves->push_back(std::move(m));
    return;
  }
  if (a.Is("change") && d.mysql()) {
    // CHANGE [COLUMN] [IF EXISTS] old new definition.
    size_t k = 1;
    if (at(k).Is("column")) ++k;
    if (at(k).Is("if") && at(k + 1).Is("exists")) k += 2;
    m.kind = DataMove::Kind::kColumn;
    m.to = table;
    if (IsNameTok(d, at(k)) && IsNameTok(d, at(k + 1))) {
      if (SameColumnName(at(k).text, at(k + 1).text)) return;  // a new definition, same name
      m.from_column = at(k).text;
      m.to_column = at(k + 1).text;
    }
    moves->push_back(std::move(m));
    return;
  }
  if (a.Is("set") && at(1).Is("schema") && d.postgres()) {
    m.kind = DataMove::Kind::kTable;
    m.from = table;
    if (IsNameTok(d, at(2)) && !table.empty()) m.to = {NameOf(d, at(2)), table.back()};
    moves->push_back(std::move(m));
    return;
  }
  if (a.Is("exchange") && d.mysql()) {
    // EXCHANGE PARTITION p WITH TABLE t [{WITH|WITHOUT} VALIDATION].
    size_t k = 1;
    while (k < action.size() && !action[k].Is("with")) ++k;
    ++k;
    if (at(k).Is("table")) ++k;
    m.kind = DataMove::Kind::kExchange;
    m.to = table;
    if (!NameAt(d, action, &k, &m.from)) m.from.clear();
    moves->push_back(std::move(m));
  }
}

}  // namespace

bool IsDataMoveWord(std::string_view w) {
  return w == "rename" || w == "change" || w == "exchange" || w == "schema";
}

std::vector<DataMove> DataMoves(const SqlDialect& d, std::string_view statement) {
  std::vector<DataMove> moves;
  Tokenizer tz(d, statement);
  const Tok first = tz.Peek();
  if (first.Is("alter")) {
    if (!ContainsLower(statement, "rename") && !ContainsLower(statement, "change") &&
        !ContainsLower(statement, "schema")) {
      return moves;  // "exchange" holds "change"
    }
    tz.Next();
    bool is_table = false;
    std::vector<std::string> table;
    if (!ReadAlterTableHead(d, tz, &is_table, &table)) {
      if (is_table) moves.push_back(DataMove{});  // a table whose name cannot be read, renamed or not
      return moves;
    }
    if (tz.Peek().IsPunct('*')) tz.Next();
    while (true) {
      std::vector<Tok> action;
      int depth = 0;
      Tok w;
      while (true) {
        w = tz.Next();
        if (w.kind == Tok::kEnd || (depth == 0 && (w.IsPunct(',') || w.IsPunct(';')))) break;
        if (w.IsPunct('(')) ++depth;
        if (w.IsPunct(')')) --depth;
        action.push_back(std::move(w));
      }
      if (!action.empty()) AlterActionMoves(d, table, action, &moves);
      if (w.kind == Tok::kEnd || w.IsPunct(';')) return moves;
    }
  }
  if (first.Is("rename") && d.mysql()) {
    // RENAME TABLE[S] [IF EXISTS] a [WAIT n | NOWAIT] TO b [, c TO d ...].
    tz.Next();
    Tok t = tz.Next();
    if (!t.Is("table") && !t.Is("tables")) return moves;  // RENAME USER, RENAME DATABASE
    if (tz.Peek().Is("if")) {
      tz.Next();
      tz.Next();  // EXISTS
    }
    while (true) {
      DataMove m;
      m.kind = DataMove::Kind::kTable;
      bool ok = ReadQualifiedName(d, tz, tz.Next(), &m.from);
      while (ok && tz.Peek().kind != Tok::kEnd && !tz.Peek().Is("to")) tz.Next();  // WAIT n, NOWAIT
      ok = ok && tz.Next().Is("to") && ReadQualifiedName(d, tz, tz.Next(), &m.to);
      if (!ok) {
        moves.push_back(DataMove{});  // a pair dbanon cannot read
        return moves;
      }
      moves.push_back(std::move(m));
      if (!tz.Peek().IsPunct(',')) return moves;
      tz.Next();
    }
  }
  if (first.Is("create")) {
    std::vector<std::string> table;
    if (!ReadCreateTableHead(d, tz, false, &table)) return moves;
    if (tz.Peek().Is("partition") || tz.Peek().Is("of")) return moves;  // PARTITION OF, OF type: no query
    int depth = 0;
    bool query = false;
    bool first_in_parens = false;
    for (Tok t = tz.Next(); t.kind != Tok::kEnd && !query; t = tz.Next()) {
      if (t.IsPunct('(')) {
        ++depth;
        first_in_parens = true;
        continue;
      }
      if (t.IsPunct(')')) --depth;
      // CREATE TABLE t [(...)] [options] [IGNORE|REPLACE] [AS] SELECT (MySQL),
      // AS query (PostgreSQL, SQLite); MySQL's CREATE TABLE t (SELECT ...).
      query = (depth == 0 && (t.Is("as") || t.Is("select"))) || (depth == 1 && first_in_parens && t.Is("select"));
      first_in_parens = false;
    }
    if (query) {
      DataMove m;
      m.kind = DataMove::Kind::kQuery;
      m.to = std::move(table);
      moves.push_back(std::move(m));
    }
    return moves;
  }
  if ((first.Is("select") || first.Is("with")) && d.postgres() && ContainsLower(statement, "into")) {
    // SELECT ... INTO [TEMPORARY|TEMP|UNLOGGED] [TABLE] t FROM ... creates t
    // with the rows of the query (PostgreSQL docs, "SELECT INTO"); INSERT
    // INTO and MERGE INTO in a WITH query are WrittenTables'.
    int depth = 0;
    Tok prev;
    for (Tok t = tz.Next(); t.kind != Tok::kEnd; prev = std::move(t), t = tz.Next()) {
      if (t.IsPunct('(')) ++depth;
      if (t.IsPunct(')')) --depth;
      if (depth != 0 || !t.Is("into") || prev.Is("insert") || prev.Is("merge")) continue;
      Tok n = tz.Next();
      while (n.Is("temporary") || n.Is("temp") || n.Is("unlogged") || n.Is("table")) n = tz.Next();
      DataMove m;
      m.kind = DataMove::Kind::kQuery;
      if (!ReadQualifiedName(d, tz, n, &m.to)) m.to.clear();
      moves.push_back(std::move(m));
      return moves;
    }
  }
  return moves;
}

}  // namespace dbanon
