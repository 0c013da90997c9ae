#include "parsers/pg_archive.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/parsers/archive_builder.h"
#include "tests/src/test_files.h"

namespace dbanon {
namespace {

using testing::BuildCustom;
using testing::TestArchive;
using testing::TestData;
using testing::TestHead;

std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

TestArchive Sample(int minor, Algorithm algorithm) {
  TestArchive a;
  a.minor = minor;
  a.algorithm = algorithm;
  a.data.push_back({3403, "public", "MixedCase", "COPY public.\"MixedCase\" (\"Id\", \"Name\") FROM stdin;\n",
                    "1\tAlice\n2\tO'Brien\n\\.\n\n\n"});
  a.data.push_back({3404, "sales", "customer", "COPY sales.customer (id, email) FROM stdin;\n",
                    "1\ta@example.com\n\\.\n\n\n"});
  a.blobs = {{16999, std::string("hello\0\xff", 7)}, {17000, "second"}};
  return a;
}

TEST_CASE("the primitive encodings match pg_dump's bytes (formats.md B.1, B.3)") {
  std::string out;
  AppendArchiveInt(3419, 4, &out);
  CHECK(Hex(out) == "00 5b 0d 00 00");
  out.clear();
  AppendArchiveInt(-1, 4, &out);
  CHECK(Hex(out) == "01 01 00 00 00");
  out.clear();
  AppendArchiveStr(std::nullopt, 4, &out);
  CHECK(Hex(out) == "01 01 00 00 00");
  out.clear();
  AppendArchiveStr(std::string("0"), 4, &out);
  CHECK(Hex(out) == "00 01 00 00 00 30");
  out.clear();
  AppendArchiveOffset(kOffsetSet, 10527, 8, &out);
  CHECK(Hex(out) == "02 1f 29 00 00 00 00 00 00");
  out.clear();
  AppendArchiveOffset(kOffsetNoData, 0, 8, &out);
  CHECK(Hex(out) == "03 00 00 00 00 00 00 00 00");
}

TEST_CASE("a PG 15 archive header is laid out as pg_dump writes it") {
  TestArchive a = Sample(14, Algorithm::kNone);
  std::string bytes = SerializeArchiveHead(TestHead(a, ArchiveFormat::kCustom));
  // formats.md B.3, the annotated -Z0 archive of `tricky`.
  CHECK(Hex(bytes.substr(0, 16)) == "50 47 44 4d 50 01 0e 00 04 08 01 00 00 00 00 00");
  CHECK(Hex(bytes.substr(0x10, 5)) == "00 1e 00 00 00");     // tm_sec = 30
  CHECK(Hex(bytes.substr(0x33, 5)) == "00 06 00 00 00");     // dbname length
  CHECK(bytes.substr(0x38, 6) == "tricky");
  CHECK(Hex(bytes.substr(0x84, 5)) == "00 07 00 00 00");     // TOC entries
}

TEST_CASE("headers and TOCs of versions 1.12 to 1.16 round-trip through the reader and the writer") {
  for (int minor : {12, 13, 14, 15, 16}) {
    for (Algorithm alg : {Algorithm::kNone, Algorithm::kGzip, Algorithm::kLz4, Algorithm::kZstd}) {
      if (minor < 15 && (alg == Algorithm::kLz4 || alg == Algorithm::kZstd)) continue;
      for (ArchiveFormat format : {ArchiveFormat::kCustom, ArchiveFormat::kTar}) {
        CAPTURE(minor);
        CAPTURE(static_cast<int>(alg));
        CAPTURE(static_cast<int>(format));
        TestArchive a = Sample(minor, alg);
        a.level = alg == Algorithm::kGzip ? 5 : 0;
        ArchiveHead head = TestHead(a, format);
        std::string bytes = SerializeArchiveHead(head);
        auto parsed = ParseArchiveHead(bytes + "trailing data", format);
        REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
        REQUIRE(parsed->has_value());
        const ArchiveHead& p = **parsed;
        CHECK(p.size == bytes.size());
        CHECK(p.header.version() == ArchiveVersion(1, minor));
        CHECK(p.header.algorithm() == static_cast<uint8_t>(alg));
        if (minor < 15) CHECK(p.header.compression_level == a.level);
        CHECK(p.compression_field_size == (minor >= 15 ? 1u : 5u));
        REQUIRE(p.toc.size() == head.toc.size());
        for (size_t i = 0; i < p.toc.size(); ++i) {
          CHECK(p.toc[i].dump_id == head.toc[i].dump_id);
          CHECK(p.toc[i].desc == head.toc[i].desc);
          CHECK(p.toc[i].copy_stmt == head.toc[i].copy_stmt);
          CHECK(p.toc[i].dependencies == head.toc[i].dependencies);
          CHECK(p.toc[i].tableam == (minor >= 14 ? head.toc[i].tableam : std::nullopt));
          CHECK(p.toc[i].relkind == (minor >= 16 ? head.toc[i].relkind : 0));
          if (format == ArchiveFormat::kCustom) {
            CHECK(p.toc[i].offset_flag == head.toc[i].offset_flag);
            CHECK(static_cast<unsigned char>(bytes[p.toc[i].offset_field]) == head.toc[i].offset_flag);
          } else {
            CHECK(p.toc[i].filename == head.toc[i].filename);
          }
        }
        CHECK(SerializeArchiveHead(p) == bytes);
      }
    }
  }
}

TEST_CASE("integers and offsets of other widths round-trip") {
  TestArchive a = Sample(14, Algorithm::kGzip);
  a.int_size = 8;
  ArchiveHead head = TestHead(a, ArchiveFormat::kCustom);
  head.header.off_size = 4;
  head.toc.back().offset_flag = kOffsetSet;
  head.toc.back().offset = 0x12345678;
  std::string bytes = SerializeArchiveHead(head);
  auto parsed = ParseArchiveHead(bytes, ArchiveFormat::kCustom);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  CHECK((*parsed)->toc.back().offset == 0x12345678);
  CHECK(SerializeArchiveHead(**parsed) == bytes);
}

TEST_CASE("a header or TOC cut at any byte asks for more, and never fails or succeeds early") {
  for (int minor : {14, 15, 16}) {
    std::string bytes = SerializeArchiveHead(TestHead(Sample(minor, Algorithm::kGzip), ArchiveFormat::kCustom));
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      auto parsed = ParseArchiveHead(std::string_view(bytes).substr(0, cut), ArchiveFormat::kCustom);
      REQUIRE_MESSAGE(parsed.ok(), "cut at ", cut, ": ", parsed.status().message());
      CHECK_MESSAGE(!parsed->has_value(), "cut at ", cut);
    }
  }
}

TEST_CASE("archives are recognized by their magic, or by their header when the magic is damaged") {
  std::string good = SerializeArchiveHead(TestHead(Sample(14, Algorithm::kGzip), ArchiveFormat::kCustom));
  CHECK(LooksLikeArchive(good));
  std::string damaged = good;
  damaged[2] = 'x';
  CHECK(LooksLikeArchive(damaged));
  CHECK(!ParseArchiveHead(damaged, ArchiveFormat::kCustom).ok());
  CHECK(!LooksLikeArchive("--\n-- PostgreSQL database dump\n--\n"));
  CHECK(!LooksLikeArchive("-- MySQL dump 10.13  Distrib 8.0"));
  CHECK(!LooksLikeArchive("PGDM"));
}

TEST_CASE("bad headers and TOCs are refused with a position") {
  std::string good = SerializeArchiveHead(TestHead(Sample(14, Algorithm::kGzip), ArchiveFormat::kCustom));
  auto error = [](std::string bytes, ArchiveFormat f = ArchiveFormat::kCustom) {
    auto parsed = ParseArchiveHead(bytes, f);
    if (parsed.ok()) return std::string(parsed->has_value() ? "parsed" : "needs more");
    CHECK(parsed.status().code() == absl::StatusCode::kDataLoss);
    return std::string(parsed.status().message());
  };
  CHECK(error("-- plain text") == "byte 0: no PGDMP magic: not a pg_dump archive, or a damaged one");
  CHECK(error("PGDM") == "needs more");
  std::string v = good;
  v[6] = 11;
  CHECK(error(v).find("unsupported archive version 1.11") != std::string::npos);
  v[6] = 17;
  CHECK(error(v).find("unsupported archive version 1.17") != std::string::npos);
  // Every major version byte, with the largest minor and revision: the
  // version number must not overflow (the fuzzer found 255.255.255).
  for (int major = 0; major < 256; ++major) {
    CAPTURE(major);
    v = good;
    v[5] = static_cast<char>(major);
    v[6] = static_cast<char>(0xff);
    v[7] = static_cast<char>(0xff);
    CHECK(error(v).find(absl::StrCat("unsupported archive version ", major, ".255")) != std::string::npos);
  }
  v = good;
  v[10] = 5;
  CHECK(error(v).find("unexpected archive format byte 5") != std::string::npos);
  CHECK(error(good, ArchiveFormat::kTar).find("unexpected archive format byte 1") != std::string::npos);
  std::string toc = SerializeArchiveHead(TestHead(Sample(14, Algorithm::kGzip), ArchiveFormat::kTar));
  CHECK(error(toc).find("directory archive") != std::string::npos);
  v = good;
  v[8] = 40;
  CHECK(error(v) == "byte 8: unsupported integer size 40");
  // An offset flag pg_restore does not know.
  auto parsed = ParseArchiveHead(good, ArchiveFormat::kCustom);
  REQUIRE(parsed.ok());
  v = good;
  v[(*parsed)->toc.back().offset_field] = 7;
  CHECK(error(v).find("unexpected data offset flag 7") != std::string::npos);
  // A string length of -2.
  v = good;
  v[(*parsed)->header_size + 5 + 5 + 5] = 2;
  v[(*parsed)->header_size + 5 + 5 + 5 + 5] = 1;
  CHECK(error(v).find("invalid string length in TOC entry 1") != std::string::npos);
}

// The data area of an archive as events, chunk data merged, with the bytes
// each kind covers.
std::string Events(std::string_view area, size_t split_every, bool* complete, std::string* covered) {
  DataAreaScanner scanner(4, 1000);
  std::vector<DataAreaScanner::Event> events;
  std::string listing;
  std::string pending(area.substr(0, 0));
  size_t fed = 0;
  covered->clear();
  while (true) {
    size_t n = std::min(split_every, area.size() - fed);
    pending.append(area.substr(fed, n));
    fed += n;
    events.clear();
    auto consumed = scanner.Scan(pending, &events);
    REQUIRE_MESSAGE(consumed.ok(), consumed.status().message());
    for (const auto& e : events) {
      using K = DataAreaScanner::Event::Kind;
      covered->append(pending, e.begin, e.end - e.begin);
      switch (e.kind) {
        case K::kBlockStart:
          listing += "[block " + std::to_string(e.block_type) + " " + std::to_string(e.dump_id);
          break;
        case K::kObjectStart: listing += " (oid " + std::to_string(e.oid); break;
        case K::kChunkHeader: break;
        case K::kChunkData: listing += pending.substr(e.begin, e.end - e.begin); break;
        case K::kStreamEnd: listing += e.block_type == kBlockBlobs ? ")" : " end"; break;
        case K::kBlockEnd: listing += "]"; break;
      }
    }
    pending.erase(0, *consumed);
    if (fed == area.size()) break;
  }
  *complete = pending.empty() && scanner.Finish().ok();
  return listing;
}

TEST_CASE("the data area scanner gives the same events whatever the read boundaries") {
  TestArchive a = Sample(14, Algorithm::kNone);
  std::string archive = BuildCustom(a);
  auto parsed = ParseArchiveHead(archive, ArchiveFormat::kCustom);
  REQUIRE(parsed.ok());
  std::string_view area = std::string_view(archive).substr((*parsed)->size);
  bool complete = false;
  std::string covered;
  std::string expected = Events(area, area.size(), &complete, &covered);
  CHECK(complete);
  CHECK(covered == area);
  CHECK(expected == "[block 1 3403" "1\tAlice\n2\tO'Brien\n\\.\n\n\n end]"
                    "[block 1 3404" "1\ta@example.com\n\\.\n\n\n end]"
                    "[block 3 7777 (oid 16999" + std::string("hello\0\xff", 7) + ") (oid 17000second)]");
  for (size_t step = 1; step < 12; ++step) {
    CAPTURE(step);
    CHECK(Events(area, step, &complete, &covered) == expected);
    CHECK(complete);
    CHECK(covered == area);
  }
}

TEST_CASE("a data area cut at any byte inside a block is reported as cut off") {
  TestArchive a = Sample(14, Algorithm::kNone);
  std::string archive = BuildCustom(a);
  auto parsed = ParseArchiveHead(archive, ArchiveFormat::kCustom);
  REQUIRE(parsed.ok());
  std::string_view area = std::string_view(archive).substr((*parsed)->size);
  // Cuts between blocks are clean ends (the TOC says what is missing).
  std::set<size_t> block_ends;
  {
    DataAreaScanner scanner(4, 0);
    std::vector<DataAreaScanner::Event> events;
    REQUIRE(scanner.Scan(area, &events).ok());
    for (const auto& e : events) {
      if (e.kind == DataAreaScanner::Event::Kind::kBlockEnd) block_ends.insert(e.end);
    }
  }
  for (size_t cut = 1; cut < area.size(); ++cut) {
    CAPTURE(cut);
    DataAreaScanner scanner(4, 0);
    std::vector<DataAreaScanner::Event> events;
    auto consumed = scanner.Scan(area.substr(0, cut), &events);
    REQUIRE(consumed.ok());
    bool clean = *consumed == cut && scanner.Finish().ok();
    CHECK(clean == (block_ends.count(cut) > 0));
    if (!clean && *consumed == cut) {
      CHECK(std::string(scanner.Finish().message()).find("cut off inside the data block of TOC entry") !=
            std::string::npos);
    }
  }
}

TEST_CASE("unknown block types and negative lengths are refused") {
  DataAreaScanner scanner(4, 500);
  std::vector<DataAreaScanner::Event> events;
  auto r = scanner.Scan(std::string("\x02\x00\x01\x00\x00\x00", 6), &events);
  REQUIRE(!r.ok());
  CHECK(std::string(r.status().message()) ==
        "byte 500: unknown data block type 2 (old-style large objects are not supported)");
  DataAreaScanner s2(4, 0);
  r = s2.Scan(std::string("\x01\x00\x01\x00\x00\x00\x01\x05\x00\x00\x00", 11), &events);
  REQUIRE(!r.ok());
  CHECK(std::string(r.status().message()) == "byte 6: negative chunk length in a data block");
}

#ifdef DBANON_SOURCE_DIR
TEST_CASE("a real pg_dump 15 archive round-trips byte for byte through the reader and the writer") {
  for (const char* name : {"shop.dump", "shop-z0.dump"}) {
    CAPTURE(name);
    std::string archive = testing::ReadFile(testing::SourcePath(std::string("samples/") + name));
    REQUIRE(!archive.empty());
    auto parsed = ParseArchiveHead(archive, ArchiveFormat::kCustom);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->has_value());
    CHECK((*parsed)->header.version() == kArchiveV1_14);
    CHECK(SerializeArchiveHead(**parsed) == archive.substr(0, (*parsed)->size));
    std::string error;
    std::map<int64_t, uint64_t> positions;
    auto blocks = testing::ReadBlocks(archive, &error, &positions);
    CHECK(error.empty());
    CHECK(!blocks.empty());
    for (const TocEntry& e : (*parsed)->toc) {
      if (e.offset_flag == kOffsetSet) CHECK(positions[e.dump_id] == e.offset);
    }
  }
}
#endif

}  // namespace
}  // namespace dbanon
