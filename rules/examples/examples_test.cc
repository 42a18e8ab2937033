// The example packs in rules/examples/ (linked from docs/policy-language.md, "Example packs"):
// each compiles with no diagnostics (no lint warnings either), names every category for sellers,
// and, replayed with the real evaluator (and the remedies and propagation functions the Cases
// service calls) on short realistic scenarios, escalates the way its header comment says the
// marketplace it models does.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/test_files.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/remedies.h"

namespace enforcer {
namespace {

const std::vector<std::string> kPacks = {"tiktok_shop_points.yaml", "shopee_quarterly.yaml",
                                         "amazon_count_overrides.yaml", "alibaba_strikes.yaml",
                                         "lazada_cycles.yaml"};

// "2026-03-02 12:00" (UTC).
absl::Time At(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", text, absl::UTCTimeZone(), &t, &error))
      << text << ": " << error;
  return t;
}

std::string Diagnostics(const ParseResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

ParseResult ParsePack(const std::string& file) {
  const std::string text = ReadFileToString(RunfilePath(absl::StrCat("rules/examples/", file)));
  EXPECT_FALSE(text.empty()) << "cannot read rules/examples/" << file;
  return ParsePolicy(text, file);
}

struct Report {
  std::string category;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::string region;
  std::string rights_holder;
  std::string right;
  std::string notice;
  std::string object_id;
  std::map<std::string, std::string> attributes;
  // When the violation occurred, if before the report (a late report).
  std::optional<absl::Time> occurred;
};

// One seller under one pack, reported on as the engine does (default severity filled in).
class Seller {
 public:
  explicit Seller(const std::string& pack, const std::string& id = "") {
    ParseResult r = ParsePack(pack);
    EXPECT_NE(r.policy, nullptr) << Diagnostics(r);
    policy_ = r.policy;
    state_.mutable_subject()->set_kind(v1::SELLER);
    state_.mutable_subject()->set_id(id.empty() ? absl::StrCat("seller-of-", pack) : id);
  }

  const Policy& policy() const { return *policy_; }
  bool ok() const { return policy_ != nullptr; }

  v1::Decision Report(const enforcer::Report& r, absl::Time now) {
    const CategoryPolicy* category = policy_->FindCategory(r.category);
    EXPECT_NE(category, nullptr) << r.category;
    ViolationFacts f;
    f.violation_id = absl::StrCat("v", ++violations_);
    f.category = r.category;
    f.severity = r.severity;
    if (category != nullptr && category->points_by_severity &&
        f.severity == v1::SEVERITY_UNSPECIFIED) {
      f.severity = category->default_severity;
    }
    f.source = v1::SOURCE_LISTING;
    f.region = r.region;
    f.rights_holder_id = r.rights_holder;
    f.right_id = r.right;
    f.notice_id = r.notice;
    f.object_id = r.object_id.empty() && category != nullptr && category->take_down
                      ? absl::StrCat("listing-", violations_)
                      : r.object_id;
    f.attributes = r.attributes;
    f.occurred_at = r.occurred.value_or(now);
    f.recorded_at = now;  // as the engine records it
    Evaluation e = EvaluateViolation(*policy_, state_, f, now);
    state_ = std::move(e.state);
    return e.decision;
  }

  // Records the pack's remedy `id` about `violation_id` ("" for none), as Cases.RecordRemedy
  // does: refused (nullopt) while the remedy's once_every term has not passed.
  std::optional<v1::Remedy> Remedy(const std::string& id, const std::string& violation_id,
                                   absl::Time now) {
    const RemedyPolicy* remedy = policy_->FindRemedy(id);
    EXPECT_NE(remedy, nullptr) << id;
    if (remedy == nullptr || RemedyNotBefore(*remedy, state_, now).has_value()) return std::nullopt;
    RemedyOutcome out = ApplyRemedy(*policy_, *remedy, state_, violation_id, now);
    state_ = std::move(out.state);
    return out.record;
  }

  // What this seller receives when `action` is issued to the linked subject `source`, as the
  // engine does for linked subjects (only the action types the pack propagates).
  v1::Propagation Receive(const v1::Subject& source, const v1::Action& action,
                          const std::string& link_reason, absl::Time now) {
    if (!policy_->Propagates(action.type())) return v1::Propagation();
    PropagationOutcome out = Propagate(*policy_, state_, source, action, link_reason, now, "p1");
    state_ = std::move(out.state);
    return out.record;
  }

  const v1::Subject& subject() const { return state_.subject(); }
  StandingSummary Standing(absl::Time now) const {
    return SummarizeStanding(*policy_, state_, now);
  }

 private:
  std::shared_ptr<const Policy> policy_;
  v1::SubjectState state_;
  int violations_ = 0;
};

// The subject actions of a decision (take-downs left out), as "TYPE" or "TYPE/feature".
std::vector<std::string> Issued(const v1::Decision& d) {
  std::vector<std::string> out;
  for (const v1::Action& a : d.actions()) {
    if (a.type() == v1::ACTION_TAKE_DOWN) continue;
    out.push_back(a.feature().empty()
                      ? v1::ActionType_Name(a.type())
                      : absl::StrCat(v1::ActionType_Name(a.type()), "/", a.feature()));
  }
  return out;
}

const v1::Action* Find(const v1::Decision& d, v1::ActionType type) {
  for (const v1::Action& a : d.actions()) {
    if (a.type() == type) return &a;
  }
  return nullptr;
}

const v1::RuleFiring* FiredRule(const v1::Decision& d, const std::string& rule_id) {
  for (const v1::RuleFiring& f : d.rules_fired()) {
    if (f.rule_id() == rule_id) return &f;
  }
  return nullptr;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Every pack.

TEST(ExamplePacks, EachCompilesWithoutDiagnosticsAndNamesEverythingForSellers) {
  for (const std::string& pack : kPacks) {
    SCOPED_TRACE(pack);
    const ParseResult r = ParsePack(pack);
    EXPECT_TRUE(r.diagnostics.empty()) << Diagnostics(r);
    ASSERT_NE(r.policy, nullptr);
    // Every category and remedy gives the name sellers read (the parser would derive one from
    // the id).
    const std::string text = ReadFileToString(RunfilePath(absl::StrCat("rules/examples/", pack)));
    int display_names = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      display_names += absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "display_name:");
    }
    EXPECT_EQ(display_names,
              static_cast<int>(r.policy->categories().size() + r.policy->remedies().size()));
    // Each pack states how to appeal.
    EXPECT_NE(r.policy->appeals().instructions, AppealTerms().instructions);
  }
}

// ---------------------------------------------------------------------------------------------
// TikTok Shop: a 48-point ladder, IP points by units or GMV, a pending suspension at 36.

TEST(TikTokShopPoints, CounterfeitsAreScoredByUnitsAndTwoLargeOnesCloseTheStore) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  const Report big{.category = "counterfeit", .attributes = {{"quantity", "150"}}};
  const v1::Decision first = seller.Report(big, At("2026-03-02 12:00"));
  EXPECT_EQ(first.points_added(), 24);
  EXPECT_EQ(Issued(first), (Strings{"ACTION_WARNING", "ACTION_RESTRICT_FEATURE/campaigns",
                                    "ACTION_RESTRICT_FEATURE/affiliate"}));
  EXPECT_EQ(first.standing_after(), v1::RESTRICTED);
  const v1::Action* campaigns = Find(first, v1::ACTION_RESTRICT_FEATURE);
  ASSERT_NE(campaigns, nullptr);
  EXPECT_EQ(campaigns->reason(),
            "Joining campaigns and promotions restricted until 2026-05-31 00:00 UTC: Your shop is "
            "at risk of suspension (active violation points reached 24 (+24 for 'Counterfeit "
            "goods'), crossing the 24-point milestone)");
  EXPECT_FALSE(absl::StrContains(campaigns->notice(), "counterfeit'")) << campaigns->notice();

