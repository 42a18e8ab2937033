// Regression tests for the holes of the "escalation that holds" issue, end to end. Each fails on
// the enforcerd of commit 85cb364; the comment on each says what that version did.
// (Holes 3, 4 and 8, which involve policy reloads, are in e2e_policy_holes_test.cc.)
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class HolesTest : public EnforcerdTest {
 protected:
  HolesTest() { UseTestingClock(TestingClockStart()); }

  // A report of `category` against `seller`, with an object to take down, a minute after the last.
  v1::ReportViolationResponse Strike(const std::string& report_id, const std::string& seller,
                                     const std::string& category, v1::Severity severity,
                                     const std::string& region = "") {
    AdvanceClock(absl::Minutes(1));
    v1::ReportViolationRequest r = SellerReport(report_id, seller, category);
    r.set_object_id("listing-" + report_id);
    r.set_severity(severity);
    r.set_region(region);
    r.set_rights_holder_id("brand-" + report_id);  // a different holder each time
    return ReportOk(r);
  }
};

// Hole 1. 85cb364 compared the points with the threshold of the report's own region only: the PH
// report took the seller from 2 to 4 points, but 2 was already at the PH threshold, so nothing
// "crossed", and the next US report (6 points) was under the US threshold's crossing too. The
// seller stayed in GOOD_STANDING at 6 points.
constexpr char kRegionMix[] = R"(policy: region-mix
categories:
  spam: {points: 2}
milestones:
  seller:
    - {id: warn, at: 4, actions: [{type: warning, duration: 30d}]}
regions:
  PH:
    thresholds: {warn: 2}
)";

class RegionMixTest : public HolesTest {
 protected:
  RegionMixTest() { UsePolicyFile(kRegionMix); }
};

TEST_F(RegionMixTest, APhReportAmongUsOnesWarnsAndTheSellerStaysWarned) {
  const v1::Subject seller = Seller("seller-mix");
  std::vector<v1::ReportViolationResponse> responses;
  for (const char* region : {"US", "PH", "US"}) {
    v1::ReportViolationRequest r =
        SellerReport(absl::StrCat("mix-", responses.size()), "seller-mix", "spam");
    r.set_region(region);
    responses.push_back(ReportOk(r));
    ASSERT_EQ(responses.back().decisions_size(), 1);
  }
  ExpectedDecision us;
  us.subject = seller;
  us.points_added = 2;
  us.active_points = 2;
  ExpectDecision(responses[0], responses[0].decisions(0), us);
  EXPECT_EQ(responses[0].decisions(0).tier_after().next_at_points(), 4) << "US only: 4";

  // A PH violation counts, so its threshold of 2 applies: 4 points cross it. The warning is a
  // level: it holds until the points expire (90 days from today), longer than its 30 days.
  ExpectedDecision ph = us;
  ph.active_points_before = 2;
  ph.active_points = 4;
  ph.standing_after = v1::WARNED;
  ph.fired = {"warn"};
  ph.actions = {Warning("warn", DayStartAfter(Now(), 90))};
  ph.actions[0].reason =
      "Formal warning until 2026-08-30 00:00 UTC: active violation points reached 4 (+2 for "
      "'Spam'), crossing the 2-point milestone";
  ph.tier = "warn";
  ExpectDecision(responses[1], responses[1].decisions(0), ph);
  EXPECT_EQ(responses[1].decisions(0).tier_after().at_points(), 2);

  // Another US report: still at or above the strictest applicable threshold; the warning holds.
  ExpectedDecision us_again = us;
  us_again.active_points_before = 4;
  us_again.active_points = 6;
  us_again.standing_before = v1::WARNED;
  us_again.standing_after = v1::WARNED;
  us_again.tier = "warn";
  ExpectDecision(responses[2], responses[2].decisions(0), us_again);

  const v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_EQ(standing.standing(), v1::WARNED);
  EXPECT_EQ(standing.active_points(), 6);
  EXPECT_EQ(standing.tier().milestone_id(), "warn");
  EXPECT_EQ(standing.tier().at_points(), 2);
}

