// Checks a ReportViolation request before anything is queued or written. Every rejection is
// INVALID_ARGUMENT naming the field and the rule it breaks, e.g.
//   "evidence[3].key: 'Bad Key' must match [a-z0-9_.-]{1,64}".
#ifndef ENFORCERD_ENGINE_REPORT_VALIDATOR_H_
#define ENFORCERD_ENGINE_REPORT_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
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
  static constexpr int kMaxAttributes = 8;
  static constexpr size_t kMaxAttributeNameBytes = 32;
  static constexpr size_t kMaxAttributeValueBytes = 64;
  static constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);
};

// The checks that need no policy: ids, sizes, enums, region, occurred_at, evidence.
absl::Status ValidateReportFields(const v1::ReportViolationRequest& request, absl::Time now);

// The checks against `policy`: the category exists, counts against a subject the report names,
// and has a severity to score with. Run after deduplication, so that resending a report that was
// recorded under an earlier policy returns its original outcome.
absl::Status CheckReportAgainstPolicy(const v1::ReportViolationRequest& request,
                                      const Policy& policy);

// Both of the above.
absl::Status ValidateReport(const v1::ReportViolationRequest& request, const Policy& policy,
                            absl::Time now);

// A bound of a time range ("start_time", "end_time"): a valid google.protobuf.Timestamp.
absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& ts);

// A subject as named in GetStanding / ListHistory ("subject.id", "subject.kind"); `field`
// names it in the message.
absl::Status ValidateSubject(const v1::Subject& subject, absl::string_view field = "subject");

// Who asks (`actor`, required id) and why (`message`, at most 2048 bytes; required if
// `message_required`), for the calls that change policy.
absl::Status ValidateActorAndMessage(absl::string_view actor, absl::string_view message,
                                     bool message_required);

// Whether two subjects are the same.
inline bool SameSubject(const v1::Subject& a, const v1::Subject& b) {
  return a.kind() == b.kind() && a.id() == b.id();
}

// An id or a short text field: printable ASCII, at most `max_bytes`, present if `required`.
absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max_bytes,
                          bool required);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_REPORT_VALIDATOR_H_
