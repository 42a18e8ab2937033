#include "engine/complainant_records.h"

// PLACEHOLDER: replaced by the implementation in progress.

namespace enforcer {

absl::StatusOr<v1::ComplainantRecord> ComplainantRecords::GetComplainant(const v1::GetComplainantRequest& request) {
  return absl::UnimplementedError("GetComplainant: not yet");
}

}  // namespace enforcer
