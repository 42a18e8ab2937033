// The escalation model: tiers as levels, repeat modes, regions that never skip a tier, policy
// changes that reach subjects already above a threshold, and minimal actions.
#include <gtest/gtest.h>

#include <string>

#include "proto/timestamp.h"
#include "rules/default_policy.h"
#include "rules/evaluator.h"
#include "rules/evaluator_test_fixture.h"

namespace enforcer {
namespace {

using testing::ActionTypes;
using testing::Days;
using testing::Ids;
using testing::kStart;
using testing::MustCompile;
using testing::NewSubject;

class ModelTest : public testing::EvaluatorFixture {
 protected:
  v1::SubjectState seller_ = NewSubject(v1::SELLER, "s1");
};

// A ladder with one rule per repeat mode, 2 points per report.
constexpr char kModes[] = R"yaml(
policy: modes
categories:
  spam: {points: 2}
milestones:
  seller:
    - {id: hold-4, at: 4, actions: [{type: warning, duration: 10d}]}
    - {id: each-6, at: 6, repeat: each_violation,
       actions: [{type: restrict_feature, feature: ads, duration: 5d}]}
    - {id: once-8, at: 8, repeat: on_crossing,
       actions: [{type: restrict_feature, feature: live, duration: 5d}]}
)yaml";

TEST_F(ModelTest, RepeatModesDifferWhileTheSubjectStaysAboveTheThreshold) {
  auto policy = MustCompile(kModes);
  Decide(*policy, &seller_, {"spam"}, kStart);                                               // 2
  EXPECT_EQ(Fired(Decide(*policy, &seller_, {"spam"}, kStart)), Ids{"hold-4"});              // 4
  EXPECT_EQ(Fired(Decide(*policy, &seller_, {"spam"}, kStart)), Ids{"each-6"});              // 6
  EXPECT_EQ(Fired(Decide(*policy, &seller_, {"spam"}, kStart)), (Ids{"each-6", "once-8"}));  // 8
  // Ten days later, still at 8 points: each_violation re-issues its 5 days, on_crossing does not,
  // and the level warning has held all along (until the points expire on day 90).
  v1::Decision d = Decide(*policy, &seller_, {"spam"}, Days(kStart, 10));  // 10
  EXPECT_EQ(Fired(d), Ids{"each-6"});
  ASSERT_EQ(d.actions_size(), 1);
  EXPECT_EQ(FromProtoTime(d.actions(0).expires_at()), Days(Days(kStart, 10), 5));
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 20)).standing, v1::WARNED);
  // The points expire on day 90 (all but the last report) and day 100: the warning with them.
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 89)).standing, v1::WARNED);
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 91)).standing, v1::GOOD_STANDING);
  // Back under 8: on_crossing fires again when the subject crosses anew.
  for (int i = 0; i < 2; ++i) Decide(*policy, &seller_, {"spam"}, Days(kStart, 95));  // 2 + 4
  d = Decide(*policy, &seller_, {"spam"}, Days(kStart, 95));                          // 8
  EXPECT_EQ(Fired(d), (Ids{"each-6", "once-8"}));
}