  const v1::Decision second = seller.Report(big, At("2026-03-09 12:00"));
  EXPECT_EQ(second.points_added(), 24);
  EXPECT_EQ(second.active_points(), 48);
  EXPECT_EQ(Issued(second), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(second.standing_after(), v1::DEACTIVATED);
}

TEST(TikTokShopPoints, IpPointsFollowTheBandsWithinTheirRange) {
  auto points = [](const Report& r) {
    Seller fresh("tiktok_shop_points.yaml");
    return fresh.ok() ? fresh.Report(r, At("2026-03-02 12:00")).points_added() : -1;
  };
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "3"}}}), 6);
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "99"}}}), 12);
  EXPECT_EQ(points({.category = "counterfeit", .attributes = {{"quantity", "100"}}}), 24);
  EXPECT_EQ(points({.category = "counterfeit"}), 12) << "no quantity: the default";
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "40"}}}), 1);
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "2500"}}}), 12);
  EXPECT_EQ(points({.category = "ip_infringement", .attributes = {{"gmv_usd", "250000"}}}), 48);
  EXPECT_EQ(points({.category = "reproduced_content"}), 48);
}

TEST(TikTokShopPoints, TheSevereMilestoneSuspendsAfterA72HourGrace) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_product", .severity = v1::SEVERITY_HIGH},
                At("2026-03-02 12:00"));  // 24
  seller.Report({.category = "not_as_described", .severity = v1::SEVERITY_MEDIUM},
                At("2026-03-03 12:00"));  // 30
  const v1::Decision d =
      seller.Report({.category = "missing_qualification"}, At("2026-03-04 12:00"));  // 36
  EXPECT_EQ(d.active_points(), 36);
  const v1::Action* suspension = Find(d, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(FromProtoTime(suspension->effective_at()), At("2026-03-07 12:00"));
  EXPECT_EQ(FromProtoTime(suspension->expires_at()), At("2026-03-14 12:00"));
  EXPECT_EQ(suspension->reason(),
            "Selling suspended from 2026-03-07 12:00 UTC for 7 days, unless corrected first: "
            "Severe violations suspend selling (active violation points reached 36 (+6 for "
            "'Missing qualification or licence'), crossing the 36-point milestone)");
  EXPECT_TRUE(absl::StrContains(suspension->notice(),
                                "It takes effect on 2026-03-07 12:00 UTC unless the violation is "
                                "corrected or appealed before then. You can appeal until "
                                "2026-04-03 12:00 UTC: Appeal in Seller Center"))
      << suspension->notice();
  // Pending: the shop is restricted, not suspended, until the grace ends.
  EXPECT_EQ(d.standing_after(), v1::RESTRICTED);
  const StandingSummary during = seller.Standing(At("2026-03-07 11:00"));
  EXPECT_EQ(during.standing, v1::RESTRICTED);
  ASSERT_EQ(during.pending_actions.size(), 1u);
  EXPECT_EQ(seller.Standing(At("2026-03-07 13:00")).standing, v1::SUSPENDED);
  EXPECT_EQ(seller.Standing(At("2026-03-14 13:00")).standing, v1::RESTRICTED);
}

