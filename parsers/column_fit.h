// What the config asks must fit the column, or be refused (issue 15, item 6).
//
// The dump's DDL says what each column holds (parsers/column_types.h,
// RowPlan::ColumnInfo): NOT NULL, varchar(n)/char(n), integer and
// numeric(p,s) ranges, a one-column UNIQUE or PRIMARY KEY; PostgreSQL domains
// carry theirs to the columns they type. A config the restore would refuse
// is refused when the table's DDL is read, before any of its rows is written:
//
//  * `null` (any anonymizer that writes NULL for a value) on a NOT NULL
//    column: psql, mariadb and sqlite3 refuse the NULL.
//  * a varchar(n)/char(n) narrower than the anonymizer's shortest valid value
//    (Anonymizer::MinChars: an e-mail address "x@a.test", a phone number's
//    digits): cutting would write an invalid value.
//  * a unique column (`unique = true`, or a one-column UNIQUE/PRIMARY KEY in
//    the CREATE TABLE for an anonymizer whose outputs are distinct) whose
//    width keeps fewer than kFittedUniqueBits (64) keyed bits of the
//    narrowed values (Anonymizer::BitsAt): the birthday bound puts a
//    collision among n values at about n^2 / 2^65, and a restore that meets
//    one fails on the constraint.
//  * a numeric range fixed by the options (integer/float `min` and `max`)
//    outside a numeric(p,s) column ("numeric field overflow"). Integer
//    types clamp instead, as they always did.
// SQLite does not enforce declared types ("Datatypes In SQLite": a
// varchar(20) holds any length), but it enforces NOT NULL: widths and ranges
// are still fitted in SQLite dumps (harmless), and only NOT NULL refuses.
//
// Then, row by row, FitCell narrows each replacement to a valid shorter form
// (Anonymizer::Narrow) before FitView (parsers/column_types.h) cuts,
// encodes or clamps what remains.
//
// Sources: PostgreSQL docs, "Constraints" (NOT NULL, UNIQUE), "CREATE
// DOMAIN", "Numeric Types"; MariaDB docs, "CREATE TABLE" (UNIQUE KEY,
// strict mode); SQLite docs, "CREATE TABLE" (NOT NULL constraints).
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_COLUMN_FIT_H_
#define DBANON_PARSERS_COLUMN_FIT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "anonymizers/anonymizer.h"
#include "parsers/column_types.h"
#include "parsers/framer.h"

namespace dbanon {

// OK, or InvalidArgument "TABLE.COLUMN: reason" for the first configured
// column of `plan` whose config does not fit it (see above). Names only,
// never a value. A plan without column_info passes. With `types_enforced`
// false (SQLite) only NOT NULL is checked.
absl::Status CheckColumnFit(const RowPlan& plan, bool types_enforced = true);

// `value`, an output of `anonymizer` for its part `part`, fitted to `limit`:
// narrowed to a valid shorter form when longer than limit.max_chars, then
// FitView. The result views `value`, `*narrowed` or `*buf`, and stays valid
// while they do.
std::string_view FitCellSlow(const Anonymizer& anonymizer, size_t part, const ColumnLimit& limit,
                             std::string_view value, std::string* narrowed, std::string* buf);
inline std::string_view FitCell(const Anonymizer& anonymizer, size_t part, const ColumnLimit& limit,
                                std::string_view value, std::string* narrowed, std::string* buf) {
  // The common case, decided inline (it is asked for every replacement): a
  // UTF-8 text column whose length, if it has one, the value's bytes already
  // respect (a character is at least one byte). FitCellSlow returns the
  // value unchanged then too.
  if (limit.encoding == TextEncoding::kUtf8 && limit.family != TypeFamily::kInteger &&
      limit.family != TypeFamily::kDecimal && limit.integer_bits == 0 && limit.numeric_precision == 0 &&
      value.size() <= (limit.max_chars > 0 ? limit.max_chars : SIZE_MAX)) {
    return value;
  }
  return FitCellSlow(anonymizer, part, limit, value, narrowed, buf);
}

}  // namespace dbanon

#endif  // DBANON_PARSERS_COLUMN_FIT_H_