// Hole 2: a seller above an ended tier re-escalates; never clean at 45 of 48 points.
TEST_F(ModelTest, DefaultPackKeepsASellerAboveATierInIt) {
  auto policy = MustCompile(kDefaultPolicyYaml);
  Decide(*policy, &seller_, {"counterfeit_confirmed", {}, "", "b1", v1::SOURCE_LISTING, {}, "l1"},
         kStart);
  Decide(*policy, &seller_,
         {"ip_complaint_valid", {}, "", "b2", v1::SOURCE_LISTING, v1::SEVERITY_HIGH, "l2"}, kStart);
  v1::Decision d = Decide(
      *policy, &seller_,
      {"ip_complaint_valid", {}, "", "b3", v1::SOURCE_LISTING, v1::SEVERITY_LOW, "l3"}, kStart);
  EXPECT_EQ(d.active_points(), 37);
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);
  // 91 days later: 37 points still active (180-day windows). The 28-day suspension is over, but
  // the seller is not clean: the 24-point new-listings restriction holds while the points do.
  const StandingSummary later = SummarizeStanding(*policy, seller_, Days(kStart, 91));
  EXPECT_EQ(later.active_points, 37);
  EXPECT_EQ(later.standing, v1::RESTRICTED);
  EXPECT_EQ(later.tier.milestone_id(), "seller-suspension-36");
  EXPECT_EQ(later.tier.points_to_next(), 11);
  // Two more violations at or above 36 points suspend again (repeat: each_violation).
  d = Decide(*policy, &seller_,
             {"ip_complaint_valid", {}, "", "b4", v1::SOURCE_LISTING, v1::SEVERITY_LOW, "l4"},
             Days(kStart, 91));
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);
  d = Decide(*policy, &seller_,
             {"ip_complaint_valid", {}, "", "b5", v1::SOURCE_LISTING, v1::SEVERITY_LOW, "l5"},
             Days(kStart, 91));
  EXPECT_EQ(d.active_points(), 45);
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);
  // The new points keep the seller at 6 or more until day 271, so the 6-point warning is
  // extended to then; the suspension asked for again is already in force (same 28 days).
  EXPECT_EQ(Fired(d), (Ids{"ip_complaint_valid", "seller-caution-6", "seller-suspension-36"}));
  ASSERT_EQ(d.actions_size(), 2);
  EXPECT_EQ(FromProtoTime(d.actions(1).expires_at()),
            absl::FromUnixSeconds((UnixDay(Days(kStart, 91)) + 180) * 86400));
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 118)).standing, v1::SUSPENDED);
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 179)).standing, v1::RESTRICTED);
  // On day 180 the first three expire: 8 points, below every milestone but the 6-point one.
  const StandingSummary after = SummarizeStanding(*policy, seller_, Days(kStart, 181));
  EXPECT_EQ(after.active_points, 8);
  EXPECT_EQ(after.tier.milestone_id(), "seller-caution-6");
}

// Hole 1: a lower regional threshold applies while the subject has points from that region.
constexpr char kRegions[] = R"yaml(
policy: regions
categories:
  spam: {points: 2}
milestones:
  seller:
    - {id: warn, at: 4, actions: [{type: warning, duration: 30d}]}
regions:
  PH:
    thresholds: {warn: 2}
)yaml";

TEST_F(ModelTest, AMixOfRegionsNeverSkipsATier) {
  auto policy = MustCompile(kRegions);
  EXPECT_EQ(Fired(Decide(*policy, &seller_, {"spam", {}, "US"}, kStart)), Ids{});  // 2
  v1::Decision d = Decide(*policy, &seller_, {"spam", {}, "PH"}, kStart);          // 4
  EXPECT_EQ(Fired(d), Ids{"warn"});
  EXPECT_NE(d.rules_fired(0).reason().find("crossing the 2-point milestone"), std::string::npos)
      << d.rules_fired(0).reason();
  d = Decide(*policy, &seller_, {"spam", {}, "US"}, kStart);  // 6
  EXPECT_EQ(d.standing_after(), v1::WARNED);
  // A PH report to a seller already at 2 US points is at the PH threshold too.
  v1::SubjectState other = NewSubject(v1::SELLER, "s2");
  Decide(*policy, &other, {"spam", {}, "US"}, kStart);
  EXPECT_EQ(Decide(*policy, &other, {"spam", {}, "PH"}, kStart).standing_after(), v1::WARNED);
}

