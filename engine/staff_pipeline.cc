#include "engine/staff_pipeline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/idempotency.h"
#include "engine/ledger_entries.h"
#include "engine/propagation.h"
#include "engine/report_validator.h"
#include "engine/staff_builders.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxReasonBytes = 2048;

}  // namespace

absl::Time StaffPipeline::Now() { return FromProtoTime(ToProtoTime(clock_->Now())); }

void StaffPipeline::Record(const google::protobuf::Message& request, const std::string& request_id,
                           const v1::Subject& subject, const std::string& actor,
                           const std::string& reason, bool reason_required,
                           v1::StaffActionKind kind, Builder build,
                           Callback<v1::StaffActionResponse> done) {
  absl::Status valid = ValidateText("request_id", request_id, kMaxIdBytes, true);
  if (valid.ok()) valid = ValidateSubject(subject);
  if (valid.ok()) valid = ValidateText("reason", reason, kMaxReasonBytes, reason_required);
  if (valid.ok()) valid = ValidateText("actor", actor, kMaxIdBytes, true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  struct Job {
    std::unique_ptr<google::protobuf::Message> request;
    std::string request_id, actor, reason;
    v1::Subject subject;
    Builder build;
    v1::StaffActionResponse response;
    Callback<v1::StaffActionResponse> done;
  };
  auto job = std::make_shared<Job>();
  job->request.reset(request.New());
  job->request->CopyFrom(request);
  job->request_id = request_id;
  job->actor = actor;
  job->reason = reason;
  job->subject = subject;
  job->build = std::move(build);
  job->done = std::move(done);
  absl::Status queued = writer_->Submit(
      [this, job, kind](LedgerView& view) {
        return Apply(*job->request, job->request_id, job->subject, job->actor, job->reason, kind,
                     job->build, view, &job->response);
      },
      [job](absl::Status status) {
        if (status.ok()) {
          job->done(std::move(job->response));
        } else {
          job->done(status);
        }
      });
  if (!queued.ok()) job->done(queued);
}

absl::StatusOr<LedgerWrite> StaffPipeline::Apply(
    const google::protobuf::Message& request, const std::string& request_id,
    const v1::Subject& subject, const std::string& actor, const std::string& reason,
    v1::StaffActionKind kind, const Builder& build, LedgerView& view,
    v1::StaffActionResponse* response) {
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(IdempotencyKey("staff", request_id)));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request_id));
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_staff_action() && e.staff_action().staff_action_id() == earlier->violation_id())
        *response->mutable_staff_action() = e.staff_action();
    }
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  const std::shared_ptr<const Policy> policy = policies_->active();
  const absl::Time now = Now();
  LedgerWrite write;
  ASSIGN_OR_RETURN(v1::SubjectState state,
                   StateUnderPolicy(*policy, *policies_, subject, now, view, &write));
  v1::LedgerEntry entry = NewEntry(view, subject, now);
  v1::StaffAction& staff = *entry.mutable_staff_action();
  staff.set_staff_action_id(absl::StrCat("s", entry.sequence()));
  staff.set_kind(kind);
  staff.set_request_id(request_id);
  staff.set_actor(actor);
  staff.set_reason(reason);
  *staff.mutable_recorded_at() = ToProtoTime(now);
  staff.set_standing_before(DeriveStanding(state.actions(), now));
  std::vector<v1::LedgerEntry> follow;
  RETURN_IF_ERROR(build(*policy, state, now, &staff, &follow));
  ApplyStaffAction(staff, &state);
  staff.set_standing_after(DeriveStanding(state.actions(), now));
  *response->mutable_staff_action() = staff;
  const v1::StaffAction recorded = staff;
  write.entries.push_back(std::move(entry));
  for (v1::LedgerEntry& e : follow) {
    v1::LedgerEntry numbered = NewEntry(view, subject, now);
    numbered.MergeFrom(e);
    write.entries.push_back(std::move(numbered));
  }
  const v1::SubjectState after = state;
  PutState(std::move(state), &write);
  for (const v1::ActionLift& lift : recorded.lifted()) {
    RETURN_IF_ERROR(LiftPropagated(*policy, *policies_, after, lift,
                                   absl::StrCat("staff:", recorded.staff_action_id()), now, view,
                                   &write));
  }
  if (kind == v1::STAFF_APPLY) {
    RETURN_IF_ERROR(PropagateToLinked(*policy, *policies_, after, recorded.action(),
                                      absl::StrCat("staff:", recorded.staff_action_id()), now, view,
                                      &write));
  }
  write.report = IdempotencyRecord("staff", request_id, request, recorded.staff_action_id());
  return write;
}

void StaffPipeline::ApplyAction(const v1::ApplyActionRequest& request,
                                Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), request.reason(), true,
         v1::STAFF_APPLY, ApplyActionBuilder(request), std::move(done));
}

void StaffPipeline::LiftAction(const v1::LiftActionRequest& request,
                               Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), request.reason(), true,
         v1::STAFF_LIFT, LiftActionBuilder(request), std::move(done));
}

void StaffPipeline::ChangeActionEnd(const v1::ChangeActionEndRequest& request,
                                    Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), request.reason(), true,
         v1::STAFF_CHANGE_END, ChangeEndBuilder(request), std::move(done));
}

void StaffPipeline::ReinstateSubject(const v1::ReinstateSubjectRequest& request,
                                     Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), request.reason(), true,
         v1::STAFF_REINSTATE, ReinstateBuilder(request), std::move(done));
}

void StaffPipeline::SnoozeRule(const v1::SnoozeRuleRequest& request,
                               Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), request.reason(), true,
         v1::STAFF_SNOOZE, SnoozeBuilder(request), std::move(done));
}

void StaffPipeline::AddNote(const v1::AddNoteRequest& request,
                            Callback<v1::StaffActionResponse> done) {
  Record(request, request.request_id(), request.subject(), request.actor(), "", false,
         v1::STAFF_NOTE, NoteBuilder(request), std::move(done));
}

}  // namespace enforcer
