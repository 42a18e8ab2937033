#include "rules/case_events.h"

#include <string>

namespace enforcer {
namespace {

void RemoveAction(const std::string& action_id, v1::SubjectState* state) {
  auto* actions = state->mutable_actions();
  for (int i = actions->size() - 1; i >= 0; --i) {
    if (actions->Get(i).action_id() == action_id) actions->DeleteSubrange(i, 1);
  }
}

// Replaces the state's action with the same id (adds it if the state lacks it).
void ReplaceAction(const v1::Action& action, v1::SubjectState* state) {
  for (v1::Action& a : *state->mutable_actions()) {
    if (a.action_id() == action.action_id()) {
      a = action;
      return;
    }
  }
  *state->add_actions() = action;
}

void RememberLift(const v1::StaffAction& staff, const v1::Action& action, v1::SubjectState* state) {
  v1::StaffLift* lift = state->add_staff_lifted();
  *lift->mutable_action() = action;
  *lift->mutable_lifted_at() = staff.recorded_at();
  lift->set_staff_action_id(staff.staff_action_id());
}

}  // namespace

void ApplyStaffAction(const v1::StaffAction& staff, v1::SubjectState* state) {
  switch (staff.kind()) {
    case v1::STAFF_APPLY:
      for (const v1::Supersession& s : staff.superseded()) {
        if (s.action().action_id().empty() || s.action().type() != s.superseded_by_type()) continue;
        RemoveAction(s.action().action_id(), state);  // replaced by an extension
      }
      *state->add_actions() = staff.action();
      break;
    case v1::STAFF_LIFT:
    case v1::STAFF_REINSTATE:
      for (const v1::ActionLift& lift : staff.lifted()) {
        RemoveAction(lift.action().action_id(), state);
        RememberLift(staff, lift.action(), state);
      }
      break;
    case v1::STAFF_CHANGE_END:
      ReplaceAction(staff.changed_to(), state);
      break;
    case v1::STAFF_SNOOZE: {
      v1::RuleSnooze* z = state->add_snoozes();
      z->set_rule_id(staff.rule_id());
      *z->mutable_until() = staff.snoozed_until();
      z->set_staff_action_id(staff.staff_action_id());
      *z->mutable_since() = staff.recorded_at();
      break;
    }
    default:
      break;
  }
}

void ApplyAppealFiled(const v1::Appeal& appeal, v1::SubjectState* state) {
  *state->add_open_appeals() = appeal;
  for (const v1::Action& a : appeal.paused_actions()) ReplaceAction(a, state);
}

void ApplyAppealResolved(const v1::AppealResolution& resolution, v1::SubjectState* state) {
  auto* open = state->mutable_open_appeals();
  for (int i = open->size() - 1; i >= 0; --i) {
    if (open->Get(i).appeal_id() == resolution.appeal_id()) open->DeleteSubrange(i, 1);
  }
  for (const v1::Action& a : resolution.actions_resumed()) ReplaceAction(a, state);
}

}  // namespace enforcer
