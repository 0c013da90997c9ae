// Column types from a dump's CREATE TABLE statements, and fitting a
// replacement value to its column.
//
// Anonymized values must load back: a value longer than a varchar(n) or
// char(n) column is rejected by PostgreSQL ("value too long for type
// character varying(n)") and by MySQL in strict mode, and an integer outside
// its type's range is rejected by both. The framer reads the CREATE TABLE of
// each table it meets; the row rewriters fit every replacement to its
// column with FitToColumn.
//
// Sources: PostgreSQL docs, "Character Types" and "Numeric Types" (varchar(n)
// and char(n) count characters, smallint/integer/bigint are 2/4/8 bytes,
// numeric(p,s) rounds to s decimals and refuses p-s integer digits or more:
// "numeric field overflow"); MySQL docs, "Fixed-Point Types" (DECIMAL(M,D));
// pg_dump writes types with format_type ("character varying(45)",
// "character(2)", "integer").
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_COLUMN_TYPES_H_
#define DBANON_PARSERS_COLUMN_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "parsers/text_encoding.h"

namespace dbanon {

struct ColumnLimit {
  std::string name;        // the column, unquoted
  size_t max_chars = 0;    // varchar(n)/char(n): n characters; 0 when not limited
  int integer_bits = 0;    // 8, 16, 24, 32 or 64 (tinyint, smallint, mediumint, integer, bigint); 0 otherwise
  // The dump's text encoding (parsers/text_encoding.h): FitView writes text
  // replacements in it and counts max_chars in its characters.
  TextEncoding encoding = TextEncoding::kUtf8;
  // numeric(p,s)/decimal(p,s): p digits in all, s of them after the point;
  // 0 when not limited (numeric without a precision).
  int numeric_precision = 0;
  int numeric_scale = 0;
  // The type's family (what text its input accepts) and its text as the
  // DDL wrote it, lower case ("bigint", "text[]", "character varying(20)"),
  // for messages. kUnknown when no DDL says it or the type is not one
  // dbanon knows (a domain's own type is resolved by the catalog).
  TypeFamily family = TypeFamily::kUnknown;
  std::string type;
  bool IsLimited() const { return max_chars > 0 || integer_bits > 0 || numeric_precision > 0; }
  // The largest magnitude the column holds: 2^(bits-1) - 1 for integers,
  // 10^(p-s) - 10^-s for numeric(p,s); 0 when the type sets none.
  double NumericMax() const;
};

// The limit a type text ("character varying(45)", "char(2)", "bigint",
// "varchar(10)[]") sets, with `name`, `family` and `type` filled in.
// Families: PostgreSQL docs, "Data Types" (table 8.1, the built-in types and
// their aliases; "Arrays": `type[]`); MariaDB docs, "Data Types".
ColumnLimit LimitOfType(std::string name, std::string_view type);

// Fits `value` to `limit`: text longer than max_chars characters (UTF-8) is
// cut at a character boundary, except that when it contains '@' and the part
// from the last '@' fits, the part before it is shortened instead, so an
// e-mail address stays an address; an integer outside the type's range is
// clamped to it; a number in a numeric(p,s) column is rounded to s decimals
// (half away from zero, as PostgreSQL and MySQL round on input) and clamped
// to +-(10^(p-s) - 10^-s). Returns true when the value was changed.
bool FitToColumn(const ColumnLimit& limit, std::string* value);

// The same for a value held elsewhere: returns `value` itself when it fits
// (the common case, decided without copying), else the fitted copy made in
// `*buf`. The returned view stays valid while `value` and `*buf` do.
// When limit.encoding is not UTF-8, a text value is first written in it
// (EncodeReplacement) and its characters are counted in it.
std::string_view FitView(const ColumnLimit& limit, std::string_view value, std::string* buf);

}  // namespace dbanon

#endif  // DBANON_PARSERS_COLUMN_TYPES_H_
