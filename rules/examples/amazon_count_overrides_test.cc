// Amazon: health points over 180 days, count rules that override health, a 72-hour grace.
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

TEST(AmazonCountOverrides, FiveInfringementsDeactivateWhateverTheHealth) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const std::vector<std::string> dates = {"2026-01-05", "2026-02-09", "2026-03-16", "2026-04-20"};
  for (const std::string& date : dates) {
    const v1::Decision d =
        seller.Report({.category = "ip_complaint_received", .severity = v1::SEVERITY_LOW},
                      At(absl::StrCat(date, " 12:00")));
    EXPECT_EQ(d.standing_after(), v1::WARNED) << date;
  }
  const v1::Decision fifth = seller.Report(
      {.category = "ip_complaint_received", .severity = v1::SEVERITY_LOW}, At("2026-05-25 12:00"));
  EXPECT_EQ(fifth.active_points(), 50) << "health lost: at risk, far from the deactivation line";
  EXPECT_EQ(Issued(fifth), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(fifth.actions(0).reason(),
            "Store deactivated: Five intellectual-property infringements within 180 days "
            "deactivate the account (5 'Product authenticity complaint' or 'Received "
            "intellectual-property complaint' violations within 180 days reached the limit of 5)");
}

TEST(AmazonCountOverrides, BelowTheDeactivationLineTheSuspensionWaits72Hours) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-02 12:00"));
  EXPECT_EQ(Issued(first), Strings{"ACTION_WARNING"});
  const v1::Decision second =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  EXPECT_EQ(second.active_points(), 200);
  const v1::Action* suspension = Find(second, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(FromProtoTime(suspension->effective_at()), At("2026-03-06 12:00"));
  EXPECT_EQ(FromProtoTime(suspension->expires_at()), At("2026-06-04 12:00"));
  EXPECT_EQ(second.standing_after(), v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 11:59")).standing, v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::SUSPENDED);
  // A further violation below the line does not issue it again (once per crossing).
  const v1::Decision third = seller.Report({.category = "listing_policy"}, At("2026-03-10 12:00"));
  EXPECT_TRUE(Find(third, v1::ACTION_SUSPEND) == nullptr);
  EXPECT_EQ(third.standing_after(), v1::SUSPENDED);
}

TEST(AmazonCountOverrides, RegionOverridesTuneTheCountRules) {
  // JP: three infringements are enough.
  Seller jp("amazon_count_overrides.yaml"), elsewhere("amazon_count_overrides.yaml");
  ASSERT_TRUE(jp.ok() && elsewhere.ok());
  v1::Decision in_jp, in_us;
  for (const char* date : {"2026-01-05", "2026-02-09", "2026-03-16"}) {
    in_jp = jp.Report({.category = "ip_complaint_received", .region = "JP"},
                      At(absl::StrCat(date, " 12:00")));
    in_us = elsewhere.Report({.category = "ip_complaint_received", .region = "US"},
                             At(absl::StrCat(date, " 12:00")));
  }
  EXPECT_EQ(Issued(in_jp), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_TRUE(absl::StrContains(in_jp.rules_fired(0).reason(), "reached the limit of 3"))
      << in_jp.rules_fired(0).reason();
  EXPECT_TRUE(Find(in_us, v1::ACTION_DEACTIVATE_STORE) == nullptr);

  // DE: restricted products are looked at over a year, not 180 days.
  Seller de("amazon_count_overrides.yaml"), fr("amazon_count_overrides.yaml");
  ASSERT_TRUE(de.ok() && fr.ok());
  de.Report({.category = "restricted_product", .region = "DE"}, At("2026-01-12 12:00"));
  fr.Report({.category = "restricted_product", .region = "FR"}, At("2026-01-12 12:00"));
  const v1::Decision de_later =
      de.Report({.category = "restricted_product", .region = "DE"}, At("2026-09-07 12:00"));
  const v1::Decision fr_later =
      fr.Report({.category = "restricted_product", .region = "FR"}, At("2026-09-07 12:00"));
  EXPECT_EQ(Issued(de_later), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_TRUE(Find(fr_later, v1::ACTION_DEACTIVATE_STORE) == nullptr)
      << "238 days apart: outside the base 180 days";
}

TEST(AmazonCountOverrides, SuspectedFraudDeactivatesAtOnce) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "fraud_or_deception"}, At("2026-03-02 12:00"));
  EXPECT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
}

