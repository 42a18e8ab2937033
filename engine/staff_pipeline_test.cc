// Staff actions through the real pipeline (fixture: appeal_pipeline_testing.h): each kind's
// effect, how later decisions and recomputations respect it, idempotency and bad input. Each
// scenario ends with the stored state equal to the fold of the ledger.
#include "engine/staff_pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/appeal_pipeline_testing.h"
#include "engine/case_pipeline.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

class StaffPipelineTest : public AppealPipelineTest {
 protected:
  template <typename Request>
  Request Common(const std::string& request_id, const std::string& seller) {
    Request r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_actor("agent-7");
    return r;
  }
  absl::StatusOr<v1::StaffActionResponse> Apply(const std::string& id, v1::ActionType type,
                                                int64_t seconds, const std::string& feature = "") {
    auto r = Common<v1::ApplyActionRequest>(id, "s1");
    r.set_type(type);
    r.set_feature(feature);
    r.mutable_duration()->set_seconds(seconds);
    r.set_reason("repeat offender, seen in three markets");
    return this->Staff(r, &StaffPipeline::ApplyAction);
  }
  absl::StatusOr<v1::StaffActionResponse> Lift(const std::string& id, const std::string& action) {
    auto r = Common<v1::LiftActionRequest>(id, "s1");
    r.set_action_id(action);
    r.set_reason("the restriction was applied to the wrong store");
    return this->Staff(r, &StaffPipeline::LiftAction);
  }
};

TEST_F(StaffPipelineTest, AnAppliedActionIsInForceKeptByRecomputationsAndIdempotent) {
  auto applied = Apply("s-1", v1::ACTION_SUSPEND, 7 * 86400);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->staff_action().action().rule_id(), "staff");
  EXPECT_EQ(applied->staff_action().standing_after(), v1::SUSPENDED);
  EXPECT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  auto again = Apply("s-1", v1::ACTION_SUSPEND, 7 * 86400);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  auto reused = Apply("s-1", v1::ACTION_WARNING, 86400);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  // A violation voided later recomputes the standing; the staff suspension stays.
  const std::string v = Report("r1", "s1", "spam");
  auto filed = File("f-1", "s1", v);
  ASSERT_TRUE(filed.ok()) << filed.status();
  ASSERT_TRUE(Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED).ok());
  EXPECT_EQ(Standing("s1").standing(), v1::SUSPENDED);
  ExpectStateIsTheFold("s1");
}

