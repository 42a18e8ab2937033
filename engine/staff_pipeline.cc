#include "engine/staff_pipeline.h"

// PLACEHOLDER: replaced by the implementation in progress.

namespace enforcer {

void StaffPipeline::ApplyAction(const v1::ApplyActionRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("ApplyAction: not yet"));
}

void StaffPipeline::LiftAction(const v1::LiftActionRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("LiftAction: not yet"));
}

void StaffPipeline::ChangeActionEnd(const v1::ChangeActionEndRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("ChangeActionEnd: not yet"));
}

void StaffPipeline::ReinstateSubject(const v1::ReinstateSubjectRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("ReinstateSubject: not yet"));
}

void StaffPipeline::SnoozeRule(const v1::SnoozeRuleRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("SnoozeRule: not yet"));
}

void StaffPipeline::AddNote(const v1::AddNoteRequest& request, Callback<v1::StaffActionResponse> done) {
  done(absl::UnimplementedError("AddNote: not yet"));
}

}  // namespace enforcer
