// Policy files end to end: SIGHUP reloads (a valid policy becomes active and reaches subjects
// decided under the old one; an invalid one never does), --check_policy, and --rebuild_state.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "proto/policy_admin.grpc.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string SpamPolicy(int points) {
  return absl::StrCat("policy: reload-test\ncategories:\n  spam: {points: ", points, "}\n");
}

// spam at 1 point; a 30-day warning at `warn_at` points.
std::string WarnPolicy(const std::string& name, int warn_at) {
  return absl::StrCat("policy: ", name, R"(
categories:
  spam: {points: 1}
milestones:
  seller:
    - {id: warn, at: )", warn_at, R"(, actions: [{type: warning, duration: 30d}]}
)");
}

// "policy NAME (sha256:0123456789ab)", as re-evaluation reasons name a policy.
std::string PolicyLabel(const std::string& name, const std::string& text) {
  return absl::StrCat("policy ", name, " (", PolicyVersionOf(text).substr(0, 19), ")");
}

std::string RebuildSummary(const std::string& name, const std::string& text, int subjects,
                           int reevaluated, int changed) {
  return absl::StrCat("checked ", subjects, " subjects under policy ", name, " ",
                      PolicyVersionOf(text).substr(0, 19), ": ", reevaluated,
                      " re-evaluated (recorded in their ledgers), 0 had stored state that "
                      "disagreed with their ledger, ",
                      changed, " changed actions, 0 quarantined, 0 recorded decisions re-ran "
                      "differently, 0 decisions folded as recorded (policy not stored)\n");
}

class PolicyTest : public EnforcerdTest {
 protected:
  PolicyTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(SpamPolicy(1));
  }
};

TEST_F(PolicyTest, SighupReloadsThePolicyFileAndKeepsTheOldOneWhenTheNewIsInvalid) {
  const v1::Subject seller = Seller("seller-1");
  const std::string v1_version = PolicyVersionOf(SpamPolicy(1));
  v1::ReportViolationResponse first = ReportOk(SellerReport("r1", "seller-1", "spam"));
  ASSERT_EQ(first.decisions_size(), 1);
  EXPECT_EQ(first.decisions(0).points_added(), 1);
  EXPECT_EQ(first.violation().policy_version(), v1_version);

  // A valid new policy: in force once GetStanding reports its version.
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(SpamPolicy(5)));
  const std::string v5_version = PolicyVersionOf(SpamPolicy(5));
  EXPECT_TRUE(WaitForLog(absl::StrCat("policy reloaded: enforcerd listening on ",
                                      daemon_->address(), " (policy reload-test ",
                                      v5_version.substr(0, 19))));
  AdvanceClock(absl::Minutes(1));
  v1::ReportViolationResponse second = ReportOk(SellerReport("r2", "seller-1", "spam"));
  ASSERT_EQ(second.decisions_size(), 1);
  EXPECT_EQ(second.decisions(0).policy_version(), v5_version);
  EXPECT_EQ(second.decisions(0).points_added(), 5);
  // The seller was first re-evaluated as if the new policy had always been in force: its first
  // report now weighs 5 points too.
  EXPECT_EQ(second.decisions(0).active_points_before(), 5);
  EXPECT_EQ(second.decisions(0).active_points(), 10);
  const std::vector<v1::LedgerEntry> history = HistoryOk(seller);
  ASSERT_THAT(EntryKinds(history),
              ElementsAre("decision", "violation", "reevaluation", "decision", "violation"));
  const v1::Reevaluation& r = history[2].reevaluation();
  EXPECT_EQ(r.policy_version(), v5_version);
  EXPECT_EQ(r.previous_policy_version(), v1_version);
  EXPECT_EQ(r.active_points_before(), 1);
  EXPECT_EQ(r.active_points(), 5);
  EXPECT_EQ(r.standing_before(), v1::GOOD_STANDING);
  EXPECT_EQ(r.standing_after(), v1::GOOD_STANDING);
  EXPECT_THAT(r.actions_issued(), IsEmpty());
  EXPECT_THAT(r.actions_lifted(), IsEmpty());
  EXPECT_EQ(FromProtoTime(r.decided_at()), Now());
  EXPECT_EQ(r.reason(), absl::StrCat(PolicyLabel("reload-test", SpamPolicy(5)),
                                     " became active after this subject's last decision; "
                                     "re-evaluated as if it had always been in force"));

  // An invalid policy is rejected with positioned diagnostics; the previous one stays.
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(
      policy_path(), "policy: reload-test\ncategories:\n  spam: {pionts: 1}\n"));
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(WaitForLog("policy reload rejected; the previous policy stays in force"));
  EXPECT_THAT(daemon_->ReadLog(),
              HasSubstr(policy_path() + ":3:10: error: unknown key 'pionts' in category 'spam'"));
  EXPECT_EQ(StandingOk(seller).policy_version(), v5_version);
  v1::ReportViolationResponse third = ReportOk(SellerReport("r3", "seller-1", "spam"));
  EXPECT_EQ(third.decisions(0).points_added(), 5);
  EXPECT_EQ(third.decisions(0).policy_version(), v5_version);
  EXPECT_EQ(HistoryOk(seller).size(), history.size() + 2) << "no second re-evaluation";
}

