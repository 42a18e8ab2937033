// Appeals through the real pipeline (see appeal_pipeline_testing.h): overturning voids and
// recomputes, the policy's appeal terms, paused pending actions, reductions, idempotency and bad
// input. Each scenario ends with the stored state equal to the fold of the ledger.
#include "engine/appeal_pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/appeal_pipeline_testing.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

int CountKind(const std::vector<v1::LedgerEntry>& log, v1::LedgerEntry::KindCase kind) {
  int n = 0;
  for (const v1::LedgerEntry& e : log) n += e.kind_case() == kind;
  return n;
}

TEST_F(AppealPipelineTest, OverturningTheCrossingViolationLiftsTheSuspensionAsAReinstatement) {
  Report("r1", "s1", "spam");
  const std::string v2 = Report("r2", "s1", "spam");
  clock_.Advance(absl::Hours(96));  // past the suspension's grace: in force
  ASSERT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  auto filed = File("f-1", "s1", v2);
  ASSERT_TRUE(filed.ok()) << filed.status();
  EXPECT_EQ(filed->appeal().appeal_number(), 1);
  EXPECT_EQ(filed->appeal().paused_actions_size(), 0);  // nothing pending to pause
  clock_.Advance(absl::Hours(24));
  auto resolved = Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->voids_size(), 1);
  const v1::Reevaluation& recomputed = resolved->voids(0).recomputation();
  EXPECT_EQ(recomputed.active_points_before(), 12);
  EXPECT_EQ(recomputed.active_points(), 6);
  EXPECT_EQ(recomputed.standing_before(), v1::SUSPENDED);
  EXPECT_EQ(recomputed.standing_after(), v1::WARNED);
  ASSERT_EQ(recomputed.actions_lifted_size(), 1);
  EXPECT_TRUE(recomputed.actions_lifted(0).reinstatement());
  EXPECT_EQ(recomputed.actions_lifted(0).actor(), "agent-7");
  EXPECT_THAT(recomputed.actions_lifted(0).reason(), HasSubstr("overturned"));
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  EXPECT_EQ(Standing("s1").active_points(), 6);
  // The violation stays in the ledger; the void and the reinstatement follow it.
  const std::vector<v1::LedgerEntry> log = Log("s1");
  EXPECT_EQ(CountKind(log, v1::LedgerEntry::kViolation), 2);
  EXPECT_EQ(CountKind(log, v1::LedgerEntry::kViolationVoid), 1);
  EXPECT_EQ(CountKind(log, v1::LedgerEntry::kLift), 1);
  ExpectStateIsTheFold("s1");
  // A later report decides from the remaining history: 6 + 6 crosses 12 again.
  Report("r3", "s1", "spam");
  clock_.Advance(absl::Hours(96));
  EXPECT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, APermanentDeactivationIsKeptForStaffToReinstate) {
  const std::string v = Report("r1", "s1", "fake");
  ASSERT_EQ(Standing("s1").standing(), v1::DEACTIVATED);
  auto filed = File("f-1", "s1", v);
  ASSERT_TRUE(filed.ok()) << filed.status();
  auto resolved = Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  const v1::Reevaluation& recomputed = resolved->voids(0).recomputation();
  EXPECT_EQ(recomputed.active_points(), 0);
  ASSERT_EQ(recomputed.permanent_kept_for_review_size(), 1);
  EXPECT_EQ(recomputed.permanent_kept_for_review(0).type(), v1::ACTION_DEACTIVATE_STORE);
  EXPECT_EQ(Standing("s1").standing(), v1::DEACTIVATED);
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, TheAppealTermsNameTheTermAndTheDate) {
  const std::string v1id = Report("r1", "s1", "spam");
  const std::string v2id = Report("r2", "s2", "spam");
  clock_.Advance(absl::Hours(24) * 31);
  auto late = File("f-late", "s2", v2id);
  ASSERT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("appeals.within: the 30 days"));
  EXPECT_THAT(late.status().message(), HasSubstr("ended on 2026-10-21"));
  EXPECT_EQ(CountKind(Log("s2"), v1::LedgerEntry::kAppeal), 0);
  clock_.Advance(-absl::Hours(24) * 20);
  auto first = File("f-1", "s1", v1id);
  ASSERT_TRUE(first.ok()) << first.status();
  auto open = File("f-2", "s1", v1id);
  EXPECT_EQ(open.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(open.status().message(), HasSubstr("already has an open appeal"));
  ASSERT_TRUE(Resolve("x-1", "s1", first->appeal().appeal_id(), v1::APPEAL_UPHELD).ok());
  clock_.Advance(absl::Hours(24) * 16);
  auto again = File("f-3", "s1", v1id);
  ASSERT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("appeals.after_rejection_within: the 15 days"));
  clock_.Advance(-absl::Hours(24) * 2);
  auto second = File("f-4", "s1", v1id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->appeal().appeal_number(), 2);
  ASSERT_TRUE(Resolve("x-2", "s1", second->appeal().appeal_id(), v1::APPEAL_UPHELD).ok());
  auto third = File("f-5", "s1", v1id);
  ASSERT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(third.status().message(), HasSubstr("appeals.per_violation"));
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, AnOpenAppealHoldsPendingActionsUntilItIsDecided) {
  Report("r1", "s1", "spam");
  const std::string v2 = Report("r2", "s1", "spam");
  ASSERT_EQ(Standing("s1").pending_actions_size(), 1);  // the suspension, 72h grace
  const v1::Action pending = Standing("s1").pending_actions(0);
  clock_.Advance(absl::Hours(24));
  auto filed = File("f-1", "s1", v2);
  ASSERT_TRUE(filed.ok()) << filed.status();
  ASSERT_EQ(filed->appeal().paused_actions_size(), 1);
  EXPECT_EQ(filed->appeal().paused_actions(0).paused_by_appeal(), filed->appeal().appeal_id());
  clock_.Advance(absl::Hours(24) * 5);  // the grace would have run out
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  ExpectStateIsTheFold("s1");
  auto upheld = Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_UPHELD);
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  ASSERT_EQ(upheld->resolution().actions_resumed_size(), 1);
  const v1::Action& resumed = upheld->resolution().actions_resumed(0);
  // 48 hours of grace were left when the appeal was filed.
  EXPECT_EQ(FromProtoTime(resumed.effective_at()), clock_.Now() + absl::Hours(48));
  EXPECT_EQ(FromProtoTime(resumed.expires_at()) - FromProtoTime(resumed.effective_at()),
            FromProtoTime(pending.expires_at()) - FromProtoTime(pending.effective_at()));
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  clock_.Advance(absl::Hours(49));
  EXPECT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, AReductionCountsTheNewPointsFromNowOn) {
  const std::string v = Report("r1", "s1", "counterfeit");
  clock_.Advance(absl::Hours(96));
  ASSERT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  auto filed = File("f-1", "s1", v);
  ASSERT_TRUE(filed.ok()) << filed.status();
  auto too_many = Resolve("x-0", "s1", filed->appeal().appeal_id(), v1::APPEAL_REDUCED, 12);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_many.status().message(), HasSubstr("not below the 12 points"));
  auto reduced = Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_REDUCED, 6);
  ASSERT_TRUE(reduced.ok()) << reduced.status();
  ASSERT_EQ(reduced->voids_size(), 1);
  EXPECT_TRUE(reduced->voids(0).reduced());
  EXPECT_EQ(Standing("s1").active_points(), 6);
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  ExpectStateIsTheFold("s1");
}

}  // namespace
}  // namespace enforcer
