#include "engine/ledger_entries.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "proto/timestamp.h"

namespace enforcer {

v1::LedgerEntry NewEntry(LedgerView& view, const v1::Subject& subject, absl::Time now) {
  v1::LedgerEntry e;
  e.set_sequence(view.NextSequence());
  *e.mutable_recorded_at() = ToProtoTime(now);
  *e.mutable_subject() = subject;
  return e;
}

v1::SubjectState AppendReevaluation(const Policy& policy, PolicyRegistry& registry,
                                    v1::SubjectState state,
                                    const std::vector<RecordedViolation>& violations,
                                    absl::Time now, LedgerView& view,
                                    std::vector<v1::LedgerEntry>* entries) {
  const v1::Subject subject = state.subject();
  std::shared_ptr<const Policy> previous = registry.Find(state.policy_version());
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  ReevaluationOutcome outcome = Reevaluate(policy, previous.get(), std::move(state), violations,
                                           now, absl::StrCat("r", entry.sequence()));
  *entry.mutable_reevaluation() = outcome.record;
  entries->push_back(std::move(entry));
  for (const v1::Action& a : outcome.record.actions_issued()) {
    v1::LedgerEntry e = NewEntry(view, subject, now);
    *e.mutable_action() = a;
    entries->push_back(std::move(e));
  }
  for (const v1::ActionLift& lift : outcome.record.actions_lifted()) {
    v1::LedgerEntry e = NewEntry(view, subject, now);
    *e.mutable_lift() = lift;
    entries->push_back(std::move(e));
  }
  return std::move(outcome.state);
}

absl::StatusOr<LedgerWrite> ReevaluationWrite(const Policy& policy, PolicyRegistry& registry,
                                              const v1::Subject& subject, absl::Time now,
                                              LedgerView& view, bool* changed) {
  *changed = false;
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState state, view.GetSubjectState(subject));
  if (!NeedsReevaluation(state, policy, registry.Find(state.policy_version()).get())) {
    return write;
  }
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
  write.states.push_back(AppendReevaluation(policy, registry, std::move(state),
                                            RecordedViolations(log), now, view, &write.entries));
  const v1::Reevaluation& r = write.entries.front().reevaluation();
  *changed = r.actions_issued_size() > 0 || r.actions_lifted_size() > 0;
  return write;
}

absl::StatusOr<v1::ReportViolationResponse> ResponseFromLedger(
    const std::vector<v1::LedgerEntry>& entries, absl::string_view violation_id) {
  v1::ReportViolationResponse response;
  for (const v1::LedgerEntry& e : entries) {
    if (e.has_violation() && !response.has_violation())
      *response.mutable_violation() = e.violation();
    if (e.has_decision()) *response.add_decisions() = e.decision();
  }
  if (!response.has_violation() || response.decisions_size() == 0) {
    return absl::DataLossError(absl::StrCat("the ledger has no complete record of violation ",
                                            violation_id, ", which a stored report points at"));
  }
  return response;
}

}  // namespace enforcer
