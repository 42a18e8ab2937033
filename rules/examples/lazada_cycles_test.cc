// Lazada: points clear together 365 days after the first deduction; 7/14/21-day tiers.
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

TEST(LazadaCycles, EveryPointOfACycleClears365DaysAfterTheFirstDeduction) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first =
      seller.Report({.category = "prohibited_listing"}, At("2026-01-05 12:00"));  // 4, opens it
  EXPECT_EQ(first.window_days(), 365);
  const v1::Decision twelve =
      seller.Report({.category = "order_brushing"}, At("2026-06-01 12:00"));  // 8
  EXPECT_EQ(twelve.active_points(), 12);
  EXPECT_EQ(twelve.window_days(), 218) << "until the cycle ends on 2027-01-05";
  EXPECT_EQ(Issued(twelve), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  EXPECT_EQ(FromProtoTime(twelve.actions(0).expires_at()), At("2026-06-08 12:00")) << "7 days";
  const v1::Decision eve = seller.Report({.category = "late_fulfilment"}, At("2027-01-04 12:00"));
  EXPECT_EQ(eve.active_points(), 13);
  EXPECT_EQ(eve.window_days(), 1) << "recorded the day before the cycle ends, it clears with it";
  EXPECT_EQ(seller.Standing(At("2027-01-04 23:59")).active_points, 13);
  EXPECT_EQ(seller.Standing(At("2027-01-05 00:00")).active_points, 0);
  // The next deduction opens the next cycle.
  const v1::Decision next = seller.Report({.category = "late_fulfilment"}, At("2027-01-05 12:00"));
  EXPECT_EQ(next.active_points_before(), 0);
  EXPECT_EQ(next.active_points(), 1);
  EXPECT_EQ(next.window_days(), 365);
}

TEST(LazadaCycles, ALateReportCountsInTheOpenCycleFromWhenItIsRecorded) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_listing"}, At("2026-03-02 12:00"));  // 4, to 2027-03-02
  const v1::Decision late = seller.Report(
      {.category = "counterfeit", .occurred = At("2025-06-01 12:00")}, At("2026-09-01 12:00"));
  EXPECT_EQ(late.points_added(), 12) << "a rolling 365-day window would have given 0";
  EXPECT_EQ(late.active_points(), 16);
  EXPECT_EQ(late.window_days(), 639) << "from the day it occurred to the end of the cycle";
  EXPECT_EQ(Issued(late), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  EXPECT_EQ(seller.Standing(At("2027-03-01 12:00")).active_points, 16);
  EXPECT_EQ(seller.Standing(At("2027-03-02 00:00")).active_points, 0);
}

TEST(LazadaCycles, CountRulesKeepTheirRollingWindowAcrossCycles) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "late_fulfilment"}, At("2026-01-05 12:00"));  // opens the cycle
  seller.Report({.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2026-12-01 12:00"));
  const v1::Decision second = seller.Report(
      {.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2027-01-10 12:00"));
  EXPECT_EQ(second.active_points_before(), 0) << "the first cycle cleared on 2027-01-05";
  const v1::Decision third = seller.Report(
      {.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2027-02-01 12:00"));
  EXPECT_EQ(third.active_points(), 12);
  EXPECT_NE(FiredRule(third, "counterfeits-3"), nullptr)
      << "the 2026-12-01 counterfeit still counts: count rules look back 180 days";
  const v1::Action* offline = nullptr;
  for (const v1::Action& a : third.actions()) {
    if (a.rule_id() == "counterfeits-3") offline = &a;
  }
  ASSERT_NE(offline, nullptr);
  EXPECT_EQ(offline->feature(), "product_visibility");
  EXPECT_EQ(FromProtoTime(offline->expires_at()), At("2027-02-22 12:00"));
}

TEST(LazadaCycles, AnAccountRuleBreachClosesTheStoreAtOnce) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "account_rule_breach"}, At("2026-03-02 12:00"));
  EXPECT_EQ(d.active_points(), 48);
  EXPECT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"}) << "the closure covers every tier";
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
}

}  // namespace
}  // namespace enforcer::examples
