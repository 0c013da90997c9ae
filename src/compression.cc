#include "src/compression.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

constexpr size_t kStepOut = size_t{256} << 10;  // output produced per library call

// Decoders write each step into a buffer of their own and append what they
// produced: growing the caller's string by a whole step before each call
// would zero-fill 256 KiB to receive the 16 KiB that a 4 KiB chunk of a
// pg_dump block holds (perf: memset and page faults were a tenth of an
// archive run).
using StepBuffer = std::unique_ptr<char[]>;
StepBuffer NewStepBuffer() { return std::make_unique_for_overwrite<char[]>(kStepOut); }

int ZlibLevel(int level) { return level == CompressionSpec::kDefaultLevel ? Z_DEFAULT_COMPRESSION : level; }

absl::Status Corrupt(std::string_view codec, std::string_view detail) {
  return absl::DataLossError(absl::StrCat("corrupt ", ToAbsl(codec), " data (", ToAbsl(detail), ")"));
}

// ---------------------------------------------------------------- zlib/gzip

// Inflate with ISA-L (igzip): the same RFC 1950/1952 streams as zlib's
// inflate, about 2-3 times faster. isal_inflate parses the wrapper and
// verifies the adler32 (zlib) or crc32 and length (gzip) trailer itself
// (igzip_lib.h: crc_flag ISAL_ZLIB / ISAL_GZIP).
const char* IsalInflateError(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid block";
    case ISAL_INVALID_SYMBOL: return "invalid code";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    case ISAL_NEED_DICT: return "needs a preset dictionary";
    default: return "inflate failed";
  }
}

class InflateDecompressor : public Decompressor {
 public:
  InflateDecompressor(Container container, bool concatenated) : container_(container), concatenated_(concatenated) {}

  absl::Status Init() {
    state_ = std::make_unique<inflate_state>();
    Reset();
    return absl::OkStatus();
  }

  absl::Status Decompress(std::string_view* in, std::string* out, size_t max_out) override {
    std::string_view name = container_ == Container::kGzip ? "gzip" : "zlib";
    while (max_out > 0) {
      bool have_input = !in->empty() || !carry_.empty();
      if (ended_) {
        if (!have_input) return absl::OkStatus();
        if (!concatenated_) return Corrupt(name, "data after the end of the compressed stream");
        Reset();
      }
      if (!have_input && !pending_) return absl::OkStatus();
      // Bytes ISA-L had read past the end of the previous stream come first;
      // they are joined with the start of *in so that every call sees
      // enough input to move on.
      std::string_view src = *in;
      if (!carry_.empty()) {
        carry_.append(in->data(), std::min<size_t>(in->size(), 64));
        src = carry_;
      }
      size_t room = std::min(max_out, kStepOut);
      inflate_state& z = *state_;
      z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(src.data()));
      z.avail_in = static_cast<uint32_t>(std::min<size_t>(src.size(), 1u << 30));
      z.next_out = reinterpret_cast<uint8_t*>(step_.get());
      z.avail_out = static_cast<uint32_t>(room);
      int rc = isal_inflate(&z);
      size_t consumed = static_cast<size_t>(reinterpret_cast<const char*>(z.next_in) - src.data());
      size_t produced = room - z.avail_out;
      out->append(step_.get(), produced);
      if (carry_.empty()) {
        in->remove_prefix(consumed);
      } else {
        size_t carried = carry_.size() - std::min<size_t>(in->size(), 64);  // bytes carry_ held before the join
        if (consumed >= carried) {
          in->remove_prefix(consumed - carried);
          carry_.clear();
        } else {
          carry_.erase(0, consumed);
          carry_.resize(carried - consumed);
        }
      }
      max_out -= produced;
      seen_ = true;
      pending_ = produced == room;
      if (rc != ISAL_DECOMP_OK) return Corrupt(name, IsalInflateError(rc));
      if (z.block_state == ISAL_BLOCK_FINISH) {
        // ISA-L reads input 8 bytes at a time: the whole bytes left in its
        // bit buffer follow the stream (a next gzip member, or trailing
        // garbage), so they go back in front of the rest of the input.
        int bits = z.read_in_length;
        std::string back;
        if (bits > 0) {
          uint64_t buffered = z.read_in >> (bits % 8);
          for (int i = 0; i < bits / 8; ++i) back.push_back(static_cast<char>((buffered >> (8 * i)) & 0xff));
        }
        carry_.insert(0, back);
        ended_ = true;
        pending_ = false;
        continue;
      }
      if (consumed == 0 && produced == 0) return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    std::string_view name = container_ == Container::kGzip ? "gzip" : "zlib";
    if (!seen_) return absl::DataLossError(absl::StrCat("no ", ToAbsl(name), " stream"));
    if (!ended_) return absl::DataLossError(absl::StrCat("the ", ToAbsl(name), " stream is cut off"));
    if (!carry_.empty()) {
      if (!concatenated_) return Corrupt(name, "data after the end of the compressed stream");
      return absl::DataLossError(absl::StrCat("the ", ToAbsl(name), " stream is cut off"));
    }
    return absl::OkStatus();
  }

