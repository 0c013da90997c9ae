#include "src/compression.h"

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "src/compressed_io.h"
#include "tests/src/test_files.h"

namespace dbanon {
namespace {

// Text with some repetition, like a dump, from a fixed seed.
std::string SampleText(size_t size) {
  std::string out;
  uint32_t x = 12345;
  while (out.size() < size) {
    x = x * 1103515245u + 12345u;
    out += std::to_string(x % 100000) + "\tperson" + std::to_string((x >> 8) % 977) + "@example.org\tnote\n";
  }
  out.resize(size);
  return out;
}

absl::StatusOr<std::string> DecompressAll(Algorithm a, Container c, std::string_view in, bool concatenated,
                                          size_t step_in, size_t max_out) {
  auto d = Decompressor::Create(a, c, concatenated);
  if (!d.ok()) return d.status();
  std::string out;
  for (size_t pos = 0; pos <= in.size(); pos += step_in) {
    std::string_view part = in.substr(pos, std::min(step_in, in.size() - std::min(pos, in.size())));
    while (true) {
      size_t before = out.size();
      absl::Status st = (*d)->Decompress(&part, &out, max_out);
      if (!st.ok()) return st;
      if (part.empty() && out.size() - before < max_out) break;
    }
    if (pos == in.size()) break;
  }
  absl::Status st = (*d)->Finish();
  if (!st.ok()) return st;
  return out;
}

std::string CompressAll(const CompressionSpec& spec, Container c, std::string_view data, size_t step) {
  auto comp = StreamCompressor::Create(spec, c);
  REQUIRE(comp.ok());
  std::string out;
  for (size_t pos = 0; pos < data.size(); pos += step) {
    REQUIRE((*comp)->Compress(data.substr(pos, step), false, &out).ok());
  }
  REQUIRE((*comp)->Compress("", true, &out).ok());
  return out;
}

TEST_CASE("each codec round-trips whatever the input and output step sizes") {
  std::string text = SampleText(200000);
  for (Algorithm a : {Algorithm::kGzip, Algorithm::kLz4, Algorithm::kZstd}) {
    for (Container c : {Container::kZlib, Container::kGzip}) {
      CAPTURE(static_cast<int>(a));
      std::string packed = CompressAll({a, CompressionSpec::kDefaultLevel}, c, text, 70000);
      CHECK(packed.size() < text.size() / 2);
      using Steps = std::pair<size_t, size_t>;
      for (auto [step_in, max_out] : {Steps{packed.size(), 1 << 20}, Steps{1, 7}, Steps{13, 1}, Steps{4096, 100}}) {
        auto back = DecompressAll(a, c, packed, false, step_in, max_out);
        REQUIRE_MESSAGE(back.ok(), back.status().message());
        CHECK(*back == text);
      }
    }
  }
}

TEST_CASE("concatenated streams are read when allowed, refused otherwise; cut-off streams are reported") {
  std::string a = SampleText(3000), b = SampleText(5000);
  for (Algorithm alg : {Algorithm::kGzip, Algorithm::kLz4, Algorithm::kZstd}) {
    CAPTURE(static_cast<int>(alg));
    std::string two =
        CompressAll({alg, 1}, Container::kGzip, a, 1000) + CompressAll({alg, 1}, Container::kGzip, b, 999);
    auto both = DecompressAll(alg, Container::kGzip, two, true, 100, 1 << 16);
    REQUIRE(both.ok());
    CHECK(*both == a + b);
    auto strict = DecompressAll(alg, Container::kGzip, two, false, 100, 1 << 16);
    CHECK(strict.status().code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(strict.status().message()).find("after the end") != std::string::npos);
    std::string one = CompressAll({alg, 1}, Container::kGzip, a, 1000);
    std::string_view cut_short = std::string_view(one).substr(0, one.size() - 3);
    auto cut = DecompressAll(alg, Container::kGzip, cut_short, true, 100, 1 << 16);
    CHECK(cut.status().code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(cut.status().message()).find("cut off") != std::string::npos);
    auto none = DecompressAll(alg, Container::kGzip, "", true, 1, 1 << 16);
    CHECK(none.status().code() == absl::StatusCode::kDataLoss);
  }
}

TEST_CASE("deflate pieces compressed apart make one valid zlib or gzip stream") {
  std::string text = SampleText(300000);
  for (Container c : {Container::kZlib, Container::kGzip}) {
    for (int level : {CompressionSpec::kDefaultLevel, 1, 5, 9}) {
      for (size_t piece : {size_t{1000}, size_t{65536}, text.size()}) {
        CAPTURE(level);
        CAPTURE(piece);
        std::string stream = DeflateHeader(c, level);
        uint32_t check = 0;
        uint64_t total = 0;
        for (size_t pos = 0; pos < text.size(); pos += piece) {
          std::string_view p = std::string_view(text).substr(pos, piece);
          bool last = pos + piece >= text.size();
          REQUIRE(DeflatePiece(p, level, last, &stream).ok());
          uint32_t pc = PieceCheck(c, p);
          check = pos == 0 ? pc : CombineChecks(c, check, pc, p.size());
          total += p.size();
        }
        stream += DeflateTrailer(c, check, total);
        auto back = DecompressAll(Algorithm::kGzip, c, stream, false, stream.size(), 1 << 20);
        REQUIRE_MESSAGE(back.ok(), back.status().message());
        CHECK(*back == text);
        if (c == Container::kZlib) {
          // zlib's own one-shot reader agrees, header check included.
          std::string out(text.size(), '\0');
          uLongf n = out.size();
          CHECK(uncompress(reinterpret_cast<Bytef*>(out.data()), &n,
                           reinterpret_cast<const Bytef*>(stream.data()), stream.size()) == Z_OK);
          CHECK(out == text);
        }
      }
    }
  }
  // The header zlib itself writes for each level.
  CHECK(DeflateHeader(Container::kZlib, -1) == "\x78\x9c");
  CHECK(DeflateHeader(Container::kZlib, 1) == "\x78\x01");
  CHECK(DeflateHeader(Container::kZlib, 5) == "\x78\x5e");
  CHECK(DeflateHeader(Container::kZlib, 9) == "\x78\xda");
  // An empty last piece still ends the stream.
  std::string empty = DeflateHeader(Container::kZlib, 6);
  REQUIRE(DeflatePiece("", 6, true, &empty).ok());
  empty += DeflateTrailer(Container::kZlib, InitialCheck(Container::kZlib), 0);
  auto back = DecompressAll(Algorithm::kGzip, Container::kZlib, empty, false, 100, 100);
  REQUIRE(back.ok());
  CHECK(back->empty());
}

// Raw zlib output for `text` written with `flushes` (Z_SYNC_FLUSH or
// Z_FULL_FLUSH) every `every` bytes: the block edges land where the test
// wants them. windowBits as deflateInit2 takes it (15: zlib, 31: gzip).
std::string ZlibWithFlushes(std::string_view text, int level, int window_bits, size_t every, int flush) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out;
  for (size_t pos = 0;; pos += every) {
    std::string_view part = text.substr(std::min(pos, text.size()), every);
    bool last = pos + every >= text.size();
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z.avail_in = static_cast<uInt>(part.size());
    int rc;
    do {
      char buf[4096];
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof(buf);
      rc = deflate(&z, last ? Z_FINISH : flush);
      out.append(buf, sizeof(buf) - z.avail_out);
    } while (z.avail_out == 0 || (last && rc != Z_STREAM_END));
    if (last) break;
  }
  deflateEnd(&z);
  return out;
}

TEST_CASE("inflate reads block edges, stored blocks and empty blocks at every input split") {
  std::string text = SampleText(5000);
  std::string random;
  uint32_t x = 7;
  for (int i = 0; i < 3000; ++i) random.push_back(static_cast<char>((x = x * 1103515245u + 12345u) >> 24));
  struct Case {
    std::string_view data;
    int level;
    size_t every;
    int flush;
  };
  for (Container c : {Container::kZlib, Container::kGzip}) {
    int bits = c == Container::kGzip ? 31 : 15;
    for (Case k : {Case{text, 0, 700, Z_SYNC_FLUSH}, Case{text, 6, 1, Z_SYNC_FLUSH}, Case{text, 1, 333, Z_FULL_FLUSH},
                   Case{random, 9, 1000, Z_SYNC_FLUSH}, Case{"", 6, 1, Z_SYNC_FLUSH}}) {
      std::string packed = ZlibWithFlushes(k.data, k.level, bits, k.every, k.flush);
      CAPTURE(k.level);
      CAPTURE(k.every);
      // Each split point of the input, in steps of 1 and 7 bytes, with a
      // small output room so that steps also end inside blocks.
      for (size_t step : {size_t{1}, size_t{7}, size_t{4096}}) {
        for (size_t max_out : {size_t{1}, size_t{97}, size_t{1} << 20}) {
          if (step == 1 && max_out == 1 && k.data.size() > 3000) continue;  // slow, adds nothing
          auto back = DecompressAll(Algorithm::kGzip, c, packed, false, step, max_out);
          REQUIRE_MESSAGE(back.ok(), back.status().message());
          CHECK(*back == k.data);
        }
      }
    }
  }
}

TEST_CASE("concatenated gzip members, empty ones too, are read whatever the input split; bytes after the end are "
          "refused") {
  std::string a = SampleText(3000), b = SampleText(70000);
  std::string ma = ZlibWithFlushes(a, 6, 31, a.size(), Z_NO_FLUSH);
  std::string mb = ZlibWithFlushes(b, 1, 31, 4000, Z_SYNC_FLUSH);
  std::string empty = ZlibWithFlushes("", 6, 31, 1, Z_NO_FLUSH);
  std::string all = ma + empty + mb + empty + ma;
  std::string expected = a + b + a;
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{8}, size_t{9}, size_t{13}, all.size()}) {
    for (size_t max_out : {size_t{3}, size_t{4096}, size_t{1} << 20}) {
      CAPTURE(step);
      CAPTURE(max_out);
      auto back = DecompressAll(Algorithm::kGzip, Container::kGzip, all, true, step, max_out);
      REQUIRE_MESSAGE(back.ok(), back.status().message());
      CHECK(*back == expected);
    }
  }
  auto only_empty = DecompressAll(Algorithm::kGzip, Container::kGzip, empty + empty, true, 1, 100);
  REQUIRE(only_empty.ok());
  CHECK(only_empty->empty());
  // A few stray bytes after the last member: less than the 8 bytes ISA-L
  // reads ahead, and more.
  for (std::string_view junk : {std::string_view("x"), std::string_view("\x1f\x8b"), std::string_view("0123456789")}) {
    CAPTURE(junk);
    for (size_t step : {size_t{1}, size_t{4}, all.size() + junk.size()}) {
      auto strict = DecompressAll(Algorithm::kGzip, Container::kGzip, ma + std::string(junk), false, step, 1 << 16);
      CHECK(strict.status().code() == absl::StatusCode::kDataLoss);
      CHECK(std::string(strict.status().message()).find("after the end") != std::string::npos);
      auto lenient = DecompressAll(Algorithm::kGzip, Container::kGzip, ma + std::string(junk), true, step, 1 << 16);
      CHECK(lenient.status().code() == absl::StatusCode::kDataLoss);
    }
  }
  // A zlib stream after a zlib stream in one archive block is refused too.
  std::string z = ZlibWithFlushes(a, 6, 15, a.size(), Z_NO_FLUSH);
  auto twice = DecompressAll(Algorithm::kGzip, Container::kZlib, z + z, false, 100, 1 << 16);
  CHECK(twice.status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("corrupt deflate data and wrong checks are reported as DataLoss naming the codec") {
  std::string text = SampleText(20000);
  for (Container c : {Container::kZlib, Container::kGzip}) {
    std::string packed = ZlibWithFlushes(text, 6, c == Container::kGzip ? 31 : 15, text.size(), Z_NO_FLUSH);
    std::string bad_check = packed;
    bad_check[bad_check.size() - (c == Container::kGzip ? 8 : 1)] ^= 1;
    auto r = DecompressAll(Algorithm::kGzip, c, bad_check, false, 1000, 1 << 16);
    CHECK(r.status().code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(r.status().message()).find(c == Container::kGzip ? "corrupt gzip data" : "corrupt zlib data") !=
          std::string::npos);
    std::string bad_header = packed;
    bad_header[0] ^= 0x40;
    r = DecompressAll(Algorithm::kGzip, c, bad_header, false, 1000, 1 << 16);
    CHECK(r.status().code() == absl::StatusCode::kDataLoss);
  }
}

TEST_CASE("piece checks are zlib's crc32 and adler32 at every length") {
  std::string text = SampleText(100000);
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{63}, size_t{64}, size_t{65},
                   size_t{5551}, size_t{5552}, size_t{5553}, size_t{65536}, text.size()}) {
    CAPTURE(n);
    const auto* p = reinterpret_cast<const Bytef*>(text.data());
    CHECK(PieceCheck(Container::kGzip, std::string_view(text).substr(0, n)) == crc32(crc32(0, nullptr, 0), p, n));
    CHECK(PieceCheck(Container::kZlib, std::string_view(text).substr(0, n)) == adler32(adler32(0, nullptr, 0), p, n));
  }
}

