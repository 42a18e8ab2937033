#include "engine/audit.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

std::string StandingName(v1::Standing standing) { return v1::Standing_Name(standing); }

std::string Iso(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromProtoTime(ts), absl::UTCTimeZone());
}

// "SUSPEND v3/SELLER/1 until 2024-05-01T00:00:00Z" (or "permanent").
std::string DescribeAction(const v1::Action& action) {
  return absl::StrCat(v1::ActionType_Name(action.type()), " ", action.action_id(),
                      action.has_expires_at() ? absl::StrCat(" until ", Iso(action.expires_at()))
                                              : std::string(" permanent"));
}

std::string Ends(const v1::Action& action) {
  return action.has_expires_at() ? absl::StrCat("ends ", Iso(action.expires_at()))
                                 : std::string("permanent");
}

// "36 points; SUSPENDED".
std::string PointsAndStanding(int points, v1::Standing standing) {
  return absl::StrCat(points, " points; ", StandingName(standing));
}

std::string Lifted(const google::protobuf::RepeatedPtrField<v1::ActionLift>& lifts) {
  std::vector<std::string> names;
  for (const v1::ActionLift& lift : lifts) names.push_back(DescribeAction(lift.action()));
  return names.empty() ? std::string() : absl::StrCat("; lifted ", absl::StrJoin(names, ", "));
}

std::string LiftedIds(const google::protobuf::RepeatedPtrField<v1::ActionLift>& lifts) {
  std::vector<std::string> ids;
  for (const v1::ActionLift& lift : lifts) ids.push_back(lift.action().action_id());
  return absl::StrJoin(ids, " ");
}

const char* StaffWhat(v1::StaffActionKind kind) {
  switch (kind) {
    case v1::STAFF_APPLY:
      return "staff.apply";
    case v1::STAFF_LIFT:
      return "staff.lift";
    case v1::STAFF_CHANGE_END:
      return "staff.change_end";
    case v1::STAFF_REINSTATE:
      return "staff.reinstate";
    case v1::STAFF_SNOOZE:
      return "staff.snooze";
    case v1::STAFF_NOTE:
      return "staff.note";
    default:
      return "staff.unknown";
  }
}

void FromStaff(const v1::StaffAction& staff, v1::AuditEntry* audit) {
  audit->set_actor(staff.actor());
  audit->set_what(StaffWhat(staff.kind()));
  audit->set_why(staff.kind() == v1::STAFF_NOTE && staff.reason().empty() ? staff.note()
                                                                          : staff.reason());
  audit->set_before(StandingName(staff.standing_before()));
  audit->set_after(StandingName(staff.standing_after()));
  switch (staff.kind()) {
    case v1::STAFF_APPLY:
      audit->set_target(staff.action().action_id());
      audit->set_after(absl::StrCat(StandingName(staff.standing_after()), "; applied ",
                                    DescribeAction(staff.action())));
      break;
    case v1::STAFF_LIFT:
      audit->set_target(staff.action().action_id());
      audit->set_after(absl::StrCat(StandingName(staff.standing_after()), Lifted(staff.lifted())));
      break;
    case v1::STAFF_CHANGE_END:
      audit->set_target(staff.action().action_id());
      audit->set_before(Ends(staff.action()));
      audit->set_after(Ends(staff.changed_to()));
      break;
    case v1::STAFF_REINSTATE:
      audit->set_target(LiftedIds(staff.lifted()));
      audit->set_after(absl::StrCat(StandingName(staff.standing_after()), Lifted(staff.lifted())));
      break;
    case v1::STAFF_SNOOZE:
      audit->set_target(staff.rule_id());
      audit->set_before("");
      audit->set_after(
          absl::StrCat("rule ", staff.rule_id(), " snoozed until ", Iso(staff.snoozed_until())));
      break;
    default:
      audit->set_target(staff.staff_action_id());
      audit->set_before("");
      audit->set_after("");
  }
}

std::string OutcomeText(const v1::AppealResolution& resolution) {
  switch (resolution.outcome()) {
    case v1::APPEAL_UPHELD:
      return "upheld";
    case v1::APPEAL_OVERTURNED:
      return "overturned";
    case v1::APPEAL_REDUCED:
      return absl::StrCat("reduced to ", resolution.points(), " points");
    default:
      return "undecided";
  }
}

void FromResolution(const v1::AppealResolution& resolution, v1::AuditEntry* audit) {
  audit->set_actor(resolution.actor());
  audit->set_what("appeal.resolve");
  audit->set_why(resolution.note().empty()
                     ? resolution.reason_code()
                     : absl::StrCat(resolution.reason_code(), ": ", resolution.note()));
  audit->set_target(absl::StrCat(resolution.appeal_id(), " ", resolution.violation_id()));
  audit->set_before(absl::StrCat("appeal ", resolution.appeal_id(), " open"));
  audit->set_after(OutcomeText(resolution));
}