 private:
  void Reset() {
    isal_inflate_init(state_.get());
    state_->crc_flag = container_ == Container::kGzip ? ISAL_GZIP : ISAL_ZLIB;
    ended_ = false;
  }

  Container container_;
  bool concatenated_;
  std::unique_ptr<inflate_state> state_;  // about 40 KiB
  StepBuffer step_ = NewStepBuffer();
  std::string carry_;  // input bytes ISA-L returned after a stream's end, not yet fed again
  bool ended_ = false;
  bool seen_ = false;
  bool pending_ = false;  // the last step filled its output: more may be waiting
};

class DeflateCompressor : public StreamCompressor {
 public:
  ~DeflateCompressor() override {
    if (initialized_) deflateEnd(&z_);
  }
  absl::Status Init(int level, Container container) {
    std::memset(&z_, 0, sizeof(z_));
    int bits = container == Container::kGzip ? 15 + 16 : 15;
    if (deflateInit2(&z_, ZlibLevel(level), Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return absl::InternalError("zlib: cannot initialize deflate");
    }
    initialized_ = true;
    return absl::OkStatus();
  }
  absl::Status Compress(std::string_view in, bool final, std::string* out) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    while (true) {
      size_t old = out->size();
      size_t room = deflateBound(&z_, z_.avail_in) + 64;
      out->resize(old + room);
      z_.next_out = reinterpret_cast<Bytef*>(out->data() + old);
      z_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&z_, final ? Z_FINISH : Z_NO_FLUSH);
      out->resize(old + room - z_.avail_out);
      if (rc == Z_STREAM_END) return absl::OkStatus();
      if (rc != Z_OK && rc != Z_BUF_ERROR) return absl::InternalError("zlib: deflate failed");
      if (!final && z_.avail_in == 0) return absl::OkStatus();
    }
  }

 private:
  z_stream z_;
  bool initialized_ = false;
};

// ---------------------------------------------------------------- zstd

