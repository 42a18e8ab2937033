#include "enforcerctl/case_reads.h"

#include <functional>
#include <iostream>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "enforcerctl/case_client.h"
#include "enforcerctl/format.h"
#include "proto/timestamp.h"

namespace enforcer::ctl {
namespace {

std::string What(const v1::LedgerEntry& e) {
  switch (e.kind_case()) {
    case v1::LedgerEntry::kViolation:
      return absl::StrCat(e.violation().violation_id(), " ", e.violation().report().category(),
                          " (report ", e.violation().report().report_id(), ")");
    case v1::LedgerEntry::kDecision:
      return absl::StrCat(e.decision().violation_id(), " +", e.decision().points_added(),
                          " points -> ", e.decision().active_points(), ", ",
                          StandingText(e.decision().standing_after()));
    case v1::LedgerEntry::kAction:
      return ActionText(e.action());
    case v1::LedgerEntry::kLift:
      return absl::StrCat(ActionText(e.lift().action()), " lifted: ", e.lift().reason());
    case v1::LedgerEntry::kAppeal:
      return absl::StrCat(e.appeal().appeal_id(), " of ", e.appeal().violation_id(), " by ",
                          e.appeal().actor(), ": ", e.appeal().reason());
    case v1::LedgerEntry::kAppealResolution:
      return absl::StrCat(e.appeal_resolution().appeal_id(), " ",
                          v1::AppealOutcome_Name(e.appeal_resolution().outcome()), " by ",
                          e.appeal_resolution().actor(), " (", e.appeal_resolution().reason_code(),
                          ")");
    case v1::LedgerEntry::kViolationVoid:
      return absl::StrCat(e.violation_void().violation_id(), " ",
                          e.violation_void().reduced() ? "reduced" : "voided", ": ",
                          e.violation_void().cause(), "; ",
                          e.violation_void().recomputation().active_points_before(), " -> ",
                          e.violation_void().recomputation().active_points(), " points");
    case v1::LedgerEntry::kStaffAction:
      return absl::StrCat(
          v1::StaffActionKind_Name(e.staff_action().kind()), " by ", e.staff_action().actor(), ": ",
          e.staff_action().note().empty() ? e.staff_action().reason() : e.staff_action().note());
    case v1::LedgerEntry::kReevaluation:
      return e.reevaluation().reason();
    case v1::LedgerEntry::kRemedy:
      return e.remedy().remedy();
    case v1::LedgerEntry::kActionEnded:
      return absl::StrCat(ActionText(e.action_ended().action()), " ended at ",
                          IsoTime(e.action_ended().ended_at()), "; now ",
                          StandingText(e.action_ended().standing_after()));
    case v1::LedgerEntry::kActionTookEffect:
      return absl::StrCat(ActionText(e.action_took_effect().action()), " took effect at ",
                          IsoTime(e.action_took_effect().effective_at()), "; now ",
                          StandingText(e.action_took_effect().standing_after()));
    default:
      return "";
  }
}

// Sets the timestamp only when the flag is given (`field` makes it: a mutable_ accessor would
// set it even when the flag is absent).
bool TimeFlag(const Invocation& inv, const std::string& name,
              const std::function<google::protobuf::Timestamp*()>& field) {
  std::optional<std::string> text = inv.Flag(name);
  if (!text) return true;
  std::optional<absl::Time> t = ParseTime(*text);
  if (!t) {
    *inv.err << "enforcerctl: --" << name << "='" << *text
             << "' is not a date (2026-12-01 or 2026-12-01T10:00:00Z)\n";
    return false;
  }
  *field() = ToProtoTime(*t);
  return true;
}

}  // namespace

std::string EntryText(const v1::LedgerEntry& e) {
  const auto* field = v1::LedgerEntry::descriptor()->FindFieldByNumber(e.kind_case());
  return absl::StrCat(IsoTime(e.recorded_at()), " #", e.position(), " ",
                      field != nullptr ? field->name() : "?", ": ", What(e));
}

bool HistoryRequest(const Invocation& inv, v1::ListHistoryRequest* r) {
  if (auto kinds = inv.Flag("kind")) {
    for (absl::string_view k : absl::StrSplit(*kinds, absl::ByAnyChar(",\n"), absl::SkipEmpty()))
      r->add_kinds(std::string(k));
  }
  if (auto c = inv.Flag("category")) r->set_category(*c);
  if (auto source = inv.Flag("source")) {
    v1::Source s;
    if (!v1::Source_Parse("SOURCE_" + absl::AsciiStrToUpper(*source), &s)) {
      *inv.err << "enforcerctl history: --source='" << *source
               << "' is not one of listing, livestream, short_video, rights_holder_complaint, "
                  "manual_review, automated_detection\n";
      return false;
    }
    r->set_source(s);
  }
  if (auto status = inv.Flag("status")) {
    v1::ViolationStatus s;
    if (!v1::ViolationStatus_Parse("VIOLATION_" + absl::AsciiStrToUpper(*status), &s)) {
      *inv.err << "enforcerctl history: --status='" << *status
               << "' is not one of active, expired, voided, under_appeal\n";
      return false;
    }
    r->set_violation_status(s);
  }
  if (auto size = inv.Flag("page_size")) {
    int n = 0;
    if (!absl::SimpleAtoi(*size, &n)) {
      *inv.err << "enforcerctl history: --page_size must be a number\n";
      return false;
    }
    r->set_page_size(n);
  }
  if (auto token = inv.Flag("page_token")) r->set_page_token(*token);
  return TimeFlag(inv, "since", [r] { return r->mutable_start_time(); }) &&
         TimeFlag(inv, "until", [r] { return r->mutable_end_time(); }) &&
         TimeFlag(inv, "occurred_since", [r] { return r->mutable_occurred_start(); }) &&
         TimeFlag(inv, "occurred_until", [r] { return r->mutable_occurred_end(); });
}

int Complainant(const Invocation& inv) {
  std::optional<std::string> id = Arg(inv, "complainant", 0, "a rights holder id");
  if (!id) return kUsage;
  v1::GetComplainantRequest request;
  request.set_rights_holder_id(*id);
  v1::ComplainantRecord r;
  grpc::Status status = CaseClient(inv).cases->GetComplainant(Context().get(), request, &r);
  if (!status.ok()) return Refused(inv, "complainant", status);
  inv.Print(r, [&](std::ostream& out) {
    out << r.rights_holder_id() << ": " << r.status();
    if (!r.status_reason().empty()) out << " (" << r.status_reason() << ")";
    out << "\n  complaints " << r.complaints() << ", upheld " << r.upheld()
        << ", overturned on appeal " << r.overturned_on_appeal() << ", retracted " << r.retracted()
        << "\n  last " << r.window_days() << " days: " << r.complaints_in_window()
        << " complaints, success " << static_cast<int>(r.success_ratio() * 100 + 0.5) << "%\n";
  });
  return kOk;
}

int Audit(const Invocation& inv) {
  v1::ListAuditRequest request;
  if (auto s = inv.Flag("subject")) {
    std::optional<v1::Subject> subject = ParseSubject(*s);
    if (!subject) {
      *inv.err << "enforcerctl audit: --subject='" << *s << "' is not seller:ID or creator:ID\n";
      return kUsage;
    }
    *request.mutable_subject() = *subject;
  }
  if (auto a = inv.Flag("actor")) request.set_actor(*a);
  if (auto t = inv.Flag("page_token")) request.set_page_token(*t);
  if (!TimeFlag(inv, "since", [&] { return request.mutable_start_time(); }) ||
      !TimeFlag(inv, "until", [&] { return request.mutable_end_time(); })) {
    return kUsage;
  }
  v1::ListAuditResponse r;
  grpc::Status status = CaseClient(inv).cases->ListAudit(Context().get(), request, &r);
  if (!status.ok()) return Refused(inv, "audit", status);
  inv.Print(r, [&](std::ostream& out) {
    for (const v1::AuditEntry& e : r.entries()) {
      out << IsoTime(e.recorded_at()) << "  " << e.actor() << "  " << e.what();
      if (e.has_subject()) out << "  " << SubjectText(e.subject());
      if (!e.target().empty()) out << "  " << e.target();
      if (!e.before().empty() || !e.after().empty())
        out << "  " << e.before() << " -> " << e.after();
      if (!e.why().empty()) out << "  why: " << e.why();
      out << "\n";
    }
    if (!r.next_page_token().empty()) out << "(more: --page_token=" << r.next_page_token() << ")\n";
  });
  return kOk;
}

}  // namespace enforcer::ctl
