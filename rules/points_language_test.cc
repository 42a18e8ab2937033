// Points by attribute ranges and merged reports, evaluated.
#include <gtest/gtest.h>

#include "rules/evaluator.h"
#include "rules/evaluator_test_fixture.h"
#include "rules/policy_parser.h"

namespace enforcer::testing {
namespace {

constexpr char kPolicy[] = R"(
policy: points-language
default_window: 90d
categories:
  ip_infringement:
    display_name: IP infringement
    points:
      by: quantity
      range: [1, 48]
      default: 4
      bands:
        - {below: 10, points: 4}
        - {below: 100, points: 12}
        - {points: 24}
  fake_goods:
    points:
      by: grade
      default: 6
      values: {counterfeit: 24, knock_off: 12}
  serious_ip:
    points: 12
    merge: {within: 3d}
  notice_complaint:
    points: 6
    merge: {within: 7d, by: notice}
count_rules:
  - id: serious-three-strikes
    match: {categories: [serious_ip]}
    at_least: 3
    within: 365d
    actions: [deactivate_store]
)";

class PointsLanguageTest : public EvaluatorFixture {
 protected:
  int Points(const Report& r) {
    v1::SubjectState fresh = NewSubject(v1::SELLER, "fresh");
    return Decide(*policy_, &fresh, r, kStart).points_added();
  }
  std::shared_ptr<const Policy> policy_ = MustCompile(kPolicy);
  v1::SubjectState seller_ = NewSubject(v1::SELLER, "s1");
};

TEST_F(PointsLanguageTest, NumericAttributePicksTheFirstBandItIsBelow) {
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "3"}}}), 4);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "9.5"}}}), 4);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "10"}}}), 12);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "99"}}}), 12);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "100"}}}), 24);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"quantity", "1e9"}}}), 24);
  // Without the attribute: the default.
  EXPECT_EQ(Points({.category = "ip_infringement"}), 4);
  EXPECT_EQ(Points({.category = "ip_infringement", .attributes = {{"gmv_usd", "5000"}}}), 4);
}

TEST_F(PointsLanguageTest, TextAttributePicksItsValueOrTheDefault) {
  EXPECT_EQ(Points({.category = "fake_goods", .attributes = {{"grade", "counterfeit"}}}), 24);
  EXPECT_EQ(Points({.category = "fake_goods", .attributes = {{"grade", "knock_off"}}}), 12);
  EXPECT_EQ(Points({.category = "fake_goods", .attributes = {{"grade", "replica"}}}), 6);
  EXPECT_EQ(Points({.category = "fake_goods"}), 6);
}

TEST_F(PointsLanguageTest, ReportsWithDifferentAttributesOnOneDayEachKeepTheirPoints) {
  Decide(*policy_, &seller_, {.category = "ip_infringement", .attributes = {{"quantity", "500"}}},
         kStart);
  const v1::Decision d =
      Decide(*policy_, &seller_, {.category = "ip_infringement", .attributes = {{"quantity", "2"}}},
             kStart);
  EXPECT_EQ(d.points_added(), 4);
  EXPECT_EQ(d.active_points(), 28);
}

// | day | report       | block (3d) | counts? | active points |
// | 0   | serious_ip   | A          | yes     | 12            |
// | 0   | serious_ip   | A          | merged  | 12            |
// | +1  | serious_ip   | A or B     | depends on the block boundary            |
TEST_F(PointsLanguageTest, ReportsOfAMergingCategoryInOneBlockCountOnce) {
  const int64_t day = UnixDay(kStart);
  const absl::Time block_start = absl::FromUnixSeconds((day - day % 3) * 86400);
  const absl::Time t0 = block_start + absl::Hours(1);
  EXPECT_EQ(Decide(*policy_, &seller_, {.category = "serious_ip"}, t0).points_added(), 12);
  v1::Decision second = Decide(*policy_, &seller_, {.category = "serious_ip"}, t0);
  EXPECT_EQ(second.points_added(), 0);
  EXPECT_EQ(second.active_points(), 12);
  v1::Decision third = Decide(*policy_, &seller_, {.category = "serious_ip"}, Days(t0, 2));
  EXPECT_EQ(third.points_added(), 0) << "day 2 of the block still merges";
  // The next block counts again, and the strike counter sees two, not four.
  v1::Decision fourth = Decide(*policy_, &seller_, {.category = "serious_ip"}, Days(t0, 3));
  EXPECT_EQ(fourth.points_added(), 12);
  EXPECT_EQ(fourth.active_points(), 24);
  EXPECT_TRUE(fourth.actions().empty());
  v1::Decision fifth = Decide(*policy_, &seller_, {.category = "serious_ip"}, Days(t0, 6));
  ASSERT_EQ(Types(fifth), ActionTypes{v1::ACTION_DEACTIVATE_STORE});
  EXPECT_EQ(fifth.rules_fired(0).reason(),
            "3 'Serious ip' violations within 365 days reached the limit of 3");
}

