// Shopee: points reset every quarter; 28-day tiers; spam capped at 2 points a day.
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

TEST(ShopeeQuarterly, TiersAddUpWithinTheQuarterAndResetWithIt) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  EXPECT_TRUE(
      Issued(seller.Report({.category = "prohibited_listing"}, At("2026-09-01 12:00"))).empty());
  const v1::Decision three =
      seller.Report({.category = "late_shipment_rate"}, At("2026-09-07 12:00"));
  EXPECT_EQ(three.active_points(), 3);
  EXPECT_EQ(Issued(three), Strings{"ACTION_RESTRICT_FEATURE/campaigns"});
  const v1::Action& campaigns = three.actions(0);
  EXPECT_EQ(FromProtoTime(campaigns.expires_at()), At("2026-10-05 12:00")) << "28 days";
  EXPECT_EQ(campaigns.reason(),
            "Joining campaigns and promotions restricted for 28 days: active violation points "
            "reached 3 (+1 for 'High late-shipment rate'), crossing the 3-point milestone");

  const v1::Decision six =
      seller.Report({.category = "prohibited_listing"}, At("2026-09-14 12:00"));
  EXPECT_EQ(six.active_points(), 5);
  const v1::Decision seven =
      seller.Report({.category = "non_fulfilment_rate"}, At("2026-09-14 13:00"));
  EXPECT_EQ(seven.active_points(), 6);
  EXPECT_EQ(Issued(seven), (Strings{"ACTION_RESTRICT_FEATURE/campaigns",
                                    "ACTION_RESTRICT_FEATURE/shipping_rebates",
                                    "ACTION_RESTRICT_FEATURE/search_ranking"}))
      << "each violation at or above a tier starts its 28 days again";

  // The quarter ends on 2026-09-30: on 2026-10-01 every point is gone.
  const v1::Decision next_quarter =
      seller.Report({.category = "prohibited_listing"}, At("2026-10-01 12:00"));
  EXPECT_EQ(next_quarter.active_points_before(), 0);
  EXPECT_EQ(next_quarter.active_points(), 2);
  EXPECT_TRUE(Issued(next_quarter).empty());
  // The restrictions run their 28 days regardless.
  EXPECT_EQ(next_quarter.standing_after(), v1::RESTRICTED);
}

TEST(ShopeeQuarterly, SpamListingsAddAtMostTwoPointsADay) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  std::vector<int> added;
  for (int i = 0; i < 5; ++i) {
    added.push_back(
        seller.Report({.category = "spam_listing"}, At("2026-08-03 12:00")).points_added());
  }
  EXPECT_EQ(added, (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_EQ(seller.Report({.category = "spam_listing"}, At("2026-08-04 12:00")).points_added(), 1);
}

TEST(ShopeeQuarterly, FifteenPointsFreezeTheAccountAndCounterfeitsFreezeItSooner) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  v1::Decision d;
  for (int day = 1; day <= 8; ++day) {
    d = seller.Report({.category = "prohibited_listing"},
                      At(absl::StrCat("2026-07-0", day, " 12:00")));
  }
  EXPECT_EQ(d.active_points(), 16);
  EXPECT_EQ(Issued(d), Strings{"ACTION_SUSPEND"})
      << "the 28-day freeze covers every lower tier, which runs as long";
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);

  Seller fake("shopee_quarterly.yaml");
  ASSERT_TRUE(fake.ok());
  fake.Report({.category = "counterfeit_ip_listing"}, At("2026-04-06 12:00"));
  fake.Report({.category = "counterfeit_ip_listing"}, At("2026-05-11 12:00"));
  const v1::Decision third =
      fake.Report({.category = "counterfeit_ip_listing"}, At("2026-06-15 12:00"));
  EXPECT_EQ(Issued(third), Strings{"ACTION_SUSPEND"});
  ASSERT_EQ(third.rules_fired_size(), 2);
  EXPECT_EQ(third.rules_fired(0).rule_id(), "tier-3-no-campaigns") << "3 points, too";
  EXPECT_EQ(third.rules_fired(1).rule_id(), "counterfeit-freeze-3");
  for (const char* date : {"2026-06-16", "2026-06-17"}) {
    fake.Report({.category = "counterfeit_ip_listing"}, At(absl::StrCat(date, " 12:00")));
  }
  const v1::Decision sixth =
      fake.Report({.category = "counterfeit_ip_listing"}, At("2026-06-18 12:00"));
  EXPECT_EQ(Issued(sixth), Strings{"ACTION_DEACTIVATE_STORE"});
}

TEST(ShopeeQuarterly, OrderFraudFreezesTheAccountIndefinitely) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "order_fraud"}, At("2026-08-03 12:00"));
  EXPECT_EQ(d.points_added(), 0);
  ASSERT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_FALSE(d.actions(0).has_expires_at());
}

}  // namespace
}  // namespace enforcer::examples