void FromVoid(const v1::ViolationVoid& voided, v1::AuditEntry* audit) {
  const v1::Reevaluation& r = voided.recomputation();
  audit->set_actor(voided.actor());
  audit->set_what(voided.reduced() ? "violation.reduce" : "violation.void");
  audit->set_why(voided.reason().empty() ? voided.cause()
                                         : absl::StrCat(voided.cause(), ": ", voided.reason()));
  std::string target = voided.violation_id();
  for (const std::string& id : {voided.appeal_id(), voided.retraction_id()}) {
    if (!id.empty()) absl::StrAppend(&target, " ", id);
  }
  audit->set_target(target);
  audit->set_before(PointsAndStanding(r.active_points_before(), r.standing_before()));
  audit->set_after(absl::StrCat(PointsAndStanding(r.active_points(), r.standing_after()),
                                Lifted(r.actions_lifted())));
}

void FromRemedy(const v1::Remedy& remedy, v1::AuditEntry* audit) {
  audit->set_actor(remedy.actor());
  audit->set_what("remedy");
  audit->set_why(remedy.note().empty() ? remedy.display_name()
                                       : absl::StrCat(remedy.display_name(), ": ", remedy.note()));
  audit->set_target(remedy.violation_id().empty()
                        ? remedy.remedy_id()
                        : absl::StrCat(remedy.remedy_id(), " ", remedy.violation_id()));
  audit->set_before(PointsAndStanding(remedy.active_points_before(), remedy.standing_before()));
  audit->set_after(absl::StrCat(PointsAndStanding(remedy.active_points(), remedy.standing_after()),
                                Lifted(remedy.actions_ended())));
}

// False for entries that are not audited (reports and what the policy decides by itself).
bool FromEntry(const v1::LedgerEntry& entry, v1::AuditEntry* audit) {
  switch (entry.kind_case()) {
    case v1::LedgerEntry::kStaffAction:
      FromStaff(entry.staff_action(), audit);
      return true;
    case v1::LedgerEntry::kAppeal: {
      const v1::Appeal& appeal = entry.appeal();
      audit->set_actor(appeal.actor());
      audit->set_what("appeal.file");
      audit->set_why(appeal.reason());
      audit->set_target(absl::StrCat(appeal.appeal_id(), " ", appeal.violation_id()));
      audit->set_after(absl::StrCat(
          "appeal ", appeal.appeal_id(), " open",
          appeal.paused_actions_size() > 0
              ? absl::StrCat("; ", appeal.paused_actions_size(), " pending actions held")
              : std::string()));
      return true;
    }
    case v1::LedgerEntry::kAppealResolution:
      FromResolution(entry.appeal_resolution(), audit);
      return true;
    case v1::LedgerEntry::kViolationVoid:
      FromVoid(entry.violation_void(), audit);
      return true;
    case v1::LedgerEntry::kRemedy:
      FromRemedy(entry.remedy(), audit);
      return true;
    case v1::LedgerEntry::kLink:
      audit->set_actor(entry.link().actor());
      audit->set_what("link");
      audit->set_why(entry.link().reason());
      audit->set_target(absl::StrCat(v1::SubjectKind_Name(entry.link().linked().kind()), "/",
                                     entry.link().linked().id()));
      return true;
    default:
      return false;
  }
}

v1::AuditEntry FromActivation(const v1::PolicyActivation& activation) {
  v1::AuditEntry audit;
  *audit.mutable_recorded_at() = activation.activated_at();
  audit.set_actor(activation.actor());
  audit.set_what("policy.activate");
  audit.set_why(activation.message().empty() ? activation.source() : activation.message());
  audit.set_target(activation.version());
  audit.set_before(activation.previous_version().empty()
                       ? std::string("no policy")
                       : absl::StrCat("policy ", activation.previous_version()));
  audit.set_after(absl::StrCat("policy ", activation.version(), " (", activation.name(), ")"));
  return audit;
}

}  // namespace

std::vector<v1::AuditEntry> AuditEntriesFor(const LedgerWrite& write) {
  std::vector<v1::AuditEntry> audit;
  for (const v1::LedgerEntry& entry : write.entries) {
    v1::AuditEntry one;
    if (!FromEntry(entry, &one)) continue;
    one.set_sequence(entry.sequence());
    *one.mutable_recorded_at() = entry.recorded_at();
    *one.mutable_subject() = entry.subject();
    audit.push_back(std::move(one));
  }
  if (write.activation.has_value()) audit.push_back(FromActivation(*write.activation));
  return audit;
}

void AddAuditEntries(LedgerWrite* write, const std::function<uint64_t()>& last_sequence) {
  if (!write->audit.empty()) return;
  write->audit = AuditEntriesFor(*write);
  if (write->activation.has_value() && !write->audit.empty()) {
    write->audit.back().set_sequence(last_sequence());
  }
}

}  // namespace enforcer
