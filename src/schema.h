// --schema FILE: the DDL of a schema-only dump (pg_dump -s, plain, -Fc or
// -Fd, plain possibly compressed) for a data-only dump (pg_dump -a), which
// has none. The statements returned are the ones that say which tables
// exist, their columns and types, and their partition and INHERITS links
// (CREATE TABLE, ALTER TABLE; in archives the defn of the TABLE and
// "TABLE ATTACH" TOC entries, pg_dump.c dumpTableSchema and dumpTableAttach).
// The framers read them before the data (TableCatalog::AddCreateTable), so a
// config on a partitioned table reaches the partitions of a data-only dump.
//
// Errors: NotFound/Unavailable and friends when the file cannot be read
// (exit 4), DataLoss "FILE:...: message" when it is not a schema dump
// dbanon can read (exit 3); no message quotes the file's text.
//
// Thread-safety: a pure function of the file.
#ifndef DBANON_SRC_SCHEMA_H_
#define DBANON_SRC_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dbanon {

// Largest schema read: a schema-only dump of a big database is a few MiB.
inline constexpr size_t kMaxSchemaBytes = size_t{256} << 20;

absl::StatusOr<std::vector<std::string>> LoadSchemaStatements(const std::string& path);

}  // namespace dbanon

#endif  // DBANON_SRC_SCHEMA_H_
