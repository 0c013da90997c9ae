// errno to absl::Status, one mapping for every file operation of src/ so that
// the exit code of an I/O failure does not depend on which file failed.
// Header only; thread-safe on glibc, whose strerror returns a constant string
// for every known error number.
#ifndef DBANON_BASE_ERRNO_STATUS_H_
#define DBANON_BASE_ERRNO_STATUS_H_

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view_compat.h"

namespace dbanon {

// "`what`: <strerror(err)>", as NotFound (ENOENT), PermissionDenied (EACCES,
// EPERM, EROFS) or Unavailable (anything else). `what` names the file and the
// operation, never data.
inline absl::Status ErrnoStatus(int err, std::string_view what) {
  std::string message = absl::StrCat(ToAbsl(what), ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

}  // namespace dbanon

#endif  // DBANON_BASE_ERRNO_STATUS_H_
