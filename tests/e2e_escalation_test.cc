// Escalation end to end, under the embedded default pack and on the testing clock: a seller climbs
// the 48-point ladder, a creator's ladder ends in revocation, and one report decides for both.
//
// Milestones are levels (repeat: while_at_or_above): a timed action ends at the later of
// decision + its duration and 00:00 UTC of the day the points that hold the subject at the
// milestone expire. The reports below all fall on 2026-06-01, so prohibited_product points (90-day
// window) expire at 2026-08-30 00:00 UTC and counterfeit points (180 days) at 2026-11-28 00:00 UTC.
#include <functional>
#include <map>
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

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Property;

// One report of a ladder: what it does beside taking the reported object down.
struct LadderStep {
  v1::Standing standing_after;
  std::vector<std::string> milestones_fired;
  std::vector<ExpectedAction> milestone_actions;
  std::string tier;
};

class EscalationTest : public EnforcerdTest {
 protected:
  EscalationTest() { UseTestingClock(TestingClockStart()); }

  // Sends `make_request(i)` for each step, an hour apart from the clock's start: identical
  // `points`-point reports of the take-down `category` against `subject`. Checks each recorded
  // violation and its decision against the step; returns the responses.
  std::vector<v1::ReportViolationResponse> Climb(
      const v1::Subject& subject, const std::string& category, int points,
      const std::vector<LadderStep>& steps,
      const std::function<v1::ReportViolationRequest(int)>& make_request) {
    const absl::Time t0 = Now();
    std::vector<v1::ReportViolationResponse> responses;
    v1::Standing standing = v1::GOOD_STANDING;
    for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
      SCOPED_TRACE(absl::StrCat("report ", i + 1));
      SetClock(t0 + absl::Hours(i));
      const v1::ReportViolationRequest request = make_request(i);
      const v1::ReportViolationResponse response = ReportOk(request);
      EXPECT_FALSE(response.duplicate());
      const v1::Violation& v = response.violation();
      EXPECT_GT(ViolationNumber(v.violation_id()), 0u) << v.violation_id();
      if (!responses.empty()) {
        EXPECT_GT(ViolationNumber(v.violation_id()),
                  ViolationNumber(responses.back().violation().violation_id()));
      }
      EXPECT_EQ(v.policy_version(), DefaultPolicyVersion());
      // The report as recorded: as sent, with occurred_at defaulting to the daemon's now.
      v1::ReportViolationRequest recorded = request;
      if (!request.has_occurred_at()) *recorded.mutable_occurred_at() = ToProtoTime(Now());
      EXPECT_TRUE(ProtoEquals(v.report(), recorded));
      EXPECT_EQ(FromProtoTime(v.recorded_at()), Now());

      ExpectedDecision expected;
      expected.subject = subject;
      expected.points_added = points;
      expected.active_points_before = points * i;
      expected.active_points = points * (i + 1);
      expected.standing_before = standing;
      expected.standing_after = steps[i].standing_after;
      expected.fired = {category};
      for (const std::string& id : steps[i].milestones_fired) expected.fired.push_back(id);
      expected.actions = {TakeDown(category, request.object_id())};
      for (const ExpectedAction& a : steps[i].milestone_actions) expected.actions.push_back(a);
      expected.tier = steps[i].tier;
      EXPECT_EQ(response.decisions_size(), 1);
      if (response.decisions_size() > 0) {
        ExpectDecision(response, response.decisions(0), expected);
        EXPECT_EQ(FromProtoTime(response.decisions(0).decided_at()), Now());
        EXPECT_EQ(response.decisions(0).window_days(), 90);
      }
      standing = steps[i].standing_after;
      responses.push_back(response);
    }
    ExpectUniqueActionIds(responses);
    return responses;
  }
};