class ZstdDecompressor : public Decompressor {
 public:
  explicit ZstdDecompressor(bool concatenated) : concatenated_(concatenated) {}
  ~ZstdDecompressor() override { ZSTD_freeDStream(d_); }
  absl::Status Init() {
    d_ = ZSTD_createDStream();
    if (d_ == nullptr) return absl::InternalError("zstd: cannot create a decompression context");
    return absl::OkStatus();
  }
  absl::Status Decompress(std::string_view* in, std::string* out, size_t max_out) override {
    while (max_out > 0) {
      if (in->empty() && !pending_) return absl::OkStatus();
      if (frame_done_ && !in->empty() && !concatenated_) {
        return Corrupt("zstd", "data after the end of the compressed frame");
      }
      size_t room = std::min(max_out, kStepOut);
      ZSTD_inBuffer ib{in->data(), in->size(), 0};
      ZSTD_outBuffer ob{step_.get(), room, 0};
      size_t rc = ZSTD_decompressStream(d_, &ob, &ib);
      out->append(step_.get(), ob.pos);
      in->remove_prefix(ib.pos);
      max_out -= ob.pos;
      seen_ = true;
      if (ZSTD_isError(rc)) return Corrupt("zstd", ZSTD_getErrorName(rc));
      // Called with nothing to do after a frame, zstd gets ready for the
      // next one: only a step that did something tells where we are.
      if (ib.pos == 0 && ob.pos == 0) return absl::OkStatus();
      frame_done_ = rc == 0;
      pending_ = ob.pos == room;
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    if (!seen_) return absl::DataLossError("no zstd frame");
    if (!frame_done_) return absl::DataLossError("the zstd frame is cut off");
    return absl::OkStatus();
  }

 private:
  bool concatenated_;
  ZSTD_DStream* d_ = nullptr;
  StepBuffer step_ = NewStepBuffer();
  bool frame_done_ = false;
  bool seen_ = false;
  bool pending_ = false;
};

class ZstdCompressor : public StreamCompressor {
 public:
  ~ZstdCompressor() override { ZSTD_freeCCtx(c_); }
  absl::Status Init(int level, int workers) {
    c_ = ZSTD_createCCtx();
    if (c_ == nullptr) return absl::InternalError("zstd: cannot create a compression context");
    int l = level == CompressionSpec::kDefaultLevel ? ZSTD_CLEVEL_DEFAULT : level;
    ZSTD_CCtx_setParameter(c_, ZSTD_c_compressionLevel, l);
    // libzstd's multithreaded mode writes the same bytes for every number of
    // workers, but not the same bytes as its single-threaded mode (zstd(1),
    // --single-thread): so a stream that may run with several workers always
    // runs in that mode, with at least one worker, for the same output at
    // every -j (issue 15 item 11). Without multithreading support in the
    // library this fails harmlessly, and the output is the same at every -j
    // again.
    if (workers >= 1) ZSTD_CCtx_setParameter(c_, ZSTD_c_nbWorkers, workers);
    return absl::OkStatus();
  }
  absl::Status Compress(std::string_view in, bool final, std::string* out) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_EndDirective mode = final ? ZSTD_e_end : ZSTD_e_continue;
    while (true) {
      size_t old = out->size();
      size_t room = ZSTD_CStreamOutSize() + in.size() - ib.pos;
      out->resize(old + room);
      ZSTD_outBuffer ob{out->data() + old, room, 0};
      size_t rc = ZSTD_compressStream2(c_, &ob, &ib, mode);
      out->resize(old + ob.pos);
      if (ZSTD_isError(rc)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(rc)));
      if (final ? rc == 0 : ib.pos == ib.size) return absl::OkStatus();
    }
  }

 private:
  ZSTD_CCtx* c_ = nullptr;
};

// ---------------------------------------------------------------- LZ4 frame

class Lz4Decompressor : public Decompressor {
 public:
  explicit Lz4Decompressor(bool concatenated) : concatenated_(concatenated) {}
  ~Lz4Decompressor() override { LZ4F_freeDecompressionContext(d_); }
  absl::Status Init() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d_, LZ4F_VERSION))) {
      return absl::InternalError("lz4: cannot create a decompression context");
    }
    return absl::OkStatus();
  }
  absl::Status Decompress(std::string_view* in, std::string* out, size_t max_out) override {
    while (max_out > 0) {
      if (in->empty() && !pending_) return absl::OkStatus();
      if (frame_done_ && !in->empty() && !concatenated_) {
        return Corrupt("lz4", "data after the end of the compressed frame");
      }
      size_t room = std::min(max_out, kStepOut);
      size_t src = in->size();
      size_t dst = room;
      size_t rc = LZ4F_decompress(d_, step_.get(), &dst, in->data(), &src, nullptr);
      out->append(step_.get(), dst);
      in->remove_prefix(src);
      max_out -= dst;
      seen_ = true;
      if (LZ4F_isError(rc)) return Corrupt("lz4", LZ4F_getErrorName(rc));
      if (src == 0 && dst == 0) return absl::OkStatus();
      frame_done_ = rc == 0;
      pending_ = dst == room;
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    if (!seen_) return absl::DataLossError("no lz4 frame");
    if (!frame_done_) return absl::DataLossError("the lz4 frame is cut off");
    return absl::OkStatus();
  }

 private:
  bool concatenated_;
  LZ4F_dctx* d_ = nullptr;
  StepBuffer step_ = NewStepBuffer();
  bool frame_done_ = false;
  bool seen_ = false;
  bool pending_ = false;
};

