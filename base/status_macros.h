// The one definition of dbanon's Status macros: every folder includes this
// header; none defines its own. Header only, no state.
//
//   DBANON_ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>);
//     on error returns its Status from the enclosing function, otherwise
//     declares `auto lhs` holding the value. It also declares `lhs##_or`, so
//     `lhs` must be a plain name, used once per scope.
#ifndef DBANON_BASE_STATUS_MACROS_H_
#define DBANON_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DBANON_ASSIGN_OR_RETURN(lhs, expr)      \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = *std::move(lhs##_or)

#endif  // DBANON_BASE_STATUS_MACROS_H_
