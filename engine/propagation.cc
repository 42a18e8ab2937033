#include "engine/propagation.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ledger_entries.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator.h"
#include "rules/reevaluator.h"
#include "rules/remedies.h"

namespace enforcer {
namespace {}  // namespace

absl::StatusOr<v1::SubjectState> StateUnderPolicy(const Policy& policy, PolicyRegistry& registry,
                                                  const v1::Subject& subject, absl::Time now,
                                                  LedgerView& view, LedgerWrite* write) {
  v1::SubjectState state;
  bool in_write = false;
  for (const v1::SubjectState& s : write->states) {
    if (SameSubject(s.subject(), subject)) {
      state = s;
      in_write = true;
    }
  }
  if (!in_write) {
    ASSIGN_OR_RETURN(state, view.GetSubjectState(subject));
  }
  if (state.policy_version() != policy.version() &&
      NeedsReevaluation(state, policy, registry.Find(state.policy_version()).get())) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
    // Entries of this write are not in the view's log yet; a subject re-evaluated here was not
    // decided in this write (its state would carry the policy's version), so the log is whole.
    state = AppendReevaluation(policy, registry, std::move(state), RecordedViolations(log), now,
                               view, &write->entries);
  }
  return state;
}

void PutState(v1::SubjectState state, LedgerWrite* write) {
  for (v1::SubjectState& s : write->states) {
    if (SameSubject(s.subject(), state.subject())) {
      s = std::move(state);
      return;
    }
  }
  write->states.push_back(std::move(state));
}

absl::StatusOr<v1::Propagation> PropagateTo(const Policy& policy, PolicyRegistry& registry,
                                            const v1::Subject& source, const v1::Action& action,
                                            const v1::Subject& target,
                                            const std::string& link_reason,
                                            const std::string& cause, absl::Time now,
                                            LedgerView& view, LedgerWrite* write) {
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(policy, registry, target, now, view, write));
  v1::LedgerEntry entry = NewEntry(view, target, now);
  PropagationOutcome out = Propagate(policy, std::move(state), source, action, link_reason, now,
                                     absl::StrCat("p", entry.sequence()));
  out.record.set_cause(cause);
  if (out.record.actions_issued_size() == 0) {
    // Nothing to issue, but a re-evaluation StateUnderPolicy recorded must be stored with it.
    PutState(std::move(out.state), write);
    return out.record;
  }
  *entry.mutable_propagation() = out.record;
  write->entries.push_back(std::move(entry));
  for (const v1::Action& a : out.record.actions_issued()) {
    v1::LedgerEntry e = NewEntry(view, target, now);
    *e.mutable_action() = a;
    write->entries.push_back(std::move(e));
  }
  PutState(std::move(out.state), write);
  return out.record;
}

absl::Status PropagateToLinked(const Policy& policy, PolicyRegistry& registry,
                               const v1::SubjectState& source_state, const v1::Action& action,
                               const std::string& cause, absl::Time now, LedgerView& view,
                               LedgerWrite* write) {
  if (!policy.Propagates(action.type()) || action.rule_id() == kLinkedSubjectRuleId) {
    return absl::OkStatus();
  }
  for (const v1::SubjectLink& link : source_state.links()) {
    ASSIGN_OR_RETURN(v1::Propagation p,
                     PropagateTo(policy, registry, source_state.subject(), action, link.linked(),
                                 link.reason(), cause, now, view, write));
    (void)p;
  }
  return absl::OkStatus();
}

absl::Status LiftPropagated(const Policy& policy, PolicyRegistry& registry,
                            const v1::SubjectState& source_state, const v1::ActionLift& lifted,
                            const std::string& cause, absl::Time now, LedgerView& view,
                            LedgerWrite* write) {
  for (const v1::SubjectLink& link : source_state.links()) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(link.linked()));
    std::set<std::string> propagated;  // ids of what the lifted action issued here
    for (const v1::LedgerEntry& e : log) {
      if (!e.has_propagation() ||
          e.propagation().source_action().action_id() != lifted.action().action_id()) {
        continue;
      }
      for (const v1::Action& a : e.propagation().actions_issued()) propagated.insert(a.action_id());
    }
    if (propagated.empty()) continue;
    ASSIGN_OR_RETURN(v1::SubjectState target,
                     StateUnderPolicy(policy, registry, link.linked(), now, view, write));
    v1::LedgerEntry entry = NewEntry(view, link.linked(), now);
    v1::Propagation& p = *entry.mutable_propagation();
    *p.mutable_source() = source_state.subject();
    *p.mutable_source_action() = lifted.action();
    p.set_policy_version(policy.version());
    *p.mutable_decided_at() = ToProtoTime(now);
    p.set_cause(cause);
    p.set_standing_before(DeriveStanding(target.actions(), now));
    for (const v1::Action& a : target.actions()) {
      if (!propagated.count(a.action_id()) || !IsActive(a, now)) continue;
      v1::ActionLift* l = p.add_actions_lifted();
      *l->mutable_action() = a;
      l->set_reason(absl::StrCat(
          "the linked ", source_state.subject().kind() == v1::CREATOR ? "creator '" : "seller '",
          source_state.subject().id(), "' had it lifted: ", lifted.reason()));
      l->set_policy_version(policy.version());
      l->set_reinstatement(lifted.reinstatement());
      l->set_actor(lifted.actor());
    }
    if (p.actions_lifted_size() == 0) continue;
    for (const v1::ActionLift& l : p.actions_lifted()) {
      auto* actions = target.mutable_actions();
      for (int i = actions->size() - 1; i >= 0; --i) {
        if (actions->Get(i).action_id() == l.action().action_id()) actions->DeleteSubrange(i, 1);
      }
    }
    p.set_standing_after(DeriveStanding(target.actions(), now));
    const v1::Propagation record = p;
    write->entries.push_back(std::move(entry));
    for (const v1::ActionLift& l : record.actions_lifted()) {
      v1::LedgerEntry e = NewEntry(view, link.linked(), now);
      *e.mutable_lift() = l;
      write->entries.push_back(std::move(e));
    }
    PutState(std::move(target), write);
  }
  return absl::OkStatus();
}

}  // namespace enforcer
