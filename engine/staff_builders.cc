#include "engine/staff_builders.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"
#include "rules/notices.h"

namespace enforcer {
namespace {

constexpr size_t kMaxNoteBytes = 4096;
constexpr absl::Duration kLongestStaffDuration = absl::Hours(24 * 3650);
constexpr absl::Duration kLongestSnooze = absl::Hours(24 * 365);

std::string Label(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator '" : "seller '", s.id(), "'");
}

bool IsPermanentType(v1::ActionType t) {
  return t == v1::ACTION_DEACTIVATE_STORE || t == v1::ACTION_REVOKE_SELLING_PERMISSION;
}

// The subject's action `action_id`, active at `now`; NOT_FOUND otherwise.
absl::StatusOr<v1::Action> ActiveAction(const v1::SubjectState& state, const std::string& action_id,
                                        absl::Time now) {
  if (action_id.empty()) return absl::InvalidArgumentError("action_id: is required");
  for (const v1::Action& a : state.actions()) {
    if (a.action_id() == action_id && IsActive(a, now)) return a;
  }
  return absl::NotFoundError(absl::StrCat(
      "action_id: '", action_id, "' is not in force or pending for ", Label(state.subject())));
}

v1::LedgerEntry ActionEntry(const v1::Action& a) {
  v1::LedgerEntry e;
  *e.mutable_action() = a;
  return e;
}

v1::ActionLift StaffLiftOf(const v1::Action& a, const Policy& policy, const v1::StaffAction& s,
                           bool reinstatement) {
  v1::ActionLift lift;
  *lift.mutable_action() = a;
  lift.set_reason(
      absl::StrCat(reinstatement ? "reinstated by staff: " : "lifted by staff: ", s.reason()));
  lift.set_policy_version(policy.version());
  lift.set_reinstatement(reinstatement);
  lift.set_actor(s.actor());
  return lift;
}

absl::Status CheckApplyRequest(const Policy& policy, const v1::ApplyActionRequest& r) {
  const v1::ActionType t = r.type();
  if (t == v1::ACTION_TYPE_UNSPECIFIED || t == v1::ACTION_TAKE_DOWN || !v1::ActionType_IsValid(t)) {
    return absl::InvalidArgumentError(
        "type: must be ACTION_WARNING, ACTION_RESTRICT_FEATURE, ACTION_SUSPEND, "
        "ACTION_DEACTIVATE_STORE or ACTION_REVOKE_SELLING_PERMISSION (take-downs come with "
        "reports)");
  }
  if (t == v1::ACTION_RESTRICT_FEATURE) {
    const std::vector<std::string> known = policy.KnownFeatures();
    if (std::find(known.begin(), known.end(), r.feature()) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "feature: '", r.feature(), "' is not a feature of policy ", policy.name(),
          "; known features: ", known.empty() ? "(none)" : absl::StrJoin(known, ", ")));
    }
  } else if (!r.feature().empty()) {
    return absl::InvalidArgumentError("feature: is only for ACTION_RESTRICT_FEATURE");
  }
  const absl::Duration d = absl::Seconds(r.duration().seconds());
  if (r.duration().seconds() < 0 || r.duration().nanos() != 0 || d > kLongestStaffDuration) {
    return absl::InvalidArgumentError("duration: must be whole seconds, 0 to 3650 days");
  }
  if (d == absl::ZeroDuration() && !IsPermanentType(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration: is required for ", v1::ActionType_Name(t),
                     " (only a store deactivation or a revocation may be permanent)"));
  }
  return absl::OkStatus();
}

}  // namespace

StaffBuilder ApplyActionBuilder(const v1::ApplyActionRequest& request) {
  return [request](const Policy& policy, const v1::SubjectState& state, absl::Time now,
                   v1::StaffAction* staff, std::vector<v1::LedgerEntry>* follow) -> absl::Status {
    RETURN_IF_ERROR(CheckApplyRequest(policy, request));
    ActionSpec spec;
    spec.type = request.type();
    spec.feature = request.feature();
    spec.feature_name = policy.FeatureName(request.feature());
    const absl::Duration d = absl::Seconds(request.duration().seconds());
    if (d > absl::ZeroDuration()) spec.duration = d;
    // Planned on a copy: the state changes only through ApplyStaffAction.
    v1::SubjectState scratch = state;
    ActionPlanner planner(staff->staff_action_id(), "", 1, now, &scratch);
    planner.SetNoticeWriter([&](const v1::Action& a) {
      return SellerNotice(policy, a, absl::StrCat("Our review team decided: ", request.reason()),
                          now);
    });
    planner.Request(kStaffRuleId, spec, spec.duration ? now + d : absl::InfiniteFuture(),
                    absl::StrCat("applied by staff: ", request.reason()));
    google::protobuf::RepeatedPtrField<v1::Action> issued;
    planner.Finish(&issued, staff->mutable_superseded());
    if (issued.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(Label(state.subject()), " already has an action in force that covers ",
                       ActionTypeName(request.type()), " for that long; nothing to apply"));
    }
    *staff->mutable_action() = issued[0];
    follow->push_back(ActionEntry(issued[0]));
    return absl::OkStatus();
  };
}

