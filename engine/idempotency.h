// Idempotency for the staff and appeal writes: each is keyed by a caller-chosen request_id in the
// same store as report ids, under its own namespace, with the SHA-256 of the request as sent.
#ifndef ENFORCERD_ENGINE_IDEMPOTENCY_H_
#define ENFORCERD_ENGINE_IDEMPOTENCY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "proto/ledger.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

// "\x1f<kind>\x1f<request_id>": \x1f never appears in a report id (printable ASCII), so the
// namespaces of reports and of each kind of request stay apart.
std::string IdempotencyKey(absl::string_view kind, absl::string_view request_id);

// The key a report is deduplicated by: its report_id, within its reporter's own namespace when
// reports are authenticated ("\x1e<reporter>\x1e<report_id>"; \x1e is never in an id).
std::string ReporterScopedReportId(absl::string_view reporter, absl::string_view report_id);

// OK if `sent` is the request `earlier` recorded; ALREADY_EXISTS (naming request_id) otherwise.
absl::Status CheckResend(const v1::StoredReport& earlier, const google::protobuf::Message& sent,
                         absl::string_view request_id);

// The record that makes `request` idempotent; `outcome` is the id its result is found by.
ReportRecord IdempotencyRecord(absl::string_view kind, absl::string_view request_id,
                               const google::protobuf::Message& request,
                               const std::string& outcome);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_IDEMPOTENCY_H_
