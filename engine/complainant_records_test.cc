// The complainant record: BuildComplainantRecord on its own, then with the real pipeline (RocksDB,
// the writer, reports, retractions): a notifier whose complaints are retracted is suspended, and
// its next report is refused or recorded without points, as the policy says.
#include "engine/complainant_records.h"

#include <string>
#include <vector>

#include "engine/appeal_pipeline_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // UTC day 20717
constexpr int64_t kToday = 20717;

v1::ComplaintDay Day(int64_t day, int complaints, int overturned, int retracted) {
  v1::ComplaintDay d;
  d.set_day(day);
  d.set_complaints(complaints);
  d.set_overturned(overturned);
  d.set_retracted(retracted);
  return d;
}

ComplainantTerms Terms() {
  ComplainantTerms terms;
  terms.window_days = 90;
  terms.trusted = ComplainantTerms::Trusted{0.9, 0.05, 20};
  terms.suspend = ComplainantTerms::Suspend{0.5, 10, ComplainantTerms::SuspendedReports::kRefuse};
  return terms;
}

TEST(BuildComplainantRecordTest, CountsTotalsAndTheWindow) {
  // Day kToday - 90 is outside a 90-day window that includes today; kToday - 89 is inside.
  const v1::ComplainantRecord r = BuildComplainantRecord(
      "rh", {Day(kToday - 90, 5, 5, 0), Day(kToday - 89, 10, 1, 1), Day(kToday, 10, 0, 0)}, Terms(),
      kNow);
  EXPECT_EQ(r.rights_holder_id(), "rh");
  EXPECT_EQ(r.complaints(), 25);
  EXPECT_EQ(r.overturned_on_appeal(), 6);
  EXPECT_EQ(r.retracted(), 1);
  EXPECT_EQ(r.upheld(), 18);
  EXPECT_EQ(r.window_days(), 90);
  EXPECT_EQ(r.complaints_in_window(), 20);
  EXPECT_DOUBLE_EQ(r.success_ratio(), 18.0 / 20);
  EXPECT_DOUBLE_EQ(r.overturned_ratio(), 1.0 / 20);
  EXPECT_EQ(r.first_complaint_at().seconds(), (kToday - 90) * 86400);
  EXPECT_EQ(r.last_complaint_at().seconds(), kToday * 86400);
  // 0.9 success and 0.05 overturned meet the terms exactly.
  EXPECT_EQ(r.status(), "trusted");
  EXPECT_THAT(r.status_reason(), HasSubstr("meet complainants.trusted"));
}

TEST(BuildComplainantRecordTest, StatusFollowsTheTerms) {
  ComplainantTerms terms = Terms();
  v1::ComplainantRecord r = BuildComplainantRecord("rh", {Day(kToday, 20, 2, 0)}, terms, kNow);
  EXPECT_EQ(r.status(), "standard");
  EXPECT_EQ(r.status_reason(),
            "overturned ratio 0.10 over the last 90 days (20 complaints) is above "
            "complainants.trusted.max_overturned 0.05");
  r = BuildComplainantRecord("rh", {Day(kToday, 19, 0, 0)}, terms, kNow);
  EXPECT_EQ(r.status(), "standard");
  EXPECT_THAT(r.status_reason(), HasSubstr("fewer complaints than"));
  r = BuildComplainantRecord("rh", {Day(kToday, 10, 2, 4)}, terms, kNow);
  EXPECT_EQ(r.status(), "suspended");
  EXPECT_EQ(r.status_reason(),
            "success ratio 0.40 over the last 90 days (10 complaints) is below "
            "complainants.suspend.success_below 0.50; its reports are refused");
  // Too few complaints to judge.
  r = BuildComplainantRecord("rh", {Day(kToday, 9, 9, 0)}, terms, kNow);
  EXPECT_EQ(r.status(), "standard");
  terms.trusted.reset();
  terms.suspend.reset();
  r = BuildComplainantRecord("rh", {Day(kToday, 10, 9, 0)}, terms, kNow);
  EXPECT_EQ(r.status(), "standard");
  EXPECT_EQ(r.status_reason(), "the policy marks no notifier trusted");
  r = BuildComplainantRecord("nobody", {}, Terms(), kNow);
  EXPECT_EQ(r.complaints(), 0);
  EXPECT_EQ(r.success_ratio(), 0);
  EXPECT_FALSE(r.has_first_complaint_at());
}

std::string WithComplainants(const std::string& reports) {
  std::string policy = kAppealsPolicy;
  absl::StrAppend(&policy, "complainants:\n  window: 90d\n",
                  "  trusted: {min_success: 0.9, min_complaints: 2}\n",
                  "  suspend: {success_below: 0.5, min_complaints: 2, reports: ", reports, "}\n");
  return policy;
}

