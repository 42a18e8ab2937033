#include "engine/voiding.h"

// PLACEHOLDER: the core is being written.

namespace enforcer {

absl::StatusOr<std::vector<v1::ViolationVoid>> VoidViolation(const Policy& policy,
                                                             PolicyRegistry& registry,
                                                             const VoidRequest& request,
                                                             absl::Time now, LedgerView& view,
                                                             LedgerWrite* write) {
  return absl::UnimplementedError("VoidViolation: not yet");
}

}  // namespace enforcer
