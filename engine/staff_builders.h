// What each kind of staff action records: the checks against the subject's state and the policy
// in force, and the fields of its StaffAction entry (and the action or lift entries that follow
// it). The state itself is changed only by ApplyStaffAction (rules/case_events.h), the function
// the fold uses, so the state written equals the fold of the ledger.
#ifndef ENFORCERD_ENGINE_STAFF_BUILDERS_H_
#define ENFORCERD_ENGINE_STAFF_BUILDERS_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/cases.pb.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// Fills `staff` (and the entries that follow it, without subject or sequence) for a subject in
// `state` at `now`; an error refuses the request (nothing is written).
using StaffBuilder =
    std::function<absl::Status(const Policy& policy, const v1::SubjectState& state, absl::Time now,
                               v1::StaffAction* staff, std::vector<v1::LedgerEntry>* follow)>;

// A warning, restriction or suspension needs a duration; a deactivation or revocation may be
// permanent. FAILED_PRECONDITION when what the subject has in force already covers it.
StaffBuilder ApplyActionBuilder(const v1::ApplyActionRequest& request);
// A timed action in force or pending; permanent ones end only by ReinstateSubject.
StaffBuilder LiftActionBuilder(const v1::LiftActionRequest& request);
// A timed action; the new end must be after now.
StaffBuilder ChangeEndBuilder(const v1::ChangeActionEndRequest& request);
// Every store deactivation and revocation; FAILED_PRECONDITION when there is none.
StaffBuilder ReinstateBuilder(const v1::ReinstateSubjectRequest& request);
// A milestone or count rule of the policy, until a time within a year.
StaffBuilder SnoozeBuilder(const v1::SnoozeRuleRequest& request);
// A note of 1 to 4096 bytes.
StaffBuilder NoteBuilder(const v1::AddNoteRequest& request);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_STAFF_BUILDERS_H_