// Hole 3: a tightened policy reaches a subject already above the new threshold.
TEST_F(ModelTest, ATightenedPolicyReachesSubjectsAlreadyAboveTheNewThreshold) {
  auto loose = MustCompile(R"yaml(
policy: loose
categories: {spam: {points: 1}, big: {points: 3}}
milestones: {seller: [{id: warn, at: 4, actions: [{type: warning, duration: 30d}]}]}
)yaml");
  auto tight = MustCompile(R"yaml(
policy: tight
categories: {spam: {points: 1}, big: {points: 3}}
milestones: {seller: [{id: warn, at: 2, actions: [{type: warning, duration: 30d}]}]}
)yaml");
  Decide(*loose, &seller_, {"spam"}, kStart);
  Decide(*loose, &seller_, {"spam"}, kStart);  // 2 points, under the loose threshold
  v1::Decision d = Decide(*tight, &seller_, {"big"}, kStart);  // 2 -> 5 under the tight one
  EXPECT_EQ(Fired(d), Ids{"warn"});
  EXPECT_EQ(d.standing_after(), v1::WARNED);
}

// Hole 7: one decision, the effective actions only.
TEST_F(ModelTest, HigherActionsSupersedeLowerOnesInOneDecision) {
  auto policy = MustCompile(kDefaultPolicyYaml);
  Decide(*policy, &seller_, {"counterfeit_confirmed", {}, "", "b1", v1::SOURCE_LISTING, {}, "l1"},
         kStart);
  v1::Decision d =
      Decide(*policy, &seller_,
             {"counterfeit_confirmed", {}, "", "b2", v1::SOURCE_LISTING, {}, "l2"}, kStart);
  EXPECT_EQ(d.active_points(), 48);
  EXPECT_EQ(Types(d), (ActionTypes{v1::ACTION_TAKE_DOWN, v1::ACTION_DEACTIVATE_STORE}));
  // The 28-day suspension the 36-point milestone asks for is recorded as superseded.
  bool suspension_superseded = false;
  for (const v1::Supersession& s : d.superseded()) {
    if (s.action().type() == v1::ACTION_SUSPEND &&
        s.superseded_by_type() == v1::ACTION_DEACTIVATE_STORE) {
      suspension_superseded = true;
    }
  }
  EXPECT_TRUE(suspension_superseded);

  // Zero tolerance on a TW counterfeit: take-down and revocation, nothing else.
  v1::SubjectState tw = NewSubject(v1::SELLER, "tw");
  Decide(*policy, &tw, {"counterfeit_confirmed", {}, "TW", "b1", v1::SOURCE_LISTING, {}, "l1"},
         kStart);
  d = Decide(*policy, &tw, {"counterfeit_confirmed", {}, "TW", "b1", v1::SOURCE_LISTING, {}, "l2"},
             kStart);
  EXPECT_EQ(Types(d), (ActionTypes{v1::ACTION_TAKE_DOWN, v1::ACTION_REVOKE_SELLING_PERMISSION}));
  EXPECT_EQ(d.standing_after(), v1::REVOKED);
}

// Count rules per IP right (Alibaba.com: three infringements of a single right terminate).
TEST_F(ModelTest, SameRightCountsTheViolationsOfOneRightWhoeverReportsThem) {
  auto policy = MustCompile(R"(policy: rights
categories:
  ip: {points: 1, take_down: true}
count_rules:
  - id: three-against-one-right
    match: {same_right: true}
    at_least: 3
    within: 365d
    actions: [deactivate_store]
)");
  auto report = [&](const std::string& holder, const std::string& right, int day) {
    ViolationFacts v;
    v.violation_id = "v" + std::to_string(++next_id_);
    v.category = "ip";
    v.source = v1::SOURCE_RIGHTS_HOLDER_COMPLAINT;
    v.rights_holder_id = holder;
    v.right_id = right;
    v.object_id = "listing";
    v.occurred_at = Days(kStart, day);
    Evaluation e = EvaluateViolation(*policy, seller_, v, Days(kStart, day));
    seller_ = e.state;
    return e.decision;
  };
  // Two holders (a brand and its licensee) report the same trademark; another right in between.
  EXPECT_EQ(Fired(report("brand-a", "TM-1", 0)), Ids{"ip"});
  EXPECT_EQ(Fired(report("brand-a", "TM-2", 1)), Ids{"ip"});
  EXPECT_EQ(Fired(report("licensee", "TM-1", 2)), Ids{"ip"});
  EXPECT_EQ(Fired(report("brand-a", "", 3)), Ids{"ip"}) << "no right named: not counted";
  v1::Decision d = report("brand-a", "TM-1", 4);
  EXPECT_EQ(Fired(d), (Ids{"ip", "three-against-one-right"}));
  EXPECT_EQ(d.rules_fired(1).reason(),
            "3 violations against right 'TM-1' within 365 days reached the limit of 3");
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
}

