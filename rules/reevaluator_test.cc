// Policy changes and the fold: a subject's state follows from its ledger and the policy in force.
//
// MiniLedger below writes a subject's ledger exactly as the engine's pipeline does (a
// re-evaluation when the policy changed since the subject's last decision, then the violation,
// its decision and its actions), so these tests check the model without storage.
#include "rules/reevaluator.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/default_policy.h"
#include "rules/evaluator_test_fixture.h"

namespace enforcer {
namespace {

using testing::Days;
using testing::kStart;
using testing::MustCompile;

class MiniLedger {
 public:
  explicit MiniLedger(v1::SubjectKind kind) { *state_.mutable_subject() = Subject(kind); }

  static v1::Subject Subject(v1::SubjectKind kind) {
    v1::Subject s;
    s.set_kind(kind);
    s.set_id("subject-1");
    return s;
  }

  // Re-evaluates under `policy` if the subject was last decided under another one.
  void Reevaluate(const Policy& policy, const std::map<std::string, const Policy*>& known,
                  absl::Time now) {
    auto prev = known.find(state_.policy_version());
    if (!NeedsReevaluation(state_, policy, prev == known.end() ? nullptr : prev->second)) return;
    v1::LedgerEntry e = Entry(now);
    ReevaluationOutcome out =
        enforcer::Reevaluate(policy, prev == known.end() ? nullptr : prev->second, state_,
                             RecordedViolations(log_), now, absl::StrCat("r", e.sequence()));
    *e.mutable_reevaluation() = out.record;
    log_.push_back(e);
    for (const v1::Action& a : out.record.actions_issued()) *Append(now)->mutable_action() = a;
    for (const v1::ActionLift& l : out.record.actions_lifted()) *Append(now)->mutable_lift() = l;
    state_ = out.state;
  }

  v1::Decision Report(const Policy& policy, const std::map<std::string, const Policy*>& known,
                      ViolationFacts facts, absl::Time now) {
    Reevaluate(policy, known, now);
    v1::LedgerEntry* violation = Append(now);
    facts.violation_id = absl::StrCat("v", violation->sequence());
    v1::Violation* v = violation->mutable_violation();
    v->set_violation_id(facts.violation_id);
    v1::ReportViolationRequest* r = v->mutable_report();
    r->set_category(facts.category);
    r->set_severity(facts.severity);
    r->set_source(facts.source);
    r->set_region(facts.region);
    r->set_rights_holder_id(facts.rights_holder_id);
    r->set_object_id(facts.object_id);
    *r->mutable_occurred_at() = ToProtoTime(facts.occurred_at);
    Evaluation e = EvaluateViolation(policy, state_, facts, now);
    *Append(now)->mutable_decision() = e.decision;
    for (const v1::Action& a : e.decision.actions()) *Append(now)->mutable_action() = a;
    state_ = e.state;
    return e.decision;
  }

  const std::vector<v1::LedgerEntry>& log() const { return log_; }
  const v1::SubjectState& state() const { return state_; }

 private:
  v1::LedgerEntry Entry(absl::Time now) {
    v1::LedgerEntry e;
    e.set_sequence(++sequence_);
    *e.mutable_recorded_at() = ToProtoTime(now);
    *e.mutable_subject() = state_.subject();
    return e;
  }
  v1::LedgerEntry* Append(absl::Time now) {
    log_.push_back(Entry(now));
    return &log_.back();
  }

