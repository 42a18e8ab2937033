// Alibaba: strikes per IP right and per rights holder, serious violations merged within 3 days,
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

// general points capped at 6 a day.

TEST(AlibabaStrikes, ThreeInfringementsOfOneRightCloseTheStoreThreeOfDifferentRightsDoNot) {
  Seller one_right("alibaba_strikes.yaml"), three_rights("alibaba_strikes.yaml");
  ASSERT_TRUE(one_right.ok() && three_rights.ok());
  const std::vector<std::string> dates = {"2026-03-02", "2026-04-06", "2026-05-11"};
  v1::Decision same, different;
  for (size_t i = 0; i < dates.size(); ++i) {
    const absl::Time when = At(absl::StrCat(dates[i], " 12:00"));
    const std::string holder = absl::StrCat("holder-", i);
    same = one_right.Report(
        {.category = "general_infringement", .rights_holder = holder, .right = "tm-100"}, when);
    different = three_rights.Report({.category = "general_infringement",
                                     .rights_holder = holder,
                                     .right = absl::StrCat("tm-", i)},
                                    when);
  }
  EXPECT_EQ(Issued(same), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(same.actions(1).reason(),
            "Store deactivated: Three infringements of one intellectual-property right close the "
            "store (3 'General intellectual-property infringement' or 'Serious infringement "
            "(counterfeit)' violations against right 'tm-100' within 365 days reached the limit "
            "of 3)");
  EXPECT_TRUE(Issued(different).empty());
  EXPECT_EQ(different.active_points(), 6);
  EXPECT_EQ(different.standing_after(), v1::GOOD_STANDING);
}

TEST(AlibabaStrikes, SeriousViolationsWithinOneThreeDayBlockCountOnce) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  // 2026-03-02 is day 20514 since 1970-01-01, a multiple of 3: 03-02..03-04 is one block.
  std::vector<int> added;
  for (const char* when : {"2026-03-02 09:00", "2026-03-02 15:00", "2026-03-04 20:00"}) {
    const v1::Decision d =
        seller.Report({.category = "serious_infringement", .right = "tm-1"}, At(when));
    added.push_back(d.points_added());
    EXPECT_EQ(FiredRule(d, "serious-three-strikes"), nullptr) << when;
    EXPECT_EQ(FiredRule(d, "same-right-three"), nullptr) << when << ": one infringement of tm-1";
  }
  EXPECT_EQ(added, (std::vector<int>{12, 0, 0}));
  // The next block is a second strike; a third block, a third strike: a permanent ban.
  const v1::Decision second =
      seller.Report({.category = "serious_infringement", .right = "tm-2"}, At("2026-03-05 09:00"));
  EXPECT_EQ(second.points_added(), 12);
  EXPECT_EQ(FiredRule(second, "serious-three-strikes"), nullptr);
  const v1::Decision third =
      seller.Report({.category = "serious_infringement", .right = "tm-3"}, At("2026-03-08 09:00"));
  EXPECT_EQ(third.active_points(), 36);
  const v1::RuleFiring* strikes = FiredRule(third, "serious-three-strikes");
  ASSERT_NE(strikes, nullptr);
  EXPECT_EQ(strikes->reason(),
            "Three serious-infringement strikes end selling permanently (3 'Serious infringement "
            "(counterfeit)' violations within 365 days reached the limit of 3)");
  EXPECT_EQ(third.standing_after(), v1::REVOKED);
}

TEST(AlibabaStrikes, GeneralInfringementsAddAtMostSixPointsADay) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  std::vector<int> added;
  for (int i = 0; i < 4; ++i) {
    added.push_back(seller
                        .Report({.category = "general_infringement",
                                 .severity = v1::SEVERITY_CRITICAL,
                                 .right = absl::StrCat("tm-", i)},
                                At("2026-03-02 12:00"))
                        .points_added());
  }
  EXPECT_EQ(added, (std::vector<int>{6, 0, 0, 0}));
}

TEST(AlibabaStrikes, FiveComplaintsFromOneRightsHolderBlockNewListings) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  v1::Decision d;
  for (int i = 1; i <= 5; ++i) {
    d = seller.Report({.category = "general_infringement",
                       .severity = v1::SEVERITY_LOW,
                       .rights_holder = "brand-a",
                       .right = absl::StrCat("tm-", i)},
                      At(absl::StrCat("2026-03-0", i + 1, " 12:00")));
  }
  EXPECT_EQ(Issued(d), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  // A level: it holds until the first complaint leaves the 180-day window (at least 30 days).
  EXPECT_EQ(d.actions(1).reason(),
            "Creating new listings restricted until 2026-08-29 00:00 UTC: Repeated complaints "
            "from one rights holder (5 'General intellectual-property infringement' or 'Serious "
            "infringement (counterfeit)' violations by rights holder 'brand-a' within 180 days "
            "reached the limit of 5)");
}

}  // namespace
}  // namespace enforcer::examples
