#include "parsers/pg_stats.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/char_class.h"
#include "base/string_view_compat.h"
#include "parsers/sql_dialect.h"
#include "parsers/sql_lexer.h"
#include "parsers/sql_tuples.h"

namespace dbanon {

const char* const kKeptStatsArguments[10] = {"version",  "schemaname", "relname",    "attname",    "attnum",
                                             "inherited", "null_frac",  "avg_width", "n_distinct", "correlation"};

namespace {


// The index of the first byte at or after `i` that is neither a space nor
// inside a comment, comments as psql reads them: SqlLexer under the
// PostgreSQL dialect (-- to the end of the line, nested /* */). With `eof`
// false `text` may be cut: `*open_comment` is set when it ends inside a
// comment or on a byte that may open one (`-`, `/`).
size_t SkipSpace(std::string_view text, size_t i, bool eof = true, bool* open_comment = nullptr) {
  const SqlDialect& d = PostgresDialect(true);
  if (open_comment != nullptr) *open_comment = false;
  while (i < text.size()) {
    if (IsSqlSpace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    SqlLexer lex;
    size_t end = i;
    SqlLexer::Token t = lex.Open(d, text, i, eof, ' ', ' ', &end);
    if (t == SqlLexer::Token::kNeedMore && (text[i] == '-' || text[i] == '/')) {
      if (open_comment != nullptr) *open_comment = true;
      return text.size();
    }
    if (t != SqlLexer::Token::kLineComment && t != SqlLexer::Token::kBlockComment) break;
    bool more = false;
    i = lex.Skip(text, end, eof, &more);
    if (more || lex.state() != SqlLexer::State::kCode) {
      if (open_comment != nullptr) *open_comment = true;
      return text.size();
    }
  }
  return i;
}

// A bare word at text[i], lower case; empty when none.
std::string WordAt(std::string_view text, size_t i, size_t* end) {
  std::string w;
  size_t k = i;
  if (k < text.size() && IsSqlIdentStart(static_cast<unsigned char>(text[k]))) {
    while (k < text.size() && IsSqlIdentChar(static_cast<unsigned char>(text[k]))) {
      w.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(text[k]))));
      ++k;
    }
  }
  *end = k;
  return w;
}

// Whether SqlLexer under `d` reads a string literal ('...', E'...') that
// starts at text[i]; sets *escapes (backslashes escape in it) and *quote
// (the index of its opening quote).
bool StringAt(const SqlDialect& d, std::string_view text, size_t i, bool* escapes, size_t* quote) {
  size_t q = i;
  if (q + 1 < text.size() && (text[q] == 'E' || text[q] == 'e') && text[q + 1] == '\'') ++q;
  if (q >= text.size()) return false;
  const unsigned char prev = q > 0 ? static_cast<unsigned char>(text[q - 1]) : ' ';
  const unsigned char prev2 = q > 1 ? static_cast<unsigned char>(text[q - 2]) : ' ';
  SqlLexer lex;
  size_t end = q;
  if (lex.Open(d, text, q, true, prev, prev2, &end) != SqlLexer::Token::kString) return false;
  *escapes = lex.escapes();
  *quote = end - 1;
  return true;
}

absl::Status Bad(std::string_view what) {
  return absl::DataLossError(absl::StrCat("a pg_restore_attribute_stats call that dbanon cannot read: ", ToAbsl(what)));
}

bool Kept(std::string_view name) {
  for (const char* k : kKeptStatsArguments) {
    if (name == k) return true;
  }
  return false;
}

}  // namespace

