#include "engine/case_pipeline.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/idempotency.h"
#include "engine/ledger_entries.h"
#include "engine/propagation.h"
#include "engine/report_validator.h"
#include "proto/fingerprint.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/remedies.h"

namespace enforcer {
namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxNoteBytes = 2048;

std::string RemedyKey(const std::string& request_id) {
  return IdempotencyKey("remedy", request_id);
}
std::string LinkKey(const std::string& request_id) { return IdempotencyKey("link", request_id); }

absl::Status CheckNote(absl::string_view field, absl::string_view value, size_t max_bytes,
                       bool required) {
  if (value.empty() && required)
    return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": is ", value.size(), " bytes; at most ", max_bytes, " are allowed"));
  }
  return absl::OkStatus();
}

std::string Label(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator '" : "seller '", s.id(), "'");
}

}  // namespace

absl::Time CasePipeline::Now() { return FromProtoTime(ToProtoTime(clock_->Now())); }

template <typename Request, typename Response>
void CasePipeline::Submit(const Request& request, Callback<Response> done,
                          absl::StatusOr<LedgerWrite> (CasePipeline::*apply)(const Request&,
                                                                             LedgerView&,
                                                                             Response*)) {
  auto response = std::make_shared<Response>();
  auto sent = std::make_shared<Request>(request);
  auto callback = std::make_shared<Callback<Response>>(std::move(done));
  absl::Status queued =
      writer_->Submit([this, sent, response, apply](
                          LedgerView& view) { return (this->*apply)(*sent, view, response.get()); },
                      [response, callback](absl::Status status) {
                        if (status.ok()) {
                          (*callback)(std::move(*response));
                        } else {
                          (*callback)(status);
                        }
                      });
  if (!queued.ok()) (*callback)(queued);
}

void CasePipeline::RecordRemedy(const v1::RecordRemedyRequest& request,
                                Callback<v1::RecordRemedyResponse> done) {
  absl::Status valid = ValidateText("request_id", request.request_id(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateSubject(request.subject());
  if (valid.ok()) valid = ValidateText("remedy", request.remedy(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateText("violation_id", request.violation_id(), kMaxIdBytes, false);
  if (valid.ok()) valid = ValidateText("actor", request.actor(), kMaxIdBytes, true);
  if (valid.ok()) valid = CheckNote("note", request.note(), kMaxNoteBytes, false);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Submit(request, std::move(done), &CasePipeline::ApplyRemedy);
}

absl::StatusOr<LedgerWrite> CasePipeline::ApplyRemedy(const v1::RecordRemedyRequest& request,
                                                      LedgerView& view,
                                                      v1::RecordRemedyResponse* response) {
  const v1::Subject& subject = request.subject();
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(RemedyKey(request.request_id())));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request.request_id()));
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_remedy() && e.remedy().remedy_id() == earlier->violation_id()) {
        *response->mutable_remedy() = e.remedy();
      }
    }
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  const std::shared_ptr<const Policy> policy = policies_->active();
  const RemedyPolicy* remedy = policy->FindRemedy(request.remedy());
  if (remedy == nullptr) {
    std::vector<std::string> known;
    for (const auto& [id, r] : policy->remedies()) known.push_back(id);
    return absl::InvalidArgumentError(absl::StrCat(
        "remedy: '", request.remedy(), "' is not defined by policy ", policy->name(),
        known.empty() ? " (it defines no remedies)"
                      : absl::StrCat("; known remedies: ", absl::StrJoin(known, ", "))));
  }
  if (remedy->cancels_pending && request.violation_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("violation_id: is required: remedy '",
                                                   remedy->id,
                                                   "' cancels one violation's pending actions"));
  }
  if (!request.violation_id().empty()) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries,
                     view.GetViolationEntries(request.violation_id()));
    bool found = false;
    for (const v1::LedgerEntry& e : entries)
      found |= e.has_violation() && SameSubject(e.subject(), subject);
    if (!found) {
      return absl::NotFoundError(absl::StrCat("violation_id: '", request.violation_id(),
                                              "' is not in the ledger of ", Label(subject)));
    }
  }
  const absl::Time now = Now();
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(*policy, *policies_, subject, now, view, &write));
  if (std::optional<absl::Time> next = RemedyNotBefore(*remedy, state, now)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "remedy: '", remedy->id, "' may be recorded once every ", *remedy->once_every_days,
        " days for ", Label(subject), "; the next may be recorded from ", FormatUtc(*next)));
  }
  RemedyOutcome out =
      enforcer::ApplyRemedy(*policy, *remedy, std::move(state), request.violation_id(), now);
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  out.record.set_remedy_id(absl::StrCat("m", entry.sequence()));
  out.record.set_request_id(request.request_id());
  out.record.set_actor(request.actor());
  out.record.set_note(request.note());
  *entry.mutable_remedy() = out.record;
  write.entries.push_back(std::move(entry));
  for (const v1::ActionLift& lift : out.record.actions_ended()) {
    v1::LedgerEntry e = NewEntry(view, subject, now);
    *e.mutable_lift() = lift;
    write.entries.push_back(std::move(e));
  }
  PutState(std::move(out.state), &write);
  write.report.emplace();
  write.report->report_id = RemedyKey(request.request_id());
  write.report->record.set_request_sha256(MessageFingerprint(request));
  write.report->record.set_violation_id(out.record.remedy_id());
  *response->mutable_remedy() = std::move(out.record);
  return write;
}

