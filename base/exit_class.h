// The exit class of an error: which of README's exit codes it ends the run
// with (2 usage or config, 3 malformed or unsupported input, 4 I/O, 141 the
// reader of the output went away). The class is set where the error is born
// and travels with the absl::Status as a payload, so no caller has to change
// a status code to steer the exit code; src/main.cc maps a class to a number
// in one place. Header only; thread-safe (pure functions of their arguments).
//
// A status without the payload gets the class of its code:
//   InvalidArgument, FailedPrecondition         -> kUsage
//   DataLoss, Unimplemented                     -> kInput
//   NotFound, PermissionDenied, Unavailable,
//   ResourceExhausted                           -> kIo
//   Aborted                                     -> kClosedPipe
//   anything else                               -> kInternal
#ifndef DBANON_BASE_EXIT_CLASS_H_
#define DBANON_BASE_EXIT_CLASS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "base/string_view_compat.h"

namespace dbanon {

enum class ExitClass { kUsage, kInput, kIo, kClosedPipe, kInternal };

inline constexpr std::string_view kExitClassPayloadUrl = "type.dbanon/exit-class";

// `s` with its exit class set to `c` (an OK status is returned unchanged).
inline absl::Status WithExitClass(absl::Status s, ExitClass c) {
  if (!s.ok()) s.SetPayload(ToAbsl(kExitClassPayloadUrl), absl::Cord(std::string(1, static_cast<char>('0' + static_cast<int>(c)))));
  return s;
}

// The class set by WithExitClass, else the class of the status code (above).
inline ExitClass ExitClassOf(const absl::Status& s) {
  if (auto p = s.GetPayload(ToAbsl(kExitClassPayloadUrl)); p.has_value()) {
    std::string v(*p);
    if (v.size() == 1 && v[0] >= '0' && v[0] <= '0' + static_cast<int>(ExitClass::kInternal)) {
      return static_cast<ExitClass>(v[0] - '0');
    }
  }
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return ExitClass::kUsage;
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnimplemented:
      return ExitClass::kInput;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      return ExitClass::kIo;
    case absl::StatusCode::kAborted:
      return ExitClass::kClosedPipe;
    default:
      return ExitClass::kInternal;
  }
}

// A status with the code and every payload (the exit class among them) of
// `s` and the message `message`: how a caller adds context ("FILE:" before
// "LINE:COL: what") without losing what the error carries.
inline absl::Status WithMessage(const absl::Status& s, std::string_view message) {
  absl::Status out(s.code(), ToAbsl(message));
  s.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace dbanon

#endif  // DBANON_BASE_EXIT_CLASS_H_