class Lz4Compressor : public StreamCompressor {
 public:
  ~Lz4Compressor() override { LZ4F_freeCompressionContext(c_); }
  absl::Status Init(int level) {
    if (LZ4F_isError(LZ4F_createCompressionContext(&c_, LZ4F_VERSION))) {
      return absl::InternalError("lz4: cannot create a compression context");
    }
    std::memset(&prefs_, 0, sizeof(prefs_));
    prefs_.compressionLevel = level == CompressionSpec::kDefaultLevel ? 0 : level;
    return absl::OkStatus();
  }
  absl::Status Compress(std::string_view in, bool final, std::string* out) override {
    if (!begun_) {
      size_t old = out->size();
      out->resize(old + LZ4F_HEADER_SIZE_MAX);
      size_t rc = LZ4F_compressBegin(c_, out->data() + old, LZ4F_HEADER_SIZE_MAX, &prefs_);
      if (LZ4F_isError(rc)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(rc)));
      out->resize(old + rc);
      begun_ = true;
    }
    // Bounded steps keep LZ4F_compressBound small.
    constexpr size_t kStep = size_t{1} << 20;
    for (size_t pos = 0; pos < in.size(); pos += kStep) {
      size_t n = std::min(kStep, in.size() - pos);
      size_t old = out->size();
      size_t room = LZ4F_compressBound(n, &prefs_);
      out->resize(old + room);
      size_t rc = LZ4F_compressUpdate(c_, out->data() + old, room, in.data() + pos, n, nullptr);
      if (LZ4F_isError(rc)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(rc)));
      out->resize(old + rc);
    }
    if (final) {
      size_t old = out->size();
      size_t room = LZ4F_compressBound(0, &prefs_);
      out->resize(old + room);
      size_t rc = LZ4F_compressEnd(c_, out->data() + old, room, nullptr);
      if (LZ4F_isError(rc)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(rc)));
      out->resize(old + rc);
    }
    return absl::OkStatus();
  }

 private:
  LZ4F_cctx* c_ = nullptr;
  LZ4F_preferences_t prefs_;
  bool begun_ = false;
};

// A raw-deflate state per thread and level, reused across pieces.
struct PieceDeflater {
  z_stream z;
  int level = 0;
  bool initialized = false;
  ~PieceDeflater() {
    if (initialized) deflateEnd(&z);
  }
};

// ISA-L levels stand in for zlib's where their output stays within 10% of
// zlib -5's (the size target of issue 16; measured on dump text in
// bench/README.md): ISA-L 1 for zlib 1-3, ISA-L 3 for zlib 4-6 and the
// default (pg_dump's and DbToolsBundle's -Z 5), both several times faster.
// Levels 7 to 9 ask for the smallest output: zlib's.
bool UsesIsal(int level) { return level == CompressionSpec::kDefaultLevel || level <= 6; }
uint32_t IsalLevel(int level) { return level != CompressionSpec::kDefaultLevel && level <= 3 ? 1 : 3; }
size_t IsalLevelBufSize(uint32_t isal_level) {
  return isal_level == 1 ? ISAL_DEF_LVL1_DEFAULT : ISAL_DEF_LVL3_DEFAULT;
}

// An ISA-L deflate state per thread, with its level buffer.
constexpr size_t kIsalOutStep = size_t{1} << 20;
struct IsalPieceDeflater {
  isal_zstream z;
  std::unique_ptr<uint8_t[]> level_buf;
  uint32_t level = 0;
  std::unique_ptr<char[]> out;
  size_t out_size = 0;
};

absl::Status IsalDeflatePiece(std::string_view in, int level, bool last, std::string* out) {
  thread_local IsalPieceDeflater state;
  uint32_t isal_level = IsalLevel(level);
  if (state.level_buf == nullptr || state.level != isal_level) {
    state.level_buf = std::make_unique<uint8_t[]>(IsalLevelBufSize(isal_level));
    state.level = isal_level;
  }
  isal_zstream& z = state.z;
  isal_deflate_init(&z);
  z.level = isal_level;
  z.level_buf = state.level_buf.get();
  z.level_buf_size = static_cast<uint32_t>(IsalLevelBufSize(isal_level));
  z.gzip_flag = IGZIP_DEFLATE;  // raw deflate: the caller writes the wrapper
  z.flush = last ? NO_FLUSH : SYNC_FLUSH;
  z.end_of_stream = last ? 1 : 0;
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uint32_t>(in.size());
  // Into a per-thread buffer, then appended: resizing *out first would
  // zero-fill room for the whole input to receive half of it.
  while (true) {
    if (state.out_size < kIsalOutStep) {
      state.out = std::make_unique_for_overwrite<char[]>(kIsalOutStep);
      state.out_size = kIsalOutStep;
    }
    z.next_out = reinterpret_cast<uint8_t*>(state.out.get());
    z.avail_out = static_cast<uint32_t>(state.out_size);
    int rc = isal_deflate(&z);
    out->append(state.out.get(), state.out_size - z.avail_out);
    if (rc != COMP_OK) return absl::InternalError(absl::StrCat("isa-l: deflate failed (", rc, ")"));
    bool done = last ? z.internal_state.state == ZSTATE_END : (z.avail_in == 0 && z.avail_out > 0);
    if (done) return absl::OkStatus();
  }
}

}  // namespace

