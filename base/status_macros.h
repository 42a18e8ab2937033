// The one pair of early-return helpers for absl::Status / absl::StatusOr (abseil 20220623 has
// none). Use only inside functions that return absl::Status or absl::StatusOr<T>.
#ifndef ENFORCERD_BASE_STATUS_MACROS_H_
#define ENFORCERD_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                              \
  do {                                                     \
    const ::absl::Status enforcerd_status_ = (expr);       \
    if (!enforcerd_status_.ok()) return enforcerd_status_; \
  } while (false)

#define ENFORCERD_CONCAT_INNER_(a, b) a##b
#define ENFORCERD_CONCAT_(a, b) ENFORCERD_CONCAT_INNER_(a, b)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares (or assigns) x from an OK StatusOr, otherwise
// returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ENFORCERD_ASSIGN_OR_RETURN_IMPL_(ENFORCERD_CONCAT_(enforcerd_statusor_, __LINE__), lhs, rexpr)

#define ENFORCERD_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = *std::move(statusor)

#endif  // ENFORCERD_BASE_STATUS_MACROS_H_
