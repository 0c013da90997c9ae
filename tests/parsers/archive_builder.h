// Builds small pg_dump archives by hand for tests, following shared
// docs/formats.md part B (and pg_backup_archiver.c WriteHead/WriteToc,
// pg_backup_custom.c): archive versions 1.12 to 1.16, any compression, with
// or without data offsets. Also reads the data blocks of a custom archive
// back, for checking what dbanon wrote.
#ifndef DBANON_TESTS_PARSERS_ARCHIVE_BUILDER_H_
#define DBANON_TESTS_PARSERS_ARCHIVE_BUILDER_H_

#include <map>
#include <string>
#include <vector>

#include "parsers/pg_archive.h"
#include "src/compression.h"

namespace dbanon {
namespace testing {

struct TestData {
  int64_t dump_id;
  std::string schema;
  std::string table;
  std::string copy_stmt;  // empty: INSERT-mode data (copyStmt NULL)
  std::string payload;    // decompressed content of the block
};

struct TestArchive {
  int minor = 14;                        // 1.MINOR
  Algorithm algorithm = Algorithm::kGzip;
  int level = -1;                        // header level before 1.15
  std::vector<TestData> data;
  std::vector<std::pair<int64_t, std::string>> blobs;  // large objects (oid, content); empty: no BLOBS entry
  bool offsets = true;                   // flag 2 with positions (pg_dump to a file) or flag 1 (to a pipe)
  size_t chunk = 7;                      // bytes per chunk of compressed data
  int int_size = 4;
  std::vector<TocEntry> extra;           // entries without data, after the TABLE DATA entries
};

inline std::string Compress(Algorithm a, Container c, std::string_view data) {
  if (a == Algorithm::kNone) return std::string(data);
  CompressionSpec spec{a, CompressionSpec::kDefaultLevel};
  auto comp = StreamCompressor::Create(spec, c);
  std::string out;
  if (!comp.ok() || !(*comp)->Compress(data, true, &out).ok()) return "<compression failed>";
  return out;
}

inline std::string Decompress(Algorithm a, Container c, std::string_view data, std::string* error = nullptr,
                              bool concatenated = true) {
  if (a == Algorithm::kNone) return std::string(data);
  auto d = Decompressor::Create(a, c, concatenated);
  std::string out;
  absl::Status st = d.ok() ? absl::OkStatus() : d.status();
  while (st.ok()) {
    size_t before = out.size();
    st = (*d)->Decompress(&data, &out, 1 << 20);
    if (data.empty() && out.size() - before < (1 << 20)) break;
  }
  if (st.ok()) st = (*d)->Finish();
  if (!st.ok() && error != nullptr) *error = std::string(st.message());
  return out;
}

inline ArchiveHead TestHead(const TestArchive& a, ArchiveFormat format) {
  ArchiveHead head;
  ArchiveHeader& h = head.header;
  h.vmaj = 1;
  h.vmin = static_cast<uint8_t>(a.minor);
  h.int_size = static_cast<uint8_t>(a.int_size);
  h.format = static_cast<uint8_t>(format);
  if (h.version() >= kArchiveV1_15) {
    h.compression_algorithm = static_cast<uint8_t>(a.algorithm);
  } else {
    h.compression_level = a.algorithm == Algorithm::kNone ? 0 : a.level;
  }
  h.created = {30, 46, 5, 30, 10, 126, 0};
  h.dbname = "tricky";
  h.server_version = "15.18 (Debian 15.18-0+deb12u1)";
  h.dump_version = h.server_version;
  auto entry = [&](int64_t id, std::string desc, std::string tag) {
    TocEntry e;
    e.dump_id = id;
    e.table_oid = "0";
    e.oid = "0";
    e.tag = std::move(tag);
    e.desc = std::move(desc);
    e.section = 2;
    e.with_oids = "false";
    e.offset_flag = kOffsetNoData;
    if (format != ArchiveFormat::kCustom) e.filename = "";
    return e;
  };
  TocEntry enc = entry(9001, "ENCODING", "ENCODING");
  enc.defn = "SET client_encoding = 'UTF8';\n";
  head.toc.push_back(enc);
  TocEntry std_strings = entry(9002, "STDSTRINGS", "STDSTRINGS");
  std_strings.defn = "SET standard_conforming_strings = 'on';\n";
  head.toc.push_back(std_strings);
  for (const TestData& d : a.data) {
    TocEntry t = entry(d.dump_id - 1000, "TABLE", d.table);
    t.table_oid = "1259";
    t.oid = std::to_string(16000 + d.dump_id);
    t.defn = "CREATE TABLE " + d.schema + "." + d.table + " (id integer, email text);\n";
    t.drop_stmt = "DROP TABLE " + d.schema + "." + d.table + ";\n";
    t.namespace_name = d.schema;
    t.owner = "postgres";
    if (a.minor >= 14) t.tableam = "heap";
    if (a.minor >= 16) t.relkind = 'r';
    head.toc.push_back(t);
  }
  for (const TestData& d : a.data) {
    TocEntry t = entry(d.dump_id, "TABLE DATA", d.table);
    t.had_dumper = 1;
    t.oid = std::to_string(16000 + d.dump_id);
    t.section = 3;
    if (!d.copy_stmt.empty()) t.copy_stmt = d.copy_stmt;
    t.namespace_name = d.schema;
    t.owner = "postgres";
    t.dependencies = {std::to_string(d.dump_id - 1000)};
    t.offset_flag = kOffsetNotSet;
    if (format != ArchiveFormat::kCustom) t.filename = std::to_string(d.dump_id) + ".dat";
    head.toc.push_back(t);
  }
  for (TocEntry e : a.extra) {
    if (format != ArchiveFormat::kCustom && !e.filename.has_value()) e.filename = "";
    head.toc.push_back(std::move(e));
  }
  if (!a.blobs.empty()) {
    TocEntry b = entry(7777, "BLOBS", "BLOBS");
    b.had_dumper = 1;
    b.section = 3;
    b.offset_flag = kOffsetNotSet;
    if (format != ArchiveFormat::kCustom) b.filename = "blobs.toc";
    head.toc.push_back(b);
  }
  return head;
}

inline void AppendChunked(std::string_view data, const TestArchive& a, std::string* out) {
  for (size_t pos = 0; pos < data.size(); pos += a.chunk) {
    size_t n = std::min(a.chunk, data.size() - pos);
    AppendArchiveInt(static_cast<int64_t>(n), a.int_size, out);
    out->append(data.data() + pos, n);
  }
  AppendArchiveInt(0, a.int_size, out);
}

// A complete custom-format archive.
inline std::string BuildCustom(const TestArchive& a) {
  ArchiveHead head = TestHead(a, ArchiveFormat::kCustom);
  std::string data;
  std::map<int64_t, uint64_t> where;
  size_t head_size = SerializeArchiveHead(head).size();
  for (const TestData& d : a.data) {
    where[d.dump_id] = head_size + data.size();
    data.push_back(static_cast<char>(kBlockData));
    AppendArchiveInt(d.dump_id, a.int_size, &data);
    AppendChunked(Compress(a.algorithm, Container::kZlib, d.payload), a, &data);
  }
  if (!a.blobs.empty()) {
    where[7777] = head_size + data.size();
    data.push_back(static_cast<char>(kBlockBlobs));
    AppendArchiveInt(7777, a.int_size, &data);
    for (const auto& [oid, content] : a.blobs) {
      AppendArchiveInt(oid, a.int_size, &data);
      AppendChunked(Compress(a.algorithm, Container::kZlib, content), a, &data);
    }
    AppendArchiveInt(0, a.int_size, &data);
  }
  if (a.offsets) {
    for (TocEntry& e : head.toc) {
      if (where.count(e.dump_id)) {
        e.offset_flag = kOffsetSet;
        e.offset = where[e.dump_id];
      }
    }
  }
  return SerializeArchiveHead(head) + data;
}

// The blocks of a custom archive, decompressed: dump id -> payload (BLOBS:
// the objects' contents joined with "|"). Empty map and `error` set when
// the archive does not parse.
inline std::map<int64_t, std::string> ReadBlocks(const std::string& archive, std::string* error,
                                                 std::map<int64_t, uint64_t>* positions = nullptr) {
  std::map<int64_t, std::string> out;
  auto head = ParseArchiveHead(archive, ArchiveFormat::kCustom);
  if (!head.ok() || !head->has_value()) {
    *error = head.ok() ? "cut off" : std::string(head.status().message());
    return {};
  }
  Algorithm alg = static_cast<Algorithm>((*head)->header.algorithm());
  DataAreaScanner scanner((*head)->header.int_size, (*head)->size);
  std::vector<DataAreaScanner::Event> events;
  std::string_view rest = std::string_view(archive).substr((*head)->size);
  auto n = scanner.Scan(rest, &events);
  if (!n.ok() || *n != rest.size() || !scanner.Finish().ok()) {
    *error = n.ok() ? "data area does not end cleanly" : std::string(n.status().message());
    return {};
  }
  std::string stream;
  int64_t id = 0;
  for (const auto& e : events) {
    using K = DataAreaScanner::Event::Kind;
    if (e.kind == K::kBlockStart) {
      id = e.dump_id;
      if (positions != nullptr) (*positions)[id] = (*head)->size + e.begin;
    }
    if (e.kind == K::kChunkData) stream += rest.substr(e.begin, e.end - e.begin);
    if (e.kind == K::kStreamEnd) {
      std::string& dst = out[id];
      if (e.block_type == kBlockBlobs && !dst.empty()) dst += "|";
      // One zlib stream per item, as pg_restore reads it.
      dst += Decompress(alg, Container::kZlib, stream, error, alg != Algorithm::kGzip);
      stream.clear();
    }
  }
  return out;
}

}  // namespace testing
}  // namespace dbanon

#endif  // DBANON_TESTS_PARSERS_ARCHIVE_BUILDER_H_
