// Where in the input an error was found, carried by the absl::Status as a
// structured payload (like the exit class, base/exit_class.h), so that code
// that moves or names a position (the archive road puts a data stream's name
// before a row's line and column, src/archive_engine.h) reads it as numbers
// instead of parsing message text.
//
// A position is a 1-based line and column in a text (a plain dump, a data
// file of a directory archive, a config file) or a byte offset from the
// start of a binary file (a custom-format archive, toc.dat), and the file's
// name once a caller knows it. Messages keep their printed form, which tests
// and users read (README.md, "Errors"):
//   "FILE:LINE:COL: what"   ("LINE:COL: what" before the file is known)
//   "FILE:byte N: what"     ("byte N: what")
// ErrorAt and InFile set the payload and the message together; WithMessage
// (base/exit_class.h) keeps the payload of the status it copies.
//
// Header only; thread-safe (pure functions of their arguments).
#ifndef DBANON_BASE_SOURCE_POSITION_H_
#define DBANON_BASE_SOURCE_POSITION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"

namespace dbanon {

// Also the position of a config entry (src/config.h), as {line, column}.
struct SourcePosition {
  int64_t line = 0;    // 1-based; 0 for a byte position
  int64_t column = 0;  // 1-based; 0 for a byte position
  int64_t byte = -1;   // >= 0: a byte offset from the file's start (line and column are 0 then)
  std::string file;    // empty: not known (yet) where the error is born

  static SourcePosition LineColumn(int64_t line, int64_t column, std::string file = {}) {
    return SourcePosition{line, column, -1, std::move(file)};
  }
  static SourcePosition Byte(int64_t byte, std::string file = {}) { return SourcePosition{0, 0, byte, std::move(file)}; }
  bool is_byte() const { return byte >= 0; }

  // "FILE:LINE:COL", "LINE:COL", "FILE:byte N" or "byte N".
  std::string Text() const {
    std::string where = is_byte() ? absl::StrCat("byte ", byte) : absl::StrCat(line, ":", column);
    return file.empty() ? where : absl::StrCat(ToAbsl(file), ":", where);
  }

  bool operator==(const SourcePosition&) const = default;
};

inline constexpr std::string_view kSourcePositionPayloadUrl = "type.dbanon/source-position";

// The position `s` carries, if any.
inline std::optional<SourcePosition> ErrorPosition(const absl::Status& s) {
  auto payload = s.GetPayload(ToAbsl(kSourcePositionPayloadUrl));
  if (!payload.has_value()) return std::nullopt;
  // "LINE COLUMN BYTE FILE": three decimal numbers, then the file's name
  // (any bytes, spaces and colons included).
  std::string v(*payload);
  SourcePosition p;
  size_t a = v.find(' ');
  size_t b = a == std::string::npos ? a : v.find(' ', a + 1);
  size_t c = b == std::string::npos ? b : v.find(' ', b + 1);
  if (c == std::string::npos || !absl::SimpleAtoi(v.substr(0, a), &p.line) ||
      !absl::SimpleAtoi(v.substr(a + 1, b - a - 1), &p.column) ||
      !absl::SimpleAtoi(v.substr(b + 1, c - b - 1), &p.byte)) {
    return std::nullopt;
  }
  p.file = v.substr(c + 1);
  return p;
}

// `s` carrying `pos` (an OK status is returned unchanged); the message is
// left as it is.
inline absl::Status SetPosition(absl::Status s, const SourcePosition& pos) {
  if (!s.ok()) {
    s.SetPayload(ToAbsl(kSourcePositionPayloadUrl),
                 absl::Cord(absl::StrCat(pos.line, " ", pos.column, " ", pos.byte, " ", ToAbsl(pos.file))));
  }
  return s;
}

// An error found at `pos`: the message "POSITION: what".
inline absl::Status ErrorAt(absl::StatusCode code, const SourcePosition& pos, std::string_view what) {
  return SetPosition(absl::Status(code, absl::StrCat(pos.Text(), ": ", ToAbsl(what))), pos);
}

// The error `cause` (its code and payloads kept) found at `pos`: the message
// "POSITION: cause's message"; a position `cause` had is replaced.
inline absl::Status ErrorAt(const absl::Status& cause, const SourcePosition& pos) {
  return SetPosition(WithMessage(cause, absl::StrCat(pos.Text(), ": ", cause.message())), pos);
}

// The message of `s` without its leading position ("what" of "POS: what"),
// or the whole message when `s` carries no position or its message does not
// start with it. The view points into `s`, valid while `s` lives unchanged.
inline std::string_view MessageWithoutPosition(const absl::Status& s) {
  std::string_view m = ToStd(s.message());
  std::optional<SourcePosition> pos = ErrorPosition(s);
  if (!pos.has_value()) return m;
  std::string prefix = pos->Text() + ": ";
  if (m.substr(0, prefix.size()) != prefix) return m;
  return m.substr(prefix.size());
}

// `s` found in the file `file`: "FILE:" goes before the message ("FILE:" +
// "LINE:COL: what"), and into the position when `s` carries one without a
// file. Code and other payloads are kept.
inline absl::Status InFile(const absl::Status& s, std::string_view file) {
  absl::Status out = WithMessage(s, absl::StrCat(ToAbsl(file), ":", s.message()));
  if (std::optional<SourcePosition> pos = ErrorPosition(s); pos.has_value() && pos->file.empty()) {
    pos->file = std::string(file);
    out = SetPosition(std::move(out), *pos);
  }
  return out;
}

}  // namespace dbanon

#endif  // DBANON_BASE_SOURCE_POSITION_H_
