// The tuples of SQL INSERT statements (`VALUES (v1, v2), (...)`) in the three
// dialects dbanon reads:
//  * ScanTuples: a resumable scanner of a VALUES list that finds tuples and
//    the commas between their values over input that arrives in pieces; the
//    SQL lexer (parsers/sql_lexer.h) tells it where literals, quoted names
//    and comments are. Framers and rewriters both use it, so they agree on
//    every boundary.
//  * The RowRewriters for whole INSERT tuples and for a run of values of one
//    tuple (a huge tuple framed value by value): each value is read and
//    written by parsers/sql_literals.h.
//
// Format rules: MySQL docs, "Comments" (versioned comments); shared
// docs/formats.md, parts A.4, C.2 and D.
//
// Thread-safety: pure functions and immutable rewriters.
#ifndef DBANON_PARSERS_SQL_TUPLES_H_
#define DBANON_PARSERS_SQL_TUPLES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/framer.h"
#include "parsers/sql_dialect.h"
#include "parsers/sql_lexer.h"
#include "parsers/sql_literals.h"

namespace dbanon {

// The state of ScanTuples between calls. Start from a default-constructed
// state at the first byte after the VALUES keyword.
struct TupleScanState {
  SqlLexer lex;               // literals, comments, versioned comments (parsers/sql_lexer.h)
  int depth = 0;              // parenthesis depth: 1 inside a tuple
  bool commas = true;         // report kComma (a framer that only needs tuples turns it off)
  unsigned char prev = ' ';   // the two bytes before the scan position, for
  unsigned char prev2 = ' ';  // PostgreSQL's E'...' prefix and `$`
};

enum class TupleEvent : uint8_t {
  kOpen,      // consumed a '(' at depth 0: a tuple starts (input[*pos - 1])
  kClose,     // consumed the ')' that ends a tuple (input[*pos - 1])
  kComma,     // consumed a ',' between two values of a tuple
  kOuter,     // input[*pos] is a significant byte at depth 0 other than '(':
              // a ',' between tuples, or the end of the VALUES list. Not consumed.
  kEnd,       // *pos == input.size()
  kNeedMore,  // input[*pos] needs bytes past the end to be classified (a
              // possible comment start); only when !eof. Not consumed.
};

// Advances *pos over `input` from state `s` to the next event. Whitespace and
// comments between tuples are skipped silently. MySQL versioned comments are
// code: their opening `/*!NNNNN` and closing `*/` are skipped like whitespace
// (at any depth) and tracked in s->lex (versioned(), version()), so a comma
// inside one is a comma (at kComma and kClose, s->lex.version() tags the
// value just read). kNeedMore also comes at a quote that may be doubled or a
// backslash at the end of a piece (SqlLexer::Skip).
TupleEvent ScanTuples(const SqlDialect& d, TupleScanState* s, std::string_view input, size_t* pos, bool eof);

// The framer's fast way over the tuples mysqldump, pg_dump --inserts and
// sqlite3 .dump write: from input[*pos], the ',' right after a tuple's ')'
// (ScanTuples state: depth 0, code, outside any versioned comment), it
// passes whole tuples `,(...)` whose bytes read in the lexer's simplest
// terms: '...' literals (not E'...'), and between them bytes that open
// nothing (no '(' , quote of another kind, comment start, '$', '*', '/').
// It stops before the first ',' whose tuple it cannot pass that way (any
// other byte, a literal or tuple cut by the input's end, a '-' or quote
// whose next byte is past the end), leaving it to ScanTuples, and returns
// the number of tuples passed; *pos is after the last one's ')'. Where it
// passes a tuple, ScanTuples reports the same '(' and ')' (the literal rule
// is SqlLexer::SkipQuoted's), so framers and rewriters still agree on every
// boundary. REQUIRES: d.multibyte == MultibyteRule::kNone.
size_t SkimTuples(const SqlDialect& d, std::string_view input, size_t* pos);

// The message for a value whose VersionedCommentTag `got` differs from its
// column's `want` (RowPlan::ColumnInfo::version): names the table and
// column, never the value.
std::string VersionedMismatchMessage(const RowPlan& plan, size_t column, int got, int want);

// Rewrites whole tuples `(v1, v2, ...)` and what separates them (commas,
// whitespace, comments): only the values of configured columns change.
const RowRewriter* InsertTupleRewriter(const SqlDialect& d);
// Rewrites `v1, v2, ...`: some adjacent values of one tuple (no parentheses);
// the plan describes just those columns. Used for tuples too long to hold.
const RowRewriter* InsertValuesRewriter(const SqlDialect& d);

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_TUPLES_H_