TEST(TikTokShopPoints, ACorrectionBeforeTheDeadlineCancelsThePendingSuspension) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_product", .severity = v1::SEVERITY_HIGH},
                At("2026-03-02 12:00"));  // 24
  seller.Report({.category = "not_as_described", .severity = v1::SEVERITY_MEDIUM},
                At("2026-03-03 12:00"));  // 30
  const v1::Decision d =
      seller.Report({.category = "missing_qualification"}, At("2026-03-04 12:00"));  // 36
  ASSERT_NE(Find(d, v1::ACTION_SUSPEND), nullptr);
  // Once per crossing: a further violation at 37 points asks for nothing more.
  const v1::Decision more =
      seller.Report({.category = "listing_guidelines"}, At("2026-03-05 12:00"));
  EXPECT_EQ(more.active_points(), 37);
  EXPECT_EQ(Find(more, v1::ACTION_SUSPEND), nullptr);
  // Correcting another violation cancels nothing; correcting the one that issued it does.
  std::optional<v1::Remedy> other =
      seller.Remedy("violation_corrected", more.violation_id(), At("2026-03-06 12:00"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->actions_ended_size(), 0);
  std::optional<v1::Remedy> corrected =
      seller.Remedy("violation_corrected", d.violation_id(), At("2026-03-06 13:00"));
  ASSERT_TRUE(corrected.has_value());
  ASSERT_EQ(corrected->actions_ended_size(), 1);
  EXPECT_EQ(corrected->actions_ended(0).action().type(), v1::ACTION_SUSPEND);
  EXPECT_EQ(corrected->actions_ended(0).reason(),
            "cancelled before it took effect: Violation corrected");
  EXPECT_EQ(corrected->points_restored(), 0);
  EXPECT_EQ(seller.Standing(At("2026-03-07 13:00")).standing, v1::RESTRICTED);
  EXPECT_TRUE(seller.Standing(At("2026-03-07 13:00")).pending_actions.empty());
}

