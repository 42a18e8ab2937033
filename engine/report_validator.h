// Checks a ReportViolation request before anything is queued or written. Every rejection is
// INVALID_ARGUMENT naming the field and the rule it breaks, e.g.
//   "evidence[3].key: 'Bad Key' must match [a-z0-9_.-]{1,64}".
#ifndef ENFORCERD_ENGINE_REPORT_VALIDATOR_H_
#define ENFORCERD_ENGINE_REPORT_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"

namespace enforcer {

// Limits on what a report may carry; documented in the API reference.
struct ReportLimits {
  static constexpr size_t kMaxIdBytes = 128;
  static constexpr size_t kMaxObjectIdBytes = 256;
  static constexpr int kMaxEvidenceItems = 32;
  static constexpr size_t kMaxEvidenceKeyBytes = 64;
  static constexpr size_t kMaxEvidenceValueBytes = 2048;
  static constexpr size_t kMaxEvidenceTotalBytes = 16 * 1024;
  static constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);
};

absl::Status ValidateReport(const v1::ReportViolationRequest& request, const Policy& policy,
                            absl::Time now);

// A subject as named in GetStanding / ListHistory ("subject.id", "subject.kind").
absl::Status ValidateSubject(const v1::Subject& subject);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_REPORT_VALIDATOR_H_