TEST_F(EscalationTest, SellerEscalatesThroughEveryMilestoneToDeactivation) {
  const v1::Subject seller = Seller("seller-1");
  const absl::Time t0 = Now();
  const absl::Time points_expire = DayStartAfter(t0, 90);  // 2026-08-30 00:00 UTC
  ASSERT_EQ(points_expire, absl::FromCivil(absl::CivilDay(2026, 8, 30), absl::UTCTimeZone()));
  // prohibited_product at LOW severity is 6 points; eight of them, an hour apart, walk the ladder
  // 6 .. 48. Each level milestone acts once, when it is reached: the 6-point warning runs its 90
  // days from then (longer than the points, which all expire together on 2026-08-30), and the
  // restrictions hold until the points expire, longer than their own 14 days. Later reports the
  // same day move nothing, so nothing is reissued. The 36-point suspension is `each_violation`:
  // 28 days from every report at or above 36.
  const std::vector<LadderStep> steps = {
      {v1::WARNED,
       {"seller-caution-6"},
       {Warning("seller-caution-6", t0 + 90 * kDay)},
       "seller-caution-6"},
      {v1::RESTRICTED,
       {"seller-campaign-ban-12"},
       {Restrict("seller-campaign-ban-12", "campaigns", points_expire)},
       "seller-campaign-ban-12"},
      {v1::RESTRICTED, {}, {}, "seller-campaign-ban-12"},
      {v1::RESTRICTED,
       {"seller-listing-block-24"},
       {Restrict("seller-listing-block-24", "new_listings", points_expire)},
       "seller-listing-block-24"},
      {v1::RESTRICTED, {}, {}, "seller-listing-block-24"},
      {v1::SUSPENDED,
       {"seller-suspension-36"},
       {Suspend("seller-suspension-36", t0 + absl::Hours(5) + 28 * kDay)},
       "seller-suspension-36"},
      {v1::SUSPENDED,
       {"seller-suspension-36"},
       {Suspend("seller-suspension-36", t0 + absl::Hours(6) + 28 * kDay)},
       "seller-suspension-36"},
      // The suspension asked for again is covered by the deactivation of the same decision.
      {v1::DEACTIVATED,
       {"seller-suspension-36", "seller-deactivation-48"},
       {Deactivate("seller-deactivation-48")},
       "seller-deactivation-48"},
  };
  constexpr char kWarningText[] = "Your store has a formal warning; policy training is available";
  const std::vector<v1::ReportViolationResponse> responses =
      Climb(seller, "prohibited_product", 6, steps, [&](int i) {
        v1::ReportViolationRequest request =
            SellerReport(absl::StrCat("escalation-", i + 1), "seller-1", "prohibited_product");
        request.set_severity(v1::SEVERITY_LOW);
        request.set_object_id(absl::StrCat("listing-", i + 1));
        request.set_region("PH");
        request.add_evidence()->set_key("screenshot.url");
        request.mutable_evidence(0)->set_value(absl::StrCat("https://example.com/shot/", i + 1));
        // Half of the reports say when the violation happened, a few minutes before.
        if (i % 2 == 1) *request.mutable_occurred_at() = ToProtoTime(Now() - absl::Minutes(3));
        return request;
      });
  ASSERT_EQ(responses.size(), steps.size());
  for (const auto& r : responses) ASSERT_EQ(r.decisions_size(), 1);

  // The reasons, word for word, for a milestone crossed and for levels that end on the day
  // their points expire.
  const auto& d1 = responses[0].decisions(0);
  EXPECT_EQ(d1.actions(1).reason(),
            absl::StrCat("Formal warning for 90 days: ", kWarningText,
                         " (active violation points reached 6 (+6 for 'Prohibited product'), "
                         "crossing the 6-point milestone)"));
  const auto& d2 = responses[1].decisions(0);
  EXPECT_EQ(d2.actions(1).reason(),
            "Joining campaigns restricted until 2026-08-30 00:00 UTC: active violation points reached 12 "
            "(+6 for 'Prohibited product'), crossing the 12-point milestone");
  EXPECT_THAT(d2.superseded(), IsEmpty()) << d2.ShortDebugString();
  // A report the same day at 12 points: the warning already runs past the day the points would
  // fall below 6, so it is neither reissued nor recorded.
  EXPECT_THAT(responses[2].decisions(0).superseded(), IsEmpty());
  EXPECT_EQ(responses[5].decisions(0).actions(1).reason(),
            "Selling suspended for 28 days: Repeated violations suspend the store pending review "
            "(active violation points reached 36 (+6 for 'Prohibited product'), crossing the "
            "36-point milestone)");
  // At 48 one decision issues only the deactivation: the suspension asked for again is recorded
  // as not issued, and the four lower actions running under it as covered by it.
  const auto& d8 = responses[7].decisions(0);
  EXPECT_EQ(d8.actions(1).reason(),
            "Store deactivated: The store reached the 48-point limit (active violation points "
            "reached 48 (+6 for 'Prohibited product'), crossing the 48-point milestone)");
  ASSERT_EQ(d8.superseded_size(), 5) << d8.ShortDebugString();
  EXPECT_EQ(d8.superseded(0).action().type(), v1::ACTION_SUSPEND);
  EXPECT_THAT(d8.superseded(0).action().action_id(), IsEmpty()) << "only a candidate";
  for (const v1::Supersession& s : d8.superseded()) {
    EXPECT_EQ(s.superseded_by_action_id(), d8.actions(1).action_id());
    EXPECT_EQ(s.superseded_by_type(), v1::ACTION_DEACTIVATE_STORE);
  }

  // Standing: deactivated at 48 points, with the last action of every milestone in force.
  const v1::GetStandingResponse standing_now = StandingOk(seller);
  EXPECT_TRUE(ProtoEquals(standing_now.subject(), seller));
  EXPECT_EQ(standing_now.standing(), v1::DEACTIVATED) << v1::Standing_Name(standing_now.standing());
  EXPECT_EQ(standing_now.active_points(), 48);
  EXPECT_EQ(standing_now.lifetime_violations(), 8);
  EXPECT_EQ(standing_now.policy_version(), DefaultPolicyVersion());
  EXPECT_EQ(standing_now.evaluated_under(), DefaultPolicyVersion());
  EXPECT_EQ(FromProtoTime(standing_now.as_of()), Now());
  EXPECT_EQ(standing_now.tier().milestone_id(), "seller-deactivation-48");
  EXPECT_EQ(standing_now.tier().at_points(), 48);
  EXPECT_THAT(standing_now.tier().next_milestone_id(), IsEmpty());
  std::map<std::string, v1::Action> last_by_rule;
  for (const auto& r : responses) {
    for (const v1::Action& a : r.decisions(0).actions()) {
      if (a.type() != v1::ACTION_TAKE_DOWN) last_by_rule[a.rule_id()] = a;
    }
  }
  ASSERT_EQ(standing_now.active_actions_size(), 5) << standing_now.ShortDebugString();
  std::set<std::string> active_rules;
  for (const v1::Action& a : standing_now.active_actions()) {
    active_rules.insert(a.rule_id());
    EXPECT_TRUE(ProtoEquals(a, last_by_rule[a.rule_id()])) << a.rule_id();
  }
  EXPECT_EQ(active_rules, (std::set<std::string>{"seller-caution-6", "seller-campaign-ban-12",
                                                 "seller-listing-block-24", "seller-suspension-36",
                                                 "seller-deactivation-48"}));
  ASSERT_EQ(standing_now.category_counts_size(), 1);
  const v1::CategoryCount& count = standing_now.category_counts(0);
  EXPECT_EQ(count.category(), "prohibited_product");
  EXPECT_EQ(count.count(), 8);
  EXPECT_EQ(count.active_points(), 48);
  EXPECT_EQ(count.window_days(), 90);

  // History: per report one violation, one decision and its actions, newest first: 8 x 2 entries
  // and 14 actions (8 take-downs, a warning, 2 restrictions, 2 suspensions, a deactivation).
  int expected_entries = 0;
  for (const auto& r : responses) expected_entries += 2 + r.decisions(0).actions_size();
  EXPECT_EQ(expected_entries, 8 * 2 + 14);
  const std::vector<v1::LedgerEntry> all = HistoryOk(seller, 1000);
  ASSERT_EQ(static_cast<int>(all.size()), expected_entries);
  ExpectHistoryMatches(all, ExpectedHistory(seller, responses));
  EXPECT_EQ(all.front().position(), static_cast<uint64_t>(expected_entries));
  EXPECT_EQ(all.back().position(), 1u);
  for (const v1::LedgerEntry& e : all) {
    if (e.has_violation()) {
      EXPECT_EQ(absl::StrCat("v", e.sequence()), e.violation().violation_id())
          << "violation_id is 'v' and the ledger sequence number";
    }
  }
  // The default page size (0 means 100) holds all 30 in one page.
  {
    v1::ListHistoryRequest request;
    *request.mutable_subject() = seller;
    v1::ListHistoryResponse page;
    ASSERT_TRUE(ListHistory(request, &page).ok());
    EXPECT_EQ(page.entries_size(), expected_entries);
    EXPECT_THAT(page.next_page_token(), IsEmpty());
  }
  // Pages of 3: the same sequence, nothing repeated or missing.
  const std::vector<v1::LedgerEntry> paged = HistoryOk(seller, 3);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_TRUE(ProtoEquals(paged[i], all[i])) << "entry " << i;
  }
  // Time bounds are [start_time, end_time) on recorded_at; the reports are an hour apart.
  ExpectHistoryMatches(HistoryBetween(seller, t0 + absl::Hours(7), std::nullopt),
                       ExpectedHistory(seller, {responses[7]}));
  ExpectHistoryMatches(HistoryBetween(seller, t0 + absl::Hours(3), t0 + absl::Hours(5)),
                       ExpectedHistory(seller, {responses[3], responses[4]}));
  EXPECT_THAT(HistoryBetween(seller, std::nullopt, t0), IsEmpty()) << "end_time is exclusive";

  // On 2026-08-30 the points expire and the levels with them; the warning (from report 1, 90
  // days) runs until that afternoon, and the deactivation is permanent.
  ASSERT_NO_FATAL_FAILURE(SetClock(points_expire));
  const v1::GetStandingResponse later = StandingOk(seller);
  EXPECT_EQ(later.active_points(), 0);
  EXPECT_EQ(later.standing(), v1::DEACTIVATED);
  EXPECT_THAT(later.category_counts(), IsEmpty());
  EXPECT_EQ(later.tier().next_milestone_id(), "seller-caution-6");
  EXPECT_EQ(later.tier().points_to_next(), 6);
  std::set<std::string> still_active;
  for (const v1::Action& a : later.active_actions()) still_active.insert(a.rule_id());
  EXPECT_EQ(still_active, (std::set<std::string>{"seller-caution-6", "seller-deactivation-48"}));
}