void CasePipeline::LinkSubjects(const v1::LinkSubjectsRequest& request,
                                Callback<v1::LinkSubjectsResponse> done) {
  absl::Status valid = ValidateText("request_id", request.request_id(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateSubject(request.a(), "a");
  if (valid.ok()) valid = ValidateSubject(request.b(), "b");
  if (valid.ok() && SameSubject(request.a(), request.b())) {
    valid = absl::InvalidArgumentError("b: must be another subject than a");
  }
  if (valid.ok()) valid = CheckNote("reason", request.reason(), 512, true);
  if (valid.ok()) valid = ValidateText("actor", request.actor(), kMaxIdBytes, true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Submit(request, std::move(done), &CasePipeline::ApplyLink);
}

absl::StatusOr<LedgerWrite> CasePipeline::ApplyLink(const v1::LinkSubjectsRequest& request,
                                                    LedgerView& view,
                                                    v1::LinkSubjectsResponse* response) {
  const std::string cause = absl::StrCat("link:", request.request_id());
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(LinkKey(request.request_id())));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request.request_id()));
    for (const v1::Subject& s : {request.a(), request.b()}) {
      ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(s));
      for (const v1::LedgerEntry& e : log) {
        if (e.has_propagation() && e.propagation().cause() == cause) {
          *response->add_propagations() = e.propagation();
        }
      }
    }
    response->set_duplicate(true);
    response->set_linked(earlier->violation_id() == "linked");
    return LedgerWrite{};
  }
  const std::shared_ptr<const Policy> policy = policies_->active();
  const absl::Time now = Now();
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState a,
                   StateUnderPolicy(*policy, *policies_, request.a(), now, view, &write));
  bool already = false;
  for (const v1::SubjectLink& l : a.links()) already |= SameSubject(l.linked(), request.b());
  write.report.emplace();
  write.report->report_id = LinkKey(request.request_id());
  write.report->record.set_request_sha256(MessageFingerprint(request));
  write.report->record.set_violation_id(already ? "already linked" : "linked");
  response->set_linked(!already);
  if (already) {
    PutState(std::move(a), &write);  // with any re-evaluation StateUnderPolicy recorded
    return write;
  }
  ASSIGN_OR_RETURN(v1::SubjectState b,
                   StateUnderPolicy(*policy, *policies_, request.b(), now, view, &write));
  // Each side's ledger records the link; the actions in force on each then reach the other.
  std::vector<std::pair<v1::SubjectState*, const v1::Subject*>> sides = {{&a, &request.b()},
                                                                         {&b, &request.a()}};
  for (auto [state, other] : sides) {
    v1::SubjectLink link;
    *link.mutable_linked() = *other;
    link.set_reason(request.reason());
    link.set_actor(request.actor());
    link.set_request_id(request.request_id());
    *link.mutable_recorded_at() = ToProtoTime(now);
    v1::LedgerEntry entry = NewEntry(view, state->subject(), now);
    *entry.mutable_link() = link;
    write.entries.push_back(std::move(entry));
    *state->add_links() = std::move(link);
  }
  const std::vector<v1::Action> a_actions(a.actions().begin(), a.actions().end());
  const std::vector<v1::Action> b_actions(b.actions().begin(), b.actions().end());
  PutState(std::move(a), &write);
  PutState(std::move(b), &write);
  for (auto [actions, source, target] : {std::make_tuple(&a_actions, &request.a(), &request.b()),
                                         std::make_tuple(&b_actions, &request.b(), &request.a())}) {
    for (const v1::Action& action : *actions) {
      if (!IsActive(action, now) || !policy->Propagates(action.type()) ||
          action.rule_id() == kLinkedSubjectRuleId) {
        continue;
      }
      ASSIGN_OR_RETURN(v1::Propagation p, PropagateTo(*policy, *policies_, *source, action, *target,
                                                      request.reason(), cause, now, view, &write));
      if (p.actions_issued_size() > 0) *response->add_propagations() = std::move(p);
    }
  }
  return write;
}

}  // namespace enforcer
