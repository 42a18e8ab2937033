#include "engine/audit_reader.h"

// PLACEHOLDER: replaced by the implementation in progress.

namespace enforcer {

absl::StatusOr<v1::ListAuditResponse> AuditReader::ListAudit(const v1::ListAuditRequest& request) {
  return absl::UnimplementedError("ListAudit: not yet");
}

}  // namespace enforcer
