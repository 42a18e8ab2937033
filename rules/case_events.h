// What staff actions and appeals do to a subject's state. The pipelines that record them and the
// fold that replays the ledger both call these, so the state written with an entry is exactly
// what folding the entry gives.
#ifndef ENFORCERD_RULES_CASE_EVENTS_H_
#define ENFORCERD_RULES_CASE_EVENTS_H_

#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"

namespace enforcer {

// The rule id of actions staff apply by hand. Recomputations keep them: they follow no rule.
inline constexpr char kStaffRuleId[] = "staff";

// The far-off time a paused action is pending until (effective_at of an action an open appeal
// holds): 9999-12-31T23:59:59Z.
inline constexpr int64_t kPausedEffectiveSeconds = 253402300799;

// Applies a recorded staff action: APPLY adds its action (removing what it superseded), LIFT and
// REINSTATE remove the lifted actions and remember them as StaffLifts, CHANGE_END replaces the
// action with changed_to, SNOOZE adds a RuleSnooze from recorded_at, NOTE changes nothing.
void ApplyStaffAction(const v1::StaffAction& staff, v1::SubjectState* state);

// An appeal filed: it joins the open appeals, and the actions it pauses replace their pending
// versions.
void ApplyAppealFiled(const v1::Appeal& appeal, v1::SubjectState* state);

// An appeal resolved: it leaves the open appeals, and the actions it resumes replace their
// paused versions. (Voiding is the ViolationVoid entry's, applied by the fold.)
void ApplyAppealResolved(const v1::AppealResolution& resolution, v1::SubjectState* state);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_CASE_EVENTS_H_