TEST(TikTokShopPoints, AQuizRestoresFourPointsAtMostOnceEvery90Days) {
  Seller seller("tiktok_shop_points.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first = seller.Report(
      {.category = "prohibited_product", .severity = v1::SEVERITY_HIGH}, At("2026-03-02 12:00"));
  EXPECT_EQ(first.active_points(), 24);
  std::optional<v1::Remedy> quiz = seller.Remedy("policy_quiz", "", At("2026-03-10 12:00"));
  ASSERT_TRUE(quiz.has_value());
  EXPECT_EQ(quiz->points_restored(), 4);
  EXPECT_EQ(quiz->active_points(), 20);
  EXPECT_EQ(quiz->actions_ended_size(), 0) << "a quiz ends no action";
  EXPECT_EQ(quiz->standing_after(), v1::RESTRICTED);
  EXPECT_FALSE(seller.Remedy("policy_quiz", "", At("2026-04-01 12:00")).has_value())
      << "once every 90 days";
  const v1::Decision later =
      seller.Report({.category = "knock_off"}, At("2026-04-02 12:00"));  // 1 point
  EXPECT_EQ(later.active_points_before(), 20);
  EXPECT_EQ(later.active_points(), 21);
  // 90 days after the first quiz: the 24 points it was taken from have expired (05-31), and a
  // quiz restores at most the points active then (1).
  std::optional<v1::Remedy> again = seller.Remedy("policy_quiz", "", At("2026-06-08 12:00"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->active_points_before(), 1);
  EXPECT_EQ(again->points_restored(), 1);
  EXPECT_EQ(again->active_points(), 0);
}

// ---------------------------------------------------------------------------------------------
// Shopee: points reset every quarter; 28-day tiers; spam capped at 2 points a day.

TEST(ShopeeQuarterly, TiersAddUpWithinTheQuarterAndResetWithIt) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  EXPECT_TRUE(
      Issued(seller.Report({.category = "prohibited_listing"}, At("2026-09-01 12:00"))).empty());
  const v1::Decision three =
      seller.Report({.category = "late_shipment_rate"}, At("2026-09-07 12:00"));
  EXPECT_EQ(three.active_points(), 3);
  EXPECT_EQ(Issued(three), Strings{"ACTION_RESTRICT_FEATURE/campaigns"});
  const v1::Action& campaigns = three.actions(0);
  EXPECT_EQ(FromProtoTime(campaigns.expires_at()), At("2026-10-05 12:00")) << "28 days";
  EXPECT_EQ(campaigns.reason(),
            "Joining campaigns and promotions restricted for 28 days: active violation points "
            "reached 3 (+1 for 'High late-shipment rate'), crossing the 3-point milestone");

  const v1::Decision six =
      seller.Report({.category = "prohibited_listing"}, At("2026-09-14 12:00"));
  EXPECT_EQ(six.active_points(), 5);
  const v1::Decision seven =
      seller.Report({.category = "non_fulfilment_rate"}, At("2026-09-14 13:00"));
  EXPECT_EQ(seven.active_points(), 6);
  EXPECT_EQ(Issued(seven), (Strings{"ACTION_RESTRICT_FEATURE/campaigns",
                                    "ACTION_RESTRICT_FEATURE/shipping_rebates",
                                    "ACTION_RESTRICT_FEATURE/search_ranking"}))
      << "each violation at or above a tier starts its 28 days again";

  // The quarter ends on 2026-09-30: on 2026-10-01 every point is gone.
  const v1::Decision next_quarter =
      seller.Report({.category = "prohibited_listing"}, At("2026-10-01 12:00"));
  EXPECT_EQ(next_quarter.active_points_before(), 0);
  EXPECT_EQ(next_quarter.active_points(), 2);
  EXPECT_TRUE(Issued(next_quarter).empty());
  // The restrictions run their 28 days regardless.
  EXPECT_EQ(next_quarter.standing_after(), v1::RESTRICTED);
}

TEST(ShopeeQuarterly, SpamListingsAddAtMostTwoPointsADay) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  std::vector<int> added;
  for (int i = 0; i < 5; ++i) {
    added.push_back(
        seller.Report({.category = "spam_listing"}, At("2026-08-03 12:00")).points_added());
  }
  EXPECT_EQ(added, (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_EQ(seller.Report({.category = "spam_listing"}, At("2026-08-04 12:00")).points_added(), 1);
}

TEST(ShopeeQuarterly, FifteenPointsFreezeTheAccountAndCounterfeitsFreezeItSooner) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  v1::Decision d;
  for (int day = 1; day <= 8; ++day) {
    d = seller.Report({.category = "prohibited_listing"},
                      At(absl::StrCat("2026-07-0", day, " 12:00")));
  }
  EXPECT_EQ(d.active_points(), 16);
  EXPECT_EQ(Issued(d), Strings{"ACTION_SUSPEND"})
      << "the 28-day freeze covers every lower tier, which runs as long";
  EXPECT_EQ(d.standing_after(), v1::SUSPENDED);

  Seller fake("shopee_quarterly.yaml");
  ASSERT_TRUE(fake.ok());
  fake.Report({.category = "counterfeit_ip_listing"}, At("2026-04-06 12:00"));
  fake.Report({.category = "counterfeit_ip_listing"}, At("2026-05-11 12:00"));
  const v1::Decision third =
      fake.Report({.category = "counterfeit_ip_listing"}, At("2026-06-15 12:00"));
  EXPECT_EQ(Issued(third), Strings{"ACTION_SUSPEND"});
  ASSERT_EQ(third.rules_fired_size(), 2);
  EXPECT_EQ(third.rules_fired(0).rule_id(), "tier-3-no-campaigns") << "3 points, too";
  EXPECT_EQ(third.rules_fired(1).rule_id(), "counterfeit-freeze-3");
  for (const char* date : {"2026-06-16", "2026-06-17"}) {
    fake.Report({.category = "counterfeit_ip_listing"}, At(absl::StrCat(date, " 12:00")));
  }
  const v1::Decision sixth =
      fake.Report({.category = "counterfeit_ip_listing"}, At("2026-06-18 12:00"));
  EXPECT_EQ(Issued(sixth), Strings{"ACTION_DEACTIVATE_STORE"});
}

