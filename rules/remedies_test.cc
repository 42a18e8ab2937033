// Remedies and propagation to linked subjects, evaluated; and a re-evaluation that respects both.
#include "rules/remedies.h"

#include <gtest/gtest.h>

#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/evaluator_test_fixture.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"

namespace enforcer::testing {
namespace {

constexpr char kPolicy[] = R"(
policy: remedies
default_window: 90d
remedies:
  policy_training:
    display_name: Seller policy training completed
    ends: [warning]
    restores_points: 4
    once_every: 90d
  listing_corrected:
    display_name: Listing corrected
    cancels_pending: true
linked_subjects:
  propagate: [deactivate_store]
categories:
  spam: {points: 6}
  fake: {points: 48}
milestones:
  seller:
    - id: warn-6
      at: 6
      actions:
        - {type: warning, duration: 30d}
    - id: suspend-12
      at: 12
      repeat: each_violation
      actions:
        - {type: suspend, duration: 7d, grace: 72h}
    - id: close-48
      at: 48
      actions: [deactivate_store]
)";

class RemediesTest : public EvaluatorFixture {
 protected:
  std::shared_ptr<const Policy> policy_ = MustCompile(kPolicy);
  v1::SubjectState seller_ = NewSubject(v1::SELLER, "s1");
};

TEST_F(RemediesTest, TrainingEndsTheWarningAndRestoresPoints) {
  Decide(*policy_, &seller_, {.category = "spam"}, kStart);
  ASSERT_EQ(SummarizeStanding(*policy_, seller_, kStart).standing, v1::WARNED);
  const RemedyPolicy& training = *policy_->FindRemedy("policy_training");
  RemedyOutcome out = ApplyRemedy(*policy_, training, seller_, "", Days(kStart, 1));
  EXPECT_EQ(out.record.active_points_before(), 6);
  EXPECT_EQ(out.record.points_restored(), 4);
  EXPECT_EQ(out.record.active_points(), 2);
  EXPECT_EQ(out.record.standing_before(), v1::WARNED);
  EXPECT_EQ(out.record.standing_after(), v1::GOOD_STANDING);
  ASSERT_EQ(out.record.actions_ended_size(), 1);
  EXPECT_EQ(out.record.actions_ended(0).reason(), "ended early: Seller policy training completed");
  seller_ = out.state;
  // Restored points stay restored: a later violation counts from 2, not 6.
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "spam"}, Days(kStart, 2));
  EXPECT_EQ(d.active_points(), 8);
  // And only until the points they were taken from expire (day 90): then 6 remain.
  EXPECT_EQ(SummarizeStanding(*policy_, seller_, Days(kStart, 91)).active_points, 6);
}

TEST_F(RemediesTest, OnceEveryIsEnforcedFromTheLastOne) {
  const RemedyPolicy& training = *policy_->FindRemedy("policy_training");
  seller_ = ApplyRemedy(*policy_, training, seller_, "", kStart).state;
  auto not_before = RemedyNotBefore(training, seller_, Days(kStart, 89));
  ASSERT_TRUE(not_before.has_value());
  EXPECT_EQ(*not_before, Days(kStart, 90));
  EXPECT_FALSE(RemedyNotBefore(training, seller_, Days(kStart, 90)).has_value());
}

TEST_F(RemediesTest, ACorrectionCancelsThePendingActionsOfItsViolationOnly) {
  Decide(*policy_, &seller_, {.category = "spam"}, kStart);
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "spam"}, kStart);
  ASSERT_EQ(Types(d), ActionTypes{v1::ACTION_SUSPEND});
  ASSERT_TRUE(d.actions(0).has_effective_at());
  const RemedyPolicy& corrected = *policy_->FindRemedy("listing_corrected");
  // A correction of the other violation cancels nothing.
  RemedyOutcome other = ApplyRemedy(*policy_, corrected, seller_, "v1", Days(kStart, 1));
  EXPECT_EQ(other.record.actions_ended_size(), 0);
  RemedyOutcome out = ApplyRemedy(*policy_, corrected, seller_, d.violation_id(), Days(kStart, 1));
  ASSERT_EQ(out.record.actions_ended_size(), 1);
  EXPECT_EQ(out.record.actions_ended(0).action().action_id(), d.actions(0).action_id());
  EXPECT_EQ(out.record.actions_ended(0).reason(),
            "cancelled before it took effect: Listing corrected");
  EXPECT_EQ(SummarizeStanding(*policy_, out.state, Days(kStart, 4)).standing, v1::WARNED);
  // Once in effect it is no longer pending: a late correction does not end it.
  RemedyOutcome late = ApplyRemedy(*policy_, corrected, seller_, d.violation_id(), Days(kStart, 4));
  EXPECT_EQ(late.record.actions_ended_size(), 0);
}

TEST_F(RemediesTest, AReevaluationDoesNotBringBackWhatARemedyEnded) {
  std::vector<RecordedViolation> history;
  v1::Decision d = Decide(*policy_, &seller_, {.category = "spam"}, kStart);
  history.push_back({ViolationFacts{.violation_id = d.violation_id(),
                                    .category = "spam",
                                    .source = v1::SOURCE_LISTING,
                                    .occurred_at = kStart},
                     kStart});
  seller_ =
      ApplyRemedy(*policy_, *policy_->FindRemedy("policy_training"), seller_, "", Days(kStart, 1))
          .state;
  std::shared_ptr<const Policy> next = MustCompile(std::string(kPolicy) + "# a new version\n");
  ASSERT_NE(next->version(), policy_->version());
  ReevaluationOutcome r = Reevaluate(*next, policy_.get(), seller_, history, Days(kStart, 2), "r1");
  EXPECT_EQ(r.record.actions_issued_size(), 0);
  EXPECT_EQ(r.record.active_points(), 2);
  EXPECT_EQ(SummarizeStanding(*next, r.state, Days(kStart, 2)).standing, v1::GOOD_STANDING);
}