// Hole 2. 85cb364 issued a milestone's actions only when a report crossed it, each for its own
// duration: the 28-day suspension at 37 points ran out while the points (180-day windows) stayed,
// so 91 days later the seller was in GOOD_STANDING at 37 points, and two more complaints (45
// points, no milestone crossed) changed nothing. Now the restrictions below the suspension are
// levels that hold with the points, and the suspension (repeat: each_violation in the default
// pack) is issued again by every violation at or above 36.
TEST_F(HolesTest, DefaultPackKeepsASellerAboveATierInIt) {
  const v1::Subject seller = Seller("seller-37");
  const absl::Time points_expire = DayStartAfter(Now(), 180);  // 2026-11-28 00:00 UTC
  Strike("cf", "seller-37", "counterfeit_confirmed", v1::SEVERITY_UNSPECIFIED);          // 24
  Strike("ip-high", "seller-37", "ip_complaint_valid", v1::SEVERITY_HIGH);               // 33
  v1::ReportViolationResponse r = Strike("ip-low", "seller-37", "ip_complaint_valid",
                                         v1::SEVERITY_LOW);                              // 37
  ASSERT_EQ(r.decisions_size(), 1);
  EXPECT_EQ(r.decisions(0).active_points(), 37);
  EXPECT_EQ(r.decisions(0).standing_after(), v1::SUSPENDED);
  EXPECT_EQ(FiredRules(r.decisions(0)),
            (std::vector<std::string>{"ip_complaint_valid", "seller-suspension-36"}));
  ASSERT_EQ(r.decisions(0).actions_size(), 2);
  EXPECT_EQ(FromProtoTime(r.decisions(0).actions(1).expires_at()), Now() + 28 * kDay)
      << "the suspension lasts the 28 days it says";

  ASSERT_NO_FATAL_FAILURE(AdvanceClock(91 * kDay));
  v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_EQ(standing.standing(), v1::RESTRICTED) << "not clean: the restrictions hold";
  EXPECT_EQ(standing.active_points(), 37);
  EXPECT_EQ(standing.tier().milestone_id(), "seller-suspension-36");
  EXPECT_EQ(standing.tier().next_milestone_id(), "seller-deactivation-48");
  EXPECT_EQ(standing.tier().points_to_next(), 11);
  std::set<std::string> in_force;
  for (const v1::Action& a : standing.active_actions()) in_force.insert(a.feature());
  EXPECT_EQ(in_force, (std::set<std::string>{"campaigns", "new_listings"}));

  // Two more low complaints: 41, then 45 points. Each suspends for 28 days again. The 6-point
  // warning (covered by the restrictions until now) is issued, because the new points keep the
  // seller at 6 or more beyond them: first for its 90 days, then until the new points expire.
  const absl::Time day_91 = Now();
  r = Strike("ip-low-2", "seller-37", "ip_complaint_valid", v1::SEVERITY_LOW);
  ExpectedDecision expected;
  expected.subject = seller;
  expected.points_added = 4;
  expected.active_points_before = 37;
  expected.active_points = 41;
  expected.standing_before = v1::RESTRICTED;
  expected.standing_after = v1::SUSPENDED;
  expected.fired = {"ip_complaint_valid", "seller-caution-6", "seller-suspension-36"};
  expected.actions = {TakeDown("ip_complaint_valid", "listing-ip-low-2"),
                      Warning("seller-caution-6", Now() + 90 * kDay),
                      Suspend("seller-suspension-36", Now() + 28 * kDay)};
  expected.tier = "seller-suspension-36";
  ExpectDecision(r, r.decisions(0), expected);
  r = Strike("ip-low-3", "seller-37", "ip_complaint_valid", v1::SEVERITY_LOW);
  expected.active_points_before = 41;
  expected.active_points = 45;
  expected.standing_before = v1::SUSPENDED;
  expected.actions = {TakeDown("ip_complaint_valid", "listing-ip-low-3"),
                      Warning("seller-caution-6", DayStartAfter(day_91, 180)),
                      Suspend("seller-suspension-36", Now() + 28 * kDay)};
  ExpectDecision(r, r.decisions(0), expected);
  standing = StandingOk(seller);
  EXPECT_EQ(standing.standing(), v1::SUSPENDED);
  EXPECT_EQ(standing.active_points(), 45);

  // The levels end with their points: on 2026-11-28 the first 37 expire, 8 remain.
  ASSERT_NO_FATAL_FAILURE(SetClock(points_expire));
  standing = StandingOk(seller);
  EXPECT_EQ(standing.active_points(), 8);
  EXPECT_EQ(standing.standing(), v1::WARNED);
  EXPECT_EQ(standing.tier().milestone_id(), "seller-caution-6");
}

