// Display names, seller notices and pending (grace) actions, evaluated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/evaluator_test_fixture.h"
#include "rules/policy_parser.h"

namespace enforcer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPolicy[] = R"(
policy: texts
default_window: 90d
features:
  new_listings: Creating new listings
appeals:
  within: 30d
  instructions: Open Seller Center > Account health > Appeals and choose the decision.
categories:
  ip_complaint_valid:
    display_name: Valid IP complaint
    points: 12
    take_down: true
  late_dispatch:
    points: 6
milestones:
  seller:
    - id: seller-listing-block-12
      at: 12
      message: Your store may not create listings for a while
      actions:
        - {type: restrict_feature, feature: new_listings, duration: 14d}
    - id: seller-suspension-18
      at: 18
      repeat: each_violation
      actions:
        - {type: suspend, duration: 7d, grace: 72h}
)";

class SellerTextsTest : public EvaluatorFixture {
 protected:
  std::shared_ptr<const Policy> policy_ = MustCompile(kPolicy);
  v1::SubjectState seller_ = NewSubject(v1::SELLER, "s1");
};

TEST_F(SellerTextsTest, ReasonsAndNoticesUseDisplayNamesNeverIds) {
  const v1::Decision d = Decide(
      *policy_, &seller_, {.category = "ip_complaint_valid", .object_id = "listing-17"}, kStart);
  ASSERT_EQ(d.actions_size(), 2);
  EXPECT_EQ(d.actions(0).reason(),
            "'listing-17' is taken down: 'Valid IP complaint' violations are removed from the "
            "marketplace");
  EXPECT_EQ(d.actions(1).reason(),
            "Creating new listings restricted until 2026-12-20 00:00 UTC: Your store may not "
            "create listings for "
            "a while (active violation points reached 12 (+12 for 'Valid IP complaint'), crossing "
            "the 12-point milestone)");
  EXPECT_EQ(d.actions(1).notice(),
            "Creating new listings restricted until 2026-12-20 00:00 UTC: Your store may not "
            "create listings for "
            "a while (active violation points reached 12 (+12 for 'Valid IP complaint'), crossing "
            "the 12-point milestone). It follows a report of 'Valid IP complaint' on 'listing-17' "
            "from a listing that occurred on 2026-09-21 and added 12 points. This decision was "
            "made automatically under the policy 'texts'. You can appeal until 2026-10-21 14:13 "
            "UTC: Open Seller Center > Account health > Appeals and choose the decision.");
  for (const v1::Action& a : d.actions()) {
    EXPECT_THAT(a.notice(), Not(HasSubstr("ip_complaint_valid")));
    EXPECT_THAT(a.notice(), Not(HasSubstr("new_listings")));
    EXPECT_THAT(a.notice(), Not(HasSubstr("seller-listing-block-12")));
  }
}

TEST_F(SellerTextsTest, ACategoryWithoutDisplayNameIsNamedFromItsId) {
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "late_dispatch"}, kStart);
  EXPECT_EQ(d.points_added(), 6);
  Decide(*policy_, &seller_, {.category = "late_dispatch"}, kStart);
  const v1::Decision third = Decide(*policy_, &seller_, {.category = "late_dispatch"}, kStart);
  EXPECT_THAT(third.rules_fired(0).reason(), HasSubstr("(+6 for 'Late dispatch')"));
}

TEST_F(SellerTextsTest, APendingActionTakesEffectAfterItsGraceAndRunsItsDurationFromThen) {
  Decide(*policy_, &seller_, {.category = "ip_complaint_valid", .object_id = "l1"}, kStart);
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "late_dispatch"}, kStart);
  ASSERT_EQ(Types(d), ActionTypes{v1::ACTION_SUSPEND});
  const v1::Action& suspension = d.actions(0);
  EXPECT_EQ(FromProtoTime(suspension.effective_at()), kStart + absl::Hours(72));
  EXPECT_EQ(FromProtoTime(suspension.expires_at()), kStart + absl::Hours(72) + absl::Hours(24 * 7));
  EXPECT_EQ(suspension.reason(),
            "Selling suspended from 2026-09-24 14:13 UTC for 7 days, unless corrected first: "
            "active violation points reached 18 (+6 for 'Late dispatch'), crossing the 18-point "
            "milestone");
  EXPECT_THAT(suspension.notice(),
              HasSubstr("It takes effect on 2026-09-24 14:13 UTC unless the violation is "
                        "corrected or appealed before then."));
  // Pending: not counted in standing until it takes effect.
  EXPECT_EQ(d.standing_after(), v1::RESTRICTED);
  StandingSummary before = SummarizeStanding(*policy_, seller_, kStart + absl::Hours(71));
  EXPECT_EQ(before.standing, v1::RESTRICTED);
  ASSERT_EQ(before.pending_actions.size(), 1u);
  EXPECT_EQ(before.pending_actions[0].action_id(), suspension.action_id());
  StandingSummary after = SummarizeStanding(*policy_, seller_, kStart + absl::Hours(73));
  EXPECT_EQ(after.standing, v1::SUSPENDED);
  EXPECT_TRUE(after.pending_actions.empty());
}

