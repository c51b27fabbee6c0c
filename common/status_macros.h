// HEARTH_RETURN_IF_ERROR / HEARTH_ASSIGN_OR_RETURN: Debian 12's abseil (20220623) does not
// ship absl/status/status_macros.h, so we keep these two here.
#ifndef HEARTH_COMMON_STATUS_MACROS_H_
#define HEARTH_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HEARTH_RETURN_IF_ERROR(expr)                      \
  do {                                                    \
    if (::absl::Status _status = (expr); !_status.ok()) { \
      return _status;                                     \
    }                                                     \
  } while (0)

#define HEARTH_STATUS_CONCAT_INNER(a, b) a##b
#define HEARTH_STATUS_CONCAT(a, b) HEARTH_STATUS_CONCAT_INNER(a, b)

// HEARTH_ASSIGN_OR_RETURN(auto value, MaybeValue());
#define HEARTH_ASSIGN_OR_RETURN(lhs, expr) \
  HEARTH_ASSIGN_OR_RETURN_IMPL(HEARTH_STATUS_CONCAT(_statusor_, __LINE__), lhs, expr)
#define HEARTH_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) {                                   \
    return std::move(statusor).status();                  \
  }                                                       \
  lhs = *std::move(statusor)

#endif  // HEARTH_COMMON_STATUS_MACROS_H_