TEST(AmazonCountOverrides, ACorrectedListingCancelsThePendingSuspension) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                At("2026-03-02 12:00"));
  const v1::Decision below =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  ASSERT_NE(Find(below, v1::ACTION_SUSPEND), nullptr);
  std::optional<v1::Remedy> corrected =
      seller.Remedy("listing_corrected", below.violation_id(), At("2026-03-05 12:00"));
  ASSERT_TRUE(corrected.has_value());
  ASSERT_EQ(corrected->actions_ended_size(), 1);
  EXPECT_EQ(corrected->actions_ended(0).reason(),
            "cancelled before it took effect: Listing corrected");
  EXPECT_EQ(corrected->standing_after(), v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::WARNED);
  // The health lost stays lost: a correction restores no points here.
  EXPECT_EQ(corrected->active_points(), 200);
}

TEST(AmazonCountOverrides, ACorrectionAfterTheDeadlineEndsNothing) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                At("2026-03-02 12:00"));
  const v1::Decision below =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  std::optional<v1::Remedy> late =
      seller.Remedy("listing_corrected", below.violation_id(), At("2026-03-06 12:00"));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->actions_ended_size(), 0);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::SUSPENDED);
}

TEST(AmazonCountOverrides, ADeactivationReachesRelatedAccountsASuspensionDoesNot) {
  Seller closed("amazon_count_overrides.yaml", "a-1"),
      related("amazon_count_overrides.yaml", "b-1");
  ASSERT_TRUE(closed.ok() && related.ok());
  const v1::Decision fraud =
      closed.Report({.category = "fraud_or_deception"}, At("2026-03-02 12:00"));
  const v1::Action* deactivation = Find(fraud, v1::ACTION_DEACTIVATE_STORE);
  ASSERT_NE(deactivation, nullptr);
  const v1::Propagation p =
      related.Receive(closed.subject(), *deactivation, "same bank account", At("2026-03-02 12:00"));
  ASSERT_EQ(p.actions_issued_size(), 1);
  const v1::Action& received = p.actions_issued(0);
  EXPECT_EQ(received.type(), v1::ACTION_DEACTIVATE_STORE);
  EXPECT_EQ(received.rule_id(), kLinkedSubjectRuleId);
  EXPECT_FALSE(received.has_expires_at());
  EXPECT_EQ(received.reason(), absl::StrCat("Store deactivated: the linked seller account 'a-1' "
                                            "received it (",
                                            deactivation->reason(), ")"));
  EXPECT_TRUE(absl::StrContains(received.notice(),
                                "It follows the same action on the seller account 'a-1', which is "
                                "recorded as having the same owner (same bank account)."))
      << received.notice();
  EXPECT_EQ(related.Standing(At("2026-03-02 13:00")).standing, v1::DEACTIVATED);

  // A suspension below the health line stays with the account that earned it.
  Seller suspended("amazon_count_overrides.yaml", "a-2"),
      other("amazon_count_overrides.yaml", "b-2");
  ASSERT_TRUE(suspended.ok() && other.ok());
  suspended.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                   At("2026-03-02 12:00"));
  const v1::Decision below =
      suspended.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                       At("2026-03-03 12:00"));
  const v1::Action* suspension = Find(below, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(
      other.Receive(suspended.subject(), *suspension, "same bank account", At("2026-03-03 12:00"))
          .actions_issued_size(),
      0);
  EXPECT_EQ(other.Standing(At("2026-03-07 12:00")).standing, v1::GOOD_STANDING);
}

}  // namespace
}  // namespace enforcer::examples
