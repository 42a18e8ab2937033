#include "engine/audit_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 100;

// The request as a store query; INVALID_ARGUMENT naming the first bad field.
absl::StatusOr<AuditQuery> QueryOf(const v1::ListAuditRequest& request) {
  AuditQuery query;
  if (request.has_subject()) {
    RETURN_IF_ERROR(ValidateSubject(request.subject()));
    query.subject = request.subject();
  }
  RETURN_IF_ERROR(ValidateText("actor", request.actor(), ReportLimits::kMaxIdBytes, false));
  query.actor = request.actor();
  if (request.has_start_time()) {
    RETURN_IF_ERROR(ValidateTimestamp("start_time", request.start_time()));
    query.start = FromProtoTime(request.start_time());
  }
  if (request.has_end_time()) {
    RETURN_IF_ERROR(ValidateTimestamp("end_time", request.end_time()));
    query.end = FromProtoTime(request.end_time());
  }
  if (query.start > query.end) return absl::InvalidArgumentError("start_time: is after end_time");
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is outside 0..", kMaxPageSize));
  }
  query.page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  query.page_token = request.page_token();
  return query;
}

}  // namespace

absl::StatusOr<v1::ListAuditResponse> AuditReader::ListAudit(const v1::ListAuditRequest& request) {
  ASSIGN_OR_RETURN(const AuditQuery query, QueryOf(request));
  // The store refuses a token it did not make with "page_token is malformed".
  ASSIGN_OR_RETURN(AuditPage page, store_->ListAudit(query));
  v1::ListAuditResponse out;
  for (v1::AuditEntry& entry : page.entries) *out.add_entries() = std::move(entry);
  out.set_next_page_token(page.next_page_token);
  return out;
}

}  // namespace enforcer