// Daily point caps (AliExpress: general violations count at most 6 points a day).
TEST_F(ModelTest, ADailyCapLimitsACategorysPointsPerDayOfOccurrence) {
  auto policy = MustCompile(R"(policy: capped
categories:
  listing_issue: {points: 2, daily_cap: 5}
  fraud_signal: {points: 3}
milestones:
  seller:
    - {id: warn-10, at: 10, actions: [{type: warning, duration: 30d}]}
)");
  std::vector<int> added;
  for (int i = 0; i < 4; ++i)
    added.push_back(Decide(*policy, &seller_, {"listing_issue"}, kStart).points_added());
  EXPECT_EQ(added, (std::vector<int>{2, 2, 1, 0})) << "5 points on that day at most";
  // Other categories are not capped, and the next day has a cap of its own.
  EXPECT_EQ(Decide(*policy, &seller_, {"fraud_signal"}, kStart).points_added(), 3);
  v1::Decision d = Decide(*policy, &seller_, {"listing_issue"}, Days(kStart, 1));
  EXPECT_EQ(d.points_added(), 2);
  EXPECT_EQ(d.active_points(), 10);
  EXPECT_EQ(Fired(d), Ids{"warn-10"});
  // A late report of a capped day adds nothing.
  EXPECT_EQ(
      Decide(*policy, &seller_, {"listing_issue", absl::Hours(24)}, Days(kStart, 1)).points_added(),
      0);
  const StandingSummary s = SummarizeStanding(*policy, seller_, Days(kStart, 1));
  ASSERT_EQ(s.category_counts.size(), 2u);
  EXPECT_EQ(s.category_counts[1].category(), "listing_issue");
  EXPECT_EQ(s.category_counts[1].count(), 6);
  EXPECT_EQ(s.category_counts[1].active_points(), 7);
}

// Calendar resets (Shopee: points add up over the quarter, then reset).
TEST_F(ModelTest, AQuarterlyResetEndsPointsWhenTheirQuarterEnds) {
  auto policy = MustCompile(R"(policy: quarters
default_window: 365d
categories:
  late_shipment: {points: 3, reset: quarterly}
  counterfeit: {points: 10}
)");
  // 2026-09-21: the third quarter ends on 2026-09-30, nine days later.
  v1::Decision d = Decide(*policy, &seller_, {"late_shipment"}, kStart);
  EXPECT_EQ(d.window_days(), 10) << "2026-09-21 .. 2026-09-30";
  Decide(*policy, &seller_, {"counterfeit"}, kStart);
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 9)).active_points, 13);
  // On 2026-10-01 the late shipment's points are gone; the counterfeit's (no reset) stay.
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 10)).active_points, 10);
  // A violation on the first day of a quarter counts for the whole quarter (92 days).
  d = Decide(*policy, &seller_, {"late_shipment"}, Days(kStart, 10));
  EXPECT_EQ(d.window_days(), 92) << "2026-10-01 .. 2026-12-31";
}

TEST_F(ModelTest, RunawaySumsSaturateInsteadOfWrapping) {
  auto policy = MustCompile("policy: big\ncategories: {huge: {points: 1000}}\n");
  v1::WindowBucket* b = seller_.add_buckets();
  b->set_day(UnixDay(kStart));
  b->set_category("huge");
  b->set_source(v1::SOURCE_LISTING);
  b->set_count(int64_t{1} << 60);
  v1::Decision d = Decide(*policy, &seller_, {"huge"}, kStart);
  EXPECT_EQ(d.active_points(), std::numeric_limits<int32_t>::max());
  EXPECT_GT(d.active_points_before(), 0);
}

}  // namespace
}  // namespace enforcer