TEST(ShopeeQuarterly, OrderFraudFreezesTheAccountIndefinitely) {
  Seller seller("shopee_quarterly.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "order_fraud"}, At("2026-08-03 12:00"));
  EXPECT_EQ(d.points_added(), 0);
  ASSERT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_FALSE(d.actions(0).has_expires_at());
}

// ---------------------------------------------------------------------------------------------
// Amazon: health points over 180 days, count rules that override health, a 72-hour grace.

TEST(AmazonCountOverrides, FiveInfringementsDeactivateWhateverTheHealth) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const std::vector<std::string> dates = {"2026-01-05", "2026-02-09", "2026-03-16", "2026-04-20"};
  for (const std::string& date : dates) {
    const v1::Decision d =
        seller.Report({.category = "ip_complaint_received", .severity = v1::SEVERITY_LOW},
                      At(absl::StrCat(date, " 12:00")));
    EXPECT_EQ(d.standing_after(), v1::WARNED) << date;
  }
  const v1::Decision fifth = seller.Report(
      {.category = "ip_complaint_received", .severity = v1::SEVERITY_LOW}, At("2026-05-25 12:00"));
  EXPECT_EQ(fifth.active_points(), 50) << "health lost: at risk, far from the deactivation line";
  EXPECT_EQ(Issued(fifth), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(fifth.actions(0).reason(),
            "Store deactivated: Five intellectual-property infringements within 180 days "
            "deactivate the account (5 'Product authenticity complaint' or 'Received "
            "intellectual-property complaint' violations within 180 days reached the limit of 5)");
}

TEST(AmazonCountOverrides, BelowTheDeactivationLineTheSuspensionWaits72Hours) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-02 12:00"));
  EXPECT_EQ(Issued(first), Strings{"ACTION_WARNING"});
  const v1::Decision second =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  EXPECT_EQ(second.active_points(), 200);
  const v1::Action* suspension = Find(second, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(FromProtoTime(suspension->effective_at()), At("2026-03-06 12:00"));
  EXPECT_EQ(FromProtoTime(suspension->expires_at()), At("2026-06-04 12:00"));
  EXPECT_EQ(second.standing_after(), v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 11:59")).standing, v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::SUSPENDED);
  // A further violation below the line does not issue it again (once per crossing).
  const v1::Decision third = seller.Report({.category = "listing_policy"}, At("2026-03-10 12:00"));
  EXPECT_TRUE(Find(third, v1::ACTION_SUSPEND) == nullptr);
  EXPECT_EQ(third.standing_after(), v1::SUSPENDED);
}

TEST(AmazonCountOverrides, RegionOverridesTuneTheCountRules) {
  // JP: three infringements are enough.
  Seller jp("amazon_count_overrides.yaml"), elsewhere("amazon_count_overrides.yaml");
  ASSERT_TRUE(jp.ok() && elsewhere.ok());
  v1::Decision in_jp, in_us;
  for (const char* date : {"2026-01-05", "2026-02-09", "2026-03-16"}) {
    in_jp = jp.Report({.category = "ip_complaint_received", .region = "JP"},
                      At(absl::StrCat(date, " 12:00")));
    in_us = elsewhere.Report({.category = "ip_complaint_received", .region = "US"},
                             At(absl::StrCat(date, " 12:00")));
  }
  EXPECT_EQ(Issued(in_jp), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_TRUE(absl::StrContains(in_jp.rules_fired(0).reason(), "reached the limit of 3"))
      << in_jp.rules_fired(0).reason();
  EXPECT_TRUE(Find(in_us, v1::ACTION_DEACTIVATE_STORE) == nullptr);

  // DE: restricted products are looked at over a year, not 180 days.
  Seller de("amazon_count_overrides.yaml"), fr("amazon_count_overrides.yaml");
  ASSERT_TRUE(de.ok() && fr.ok());
  de.Report({.category = "restricted_product", .region = "DE"}, At("2026-01-12 12:00"));
  fr.Report({.category = "restricted_product", .region = "FR"}, At("2026-01-12 12:00"));
  const v1::Decision de_later =
      de.Report({.category = "restricted_product", .region = "DE"}, At("2026-09-07 12:00"));
  const v1::Decision fr_later =
      fr.Report({.category = "restricted_product", .region = "FR"}, At("2026-09-07 12:00"));
  EXPECT_EQ(Issued(de_later), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_TRUE(Find(fr_later, v1::ACTION_DEACTIVATE_STORE) == nullptr)
      << "238 days apart: outside the base 180 days";
}

TEST(AmazonCountOverrides, SuspectedFraudDeactivatesAtOnce) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "fraud_or_deception"}, At("2026-03-02 12:00"));
  EXPECT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
}

TEST(AmazonCountOverrides, ACorrectedListingCancelsThePendingSuspension) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                At("2026-03-02 12:00"));
  const v1::Decision below =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  ASSERT_NE(Find(below, v1::ACTION_SUSPEND), nullptr);
  std::optional<v1::Remedy> corrected =
      seller.Remedy("listing_corrected", below.violation_id(), At("2026-03-05 12:00"));
  ASSERT_TRUE(corrected.has_value());
  ASSERT_EQ(corrected->actions_ended_size(), 1);
  EXPECT_EQ(corrected->actions_ended(0).reason(),
            "cancelled before it took effect: Listing corrected");
  EXPECT_EQ(corrected->standing_after(), v1::WARNED);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::WARNED);
  // The health lost stays lost: a correction restores no points here.
  EXPECT_EQ(corrected->active_points(), 200);
}