TEST_CASE("deflate pieces, empty ones included, read back with zlib's own inflate at every level") {
  std::string text = SampleText(200000);
  for (Container c : {Container::kZlib, Container::kGzip}) {
    for (int level : {CompressionSpec::kDefaultLevel, 1, 3, 6, 7, 9}) {
      CAPTURE(level);
      std::string stream = DeflateHeader(c, level);
      std::vector<std::string_view> pieces = {std::string_view(text).substr(0, 70000), "",
                                              std::string_view(text).substr(70000), ""};
      uint32_t check = InitialCheck(c);
      for (size_t i = 0; i < pieces.size(); ++i) {
        REQUIRE(DeflatePiece(pieces[i], level, i + 1 == pieces.size(), &stream).ok());
        check = CombineChecks(c, check, PieceCheck(c, pieces[i]), pieces[i].size());
      }
      stream += DeflateTrailer(c, check, text.size());
      // zlib's inflate, wrapper and check included (as gzip -t and
      // pg_restore read them).
      z_stream z{};
      REQUIRE(inflateInit2(&z, c == Container::kGzip ? 31 : 15) == Z_OK);
      std::string out(text.size() + 1, '\0');
      z.next_in = reinterpret_cast<Bytef*>(stream.data());
      z.avail_in = static_cast<uInt>(stream.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
      CHECK(z.avail_in == 0);
      out.resize(out.size() - z.avail_out);
      inflateEnd(&z);
      CHECK(out == text);
      // Levels 1-6 compress at least as well as half the text (ISA-L's level 1).
      CHECK(stream.size() < text.size() / 2);
    }
  }
}

TEST_CASE("--compress specs") {
  auto spec = ParseCompressionSpec("gzip:5");
  REQUIRE(spec.ok());
  CHECK(spec->algorithm == Algorithm::kGzip);
  CHECK(spec->level == 5);
  CHECK(ParseCompressionSpec("zstd")->level == CompressionSpec::kDefaultLevel);
  CHECK(ParseCompressionSpec("none")->algorithm == Algorithm::kNone);
  for (const char* bad : {"gzip:0", "gzip:10", "zstd:20", "lz4:x", "none:1", "brotli", "", "gzip:"}) {
    CAPTURE(bad);
    CHECK(ParseCompressionSpec(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(DetectCompressedStream("\x1f\x8b\x08") == Algorithm::kGzip);
  CHECK(DetectCompressedStream("\x28\xb5\x2f\xfd") == Algorithm::kZstd);
  CHECK(DetectCompressedStream(std::string("\x04\x22\x4d\x18", 4)) == Algorithm::kLz4);
  CHECK(!DetectCompressedStream("--\n-- PostgreSQL").has_value());
}

TEST_CASE("compressed outputs and inputs of plain dumps round-trip through files") {
  testing::TempFolder dir;
  std::string text = SampleText(3000000);
  for (Algorithm a : {Algorithm::kGzip, Algorithm::kZstd, Algorithm::kLz4}) {
    for (int threads : {1, 3}) {
      CAPTURE(static_cast<int>(a));
      CAPTURE(threads);
      std::string path = dir / "out" + std::string(CompressionSuffix(a));
      CHECK(CompressionForPath(path) == a);
      {
        auto raw = OutputFile::Open(path);
        REQUIRE(raw.ok());
        OutputFile out = CompressingOutput(*std::move(raw), {a, CompressionSpec::kDefaultLevel}, threads);
        CHECK(!out.Seekable());
        for (size_t pos = 0; pos < text.size(); pos += 77777) {
          iovec v{text.data() + pos, std::min<size_t>(77777, text.size() - pos)};
          REQUIRE(out.Write(std::span<const iovec>(&v, 1)).ok());
        }
        REQUIRE(out.Commit().ok());
      }
      auto raw_in = InputFile::Open(path);
      REQUIRE(raw_in.ok());
      std::string head;
      REQUIRE(raw_in->Read(&head, 10).ok());
      CHECK(DetectCompressedStream(head) == a);
      InputFile in = DecompressingInput(*std::move(raw_in), head, a);
      std::string back;
      while (true) {
        auto n = in.Read(&back, 12345);
        REQUIRE(n.ok());
        if (*n == 0) break;
      }
      CHECK(back == text);
      ::unlink(path.c_str());
    }
  }
  // A cut-off file is an error, not a short read.
  {
    std::string packed = CompressAll({Algorithm::kGzip, 1}, Container::kGzip, text, 1 << 20);
    std::string path = dir / "cut.gz";
    std::ofstream(path, std::ios::binary) << packed.substr(0, packed.size() / 2);
    auto raw_in = InputFile::Open(path);
    REQUIRE(raw_in.ok());
    InputFile in = DecompressingInput(*std::move(raw_in), "", Algorithm::kGzip);
    std::string back;
    absl::Status st;
    while (true) {
      auto n = in.Read(&back, 1 << 20);
      if (!n.ok()) {
        st = n.status();
        break;
      }
      if (*n == 0) break;
    }
    CHECK(st.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(st.message()) == path + ": the gzip stream is cut off");
  }
}

}  // namespace
}  // namespace dbanon
