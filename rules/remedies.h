// Remedies and linked subjects: what recording a remedy, or an action on a linked subject, does
// to a subject. Pure functions of (policy, the subject's state, the event, now), like the
// evaluator, so the fold can replay them.
#ifndef ENFORCERD_RULES_REMEDIES_H_
#define ENFORCERD_RULES_REMEDIES_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// The rule id of actions a subject receives from a linked subject. A re-evaluation leaves them
// alone: they follow the linked subject, not this subject's violations.
inline constexpr char kLinkedSubjectRuleId[] = "linked-subject";

// When `remedy` may next be recorded for the subject, if its once_every term forbids it at `now`.
std::optional<absl::Time> RemedyNotBefore(const RemedyPolicy& remedy, const v1::SubjectState& state,
                                          absl::Time now);

struct RemedyOutcome {
  v1::Remedy record;  // remedy_id, request_id, actor and note are the caller's to fill
  v1::SubjectState state;
};

// Records `remedy` (about `violation_id`, "" for none) at `now`: ends the actions of the types it
// ends, cancels the violation's pending actions if it cancels them, and keeps a RemedyFact from
// which scoring restores its points. The caller checked RemedyNotBefore and the violation.
RemedyOutcome ApplyRemedy(const Policy& policy, const RemedyPolicy& remedy, v1::SubjectState state,
                          const std::string& violation_id, absl::Time now);

struct PropagationOutcome {
  v1::Propagation record;
  v1::SubjectState state;
};

// Issues `source_action` (issued to the linked subject `source`) to `target`, through the action
// planner (nothing if an action as high already covers it). Ids "<id_prefix>/<KIND>/<n>".
// `link_reason` is why the two are linked.
PropagationOutcome Propagate(const Policy& policy, v1::SubjectState target,
                             const v1::Subject& source, const v1::Action& source_action,
                             const std::string& link_reason, absl::Time now,
                             const std::string& id_prefix);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_REMEDIES_H_