TEST(AmazonCountOverrides, ACorrectionAfterTheDeadlineEndsNothing) {
  Seller seller("amazon_count_overrides.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                At("2026-03-02 12:00"));
  const v1::Decision below =
      seller.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                    At("2026-03-03 12:00"));
  std::optional<v1::Remedy> late =
      seller.Remedy("listing_corrected", below.violation_id(), At("2026-03-06 12:00"));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->actions_ended_size(), 0);
  EXPECT_EQ(seller.Standing(At("2026-03-06 12:00")).standing, v1::SUSPENDED);
}

TEST(AmazonCountOverrides, ADeactivationReachesRelatedAccountsASuspensionDoesNot) {
  Seller closed("amazon_count_overrides.yaml", "a-1"),
      related("amazon_count_overrides.yaml", "b-1");
  ASSERT_TRUE(closed.ok() && related.ok());
  const v1::Decision fraud =
      closed.Report({.category = "fraud_or_deception"}, At("2026-03-02 12:00"));
  const v1::Action* deactivation = Find(fraud, v1::ACTION_DEACTIVATE_STORE);
  ASSERT_NE(deactivation, nullptr);
  const v1::Propagation p =
      related.Receive(closed.subject(), *deactivation, "same bank account", At("2026-03-02 12:00"));
  ASSERT_EQ(p.actions_issued_size(), 1);
  const v1::Action& received = p.actions_issued(0);
  EXPECT_EQ(received.type(), v1::ACTION_DEACTIVATE_STORE);
  EXPECT_EQ(received.rule_id(), kLinkedSubjectRuleId);
  EXPECT_FALSE(received.has_expires_at());
  EXPECT_EQ(received.reason(), absl::StrCat("Store deactivated: the linked seller account 'a-1' "
                                            "received it (",
                                            deactivation->reason(), ")"));
  EXPECT_TRUE(absl::StrContains(received.notice(),
                                "It follows the same action on the seller account 'a-1', which is "
                                "recorded as having the same owner (same bank account)."))
      << received.notice();
  EXPECT_EQ(related.Standing(At("2026-03-02 13:00")).standing, v1::DEACTIVATED);

  // A suspension below the health line stays with the account that earned it.
  Seller suspended("amazon_count_overrides.yaml", "a-2"),
      other("amazon_count_overrides.yaml", "b-2");
  ASSERT_TRUE(suspended.ok() && other.ok());
  suspended.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                   At("2026-03-02 12:00"));
  const v1::Decision below =
      suspended.Report({.category = "authenticity_complaint", .severity = v1::SEVERITY_CRITICAL},
                       At("2026-03-03 12:00"));
  const v1::Action* suspension = Find(below, v1::ACTION_SUSPEND);
  ASSERT_NE(suspension, nullptr);
  EXPECT_EQ(
      other.Receive(suspended.subject(), *suspension, "same bank account", At("2026-03-03 12:00"))
          .actions_issued_size(),
      0);
  EXPECT_EQ(other.Standing(At("2026-03-07 12:00")).standing, v1::GOOD_STANDING);
}

// ---------------------------------------------------------------------------------------------
// Alibaba: strikes per IP right and per rights holder, serious violations merged within 3 days,
// general points capped at 6 a day.

