#include "rules/evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator_test_fixture.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

constexpr char kPolicy[] = R"yaml(
policy: evaluator-test
default_window: 90d
categories:
  minor: {points: 4}
  graded:
    points: {low: 1, medium: 3, high: 6, critical: 10}
    default_severity: medium
  counterfeit:
    points: 24
    window: 180d
    ledgers: [seller, creator]
    take_down: true
  illegal:
    ledgers: [seller, creator]
    zero_tolerance:
      id: zt-illegal
      message: Illegal goods are never allowed
      actions: [revoke_selling_permission]
  creator_only: {points: 5, ledgers: [creator]}
milestones:
  seller:
    - {id: s-6, at: 6, actions: [{type: warning, duration: 30d}]}
    - {id: s-12, at: 12, actions: [{type: restrict_feature, feature: new_listings, duration: 14d}]}
    - {id: s-24, at: 24, actions: [{type: suspend, duration: 28d}]}
    - {id: s-48, at: 48, actions: [deactivate_store]}
  creator:
    - {id: c-10, at: 10, actions: [revoke_selling_permission]}
count_rules:
  - id: strikes
    match: {categories: [counterfeit]}
    at_least: 3
    within: 365d
    actions: [revoke_selling_permission]
  - id: same-holder
    ledgers: [seller]
    match: {categories: [minor], same_rights_holder: true}
    at_least: 2
    within: 30d
    actions: [{type: restrict_feature, feature: ip_listings, duration: 7d}]
  - id: streams
    ledgers: [seller]
    match: {sources: [livestream]}
    at_least: 2
    within: 7d
    actions: [{type: restrict_feature, feature: live_selling, duration: 7d}]
regions:
  US:
    default_window: 180d
    categories:
      graded: {points: 7}
    thresholds: {s-12: 8}
  TW:
    thresholds: {strikes: 2}
    windows: {strikes: 30d}
)yaml";

class EvaluatorTest : public testing::EvaluatorFixture {
 protected:
  void SetUp() override {
    policy_ = testing::MustCompile(kPolicy);
    ASSERT_NE(policy_, nullptr);
  }
  v1::Decision Report(v1::SubjectState* state, const testing::Report& r, absl::Time now) {
    return Decide(*policy_, state, r, now);
  }
  StandingSummary Summary(const v1::SubjectState& state, absl::Time now) {
    return SummarizeStanding(*policy_, state, now);
  }

  std::shared_ptr<const Policy> policy_;
  v1::SubjectState seller_ = testing::NewSubject(v1::SELLER, "s1");
  v1::SubjectState creator_ = testing::NewSubject(v1::CREATOR, "c1");
};

using testing::Days;
using testing::Ids;
using testing::kStart;

TEST_F(EvaluatorTest, SellerLadderRecordsEachMilestoneWhenReachedAndHoldsIt) {
  struct Step {
    int active_after;
    Ids fired;
    v1::Standing standing;
  };
  const std::vector<Step> steps = {
      {4, {}, v1::GOOD_STANDING}, {8, {"s-6"}, v1::WARNED}, {12, {"s-12"}, v1::RESTRICTED},
      {16, {}, v1::RESTRICTED},   {20, {}, v1::RESTRICTED}, {24, {"s-24"}, v1::SUSPENDED},
      {28, {}, v1::SUSPENDED},
  };
  v1::Standing before = v1::GOOD_STANDING;
  for (size_t i = 0; i < steps.size(); ++i) {
    v1::Decision d = Report(&seller_, {"minor"}, kStart + absl::Hours(i));
    EXPECT_EQ(d.points_added(), 4) << i;
    EXPECT_EQ(d.active_points(), steps[i].active_after) << i;
    EXPECT_EQ(d.active_points_before(), steps[i].active_after - 4) << i;
    EXPECT_EQ(Fired(d), steps[i].fired) << i;
    EXPECT_EQ(d.standing_before(), before) << i;
    EXPECT_EQ(d.standing_after(), steps[i].standing) << i;
    EXPECT_EQ(d.policy_version(), policy_->version());
    before = d.standing_after();
  }
  // Levels: every action holds until the points fall below its milestone (all the reports
  // expire together, 90 days after kStart's UTC day), not just for its own duration.
  const absl::Time drop = absl::FromUnixSeconds((UnixDay(kStart) + 90) * 86400);
  for (const v1::Action& a : seller_.actions()) EXPECT_EQ(FromProtoTime(a.expires_at()), drop);
}