bool NamesAttributeStats(std::string_view text) {
  static constexpr std::string_view kName = "pg_restore_attribute_stats";
  auto it = std::search(text.begin(), text.end(), kName.begin(), kName.end(), [](char a, char b) {
    return absl::ascii_tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != text.end();
}

StatsCallStart AttributeStatsCallStart(std::string_view text) {
  // The words and marks of the statement's head, up to seven.
  std::vector<std::string> tokens;
  bool cut = false;  // the last token (or a comment) reaches the end of `text`
  size_t i = 0;
  while (tokens.size() < 7) {
    bool open_comment = false;
    i = SkipSpace(text, i, /*eof=*/false, &open_comment);
    if (i >= text.size()) {
      cut = true;
      break;
    }
    size_t end = i;
    std::string w = WordAt(text, i, &end);
    if (!w.empty()) {
      tokens.push_back(std::move(w));
      if (end == text.size()) cut = true;
      i = end;
      if (cut) break;
      continue;
    }
    tokens.emplace_back(1, text[i]);
    ++i;
  }
  static const std::vector<std::vector<std::string>> kShapes = {
      {"select", "*", "from", "pg_catalog", ".", "pg_restore_attribute_stats", "("},
      {"select", "*", "from", "pg_restore_attribute_stats", "("},
      {"select", "pg_catalog", ".", "pg_restore_attribute_stats", "("},
      {"select", "pg_restore_attribute_stats", "("},
  };
  StatsCallStart result = StatsCallStart::kNo;
  for (const std::vector<std::string>& shape : kShapes) {
    bool match = true;
    size_t n = std::min(tokens.size(), shape.size());
    for (size_t k = 0; k < n && match; ++k) {
      const bool last_cut = cut && k + 1 == tokens.size();
      match = last_cut ? shape[k].compare(0, tokens[k].size(), tokens[k]) == 0 : shape[k] == tokens[k];
    }
    if (!match) continue;
    if (tokens.size() >= shape.size()) return StatsCallStart::kYes;  // "(" is never a cut word
    if (cut) result = StatsCallStart::kMaybe;
  }
  return result;
}

bool AttributeStatsCall::HasValues() const {
  for (const Argument& a : arguments) {
    if (!a.kept) return true;
  }
  return false;
}

std::string AttributeStatsCall::WithoutValues(std::string_view statement) const {
  if (arguments.empty()) return std::string(statement);
  std::string out(statement.substr(0, arguments.front().begin));
  bool first = true;
  for (size_t k = 0; k < arguments.size(); ++k) {
    const Argument& a = arguments[k];
    if (!a.kept) continue;
    if (!first) out.append(statement.substr(arguments[k - 1].end, a.begin - arguments[k - 1].end));
    out.append(statement.substr(a.begin, a.end - a.begin));
    first = false;
  }
  out.append(statement.substr(arguments.back().end));
  return out;
}

absl::StatusOr<AttributeStatsCall> ParseAttributeStatsCall(std::string_view text, bool standard_strings) {
  const SqlDialect& d = PostgresDialect(standard_strings);
  AttributeStatsCall call;
  size_t i = SkipSpace(text, 0);
  size_t end = i;
  if (WordAt(text, i, &end) != "select") return Bad("no SELECT");
  i = SkipSpace(text, end);
  if (i < text.size() && text[i] == '*') {
    i = SkipSpace(text, i + 1);
    if (WordAt(text, i, &end) != "from") return Bad("no FROM");
    i = SkipSpace(text, end);
  }
  std::string w = WordAt(text, i, &end);
  i = SkipSpace(text, end);
  if (w == "pg_catalog" && i < text.size() && text[i] == '.') {
    i = SkipSpace(text, i + 1);
    w = WordAt(text, i, &end);
    i = SkipSpace(text, end);
  }
  if (w != "pg_restore_attribute_stats" || i >= text.size() || text[i] != '(') return Bad("no function call");
  i = SkipSpace(text, i + 1);
  std::string schema, relname;
  bool has_schema = false, has_relname = false, plain_names = true;
  while (i < text.size() && text[i] != ')') {
    AttributeStatsCall::Argument arg;
    arg.begin = i;
    bool escapes = false;
    size_t quote = 0;
    if (!StringAt(d, text, i, &escapes, &quote)) return Bad("an argument name is not a string literal");
    size_t after = DecodeQuotedLiteral(d, text, quote, escapes, &arg.name);
    if (after == std::string_view::npos) return Bad("an unterminated argument name");
    i = SkipSpace(text, after);
    if (i >= text.size() || text[i] != ',') return Bad("an argument name without a value");
    i = SkipSpace(text, i + 1);
    const size_t value_begin = i;
    int depth = 0;
    size_t value_end = i;  // after the last significant byte of the value
    // The value's bytes, read by the lexer: literals, quoted names and
    // dollar quotes are skipped whole (a ',' or ')' inside them is text),
    // comments and spaces do not count as the value's.
    SqlLexer lex;
    while (i < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (depth == 0 && (c == ',' || c == ')')) break;
      if (IsSqlSpace(c)) {
        ++i;
        continue;
      }
      const unsigned char prev = i > 0 ? static_cast<unsigned char>(text[i - 1]) : ' ';
      const unsigned char prev2 = i > 1 ? static_cast<unsigned char>(text[i - 2]) : ' ';
      size_t end = i;
      SqlLexer::Token t = lex.Open(d, text, i, true, prev, prev2, &end);
      if (t != SqlLexer::Token::kNone) {
        bool more = false;
        size_t e = lex.Skip(text, end, true, &more);
        if (lex.state() != SqlLexer::State::kCode) {
          switch (t) {
            case SqlLexer::Token::kString:
              return Bad("an unterminated literal");
            case SqlLexer::Token::kQuotedName:
              return Bad("an unterminated quoted name");
            case SqlLexer::Token::kDollarQuote:
              return Bad("an unterminated dollar-quoted string");
            default:
              return Bad("the call does not end");
          }
        }
        i = e;
        if (t != SqlLexer::Token::kLineComment && t != SqlLexer::Token::kBlockComment) value_end = e;
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']') --depth;
      ++i;
      value_end = i;
    }
    if (i >= text.size()) return Bad("the call does not end");
    if (value_end == value_begin) return Bad("an argument without a value");
    arg.end = value_end;
    arg.kept = Kept(arg.name);
    if (arg.name == "schemaname" || arg.name == "relname" || arg.name == "attname") {
      std::string value;
      size_t e = std::string_view::npos;
      if (StringAt(d, text, value_begin, &escapes, &quote)) {
        e = DecodeQuotedLiteral(d, text, quote, escapes, &value);
      }
      if (e != value_end) {
        plain_names = false;  // a cast or an expression: not the shape pg_dump writes
      } else if (arg.name == "schemaname") {
        schema = std::move(value);
        has_schema = true;
      } else if (arg.name == "relname") {
        relname = std::move(value);
        has_relname = true;
      } else {
        call.attname = std::move(value);
      }
    }
    call.arguments.push_back(std::move(arg));
    if (text[i] == ',') i = SkipSpace(text, i + 1);
  }
  if (i >= text.size()) return Bad("the call does not end");
  i = SkipSpace(text, i + 1);
  if (i < text.size() && text[i] == ';') i = SkipSpace(text, i + 1);
  if (i != text.size()) return Bad("text after the call");
  if (has_schema && has_relname && plain_names) {
    call.relation = TableName{std::move(schema), std::move(relname)};
    call.relation_known = true;
  }
  return call;
}

std::vector<std::string_view> SplitPgStatements(std::string_view sql, bool standard_strings) {
  const SqlDialect& d = PostgresDialect(standard_strings);
  SqlLexer lex;
  std::vector<std::string_view> out;
  size_t from = 0, i = 0;
  while (i < sql.size()) {
    size_t end = i;
    const unsigned char prev = i > 0 ? static_cast<unsigned char>(sql[i - 1]) : ' ';
    const unsigned char prev2 = i > 1 ? static_cast<unsigned char>(sql[i - 2]) : ' ';
    if (lex.Open(d, sql, i, true, prev, prev2, &end) != SqlLexer::Token::kNone) {
      // A literal, a quoted name, a comment: to its end (or the text's).
      bool more = false;
      i = lex.Skip(sql, end, true, &more);
      if (lex.state() != SqlLexer::State::kCode) lex.Reset();
      continue;
    }
    if (sql[i++] == ';') {
      out.push_back(sql.substr(from, i - from));
      from = i;
    }
  }
  if (from < sql.size()) out.push_back(sql.substr(from));
  return out;
}

void PgIndexTables::Add(std::string_view text) {
  size_t i = SkipSpace(text, 0), end = 0;
  auto word = [&] {
    std::string w = WordAt(text, i, &end);
    if (!w.empty()) i = SkipSpace(text, end);
    return w;
  };
  // A name part: a bare word (folded) or a quoted name.
  auto part = [&](std::string* out) {
    if (i < text.size() && text[i] == '"') {
      out->clear();
      size_t k = i + 1;
      while (k < text.size()) {
        if (text[k] == '"') {
          if (k + 1 < text.size() && text[k + 1] == '"') {
            out->push_back('"');
            k += 2;
            continue;
          }
          break;
        }
        out->push_back(text[k++]);
      }
      if (k >= text.size()) return false;
      i = SkipSpace(text, k + 1);
      return true;
    }
    *out = word();
    return !out->empty();
  };
  auto name = [&](std::vector<std::string>* parts) {
    std::string p;
    if (!part(&p)) return false;
    parts->push_back(p);
    while (i < text.size() && text[i] == '.') {
      i = SkipSpace(text, i + 1);
      if (!part(&p)) return false;
      parts->push_back(p);
    }
    return true;
  };
  if (word() != "create") return;
  std::string w = word();
  if (w == "unique") w = word();
  if (w != "index") return;
  size_t save = i;
  w = word();
  if (w == "concurrently") {
    save = i;
    w = word();
  }
  if (w == "if") {
    if (word() != "not" || word() != "exists") return;
  } else {
    i = save;
  }
  std::vector<std::string> index_parts, table_parts;
  if (!name(&index_parts) || index_parts.size() > 2 || word() != "on") return;
  save = i;
  if (word() != "only") i = save;
  if (!name(&table_parts) || table_parts.size() > 2) return;
  TableName table = TableNameFor(PostgresDialect(true), table_parts);
  TableName index{index_parts.size() == 2 ? index_parts[0] : table.schema, index_parts.back()};
  tables_[index] = table;
}

std::optional<TableName> PgIndexTables::TableOf(const TableName& index) const {
  auto it = tables_.find(index);
  if (it == tables_.end()) return std::nullopt;
  return it->second;
}

bool StatsValuesMustGo(const AttributeStatsCall& call, TableResolver& resolver, TableCatalog& tables,
                       const PgIndexTables& indexes) {
  if (!call.relation_known) return true;
  const TableName& rel = call.relation;
  if (resolver.IsConfigured(rel)) {
    if (call.attname.empty()) return true;
    return tables.ColumnConfigured(rel, call.attname);
  }
  if (tables.Creates(rel)) return false;  // a table the config does not reach
  if (std::optional<TableName> table = indexes.TableOf(rel)) {
    return resolver.IsConfigured(*table) || !tables.Creates(*table);
  }
  return true;  // a relation dbanon cannot place
}

namespace {

class StatsRewriter : public RowRewriter {
 public:
  explicit StatsRewriter(bool standard_strings) : standard_strings_(standard_strings) {}
  absl::Status Rewrite(const RowPlan&, std::string_view rows, int64_t first_line, int64_t first_col,
                       std::string* out, Scratch&) const override {
    absl::StatusOr<AttributeStatsCall> call = ParseAttributeStatsCall(rows, standard_strings_);
    if (!call.ok()) return PositionedError(absl::StatusCode::kDataLoss, first_line, first_col, ToStd(call.status().message()));
    out->append(call->WithoutValues(rows));
    return absl::OkStatus();
  }

 private:
  bool standard_strings_;
};

}  // namespace

const RowRewriter* StatsCallRewriter(bool standard_strings) {
  static const StatsRewriter* on = new StatsRewriter(true);
  static const StatsRewriter* off = new StatsRewriter(false);
  return standard_strings ? on : off;
}

}  // namespace dbanon