// Hole 5. 85cb364 embedded the pack with a newline before and after the file's text, so its
// version was not the sha256 of rules/default_policy.yaml and no decision traced to the file.
TEST_F(HolesTest, EveryDecisionUnderTheEmbeddedPackNamesTheFilesSha256) {
  ASSERT_THAT(DefaultPolicyVersion(), StartsWith("sha256:"));
  EXPECT_TRUE(WaitForLog(absl::StrCat("(policy default-v1 ", DefaultPolicyVersion().substr(0, 19),
                                      ", ledger ")));
  v1::ReportViolationRequest both = MakeReport("both", "counterfeit_confirmed");
  both.set_seller_id("seller-5");
  both.set_creator_id("creator-5");
  both.set_object_id("listing-5");
  const v1::ReportViolationResponse response = ReportOk(both);
  EXPECT_EQ(response.violation().policy_version(), DefaultPolicyVersion());
  ASSERT_EQ(response.decisions_size(), 2);
  for (const v1::Subject& subject : {Seller("seller-5"), Creator("creator-5")}) {
    SCOPED_TRACE(subject.ShortDebugString());
    const v1::GetStandingResponse standing = StandingOk(subject);
    EXPECT_EQ(standing.policy_version(), DefaultPolicyVersion());
    EXPECT_EQ(standing.evaluated_under(), DefaultPolicyVersion());
    int decisions = 0;
    for (const v1::LedgerEntry& e : HistoryOk(subject)) {
      if (!e.has_decision()) continue;
      ++decisions;
      EXPECT_EQ(e.decision().policy_version(), DefaultPolicyVersion());
    }
    EXPECT_EQ(decisions, 1);
  }
}

