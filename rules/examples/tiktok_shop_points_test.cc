// TikTok Shop: a 48-point ladder, IP points by units or GMV, a pending suspension at 36.
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

TEST(TikTokShopPoints, CounterfeitsAreScoredByUnitsAndTwoLargeOnesCloseTheStore) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  const Report big{.category = "counterfeit", .attributes = {{"quantity", "150"}}};
  const v1::Decision first = seller.Report(big, At("2026-03-02 12:00"));
  EXPECT_EQ(first.points_added(), 24);
  EXPECT_EQ(Issued(first), (Strings{"ACTION_WARNING", "ACTION_RESTRICT_FEATURE/campaigns",
                                    "ACTION_RESTRICT_FEATURE/affiliate"}));
  EXPECT_EQ(first.standing_after(), v1::RESTRICTED);
  const v1::Action* campaigns = Find(first, v1::ACTION_RESTRICT_FEATURE);
  ASSERT_NE(campaigns, nullptr);
  EXPECT_EQ(campaigns->reason(),
            "Joining campaigns and promotions restricted until 2026-05-31 00:00 UTC: Your shop is "
            "at risk of suspension (active violation points reached 24 (+24 for 'Counterfeit "
            "goods'), crossing the 24-point milestone)");
  EXPECT_FALSE(absl::StrContains(campaigns->notice(), "counterfeit'")) << campaigns->notice();

  const v1::Decision second = seller.Report(big, At("2026-03-09 12:00"));
  EXPECT_EQ(second.points_added(), 24);
  EXPECT_EQ(second.active_points(), 48);
  EXPECT_EQ(Issued(second), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(second.standing_after(), v1::DEACTIVATED);
}

TEST(TikTokShopPoints, IpPointsFollowTheBandsWithinTheirRange) {
  auto points = [](const Report& r) {
    Seller fresh("tiktok_shop_points.yaml");
    return fresh.ok() ? fresh.Report(r, At("2026-03-02 12:00")).points_added() : -1;
  };
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "3"}}}), 6);
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "99"}}}), 12);
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "100"}}}), 24);
  EXPECT_EQ(points({.category = "counterfeit"}), 12) << "no quantity: the default";
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "40"}}}), 1);
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "2500"}}}), 12);
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "250000"}}}), 48);
  EXPECT_EQ(points({.category = "reproduced_content"}), 48);
}

TEST(TikTokShopPoints, TheSevereMilestoneSuspendsAfterA72HourGrace) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_product", .severity = v1::SEVERITY_HIGH},
                At("2026-03-02 12:00"));  // 24
  seller.Report({.category = "not_as_described", .severity = v1::SEVERITY_MEDIUM},
                At("2026-03-03 12:00"));  // 30
  const v1::Decision d =
      seller.Report({.category = "missing_qualification"}, At("2026-03-04 12:00"));  // 36
  EXPECT_EQ(d.active_points(), 36);
  const v1::Action* suspension = Find(d, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(FromProtoTime(suspension->effective_at()), At("2026-03-07 12:00"));
  EXPECT_EQ(FromProtoTime(suspension->expires_at()), At("2026-03-14 12:00"));
  EXPECT_EQ(suspension->reason(),
            "Selling suspended from 2026-03-07 12:00 UTC for 7 days, unless corrected first: "
            "Severe violations suspend selling (active violation points reached 36 (+6 for "
            "'Missing qualification or licence'), crossing the 36-point milestone)");
  EXPECT_TRUE(absl::StrContains(suspension->notice(),
                                "It takes effect on 2026-03-07 12:00 UTC unless the violation is "
                                "corrected or appealed before then. You can appeal until "
                                "2026-04-03 12:00 UTC: Appeal in Seller Center"))
      << suspension->notice();
  // Pending: the shop is restricted, not suspended, until the grace ends.
  EXPECT_EQ(d.standing_after(), v1::RESTRICTED);
  const StandingSummary during = seller.Standing(At("2026-03-07 11:00"));
  EXPECT_EQ(during.standing, v1::RESTRICTED);
  ASSERT_EQ(during.pending_actions.size(), 1u);
  EXPECT_EQ(seller.Standing(At("2026-03-07 13:00")).standing, v1::SUSPENDED);
  EXPECT_EQ(seller.Standing(At("2026-03-14 13:00")).standing, v1::RESTRICTED);
}

