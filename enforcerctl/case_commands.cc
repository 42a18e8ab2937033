#include "enforcerctl/case_commands.h"

#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "enforcerctl/case_client.h"
#include "enforcerctl/case_reads.h"
#include "enforcerctl/format.h"
#include "proto/timestamp.h"

namespace enforcer::ctl {
namespace {

void PrintStanding(const v1::GetStandingResponse& s, std::ostream& out) {
  out << SubjectText(s.subject()) << ": " << StandingText(s.standing()) << ", " << s.active_points()
      << " active points, " << s.lifetime_violations() << " violations in all (as of "
      << IsoTime(s.as_of()) << ")\n";
  for (const v1::Action& a : s.active_actions()) {
    out << "  in force: " << ActionText(a);
    if (a.has_expires_at() && a.expires_at().seconds() > s.as_of().seconds()) {
      out << " (" << DurationWords(absl::Seconds(a.expires_at().seconds() - s.as_of().seconds()))
          << " left)";
    }
    out << "\n";
  }
  for (const v1::Action& a : s.pending_actions()) out << "  pending:  " << ActionText(a) << "\n";
  for (const v1::CategoryCount& c : s.category_counts()) {
    out << "  " << c.category() << ": " << c.count() << " violation(s), " << c.active_points()
        << " points within " << c.window_days() << " days\n";
  }
}

int Standing(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "standing", 0);
  if (!subject) return kUsage;
  v1::GetStandingRequest request;
  *request.mutable_subject() = *subject;
  v1::GetStandingResponse response;
  grpc::Status status = CaseClient(inv).enforcer->GetStanding(Context().get(), request, &response);
  if (!status.ok()) return Refused(inv, "standing", status);
  inv.Print(response, [&](std::ostream& out) { PrintStanding(response, out); });
  return kOk;
}

void PrintCase(const v1::CaseView& c, std::ostream& out) {
  PrintStanding(c.standing(), out);
  if (!c.next_milestone().empty()) out << "next: " << c.next_milestone() << "\n";
  for (const v1::CountRuleProgress& p : c.count_rules()) {
    out << "rule " << p.rule_id() << ": " << p.summary() << "\n";
  }
  out << "violations (newest first):\n";
  for (const v1::CaseViolation& v : c.violations()) {
    const v1::ReportViolationRequest& r = v.violation().report();
    out << "  " << v.violation().violation_id() << "  " << r.category() << "  "
        << absl::AsciiStrToLower(v1::ViolationStatus_Name(v.status()).substr(10)) << "  "
        << v.points() << " points";
    if (v.has_counts_until()) out << " until " << IsoTime(v.counts_until());
    if (!v.open_appeal_id().empty()) out << "  appeal " << v.open_appeal_id();
    out << "\n";
    if (!v.overturn_preview().empty())
      out << "      if overturned: " << v.overturn_preview() << "\n";
  }
  for (const v1::Appeal& a : c.open_appeals()) {
    out << "open appeal " << a.appeal_id() << " of " << a.violation_id() << ", filed "
        << IsoTime(a.filed_at()) << " by " << a.actor() << ": " << a.reason() << "\n";
  }
  for (const v1::CaseLink& l : c.links()) {
    out << "linked: " << SubjectText(l.subject()) << " (" << l.how();
    if (l.shared_reports() > 0) out << ", " << l.shared_reports() << " shared reports";
    if (!l.reason().empty()) out << ": " << l.reason();
    out << ")\n";
  }
  for (const v1::StaffAction& n : c.notes()) {
    out << "note " << IsoTime(n.recorded_at()) << " " << n.actor() << ": " << n.note() << "\n";
  }
  for (const v1::StaffAction& z : c.snoozes()) {
    out << "snoozed: rule " << z.rule_id() << " until " << IsoTime(z.snoozed_until()) << "\n";
  }
}

int Case(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "case", 0);
  if (!subject) return kUsage;
  v1::GetCaseRequest request;
  *request.mutable_subject() = *subject;
  v1::CaseView response;
  grpc::Status status = CaseClient(inv).cases->GetCase(Context().get(), request, &response);
  if (!status.ok()) return Refused(inv, "case", status);
  inv.Print(response, [&](std::ostream& out) { PrintCase(response, out); });
  return kOk;
}

}  // namespace

int History(const Invocation& inv) {
  std::optional<v1::Subject> subject = SubjectArg(inv, "history", 0);
  if (!subject) return kUsage;
  v1::ListHistoryRequest request;
  *request.mutable_subject() = *subject;
  if (!HistoryRequest(inv, &request)) return kUsage;
  CaseClient client(inv);
  v1::ListHistoryResponse all;
  do {
    v1::ListHistoryResponse page;
    grpc::Status status = client.enforcer->ListHistory(Context().get(), request, &page);
    if (!status.ok()) return Refused(inv, "history", status);
    for (auto& e : *page.mutable_entries()) *all.add_entries() = std::move(e);
    all.set_next_page_token(page.next_page_token());
    request.set_page_token(page.next_page_token());
  } while (inv.Flag("all") && !request.page_token().empty());
  inv.Print(all, [&](std::ostream& out) {
    for (const v1::LedgerEntry& e : all.entries()) out << EntryText(e) << "\n";
    if (!all.next_page_token().empty())
      out << "(more: --page_token=" << all.next_page_token() << " or --all)\n";
  });
  return kOk;
}

std::vector<Command> CaseCommands() {
  std::vector<Command> commands = {
      {"standing", "standing SUBJECT", "a seller's or creator's standing now",
       "SUBJECT is seller:ID or creator:ID.", kClientFlags, Standing},
      {"case", "case SUBJECT",
       "everything about one subject: standing, next milestone, violations with what overturning "
       "each would change, count rules, appeals, links, notes",
       "", kClientFlags, Case},
      {"history",
       "history SUBJECT [filters]",
       "a subject's ledger, newest first",
       "Filters: --kind=violation,appeal,... --category=ID --source=listing|livestream|... "
       "--status=active|expired|voided|under_appeal --since/--until (recorded) "
       "--occurred_since/--occurred_until (ISO 8601). --page_size, --page_token, or --all.",
       {"server", "json", "kind", "category", "source", "status", "since", "until",
        "occurred_since", "occurred_until", "page_size", "page_token", "all"},
       History},
      {"complainant", "complainant RIGHTS_HOLDER_ID",
       "a rights holder's complaints: filed, upheld, overturned, retracted; trusted or suspended",
       "", kClientFlags, Complainant},
      {"audit",
       "audit [--subject=S] [--actor=A] [--since=T] [--until=T]",
       "who did what: staff, appeal and policy actions, newest first",
       "",
       {"server", "json", "subject", "actor", "since", "until", "page_size", "page_token"},
       Audit},
  };
  for (Command& c : StaffCommands()) commands.push_back(std::move(c));
  return commands;
}

}  // namespace enforcer::ctl
