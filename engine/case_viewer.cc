#include "engine/case_viewer.h"

// PLACEHOLDER: replaced by the implementation in progress.

namespace enforcer {

absl::StatusOr<v1::CaseView> CaseViewer::GetCase(const v1::GetCaseRequest& request) {
  return absl::UnimplementedError("GetCase: not yet");
}

}  // namespace enforcer
