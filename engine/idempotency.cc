#include "engine/idempotency.h"

#include "absl/strings/str_cat.h"
#include "proto/fingerprint.h"

namespace enforcer {

std::string IdempotencyKey(absl::string_view kind, absl::string_view request_id) {
  return absl::StrCat("\x1f", kind, "\x1f", request_id);
}

std::string ReporterScopedReportId(absl::string_view reporter, absl::string_view report_id) {
  if (reporter.empty()) return std::string(report_id);
  return absl::StrCat("\x1e", reporter, "\x1e", report_id);
}

absl::Status CheckResend(const v1::StoredReport& earlier, const google::protobuf::Message& sent,
                         absl::string_view request_id) {
  if (earlier.request_sha256() == MessageFingerprint(sent)) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat("request_id: '", request_id,
                                               "' was already used for a different request; use "
                                               "a new request_id"));
}

ReportRecord IdempotencyRecord(absl::string_view kind, absl::string_view request_id,
                               const google::protobuf::Message& request,
                               const std::string& outcome) {
  ReportRecord r;
  r.report_id = IdempotencyKey(kind, request_id);
  r.record.set_request_sha256(MessageFingerprint(request));
  r.record.set_violation_id(outcome);
  return r;
}

}  // namespace enforcer