TEST_F(EvaluatorTest, JumpingSeveralMilestonesFiresAllWithActionsAndReasons) {
  v1::Decision d = Report(&seller_,
                          {"counterfeit", absl::ZeroDuration(), "", "", v1::SOURCE_LISTING,
                           v1::SEVERITY_UNSPECIFIED, "listing-9"},
                          kStart);
  EXPECT_EQ(Fired(d), (Ids{"counterfeit", "s-6", "s-12", "s-24"}));
  // The suspension holds as long as the warning and the restriction would (until the counterfeit
  // expires): it covers both, so only it is issued, beside the take-down.
  ASSERT_EQ(d.actions_size(), 2);
  EXPECT_EQ(d.actions(0).type(), v1::ACTION_TAKE_DOWN);
  EXPECT_EQ(d.actions(0).object_id(), "listing-9");
  EXPECT_EQ(d.actions(1).type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(d.actions(1).action_id(), "v1/SELLER/2");
  EXPECT_EQ(FromProtoTime(d.actions(1).expires_at()),
            absl::FromUnixSeconds((UnixDay(kStart) + 180) * 86400));
  EXPECT_EQ(d.actions(1).reason(),
            "Selling suspended until 2027-03-20 00:00 UTC: active violation points reached 24 (+24 "
            "for 'Counterfeit'), crossing the 24-point milestone");
  ASSERT_EQ(d.superseded_size(), 2);
  EXPECT_EQ(d.superseded(0).action().type(), v1::ACTION_WARNING);
  EXPECT_EQ(d.superseded(0).superseded_by_action_id(), "v1/SELLER/2");
  EXPECT_EQ(d.superseded(1).action().feature(), "new_listings");
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);
  EXPECT_EQ(d.tier_after().milestone_id(), "s-24");
  EXPECT_EQ(d.tier_after().next_milestone_id(), "s-48");
  EXPECT_EQ(d.tier_after().points_to_next(), 24);
  // The take-down is an object action: it does not become part of the subject's standing.
  EXPECT_EQ(seller_.actions_size(), 1);
}

TEST_F(EvaluatorTest, PointsExpireOneByOneAndMilestonesRearm) {
  Report(&seller_, {"minor"}, kStart);                         // expires after 90 days
  Report(&seller_, {"minor"}, kStart + absl::Hours(24 * 30));  // 8 points: s-6 fired
  const absl::Time later = kStart + absl::Hours(24 * 91);
  EXPECT_EQ(Summary(seller_, later).active_points, 4);
  // The warning (30 days) has expired too, so the subject is back in good standing.
  EXPECT_EQ(Summary(seller_, later).standing, v1::GOOD_STANDING);
  v1::Decision d = Report(&seller_, {"minor"}, later);
  EXPECT_EQ(d.active_points_before(), 4);
  EXPECT_EQ(d.active_points(), 8);
  EXPECT_EQ(Fired(d), (Ids{"s-6"}));  // crossed 6 again
  EXPECT_EQ(Summary(seller_, kStart + absl::Hours(24 * 200)).active_points, 0);
}

TEST_F(EvaluatorTest, LateReportOutsideItsWindowAddsNoPoints) {
  v1::Decision d = Report(&seller_, {"minor", absl::Hours(24 * 100)}, kStart);
  EXPECT_EQ(d.points_added(), 0);
  EXPECT_EQ(seller_.lifetime_violations(), 1);
  d = Report(&seller_, {"minor", absl::Hours(24 * 89)}, kStart);
  EXPECT_EQ(d.points_added(), 4);
}

