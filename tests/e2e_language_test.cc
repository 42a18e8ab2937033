// Policy-language additions, end to end against the real binary:
// - count rules per intellectual-property right: reports name the right infringed (`right_id`),
//   and the default pack's `ip-same-right` closes a store at the third violation of one right
//   within 365 days, whoever reported them (Alibaba.com's rule);
// - daily point caps per category (AliExpress: 6 points a day);
// - calendar resets (Shopee: points reset when the quarter ends).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::ElementsAre;

class CountRulesTest : public EnforcerdTest {
 protected:
  CountRulesTest() { UseTestingClock(TestingClockStart()); }

  // A low-severity valid IP complaint (4 points) by `holder` against `right`, a day after the last.
  v1::ReportViolationResponse Complaint(const std::string& id, const std::string& holder,
                                        const std::string& right) {
    AdvanceClock(absl::Hours(24));
    v1::ReportViolationRequest r = SellerReport(id, "seller-r", "ip_complaint_valid");
    r.set_severity(v1::SEVERITY_LOW);
    r.set_source(v1::SOURCE_RIGHTS_HOLDER_COMPLAINT);
    r.set_object_id("listing-" + id);
    r.set_rights_holder_id(holder);
    r.set_right_id(right);
    return ReportOk(r);
  }
};

TEST_F(CountRulesTest, ThreeInfringementsOfOneRightCloseTheStoreWhoeverReportsThem) {
  // A brand, its licensee and its agent each enforce trademark TM-77 (so no single holder reaches
  // the per-holder rule); another mark in between.
  Complaint("c1", "brand-a", "TM-77");
  Complaint("c2", "brand-z", "TM-12");
  Complaint("c3", "licensee-b", "TM-77");
  const v1::ReportViolationResponse third = Complaint("c4", "agent-c", "TM-77");
  ASSERT_EQ(third.decisions_size(), 1);
  const v1::Decision& d = third.decisions(0);
  EXPECT_THAT(FiredRules(d), ElementsAre("ip_complaint_valid", "ip-same-right"));
  EXPECT_THAT(ActionTypes(d), ElementsAre(v1::ACTION_TAKE_DOWN, v1::ACTION_DEACTIVATE_STORE));
  EXPECT_EQ(d.rules_fired(1).reason(),
            "Three infringements of one intellectual-property right close the store (3 "
            "'Confirmed counterfeit' or 'Valid intellectual-property complaint' violations against "
            "right 'TM-77' "
            "within 365 days reached the limit of 3)");
  EXPECT_EQ(StandingOk(Seller("seller-r")).standing(), v1::DEACTIVATED);
  // The right is recorded with the violation, as sent.
  EXPECT_EQ(third.violation().report().right_id(), "TM-77");
}

TEST_F(CountRulesTest, ABadRightIdIsRefusedAndWritesNothing) {
  v1::ReportViolationRequest r = SellerReport("bad-right", "seller-x", "ip_complaint_valid");
  r.set_object_id("listing-1");
  r.set_right_id(std::string(129, 'x'));
  v1::ReportViolationResponse response;
  const grpc::Status s = Report(r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "right_id: is 129 bytes; at most 128 are allowed");
  EXPECT_EQ(StandingOk(Seller("seller-x")).lifetime_violations(), 0);
}

class DailyCapTest : public EnforcerdTest {
 protected:
  DailyCapTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(R"(policy: daily-cap
categories:
  listing_guidelines: {points: 2, daily_cap: 6}
milestones:
  seller:
    - {id: warn-8, at: 8, actions: [{type: warning, duration: 30d}]}
)");
  }
};

TEST_F(DailyCapTest, ACategoryAddsAtMostItsCapPerDay) {
  std::vector<int> added;
  for (int i = 0; i < 5; ++i) {
    AdvanceClock(absl::Minutes(1));
    const v1::ReportViolationResponse r =
        ReportOk(SellerReport(absl::StrCat("same-day-", i), "seller-c", "listing_guidelines"));
    added.push_back(r.decisions(0).points_added());
  }
  EXPECT_THAT(added, ElementsAre(2, 2, 2, 0, 0));
  EXPECT_EQ(StandingOk(Seller("seller-c")).active_points(), 6);
  EXPECT_EQ(StandingOk(Seller("seller-c")).lifetime_violations(), 5) << "all recorded";
  // The next day has its own cap: 8 points, and the warning.
  AdvanceClock(absl::Hours(24));
  const v1::ReportViolationResponse next =
      ReportOk(SellerReport("next-day", "seller-c", "listing_guidelines"));
  EXPECT_EQ(next.decisions(0).points_added(), 2);
  EXPECT_EQ(next.decisions(0).standing_after(), v1::WARNED);
}

class QuarterlyResetTest : public EnforcerdTest {
 protected:
  QuarterlyResetTest() {
    UseTestingClock(TestingClockStart());  // 2026-06-01 10:00 UTC
    UsePolicyFile(R"(policy: quarterly
default_window: 365d
categories:
  late_shipment: {points: 1, reset: quarterly}
  prohibited_listing: {points: 2}
milestones:
  seller:
    - {id: no-campaigns-3, at: 3, actions: [{type: restrict_feature, feature: campaigns, duration: 28d}]}
)");
  }
};

TEST_F(QuarterlyResetTest, PointsOfAResettingCategoryEndWithTheirQuarter) {
  const v1::ReportViolationResponse late =
      ReportOk(SellerReport("late-1", "seller-q", "late_shipment"));
  EXPECT_EQ(late.decisions(0).window_days(), 30) << "2026-06-01 .. 2026-06-30";
  ReportOk(SellerReport("prohibited-1", "seller-q", "prohibited_listing"));
  const v1::GetStandingResponse june = StandingOk(Seller("seller-q"));
  EXPECT_EQ(june.active_points(), 3);
  EXPECT_EQ(june.standing(), v1::RESTRICTED);
  // 2026-07-01: a new quarter. The late shipment no longer counts; the prohibited listing does.
  SetClock(absl::FromCivil(absl::CivilSecond(2026, 7, 1, 0, 0, 0), absl::UTCTimeZone()));
  const v1::GetStandingResponse july = StandingOk(Seller("seller-q"));
  EXPECT_EQ(july.active_points(), 2);
  EXPECT_EQ(july.standing(), v1::GOOD_STANDING) << "the campaigns ban ended with the quarter";
}

}  // namespace
}  // namespace enforcer::e2e
