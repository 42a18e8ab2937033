// Propagation to linked subjects, for the pipelines that issue actions (reports, links): the
// entries and states that carry an action from a subject to the subjects linked to it.
#ifndef ENFORCERD_ENGINE_PROPAGATION_H_
#define ENFORCERD_ENGINE_PROPAGATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

// The subject's state as `write` leaves it (if the write already holds it) or as the view has it,
// re-evaluated under `policy` first if it was last decided under another (the re-evaluation's
// entries are appended to `write`). The caller stores the result back with PutState.
absl::StatusOr<v1::SubjectState> StateUnderPolicy(const Policy& policy, PolicyRegistry& registry,
                                                  const v1::Subject& subject, absl::Time now,
                                                  LedgerView& view, LedgerWrite* write);

// Replaces the write's state of the subject, or adds it.
void PutState(v1::SubjectState state, LedgerWrite* write);

// Issues `action`, just given to `source` (whose links are in `source_state`), to every subject
// linked to it, if the policy propagates its type and it did not itself come from a link (one
// hop). Appends a propagation entry and its action entries to each target's ledger, and the
// targets' states, to `write`. `cause` is recorded in each Propagation.
absl::Status PropagateToLinked(const Policy& policy, PolicyRegistry& registry,
                               const v1::SubjectState& source_state, const v1::Action& action,
                               const std::string& cause, absl::Time now, LedgerView& view,
                               LedgerWrite* write);

// Propagates `action` to the one subject `target` (linked to `source` for `link_reason`).
// Returns the propagation record (no entry is written when nothing is issued).
absl::StatusOr<v1::Propagation> PropagateTo(const Policy& policy, PolicyRegistry& registry,
                                            const v1::Subject& source, const v1::Action& action,
                                            const v1::Subject& target,
                                            const std::string& link_reason,
                                            const std::string& cause, absl::Time now,
                                            LedgerView& view, LedgerWrite* write);

// `lifted` (an action of `source_state`'s subject) was lifted: lifts what it had propagated to
// each linked subject and is still in force there, recording a propagation entry with the lifts
// (and the lift entries) in each target's ledger. `reinstatement`, `actor` and `reason` are those
// of the source's lift.
absl::Status LiftPropagated(const Policy& policy, PolicyRegistry& registry,
                            const v1::SubjectState& source_state, const v1::ActionLift& lifted,
                            const std::string& cause, absl::Time now, LedgerView& view,
                            LedgerWrite* write);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_PROPAGATION_H_
