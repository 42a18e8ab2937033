// What the appeal pipeline reads from a subject's ledger about one violation, and the policy's
// appeal terms checked against it. Pure functions of the ledger, the policy and the time.
#ifndef ENFORCERD_ENGINE_APPEAL_TERMS_H_
#define ENFORCERD_ENGINE_APPEAL_TERMS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// One violation as the subject's ledger records it, with its appeals and voids.
struct AppealHistory {
  v1::Violation violation;
  absl::Time decided_at;
  std::vector<v1::Appeal> appeals;                // oldest first
  std::vector<v1::AppealResolution> resolutions;  // oldest first
  std::optional<v1::ViolationVoid> voided;        // a void that was not a reduction
  std::optional<int> reduced_points;              // the last reduction
};

// NOT_FOUND if the violation (with its decision) is not in `log`, the ledger of `subject`.
absl::StatusOr<AppealHistory> AppealHistoryOf(const std::vector<v1::LedgerEntry>& log,
                                              const v1::Subject& subject,
                                              const std::string& violation_id);

// The last moment a new appeal may be filed, or FAILED_PRECONDITION naming the term that forbids
// it and until when: the violation is voided, an appeal of it is open, it had `per_violation`
// appeals, or the time to appeal (after the decision, or after the last rejection) ran out.
absl::StatusOr<absl::Time> CheckAppealTerms(const AppealTerms& terms, const AppealHistory& history,
                                            absl::Time now);

// The violation's pending actions, held for appeal `appeal_id`: they do not take effect until it
// is resolved (effective_at far away, paused_by_appeal set).
std::vector<v1::Action> PausedActions(const v1::SubjectState& state,
                                      const std::string& violation_id, const std::string& appeal_id,
                                      absl::Time now);

// The actions `appeal` holds, pending again from `now` with the grace they had left when it was
// filed (and their full duration after). Their originals are read from `log`.
std::vector<v1::Action> ResumedActions(const v1::SubjectState& state, const v1::Appeal& appeal,
                                       const std::vector<v1::LedgerEntry>& log, absl::Time now);

// The points the violation counts now under `policy` (its reduction, if any).
int CurrentPoints(const Policy& policy, const AppealHistory& history);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_APPEAL_TERMS_H_