std::string_view AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kNone: return "none";
    case Algorithm::kGzip: return "gzip";
    case Algorithm::kLz4: return "lz4";
    case Algorithm::kZstd: return "zstd";
  }
  return "?";
}

std::string_view CompressionSuffix(Algorithm a) {
  switch (a) {
    case Algorithm::kNone: return "";
    case Algorithm::kGzip: return ".gz";
    case Algorithm::kLz4: return ".lz4";
    case Algorithm::kZstd: return ".zst";
  }
  return "";
}

absl::StatusOr<CompressionSpec> ParseCompressionSpec(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("--compress takes none, gzip[:1-9], lz4[:1-12] or zstd[:1-19], not '", ToAbsl(text), "'"));
  };
  std::string_view name = text;
  std::string_view level_text;
  bool has_level = false;
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    name = text.substr(0, colon);
    level_text = text.substr(colon + 1);
    has_level = true;
  }
  CompressionSpec spec;
  int max_level = 0;
  if (name == "none") {
    spec.algorithm = Algorithm::kNone;
  } else if (name == "gzip") {
    spec.algorithm = Algorithm::kGzip;
    max_level = 9;
  } else if (name == "lz4") {
    spec.algorithm = Algorithm::kLz4;
    max_level = 12;
  } else if (name == "zstd") {
    spec.algorithm = Algorithm::kZstd;
    max_level = 19;
  } else {
    return bad();
  }
  if (has_level) {
    int level;
    if (spec.algorithm == Algorithm::kNone || !absl::SimpleAtoi(ToAbsl(level_text), &level) || level < 1 ||
        level > max_level) {
      return bad();
    }
    spec.level = level;
  }
  return spec;
}

std::optional<Algorithm> DetectCompressedStream(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts(std::string_view("\x1f\x8b", 2))) return Algorithm::kGzip;
  if (starts(std::string_view("\x28\xb5\x2f\xfd", 4))) return Algorithm::kZstd;
  if (starts(std::string_view("\x04\x22\x4d\x18", 4))) return Algorithm::kLz4;
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<Decompressor>> Decompressor::Create(Algorithm algorithm, Container container,
                                                                   bool concatenated) {
  switch (algorithm) {
    case Algorithm::kGzip: {
      auto d = std::make_unique<InflateDecompressor>(container, concatenated);
      if (absl::Status s = d->Init(); !s.ok()) return s;
      return std::unique_ptr<Decompressor>(std::move(d));
    }
    case Algorithm::kZstd: {
      auto d = std::make_unique<ZstdDecompressor>(concatenated);
      if (absl::Status s = d->Init(); !s.ok()) return s;
      return std::unique_ptr<Decompressor>(std::move(d));
    }
    case Algorithm::kLz4: {
      auto d = std::make_unique<Lz4Decompressor>(concatenated);
      if (absl::Status s = d->Init(); !s.ok()) return s;
      return std::unique_ptr<Decompressor>(std::move(d));
    }
    case Algorithm::kNone:
      break;
  }
  return absl::InternalError("no decompressor for uncompressed data");
}

absl::StatusOr<std::unique_ptr<StreamCompressor>> StreamCompressor::Create(const CompressionSpec& spec,
                                                                           Container container, int workers) {
  switch (spec.algorithm) {
    case Algorithm::kGzip: {
      auto c = std::make_unique<DeflateCompressor>();
      if (absl::Status s = c->Init(spec.level, container); !s.ok()) return s;
      return std::unique_ptr<StreamCompressor>(std::move(c));
    }
    case Algorithm::kZstd: {
      auto c = std::make_unique<ZstdCompressor>();
      if (absl::Status s = c->Init(spec.level, workers); !s.ok()) return s;
      return std::unique_ptr<StreamCompressor>(std::move(c));
    }
    case Algorithm::kLz4: {
      auto c = std::make_unique<Lz4Compressor>();
      if (absl::Status s = c->Init(spec.level); !s.ok()) return s;
      return std::unique_ptr<StreamCompressor>(std::move(c));
    }
    case Algorithm::kNone:
      break;
  }
  return absl::InternalError("no compressor for uncompressed data");
}

