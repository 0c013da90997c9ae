// Fuzz target for the decompressors (src/compression.h) that read `.gz`,
// `.zst`, `.lz4` dumps and archive data blocks. The first input byte picks
// the codec, the rest is the compressed stream, fed in uneven pieces.
//
// Properties: no call appends more than the `max_out` it was given, so a
// decompression bomb is read in bounded steps (the target stops at 64 MiB);
// corrupt data is a DataLoss error; and compressing the input bytes then
// decompressing them gives them back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/compression.h"
#include "tests/fuzz/fuzz_util.h"

namespace dbanon::fuzz {
namespace {

struct Codec {
  Algorithm algorithm;
  Container container;
};
constexpr Codec kCodecs[] = {{Algorithm::kGzip, Container::kGzip},
                             {Algorithm::kGzip, Container::kZlib},
                             {Algorithm::kZstd, Container::kGzip},
                             {Algorithm::kLz4, Container::kGzip}};

// Decompresses `in`; returns the status and, in *out, at most `cap` bytes.
absl::Status Inflate(const Codec& codec, bool concatenated, std::string_view in, size_t piece, size_t cap,
                     std::string* out) {
  auto d = Decompressor::Create(codec.algorithm, codec.container, concatenated);
  FUZZ_CHECK(d.ok(), "a decompressor is created");
  constexpr size_t kMaxOut = 100000;
  while (true) {
    std::string_view part = in.substr(0, piece);
    in.remove_prefix(part.size());
    while (true) {
      size_t before = out->size();
      absl::Status s = (*d)->Decompress(&part, out, kMaxOut);
      FUZZ_CHECK(out->size() - before <= kMaxOut, "Decompress appends at most max_out bytes");
      if (!s.ok()) {
        FUZZ_CHECK(s.code() == absl::StatusCode::kDataLoss, "corrupt data is DataLoss");
        return s;
      }
      if (out->size() >= cap) return absl::OkStatus();  // a bomb: stop reading, as a caller may
      if (part.empty() && out->size() - before < kMaxOut) break;
    }
    if (in.empty()) break;
  }
  absl::Status s = (*d)->Finish();
  if (!s.ok()) FUZZ_CHECK(s.code() == absl::StatusCode::kDataLoss, "a cut-off stream is DataLoss");
  return s;
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon;
  using namespace dbanon::fuzz;
  if (size < 1 || size > (size_t{1} << 20)) return -1;
  const Codec& codec = kCodecs[data[0] % 4];
  const bool concatenated = (data[0] & 4) != 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t piece = 1 + Hash(in) % 4096;
  std::string out;
  (void)Inflate(codec, concatenated, in, piece, size_t{64} << 20, &out);

  // Round trip of the input bytes.
  CompressionSpec spec;
  spec.algorithm = codec.algorithm;
  auto c = StreamCompressor::Create(spec, codec.container);
  FUZZ_CHECK(c.ok(), "a compressor is created");
  std::string packed;
  FUZZ_CHECK((*c)->Compress(in, true, &packed).ok(), "compressing succeeds");
  std::string back;
  FUZZ_CHECK(Inflate(codec, false, packed, piece, size_t{64} << 20, &back).ok(), "compressed data decompresses");
  FUZZ_CHECK(back == in, "decompressing compressed bytes gives them back");
  return 0;
}