TEST(AlibabaStrikes, ThreeInfringementsOfOneRightCloseTheStoreThreeOfDifferentRightsDoNot) {
  Seller one_right("alibaba_strikes.yaml"), three_rights("alibaba_strikes.yaml");
  ASSERT_TRUE(one_right.ok() && three_rights.ok());
  const std::vector<std::string> dates = {"2026-03-02", "2026-04-06", "2026-05-11"};
  v1::Decision same, different;
  for (size_t i = 0; i < dates.size(); ++i) {
    const absl::Time when = At(absl::StrCat(dates[i], " 12:00"));
    const std::string holder = absl::StrCat("holder-", i);
    same = one_right.Report(
        {.category = "general_infringement", .rights_holder = holder, .right = "tm-100"}, when);
    different = three_rights.Report({.category = "general_infringement",
                                     .rights_holder = holder,
                                     .right = absl::StrCat("tm-", i)},
                                    when);
  }
  EXPECT_EQ(Issued(same), Strings{"ACTION_DEACTIVATE_STORE"});
  EXPECT_EQ(same.actions(1).reason(),
            "Store deactivated: Three infringements of one intellectual-property right close the "
            "store (3 'General intellectual-property infringement' or 'Serious infringement "
            "(counterfeit)' violations against right 'tm-100' within 365 days reached the limit "
            "of 3)");
  EXPECT_TRUE(Issued(different).empty());
  EXPECT_EQ(different.active_points(), 6);
  EXPECT_EQ(different.standing_after(), v1::GOOD_STANDING);
}

TEST(AlibabaStrikes, SeriousViolationsWithinOneThreeDayBlockCountOnce) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  // 2026-03-02 is day 20514 since 1970-01-01, a multiple of 3: 03-02..03-04 is one block.
  std::vector<int> added;
  for (const char* when : {"2026-03-02 09:00", "2026-03-02 15:00", "2026-03-04 20:00"}) {
    const v1::Decision d =
        seller.Report({.category = "serious_infringement", .right = "tm-1"}, At(when));
    added.push_back(d.points_added());
    EXPECT_EQ(FiredRule(d, "serious-three-strikes"), nullptr) << when;
    EXPECT_EQ(FiredRule(d, "same-right-three"), nullptr) << when << ": one infringement of tm-1";
  }
  EXPECT_EQ(added, (std::vector<int>{12, 0, 0}));
  // The next block is a second strike; a third block, a third strike: a permanent ban.
  const v1::Decision second =
      seller.Report({.category = "serious_infringement", .right = "tm-2"}, At("2026-03-05 09:00"));
  EXPECT_EQ(second.points_added(), 12);
  EXPECT_EQ(FiredRule(second, "serious-three-strikes"), nullptr);
  const v1::Decision third =
      seller.Report({.category = "serious_infringement", .right = "tm-3"}, At("2026-03-08 09:00"));
  EXPECT_EQ(third.active_points(), 36);
  const v1::RuleFiring* strikes = FiredRule(third, "serious-three-strikes");
  ASSERT_NE(strikes, nullptr);
  EXPECT_EQ(strikes->reason(),
            "Three serious-infringement strikes end selling permanently (3 'Serious infringement "
            "(counterfeit)' violations within 365 days reached the limit of 3)");
  EXPECT_EQ(third.standing_after(), v1::REVOKED);
}

TEST(AlibabaStrikes, GeneralInfringementsAddAtMostSixPointsADay) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  std::vector<int> added;
  for (int i = 0; i < 4; ++i) {
    added.push_back(seller
                        .Report({.category = "general_infringement",
                                 .severity = v1::SEVERITY_CRITICAL,
                                 .right = absl::StrCat("tm-", i)},
                                At("2026-03-02 12:00"))
                        .points_added());
  }
  EXPECT_EQ(added, (std::vector<int>{6, 0, 0, 0}));
}