TEST_F(StaffPipelineTest, ALiftedActionIsNotBroughtBackWhileItsRuleHolds) {
  Report("r1", "s1", "spam");  // 6 points: warning for 30 days
  ASSERT_EQ(Standing("s1").standing(), v1::WARNED);
  const std::string warning = Standing("s1").active_actions(0).action_id();
  auto lifted = Lift("l-1", warning);
  ASSERT_TRUE(lifted.ok()) << lifted.status();
  ASSERT_EQ(lifted->staff_action().lifted_size(), 1);
  EXPECT_EQ(Standing("s1").standing(), v1::GOOD_STANDING);
  // Another 0-point report: warn-6 still holds; the lift stands.
  Report("r2", "s1", "ip");
  EXPECT_EQ(Standing("s1").standing(), v1::GOOD_STANDING);
  ExpectStateIsTheFold("s1");
  auto unknown = Lift("l-2", warning);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StaffPipelineTest, ChangingTheEndIsKeptAndReinstatementLiftsPermanentActions) {
  Report("r1", "s1", "spam");                           // 6 points: a warning
  const std::string v2id = Report("r2", "s1", "spam");  // 12: the warning extended
  const std::string warning = Standing("s1").active_actions(0).action_id();
  auto change = Common<v1::ChangeActionEndRequest>("c-1", "s1");
  change.set_action_id(warning);
  *change.mutable_expires_at() = ToProtoTime(clock_.Now() + absl::Hours(24 * 10));
  change.set_reason("first offence in this category");
  auto changed = this->Staff(change, &StaffPipeline::ChangeActionEnd);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(changed->staff_action().changed_to().staff_adjusted());
  *change.mutable_expires_at() = ToProtoTime(clock_.Now() - absl::Hours(1));
  change.set_request_id("c-2");
  EXPECT_THAT(this->Staff(change, &StaffPipeline::ChangeActionEnd).status().message(),
              HasSubstr("lift it instead"));
  clock_.Advance(absl::Hours(1));
  // Overturning the second violation recomputes: the warning keeps the end staff gave it.
  auto filed = File("f-1", "s1", v2id);
  ASSERT_TRUE(filed.ok()) << filed.status();
  ASSERT_TRUE(Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED).ok());
  const v1::GetStandingResponse recomputed = Standing("s1");
  ASSERT_EQ(recomputed.active_actions_size(), 1);
  EXPECT_EQ(recomputed.active_actions(0).action_id(), warning);
  EXPECT_EQ(recomputed.active_actions(0).expires_at().seconds(),
            changed->staff_action().changed_to().expires_at().seconds());
  ExpectStateIsTheFold("s1");
  Report("r3", "s1", "fake");  // 54 points: deactivated
  const v1::GetStandingResponse deactivated = Standing("s1");
  ASSERT_EQ(deactivated.standing(), v1::DEACTIVATED);
  std::string permanent;
  for (const v1::Action& a : deactivated.active_actions()) {
    if (!a.has_expires_at()) permanent = a.action_id();
  }
  auto lift_permanent = Lift("l-1", permanent);
  EXPECT_EQ(lift_permanent.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(lift_permanent.status().message(), HasSubstr("ReinstateSubject"));
  auto reinstate = Common<v1::ReinstateSubjectRequest>("i-1", "s1");
  reinstate.set_reason("identity verified; the counterfeit report was a competitor's");
  auto reinstated = this->Staff(reinstate, &StaffPipeline::ReinstateSubject);
  ASSERT_TRUE(reinstated.ok()) << reinstated.status();
  ASSERT_EQ(reinstated->staff_action().lifted_size(), 1);
  EXPECT_TRUE(reinstated->staff_action().lifted(0).reinstatement());
  EXPECT_NE(Standing("s1").standing(), v1::DEACTIVATED);
  auto nothing = this->Staff(reinstate, &StaffPipeline::ReinstateSubject);
  EXPECT_TRUE(nothing.ok() && nothing->duplicate());
  reinstate.set_request_id("i-2");
  auto none_left = this->Staff(reinstate, &StaffPipeline::ReinstateSubject);
  EXPECT_EQ(none_left.status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectStateIsTheFold("s1");
}

TEST_F(StaffPipelineTest, ReinstatingASubjectLiftsWhatItsDeactivationPropagated) {
  CasePipeline cases(writer_.get(), &clock_, policies_.get());
  v1::LinkSubjectsRequest link;
  link.set_request_id("k-1");
  *link.mutable_a() = Seller("s1");
  *link.mutable_b() = Seller("s2");
  link.set_reason("same bank account");
  link.set_actor("agent-7");
  absl::Notification linked;
  cases.LinkSubjects(link, [&](absl::StatusOr<v1::LinkSubjectsResponse> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    linked.Notify();
  });
  linked.WaitForNotification();
  Report("r1", "s1", "fake");  // 48 points: deactivated, and so is the linked s2
  ASSERT_EQ(Standing("s2").standing(), v1::DEACTIVATED);
  auto reinstate = Common<v1::ReinstateSubjectRequest>("i-1", "s1");
  reinstate.set_reason("the counterfeit report was a competitor's");
  auto reinstated = this->Staff(reinstate, &StaffPipeline::ReinstateSubject);
  ASSERT_TRUE(reinstated.ok()) << reinstated.status();
  EXPECT_NE(Standing("s1").standing(), v1::DEACTIVATED);
  EXPECT_EQ(Standing("s2").standing(), v1::GOOD_STANDING);
  bool lifted_on_s2 = false;
  for (const v1::LedgerEntry& e : Log("s2")) {
    if (e.has_propagation() && e.propagation().actions_lifted_size() == 1) {
      lifted_on_s2 = true;
      EXPECT_TRUE(e.propagation().actions_lifted(0).reinstatement());
      EXPECT_EQ(e.propagation().actions_lifted(0).actor(), "agent-7");
    }
  }
  EXPECT_TRUE(lifted_on_s2);
  ExpectStateIsTheFold("s1");
  ExpectStateIsTheFold("s2");
}

TEST_F(StaffPipelineTest, ASnoozedRuleDoesNotFireUntilItEnds) {
  auto snooze = Common<v1::SnoozeRuleRequest>("z-1", "s1");
  snooze.set_rule_id("warn-6");
  *snooze.mutable_until() = ToProtoTime(clock_.Now() + absl::Hours(24 * 7));
  snooze.set_reason("store under investigation; do not warn yet");
  auto snoozed = this->Staff(snooze, &StaffPipeline::SnoozeRule);
  ASSERT_TRUE(snoozed.ok()) << snoozed.status();
  Report("r1", "s1", "spam");
  EXPECT_EQ(Standing("s1").standing(), v1::GOOD_STANDING);
  EXPECT_EQ(Standing("s1").active_points(), 6);
  clock_.Advance(absl::Hours(24 * 8));
  Report("r2", "s1", "ip");
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  ExpectStateIsTheFold("s1");
  snooze.set_request_id("z-2");
  snooze.set_rule_id("nope");
  auto unknown = this->Staff(snooze, &StaffPipeline::SnoozeRule);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("its rules: warn-6, suspend-12"));
}

TEST_F(StaffPipelineTest, NotesAndBadInput) {
  auto note = Common<v1::AddNoteRequest>("n-1", "s1");
  note.set_note("Called the seller; they will send invoices by Friday.");
  auto added = this->Staff(note, &StaffPipeline::AddNote);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->staff_action().kind(), v1::STAFF_NOTE);
  const size_t before = Log("s1").size();
  note.set_request_id("n-2");
  note.set_note(std::string(5000, 'n'));
  EXPECT_EQ(this->Staff(note, &StaffPipeline::AddNote).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Apply("a-1", v1::ACTION_TAKE_DOWN, 86400).status().message(), HasSubstr("type:"));
  EXPECT_THAT(Apply("a-2", v1::ACTION_WARNING, 0).status().message(),
              HasSubstr("duration: is required"));
  EXPECT_THAT(Apply("a-3", v1::ACTION_RESTRICT_FEATURE, 86400, "teleport").status().message(),
              HasSubstr("known features: new_listings"));
  auto no_reason = Common<v1::LiftActionRequest>("l-9", "s1");
  no_reason.set_action_id("x");
  EXPECT_THAT(this->Staff(no_reason, &StaffPipeline::LiftAction).status().message(),
              HasSubstr("reason: is required"));
  EXPECT_EQ(Log("s1").size(), before);
  ExpectStateIsTheFold("s1");
}

}  // namespace
}  // namespace enforcer
