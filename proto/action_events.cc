#include "proto/action_events.h"

#include <algorithm>
#include <string>

namespace enforcer {
namespace {

v1::ActionEvent Event(const v1::LedgerEntry& entry, v1::ActionEventKind kind,
                      const v1::Action& action) {
  v1::ActionEvent e;
  e.set_kind(kind);
  *e.mutable_action() = action;
  e.set_ledger_sequence(entry.sequence());
  *e.mutable_recorded_at() = entry.recorded_at();
  return e;
}

// Only supersessions of actions that were in force (they have an id) concern downstream: a
// candidate that was never issued has nothing to undo.
void AddSuperseded(const v1::LedgerEntry& entry,
                   const google::protobuf::RepeatedPtrField<v1::Supersession>& superseded,
                   const std::string& policy_version, std::vector<v1::ActionEvent>* out) {
  for (const v1::Supersession& s : superseded) {
    if (s.action().action_id().empty()) continue;
    v1::ActionEvent e = Event(entry, v1::ACTION_SUPERSEDED, s.action());
    e.set_reason(s.reason());
    e.set_policy_version(policy_version);
    e.set_superseded_by_action_id(s.superseded_by_action_id());
    e.set_superseded_by_type(s.superseded_by_type());
    out->push_back(std::move(e));
  }
}

void AddStaffAction(const v1::LedgerEntry& entry, std::vector<v1::ActionEvent>* out) {
  const v1::StaffAction& staff = entry.staff_action();
  if (staff.kind() == v1::STAFF_APPLY) {
    AddSuperseded(entry, staff.superseded(), "", out);
    for (v1::ActionEvent& e : *out) e.set_actor(staff.actor());
  } else if (staff.kind() == v1::STAFF_CHANGE_END) {
    v1::ActionEvent e = Event(entry, v1::ACTION_END_CHANGED, staff.changed_to());
    e.set_reason(staff.reason());
    e.set_actor(staff.actor());
    out->push_back(std::move(e));
  }
}

}  // namespace

std::vector<v1::ActionEvent> ActionEventsOf(const v1::LedgerEntry& entry) {
  std::vector<v1::ActionEvent> out;
  switch (entry.kind_case()) {
    case v1::LedgerEntry::kAction:
      // A staff_adjusted action entry is the changed version a ChangeActionEnd records after its
      // staff entry, whose ACTION_END_CHANGED (with who and why) already says it; only that
      // writes one (actions issued by rules or staff never carry the flag).
      if (!entry.action().staff_adjusted()) {
        out.push_back(Event(entry, v1::ACTION_ISSUED, entry.action()));
      }
      break;
    case v1::LedgerEntry::kLift: {
      const v1::ActionLift& lift = entry.lift();
      v1::ActionEvent e = Event(
          entry, lift.reinstatement() ? v1::ACTION_REINSTATED : v1::ACTION_LIFTED, lift.action());
      e.set_reason(lift.reason());
      e.set_actor(lift.actor());
      e.set_policy_version(lift.policy_version());
      out.push_back(std::move(e));
      break;
    }
    case v1::LedgerEntry::kActionEnded: {
      v1::ActionEvent e = Event(entry, v1::ACTION_ENDED, entry.action_ended().action());
      e.set_policy_version(entry.action_ended().policy_version());
      out.push_back(std::move(e));
      break;
    }
    case v1::LedgerEntry::kActionTookEffect: {
      v1::ActionEvent e = Event(entry, v1::ACTION_TOOK_EFFECT, entry.action_took_effect().action());
      e.set_policy_version(entry.action_took_effect().policy_version());
      out.push_back(std::move(e));
      break;
    }
    case v1::LedgerEntry::kDecision:
      AddSuperseded(entry, entry.decision().superseded(), entry.decision().policy_version(), &out);
      break;
    case v1::LedgerEntry::kReevaluation:
      AddSuperseded(entry, entry.reevaluation().superseded(), entry.reevaluation().policy_version(),
                    &out);
      break;
    case v1::LedgerEntry::kViolationVoid:
      AddSuperseded(entry, entry.violation_void().recomputation().superseded(),
                    entry.violation_void().recomputation().policy_version(), &out);
      break;
    case v1::LedgerEntry::kPropagation:
      AddSuperseded(entry, entry.propagation().superseded(), entry.propagation().policy_version(),
                    &out);
      break;
    case v1::LedgerEntry::kStaffAction:
      AddStaffAction(entry, &out);
      break;
    case v1::LedgerEntry::kAppeal:
      for (const v1::Action& a : entry.appeal().paused_actions()) {
        v1::ActionEvent e = Event(entry, v1::ACTION_PAUSED, a);
        e.set_actor(entry.appeal().actor());
        e.set_reason(entry.appeal().reason());
        out.push_back(std::move(e));
      }
      break;
    case v1::LedgerEntry::kAppealResolution:
      for (const v1::Action& a : entry.appeal_resolution().actions_resumed()) {
        v1::ActionEvent e = Event(entry, v1::ACTION_RESUMED, a);
        e.set_actor(entry.appeal_resolution().actor());
        out.push_back(std::move(e));
      }
      break;
    default:
      break;
  }
  return out;
}

std::vector<v1::ActionTimer> TimersOf(const v1::SubjectState& state) {
  std::vector<v1::ActionTimer> out;
  auto add = [&](const v1::Action& a, const google::protobuf::Timestamp& at,
                 v1::ActionTimer::Kind kind) {
    v1::ActionTimer t;
    *t.mutable_at() = at;
    *t.mutable_subject() = state.subject();
    t.set_action_id(a.action_id());
    t.set_kind(kind);
    out.push_back(std::move(t));
  };
  for (const v1::Action& a : state.actions()) {
    if (a.action_id().empty()) continue;
    const bool recorded =
        std::find(state.took_effect_recorded().begin(), state.took_effect_recorded().end(),
                  a.action_id()) != state.took_effect_recorded().end();
    if (a.has_effective_at() && a.paused_by_appeal().empty() && !recorded) {
      add(a, a.effective_at(), v1::ActionTimer::TAKES_EFFECT);
    }
    if (a.has_expires_at() && a.paused_by_appeal().empty()) {
      add(a, a.expires_at(), v1::ActionTimer::ENDS);
    }
  }
  for (const v1::Action& a : state.ended_unrecorded()) {
    if (!a.action_id().empty()) add(a, a.expires_at(), v1::ActionTimer::ENDS);
  }
  return out;
}

bool IsConsumerName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace enforcer
