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

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_COPY_H_