class ComplainantPipelineTest : public AppealPipelineTest {
 protected:
  void Activate(const std::string& reports) {
    auto policy = CompilePolicy(WithComplainants(reports), "complainants.yaml");
    ASSERT_TRUE(policy.ok()) << policy.status();
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*policy, "complainants.yaml").ok());
  }
  v1::ComplainantRecord Record(const std::string& holder) {
    ComplainantRecords records(store_.get(), &clock_, policies_.get());
    v1::GetComplainantRequest request;
    request.set_rights_holder_id(holder);
    absl::StatusOr<v1::ComplainantRecord> r = records.GetComplainant(request);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::ComplainantRecord();
  }
  void Retract(const std::string& report_id) {
    v1::RetractComplaintRequest r;
    r.set_request_id("t-" + report_id);
    r.set_report_id(report_id);
    r.set_reason("sent in error");
    r.set_actor("rh-portal");
    auto retracted = Wait<v1::RetractComplaintResponse>(r, &AppealPipeline::RetractComplaint);
    ASSERT_TRUE(retracted.ok()) << retracted.status();
  }
  absl::StatusOr<v1::ReportViolationResponse> Send(const std::string& id,
                                                   const std::string& holder) {
    v1::ReportViolationRequest r;
    r.set_report_id(id);
    r.set_seller_id("s2");
    r.set_category("spam");
    r.set_source(v1::SOURCE_LISTING);
    r.set_rights_holder_id(holder);
    r.set_object_id("listing-" + id);
    absl::StatusOr<v1::ReportViolationResponse> result = absl::UnknownError("no callback");
    absl::Notification done;
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }
};

TEST_F(ComplainantPipelineTest, ASuspendedNotifiersReportIsRefused) {
  Activate("refuse");
  Report("a1", "s1", "ip", "brand-a");
  Report("a2", "s1", "ip", "brand-a");
  Report("b1", "s1", "ip", "brand-b");
  Report("b2", "s1", "ip", "brand-b");
  Retract("b1");
  Retract("b2");
  const v1::ComplainantRecord a = Record("brand-a");
  EXPECT_EQ(a.complaints(), 2);
  EXPECT_EQ(a.status(), "trusted");
  const v1::ComplainantRecord b = Record("brand-b");
  EXPECT_EQ(b.complaints(), 2);
  EXPECT_EQ(b.retracted(), 2);
  EXPECT_EQ(b.upheld(), 0);
  EXPECT_EQ(b.status(), "suspended");

  const uint64_t before = store_->LastSequence();
  absl::StatusOr<v1::ReportViolationResponse> refused = Send("b3", "brand-b");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "rights_holder_id: 'brand-b' is suspended by the policy: success ratio 0.00 over the "
            "last 90 days (2 complaints) is below complainants.suspend.success_below 0.50; its "
            "reports are refused");
  EXPECT_EQ(store_->LastSequence(), before);  // nothing written
  // Other notifiers' reports, and reports naming no rights holder, are decided as usual.
  EXPECT_TRUE(Send("a3", "brand-a").ok());
  EXPECT_TRUE(Send("n1", "").ok());
}

TEST_F(ComplainantPipelineTest, OrRecordedWithoutPoints) {
  Activate("record_without_points");
  Report("b1", "s1", "ip", "brand-b");
  Report("b2", "s1", "ip", "brand-b");
  Retract("b1");
  Retract("b2");
  absl::StatusOr<v1::ReportViolationResponse> recorded = Send("b3", "brand-b");
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  ASSERT_EQ(recorded->decisions_size(), 1);
  EXPECT_EQ(recorded->decisions(0).points_added(), 0);
  // The ledger records it, so every replay (a policy change, a void) scores it 0 too.
  ASSERT_TRUE(recorded->violation().has_points_override());
  EXPECT_EQ(FactsOf(recorded->violation()).points_override, 0);
  EXPECT_EQ(Standing("s2").active_points(), 0);
  EXPECT_EQ(Standing("s2").standing(), v1::GOOD_STANDING);
  // The same report from a notifier in good standing counts its points.
  ASSERT_TRUE(Send("a1", "brand-a").ok());
  EXPECT_EQ(Standing("s2").active_points(), 6);
}

TEST(ComplainantRecordsTest, RefusesAMalformedId) {
  ComplainantRecords records(nullptr, nullptr, nullptr);
  v1::GetComplainantRequest request;
  EXPECT_EQ(records.GetComplainant(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_rights_holder_id(std::string(129, 'x'));
  EXPECT_THAT(records.GetComplainant(request).status().message(), HasSubstr("rights_holder_id"));
}

}  // namespace
}  // namespace enforcer
