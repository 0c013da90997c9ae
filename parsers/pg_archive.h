// pg_dump archives: the custom format (pg_dump -Fc) and the toc.dat of the
// directory format (pg_dump -Fd), archive versions 1.12 to 1.16 (pg_dump 9.0
// to 18).
//
// Layout (shared docs/formats.md part B; pg_backup_archiver.c ReadHead,
// WriteHead, ReadToc, WriteToc; pg_backup_custom.c; pg_backup_directory.c):
//   header  "PGDMP", version bytes, intSize, offSize, format, compression
//           (an Int level before 1.15, an algorithm Byte from 1.15), the
//           creation time (7 Ints), database name, server and pg_dump versions
//   TOC     Int count, then the entries (fields gated by version)
//   data    custom format only: one block per data-bearing entry
//           (BLK_DATA: type 1, Int dumpId, chunks {Int len>0, bytes}, Int 0;
//            BLK_BLOBS: type 3, Int dumpId, per large object {Int oid,
//            chunks, Int 0}, Int 0 as the last oid)
// Int is a sign byte and intSize bytes of magnitude, least significant
// first; Str an Int length (-1 for NULL) and the bytes; Offset a flag byte
// (1 not set, 2 set, 3 no data) and offSize bytes.
//
// This file only parses and serialises; it does no I/O and no
// decompression. Thread-safety: pure functions; a DataAreaScanner is used by
// one thread.
#ifndef DBANON_PARSERS_PG_ARCHIVE_H_
#define DBANON_PARSERS_PG_ARCHIVE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dbanon {

// Archive versions as pg_dump numbers them (MAKE_ARCHIVE_VERSION).
// Unsigned: a damaged header may say 255.255.255, which overflows int.
constexpr uint32_t ArchiveVersion(uint32_t major, uint32_t minor, uint32_t rev = 0) {
  return ((major * 256 + minor) * 256 + rev) * 256;
}
inline constexpr uint32_t kArchiveV1_12 = ArchiveVersion(1, 12);
inline constexpr uint32_t kArchiveV1_14 = ArchiveVersion(1, 14);  // tableam
inline constexpr uint32_t kArchiveV1_15 = ArchiveVersion(1, 15);  // compression algorithm byte
inline constexpr uint32_t kArchiveV1_16 = ArchiveVersion(1, 16);  // relkind
inline constexpr uint32_t kArchiveMin = kArchiveV1_12;
inline constexpr uint32_t kArchiveMax = ArchiveVersion(1, 16, 255);

// The format byte (pg_backup.h ArchiveFormat). A directory archive's
// toc.dat says kTar.
enum class ArchiveFormat : uint8_t { kCustom = 1, kTar = 3 };

// Offset flags (pg_backup_archiver.h K_OFFSET_*).
inline constexpr uint8_t kOffsetNotSet = 1;
inline constexpr uint8_t kOffsetSet = 2;
inline constexpr uint8_t kOffsetNoData = 3;

// Block types (pg_backup_custom.c BLK_*).
inline constexpr uint8_t kBlockData = 1;
inline constexpr uint8_t kBlockBlobs = 3;

struct ArchiveHeader {
  uint8_t vmaj = 1, vmin = 14, vrev = 0;
  uint8_t int_size = 4;
  uint8_t off_size = 8;
  uint8_t format = static_cast<uint8_t>(ArchiveFormat::kCustom);
  // Before 1.15: the zlib level (-1 default, 0 none, 1-9). From 1.15: unused.
  int compression_level = 0;
  // From 1.15: pg_compress_algorithm (0 none, 1 gzip, 2 lz4, 3 zstd).
  uint8_t compression_algorithm = 0;
  std::array<int64_t, 7> created{};  // tm_sec .. tm_isdst
  std::optional<std::string> dbname, server_version, dump_version;

  uint32_t version() const { return ArchiveVersion(vmaj, vmin, vrev); }
  // 0 none, 1 gzip, 2 lz4, 3 zstd, whatever the version.
  uint8_t algorithm() const;
};