TEST_F(EvaluatorTest, CountRuleFiresOnceAtThresholdAndOutlivesPoints) {
  // Three counterfeits a day apart... but spread so the points of the first have expired.
  Report(&seller_, {"counterfeit"}, kStart);
  Report(&seller_, {"counterfeit"}, kStart + absl::Hours(24 * 200));
  const absl::Time third = kStart + absl::Hours(24 * 300);
  EXPECT_EQ(Summary(seller_, third).active_points, 24);  // first one expired
  v1::Decision d = Report(&seller_, {"counterfeit"}, third);
  EXPECT_EQ(Fired(d), (Ids{"s-48", "strikes"}));
  EXPECT_EQ(d.standing_after(), v1::REVOKED);
  EXPECT_EQ(d.rules_fired(1).reason(),
            "3 'Counterfeit' violations within 365 days reached the limit of 3");
  d = Report(&seller_, {"counterfeit"}, third + absl::Hours(1));
  EXPECT_EQ(Fired(d), Ids{});  // fourth: no re-fire
}

TEST_F(EvaluatorTest, SameRightsHolderCountsOnlyThatHolder) {
  EXPECT_EQ(Fired(Report(&seller_, {"minor", {}, "", "brand-a"}, kStart)), Ids{});
  EXPECT_EQ(Fired(Report(&seller_, {"minor", {}, "", "brand-b"}, kStart)), (Ids{"s-6"}));
  v1::Decision d = Report(&seller_, {"minor", {}, "", "brand-a"}, kStart);
  EXPECT_EQ(Fired(d), (Ids{"s-12", "same-holder"}));
  EXPECT_EQ(
      d.rules_fired(1).reason(),
      "2 'Minor' violations by rights holder 'brand-a' within 30 days reached the limit of 2");
  // No rights holder given: the rule cannot match.
  EXPECT_EQ(Fired(Report(&seller_, {"minor"}, kStart)), Ids{});
}

TEST_F(EvaluatorTest, SourceFilterAndCountWindow) {
  Report(&seller_, {"graded", {}, "", "", v1::SOURCE_LIVESTREAM, v1::SEVERITY_LOW}, kStart);
  Report(&seller_, {"graded", {}, "", "", v1::SOURCE_LISTING, v1::SEVERITY_LOW}, kStart);
  // 8 days later the first livestream violation is outside the 7-day window.
  v1::Decision d = Report(&seller_, {"graded", {}, "", "", v1::SOURCE_LIVESTREAM, v1::SEVERITY_LOW},
                          kStart + absl::Hours(24 * 8));
  EXPECT_EQ(Fired(d), Ids{});
  d = Report(&seller_, {"graded", {}, "", "", v1::SOURCE_LIVESTREAM, v1::SEVERITY_LOW},
             kStart + absl::Hours(24 * 8));
  EXPECT_EQ(Fired(d), (Ids{"streams"}));
}

TEST_F(EvaluatorTest, SeverityPicksPointsWithDefault) {
  struct Case {
    v1::Severity severity;
    int points;
  };
  for (const Case& c :
       {Case{v1::SEVERITY_UNSPECIFIED, 3}, Case{v1::SEVERITY_LOW, 1}, Case{v1::SEVERITY_MEDIUM, 3},
        Case{v1::SEVERITY_HIGH, 6}, Case{v1::SEVERITY_CRITICAL, 10}}) {
    v1::SubjectState s = seller_;
    EXPECT_EQ(
        Report(&s, {"graded", {}, "", "", v1::SOURCE_LISTING, c.severity}, kStart).points_added(),
        c.points)
        << c.severity;
  }
}

TEST_F(EvaluatorTest, RegionOverridesWindowsPointsAndThresholds) {
  // US: 180-day default window, graded = 7 points, s-12 lowered to 8.
  v1::Decision d = Report(&seller_, {"graded", {}, "US"}, kStart);
  EXPECT_EQ(d.points_added(), 7);
  EXPECT_EQ(Fired(d), (Ids{"s-6"}));
  d = Report(&seller_, {"minor", {}, "US"}, kStart);
  EXPECT_EQ(Fired(d), (Ids{"s-12"}));  // 11 >= 8 in the US
  EXPECT_EQ(Summary(seller_, kStart + absl::Hours(24 * 120)).active_points, 11);

  // TW: two counterfeits within 30 days are enough for the strikes rule.
  v1::SubjectState tw = creator_;
  Report(&tw, {"counterfeit", {}, "TW"}, kStart);
  d = Report(&tw, {"counterfeit", {}, "TW"}, kStart + absl::Hours(24));
  EXPECT_EQ(Fired(d), (Ids{"strikes"}));
  // Elsewhere the same two are not.
  v1::SubjectState ph = creator_;
  Report(&ph, {"counterfeit", {}, "PH"}, kStart);
  EXPECT_EQ(Fired(Report(&ph, {"counterfeit", {}, "PH"}, kStart + absl::Hours(24))), Ids{});
}

