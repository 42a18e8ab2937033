// Regression tests for the holes of the "escalation that holds" issue that involve policy changes,
// end to end: a tightened policy reaches subjects already above its thresholds, a short-window
// policy in between forgets nothing, and rule ids that clash with category ids are refused. Each
// fails on the enforcerd of commit 85cb364; the comment on each says what that version did.
#include <signal.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// spam is 1 point, big 3; a 30-day warning at `warn_at` points, under the rule id `rule_id`.
std::string WarnPolicy(const std::string& name, int warn_at, const std::string& rule_id = "warn") {
  return absl::StrCat("policy: ", name, R"(
categories:
  spam: {points: 1}
  big: {points: 3}
milestones:
  seller:
    - {id: )", rule_id, ", at: ", warn_at, R"(, actions: [{type: warning, duration: 30d}]}
)");
}

// Hole 3. 85cb364 only looked for a threshold crossed by the new report, and never re-evaluated:
// a seller at 2 points when warn-at-2 replaced warn-at-4 went from 2 to 5 points without crossing
// anything and stayed in GOOD_STANDING.
class TightenedPolicyTest : public EnforcerdTest {
 protected:
  TightenedPolicyTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(WarnPolicy("loose", 4));
  }
};

TEST_F(TightenedPolicyTest, ASubjectAlreadyAboveTheNewThresholdIsWarned) {
  const v1::Subject seller = Seller("seller-3");
  const absl::Time t0 = Now();
  ReportOk(SellerReport("s1", "seller-3", "spam"));
  ReportOk(SellerReport("s2", "seller-3", "spam"));
  EXPECT_EQ(StandingOk(seller).standing(), v1::GOOD_STANDING) << "2 of 4 points";

  const std::string tight = WarnPolicy("tight", 2);
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(tight));
  AdvanceClock(absl::Minutes(1));
  const v1::ReportViolationResponse r = ReportOk(SellerReport("b1", "seller-3", "big"));
  ASSERT_EQ(r.decisions_size(), 1);
  const v1::Decision& d = r.decisions(0);
  EXPECT_EQ(d.policy_version(), PolicyVersionOf(tight));
  EXPECT_EQ(d.active_points_before(), 2);
  EXPECT_EQ(d.active_points(), 5);
  // The re-evaluation before this decision already warned the seller (as if warn-at-2 had always
  // been in force); the warning holds, so this decision adds nothing.
  EXPECT_EQ(d.standing_before(), v1::WARNED);
  EXPECT_EQ(d.standing_after(), v1::WARNED);
  EXPECT_THAT(d.actions(), IsEmpty());
  const v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_EQ(standing.standing(), v1::WARNED);
  EXPECT_EQ(standing.evaluated_under(), PolicyVersionOf(tight));

  // History, newest first: the new violation comes after the re-evaluation and its warning.
  const std::vector<v1::LedgerEntry> history = HistoryOk(seller);
  ASSERT_THAT(EntryKinds(history),
              ElementsAre("decision", "violation", "action", "reevaluation", "decision",
                          "violation", "decision", "violation"));
  EXPECT_EQ(history[1].violation().violation_id(), r.violation().violation_id());
  EXPECT_LT(history[3].position(), history[1].position());
  const v1::Reevaluation& re = history[3].reevaluation();
  EXPECT_EQ(re.previous_policy_version(), PolicyVersionOf(WarnPolicy("loose", 4)));
  EXPECT_EQ(re.policy_version(), PolicyVersionOf(tight));
  EXPECT_EQ(re.active_points_before(), 2);
  EXPECT_EQ(re.active_points(), 2);
  EXPECT_EQ(re.standing_before(), v1::GOOD_STANDING);
  EXPECT_EQ(re.standing_after(), v1::WARNED);
  ASSERT_EQ(re.actions_issued_size(), 1);
  EXPECT_TRUE(ProtoEquals(history[2].action(), re.actions_issued(0)));
  EXPECT_EQ(re.actions_issued(0).rule_id(), "warn");
  EXPECT_EQ(FromProtoTime(re.actions_issued(0).expires_at()), DayStartAfter(t0, 90));
}

// Hole 4. 85cb364 pruned a subject's history to the longest window of the policy in force: one
// report under a 90-day policy dropped the counterfeits of 400 and 300 days ago, and back under
// the default pack the third counterfeit counted 1 of 3 strikes: no revocation.
class ShortWindowPolicyTest : public EnforcerdTest {
 protected:
  ShortWindowPolicyTest() {
    UseTestingClock(TestingClockStart());
    UsePolicyFile(DefaultPolicyText());
  }

  // The default pack with every window and count window at most 90 days, same category ids.
  static std::string ShortWindows() {
    return absl::StrReplaceAll(DefaultPolicyText(),
                               {{"policy: default-v1", "policy: short-windows"},
                                {"180d", "90d"},
                                {"365d", "90d"},
                                {"730d", "90d"}});
  }

  v1::ReportViolationResponse Counterfeit(const std::string& id, absl::Duration ago) {
    v1::ReportViolationRequest r = SellerReport(id, "seller-4", "counterfeit_confirmed");
    r.set_object_id("listing-" + id);
    *r.mutable_occurred_at() = ToProtoTime(Now() - ago);
    return ReportOk(r);
  }
};