TEST_F(PolicyTest, CheckPolicyExitsNonZeroWithPositionedDiagnostics) {
  const std::string good = work_dir_ + "/good.yaml";
  const std::string bad = work_dir_ + "/bad.yaml";
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(good, SpamPolicy(3)));
  ASSERT_NO_FATAL_FAILURE(
      WriteFileAtomically(bad, "policy: bad\ncategories:\n  spam: {points: -3}\n"));
  testing::CommandResult result = RunEnforcerd({"--check_policy=" + good});
  EXPECT_TRUE(result.ExitedWith(0)) << result.output;
  EXPECT_EQ(result.output, absl::StrCat(good, ": valid policy reload-test, version ",
                                        PolicyVersionOf(SpamPolicy(3)), "\n"));
  result = RunEnforcerd({"--check_policy=" + bad});
  EXPECT_TRUE(result.ExitedWith(1)) << result.output;
  EXPECT_THAT(result.output,
              StartsWith(bad + ":3:18: error: category 'spam'.points must be a whole number from "
                               "0 to 1000, found '-3'\n"));

  // Lint: valid, so exit 0, but the inverted ladder is reported, positioned.
  const std::string inverted = work_dir_ + "/inverted.yaml";
  const std::string text =
      "policy: inverted\ncategories:\n  spam: {points: 2}\nmilestones:\n  seller:\n"
      "    - {id: close-6, at: 6, actions: [deactivate_store]}\n"
      "    - {id: warn-48, at: 48, actions: [{type: warning, duration: 30d}]}\n";
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(inverted, text));
  result = RunEnforcerd({"--check_policy=" + inverted});
  EXPECT_TRUE(result.ExitedWith(0)) << result.output;
  EXPECT_THAT(result.output,
              HasSubstr(inverted + ":7:7: warning: milestones.seller: 'warn-48' at 48 points takes "
                                   "a weaker action (warning) than 'close-6' at 6 points "
                                   "(deactivate_store): the ladder is inverted\n"));
  EXPECT_THAT(result.output, HasSubstr(absl::StrCat(inverted, ": valid policy inverted, version ",
                                                    PolicyVersionOf(text), ", 1 warning\n")));
}

TEST_F(PolicyTest, RebuildStateReevaluatesUnderANewPolicyOnceAndRecordsIt) {
  const std::string loose = WarnPolicy("loose", 4);
  const std::string strict = WarnPolicy("strict", 2);
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(loose));
  const absl::Time t0 = Now();
  for (const char* id : {"a1", "a2"}) ReportOk(SellerReport(id, "seller-a", "spam"));
  ReportOk(SellerReport("b1", "seller-b", "spam"));
  EXPECT_EQ(StandingOk(Seller("seller-a")).standing(), v1::GOOD_STANDING) << "2 of 4 points";
  ASSERT_NO_FATAL_FAILURE(StopDaemon());

  // Under the policy the subjects were decided under, there is nothing to do.
  testing::CommandResult result = RunEnforcerd([&] {
    std::vector<std::string> flags = ConfigFlags();
    flags.push_back("--rebuild_state");
    return flags;
  }());
  EXPECT_TRUE(result.ExitedWith(0)) << result.output;
  EXPECT_EQ(result.output, RebuildSummary("loose", loose, 2, 0, 0));

  // Under a stricter one both are re-evaluated (recorded in their ledgers); seller-a, at 2 points,
  // is warned. A second run finds nothing left to do.
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(policy_path(), strict));
  AdvanceClock(absl::Hours(1));
  std::vector<std::string> rebuild = ConfigFlags();
  rebuild.push_back("--rebuild_state");
  // The ledger's active policy (loose) stays unless the operator overrides it.
  rebuild.push_back("--override_policy");
  result = RunEnforcerd(rebuild);
  EXPECT_TRUE(result.ExitedWith(0)) << result.output;
  EXPECT_EQ(result.output, absl::StrCat("actions changed SELLER/seller-a\n",
                                        RebuildSummary("strict", strict, 2, 2, 1)));
  result = RunEnforcerd(rebuild);
  EXPECT_TRUE(result.ExitedWith(0)) << result.output;
  EXPECT_EQ(result.output, RebuildSummary("strict", strict, 2, 0, 0));

  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  const v1::GetStandingResponse a = StandingOk(Seller("seller-a"));
  EXPECT_EQ(a.standing(), v1::WARNED);
  EXPECT_EQ(a.evaluated_under(), PolicyVersionOf(strict));
  EXPECT_EQ(a.tier().milestone_id(), "warn");
  const std::vector<v1::LedgerEntry> history = HistoryOk(Seller("seller-a"));
  ASSERT_THAT(EntryKinds(history), ElementsAre("action", "reevaluation", "decision", "violation",
                                               "decision", "violation"));
  const v1::Reevaluation& r = history[1].reevaluation();
  EXPECT_EQ(r.previous_policy_version(), PolicyVersionOf(loose));
  EXPECT_EQ(r.standing_after(), v1::WARNED);
  ASSERT_EQ(r.actions_issued_size(), 1);
  EXPECT_TRUE(ProtoEquals(history[0].action(), r.actions_issued(0)));
  const v1::Action& warning = r.actions_issued(0);
  EXPECT_EQ(warning.rule_id(), "warn");
  EXPECT_EQ(warning.action_id(), absl::StrCat("r", history[1].sequence(), "/SELLER/1"));
  EXPECT_EQ(FromProtoTime(warning.starts_at()), Now());
  // A level: held until the 2 points expire (90 days from their day), longer than 30 days.
  EXPECT_EQ(FromProtoTime(warning.expires_at()), DayStartAfter(t0, 90));
  EXPECT_THAT(warning.reason(),
              HasSubstr(absl::StrCat("(re-evaluated under ", PolicyLabel("strict", strict), ")")));
  EXPECT_EQ(StandingOk(Seller("seller-b")).standing(), v1::GOOD_STANDING);
  EXPECT_THAT(EntryKinds(HistoryOk(Seller("seller-b"))),
              ElementsAre("reevaluation", "decision", "violation"));
}

