// Debian 12's Abseil (20220623) has its own absl::string_view, distinct from
// std::string_view. dbanon uses std::string_view everywhere and converts at
// the boundary with these two helpers.
#ifndef DBANON_BASE_STRING_VIEW_COMPAT_H_
#define DBANON_BASE_STRING_VIEW_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dbanon {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace dbanon

#endif  // DBANON_BASE_STRING_VIEW_COMPAT_H_