StaffBuilder LiftActionBuilder(const v1::LiftActionRequest& request) {
  return [request](const Policy& policy, const v1::SubjectState& state, absl::Time now,
                   v1::StaffAction* staff, std::vector<v1::LedgerEntry>* follow) -> absl::Status {
    ASSIGN_OR_RETURN(v1::Action action, ActiveAction(state, request.action_id(), now));
    if (!action.has_expires_at()) {
      return absl::FailedPreconditionError(
          absl::StrCat("action_id: '", action.action_id(), "' is permanent (",
                       v1::ActionType_Name(action.type()),
                       "); it ends only by ReinstateSubject, with a reason"));
    }
    *staff->mutable_action() = action;
    *staff->add_lifted() = StaffLiftOf(action, policy, *staff, false);
    v1::LedgerEntry e;
    *e.mutable_lift() = staff->lifted(0);
    follow->push_back(std::move(e));
    return absl::OkStatus();
  };
}

StaffBuilder ChangeEndBuilder(const v1::ChangeActionEndRequest& request) {
  return [request](const Policy&, const v1::SubjectState& state, absl::Time now,
                   v1::StaffAction* staff, std::vector<v1::LedgerEntry>* follow) -> absl::Status {
    if (!request.has_expires_at()) return absl::InvalidArgumentError("expires_at: is required");
    RETURN_IF_ERROR(ValidateTimestamp("expires_at", request.expires_at()));
    ASSIGN_OR_RETURN(v1::Action action, ActiveAction(state, request.action_id(), now));
    if (!action.has_expires_at()) {
      return absl::FailedPreconditionError(absl::StrCat("action_id: '", action.action_id(),
                                                        "' is permanent; it has no end to "
                                                        "change (ReinstateSubject lifts it)"));
    }
    const absl::Time end = FromProtoTime(request.expires_at());
    const absl::Time starts =
        action.has_effective_at() ? FromProtoTime(action.effective_at()) : now;
    if (end <= std::max(now, starts)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expires_at: ", FormatUtc(end), " is not after ", FormatUtc(std::max(now, starts)),
          "; to end the action now, lift it instead"));
    }
    if (end - now > kLongestStaffDuration) {
      return absl::InvalidArgumentError("expires_at: is more than 3650 days from now");
    }
    if (end == EndOf(action)) {
      return absl::InvalidArgumentError(
          absl::StrCat("expires_at: the action already ends at ", FormatUtc(end)));
    }
    v1::Action changed = action;
    *changed.mutable_expires_at() = request.expires_at();
    changed.set_staff_adjusted(true);
    *staff->mutable_action() = action;
    *staff->mutable_changed_to() = changed;
    follow->push_back(ActionEntry(changed));
    return absl::OkStatus();
  };
}

StaffBuilder ReinstateBuilder(const v1::ReinstateSubjectRequest& request) {
  return [request](const Policy& policy, const v1::SubjectState& state, absl::Time now,
                   v1::StaffAction* staff, std::vector<v1::LedgerEntry>* follow) -> absl::Status {
    for (const v1::Action& a : state.actions()) {
      if (!IsActive(a, now) || a.has_expires_at()) continue;
      *staff->add_lifted() = StaffLiftOf(a, policy, *staff, true);
      v1::LedgerEntry e;
      *e.mutable_lift() = staff->lifted(staff->lifted_size() - 1);
      follow->push_back(std::move(e));
    }
    if (staff->lifted_size() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          Label(state.subject()), " has no store deactivation or revocation to reinstate"));
    }
    return absl::OkStatus();
  };
}

StaffBuilder SnoozeBuilder(const v1::SnoozeRuleRequest& request) {
  return [request](const Policy& policy, const v1::SubjectState&, absl::Time now,
                   v1::StaffAction* staff, std::vector<v1::LedgerEntry>*) -> absl::Status {
    std::vector<std::string> rules;
    for (const MilestoneRule& m : policy.milestones()) rules.push_back(m.id);
    for (const CountRule& c : policy.count_rules()) rules.push_back(c.id);
    if (std::find(rules.begin(), rules.end(), request.rule_id()) == rules.end()) {
      return absl::InvalidArgumentError(absl::StrCat("rule_id: '", request.rule_id(),
                                                     "' is not a rule of policy ", policy.name(),
                                                     "; its rules: ", absl::StrJoin(rules, ", ")));
    }
    if (!request.has_until()) return absl::InvalidArgumentError("until: is required");
    RETURN_IF_ERROR(ValidateTimestamp("until", request.until()));
    const absl::Time until = FromProtoTime(request.until());
    if (until <= now || until - now > kLongestSnooze) {
      return absl::InvalidArgumentError(absl::StrCat(
          "until: ", FormatUtc(until), " must be after now and at most 365 days ahead"));
    }
    staff->set_rule_id(request.rule_id());
    *staff->mutable_snoozed_until() = request.until();
    return absl::OkStatus();
  };
}

StaffBuilder NoteBuilder(const v1::AddNoteRequest& request) {
  return [request](const Policy&, const v1::SubjectState&, absl::Time, v1::StaffAction* staff,
                   std::vector<v1::LedgerEntry>*) -> absl::Status {
    RETURN_IF_ERROR(ValidateText("note", request.note(), kMaxNoteBytes, true));
    staff->set_note(request.note());
    return absl::OkStatus();
  };
}

}  // namespace enforcer
