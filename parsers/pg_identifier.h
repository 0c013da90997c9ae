// PostgreSQL identifiers and qualified table names.
//
// Rules from PostgreSQL docs, "Lexical Structure, Identifiers and Key Words":
// an unquoted identifier is folded to lower case; a quoted identifier keeps
// its case and every doubled quote inside it stands for one quote. pg_dump
// quotes an identifier whenever folding would change it (fmtId in
// src/fe_utils/string_utils.c).
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_PG_IDENTIFIER_H_
#define DBANON_PARSERS_PG_IDENTIFIER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dbanon {

// A table name after unquoting: schema and table, compared byte for byte.
// MySQL and SQLite dumps name tables without a schema: schema is empty, and
// the config's unqualified keys (schema public) match them.
struct TableName {
  std::string schema;
  std::string table;

  bool operator==(const TableName&) const = default;
  auto operator<=>(const TableName&) const = default;

  // The name as PostgreSQL would print it: schema.table, each part quoted
  // only when needed (`public."Client List"`). For messages.
  std::string Display() const;
};

// Quotes `name` like fmtId does when it is not a plain lower-case
// identifier (keywords are not checked: this is for display only).
std::string QuoteIdentifierIfNeeded(std::string_view name);

// Parses a SQL qualified name such as `"my.schema"."user""s"` or `crm.t`
// into its parts, unquoted. Unquoted parts are folded to lower case (ASCII).
// Errors: InvalidArgument for an empty part, an unterminated quote, or text
// that is not a name.
absl::StatusOr<std::vector<std::string>> ParseQualifiedName(std::string_view text);

// The table name a config key denotes. A key containing a double quote is
// parsed as a SQL qualified name (`'"my.schema"."user""s"'`); otherwise it is
// taken literally, without case folding, as DbToolsBundle does: `Client List`
// names public."Client List", and `sales.customer` names sales.customer.
// Errors: InvalidArgument for an empty key, more than one dot in an
// unquoted key (ambiguous: quote the parts), or a bad quoted name.
absl::StatusOr<TableName> TableNameFromConfigKey(std::string_view key);

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_IDENTIFIER_H_