  v1::SubjectState state_;
  std::vector<v1::LedgerEntry> log_;
  uint64_t sequence_ = 0;
};

ViolationFacts Facts(const std::string& category, absl::Time occurred,
                     const std::string& region = "", const std::string& holder = "") {
  ViolationFacts f;
  f.category = category;
  f.source = v1::SOURCE_LISTING;
  f.region = region;
  f.rights_holder_id = holder;
  f.object_id = "object-1";
  f.occurred_at = occurred;
  return f;
}

// A strict policy with 90-day windows at most (the short-window policy of hole 4).
constexpr char kShortWindows[] = R"yaml(
policy: short-windows
default_window: 30d
categories:
  counterfeit_confirmed: {points: 10, window: 90d, ledgers: [seller, creator], take_down: true}
  misleading_listing: {points: 2}
milestones:
  seller:
    - {id: warn-4, at: 4, actions: [{type: warning, duration: 14d}]}
count_rules:
  - id: two-counterfeits
    match: {categories: [counterfeit_confirmed]}
    at_least: 2
    within: 60d
    actions: [{type: suspend, duration: 7d}]
)yaml";

// Hole 4: a temporary short-window policy does not erase strike memory.
TEST(Reevaluation, AShortWindowPolicyInBetweenLosesNoStrikes) {
  auto standard = MustCompile(kDefaultPolicyYaml);
  auto short_windows = MustCompile(kShortWindows);
  std::map<std::string, const Policy*> known = {{standard->version(), standard.get()},
                                                {short_windows->version(), short_windows.get()}};
  MiniLedger seller(v1::SELLER);
  const absl::Time now = Days(kStart, 500);
  seller.Report(*standard, known, Facts("counterfeit_confirmed", Days(kStart, 100)),
                Days(kStart, 100));
  seller.Report(*standard, known, Facts("counterfeit_confirmed", Days(kStart, 200)),
                Days(kStart, 200));
  // Under the short-window policy one report arrives...
  seller.Report(*short_windows, known, Facts("misleading_listing", Days(kStart, 450)),
                Days(kStart, 450));
  // ...and back under the standard pack the third strike within 730 days still revokes.
  v1::Decision d = seller.Report(*standard, known, Facts("counterfeit_confirmed", now), now);
  EXPECT_EQ(d.standing_after(), v1::REVOKED);
  bool strikes = false;
  for (const v1::RuleFiring& f : d.rules_fired())
    strikes |= f.rule_id() == "counterfeit-three-strikes";
  EXPECT_TRUE(strikes);
}

TEST(Reevaluation, IssuesAndLiftsWhatTheNewPolicyWouldHaveInForceNow) {
  auto loose = MustCompile(
      "policy: loose\ncategories: {spam: {points: 1}}\n"
      "milestones: {seller: [{id: warn, at: 4, actions: [{type: warning, duration: 30d}]}]}\n");
  auto tight = MustCompile(
      "policy: tight\ncategories: {spam: {points: 1}}\n"
      "milestones: {seller: [{id: warn, at: 2, actions: [{type: warning, duration: 30d}]}]}\n");
  std::map<std::string, const Policy*> known = {{loose->version(), loose.get()},
                                                {tight->version(), tight.get()}};
  MiniLedger seller(v1::SELLER);
  seller.Report(*loose, known, Facts("spam", kStart), kStart);
  seller.Report(*loose, known, Facts("spam", kStart), kStart);
  EXPECT_EQ(seller.state().actions_size(), 0);
  seller.Reevaluate(*tight, known, Days(kStart, 1));
  const v1::Reevaluation& r = seller.log()[seller.log().size() - 2].reevaluation();
  EXPECT_EQ(r.policy_version(), tight->version());
  EXPECT_EQ(r.previous_policy_version(), loose->version());
  ASSERT_EQ(r.actions_issued_size(), 1);
  EXPECT_EQ(r.actions_issued(0).action_id(), "r5/SELLER/1");
  EXPECT_EQ(r.standing_after(), v1::WARNED);
  // Back to the loose policy: the warning is lifted, recorded as such.
  seller.Reevaluate(*loose, known, Days(kStart, 2));
  const v1::LedgerEntry& last = seller.log().back();
  ASSERT_TRUE(last.has_lift());
  EXPECT_EQ(last.lift().action().action_id(), "r5/SELLER/1");
  EXPECT_NE(last.lift().reason().find("would not have it in force now"), std::string::npos);
  EXPECT_EQ(SummarizeStanding(*loose, seller.state(), Days(kStart, 2)).standing, v1::GOOD_STANDING);
}

TEST(Reevaluation, IssuesOnlyTheEffectiveActions) {
  auto lax = MustCompile("policy: lax\ncategories: {spam: {points: 2}}\n");
  auto strict = MustCompile(R"(policy: strict
categories: {spam: {points: 2}}
milestones:
  seller:
    - {id: warn-2, at: 2, actions: [{type: warning, duration: 10d}]}
    - {id: restrict-4, at: 4, actions: [{type: restrict_feature, feature: ads, duration: 10d}]}
    - {id: suspend-6, at: 6, actions: [{type: suspend, duration: 10d}]}
)");
  std::map<std::string, const Policy*> known = {{lax->version(), lax.get()},
                                                {strict->version(), strict.get()}};
  MiniLedger seller(v1::SELLER);
  for (int i = 0; i < 3; ++i) seller.Report(*lax, known, Facts("spam", kStart), kStart);
  seller.Reevaluate(*strict, known, Days(kStart, 1));
  const v1::Reevaluation& r = seller.log()[seller.log().size() - 2].reevaluation();
  // The replay has all three in force until the points expire; the suspension covers the rest.
  ASSERT_EQ(r.actions_issued_size(), 1) << r.ShortDebugString();
  EXPECT_EQ(r.actions_issued(0).type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(r.superseded_size(), 2);
  EXPECT_EQ(r.standing_after(), v1::SUSPENDED);
}

TEST(Reevaluation, PointsBeforeAreThoseOfThePreviousPolicy) {
  auto longer =
      MustCompile("policy: long\ndefault_window: 365d\ncategories: {spam: {points: 2}}\n");
  auto shorter =
      MustCompile("policy: short\ndefault_window: 30d\ncategories: {spam: {points: 2}}\n");
  std::map<std::string, const Policy*> known = {{longer->version(), longer.get()},
                                                {shorter->version(), shorter.get()}};
  MiniLedger seller(v1::SELLER);
  for (int i = 0; i < 5; ++i) {
    seller.Report(*longer, known, Facts("spam", Days(kStart, 40 * i)), Days(kStart, 40 * i));
  }
  seller.Reevaluate(*shorter, known, Days(kStart, 161));
  const v1::Reevaluation& r = seller.log()[seller.log().size() - 1].reevaluation();
  EXPECT_EQ(r.active_points_before(), 10) << "all five under the 365-day policy";
  EXPECT_EQ(r.active_points(), 2) << "only the last one is within 30 days under the new one";
}

// Policies the property test switches between: same categories, different ladders and windows.
constexpr char kPolicyB[] = R"yaml(
policy: alternative
default_window: 60d
categories:
  counterfeit_confirmed: {points: 12, window: 90d, ledgers: [seller, creator], take_down: true}
  ip_complaint_valid: {points: 5, window: 60d, ledgers: [seller, creator], take_down: true}
  misleading_listing: {points: 3}
  customer_abuse: {points: 6}
milestones:
  seller:
    - {id: warn-5, at: 5, repeat: on_crossing, actions: [{type: warning, duration: 20d}]}
    - {id: restrict-10, at: 10, repeat: each_violation,
       actions: [{type: restrict_feature, feature: new_listings, duration: 10d}]}
    - {id: suspend-20, at: 20, actions: [{type: suspend, duration: 14d}]}
count_rules:
  - id: same-holder-two
    match: {categories: [ip_complaint_valid], same_rights_holder: true}
    at_least: 2
    within: 60d
    repeat: on_crossing
    actions: [{type: suspend, duration: 7d}]
regions:
  PH:
    thresholds: {warn-5: 3}
)yaml";

struct RandomReport {
  int day;
  std::string category;
  std::string region;
  std::string holder;
  int backdate_days;
};

std::vector<RandomReport> RandomReports(std::mt19937& rng, int n) {
  const std::vector<std::string> categories = {"counterfeit_confirmed", "ip_complaint_valid",
                                               "misleading_listing", "customer_abuse"};
  const std::vector<std::string> regions = {"", "US", "TW", "PH"};
  std::vector<RandomReport> out;
  int day = 0;
  for (int i = 0; i < n; ++i) {
    day += std::uniform_int_distribution<int>(0, 40)(rng);
    out.push_back({day, categories[rng() % categories.size()], regions[rng() % regions.size()],
                   absl::StrCat("holder-", rng() % 3),
                   std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? int(rng() % 200) : 0});
  }
  return out;
}

// The property: for random reports (categories, regions, rights holders, backdated times) and
// random policy switches, (1) the stored state equals the fold of the ledger under the recorded
// policies, with every recorded decision re-running identically, and (2) switching A -> B -> A
// ends with the same standing as never switching.
TEST(Reevaluation, RandomHistoriesFoldExactlyAndSwitchingBackEqualsNeverSwitching) {
  auto a = MustCompile(kDefaultPolicyYaml);
  auto b = MustCompile(kPolicyB);
  std::map<std::string, const Policy*> known = {{a->version(), a.get()}, {b->version(), b.get()}};
  auto resolve = [&](const std::string& v) -> const Policy* {
    auto it = known.find(v);
    return it == known.end() ? nullptr : it->second;
  };
  for (int seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    const std::vector<RandomReport> reports = RandomReports(rng, 25);
    const v1::SubjectKind kind = seed % 3 == 0 ? v1::CREATOR : v1::SELLER;
    MiniLedger never(kind), switching(kind);
    for (size_t i = 0; i < reports.size(); ++i) {
      const RandomReport& r = reports[i];
      const absl::Time now = Days(kStart, r.day) + absl::Minutes(i);
      const ViolationFacts f = Facts(r.category, Days(now, -r.backdate_days), r.region, r.holder);
      never.Report(*a, known, f, now);
      // The switching subject spends the middle third of its reports under B.
      const bool under_b = i >= reports.size() / 3 && i < 2 * reports.size() / 3;
      switching.Report(under_b ? *b : *a, known, f, now);
    }
    const absl::Time end = Days(kStart, reports.back().day + 1);
    switching.Reevaluate(*a, known, end);
    EXPECT_EQ(testing::EffectiveStanding(*a, switching.state(), end),
              testing::EffectiveStanding(*a, never.state(), end))
        << "seed " << seed;

    for (const MiniLedger* ledger : {&never, &switching}) {
      FoldResult fold = FoldLedger(resolve, ledger->state().subject(), ledger->log(), end);
      EXPECT_TRUE(fold.disagreements.empty()) << "seed " << seed << ": " << fold.disagreements[0];
      v1::SubjectState stored = ledger->state();
      PruneState(resolve(stored.policy_version()), end, &stored);
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(fold.state, stored))
          << "seed " << seed << "\nfold:   " << fold.state.ShortDebugString()
          << "\nstored: " << stored.ShortDebugString();
    }
  }
}

}  // namespace
}  // namespace enforcer
