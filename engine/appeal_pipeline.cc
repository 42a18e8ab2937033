#include "engine/appeal_pipeline.h"

// PLACEHOLDER: replaced by the implementation in progress.

namespace enforcer {

void AppealPipeline::FileAppeal(const v1::FileAppealRequest& request, Callback<v1::FileAppealResponse> done) {
  done(absl::UnimplementedError("FileAppeal: not yet"));
}

void AppealPipeline::ResolveAppeal(const v1::ResolveAppealRequest& request, Callback<v1::ResolveAppealResponse> done) {
  done(absl::UnimplementedError("ResolveAppeal: not yet"));
}

void AppealPipeline::RetractComplaint(const v1::RetractComplaintRequest& request, Callback<v1::RetractComplaintResponse> done) {
  done(absl::UnimplementedError("RetractComplaint: not yet"));
}

absl::StatusOr<v1::ListAppealsResponse> AppealPipeline::ListAppeals(const v1::ListAppealsRequest& request) {
  return absl::UnimplementedError("ListAppeals: not yet");
}

}  // namespace enforcer