TEST_F(EvaluatorTest, ZeroToleranceActsOnASingleEventWithoutPoints) {
  v1::Decision d = Report(&creator_, {"illegal"}, kStart);
  EXPECT_EQ(d.points_added(), 0);
  EXPECT_EQ(Fired(d), (Ids{"zt-illegal"}));
  ASSERT_EQ(d.actions_size(), 1);
  EXPECT_EQ(d.actions(0).type(), v1::ACTION_REVOKE_SELLING_PERMISSION);
  EXPECT_FALSE(d.actions(0).has_expires_at());
  EXPECT_EQ(d.actions(0).reason(),
            "Selling permission permanently revoked: Illegal goods are never allowed ('Illegal' is "
            "zero tolerance: a single violation is enough)");
  EXPECT_EQ(d.standing_before(), v1::GOOD_STANDING);
  EXPECT_EQ(d.standing_after(), v1::REVOKED);
  // Permanent: still revoked years later.
  EXPECT_EQ(Summary(creator_, kStart + absl::Hours(24 * 3000)).standing, v1::REVOKED);
}

TEST_F(EvaluatorTest, AnActionAlreadyInForceIsNotIssuedAgain) {
  Report(&creator_, {"illegal"}, kStart);
  v1::Decision d = Report(&creator_, {"illegal"}, kStart + absl::Hours(1));
  EXPECT_EQ(Fired(d), (Ids{"zt-illegal"}));  // the rule still fires and is recorded...
  EXPECT_EQ(d.actions_size(), 0);            // ...but the subject is already revoked
  EXPECT_EQ(creator_.actions_size(), 1);
  // A timed action is issued again once the earlier one has run out.
  Report(&seller_, {"graded", {}, "", "", v1::SOURCE_LISTING, v1::SEVERITY_HIGH}, kStart);  // s-6
  v1::SubjectState later = seller_;
  EXPECT_EQ(Report(&later, {"graded"}, kStart + absl::Hours(24 * 95)).actions_size(), 0);  // 3 pts
  v1::Decision again = Report(&later, {"graded", {}, "", "", v1::SOURCE_LISTING, v1::SEVERITY_HIGH},
                              kStart + absl::Hours(24 * 95));
  EXPECT_EQ(Fired(again), (Ids{"s-6"}));
  ASSERT_EQ(again.actions_size(), 1);
  EXPECT_EQ(again.actions(0).type(), v1::ACTION_WARNING);
}

TEST_F(EvaluatorTest, CreatorLadderIsSeparate) {
  v1::Decision d = Report(&creator_, {"creator_only"}, kStart);
  EXPECT_EQ(Fired(d), Ids{});  // seller milestones don't apply
  d = Report(&creator_, {"creator_only"}, kStart);
  EXPECT_EQ(Fired(d), (Ids{"c-10"}));
  EXPECT_EQ(d.standing_after(), v1::REVOKED);
}

TEST_F(EvaluatorTest, TakeDownNeedsObjectAndIsEmittedOncePerViolation) {
  ViolationFacts v;
  v.violation_id = "v9";
  v.category = "counterfeit";
  v.source = v1::SOURCE_LISTING;
  v.object_id = "listing-1";
  v.occurred_at = kStart;
  v.emit_object_actions = false;
  EXPECT_EQ(EvaluateViolation(*policy_, seller_, v, kStart).decision.rules_fired(0).rule_id(),
            "s-6");
  v.emit_object_actions = true;
  v.object_id.clear();
  EXPECT_EQ(EvaluateViolation(*policy_, seller_, v, kStart).decision.rules_fired(0).rule_id(),
            "s-6");
}

