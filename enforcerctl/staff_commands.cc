// The writes of appeals staff: appeals, staff actions, notes and retractions.
#include <iostream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "enforcerctl/case_client.h"
#include "enforcerctl/case_commands.h"
#include "enforcerctl/format.h"
#include "proto/timestamp.h"

namespace enforcer::ctl {
namespace {

std::vector<std::string> Flags(std::vector<std::string> extra) {
  std::vector<std::string> flags = kWriteFlags;
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

void PrintStaffAction(const v1::StaffActionResponse& r, std::ostream& out) {
  const v1::StaffAction& s = r.staff_action();
  out << s.staff_action_id() << " " << absl::AsciiStrToLower(v1::StaffActionKind_Name(s.kind()))
      << (r.duplicate() ? " (already recorded)" : "") << ": " << StandingText(s.standing_before())
      << " -> " << StandingText(s.standing_after()) << "\n";
  if (s.has_action()) out << "  action: " << ActionText(s.action()) << "\n";
  if (s.has_changed_to()) out << "  now:    " << ActionText(s.changed_to()) << "\n";
  for (const v1::ActionLift& l : s.lifted()) out << "  lifted: " << ActionText(l.action()) << "\n";
}

template <typename Request>
int SendStaff(const Invocation& inv, const std::string& what, Request request,
              grpc::Status (v1::Cases::Stub::*call)(grpc::ClientContext*, const Request&,
                                                    v1::StaffActionResponse*)) {
  request.set_request_id(RequestId(inv));
  request.set_actor(Actor(inv));
  v1::StaffActionResponse response;
  CaseClient client(inv);
  grpc::Status status = ((*client.cases).*call)(Context().get(), request, &response);
  if (!status.ok()) return Refused(inv, what, status);
  inv.Print(response, [&](std::ostream& out) { PrintStaffAction(response, out); });
  return kOk;
}

void PrintVoids(const google::protobuf::RepeatedPtrField<v1::ViolationVoid>& voids,
                std::ostream& out) {
  for (const v1::ViolationVoid& v : voids) {
    const v1::Reevaluation& r = v.recomputation();
    out << "  " << v.violation_id() << (v.reduced() ? " reduced" : " voided") << ": "
        << r.active_points_before() << " -> " << r.active_points() << " points, "
        << StandingText(r.standing_before()) << " -> " << StandingText(r.standing_after()) << "\n";
    for (const v1::ActionLift& l : r.actions_lifted())
      out << "    reinstated: " << ActionText(l.action()) << "\n";
    for (const v1::Action& a : r.permanent_kept_for_review())
      out << "    kept for staff to reinstate: " << ActionText(a) << "\n";
  }
}

int Appeal(const Invocation& inv) {
  std::optional<std::string> verb = Arg(inv, "appeal", 0, "file, resolve or list");
  if (!verb) return kUsage;
  if (*verb == "list") {
    v1::ListAppealsRequest request;
    if (inv.args.size() > 1) {
      std::optional<v1::Subject> subject = SubjectArg(inv, "appeal list", 1);
      if (!subject) return kUsage;
      *request.mutable_subject() = *subject;
    }
    request.set_open_only(inv.Flag("open").has_value());
    v1::ListAppealsResponse r;
    grpc::Status status = CaseClient(inv).cases->ListAppeals(Context().get(), request, &r);
    if (!status.ok()) return Refused(inv, "appeal list", status);
    inv.Print(r, [&](std::ostream& out) {
      for (const v1::AppealSummary& a : r.appeals()) {
        out << a.appeal().appeal_id() << "  " << SubjectText(a.subject()) << "  "
            << a.appeal().violation_id() << "  filed " << IsoTime(a.appeal().filed_at()) << "  "
            << (a.has_resolution() ? v1::AppealOutcome_Name(a.resolution().outcome()) : "open")
            << "\n";
      }
    });
    return kOk;
  }
  std::optional<v1::Subject> subject = SubjectArg(inv, "appeal " + *verb, 1);
  if (!subject) return kUsage;
  CaseClient client(inv);
  if (*verb == "file") {
    std::optional<std::string> violation = Arg(inv, "appeal file", 2, "a violation id");
    std::optional<std::string> reason = RequiredFlag(inv, "appeal file", "reason");
    if (!violation || !reason) return kUsage;
    v1::FileAppealRequest request;
    *request.mutable_subject() = *subject;
    request.set_violation_id(*violation);
    request.set_reason(*reason);
    for (absl::string_view item :
         absl::StrSplit(inv.Flag("evidence").value_or(""), '\n', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
      v1::EvidenceItem* e = request.add_evidence();
      e->set_key(kv.first);
      e->set_value(kv.second);
    }
    request.set_request_id(RequestId(inv));
    request.set_actor(Actor(inv));
    v1::FileAppealResponse r;
    grpc::Status status = client.cases->FileAppeal(Context().get(), request, &r);
    if (!status.ok()) return Refused(inv, "appeal file", status);
    inv.Print(r, [&](std::ostream& out) {
      out << r.appeal().appeal_id() << " filed against " << r.appeal().violation_id()
          << (r.duplicate() ? " (already recorded)" : "") << "; appeal "
          << r.appeal().appeal_number() << ", deadline was " << IsoTime(r.appeal().deadline())
          << "\n";
      for (const v1::Action& a : r.appeal().paused_actions())
        out << "  held while open: " << ActionText(a) << "\n";
    });
    return kOk;
  }
  if (*verb != "resolve") {
    *inv.err << "enforcerctl appeal: '" << *verb << "' is not file, resolve or list\n";
    return kUsage;
  }
  std::optional<std::string> appeal = Arg(inv, "appeal resolve", 2, "an appeal id");
  std::optional<std::string> outcome = RequiredFlag(inv, "appeal resolve", "outcome");
  std::optional<std::string> code = RequiredFlag(inv, "appeal resolve", "reason_code");
  if (!appeal || !outcome || !code) return kUsage;
  v1::ResolveAppealRequest request;
  *request.mutable_subject() = *subject;
  request.set_appeal_id(*appeal);
  v1::AppealOutcome o;
  if (!v1::AppealOutcome_Parse("APPEAL_" + absl::AsciiStrToUpper(*outcome), &o)) {
    *inv.err << "enforcerctl appeal resolve: --outcome must be upheld, overturned or reduced\n";
    return kUsage;
  }
  request.set_outcome(o);
  int points = 0;
  if (auto p = inv.Flag("points"); p && !absl::SimpleAtoi(*p, &points)) {
    *inv.err << "enforcerctl appeal resolve: --points must be a number\n";
    return kUsage;
  }
  request.set_points(points);
  request.set_reason_code(*code);
  request.set_note(inv.Flag("note").value_or(""));
  request.set_request_id(RequestId(inv));
  request.set_actor(Actor(inv));
  v1::ResolveAppealResponse r;
  grpc::Status status = client.cases->ResolveAppeal(Context().get(), request, &r);
  if (!status.ok()) return Refused(inv, "appeal resolve", status);
  inv.Print(r, [&](std::ostream& out) {
    out << r.resolution().appeal_id() << " " << v1::AppealOutcome_Name(r.resolution().outcome())
        << (r.duplicate() ? " (already recorded)" : "") << "\n";
    PrintVoids(r.voids(), out);
  });
  return kOk;
}

// --until=ISO or --by/--for=DURATION (from `from`); nullopt after a usage error.
std::optional<absl::Time> EndFlag(const Invocation& inv, const std::string& command,
                                  const std::string& duration_flag, absl::Time from) {
  if (auto until = inv.Flag("until")) {
    std::optional<absl::Time> t = ParseTime(*until);
    if (!t)
      *inv.err << "enforcerctl " << command << ": --until='" << *until
               << "' is not a date (2026-12-01 or 2026-12-01T10:00:00Z)\n";
    return t;
  }
  if (auto d = inv.Flag(duration_flag)) {
    std::optional<absl::Duration> duration = ParseDuration(*d);
    if (!duration)
      *inv.err << "enforcerctl " << command << ": --" << duration_flag << "='" << *d
               << "' is not a duration (7d, 12h, 30m)\n";
    if (!duration) return std::nullopt;
    return from + *duration;
  }
  *inv.err << "enforcerctl " << command << ": give --until or --" << duration_flag << "\n";
  return std::nullopt;
}

int ActionCommand(const Invocation& inv) {
  std::optional<std::string> verb = Arg(inv, "action", 0, "apply, lift or extend");
  if (!verb) return kUsage;
  std::optional<v1::Subject> subject = SubjectArg(inv, "action " + *verb, 1);
  std::optional<std::string> reason = RequiredFlag(inv, "action " + *verb, "reason");
  if (!subject || !reason) return kUsage;
  if (*verb == "apply") {
    std::optional<std::string> type = RequiredFlag(inv, "action apply", "type");
    if (!type) return kUsage;
    v1::ApplyActionRequest request;
    *request.mutable_subject() = *subject;
    v1::ActionType t;
    if (!v1::ActionType_Parse("ACTION_" + absl::AsciiStrToUpper(*type), &t)) {
      *inv.err << "enforcerctl action apply: --type='" << *type << "' is not an action type\n";
      return kUsage;
    }
    request.set_type(t);
    request.set_feature(inv.Flag("feature").value_or(""));
    const std::string duration = inv.Flag("duration").value_or("permanent");
    if (duration != "permanent") {
      std::optional<absl::Duration> d = ParseDuration(duration);
      if (!d) {
        *inv.err << "enforcerctl action apply: --duration='" << duration
                 << "' is not a duration (7d, 12h) or permanent\n";
        return kUsage;
      }
      request.mutable_duration()->set_seconds(absl::ToInt64Seconds(*d));
    }
    request.set_reason(*reason);
    return SendStaff(inv, "action apply", request, &v1::Cases::Stub::ApplyAction);
  }
  std::optional<std::string> action = Arg(inv, "action " + *verb, 2, "an action id");
  if (!action) return kUsage;
  if (*verb == "lift") {
    v1::LiftActionRequest request;
    *request.mutable_subject() = *subject;
    request.set_action_id(*action);
    request.set_reason(*reason);
    return SendStaff(inv, "action lift", request, &v1::Cases::Stub::LiftAction);
  }
  if (*verb != "extend") {
    *inv.err << "enforcerctl action: '" << *verb << "' is not apply, lift or extend\n";
    return kUsage;
  }
  // --by counts from the action's current end: read it from the standing.
  v1::GetStandingRequest standing_request;
  *standing_request.mutable_subject() = *subject;
  v1::GetStandingResponse standing;
  grpc::Status status =
      CaseClient(inv).enforcer->GetStanding(Context().get(), standing_request, &standing);
  if (!status.ok()) return Refused(inv, "action extend", status);
  absl::Time end = absl::Now();
  for (const auto* list : {&standing.active_actions(), &standing.pending_actions()}) {
    for (const v1::Action& a : *list) {
      if (a.action_id() == *action && a.has_expires_at()) end = FromProtoTime(a.expires_at());
    }
  }
  std::optional<absl::Time> until = EndFlag(inv, "action extend", "by", end);
  if (!until) return kUsage;
  v1::ChangeActionEndRequest request;
  *request.mutable_subject() = *subject;
  request.set_action_id(*action);
  *request.mutable_expires_at() = ToProtoTime(*until);
  request.set_reason(*reason);
  return SendStaff(inv, "action extend", request, &v1::Cases::Stub::ChangeActionEnd);
}

int Reinstate(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "reinstate", 0);
  std::optional<std::string> reason = RequiredFlag(inv, "reinstate", "reason");
  if (!subject || !reason) return kUsage;
  v1::ReinstateSubjectRequest request;
  *request.mutable_subject() = *subject;
  request.set_reason(*reason);
  return SendStaff(inv, "reinstate", request, &v1::Cases::Stub::ReinstateSubject);
}

int Snooze(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "snooze", 0);
  std::optional<std::string> rule = Arg(inv, "snooze", 1, "a rule id");
  std::optional<std::string> reason = RequiredFlag(inv, "snooze", "reason");
  if (!subject || !rule || !reason) return kUsage;
  std::optional<absl::Time> until = EndFlag(inv, "snooze", "for", absl::Now());
  if (!until) return kUsage;
  v1::SnoozeRuleRequest request;
  *request.mutable_subject() = *subject;
  request.set_rule_id(*rule);
  *request.mutable_until() = ToProtoTime(*until);
  request.set_reason(*reason);
  return SendStaff(inv, "snooze", request, &v1::Cases::Stub::SnoozeRule);
}

int Note(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "note", 0);
  std::optional<std::string> text = Arg(inv, "note", 1, "the note's text");
  if (!subject || !text) return kUsage;
  v1::AddNoteRequest request;
  *request.mutable_subject() = *subject;
  request.set_note(*text);
  return SendStaff(inv, "note", request, &v1::Cases::Stub::AddNote);
}

int Retract(const Invocation& inv) {
  std::optional<std::string> reason = RequiredFlag(inv, "retract", "reason");
  if (!reason) return kUsage;
  v1::RetractComplaintRequest request;
  request.set_report_id(inv.Flag("report_id").value_or(""));
  request.set_rights_holder_id(inv.Flag("rights_holder").value_or(""));
  request.set_object_id(inv.Flag("object").value_or(""));
  if (request.report_id().empty() == request.rights_holder_id().empty()) {
    *inv.err << "enforcerctl retract: give --report_id, or --rights_holder with --object\n";
    return kUsage;
  }
  request.set_reason(*reason);
  request.set_request_id(RequestId(inv));
  request.set_actor(Actor(inv));
  v1::RetractComplaintResponse r;
  grpc::Status status = CaseClient(inv).cases->RetractComplaint(Context().get(), request, &r);
  if (!status.ok()) return Refused(inv, "retract", status);
  inv.Print(r, [&](std::ostream& out) {
    out << r.retraction_id() << (r.duplicate() ? " (already recorded)" : "") << "\n";
    PrintVoids(r.voids(), out);
  });
  return kOk;
}

}  // namespace