TEST_F(PointsLanguageTest, AMergedReportDoesNotFireEachViolationRulesAgain) {
  auto policy = MustCompile(R"(
policy: merged-each
categories:
  serious: {points: 12, merge: {within: 3d}}
milestones:
  seller:
    - id: suspend-each
      at: 12
      repeat: each_violation
      actions:
        - {type: suspend, duration: 7d}
)");
  const int64_t day = UnixDay(kStart);
  const absl::Time t0 = absl::FromUnixSeconds((day - day % 3) * 86400) + absl::Hours(1);
  EXPECT_EQ(Types(Decide(*policy, &seller_, {.category = "serious"}, t0)),
            ActionTypes{v1::ACTION_SUSPEND});
  const v1::Decision merged = Decide(*policy, &seller_, {.category = "serious"}, Days(t0, 1));
  EXPECT_TRUE(merged.actions().empty());
  EXPECT_TRUE(merged.rules_fired().empty());
  EXPECT_EQ(Types(Decide(*policy, &seller_, {.category = "serious"}, Days(t0, 3))),
            ActionTypes{v1::ACTION_SUSPEND});
}

// Found in review: a report that counts nowhere (no cycle open, zero points) has not merged
// into anything, so rules acting on each violation still see it.
TEST_F(PointsLanguageTest, AReportThatCountsNowhereIsNotTakenForMerged) {
  auto policy = MustCompile(R"(
policy: merged-nowhere
window_start: first_deduction
default_window: 30d
categories:
  notice: {points: 0, merge: {within: 3d}}
count_rules:
  - id: notices-each
    match: {categories: [notice]}
    at_least: 1
    within: 30d
    repeat: each_violation
    actions:
      - {type: warning, duration: 7d}
)");
  const v1::Decision d = Decide(*policy, &seller_, {.category = "notice"}, kStart);
  EXPECT_EQ(Types(d), ActionTypes{v1::ACTION_WARNING});
}

TEST_F(PointsLanguageTest, AMergedGroupLastsUntilItsLastReportExpires) {
  const int64_t day = UnixDay(kStart);
  const absl::Time t0 = absl::FromUnixSeconds((day - day % 3) * 86400) + absl::Hours(1);
  Decide(*policy_, &seller_, {.category = "serious_ip"}, t0);
  Decide(*policy_, &seller_, {.category = "serious_ip"}, Days(t0, 2));
  EXPECT_EQ(SummarizeStanding(*policy_, seller_, Days(t0, 91)).active_points, 12);
  EXPECT_EQ(SummarizeStanding(*policy_, seller_, Days(t0, 92)).active_points, 0);
}

TEST_F(PointsLanguageTest, MergeByNoticeMergesOnlyReportsOfOneNotice) {
  const int64_t day = UnixDay(kStart);
  const absl::Time t0 = absl::FromUnixSeconds((day - day % 7) * 86400) + absl::Hours(1);
  EXPECT_EQ(Decide(*policy_, &seller_, {.category = "notice_complaint", .notice = "n1"}, t0)
                .points_added(),
            6);
  EXPECT_EQ(
      Decide(*policy_, &seller_, {.category = "notice_complaint", .notice = "n1"}, Days(t0, 1))
          .points_added(),
      0);
  EXPECT_EQ(Decide(*policy_, &seller_, {.category = "notice_complaint", .notice = "n2"}, t0)
                .points_added(),
            6);
  // Reports without a notice are never merged.
  EXPECT_EQ(Decide(*policy_, &seller_, {.category = "notice_complaint"}, t0).points_added(), 6);
  EXPECT_EQ(Decide(*policy_, &seller_, {.category = "notice_complaint"}, t0).points_added(), 6);
}

