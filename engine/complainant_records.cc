#include "engine/complainant_records.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

std::string Ratio(double r) { return absl::StrFormat("%.2f", r); }

// "over the last 90 days (32 complaints)".
std::string Over(const v1::ComplainantRecord& r) {
  return absl::StrCat("over the last ", r.window_days(), " days (", r.complaints_in_window(),
                      r.complaints_in_window() == 1 ? " complaint)" : " complaints)");
}

bool Suspended(const v1::ComplainantRecord& r, const ComplainantTerms& terms) {
  return terms.suspend && r.complaints_in_window() >= terms.suspend->min_complaints &&
         r.success_ratio() < terms.suspend->success_below;
}

// Sets status and status_reason from the window's counts and ratios.
void Judge(const ComplainantTerms& terms, v1::ComplainantRecord* r) {
  if (Suspended(*r, terms)) {
    r->set_status("suspended");
    r->set_status_reason(absl::StrCat(
        "success ratio ", Ratio(r->success_ratio()), " ", Over(*r),
        " is below complainants.suspend.success_below ", Ratio(terms.suspend->success_below),
        terms.suspend->reports == ComplainantTerms::SuspendedReports::kRefuse
            ? "; its reports are refused"
            : "; its reports are recorded without points"));
    return;
  }
  r->set_status("standard");
  if (!terms.trusted) {
    r->set_status_reason("the policy marks no notifier trusted");
    return;
  }
  const ComplainantTerms::Trusted& t = *terms.trusted;
  if (r->complaints_in_window() < t.min_complaints) {
    r->set_status_reason(absl::StrCat("fewer complaints than complainants.trusted.min_complaints (",
                                      t.min_complaints, ") ", Over(*r)));
  } else if (r->success_ratio() < t.min_success) {
    r->set_status_reason(absl::StrCat("success ratio ", Ratio(r->success_ratio()), " ", Over(*r),
                                      " is below complainants.trusted.min_success ",
                                      Ratio(t.min_success)));
  } else if (r->overturned_ratio() > t.max_overturned) {
    r->set_status_reason(absl::StrCat("overturned ratio ", Ratio(r->overturned_ratio()), " ",
                                      Over(*r), " is above complainants.trusted.max_overturned ",
                                      Ratio(t.max_overturned)));
  } else {
    r->set_status("trusted");
    r->set_status_reason(absl::StrCat("success ratio ", Ratio(r->success_ratio()),
                                      " and overturned ratio ", Ratio(r->overturned_ratio()), " ",
                                      Over(*r), " meet complainants.trusted"));
  }
}

}  // namespace

v1::ComplainantRecord BuildComplainantRecord(absl::string_view rights_holder_id,
                                             const std::vector<v1::ComplaintDay>& days,
                                             const ComplainantTerms& terms, absl::Time now) {
  v1::ComplainantRecord r;
  r.set_rights_holder_id(std::string(rights_holder_id));
  r.set_window_days(terms.window_days);
  const int64_t first_day_in_window = UnixDay(now) - terms.window_days + 1;
  int64_t overturned_in_window = 0;
  int64_t retracted_in_window = 0;
  for (const v1::ComplaintDay& d : days) {
    r.set_complaints(r.complaints() + d.complaints());
    r.set_overturned_on_appeal(r.overturned_on_appeal() + d.overturned());
    r.set_retracted(r.retracted() + d.retracted());
    if (d.day() >= first_day_in_window) {
      r.set_complaints_in_window(r.complaints_in_window() + d.complaints());
      overturned_in_window += d.overturned();
      retracted_in_window += d.retracted();
    }
  }
  r.set_upheld(r.complaints() - r.overturned_on_appeal() - r.retracted());
  if (!days.empty()) {
    // By the UTC day each was recorded: the tallies keep days, not times.
    r.mutable_first_complaint_at()->set_seconds(days.front().day() * kSecondsPerDay);
    r.mutable_last_complaint_at()->set_seconds(days.back().day() * kSecondsPerDay);
  }
  if (r.complaints_in_window() > 0) {
    const double in_window = static_cast<double>(r.complaints_in_window());
    r.set_success_ratio((in_window - overturned_in_window - retracted_in_window) / in_window);
    r.set_overturned_ratio(overturned_in_window / in_window);
  }
  Judge(terms, &r);
  return r;
}

absl::Status CheckComplainant(LedgerStore& store, const Policy& policy,
                              absl::string_view rights_holder_id, absl::Time now,
                              bool* without_points) {
  *without_points = false;
  const ComplainantTerms& terms = policy.complainants();
  if (rights_holder_id.empty() || !terms.suspend) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::vector<v1::ComplaintDay> days,
                   store.ReadComplaintDays(rights_holder_id));
  const v1::ComplainantRecord record = BuildComplainantRecord(rights_holder_id, days, terms, now);
  if (record.status() != "suspended") return absl::OkStatus();
  if (terms.suspend->reports == ComplainantTerms::SuspendedReports::kRecordWithoutPoints) {
    *without_points = true;
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("rights_holder_id: '", rights_holder_id,
                   "' is suspended by the policy: ", record.status_reason()));
}

absl::StatusOr<v1::ComplainantRecord> ComplainantRecords::GetComplainant(
    const v1::GetComplainantRequest& request) {
  RETURN_IF_ERROR(ValidateText("rights_holder_id", request.rights_holder_id(),
                               ReportLimits::kMaxIdBytes, true));
  ASSIGN_OR_RETURN(const std::vector<v1::ComplaintDay> days,
                   store_->ReadComplaintDays(request.rights_holder_id()));
  return BuildComplainantRecord(request.rights_holder_id(), days,
                                policies_->active()->complainants(), clock_->Now());
}

}  // namespace enforcer