TEST_F(PolicyTest, ReevaluateSubjectsBringsEverySubjectUnderTheReloadedPolicyWhileServing) {
  const std::string loose = WarnPolicy("loose", 4);
  const std::string strict = WarnPolicy("strict", 2);
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(loose));
  for (const char* id : {"a1", "a2"}) ReportOk(SellerReport(id, "seller-a", "spam"));
  ReportOk(SellerReport("b1", "seller-b", "spam"));
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(strict));
  // Until re-evaluated, seller-a's actions are as decided under the loose policy.
  EXPECT_EQ(StandingOk(Seller("seller-a")).standing(), v1::GOOD_STANDING);
  EXPECT_EQ(StandingOk(Seller("seller-a")).evaluated_under(), PolicyVersionOf(loose));

  auto admin = v1::PolicyAdmin::NewStub(channel_);
  v1::ReevaluateSubjectsRequest request;
  v1::ReevaluateSubjectsResponse response;
  {
    grpc::ClientContext ctx;
    const grpc::Status s = admin->ReevaluateSubjects(&ctx, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(), "actor: is required (1 to 256 bytes): who asks and why are logged");
  }
  request.set_actor("policy-team@example.com");
  {
    grpc::ClientContext ctx;
    const grpc::Status s = admin->ReevaluateSubjects(&ctx, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(),
              "reason: is required (1 to 256 bytes): who asks and why are logged");
  }
  request.set_reason(std::string(257, 'x'));
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(admin->ReevaluateSubjects(&ctx, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Refused requests re-evaluated nobody.
  EXPECT_EQ(StandingOk(Seller("seller-a")).evaluated_under(), PolicyVersionOf(loose));
  request.set_reason("warn at 2 points from today");
  {
    grpc::ClientContext ctx;
    const grpc::Status s = admin->ReevaluateSubjects(&ctx, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(response.policy_version(), PolicyVersionOf(strict));
  EXPECT_EQ(response.subjects(), 2);
  EXPECT_EQ(response.reevaluated(), 2);
  EXPECT_EQ(response.changed(), 1) << "seller-a, at 2 points, is warned";
  EXPECT_THAT(response.quarantined(), IsEmpty());
  const v1::GetStandingResponse a = StandingOk(Seller("seller-a"));
  EXPECT_EQ(a.standing(), v1::WARNED);
  EXPECT_EQ(a.evaluated_under(), PolicyVersionOf(strict));
  EXPECT_EQ(StandingOk(Seller("seller-b")).evaluated_under(), PolicyVersionOf(strict));
  EXPECT_TRUE(WaitForLog("re-evaluating every subject, asked by policy-team@example.com "
                         "(warn at 2 points from today)"));
  // Nothing left to do the second time.
  grpc::ClientContext ctx;
  ASSERT_TRUE(admin->ReevaluateSubjects(&ctx, request, &response).ok());
  EXPECT_EQ(response.reevaluated(), 0);
}

}  // namespace
}  // namespace enforcer::e2e