TEST_F(EscalationTest, CreatorEscalatesToRevocation) {
  const v1::Subject creator = Creator("creator-1");
  const absl::Time t0 = Now();
  const absl::Time points_expire = DayStartAfter(t0, 90);
  // reproduced_content is 12 points and counts against creators only; reports an hour apart.
  const std::vector<LadderStep> steps = {
      // 0 -> 12 reaches both the 6- and the 12-point milestones; the 90-day warning outlasts the
      // restriction (which holds until the points expire), so both are issued.
      {v1::RESTRICTED,
       {"creator-warning-6", "creator-no-live-selling-12"},
       {Warning("creator-warning-6", t0 + 90 * kDay),
        Restrict("creator-no-live-selling-12", "live_selling", points_expire)},
       "creator-no-live-selling-12"},
      // The warning and the live-selling ban already hold as long as they need to.
      {v1::RESTRICTED,
       {"creator-no-product-links-24"},
       {Restrict("creator-no-product-links-24", "product_links", points_expire)},
       "creator-no-product-links-24"},
      // A permanent revocation covers everything below it.
      {v1::REVOKED, {"creator-revocation-36"}, {Revoke("creator-revocation-36")},
       "creator-revocation-36"},
  };
  const std::vector<v1::ReportViolationResponse> responses =
      Climb(creator, "reproduced_content", 12, steps, [](int i) {
        v1::ReportViolationRequest request =
            MakeReport(absl::StrCat("copy-", i + 1), "reproduced_content");
        request.set_creator_id("creator-1");
        request.set_source(v1::SOURCE_SHORT_VIDEO);
        request.set_object_id(absl::StrCat("video-", i + 1));
        return request;
      });

  const v1::GetStandingResponse now = StandingOk(creator);
  EXPECT_EQ(now.standing(), v1::REVOKED) << v1::Standing_Name(now.standing());
  EXPECT_EQ(now.active_points(), 36);
  EXPECT_EQ(now.lifetime_violations(), 3);
  EXPECT_EQ(now.tier().milestone_id(), "creator-revocation-36");
  EXPECT_THAT(now.active_actions(),
              Contains(Property(&v1::Action::type, v1::ACTION_REVOKE_SELLING_PERMISSION)));
  ExpectHistoryMatches(HistoryOk(creator), ExpectedHistory(creator, responses));
}

