// What time alone does to a subject's actions: a timed action runs its course, a pending action
// takes effect. The scheduler records each as a ledger entry (ActionEnded, ActionTookEffect) once;
// the fold applies the recorded entries with the same functions, so the state written with an
// entry is what folding it gives.
#ifndef ENFORCERD_RULES_ACTION_CLOCK_H_
#define ENFORCERD_RULES_ACTION_CLOCK_H_

#include <vector>

#include "absl/time/time.h"
#include "proto/ledger.pb.h"
#include "proto/ledger_entry.pb.h"
#include "rules/policy.h"

namespace enforcer {

// Prunes `state` at `now` (under `policy`, which may be null) and takes every event due by then
// that is not recorded yet: pending actions whose effective_at has passed (not those an appeal
// holds), and actions that ran out (SubjectState::ended_unrecorded). Returns them in time order,
// a pending action's taking effect before its end, as entries with only their kind set (the
// caller numbers and dates them), and applies each to `state`.
std::vector<v1::LedgerEntry> TakeDueActionEvents(const Policy* policy, absl::Time now,
                                                 v1::SubjectState* state);

// Whether TakeDueActionEvents would take anything at `now`: a cheap look at the actions only, so
// the common case (nothing due) costs no copy and no pruning.
bool HasDueActionEvents(const v1::SubjectState& state, absl::Time now);

// A recorded ActionEnded: the action leaves the state (it was in ended_unrecorded, or still in
// actions if the state was not pruned since it ran out).
void ApplyActionEnded(const v1::ActionEnded& ended, v1::SubjectState* state);

// A recorded ActionTookEffect: remembered, so it is not recorded again.
void ApplyActionTookEffect(const v1::ActionTookEffect& took_effect, v1::SubjectState* state);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_ACTION_CLOCK_H_