// Lazada: points clear 365 days after the first deduction.
TEST_F(PointsLanguageTest, WindowsFromTheFirstDeductionClearEveryPointOfTheCycleTogether) {
  auto lazada = MustCompile(R"(
policy: cycles
window_start: first_deduction
default_window: 365d
categories:
  spam: {points: 10}
  notice_only: {points: 0}
)");
  v1::SubjectState s = NewSubject(v1::SELLER, "s");
  EXPECT_EQ(Decide(*lazada, &s, {.category = "notice_only"}, kStart).points_added(), 0);
  EXPECT_FALSE(s.has_cycle_start_day()) << "a violation adding no points opens no cycle";
  v1::Decision first = Decide(*lazada, &s, {.category = "spam"}, kStart);
  EXPECT_EQ(first.window_days(), 365);
  // A late report (occurred 500 days ago) counts from when it is recorded, in the open cycle.
  v1::Decision late =
      Decide(*lazada, &s, {.category = "spam", .age = absl::Hours(24 * 500)}, Days(kStart, 100));
  EXPECT_EQ(late.points_added(), 10);
  v1::Decision second = Decide(*lazada, &s, {.category = "spam"}, Days(kStart, 300));
  EXPECT_EQ(second.active_points(), 30);
  EXPECT_EQ(second.window_days(), 65) << "its points clear with the cycle, on day 365";
  EXPECT_EQ(SummarizeStanding(*lazada, s, Days(kStart, 364)).active_points, 30);
  EXPECT_EQ(SummarizeStanding(*lazada, s, Days(kStart, 365)).active_points, 0);
  // The next deduction opens the next cycle.
  v1::Decision next = Decide(*lazada, &s, {.category = "spam"}, Days(kStart, 400));
  EXPECT_EQ(next.active_points_before(), 0);
  EXPECT_EQ(next.active_points(), 10);
  EXPECT_EQ(next.window_days(), 365);
}

TEST(PointsLanguageParse, WindowsOfTheirOwnAreErrorsUnderFirstDeduction) {
  ParseResult r = ParsePolicy(R"(policy: p
window_start: first_deduction
categories:
  spam: {points: 6, window: 30d}
regions:
  PH: {default_window: 60d}
)",
                              "p.yaml");
  std::string got;
  for (const Diagnostic& d : r.diagnostics) got += d.ToString() + "\n";
  EXPECT_EQ(got,
            "p.yaml:4:3: error: category 'spam': window cannot be set under window_start: "
            "first_deduction (every point clears when its cycle of default_window ends)\n"
            "p.yaml:6:3: error: region 'PH': windows cannot be set under window_start: "
            "first_deduction (every point clears when its cycle of default_window ends)\n");
}

TEST(PointsLanguageParse, BadBandsAndRangesArePositionedErrors) {
  ParseResult r = ParsePolicy(R"(policy: p
categories:
  ip:
    points:
      by: quantity
      range: [1, 48]
      default: 0
      bands:
        - {below: 100, points: 12}
        - {below: 10, points: 4}
        - {points: 60}
  dup:
    points: {by: grade, default: 3}
    merge: {within: 3d, by: notices}
)",
                              "p.yaml");
  std::string got;
  for (const Diagnostic& d : r.diagnostics) got += d.ToString() + "\n";
  EXPECT_EQ(got,
            "p.yaml:6:14: error: category 'ip'.points.range: default gives 0 points, outside [1, "
            "48]\n"
            "p.yaml:6:14: error: category 'ip'.points.range: bands[2] gives 60 points, outside [1, "
            "48]\n"
            "p.yaml:10:19: error: category 'ip'.points.bands[1].below must be greater than the "
            "band before it (100); list bands from the lowest up\n"
            "p.yaml:13:13: error: category 'dup'.points needs either 'bands' (a number attribute) "
            "or 'values' (a text attribute)\n"
            "p.yaml:14:29: error: category 'dup'.merge.by: unknown value 'notices' (did you mean "
            "'notice'?); expected one of: category, notice\n");
}

}  // namespace
}  // namespace enforcer::testing