TEST(TikTokShopPoints, ACorrectionBeforeTheDeadlineCancelsThePendingSuspension) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_product", .severity = v1::SEVERITY_HIGH},
                At("2026-03-02 12:00"));  // 24
  seller.Report({.category = "not_as_described", .severity = v1::SEVERITY_MEDIUM},
                At("2026-03-03 12:00"));  // 30
  const v1::Decision d =
      seller.Report({.category = "missing_qualification"}, At("2026-03-04 12:00"));  // 36
  ASSERT_NE(Find(d, v1::ACTION_SUSPEND), nullptr);
  // Once per crossing: a further violation at 37 points asks for nothing more.
  const v1::Decision more =
      seller.Report({.category = "listing_guidelines"}, At("2026-03-05 12:00"));
  EXPECT_EQ(more.active_points(), 37);
  EXPECT_EQ(Find(more, v1::ACTION_SUSPEND), nullptr);
  // Correcting another violation cancels nothing; correcting the one that issued it does.
  std::optional<v1::Remedy> other =
      seller.Remedy("violation_corrected", more.violation_id(), At("2026-03-06 12:00"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->actions_ended_size(), 0);
  std::optional<v1::Remedy> corrected =
      seller.Remedy("violation_corrected", d.violation_id(), At("2026-03-06 13:00"));
  ASSERT_TRUE(corrected.has_value());
  ASSERT_EQ(corrected->actions_ended_size(), 1);
  EXPECT_EQ(corrected->actions_ended(0).action().type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(corrected->actions_ended(0).reason(),
            "cancelled before it took effect: Violation corrected");
  EXPECT_EQ(corrected->points_restored(), 0);
  EXPECT_EQ(seller.Standing(At("2026-03-07 13:00")).standing, v1::RESTRICTED);
  EXPECT_TRUE(seller.Standing(At("2026-03-07 13:00")).pending_actions.empty());
}

TEST(TikTokShopPoints, AQuizRestoresFourPointsAtMostOnceEvery90Days) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first = seller.Report(
      {.category = "prohibited_product", .severity = v1::SEVERITY_HIGH}, At("2026-03-02 12:00"));
  EXPECT_EQ(first.active_points(), 24);
  std::optional<v1::Remedy> quiz = seller.Remedy("policy_quiz", "", At("2026-03-10 12:00"));
  ASSERT_TRUE(quiz.has_value());
  EXPECT_EQ(quiz->points_restored(), 4);
  EXPECT_EQ(quiz->active_points(), 20);
  EXPECT_EQ(quiz->actions_ended_size(), 0) << "a quiz ends no action";
  EXPECT_EQ(quiz->standing_after(), v1::RESTRICTED);
  EXPECT_FALSE(seller.Remedy("policy_quiz", "", At("2026-04-01 12:00")).has_value())
      << "once every 90 days";
  const v1::Decision later =
      seller.Report({.category = "knock_off"}, At("2026-04-02 12:00"));  // 1 point
  EXPECT_EQ(later.active_points_before(), 20);
  EXPECT_EQ(later.active_points(), 21);
  // 90 days after the first quiz: the 24 points it was taken from have expired (05-31), and a
  // quiz restores at most the points active then (1).
  std::optional<v1::Remedy> again = seller.Remedy("policy_quiz", "", At("2026-06-08 12:00"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->active_points_before(), 1);
  EXPECT_EQ(again->points_restored(), 1);
  EXPECT_EQ(again->active_points(), 0);
}

}  // namespace
}  // namespace enforcer::examples
