#include "engine/voiding.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ledger_entries.h"
#include "engine/propagation.h"
#include "proto/timestamp.h"
#include "rules/reevaluator.h"

namespace enforcer {
namespace {

// The recomputation's record, worded for a void: its lifts are reinstatements, by the actor.
void WordAsReinstatement(const VoidRequest& request, v1::Reevaluation* record) {
  record->set_reason(absl::StrCat("violation ", request.violation_id, " ",
                                  request.reduced_points ? "reduced" : "voided", " (",
                                  request.cause,
                                  "): the standing is recomputed from the "
                                  "remaining history under the policy in force"));
  for (v1::ActionLift& lift : *record->mutable_actions_lifted()) {
    lift.set_reinstatement(true);
    lift.set_actor(request.actor);
    lift.set_reason(absl::StrCat("reinstated: ", request.cause, "; ", lift.reason()));
  }
}

absl::StatusOr<v1::ViolationVoid> VoidIn(const Policy& policy, PolicyRegistry& registry,
                                         const VoidRequest& request, const v1::Violation& violation,
                                         const v1::Subject& subject, absl::Time now,
                                         LedgerView& view, LedgerWrite* write) {
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(policy, registry, subject, now, view, write));
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
  std::vector<RecordedViolation> violations = RecordedViolations(log);
  v1::ViolationVoid record;
  record.set_violation_id(request.violation_id);
  record.set_cause(request.cause);
  record.set_actor(request.actor);
  record.set_reason(request.reason);
  record.set_reduced(request.reduced_points.has_value());
  record.set_points(request.reduced_points.value_or(0));
  *record.mutable_recorded_at() = ToProtoTime(now);
  record.set_appeal_id(request.appeal_id);
  record.set_retraction_id(request.retraction_id);
  record.set_rights_holder_id(violation.report().rights_holder_id());
  *record.mutable_violation_recorded_at() = violation.recorded_at();
  if (!ApplyVoid(record, &violations)) {
    return absl::FailedPreconditionError(
        absl::StrCat("violation_id: '", request.violation_id, "' is already voided"));
  }
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  const std::shared_ptr<const Policy> previous = registry.Find(state.policy_version());
  ReevaluationOutcome outcome = Reevaluate(policy, previous.get(), std::move(state), violations,
                                           now, absl::StrCat("v", entry.sequence()));
  WordAsReinstatement(request, &outcome.record);
  *record.mutable_recomputation() = outcome.record;
  *entry.mutable_violation_void() = record;
  write->entries.push_back(std::move(entry));
  for (const v1::Action& a : outcome.record.actions_issued()) {
    v1::LedgerEntry e = NewEntry(view, subject, now);
    *e.mutable_action() = a;
    write->entries.push_back(std::move(e));
  }
  for (const v1::ActionLift& lift : outcome.record.actions_lifted()) {
    v1::LedgerEntry e = NewEntry(view, subject, now);
    *e.mutable_lift() = lift;
    write->entries.push_back(std::move(e));
  }
  const v1::SubjectState after = outcome.state;
  PutState(std::move(outcome.state), write);
  for (const v1::ActionLift& lift : outcome.record.actions_lifted()) {
    RETURN_IF_ERROR(LiftPropagated(policy, registry, after, lift,
                                   absl::StrCat("void:", request.violation_id), now, view, write));
  }
  for (const v1::Action& a : outcome.record.actions_issued()) {
    RETURN_IF_ERROR(PropagateToLinked(
        policy, registry, after, a, absl::StrCat("void:", request.violation_id), now, view, write));
  }
  return record;
}

}  // namespace

absl::StatusOr<std::vector<v1::ViolationVoid>> VoidViolation(const Policy& policy,
                                                             PolicyRegistry& registry,
                                                             const VoidRequest& request,
                                                             absl::Time now, LedgerView& view,
                                                             LedgerWrite* write) {
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries,
                   view.GetViolationEntries(request.violation_id));
  std::vector<v1::ViolationVoid> out;
  for (const v1::LedgerEntry& e : entries) {
    if (!e.has_violation()) continue;
    ASSIGN_OR_RETURN(v1::ViolationVoid v, VoidIn(policy, registry, request, e.violation(),
                                                 e.subject(), now, view, write));
    out.push_back(std::move(v));
  }
  if (out.empty()) {
    return absl::NotFoundError(
        absl::StrCat("violation_id: '", request.violation_id, "' is not in any ledger"));
  }
  return out;
}

}  // namespace enforcer