TEST_F(EscalationTest, ReportAgainstSellerAndCreatorDecidesForBothWithOneTakeDown) {
  const v1::Subject seller = Seller("seller-2");
  const v1::Subject creator = Creator("creator-2");
  // counterfeit_confirmed: 24 points on both ledgers, for 180 days.
  const absl::Time points_expire = DayStartAfter(Now(), 180);  // 2026-11-28 00:00 UTC
  v1::ReportViolationRequest request = MakeReport("counterfeit-1", "counterfeit_confirmed");
  request.set_seller_id("seller-2");
  request.set_creator_id("creator-2");
  request.set_source(v1::SOURCE_RIGHTS_HOLDER_COMPLAINT);
  request.set_rights_holder_id("brand-1");
  request.set_object_id("listing-fake-bag");
  const v1::ReportViolationResponse response = ReportOk(request);
  EXPECT_FALSE(response.duplicate());
  ASSERT_EQ(response.decisions_size(), 2);

  // 0 -> 24 reaches three milestones at once. Every level holds until the points expire, so the
  // first restriction covers the warning (a higher action lasting as long): the warning rule
  // fires, but only the two restrictions are issued.
  ExpectedDecision for_seller;
  for_seller.subject = seller;
  for_seller.points_added = 24;
  for_seller.active_points = 24;
  for_seller.standing_after = v1::RESTRICTED;
  for_seller.fired = {"counterfeit_confirmed", "seller-caution-6", "seller-campaign-ban-12",
                      "seller-listing-block-24"};
  for_seller.actions = {
      TakeDown("counterfeit_confirmed", "listing-fake-bag"),
      Restrict("seller-campaign-ban-12", "campaigns", points_expire),
      Restrict("seller-listing-block-24", "new_listings", points_expire),
  };
  for_seller.tier = "seller-listing-block-24";
  const v1::Decision& seller_decision = response.decisions(0);
  ExpectDecision(response, seller_decision, for_seller);
  ASSERT_EQ(seller_decision.superseded_size(), 1);
  EXPECT_EQ(seller_decision.superseded(0).action().type(), v1::ACTION_WARNING);
  EXPECT_EQ(seller_decision.superseded(0).superseded_by_action_id(),
            seller_decision.actions(1).action_id());

  ExpectedDecision for_creator;
  for_creator.subject = creator;
  for_creator.points_added = 24;
  for_creator.active_points = 24;
  for_creator.standing_after = v1::RESTRICTED;
  for_creator.fired = {"creator-warning-6", "creator-no-live-selling-12",
                       "creator-no-product-links-24"};
  for_creator.actions = {
      Restrict("creator-no-live-selling-12", "live_selling", points_expire),
      Restrict("creator-no-product-links-24", "product_links", points_expire),
  };
  for_creator.tier = "creator-no-product-links-24";
  ExpectDecision(response, response.decisions(1), for_creator);
  ExpectUniqueActionIds({response});

  int take_downs = 0;
  for (const v1::Decision& d : response.decisions()) {
    for (const v1::Action& a : d.actions()) take_downs += a.type() == v1::ACTION_TAKE_DOWN;
  }
  EXPECT_EQ(take_downs, 1);

  // Each ledger holds the violation and its own decision.
  ExpectHistoryMatches(HistoryOk(seller), ExpectedHistory(seller, {response}));
  ExpectHistoryMatches(HistoryOk(creator), ExpectedHistory(creator, {response}));
  for (const v1::Subject& subject : {seller, creator}) {
    const v1::GetStandingResponse standing = StandingOk(subject);
    EXPECT_EQ(standing.standing(), v1::RESTRICTED) << subject.ShortDebugString();
    EXPECT_EQ(standing.active_points(), 24) << subject.ShortDebugString();
    EXPECT_EQ(standing.lifetime_violations(), 1) << subject.ShortDebugString();
    ASSERT_EQ(standing.category_counts_size(), 1);
    EXPECT_EQ(standing.category_counts(0).category(), "counterfeit_confirmed");
    EXPECT_EQ(standing.category_counts(0).count(), 1);
    EXPECT_EQ(standing.category_counts(0).window_days(), 180);
  }
}

}  // namespace
}  // namespace enforcer::e2e