TEST_F(RemediesTest, APropagatedDeactivationReachesTheLinkedSubjectAndSurvivesReevaluation) {
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "fake"}, kStart);
  ASSERT_EQ(Types(d), ActionTypes{v1::ACTION_DEACTIVATE_STORE});
  v1::SubjectState other = NewSubject(v1::SELLER, "s2");
  PropagationOutcome p = Propagate(*policy_, other, seller_.subject(), d.actions(0),
                                   "same bank account", kStart, "p9");
  ASSERT_EQ(p.record.actions_issued_size(), 1);
  const v1::Action& a = p.record.actions_issued(0);
  EXPECT_EQ(a.action_id(), "p9/SELLER/1");
  EXPECT_EQ(a.rule_id(), kLinkedSubjectRuleId);
  EXPECT_EQ(a.type(), v1::ACTION_DEACTIVATE_STORE);
  EXPECT_EQ(a.reason(), "Store deactivated: the linked seller account 's1' received it (" +
                            d.actions(0).reason() + ")");
  EXPECT_NE(a.notice().find("It follows the same action on the seller account 's1', which is "
                            "recorded as having the same owner (same bank account)."),
            std::string::npos)
      << a.notice();
  EXPECT_EQ(p.record.standing_after(), v1::DEACTIVATED);
  // Propagating again changes nothing: the deactivation in force covers it.
  PropagationOutcome again = Propagate(*policy_, p.state, seller_.subject(), d.actions(0),
                                       "same bank account", Days(kStart, 1), "p10");
  EXPECT_EQ(again.record.actions_issued_size(), 0);
  // A re-evaluation of the linked subject keeps it.
  std::shared_ptr<const Policy> next = MustCompile(std::string(kPolicy) + "# v2\n");
  v1::SubjectState linked = p.state;
  linked.set_lifetime_violations(1);  // so that it is re-evaluated at all
  ReevaluationOutcome r = Reevaluate(*next, policy_.get(), linked, {}, Days(kStart, 1), "r2");
  EXPECT_EQ(r.record.actions_lifted_size(), 0);
  EXPECT_EQ(SummarizeStanding(*next, r.state, Days(kStart, 1)).standing, v1::DEACTIVATED);
}

// Found while documenting: restored points come only from points active when the remedy was
// recorded, never from points recorded after it.
TEST_F(RemediesTest, ARemedyRestoresNothingFromLaterPoints) {
  const RemedyPolicy& training = *policy_->FindRemedy("policy_training");
  RemedyOutcome early = ApplyRemedy(*policy_, training, seller_, "", kStart);
  EXPECT_EQ(early.record.points_restored(), 0);
  seller_ = early.state;
  const v1::Decision d = Decide(*policy_, &seller_, {.category = "spam"}, kStart + absl::Hours(6));
  EXPECT_EQ(d.points_added(), 6);
  EXPECT_EQ(d.active_points(), 6);
}

// A re-evaluation replays the remedies where they happened: a correction that cancelled a
// pending suspension keeps it cancelled, and a later suspension stays pending.
TEST_F(RemediesTest, AReevaluationReplaysRemediesWhereTheyHappened) {
  std::vector<RecordedViolation> history;
  auto report = [&](absl::Time at) {
    v1::Decision d = Decide(*policy_, &seller_, {.category = "spam"}, at);
    history.push_back({ViolationFacts{.violation_id = d.violation_id(),
                                      .category = "spam",
                                      .source = v1::SOURCE_LISTING,
                                      .occurred_at = at},
                       at});
    return d;
  };
  report(kStart);
  const v1::Decision second = report(Days(kStart, 1));  // 12 points: suspension pending
  seller_ = ApplyRemedy(*policy_, *policy_->FindRemedy("listing_corrected"), seller_,
                        second.violation_id(), Days(kStart, 2))
                .state;
  report(Days(kStart, 6));  // 18 points: a new pending suspension, from day 9
  std::shared_ptr<const Policy> next = MustCompile(std::string(kPolicy) + "# v2\n");
  ReevaluationOutcome r = Reevaluate(*next, policy_.get(), seller_, history, Days(kStart, 7), "r1");
  EXPECT_EQ(r.record.actions_issued_size(), 0) << r.record.DebugString();
  EXPECT_EQ(r.record.actions_lifted_size(), 0) << r.record.DebugString();
  const StandingSummary now = SummarizeStanding(*next, r.state, Days(kStart, 7));
  EXPECT_EQ(now.standing, v1::WARNED);
  EXPECT_EQ(now.pending_actions.size(), 1u);
}

TEST(RemediesParse, MistakesArePositionedErrors) {
  ParseResult r = ParsePolicy(R"(policy: p
categories:
  spam: {points: 6}
remedies:
  training: {ends: [deactivate_store]}
  nothing: {display_name: Nothing}
linked_subjects:
  propagate: [warning]
)",
                              "p.yaml");
  std::string got;
  for (const Diagnostic& d : r.diagnostics) got += d.ToString() + "\n";
  EXPECT_EQ(got,
            "p.yaml:5:21: error: remedy 'training'.ends[0]: deactivate_store cannot be ended by a "
            "remedy; only staff reverse a deactivation or revocation\n"
            "p.yaml:6:3: error: remedy 'nothing' does nothing: give it ends, restores_points or "
            "cancels_pending\n"
            "p.yaml:8:15: error: linked_subjects.propagate[0]: warning does not propagate: only "
            "suspend, deactivate_store and revoke_selling_permission act on an owner across "
            "accounts\n");
}

}  // namespace
}  // namespace enforcer::testing