std::string DeflateHeader(Container container, int level) {
  int l = ZlibLevel(level);
  if (container == Container::kGzip) {
    // RFC 1952: magic, CM=8, no flags, MTIME 0, XFL as zlib sets it, OS 3
    // (Unix).
    char xfl = l == 9 ? 2 : (l == 1 ? 4 : 0);
    return std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8) + xfl + '\x03';
  }
  // RFC 1950: CMF 0x78 (deflate, 32 KiB window), FLEVEL as deflate.c picks
  // it, FCHECK making the pair a multiple of 31.
  int flevel = (l == Z_DEFAULT_COMPRESSION || l == 6) ? 2 : (l < 2 ? 0 : (l < 6 ? 1 : 3));
  unsigned header = (0x78u << 8) | (static_cast<unsigned>(flevel) << 6);
  header += 31 - header % 31;
  return std::string{static_cast<char>(header >> 8), static_cast<char>(header & 0xff)};
}

absl::Status DeflatePiece(std::string_view in, int level, bool last, std::string* out) {
  if (UsesIsal(level)) return IsalDeflatePiece(in, level, last, out);
  thread_local PieceDeflater state;
  int l = ZlibLevel(level);
  if (state.initialized && state.level != l) {
    deflateEnd(&state.z);
    state.initialized = false;
  }
  if (!state.initialized) {
    std::memset(&state.z, 0, sizeof(state.z));
    if (deflateInit2(&state.z, l, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return absl::InternalError("zlib: cannot initialize deflate");
    }
    state.initialized = true;
    state.level = l;
  } else if (deflateReset(&state.z) != Z_OK) {
    return absl::InternalError("zlib: cannot reset deflate");
  }
  z_stream& z = state.z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  size_t old = out->size();
  size_t room = deflateBound(&z, in.size()) + 16;
  out->resize(old + room);
  z.next_out = reinterpret_cast<Bytef*>(out->data() + old);
  z.avail_out = static_cast<uInt>(room);
  int rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
  out->resize(old + room - z.avail_out);
  if ((last && rc != Z_STREAM_END) || (!last && rc != Z_OK) || z.avail_in != 0) {
    return absl::InternalError("zlib: deflate failed");
  }
  return absl::OkStatus();
}

uint32_t InitialCheck(Container container) {
  return container == Container::kGzip ? static_cast<uint32_t>(crc32(0L, Z_NULL, 0))
                                       : static_cast<uint32_t>(adler32(0L, Z_NULL, 0));
}

uint32_t PieceCheck(Container container, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  // ISA-L's crc32_gzip_refl is the reflected CRC-32 of gzip (RFC 1952) and
  // zlib's crc32(); isal_adler32 is zlib's adler32() (RFC 1950).
  return container == Container::kGzip ? crc32_gzip_refl(InitialCheck(container), p, data.size())
                                       : isal_adler32(InitialCheck(container), p, data.size());
}

uint32_t CombineChecks(Container container, uint32_t a, uint32_t b, uint64_t b_length) {
  z_off64_t len = static_cast<z_off64_t>(b_length);
  return container == Container::kGzip ? static_cast<uint32_t>(crc32_combine64(a, b, len))
                                       : static_cast<uint32_t>(adler32_combine64(a, b, len));
}

std::string DeflateTrailer(Container container, uint32_t check, uint64_t total_length) {
  std::string t;
  if (container == Container::kGzip) {
    for (int i = 0; i < 4; ++i) t.push_back(static_cast<char>((check >> (8 * i)) & 0xff));
    uint32_t isize = static_cast<uint32_t>(total_length & 0xffffffffu);
    for (int i = 0; i < 4; ++i) t.push_back(static_cast<char>((isize >> (8 * i)) & 0xff));
  } else {
    for (int i = 3; i >= 0; --i) t.push_back(static_cast<char>((check >> (8 * i)) & 0xff));
  }
  return t;
}

}  // namespace dbanon
