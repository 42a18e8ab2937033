// Appeals: idempotency, bad input (nothing written), retractions by report, and reports that
// race with an appeal's resolution.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "engine/appeal_pipeline.h"
#include "engine/appeal_pipeline_testing.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

TEST_F(AppealPipelineTest, ResendsAnswerTheRecordedOutcomeAndReusedIdsAreRefused) {
  const std::string v = Report("r1", "s1", "spam");
  auto first = File("f-1", "s1", v);
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = File("f-1", "s1", v);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->appeal().appeal_id(), first->appeal().appeal_id());
  auto r1 = Resolve("x-1", "s1", first->appeal().appeal_id(), v1::APPEAL_OVERTURNED);
  ASSERT_TRUE(r1.ok()) << r1.status();
  auto r2 = Resolve("x-1", "s1", first->appeal().appeal_id(), v1::APPEAL_OVERTURNED);
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_TRUE(r2->duplicate());
  EXPECT_EQ(r2->voids_size(), 1);
  auto reused = Resolve("x-1", "s1", first->appeal().appeal_id(), v1::APPEAL_UPHELD);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  auto twice = Resolve("x-2", "s1", first->appeal().appeal_id(), v1::APPEAL_UPHELD);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(twice.status().message(),
              HasSubstr("already resolved (APPEAL_OVERTURNED by agent-7"));
  auto voided = File("f-2", "s1", v);
  EXPECT_EQ(voided.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(voided.status().message(), HasSubstr("was voided"));
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  const std::string v = Report("r1", "s1", "spam");
  const size_t before = Log("s1").size();
  auto unknown = File("f-1", "s1", "no-such-violation");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("violation_id: 'no-such-violation'"));
  auto wrong_subject = File("f-2", "s2", v);
  EXPECT_EQ(wrong_subject.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(wrong_subject.status().message(), HasSubstr("seller 's2'"));
  v1::FileAppealRequest bad;
  bad.set_request_id("f-3");
  *bad.mutable_subject() = Seller("s1");
  bad.set_violation_id(v);
  bad.set_actor("a");
  auto no_reason = Wait<v1::FileAppealResponse>(bad, &AppealPipeline::FileAppeal);
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reason.status().message(), HasSubstr("reason: is required"));
  bad.set_reason(std::string(5000, 'x'));
  auto oversized = Wait<v1::FileAppealResponse>(bad, &AppealPipeline::FileAppeal);
  EXPECT_EQ(oversized.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(oversized.status().message(), HasSubstr("reason"));
  auto no_appeal = Resolve("x-1", "s1", "a999", v1::APPEAL_UPHELD);
  EXPECT_EQ(no_appeal.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_appeal.status().message(), HasSubstr("appeal_id: 'a999'"));
  auto no_outcome = Resolve("x-2", "s1", "a1", v1::APPEAL_OUTCOME_UNSPECIFIED);
  EXPECT_THAT(no_outcome.status().message(), HasSubstr("outcome: is required"));
  v1::ResolveAppealRequest no_code;
  no_code.set_request_id("x-3");
  *no_code.mutable_subject() = Seller("s1");
  no_code.set_appeal_id("a1");
  no_code.set_outcome(v1::APPEAL_UPHELD);
  no_code.set_actor("agent-7");
  auto missing_code = Wait<v1::ResolveAppealResponse>(no_code, &AppealPipeline::ResolveAppeal);
  EXPECT_THAT(missing_code.status().message(), HasSubstr("reason_code: is required"));
  v1::RetractComplaintRequest both;
  both.set_request_id("t-1");
  both.set_report_id("r1");
  both.set_rights_holder_id("rh");
  both.set_reason("withdrawn");
  both.set_actor("rh-portal");
  auto ambiguous = Wait<v1::RetractComplaintResponse>(both, &AppealPipeline::RetractComplaint);
  EXPECT_EQ(ambiguous.status().code(), absl::StatusCode::kInvalidArgument);
  both.clear_rights_holder_id();
  auto not_a_complaint =
      Wait<v1::RetractComplaintResponse>(both, &AppealPipeline::RetractComplaint);
  EXPECT_EQ(not_a_complaint.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(not_a_complaint.status().message(), HasSubstr("not a rights holder's complaint"));
  EXPECT_EQ(Log("s1").size(), before);
}

TEST_F(AppealPipelineTest, ARetractionVoidsTheStrikeAndTheCountRuleLetsGo) {
  Report("r1", "s1", "ip", "brand-a");
  Report("r2", "s1", "ip", "brand-a");
  Report("r3", "s1", "ip", "brand-b");
  ASSERT_EQ(Standing("s1").standing(), v1::RESTRICTED);
  v1::RetractComplaintRequest r;
  r.set_request_id("t-1");
  r.set_report_id("r3");
  r.set_reason("the brand withdrew the notice");
  r.set_actor("rh-portal");
  auto retracted = Wait<v1::RetractComplaintResponse>(r, &AppealPipeline::RetractComplaint);
  ASSERT_TRUE(retracted.ok()) << retracted.status();
  ASSERT_EQ(retracted->voids_size(), 1);
  EXPECT_EQ(retracted->voids(0).rights_holder_id(), "brand-b");
  EXPECT_THAT(retracted->voids(0).cause(), HasSubstr("retracted by rights holder 'brand-b'"));
  const v1::GetStandingResponse after = Standing("s1");
  EXPECT_EQ(after.standing(), v1::GOOD_STANDING);
  for (const v1::CategoryCount& c : after.category_counts()) {
    if (c.category() == "ip") {
      EXPECT_EQ(c.count(), 2);
    }
  }
  auto again = Wait<v1::RetractComplaintResponse>(r, &AppealPipeline::RetractComplaint);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->voids_size(), 1);
  ExpectStateIsTheFold("s1");
}

TEST_F(AppealPipelineTest, ReportsRacingAResolutionEndWhereSomeSerialOrderWould) {
  Report("r0", "s1", "spam");
  const std::string v = Report("r1", "s1", "spam");
  auto filed = File("f-1", "s1", v);
  ASSERT_TRUE(filed.ok()) << filed.status();
  std::vector<std::thread> reporters;
  for (int t = 0; t < 4; ++t) {
    reporters.emplace_back([this, t] {
      for (int i = 0; i < 5; ++i) Report(absl::StrCat("c", t, "-", i), "s1", "ip");
    });
  }
  auto resolved = Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED);
  for (std::thread& t : reporters) t.join();
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  // Whatever the interleaving, the state is the fold of the ledger in its commit order, and the
  // outcome is that of the serial order: 6 points of spam, 20 ip reports counted (a voided
  // violation counts as never having happened, in lifetime_violations too).
  ExpectStateIsTheFold("s1");
  const v1::GetStandingResponse standing = Standing("s1");
  EXPECT_EQ(standing.active_points(), 6);
  EXPECT_EQ(standing.standing(), v1::RESTRICTED);
  EXPECT_EQ(standing.lifetime_violations(), 21);
}

}  // namespace
}  // namespace enforcer
