// AppealPipeline's retractions (RetractComplaint) and the appeal lists (ListAppeals).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "engine/appeal_pipeline.h"
#include "engine/idempotency.h"
#include "engine/report_validator.h"
#include "engine/voiding.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 100;

// The void entries of `violation_id` in every ledger it is recorded in.
absl::StatusOr<std::vector<v1::ViolationVoid>> VoidsOf(LedgerView& view,
                                                       absl::string_view violation_id) {
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries, view.GetViolationEntries(violation_id));
  std::vector<v1::ViolationVoid> out;
  for (const v1::LedgerEntry& recorded : entries) {
    if (!recorded.has_violation()) continue;
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(recorded.subject()));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_violation_void() && e.violation_void().violation_id() == violation_id)
        out.push_back(e.violation_void());
    }
  }
  return out;
}

bool IsVoided(const std::vector<v1::ViolationVoid>& voids) {
  for (const v1::ViolationVoid& v : voids) {
    if (!v.reduced()) return true;
  }
  return false;
}

}  // namespace

void AppealPipeline::RetractComplaint(const v1::RetractComplaintRequest& request,
                                      Callback<v1::RetractComplaintResponse> done) {
  absl::Status valid = ValidateText("request_id", request.request_id(), kMaxIdBytes, true);
  const bool by_report = !request.report_id().empty();
  const bool by_object = !request.rights_holder_id().empty() || !request.object_id().empty();
  if (valid.ok() && by_report == by_object) {
    valid = absl::InvalidArgumentError(
        "report_id: give either report_id, or rights_holder_id with object_id");
  }
  if (valid.ok() && by_report) {
    valid = ValidateText("report_id", request.report_id(), kMaxIdBytes, true);
    if (valid.ok()) valid = ValidateText("reported_by", request.reported_by(), kMaxIdBytes, false);
  }
  if (valid.ok() && by_object) {
    valid = ValidateText("rights_holder_id", request.rights_holder_id(), kMaxIdBytes, true);
    if (valid.ok()) valid = ValidateText("object_id", request.object_id(), kMaxIdBytes, true);
  }
  if (valid.ok()) valid = ValidateText("reason", request.reason(), 2048, true);
  if (valid.ok()) valid = ValidateText("actor", request.actor(), kMaxIdBytes, true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Submit(request, std::move(done), &AppealPipeline::ApplyRetract);
}

absl::StatusOr<std::vector<std::string>> AppealPipeline::RetractedViolations(
    const v1::RetractComplaintRequest& request, LedgerView& view) {
  if (request.report_id().empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     store_->FindComplaints(request.rights_holder_id(), request.object_id()));
    if (ids.empty()) {
      return absl::NotFoundError(absl::StrCat("rights_holder_id: '", request.rights_holder_id(),
                                              "' has no complaint about object_id '",
                                              request.object_id(), "'"));
    }
    return ids;
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::StoredReport> report,
      view.GetReport(ReporterScopedReportId(request.reported_by(), request.report_id())));
  if (!report.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "report_id: '", request.report_id(), "' was never reported",
        request.reported_by().empty() ? std::string(" (reports sent by an authenticated service need "
                                                 "its name in reported_by)")
                                   : absl::StrCat(" by '", request.reported_by(), "'")));
  }
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries,
                   view.GetViolationEntries(report->violation_id()));
  for (const v1::LedgerEntry& e : entries) {
    if (e.has_violation() && e.violation().report().rights_holder_id().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("report_id: '", request.report_id(),
                       "' is not a rights holder's complaint (it names no rights_holder_id)"));
    }
  }
  return std::vector<std::string>{report->violation_id()};
}

absl::StatusOr<LedgerWrite> AppealPipeline::ApplyRetract(const v1::RetractComplaintRequest& request,
                                                         LedgerView& view,
                                                         v1::RetractComplaintResponse* response) {
  const std::string retraction_id = absl::StrCat("t:", request.request_id());
  response->set_retraction_id(retraction_id);
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier,
                   view.GetReport(IdempotencyKey("retract", request.request_id())));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(CheckResend(*earlier, request, request.request_id()));
    for (absl::string_view id : absl::StrSplit(earlier->violation_id(), ',', absl::SkipEmpty())) {
      ASSIGN_OR_RETURN(std::vector<v1::ViolationVoid> voids, VoidsOf(view, id));
      for (v1::ViolationVoid& v : voids) {
        if (v.retraction_id() == retraction_id) *response->add_voids() = std::move(v);
      }
    }
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ids, RetractedViolations(request, view));
  const std::shared_ptr<const Policy> policy = policies_->active();
  const absl::Time now = Now();
  LedgerWrite write;
  std::vector<std::string> voided;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::vector<v1::ViolationVoid> earlier_voids, VoidsOf(view, id));
    if (IsVoided(earlier_voids)) continue;
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries, view.GetViolationEntries(id));
    const std::string holder =
        entries.empty() ? "" : entries.front().violation().report().rights_holder_id();
    VoidRequest v;
    v.violation_id = id;
    v.cause =
        absl::StrCat("complaint retracted by rights holder '", holder, "' (", retraction_id, ")");
    v.actor = request.actor();
    v.reason = request.reason();
    v.retraction_id = retraction_id;
    ASSIGN_OR_RETURN(std::vector<v1::ViolationVoid> voids,
                     VoidViolation(*policy, *policies_, v, now, view, &write));
    for (v1::ViolationVoid& vv : voids) *response->add_voids() = std::move(vv);
    voided.push_back(id);
  }
  if (voided.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "every violation the retraction names is already voided (", absl::StrJoin(ids, ", "), ")"));
  }
  write.report =
      IdempotencyRecord("retract", request.request_id(), request, absl::StrJoin(voided, ","));
  return write;
}

absl::StatusOr<v1::ListAppealsResponse> AppealPipeline::ListAppeals(
    const v1::ListAppealsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is outside 0..", kMaxPageSize));
  }
  const size_t page = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  uint64_t after = 0;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &after)) {
    return absl::InvalidArgumentError("page_token: is not one this server returned");
  }
  v1::ListAppealsResponse out;
  if (!request.has_subject()) {
    // The queue: every subject's open appeals, oldest first.
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> open, store_->ListOpenAppeals(after, page + 1));
    for (size_t i = 0; i < open.size() && i < page; ++i) {
      v1::AppealSummary* s = out.add_appeals();
      *s->mutable_subject() = open[i].subject();
      *s->mutable_appeal() = open[i].appeal();
      if (i + 1 == page && open.size() > page) {
        out.set_next_page_token(absl::StrCat(open[i].sequence()));
      }
    }
    return out;
  }
  RETURN_IF_ERROR(ValidateSubject(request.subject()));
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store_->ReadLog(request.subject()));
  std::vector<v1::AppealSummary> all;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_appeal()) {
      v1::AppealSummary s;
      *s.mutable_subject() = e.subject();
      *s.mutable_appeal() = e.appeal();
      all.push_back(std::move(s));
    } else if (e.has_appeal_resolution()) {
      for (v1::AppealSummary& s : all) {
        if (s.appeal().appeal_id() == e.appeal_resolution().appeal_id())
          *s.mutable_resolution() = e.appeal_resolution();
      }
    }
  }
  size_t listed = 0;
  for (size_t i = after; i < all.size(); ++i) {
    if (request.open_only() && all[i].has_resolution()) continue;
    if (listed == page) {
      out.set_next_page_token(absl::StrCat(i));
      break;
    }
    *out.add_appeals() = std::move(all[i]);
    ++listed;
  }
  return out;
}

}  // namespace enforcer