// Hole 6. 85cb364 accepted a take-down category without object_id and recorded it: the take-down
// the policy promises silently acted on nothing.
TEST_F(HolesTest, TakeDownCategoriesWithoutObjectIdAreRefusedAndWriteNothing) {
  for (const char* category :
       {"counterfeit_confirmed", "ip_complaint_valid", "keyword_or_logo_misuse",
        "prohibited_product", "creator_misleading_claim", "reproduced_content",
        "illegal_dangerous_goods"}) {
    SCOPED_TRACE(category);
    v1::ReportViolationRequest r = MakeReport("no-object", category);
    r.set_seller_id("seller-6");
    r.set_creator_id("creator-6");
    v1::ReportViolationResponse response;
    const grpc::Status status = Report(r, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_EQ(status.error_message(),
              absl::StrCat("object_id: is required: category '", category,
                           "' takes the reported listing, stream or video down; name it in "
                           "object_id"));
  }
  for (const v1::Subject& s : {Seller("seller-6"), Creator("creator-6")}) {
    SCOPED_TRACE(s.ShortDebugString());
    EXPECT_THAT(HistoryOk(s), IsEmpty());
    EXPECT_EQ(StandingOk(s).lifetime_violations(), 0);
  }
  // Nothing was recorded under the report_id: with the object named, it is a first report.
  v1::ReportViolationRequest fixed = SellerReport("no-object", "seller-6", "counterfeit_confirmed");
  fixed.set_object_id("listing-6");
  EXPECT_FALSE(ReportOk(fixed).duplicate());
}

// Hole 7. 85cb364 issued every crossed milestone's actions: the second counterfeit sent a 28-day
// suspension and a deactivation together (and in TW a revocation on top of both).
TEST_F(HolesTest, OneDecisionIssuesOnlyTheEffectiveActions) {
  Strike("a1", "seller-7", "counterfeit_confirmed", v1::SEVERITY_UNSPECIFIED);
  v1::ReportViolationResponse r =
      Strike("a2", "seller-7", "counterfeit_confirmed", v1::SEVERITY_UNSPECIFIED);
  ASSERT_EQ(r.decisions_size(), 1);
  const v1::Decision& d = r.decisions(0);
  EXPECT_EQ(d.active_points(), 48);
  EXPECT_THAT(ActionTypes(d), ElementsAre(v1::ACTION_TAKE_DOWN, v1::ACTION_DEACTIVATE_STORE));
  EXPECT_EQ(FiredRules(d), (std::vector<std::string>{"counterfeit_confirmed",
                                                     "seller-suspension-36",
                                                     "seller-deactivation-48"}));
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
  int suspensions = 0;
  for (const v1::Supersession& s : d.superseded()) {
    if (s.action().type() != v1::ACTION_SUSPEND) continue;
    ++suspensions;
    EXPECT_THAT(s.action().action_id(), IsEmpty()) << "a candidate, never issued";
    EXPECT_EQ(s.action().rule_id(), "seller-suspension-36");
    EXPECT_EQ(s.superseded_by_type(), v1::ACTION_DEACTIVATE_STORE);
    EXPECT_EQ(s.superseded_by_action_id(), d.actions(1).action_id());
  }
  EXPECT_EQ(suspensions, 1) << d.ShortDebugString();

  // In TW two counterfeits within a year revoke selling: the revocation covers the rest.
  Strike("tw1", "seller-7tw", "counterfeit_confirmed", v1::SEVERITY_UNSPECIFIED, "TW");
  r = Strike("tw2", "seller-7tw", "counterfeit_confirmed", v1::SEVERITY_UNSPECIFIED, "TW");
  ASSERT_EQ(r.decisions_size(), 1);
  const v1::Decision& tw = r.decisions(0);
  EXPECT_THAT(ActionTypes(tw),
              ElementsAre(v1::ACTION_TAKE_DOWN, v1::ACTION_REVOKE_SELLING_PERMISSION));
  EXPECT_EQ(FiredRules(tw), (std::vector<std::string>{"counterfeit_confirmed",
                                                      "seller-suspension-36",
                                                      "seller-deactivation-48",
                                                      "counterfeit-three-strikes"}));
  EXPECT_EQ(tw.actions(1).reason(),
            "Selling permission permanently revoked: Three confirmed counterfeits permanently end "
            "selling, even after their points expire (2 'Confirmed counterfeit' violations within "
            "365 days reached the limit of 2)");
  EXPECT_EQ(tw.standing_after(), v1::REVOKED);
}

// The storage foundation. 85cb364 keyed a ledger by recorded_at, so a clock stepped back an hour
// listed the later-committed report after the earlier one. Ledgers are now in commit order
// (positions); time bounds only filter.
TEST_F(HolesTest, HistoryStaysInCommitOrderWhenTheClockStepsBack) {
  const v1::Subject seller = Seller("seller-clock");
  const absl::Time t0 = Now();
  const v1::ReportViolationResponse first =
      ReportOk(SellerReport("before-step", "seller-clock", "misleading_listing"));
  ASSERT_NO_FATAL_FAILURE(SetClock(t0 - absl::Hours(1)));
  const v1::ReportViolationResponse second =
      ReportOk(SellerReport("after-step", "seller-clock", "misleading_listing"));
  EXPECT_EQ(FromProtoTime(second.violation().recorded_at()), t0 - absl::Hours(1));

  const std::vector<v1::LedgerEntry> all = HistoryOk(seller);
  ExpectHistoryMatches(all, ExpectedHistory(seller, {first, second}));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].decision().violation_id(), second.violation().violation_id());
  EXPECT_EQ(all[0].position(), 4u);
  EXPECT_EQ(all[3].violation().violation_id(), first.violation().violation_id());
  // Pages of one entry walk the same order.
  const std::vector<v1::LedgerEntry> paged = HistoryOk(seller, 1);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_TRUE(ProtoEquals(paged[i], all[i])) << i;

  // [start, end) on recorded_at selects what matches, still in commit order.
  ExpectHistoryMatches(HistoryBetween(seller, t0 - absl::Minutes(30), std::nullopt),
                       ExpectedHistory(seller, {first}));
  ExpectHistoryMatches(HistoryBetween(seller, std::nullopt, t0 - absl::Minutes(30)),
                       ExpectedHistory(seller, {second}));
  ExpectHistoryMatches(HistoryBetween(seller, t0 - absl::Hours(1), t0 + absl::Microseconds(1)),
                       ExpectedHistory(seller, {first, second}));
}

}  // namespace
}  // namespace enforcer::e2e
