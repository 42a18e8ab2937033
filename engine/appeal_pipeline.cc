#include "engine/appeal_pipeline.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/appeal_terms.h"
#include "engine/idempotency.h"
#include "engine/ledger_entries.h"
#include "engine/propagation.h"
#include "engine/report_validator.h"
#include "engine/voiding.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"

namespace enforcer {
namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxTextBytes = 4096;
constexpr int kMaxEvidence = 32;

absl::Status ValidateEvidence(const google::protobuf::RepeatedPtrField<v1::EvidenceItem>& items) {
  if (items.size() > kMaxEvidence) {
    return absl::InvalidArgumentError(
        absl::StrCat("evidence: has ", items.size(), " items; at most ", kMaxEvidence));
  }
  for (int i = 0; i < items.size(); ++i) {
    RETURN_IF_ERROR(
        ValidateText(absl::StrCat("evidence[", i, "].key"), items[i].key(), kMaxIdBytes, true));
    RETURN_IF_ERROR(ValidateText(absl::StrCat("evidence[", i, "].value"), items[i].value(),
                                 kMaxTextBytes, false));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Time AppealPipeline::Now() { return FromProtoTime(ToProtoTime(clock_->Now())); }

template <typename Request, typename Response>
void AppealPipeline::Submit(const Request& request, Callback<Response> done,
                            absl::StatusOr<LedgerWrite> (AppealPipeline::*apply)(const Request&,
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

// Retractions (appeal_retraction.cc) submit through the same template.
template void AppealPipeline::Submit(
    const v1::RetractComplaintRequest&, Callback<v1::RetractComplaintResponse>,
    absl::StatusOr<LedgerWrite> (AppealPipeline::*)(const v1::RetractComplaintRequest&, LedgerView&,
                                                    v1::RetractComplaintResponse*));

void AppealPipeline::FileAppeal(const v1::FileAppealRequest& request,
                                Callback<v1::FileAppealResponse> done) {
  absl::Status valid = ValidateText("request_id", request.request_id(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateSubject(request.subject());
  if (valid.ok()) valid = ValidateText("violation_id", request.violation_id(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateText("reason", request.reason(), kMaxTextBytes, true);
  if (valid.ok()) valid = ValidateEvidence(request.evidence());
  if (valid.ok()) valid = ValidateText("actor", request.actor(), kMaxIdBytes, true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Submit(request, std::move(done), &AppealPipeline::ApplyFile);
}

absl::StatusOr<LedgerWrite> AppealPipeline::ApplyFile(const v1::FileAppealRequest& request,
                                                      LedgerView& view,
                                                      v1::FileAppealResponse* response) {
  const v1::Subject& subject = request.subject();
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(IdempotencyKey("appeal", request.request_id())));
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request.request_id()));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_appeal() && e.appeal().appeal_id() == earlier->violation_id())
        *response->mutable_appeal() = e.appeal();
    }
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  const std::shared_ptr<const Policy> policy = policies_->active();
  const absl::Time now = Now();
  ASSIGN_OR_RETURN(AppealHistory history, AppealHistoryOf(log, subject, request.violation_id()));
  ASSIGN_OR_RETURN(absl::Time deadline, CheckAppealTerms(policy->appeals(), history, now));
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(*policy, *policies_, subject, now, view, &write));
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  v1::Appeal& appeal = *entry.mutable_appeal();
  appeal.set_appeal_id(absl::StrCat("a", entry.sequence()));
  appeal.set_violation_id(request.violation_id());
  appeal.set_reason(request.reason());
  *appeal.mutable_evidence() = request.evidence();
  appeal.set_actor(request.actor());
  *appeal.mutable_filed_at() = ToProtoTime(now);
  appeal.set_request_id(request.request_id());
  appeal.set_appeal_number(static_cast<int>(history.appeals.size()) + 1);
  appeal.set_policy_version(policy->version());
  *appeal.mutable_deadline() = ToProtoTime(deadline);
  if (policy->appeals().pauses_pending) {
    for (v1::Action& a : PausedActions(state, request.violation_id(), appeal.appeal_id(), now)) {
      *appeal.add_paused_actions() = std::move(a);
    }
  }
  ApplyAppealFiled(appeal, &state);
  *response->mutable_appeal() = appeal;
  write.report = IdempotencyRecord("appeal", request.request_id(), request, appeal.appeal_id());
  write.entries.push_back(std::move(entry));
  PutState(std::move(state), &write);
  return write;
}

void AppealPipeline::ResolveAppeal(const v1::ResolveAppealRequest& request,
                                   Callback<v1::ResolveAppealResponse> done) {
  absl::Status valid = ValidateText("request_id", request.request_id(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateSubject(request.subject());
  if (valid.ok()) valid = ValidateText("appeal_id", request.appeal_id(), kMaxIdBytes, true);
  if (valid.ok() && !v1::AppealOutcome_IsValid(request.outcome())) {
    valid = absl::InvalidArgumentError(absl::StrCat("outcome: ", request.outcome(), " is unknown"));
  }
  if (valid.ok() && request.outcome() == v1::APPEAL_OUTCOME_UNSPECIFIED) {
    valid = absl::InvalidArgumentError(
        "outcome: is required (APPEAL_UPHELD, APPEAL_OVERTURNED or APPEAL_REDUCED)");
  }
  if (valid.ok() && request.outcome() != v1::APPEAL_REDUCED && request.points() != 0) {
    valid = absl::InvalidArgumentError("points: is only for outcome APPEAL_REDUCED");
  }
  if (valid.ok() && request.points() < 0) {
    valid = absl::InvalidArgumentError(absl::StrCat("points: ", request.points(), " is negative"));
  }
  if (valid.ok()) valid = ValidateText("reason_code", request.reason_code(), kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateText("note", request.note(), kMaxTextBytes, false);
  if (valid.ok()) valid = ValidateText("actor", request.actor(), kMaxIdBytes, true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Submit(request, std::move(done), &AppealPipeline::ApplyResolve);
}

}  // namespace enforcer

namespace enforcer {

absl::StatusOr<LedgerWrite> AppealPipeline::ApplyResolve(const v1::ResolveAppealRequest& request,
                                                         LedgerView& view,
                                                         v1::ResolveAppealResponse* response) {
  const v1::Subject& subject = request.subject();
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(IdempotencyKey("resolve", request.request_id())));
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request.request_id()));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_appeal_resolution() && e.appeal_resolution().appeal_id() == request.appeal_id())
        *response->mutable_resolution() = e.appeal_resolution();
      if (e.has_violation_void() && e.violation_void().appeal_id() == request.appeal_id())
        *response->add_voids() = e.violation_void();
    }
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  const v1::Appeal* appeal = nullptr;
  const v1::AppealResolution* resolved = nullptr;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_appeal() && e.appeal().appeal_id() == request.appeal_id()) appeal = &e.appeal();
    if (e.has_appeal_resolution() && e.appeal_resolution().appeal_id() == request.appeal_id())
      resolved = &e.appeal_resolution();
  }
  if (appeal == nullptr) {
    return absl::NotFoundError(absl::StrCat("appeal_id: '", request.appeal_id(),
                                            "' is not in the ledger of ", subject.id()));
  }
  if (resolved != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("appeal_id: '", request.appeal_id(), "' was already resolved (",
                     v1::AppealOutcome_Name(resolved->outcome()), " by ", resolved->actor(), " on ",
                     FormatUtc(FromProtoTime(resolved->resolved_at())), ")"));
  }
  const std::shared_ptr<const Policy> policy = policies_->active();
  ASSIGN_OR_RETURN(AppealHistory history, AppealHistoryOf(log, subject, appeal->violation_id()));
  const int points_now = CurrentPoints(*policy, history);
  if (request.outcome() == v1::APPEAL_REDUCED && request.points() >= points_now) {
    return absl::InvalidArgumentError(absl::StrCat(
        "points: ", request.points(), " is not below the ", points_now, " points violation '",
        appeal->violation_id(), "' counts now; to keep it as it is, resolve APPEAL_UPHELD"));
  }
  const absl::Time now = Now();
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(*policy, *policies_, subject, now, view, &write));
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  v1::AppealResolution& r = *entry.mutable_appeal_resolution();
  r.set_appeal_id(appeal->appeal_id());
  r.set_violation_id(appeal->violation_id());
  r.set_outcome(request.outcome());
  r.set_points(request.points());
  r.set_reason_code(request.reason_code());
  r.set_note(request.note());
  r.set_actor(request.actor());
  *r.mutable_resolved_at() = ToProtoTime(now);
  r.set_request_id(request.request_id());
  // Whatever the outcome, what the appeal held runs again; a void then lifts what it no longer
  // supports.
  for (v1::Action& a : ResumedActions(state, *appeal, log, now)) *r.add_actions_resumed() = a;
  ApplyAppealResolved(r, &state);
  *response->mutable_resolution() = r;
  write.entries.push_back(std::move(entry));
  PutState(std::move(state), &write);
  if (request.outcome() != v1::APPEAL_UPHELD) {
    VoidRequest v;
    v.violation_id = appeal->violation_id();
    if (request.outcome() == v1::APPEAL_REDUCED) v.reduced_points = request.points();
    v.cause = absl::StrCat("appeal ", appeal->appeal_id(), " ",
                           request.outcome() == v1::APPEAL_REDUCED
                               ? absl::StrCat("reduced it to ", request.points(), " points")
                               : "overturned it",
                           " (", request.reason_code(), ")");
    v.actor = request.actor();
    v.reason = request.note().empty() ? request.reason_code() : request.note();
    v.appeal_id = appeal->appeal_id();
    ASSIGN_OR_RETURN(std::vector<v1::ViolationVoid> voids,
                     VoidViolation(*policy, *policies_, v, now, view, &write));
    for (v1::ViolationVoid& vv : voids) *response->add_voids() = std::move(vv);
  }
  write.report = IdempotencyRecord("resolve", request.request_id(), request, appeal->appeal_id());
  return write;
}

}  // namespace enforcer