TEST_F(ShortWindowPolicyTest, AShortWindowPolicyInBetweenForgetsNoStrike) {
  const v1::Subject seller = Seller("seller-4");
  ASSERT_THAT(DefaultPolicyText(), HasSubstr("within: 730d"));
  for (const char* longer : {"180d", "365d", "730d"}) {
    ASSERT_THAT(ShortWindows(), ::testing::Not(HasSubstr(longer)));
  }
  ASSERT_EQ(StandingOk(seller).policy_version(), DefaultPolicyVersion());

  // Two strikes reported late: outside their 180-day points window, inside the 730-day count.
  for (auto [id, days] : {std::make_pair("strike-1", 400), std::make_pair("strike-2", 300)}) {
    const v1::ReportViolationResponse r = Counterfeit(id, days * kDay);
    ASSERT_EQ(r.decisions_size(), 1);
    EXPECT_EQ(r.decisions(0).points_added(), 0);
    EXPECT_EQ(FiredRules(r.decisions(0)), std::vector<std::string>{"counterfeit_confirmed"});
  }

  // One report under the short-window policy. Until then the seller stands as last decided.
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(ShortWindows()));
  EXPECT_EQ(StandingOk(seller).evaluated_under(), DefaultPolicyVersion());
  AdvanceClock(absl::Minutes(1));
  v1::ReportViolationResponse r =
      ReportOk(SellerReport("between", "seller-4", "misleading_listing"));
  EXPECT_EQ(r.decisions(0).policy_version(), PolicyVersionOf(ShortWindows()));
  EXPECT_EQ(r.decisions(0).active_points(), 1);

  // Back to the default pack; the third strike revokes selling.
  ASSERT_NO_FATAL_FAILURE(ReloadPolicy(DefaultPolicyText()));
  AdvanceClock(absl::Minutes(1));
  r = Counterfeit("strike-3", absl::ZeroDuration());
  ExpectedDecision expected;
  expected.subject = seller;
  expected.points_added = 24;
  expected.active_points_before = 1;
  expected.active_points = 25;
  expected.standing_after = v1::REVOKED;
  expected.fired = {"counterfeit_confirmed", "seller-caution-6", "seller-campaign-ban-12",
                    "seller-listing-block-24", "counterfeit-three-strikes"};
  expected.actions = {TakeDown("counterfeit_confirmed", "listing-strike-3"),
                      Revoke("counterfeit-three-strikes")};
  expected.actions[1].reason =
      "Selling permission permanently revoked: Three confirmed counterfeits permanently end "
      "selling, even after their points expire (3 'Confirmed counterfeit' violations within 730 "
      "days reached the limit of 3)";
  expected.tier = "seller-listing-block-24";
  ASSERT_EQ(r.decisions_size(), 1);
  ExpectDecision(r, r.decisions(0), expected);
  EXPECT_EQ(r.decisions(0).policy_version(), DefaultPolicyVersion());
  EXPECT_THAT(EntryKinds(HistoryOk(seller)),
              ElementsAre("action", "action", "decision", "violation", "reevaluation",
                          "decision", "violation", "reevaluation", "action", "decision",
                          "violation", "action", "decision", "violation"));
  v1::GetStandingResponse before = StandingOk(seller);
  EXPECT_EQ(before.standing(), v1::REVOKED);

  // The ledger folds to the same state offline: --rebuild_state finds nothing to change.
  ASSERT_NO_FATAL_FAILURE(StopDaemon());
  std::vector<std::string> flags = ConfigFlags();
  flags.push_back("--rebuild_state");
  const testing::CommandResult rebuilt = RunEnforcerd(flags);
  EXPECT_TRUE(rebuilt.ExitedWith(0)) << rebuilt.output;
  EXPECT_EQ(rebuilt.output,
            absl::StrCat("checked 1 subjects under policy default-v1 ",
                         DefaultPolicyVersion().substr(0, 19),
                         ": 0 re-evaluated (recorded in their ledgers), 0 had stored state that "
                         "disagreed with their ledger, 0 changed actions, 0 quarantined, 0 "
                         "recorded decisions re-ran differently, 0 decisions folded as recorded "
                         "(policy not stored)\n"));
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  v1::GetStandingResponse after = StandingOk(seller);
  EXPECT_TRUE(ProtoEquals(after, before));
}

// Hole 8. 85cb364 accepted a rule id equal to a category id (--check_policy said "valid", a
// SIGHUP activated it), although decisions name take-downs by category id.
class ClashingRuleIdTest : public EnforcerdTest {
 protected:
  ClashingRuleIdTest() { UsePolicyFile(WarnPolicy("clash-test", 2)); }
};

TEST_F(ClashingRuleIdTest, ARuleIdEqualToACategoryIdIsRefused) {
  const std::string clash = WarnPolicy("clash-test", 2, "spam");
  const std::string clash_path = work_dir_ + "/clash.yaml";
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(clash_path, clash));
  const std::string diagnostic = absl::StrCat(
      ":7:12: error: rule id 'spam' is also the id of the category at line 3; decisions name "
      "take-downs by category id, so rule ids must differ");
  const testing::CommandResult checked = RunEnforcerd({"--check_policy=" + clash_path});
  EXPECT_TRUE(checked.ExitedWith(1)) << checked.output;
  EXPECT_EQ(checked.output, absl::StrCat(clash_path, diagnostic, "\n"));

  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(policy_path(), clash));
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(WaitForLog("policy reload rejected; the previous policy stays in force"));
  EXPECT_THAT(daemon_->ReadLog(), HasSubstr(policy_path() + diagnostic));
  const std::string in_force = PolicyVersionOf(WarnPolicy("clash-test", 2));
  EXPECT_EQ(StandingOk(Seller("seller-8")).policy_version(), in_force);
  ReportOk(SellerReport("r1", "seller-8", "spam"));
  const v1::ReportViolationResponse r = ReportOk(SellerReport("r2", "seller-8", "spam"));
  EXPECT_EQ(r.decisions(0).policy_version(), in_force);
  EXPECT_EQ(FiredRules(r.decisions(0)), std::vector<std::string>{"warn"});
}

}  // namespace
}  // namespace enforcer::e2e
