// Voiding a violation: what an overturned appeal, a reduced one and a rights holder's retraction
// write. The violation stays in the ledger; a ViolationVoid entry says from when it no longer
// counts (or counts fewer points), by whom and why, and carries the subject's standing recomputed
// from the remaining history under the policy in force. Every timed action the recomputation no
// longer supports is lifted by a reinstatement entry; permanent ones are kept and listed for
// review (only a staff reinstatement lifts them).
#ifndef ENFORCERD_ENGINE_VOIDING_H_
#define ENFORCERD_ENGINE_VOIDING_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

struct VoidRequest {
  std::string violation_id;
  // Set for a reduction: the points the violation counts from now on.
  std::optional<int> reduced_points;
  // In words ("appeal a12 overturned"), who and why.
  std::string cause;
  std::string actor;
  std::string reason;
  // What voided it (one of them).
  std::string appeal_id;
  std::string retraction_id;
};

// Voids (or reduces) `request.violation_id` in every ledger it is recorded in, under `policy` at
// `now`: appends each subject's void entry and the entries of its recomputation (issued actions,
// reinstatement lifts) and its new state to `write`. Returns the void records, seller first.
// NOT_FOUND for an unknown violation; FAILED_PRECONDITION if it is already voided.
absl::StatusOr<std::vector<v1::ViolationVoid>> VoidViolation(const Policy& policy,
                                                             PolicyRegistry& registry,
                                                             const VoidRequest& request,
                                                             absl::Time now, LedgerView& view,
                                                             LedgerWrite* write);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_VOIDING_H_