std::vector<Command> StaffCommands() {
  return {
      {"appeal", "appeal file|resolve|list ...",
       "file an appeal, decide one, or list appeals (no subject: the open queue, oldest first)",
       "appeal file SUBJECT VIOLATION_ID --reason=TEXT [--evidence=key=value ...]\n"
       "appeal resolve SUBJECT APPEAL_ID --outcome=upheld|overturned|reduced [--points=N] "
       "--reason_code=CODE [--note=TEXT]\n"
       "appeal list [SUBJECT] [--open]\n"
       "Writes take --actor (default $USER, else enforcerctl) and --request_id (default: a new "
       "one, printed on stderr; pass it again to retry without recording twice).",
       Flags({"reason", "evidence", "outcome", "points", "reason_code", "note", "open"}), Appeal},
      {"action", "action apply|lift|extend SUBJECT ...", "apply, lift, shorten or extend an action",
       "action apply SUBJECT --type=warning|restrict_feature|suspend|deactivate_store|"
       "revoke_selling_permission [--feature=F] [--duration=7d|permanent] --reason=TEXT\n"
       "action lift SUBJECT ACTION_ID --reason=TEXT\n"
       "action extend SUBJECT ACTION_ID --until=ISO|--by=DURATION --reason=TEXT "
       "(an earlier --until shortens it)",
       Flags({"type", "feature", "duration", "reason", "until", "by"}), ActionCommand},
      {"reinstate", "reinstate SUBJECT --reason=TEXT",
       "lift every store deactivation and revocation of the subject", "", Flags({"reason"}),
       Reinstate},
      {"snooze", "snooze SUBJECT RULE_ID --until=ISO|--for=14d --reason=TEXT",
       "silence one rule for one subject until a time (at most 365 days)", "",
       Flags({"until", "for", "reason"}), Snooze},
      {"note", "note SUBJECT TEXT", "add a note to the subject's case", "", Flags({}), Note},
      {"retract", "retract --report_id=ID | --rights_holder=ID --object=ID --reason=TEXT",
       "a rights holder withdraws a complaint: its violations are voided", "",
       Flags({"report_id", "rights_holder", "object", "reason"}), Retract},
  };
}

}  // namespace enforcer::ctl
