// Policy-language additions end to end, against the real binary: points chosen by report
// attributes, reports of one notice merged, pending actions with their notices, seller-facing
// texts without internal ids, and windows from the first deduction.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPolicy[] = R"(policy: marketplace-e2e
default_window: 90d
appeals:
  within: 30d
  instructions: Appeal in Seller Center under Account health.
features:
  new_listings: Creating new listings
categories:
  ip_infringement:
    display_name: Intellectual-property infringement
    points:
      by: quantity
      default: 4
      range: [1, 48]
      bands:
        - {below: 10, points: 4}
        - {below: 100, points: 12}
        - {points: 24}
    merge: {within: 3d, by: notice}
    take_down: true
milestones:
  seller:
    - id: listing-block-12
      at: 12
      actions:
        - {type: restrict_feature, feature: new_listings, duration: 14d}
    - id: suspension-24
      at: 24
      repeat: each_violation
      message: Repeated infringement suspends the store
      actions:
        - {type: suspend, duration: 7d, grace: 72h}
)";

class SellerTextsTest : public EnforcerdTest {
 protected:
  SellerTextsTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(kPolicy);
  }

  v1::ReportViolationResponse Infringement(const std::string& id, const std::string& quantity,
                                           const std::string& notice) {
    v1::ReportViolationRequest r = SellerReport(id, "seller-q", "ip_infringement");
    r.set_object_id("listing-" + id);
    if (!quantity.empty()) (*r.mutable_attributes())["quantity"] = quantity;
    r.set_notice_id(notice);
    return ReportOk(r);
  }
};

TEST_F(SellerTextsTest, PointsByQuantityMergedNoticesAndAPendingSuspension) {
  EXPECT_EQ(Infringement("q1", "3", "n-1").decisions(0).points_added(), 4);
  // The same notice within the block: counted once, as its largest listing (12 points).
  const v1::Decision merged = Infringement("q2", "40", "n-1").decisions(0);
  EXPECT_EQ(merged.points_added(), 8);
  EXPECT_EQ(merged.active_points(), 12);
  // Another notice: 150 units, 24 points, reaching 36: the suspension is pending for 72 hours.
  const v1::Decision big = Infringement("q3", "150", "n-2").decisions(0);
  EXPECT_EQ(big.active_points(), 36);
  const v1::Action* suspension = nullptr;
  for (const v1::Action& a : big.actions()) {
    if (a.type() == v1::ACTION_SUSPEND) suspension = &a;
  }
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(FromProtoTime(suspension->effective_at()), Now() + absl::Hours(72));
  EXPECT_THAT(suspension->notice(),
              HasSubstr("It follows a report of 'Intellectual-property infringement' on "
                        "'listing-q3' from a listing"));
  EXPECT_THAT(suspension->notice(), HasSubstr("This decision was made automatically"));
  EXPECT_THAT(suspension->notice(), HasSubstr("unless the violation is corrected or appealed"));
  EXPECT_THAT(suspension->notice(), HasSubstr("Appeal in Seller Center under Account health."));
  for (const v1::Action& a : big.actions()) {
    EXPECT_THAT(a.notice(), Not(HasSubstr("ip_infringement")));
    EXPECT_THAT(a.notice(), Not(HasSubstr("suspension-24")));
  }
  v1::GetStandingResponse now = StandingOk(Seller("seller-q"));
  EXPECT_EQ(now.standing(), v1::RESTRICTED);
  ASSERT_EQ(now.pending_actions_size(), 1);
  AdvanceClock(absl::Hours(73));
  now = StandingOk(Seller("seller-q"));
  EXPECT_EQ(now.standing(), v1::SUSPENDED);
  EXPECT_EQ(now.pending_actions_size(), 0);
}

TEST_F(SellerTextsTest, AnAttributeThatIsNotANumberIsRefused) {
  v1::ReportViolationRequest r = SellerReport("bad-q", "seller-q", "ip_infringement");
  r.set_object_id("listing-1");
  (*r.mutable_attributes())["quantity"] = "lots";
  v1::ReportViolationResponse response;
  grpc::Status status = Report(r, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "attributes[quantity]: 'lots' is not a number; category 'ip_infringement' scores its "
            "points by it");
  (*r.mutable_attributes())["Quantity"] = "3";
  status = Report(r, &response);
  EXPECT_EQ(status.error_message(), "attributes: name 'Quantity' must match [a-z0-9_]{1,32}");
  EXPECT_TRUE(HistoryOk(Seller("seller-q")).empty());
}

constexpr char kCycles[] = R"(policy: cycles-e2e
window_start: first_deduction
default_window: 365d
categories:
  late_dispatch: {points: 10}
milestones:
  seller:
    - id: warn-20
      at: 20
      actions:
        - {type: warning, duration: 30d}
)";

class CyclesTest : public EnforcerdTest {
 protected:
  CyclesTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(kCycles);
  }
};

TEST_F(CyclesTest, PointsClearTogetherWhenTheCycleEnds) {
  ReportOk(SellerReport("c1", "seller-c", "late_dispatch"));
  AdvanceClock(300 * kDay);
  const v1::Decision second =
      ReportOk(SellerReport("c2", "seller-c", "late_dispatch")).decisions(0);
  EXPECT_EQ(second.active_points(), 20);
  EXPECT_EQ(second.window_days(), 65);
  AdvanceClock(64 * kDay);
  EXPECT_EQ(StandingOk(Seller("seller-c")).active_points(), 20);
  AdvanceClock(kDay);
  EXPECT_EQ(StandingOk(Seller("seller-c")).active_points(), 0);
  StopAndRestart();
  EXPECT_EQ(ReportOk(SellerReport("c3", "seller-c", "late_dispatch")).decisions(0).active_points(),
            10);
}

}  // namespace
}  // namespace enforcer::e2e
