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

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "anonymizers/anonymizer.h"
#include "parsers/framer.h"
#include "parsers/char_layout.h"

namespace dbanon {

// Appends the value of one raw (escaped) field to `out`. In a client
// encoding whose characters may hold ASCII bytes (`layout`,
// parsers/char_layout.h) a multibyte character is copied whole: its 0x5C
// byte is no backslash.
// REQUIRES: `raw` is a field SplitCopyRow accepted with the same layout.
void CopyUnescape(std::string_view raw, std::string* out, CharLayout layout = CharLayout::kAsciiSafe);

// Appends `value` to `out` escaped as the server's COPY TO writes it:
// backslash, BS, FF, LF, CR, TAB and VT become two-byte escapes; every other
// byte is copied. The result never contains a raw TAB, LF or CR.
// In a client encoding of `layout` whose characters may hold ASCII bytes, a
// multibyte character is copied whole (its 0x5C byte is not doubled, as
// copyto.c writes it), and a character cut by the end of `value` becomes '?'
// (COPY's line reader would take the TAB or LF after it into it).
void CopyEscape(std::string_view value, std::string* out, CharLayout layout = CharLayout::kAsciiSafe);

// Splits one row (without its LF) at unescaped TABs into `fields`, which are
// views into `row`, valid as long as `row` is. Returns false when the row
// ends with an unpaired backslash (an invalid escape).
bool SplitCopyRow(std::string_view row, std::vector<std::string_view>* fields);

// SplitCopyRow for a row in a client encoding of `layout`, read character by
// character as COPY reads it (copyfromparse.c CopyReadLineText with
// encoding_embeds_ascii): a byte of a multibyte character is never a TAB or
// a backslash. Besides a row that ends in an unpaired backslash, refuses a
// backslash before a multibyte character (COPY's line reader and field
// splitter would read it differently; pg_dump never writes one) and a
// character cut by the end of the row.
enum class CopySplit { kOk, kTrailingBackslash, kEscapedMultibyte, kCutCharacter };
CopySplit SplitCopyRow(std::string_view row, CharLayout layout, std::vector<std::string_view>* fields);

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

// RewriteCopyRows as a RowRewriter, for rows in a client encoding of
// `layout` (SplitCopyRow, CopyUnescape).
const RowRewriter* CopyTextRewriter(CharLayout layout = CharLayout::kAsciiSafe);

// Rewrites a span of whole fields of one row (without its line ending, the
// TABs around it excluded) with a plan of those fields: how CopyRowCutter
// rewrites a row too long to hold, field group by field group. Errors as
// RewriteCopyRows; Rewrite's `first_col` is the span's column in its row.
const RowRewriter* CopyFieldsRewriter(CharLayout layout = CharLayout::kAsciiSafe);

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
// more data. A line of a table that is not configured is passed on in
// pieces, whatever its length.
//
// Memory: a row of a configured table is held until its LF arrives, up to
// kWholeRowBytes. A longer row (PostgreSQL allows 1 GB per field) is cut
// field by field: the fields no anonymizer reads pass on as kRaw pieces as
// they come, and each group of configured fields (the columns one anonymizer
// reads together, from the first to the last) is held from its first byte
// to its last and becomes a kRows segment of CopyFieldsRewriter with a plan
// of its own fields. So a row needs the memory of its largest configured
// group, not of the row. A group that holds a column nobody configured (an
// anonymizer of two columns around a third) is refused once it is longer
// than kMaxRowBytes.
//
// Thread-safety: one thread. The plans of field groups stay valid as long
// as plans() is held (the cutter holds it).
class CopyRowCutter {
 public:
  static constexpr size_t kWholeRowBytes = size_t{8} << 20;
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
  // `layout` is the dump's client encoding's (parsers/char_layout.h): a
  // long row is scanned character by character in it, and rows are
  // rewritten by the rewriters of that layout. `plan` must outlive the
  // segments.
  void Start(std::string table, const RowPlan* plan, bool drop, int64_t header_line, int64_t line, int64_t col,
             CharLayout layout = CharLayout::kAsciiSafe);

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

  // Tests: smaller limits than kWholeRowBytes and kMaxRowBytes.
  void set_limits(size_t whole_row_bytes, size_t max_row_bytes) {
    whole_row_bytes_ = whole_row_bytes;
    max_row_bytes_ = max_row_bytes;
  }

  // The plans of field groups the cutter made (see Memory above): whoever
  // keeps segments past the cutter's life keeps this too.
  struct GroupPlans;
  std::shared_ptr<const GroupPlans> plans() const { return groups_; }

 private:
  // A run of columns cut as one kRows segment of a long row.
  struct Group {
    size_t first = 0, last = 0;  // column positions, inclusive
    bool gaps = false;           // holds a column that no step reads
    std::unique_ptr<RowPlan> plan;
  };
  void Emit(std::vector<Segment>* out, Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan,
            const RowRewriter* rewriter = nullptr, int64_t col = 1) const;
  // The groups of plan_, made on the first long row of the plan.
  const std::vector<Group>& GroupsOf(const RowPlan& plan);
  // Cuts a long row from input[*pos] on (see Memory above); false in
  // *row_done while its LF has not come.
  absl::Status CutLongRow(std::string_view input, size_t* pos, bool eof, std::vector<Segment>* out,
                          bool* row_done);
  absl::Status LongRowError(int64_t offset, std::string_view message) const;

  size_t whole_row_bytes_ = kWholeRowBytes;
  size_t max_row_bytes_ = kMaxRowBytes;
  std::string table_;
  CharLayout layout_ = CharLayout::kAsciiSafe;
  const RowRewriter* text_rewriter_ = CopyTextRewriter();  // CopyTextRewriter(layout_), looked up once per block
  const RowPlan* plan_ = nullptr;
  bool drop_ = false;
  int64_t header_line_ = 0;
  int64_t line_ = 1;
  int64_t col_ = 1;
  int64_t rows_ = 0;
  bool mid_line_ = false;  // inside a long line that is passed on in pieces
  int eol_ = 0;            // rows of a configured table end in: 0 not seen yet, 1 LF, 2 CR LF
  size_t searched_ = 0;    // bytes from *pos on known to hold no LF (a row waiting for more input)

  // A long row of a configured table being cut field by field. Offsets are
  // in the row (its first byte is 0); the row's bytes before `base_` are cut.
  bool long_row_ = false;
  int64_t base_ = 0;          // row offset of input[*pos]
  int64_t scanned_ = 0;       // row offset where the scan resumes (>= base_)
  size_t field_ = 0;          // the field being scanned
  bool escape_ = false;       // the byte at scanned_ is escaped by a backslash
  int64_t escaped_cr_ = -1;   // row offset of the last escaped CR
  bool prev_cr_ = false;      // the byte before scanned_ is a CR
  const Group* hold_ = nullptr;  // the group being held
  int64_t hold_from_ = 0;        // row offset of its first byte
  const std::vector<Group>* groups_of_plan_ = nullptr;
  std::vector<int> group_at_;     // per column: the group it starts, or -1
  std::shared_ptr<GroupPlans> groups_ = std::make_shared<GroupPlans>();
};

struct CopyRowCutter::GroupPlans {
  std::deque<std::pair<const RowPlan*, std::vector<Group>>> by_plan;  // deque: stable addresses
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_COPY_H_
