// PostgreSQL COPY text format: the rows of a pg_dump plain-format COPY block.
//
// Format rules: PostgreSQL docs, "COPY, File Formats, Text Format", and
// CopyReadAttributesText / CopyAttributeOutText in
// src/backend/commands/copyfromparse.c and copyto.c. Fields are separated by
// TAB, rows end with LF, `\N` alone is NULL (tested on the raw text, before
// un-escaping, so `\\N` is the text `\N`), and a backslash escapes the next
// byte: `\b \f \n \r \t \v`, octal `\d{1,3}`, hex `\x[0-9a-fA-F]{1,2}`, any
// other byte stands for itself.
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_PG_COPY_H_
#define DBANON_PARSERS_PG_COPY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "anonymizers/anonymizer.h"
#include "parsers/framer.h"

namespace dbanon {

// Appends the value of one raw (escaped) field to `out`.
// REQUIRES: `raw` does not end in an odd number of backslashes (such a field
// cannot come out of SplitCopyRow).
void CopyUnescape(std::string_view raw, std::string* out);

// Appends `value` to `out` escaped as the server's COPY TO writes it:
// backslash, BS, FF, LF, CR, TAB and VT become two-byte escapes; every other
// byte is copied. The result never contains a raw TAB, LF or CR.
void CopyEscape(std::string_view value, std::string* out);

// Splits one row (without its LF) at unescaped TABs into `fields`, which are
// views into `row`, valid as long as `row` is. Returns false when the row
// ends with an unpaired backslash (an invalid escape).
bool SplitCopyRow(std::string_view row, std::vector<std::string_view>* fields);

// The parsed header of a `COPY ... FROM stdin;` statement.
struct CopyHeader {
  std::vector<std::string> name_parts;     // 1 to 3 parts, unquoted
  std::vector<std::string> columns;        // unquoted; empty for no list
  bool has_column_list = false;
  bool text_format = true;                 // false when options follow STDIN
  TableName Table() const;                 // unqualified names are in schema public
};

// Parses the full text of a COPY statement (from `COPY` to its `;`,
// comments allowed). Returns nullopt when the statement is not `COPY ... FROM
// STDIN` (COPY (query) ..., COPY ... TO, COPY FROM a file or PROGRAM), which
// psql runs without reading data from the script. Errors: InvalidArgument
// when the statement is a COPY whose header cannot be parsed: a damaged table
// name or column list, a word other than FROM or TO after them, or something
// other than STDIN, a file name or PROGRAM after FROM (a damaged statement
// must not pass for one that reads no data).
absl::StatusOr<std::optional<CopyHeader>> ParseCopyHeader(std::string_view statement);

// Rewrites whole COPY rows (each ending with LF) of a configured table,
// appending the result to `out`. `first_line` is the 1-based line number of
// the first row, used in error messages. Errors (DataLoss): a row with a
// wrong number of fields, an invalid escape, a CR before the LF.
absl::Status RewriteCopyRows(const RowPlan& plan, std::string_view rows, int64_t first_line, std::string* out,
                             Scratch& scratch);

// RewriteCopyRows as a RowRewriter.
const RowRewriter* CopyTextRewriter();

// Cuts the data of one COPY block (the lines after `COPY ... FROM stdin;`)
// into Segments (framer.h) as it arrives in chunks: whole rows of a
// configured table (kRows, rewritten by CopyTextRewriter), rows of other
// tables passed through (kRaw) or dropped (kDrop, a truncated table), and
// the end line `\.`, which is always kRaw. The one row cutter of both roads:
// the plain framer (parsers/pg_plain_framer.h) and the archive road's
// StreamFeeder (src/archive_engine.h).
//
// Rules: PostgreSQL docs, "COPY, File Formats": a row ends with LF (or CR LF,
// the same for every row of the block: copyfromparse.c CopyReadLineText
// refuses a mix); the data ends at a line that is exactly `\.` (psql's
// handleCopyIn also takes `\.` CR LF, and `\.` at the end of the input).
//
// Zero-copy and resumable: Cut takes the caller's buffer and a position in
// it; the bytes from the returned position on (a row without its LF yet)
// must be passed again, at the start of the next call's input, followed by
// more data. A row of a configured table is held until its LF arrives, up
// to kMaxRowBytes; a line of another table is passed on in pieces, whatever
// its length.
//
// Thread-safety: one thread.
class CopyRowCutter {
 public:
  static constexpr size_t kMaxRowBytes = size_t{64} << 20;

  // Where a call to Cut stopped.
  enum class Stop {
    kMore,           // every whole row was cut; the rest needs more input
    kEnd,            // the end line `\.` and its line ending were cut
    kEndNoNewline,   // eof: the input ends with `\.` (or `\.` CR) without LF
    kCutOff,         // eof: the input ends inside a row (col() is where)
  };

  // Starts a block whose first data line is `line` (1-based, for segments
  // and messages; `col` is the column reported for a cut-off block that has
  // no byte). `plan` is the configured table's plan (nullptr: rows are
  // passed through, or dropped when `drop`); `table` names it in messages,
  // `header_line` is the line of its COPY statement (0: not in the input).
  // `plan` must outlive the segments.
  void Start(std::string table, const RowPlan* plan, bool drop, int64_t header_line, int64_t line, int64_t col);

  // Cuts input[*pos, ...), appending segments (offsets into `input`; a
  // segment that continues the last one of `out` is merged into it) and
  // moving *pos past the bytes cut. Errors (DataLoss, "LINE:COL: message"
  // naming the table, never a value): a row of a configured table longer than
  // kMaxRowBytes, a row whose line ending differs from the block's first.
  absl::StatusOr<Stop> Cut(std::string_view input, size_t* pos, bool eof, std::vector<Segment>* out);

  // The line (1-based) and column of the next byte to cut.
  int64_t line() const { return line_; }
  int64_t col() const { return col_; }
  // Rows cut since Start.
  int64_t rows() const { return rows_; }

 private:
  void Emit(std::vector<Segment>* out, Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan) const;

  std::string table_;
  const RowPlan* plan_ = nullptr;
  bool drop_ = false;
  int64_t header_line_ = 0;
  int64_t line_ = 1;
  int64_t col_ = 1;
  int64_t rows_ = 0;
  bool mid_line_ = false;  // inside a long line that is passed on in pieces
  int eol_ = 0;            // rows of a configured table end in: 0 not seen yet, 1 LF, 2 CR LF
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_COPY_H_