struct TocEntry {
  int64_t dump_id = 0;
  int64_t had_dumper = 0;
  std::optional<std::string> table_oid, oid, tag, desc;
  int64_t section = 0;
  std::optional<std::string> defn, drop_stmt, copy_stmt, namespace_name, tablespace, tableam;
  int64_t relkind = 0;  // 1.16
  std::optional<std::string> owner, with_oids;
  std::vector<std::string> dependencies;
  // Custom format: the data offset. Directory/tar: the data file name.
  uint8_t offset_flag = kOffsetNoData;
  uint64_t offset = 0;
  std::optional<std::string> filename;
  // Where the entry and its offset field (custom format) lie in the parsed
  // bytes.
  size_t entry_offset = 0;
  size_t offset_field = 0;
};

struct ArchiveHead {
  ArchiveHeader header;
  std::vector<TocEntry> toc;
  size_t header_size = 0;        // bytes of the header; the TOC starts here
  size_t compression_field = 0;  // position and size of the compression field
  size_t compression_field_size = 0;
  size_t size = 0;               // bytes of header and TOC together
};

// True when `head` (the first bytes of an input) is a custom-format
// archive: the PGDMP magic, or a damaged magic before a plausible header
// (version 1.10 to 1.16, sizes 1 to 8, format 1 or 3), which
// ParseArchiveHead then refuses.
bool LooksLikeArchive(std::string_view head);

// Parses the header and the TOC at the start of `data`. Returns nullopt when
// `data` ends before the TOC does (read more and call again). Errors
// (DataLoss, "byte N: message"): no PGDMP magic, a version outside 1.12 to
// 1.16, a format byte other than `expected`, sizes that pg_restore refuses,
// an invalid entry. The message never quotes TOC text.
absl::StatusOr<std::optional<ArchiveHead>> ParseArchiveHead(std::string_view data, ArchiveFormat expected);

// The bytes of a header and TOC, as pg_dump writes them (custom format: the
// offset fields from each entry's offset_flag and offset; otherwise the
// filename). Parsing the result gives `head` back; for an archive written by
// pg_dump, serialising what was parsed gives the same bytes.
std::string SerializeArchiveHead(const ArchiveHead& head);

// Encodings (formats.md B.1), appended to `out`.
void AppendArchiveInt(int64_t value, int int_size, std::string* out);
void AppendArchiveStr(const std::optional<std::string>& s, int int_size, std::string* out);
void AppendArchiveOffset(uint8_t flag, uint64_t offset, int off_size, std::string* out);

// A push parser for the data area of a custom-format archive. Every byte
// belongs to exactly one event; events carry the span of input they cover,
// so a caller can copy any part verbatim.
class DataAreaScanner {
 public:
  struct Event {
    enum class Kind : uint8_t {
      kBlockStart,   // type byte and dumpId; `block_type`, `dump_id`
      kObjectStart,  // BLK_BLOBS: Int oid of a large object; `oid`
      kChunkHeader,  // Int length of a chunk (> 0)
      kChunkData,    // chunk bytes, possibly part of a chunk
      kStreamEnd,    // Int 0: the end of a data item or of a large object
      kBlockEnd,     // BLK_BLOBS: the Int 0 after the last object; BLK_DATA: empty span after kStreamEnd
    };
    Kind kind;
    size_t begin = 0;  // span of this call's input
    size_t end = 0;
    uint8_t block_type = 0;
    int64_t dump_id = 0;
    int64_t oid = 0;
  };

  // `start_offset` is the absolute position of the first byte fed, for
  // messages.
  DataAreaScanner(int int_size, uint64_t start_offset) : int_size_(int_size), offset_(start_offset) {}

  // Scans `input`; appends its events and returns the bytes consumed. An
  // unconsumed tail (a partial Int) must be passed again with more input.
  // Errors (DataLoss "byte N: message"): an unknown block type, a negative
  // length, an Int too large.
  absl::StatusOr<size_t> Scan(std::string_view input, std::vector<Event>* events);
  // At the end of the input: DataLoss when it ends inside a block.
  absl::Status Finish() const;
  // Absolute position of the next byte to scan.
  uint64_t offset() const { return offset_; }
  // The block being scanned (for messages), 0 between blocks.
  int64_t current_dump_id() const { return in_block_ ? dump_id_ : 0; }

 private:
  enum class State : uint8_t { kBlockType, kObjectOid, kChunkLength, kChunkData };
  int int_size_;
  uint64_t offset_;
  State state_ = State::kBlockType;
  bool in_block_ = false;
  uint8_t block_type_ = 0;
  int64_t dump_id_ = 0;
  uint64_t chunk_left_ = 0;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_PG_ARCHIVE_H_