TEST_F(EvaluatorTest, SummaryCountsPerCategoryInsideWindows) {
  Report(&seller_, {"minor"}, kStart);
  Report(&seller_, {"minor"}, kStart);
  Report(&seller_, {"counterfeit"}, kStart);
  StandingSummary s = Summary(seller_, kStart + absl::Hours(1));
  EXPECT_EQ(s.active_points, 32);
  EXPECT_EQ(s.standing, v1::SUSPENDED);
  ASSERT_EQ(s.category_counts.size(), 2u);
  EXPECT_EQ(s.category_counts[0].category(), "counterfeit");
  EXPECT_EQ(s.category_counts[0].window_days(), 180);
  EXPECT_EQ(s.category_counts[1].category(), "minor");
  EXPECT_EQ(s.category_counts[1].count(), 2);
  EXPECT_EQ(s.category_counts[1].active_points(), 8);
  // The warning (until the minors expire) and the suspension; the restriction was superseded.
  EXPECT_EQ(s.active_actions.size(), 2u);
  EXPECT_EQ(s.tier.milestone_id(), "s-24");
  // After 100 days: only counterfeit still counts; every timed action is over.
  s = Summary(seller_, kStart + absl::Hours(24 * 100));
  EXPECT_EQ(s.active_points, 24);
  EXPECT_EQ(s.category_counts.size(), 1u);
  // Still at 24 points: the suspension holds until the counterfeit leaves its window.
  EXPECT_EQ(s.standing, v1::SUSPENDED);
  EXPECT_EQ(Summary(seller_, kStart + absl::Hours(24 * 181)).standing, v1::GOOD_STANDING);
}

TEST_F(EvaluatorTest, RightsHoldersAreKeptApartFromThePointsBuckets) {
  for (int i = 0; i < 50; ++i) {
    Report(&seller_, {"minor", {}, "", "holder-" + std::to_string(i)}, kStart);
    Report(&seller_, {"graded", {}, "", "holder-" + std::to_string(i)}, kStart);
  }
  // Points are read from two buckets, however many complainants there were...
  EXPECT_EQ(seller_.buckets_size(), 2);
  // ...while count rules per rights holder read buckets of their own.
  EXPECT_EQ(seller_.holder_buckets_size(), 100);
}

TEST_F(EvaluatorTest, StateStaysBoundedByBucketsAndRetention) {
  // A thousand violations on one day fold into one bucket.
  for (int i = 0; i < 1000; ++i) Report(&seller_, {"minor"}, kStart);
  EXPECT_EQ(seller_.buckets_size(), 1);
  EXPECT_EQ(seller_.buckets(0).count(), 1000);
  EXPECT_EQ(seller_.lifetime_violations(), 1000);
  // Past the longest window of this policy (365 days) buckets are dropped: a later policy that
  // needs them replays the ledger when it re-evaluates the subject.
  Report(&seller_, {"minor"}, kStart + absl::Hours(24 * 400));
  ASSERT_EQ(seller_.buckets_size(), 1);
  EXPECT_EQ(seller_.buckets(0).day(), UnixDay(kStart) + 400);
  EXPECT_EQ(seller_.lifetime_violations(), 1001);
}

TEST_F(EvaluatorTest, DeterministicForTheSameInputs) {
  v1::SubjectState a = seller_, b = seller_;
  for (int i = 0; i < 5; ++i) {
    Report(&a, {"graded", absl::Hours(i)}, kStart);
    next_id_ -= 1;
    Report(&b, {"graded", absl::Hours(i)}, kStart);
  }
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
}

TEST(HumanDuration, DaysAndHours) {
  EXPECT_EQ(HumanDuration(absl::Hours(24)), "1 day");
  EXPECT_EQ(HumanDuration(absl::Hours(24 * 14)), "14 days");
  EXPECT_EQ(HumanDuration(absl::Hours(12)), "12 hours");
  EXPECT_EQ(HumanDuration(absl::Hours(1)), "1 hour");
}

}  // namespace
}  // namespace enforcer