TEST(AlibabaStrikes, FiveComplaintsFromOneRightsHolderBlockNewListings) {
  Seller seller("alibaba_strikes.yaml");
  ASSERT_TRUE(seller.ok());
  v1::Decision d;
  for (int i = 1; i <= 5; ++i) {
    d = seller.Report({.category = "general_infringement",
                       .severity = v1::SEVERITY_LOW,
                       .rights_holder = "brand-a",
                       .right = absl::StrCat("tm-", i)},
                      At(absl::StrCat("2026-03-0", i + 1, " 12:00")));
  }
  EXPECT_EQ(Issued(d), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  // A level: it holds until the first complaint leaves the 180-day window (at least 30 days).
  EXPECT_EQ(d.actions(1).reason(),
            "Creating new listings restricted until 2026-08-29 00:00 UTC: Repeated complaints "
            "from one rights holder (5 'General intellectual-property infringement' or 'Serious "
            "infringement (counterfeit)' violations by rights holder 'brand-a' within 180 days "
            "reached the limit of 5)");
}

// ---------------------------------------------------------------------------------------------
// Lazada: points clear together 365 days after the first deduction; 7/14/21-day tiers.

TEST(LazadaCycles, EveryPointOfACycleClears365DaysAfterTheFirstDeduction) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision first =
      seller.Report({.category = "prohibited_listing"}, At("2026-01-05 12:00"));  // 4, opens it
  EXPECT_EQ(first.window_days(), 365);
  const v1::Decision twelve =
      seller.Report({.category = "order_brushing"}, At("2026-06-01 12:00"));  // 8
  EXPECT_EQ(twelve.active_points(), 12);
  EXPECT_EQ(twelve.window_days(), 218) << "until the cycle ends on 2027-01-05";
  EXPECT_EQ(Issued(twelve), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  EXPECT_EQ(FromProtoTime(twelve.actions(0).expires_at()), At("2026-06-08 12:00")) << "7 days";
  const v1::Decision eve = seller.Report({.category = "late_fulfilment"}, At("2027-01-04 12:00"));
  EXPECT_EQ(eve.active_points(), 13);
  EXPECT_EQ(eve.window_days(), 1) << "recorded the day before the cycle ends, it clears with it";
  EXPECT_EQ(seller.Standing(At("2027-01-04 23:59")).active_points, 13);
  EXPECT_EQ(seller.Standing(At("2027-01-05 00:00")).active_points, 0);
  // The next deduction opens the next cycle.
  const v1::Decision next = seller.Report({.category = "late_fulfilment"}, At("2027-01-05 12:00"));
  EXPECT_EQ(next.active_points_before(), 0);
  EXPECT_EQ(next.active_points(), 1);
  EXPECT_EQ(next.window_days(), 365);
}

TEST(LazadaCycles, ALateReportCountsInTheOpenCycleFromWhenItIsRecorded) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "prohibited_listing"}, At("2026-03-02 12:00"));  // 4, to 2027-03-02
  const v1::Decision late = seller.Report(
      {.category = "counterfeit", .occurred = At("2025-06-01 12:00")}, At("2026-09-01 12:00"));
  EXPECT_EQ(late.points_added(), 12) << "a rolling 365-day window would have given 0";
  EXPECT_EQ(late.active_points(), 16);
  EXPECT_EQ(late.window_days(), 639) << "from the day it occurred to the end of the cycle";
  EXPECT_EQ(Issued(late), Strings{"ACTION_RESTRICT_FEATURE/new_listings"});
  EXPECT_EQ(seller.Standing(At("2027-03-01 12:00")).active_points, 16);
  EXPECT_EQ(seller.Standing(At("2027-03-02 00:00")).active_points, 0);
}

TEST(LazadaCycles, CountRulesKeepTheirRollingWindowAcrossCycles) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  seller.Report({.category = "late_fulfilment"}, At("2026-01-05 12:00"));  // opens the cycle
  seller.Report({.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2026-12-01 12:00"));
  const v1::Decision second = seller.Report(
      {.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2027-01-10 12:00"));
  EXPECT_EQ(second.active_points_before(), 0) << "the first cycle cleared on 2027-01-05";
  const v1::Decision third = seller.Report(
      {.category = "counterfeit", .severity = v1::SEVERITY_LOW}, At("2027-02-01 12:00"));
  EXPECT_EQ(third.active_points(), 12);
  EXPECT_NE(FiredRule(third, "counterfeits-3"), nullptr)
      << "the 2026-12-01 counterfeit still counts: count rules look back 180 days";
  const v1::Action* offline = nullptr;
  for (const v1::Action& a : third.actions()) {
    if (a.rule_id() == "counterfeits-3") offline = &a;
  }
  ASSERT_NE(offline, nullptr);
  EXPECT_EQ(offline->feature(), "product_visibility");
  EXPECT_EQ(FromProtoTime(offline->expires_at()), At("2027-02-22 12:00"));
}

TEST(LazadaCycles, AnAccountRuleBreachClosesTheStoreAtOnce) {
  Seller seller("lazada_cycles.yaml");
  ASSERT_TRUE(seller.ok());
  const v1::Decision d = seller.Report({.category = "account_rule_breach"}, At("2026-03-02 12:00"));
  EXPECT_EQ(d.active_points(), 48);
  EXPECT_EQ(Issued(d), Strings{"ACTION_DEACTIVATE_STORE"}) << "the closure covers every tier";
  EXPECT_EQ(d.standing_after(), v1::DEACTIVATED);
}

}  // namespace
}  // namespace enforcer