// Found by writing the example packs: a pending action's grace must run once.
constexpr char kGracePolicy[] = R"(
policy: grace
categories:
  spam: {points: 10}
  big: {points: 20}
milestones:
  seller:
    - id: level-20
      at: 20
      actions:
        - {type: restrict_feature, feature: new_listings, duration: 7d, grace: 72h}
    - id: each-30
      at: 30
      repeat: each_violation
      actions:
        - {type: suspend, duration: 7d, grace: 72h}
)";

TEST_F(SellerTextsTest, ALevelActionInForceIsRenewedInForceNotMadePendingAgain) {
  auto policy = MustCompile(kGracePolicy);
  Decide(*policy, &seller_, {.category = "spam"}, kStart);
  Decide(*policy, &seller_, {.category = "spam"}, Days(kStart, 1));
  ASSERT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 5)).standing, v1::RESTRICTED);
  const v1::Decision d = Decide(*policy, &seller_, {.category = "spam"}, Days(kStart, 5));
  // The restriction stays in force (the suspension at 30 is pending for its own 72 hours).
  EXPECT_EQ(d.standing_after(), v1::RESTRICTED);
  for (const v1::Action& a : d.actions()) {
    if (a.type() == v1::ACTION_RESTRICT_FEATURE) EXPECT_FALSE(a.has_effective_at());
  }
  EXPECT_EQ(SummarizeStanding(*policy, seller_, Days(kStart, 5) + absl::Hours(1)).standing,
            v1::RESTRICTED);
}

TEST_F(SellerTextsTest, AnotherViolationDoesNotPostponeAPendingAction) {
  auto policy = MustCompile(kGracePolicy);
  Decide(*policy, &seller_, {.category = "big"}, kStart);
  const v1::Decision first = Decide(*policy, &seller_, {.category = "spam"}, kStart);
  const v1::Action* pending = nullptr;
  for (const v1::Action& a : first.actions()) {
    if (a.type() == v1::ACTION_SUSPEND) pending = &a;
  }
  ASSERT_NE(pending, nullptr);
  const absl::Time effective = FromProtoTime(pending->effective_at());
  EXPECT_EQ(effective, kStart + absl::Hours(72));
  const v1::Decision second = Decide(*policy, &seller_, {.category = "spam"}, Days(kStart, 2));
  for (const v1::Action& a : second.actions()) {
    if (a.type() == v1::ACTION_SUSPEND) EXPECT_EQ(FromProtoTime(a.effective_at()), effective);
  }
  EXPECT_EQ(SummarizeStanding(*policy, seller_, effective + absl::Hours(1)).standing,
            v1::SUSPENDED);
}

TEST_F(SellerTextsTest, APendingHigherActionCoversNothingInForceBeforeIt) {
  auto policy = MustCompile(R"(
policy: cover
categories:
  big: {points: 20}
milestones:
  seller:
    - id: warn-20
      at: 20
      repeat: each_violation
      actions:
        - {type: warning, duration: 7d}
        - {type: suspend, duration: 7d, grace: 72h}
)");
  const v1::Decision d = Decide(*policy, &seller_, {.category = "big"}, kStart);
  EXPECT_EQ(Types(d), (ActionTypes{v1::ACTION_WARNING, v1::ACTION_SUSPEND}));
  EXPECT_EQ(d.superseded_size(), 0);
  EXPECT_EQ(d.standing_after(), v1::WARNED);
}

TEST_F(SellerTextsTest, AFeatureMissingFromTheFeaturesListIsAPositionedError) {
  ParseResult r = ParsePolicy(R"(policy: p
features:
  new_listings: Creating new listings
categories:
  spam: {points: 6}
milestones:
  seller:
    - id: m6
      at: 6
      actions:
        - {type: restrict_feature, feature: new_listing, duration: 14d}
)",
                              "p.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].ToString(),
            "p.yaml:11:45: error: restrict_feature: feature 'new_listing' is not in 'features' "
            "(did you mean 'new_listings'?); add it there with the name sellers see");
}

}  // namespace
}  // namespace enforcer::testing
