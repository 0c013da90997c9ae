#include "parsers/pg_archive.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/source_position.h"
#include "base/string_view_compat.h"

namespace dbanon {
namespace {

// Reads the primitive encodings of formats.md B.1 from a buffer that may end
// early: every reader returns false when the buffer is exhausted.
class Cursor {
 public:
  Cursor(std::string_view data, int int_size, int off_size) : data_(data), int_size_(int_size), off_size_(off_size) {}

  size_t pos() const { return pos_; }
  void set_sizes(int int_size, int off_size) {
    int_size_ = int_size;
    off_size_ = off_size;
  }

  bool Byte(uint8_t* b) {
    if (pos_ >= data_.size()) return false;
    *b = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (data_.size() - pos_ < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // ReadInt: sign byte, then int_size bytes least significant first.
  // Magnitudes beyond 63 bits set `overflow`.
  bool Int(int64_t* v, bool* overflow) {
    if (data_.size() - pos_ < static_cast<size_t>(int_size_) + 1) return false;
    uint8_t sign = static_cast<uint8_t>(data_[pos_]);
    uint64_t mag = 0;
    for (int i = 0; i < int_size_; ++i) {
      uint64_t b = static_cast<uint8_t>(data_[pos_ + 1 + i]);
      if (i >= 8 || (i == 7 && b >= 0x80)) {
        if (b != 0) *overflow = true;
        continue;
      }
      mag |= b << (8 * i);
    }
    pos_ += static_cast<size_t>(int_size_) + 1;
    *v = sign != 0 ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
    return true;
  }
  // ReadStr: Int length, -1 for NULL.
  enum class StrResult { kOk, kShort, kBad };
  StrResult Str(std::optional<std::string>* s) {
    int64_t len;
    bool overflow = false;
    if (!Int(&len, &overflow)) return StrResult::kShort;
    if (overflow || len < -1) return StrResult::kBad;
    if (len == -1) {
      s->reset();
      return StrResult::kOk;
    }
    std::string_view bytes;
    if (!Bytes(static_cast<size_t>(len), &bytes)) {
      return static_cast<uint64_t>(len) > (uint64_t{1} << 40) ? StrResult::kBad : StrResult::kShort;
    }
    s->emplace(bytes);
    return StrResult::kOk;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int int_size_;
  int off_size_;
};

absl::Status Bad(size_t pos, std::string_view message) {
  return ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(static_cast<int64_t>(pos)), message);
}

// Decimal text of a dependency or OID, checked without quoting it.
bool IsDecimal(const std::string& s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool LooksLikeArchive(std::string_view head) {
  if (head.substr(0, 5) == "PGDMP") return true;
  if (head.size() < 11) return false;
  auto b = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  return b(5) == 1 && b(6) >= 10 && b(6) <= 16 && b(8) >= 1 && b(8) <= 8 && b(9) >= 1 && b(9) <= 8 &&
         (b(10) == 1 || b(10) == 3);
}

uint8_t ArchiveHeader::algorithm() const {
  if (version() >= kArchiveV1_15) return compression_algorithm;
  return compression_level != 0 ? 1 : 0;
}

void AppendArchiveInt(int64_t value, int int_size, std::string* out) {
  // WriteInt: a sign byte, then the magnitude least significant byte first.
  uint64_t mag = value < 0 ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  out->push_back(value < 0 ? 1 : 0);
  for (int i = 0; i < int_size; ++i) {
    out->push_back(i < 8 ? static_cast<char>((mag >> (8 * i)) & 0xff) : '\0');
  }
}

void AppendArchiveStr(const std::optional<std::string>& s, int int_size, std::string* out) {
  if (!s.has_value()) {
    AppendArchiveInt(-1, int_size, out);
    return;
  }
  AppendArchiveInt(static_cast<int64_t>(s->size()), int_size, out);
  out->append(*s);
}

void AppendArchiveOffset(uint8_t flag, uint64_t offset, int off_size, std::string* out) {
  out->push_back(static_cast<char>(flag));
  for (int i = 0; i < off_size; ++i) {
    out->push_back(i < 8 ? static_cast<char>((offset >> (8 * i)) & 0xff) : '\0');
  }
}

absl::StatusOr<std::optional<ArchiveHead>> ParseArchiveHead(std::string_view data, ArchiveFormat expected) {
  using Result = absl::StatusOr<std::optional<ArchiveHead>>;
  auto need_more = [] { return Result(std::optional<ArchiveHead>()); };
  ArchiveHead head;
  ArchiveHeader& h = head.header;
  Cursor c(data, 4, 8);
  std::string_view magic;
  if (!c.Bytes(5, &magic)) {
    if (std::string_view("PGDMP").substr(0, data.size()) != data) {
      return Bad(0, "no PGDMP magic: not a pg_dump archive, or a damaged one");
    }
    return need_more();
  }
  if (magic != "PGDMP") return Bad(0, "no PGDMP magic: not a pg_dump archive, or a damaged one");
  if (!c.Byte(&h.vmaj) || !c.Byte(&h.vmin) || !c.Byte(&h.vrev)) return need_more();
  uint32_t version = h.version();
  if (version < kArchiveMin || version > kArchiveMax) {
    return Bad(5, absl::StrCat("unsupported archive version ", int{h.vmaj}, ".", int{h.vmin},
                               " (dbanon reads versions 1.12 to 1.16, written by pg_dump 9.0 to 18)"));
  }
  if (!c.Byte(&h.int_size) || !c.Byte(&h.off_size) || !c.Byte(&h.format)) return need_more();
  // pg_restore accepts up to 32-byte integers but reads them into a C int;
  // more than 8 bytes of magnitude cannot be meaningful.
  if (h.int_size < 1 || h.int_size > 8) return Bad(8, absl::StrCat("unsupported integer size ", int{h.int_size}));
  if (h.off_size < 1 || h.off_size > 8) return Bad(9, absl::StrCat("unsupported offset size ", int{h.off_size}));
  if (h.format != static_cast<uint8_t>(expected)) {
    if (h.format == static_cast<uint8_t>(ArchiveFormat::kTar) && expected == ArchiveFormat::kCustom) {
      return Bad(10, "this is the toc.dat of a directory archive (pg_dump -Fd): give the directory instead");
    }
    return Bad(10, absl::StrCat("unexpected archive format byte ", int{h.format}, " (expected ",
                                static_cast<int>(expected), ")"));
  }
  c.set_sizes(h.int_size, h.off_size);
  bool overflow = false;
  head.compression_field = c.pos();
  if (version >= kArchiveV1_15) {
    if (!c.Byte(&h.compression_algorithm)) return need_more();
    if (h.compression_algorithm > 3) {
      return Bad(head.compression_field, absl::StrCat("unknown compression algorithm ", int{h.compression_algorithm}));
    }
  } else {
    int64_t level;
    if (!c.Int(&level, &overflow)) return need_more();
    if (overflow || level < -1 || level > 9) {
      return Bad(head.compression_field, "invalid compression level in the archive header");
    }
    h.compression_level = static_cast<int>(level);
  }
  head.compression_field_size = c.pos() - head.compression_field;
  for (int64_t& v : h.created) {
    if (!c.Int(&v, &overflow)) return need_more();
  }
  if (overflow) return Bad(c.pos(), "invalid creation date in the archive header");
  for (std::optional<std::string>* s : {&h.dbname, &h.server_version, &h.dump_version}) {
    size_t at = c.pos();
    Cursor::StrResult r = c.Str(s);
    if (r == Cursor::StrResult::kShort) return need_more();
    if (r == Cursor::StrResult::kBad) return Bad(at, "invalid string length in the archive header");
  }
  head.header_size = c.pos();

  int64_t count;
  if (!c.Int(&count, &overflow)) return need_more();
  if (overflow || count < 0 || count > (int64_t{1} << 31)) return Bad(head.header_size, "invalid TOC entry count");
  for (int64_t i = 0; i < count; ++i) {
    TocEntry e;
    size_t entry_at = c.pos();
    e.entry_offset = entry_at;
    auto str = [&](std::optional<std::string>* s) -> absl::StatusOr<bool> {
      size_t at = c.pos();
      Cursor::StrResult r = c.Str(s);
      if (r == Cursor::StrResult::kShort) return false;
      if (r == Cursor::StrResult::kBad) {
        return Bad(at, absl::StrCat("invalid string length in TOC entry ", i + 1));
      }
      return true;
    };
    auto integer = [&](int64_t* v) -> absl::StatusOr<bool> {
      size_t at = c.pos();
      bool of = false;
      if (!c.Int(v, &of)) return false;
      if (of) return Bad(at, absl::StrCat("integer out of range in TOC entry ", i + 1));
      return true;
    };
#define DBANON_READ(expr)                  \
  do {                                     \
    auto ok_ = (expr);                     \
    if (!ok_.ok()) return ok_.status();    \
    if (!*ok_) return need_more();           \
  } while (0)
    DBANON_READ(integer(&e.dump_id));
    if (e.dump_id <= 0 || e.dump_id > INT32_MAX) {
      return Bad(entry_at, absl::StrCat("TOC entry ", i + 1, " has an invalid dump id (corrupt TOC)"));
    }
    DBANON_READ(integer(&e.had_dumper));
    DBANON_READ(str(&e.table_oid));
    DBANON_READ(str(&e.oid));
    DBANON_READ(str(&e.tag));
    DBANON_READ(str(&e.desc));
    DBANON_READ(integer(&e.section));
    if (e.section < 1 || e.section > 4) {
      return Bad(entry_at, absl::StrCat("TOC entry ", e.dump_id, " has an unknown section ", e.section));
    }
    DBANON_READ(str(&e.defn));
    DBANON_READ(str(&e.drop_stmt));
    DBANON_READ(str(&e.copy_stmt));
    DBANON_READ(str(&e.namespace_name));
    DBANON_READ(str(&e.tablespace));
    if (version >= kArchiveV1_14) DBANON_READ(str(&e.tableam));
    if (version >= kArchiveV1_16) DBANON_READ(integer(&e.relkind));
    DBANON_READ(str(&e.owner));
    DBANON_READ(str(&e.with_oids));
    while (true) {
      std::optional<std::string> dep;
      size_t at = c.pos();
      DBANON_READ(str(&dep));
      if (!dep.has_value()) break;
      if (!IsDecimal(*dep)) {
        return Bad(at, absl::StrCat("TOC entry ", e.dump_id, " has a dependency that is not a number"));
      }
      e.dependencies.push_back(std::move(*dep));
    }
    if (expected == ArchiveFormat::kCustom) {
      e.offset_field = c.pos();
      uint8_t flag;
      std::string_view bytes;
      if (!c.Byte(&flag) || !c.Bytes(h.off_size, &bytes)) return need_more();
      if (flag != kOffsetNotSet && flag != kOffsetSet && flag != kOffsetNoData) {
        return Bad(e.offset_field,
                   absl::StrCat("TOC entry ", e.dump_id, " has an unexpected data offset flag ", int{flag}));
      }
      e.offset_flag = flag;
      e.offset = 0;
      for (size_t b = 0; b < bytes.size(); ++b) e.offset |= uint64_t{static_cast<uint8_t>(bytes[b])} << (8 * b);
    } else {
      DBANON_READ(str(&e.filename));
    }
#undef DBANON_READ
    head.toc.push_back(std::move(e));
  }
  head.size = c.pos();
  return std::optional<ArchiveHead>(std::move(head));
}

std::string SerializeArchiveHead(const ArchiveHead& head) {
  const ArchiveHeader& h = head.header;
  int is = h.int_size;
  std::string out = "PGDMP";
  for (uint8_t b : {h.vmaj, h.vmin, h.vrev, h.int_size, h.off_size, h.format}) out.push_back(static_cast<char>(b));
  if (h.version() >= kArchiveV1_15) {
    out.push_back(static_cast<char>(h.compression_algorithm));
  } else {
    AppendArchiveInt(h.compression_level, is, &out);
  }
  for (int64_t v : h.created) AppendArchiveInt(v, is, &out);
  AppendArchiveStr(h.dbname, is, &out);
  AppendArchiveStr(h.server_version, is, &out);
  AppendArchiveStr(h.dump_version, is, &out);
  AppendArchiveInt(static_cast<int64_t>(head.toc.size()), is, &out);
  bool custom = h.format == static_cast<uint8_t>(ArchiveFormat::kCustom);
  for (const TocEntry& e : head.toc) {
    AppendArchiveInt(e.dump_id, is, &out);
    AppendArchiveInt(e.had_dumper, is, &out);
    AppendArchiveStr(e.table_oid, is, &out);
    AppendArchiveStr(e.oid, is, &out);
    AppendArchiveStr(e.tag, is, &out);
    AppendArchiveStr(e.desc, is, &out);
    AppendArchiveInt(e.section, is, &out);
    AppendArchiveStr(e.defn, is, &out);
    AppendArchiveStr(e.drop_stmt, is, &out);
    AppendArchiveStr(e.copy_stmt, is, &out);
    AppendArchiveStr(e.namespace_name, is, &out);
    AppendArchiveStr(e.tablespace, is, &out);
    if (h.version() >= kArchiveV1_14) AppendArchiveStr(e.tableam, is, &out);
    if (h.version() >= kArchiveV1_16) AppendArchiveInt(e.relkind, is, &out);
    AppendArchiveStr(e.owner, is, &out);
    AppendArchiveStr(e.with_oids, is, &out);
    for (const std::string& d : e.dependencies) AppendArchiveStr(d, is, &out);
    AppendArchiveStr(std::nullopt, is, &out);
    if (custom) {
      AppendArchiveOffset(e.offset_flag, e.offset, h.off_size, &out);
    } else {
      AppendArchiveStr(e.filename, is, &out);
    }
  }
  return out;
}

absl::StatusOr<size_t> DataAreaScanner::Scan(std::string_view input, std::vector<Event>* events) {
  size_t pos = 0;
  const size_t int_bytes = static_cast<size_t>(int_size_) + 1;
  // Decodes the Int at input[pos]; false when it is not all there.
  auto read_int = [&](int64_t* v) -> absl::StatusOr<bool> {
    if (input.size() - pos < int_bytes) return false;
    uint64_t mag = 0;
    for (int i = 0; i < int_size_; ++i) {
      uint64_t b = static_cast<uint8_t>(input[pos + 1 + i]);
      if (i >= 4 && b != 0) return Bad(offset_ + pos, "integer out of range in a data block");
      mag |= b << (8 * i);
    }
    *v = input[pos] != 0 ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
    return true;
  };
  auto emit = [&](Event::Kind kind, size_t begin, size_t end) {
    Event e;
    e.kind = kind;
    e.begin = begin;
    e.end = end;
    e.block_type = block_type_;
    e.dump_id = dump_id_;
    events->push_back(e);
    return &events->back();
  };
  while (pos < input.size()) {
    switch (state_) {
      case State::kBlockType: {
        uint8_t t = static_cast<uint8_t>(input[pos]);
        if (t != kBlockData && t != kBlockBlobs) {
          return Bad(offset_ + pos, absl::StrCat("unknown data block type ", int{t},
                                                 t == 2 ? " (old-style large objects are not supported)" : ""));
        }
        if (input.size() - pos < 1 + int_bytes) {
          offset_ += pos;
          return pos;
        }
        block_type_ = t;
        ++pos;
        int64_t id = 0;
        auto ok = read_int(&id);
        if (!ok.ok()) return ok.status();
        if (id <= 0) return Bad(offset_ + pos, "invalid dump id in a data block header");
        pos += int_bytes;
        dump_id_ = id;
        in_block_ = true;
        emit(Event::Kind::kBlockStart, pos - 1 - int_bytes, pos);
        state_ = t == kBlockData ? State::kChunkLength : State::kObjectOid;
        break;
      }
      case State::kObjectOid: {
        int64_t oid = 0;
        auto ok = read_int(&oid);
        if (!ok.ok()) return ok.status();
        if (!*ok) {
          offset_ += pos;
          return pos;
        }
        pos += int_bytes;
        if (oid == 0) {
          emit(Event::Kind::kBlockEnd, pos - int_bytes, pos);
          in_block_ = false;
          state_ = State::kBlockType;
        } else {
          emit(Event::Kind::kObjectStart, pos - int_bytes, pos)->oid = oid;
          state_ = State::kChunkLength;
        }
        break;
      }
      case State::kChunkLength: {
        int64_t len = 0;
        auto ok = read_int(&len);
        if (!ok.ok()) return ok.status();
        if (!*ok) {
          offset_ += pos;
          return pos;
        }
        if (len < 0) return Bad(offset_ + pos, "negative chunk length in a data block");
        pos += int_bytes;
        if (len == 0) {
          emit(Event::Kind::kStreamEnd, pos - int_bytes, pos);
          if (block_type_ == kBlockData) {
            emit(Event::Kind::kBlockEnd, pos, pos);
            in_block_ = false;
            state_ = State::kBlockType;
          } else {
            state_ = State::kObjectOid;
          }
        } else {
          emit(Event::Kind::kChunkHeader, pos - int_bytes, pos);
          chunk_left_ = static_cast<uint64_t>(len);
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_left_, input.size() - pos));
        emit(Event::Kind::kChunkData, pos, pos + n);
        pos += n;
        chunk_left_ -= n;
        if (chunk_left_ == 0) state_ = State::kChunkLength;
        break;
      }
    }
  }
  offset_ += pos;
  return pos;
}

absl::Status DataAreaScanner::Finish() const {
  if (!in_block_ && state_ == State::kBlockType) return absl::OkStatus();
  return Bad(offset_, absl::StrCat("the archive is cut off inside the data block of TOC entry ", dump_id_));
}

}  // namespace dbanon
