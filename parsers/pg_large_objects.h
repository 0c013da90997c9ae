// PostgreSQL large objects in pg_dump's output: what coverage outputs count
// (src/plan.h RunPlan::NoteLargeObjects). dbanon does not anonymize large
// objects; it only tells how many a dump holds and how many bytes.
//
// The shapes (pg_dump's pg_backup_archiver.c StartRestoreLO/EndRestoreLO and
// pg_dump.c dumpLO, pg_backup_custom.c for BLK_BLOBS):
//   pre-data   SELECT pg_catalog.lo_create('OID');  (+ ALTER LARGE OBJECT,
//              COMMENT ON LARGE OBJECT); in archives the SQL of a "BLOB"
//              TOC entry (archive 1.12 to 1.15, one per object) or of a
//              "BLOB METADATA" entry (1.16, pg_dump 17: up to 1000 objects)
//   data       SELECT pg_catalog.lo_open('OID', 131072);
//              SELECT pg_catalog.lowrite(0, '\x<hex>');  (16 KiB a call)
//              SELECT pg_catalog.lo_close(0);
//              in archives a "BLOBS" entry's BLK_BLOBS block or blob files.
// Also read, as a user's script may write them: lo_from_bytea and lo_put
// (their bytes counted like lowrite's), lo_import (no bytes in the dump).
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_PG_LARGE_OBJECTS_H_
#define DBANON_PARSERS_PG_LARGE_OBJECTS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace dbanon {

struct LargeObjectCall {
  enum class Kind : uint8_t { kCreate, kOpen, kWrite, kClose };
  Kind kind = Kind::kCreate;
  // The bytes the call writes into an object: a bytea literal's decoded
  // length (hex format: half its hex digits; escape format: its length
  // in the dump, an upper bound). 0 for calls that write nothing.
  int64_t bytes = 0;
};

// `statement` (the text of one SELECT statement, comments blanked, without
// its ';') when it is `SELECT [pg_catalog.]lo_create|lo_open|lowrite|
// lo_close|lo_from_bytea|lo_put|lo_import(...)` (any case and spacing); else
// nullopt. lo_from_bytea and lo_import count as kCreate, lo_put as kWrite.
std::optional<LargeObjectCall> ParseLargeObjectCall(std::string_view statement);

// The number of large objects the SQL of a TOC entry creates: its
// `lo_create(` calls (any case).
int64_t CountLargeObjectCreates(std::string_view sql);

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_LARGE_OBJECTS_H_
