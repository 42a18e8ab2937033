// rules/policy.schema.json and the parser give the same verdict on policies that differ in one
// value: number ranges, days and durations, names and ids, region codes, true/false, display
// names, actions, and the rules between keys (points or zero_tolerance, default_severity, bands
// or values, what a remedy needs, window_start: first_deduction). The last tests list, as known
// limits, the policies on which they differ.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "rules/policy_schema_testing.h"

namespace enforcer {
namespace {

using schema_testing::ParserErrors;
using schema_testing::SameVerdict;
using schema_testing::SchemaErrors;

constexpr char kCategories[] = "categories: {a: {points: 1}}\n";

// `body` with $V replaced by `value`, after "policy: p" and (unless body has its own) a category.
std::string Policy(absl::string_view body, absl::string_view value = "") {
  const std::string text = absl::StrReplaceAll(body, {{"$V", value}});
  std::string yaml = absl::StrCat("policy: p\n", text, "\n");
  if (!absl::StartsWith(text, "categories:") && !absl::StrContains(text, "\ncategories:")) {
    absl::StrAppend(&yaml, kCategories);
  }
  return yaml;
}

// The parser and the schema agree on `body` with each of `values`, some valid and some not.
void ExpectSameVerdicts(absl::string_view body, const std::vector<std::string>& values) {
  bool valid = false, invalid = false;
  for (const std::string& v : values) {
    const std::string yaml = Policy(body, v);
    EXPECT_TRUE(SameVerdict(yaml)) << "value: " << v;
    (ParserErrors(yaml).empty() ? valid : invalid) = true;
  }
  EXPECT_TRUE(valid && invalid) << body << ": the values should include valid and invalid ones";
}

std::string Repeat(char c, int n) { return std::string(n, c); }

std::string Repeat100(absl::string_view s) {
  std::string out;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&out, s);
  return out;
}

TEST(PolicySchemaValues, Days) {
  std::vector<std::string> values = {"90",  "90D", "-5d", "1.5d", "d",    "007d",
                                     "'d'", "9w",  "~",   "[1d]", "' 9d'"};
  for (int d = 0; d <= 3700; ++d) values.push_back(absl::StrCat(d, "d"));
  ExpectSameVerdicts("default_window: $V", values);
  ExpectSameVerdicts("appeals: {within: $V, instructions: x}", {"0d", "30d", "3651d"});
}

TEST(PolicySchemaValues, Durations) {
  std::vector<std::string> values = {"14",   "2w",  "12m", "1.5h", "h",     "-1h",  "' 2h'",
                                     "1d2h", "12H", "0d",  "1d",   "3650d", "3651d"};
  for (int h : {0, 1, 9, 10, 99, 100, 9999, 10000, 79999, 80000, 86999, 87000, 87599, 87600, 87601,
                90000, 100000}) {
    values.push_back(absl::StrCat(h, "h"));
  }
  ExpectSameVerdicts(
      "milestones: {seller: [{id: m, at: 1, actions: [{type: suspend, duration: $V}]}]}", values);
  ExpectSameVerdicts(
      "milestones: {seller: [{id: m, at: 1, actions: [{type: deactivate_store, "
      "grace: $V}]}]}",
      {"72h", "0h", "3d", "3651d"});
}

TEST(PolicySchemaValues, WholeNumberRanges) {
  const std::vector<std::string> numbers = {"-1",   "0",      "1",      "+5",         "x",   "1000",
                                            "1001", "100000", "100001", "1.5",        "[1]", "~",
                                            "007",  "'12'",   "true",   "99999999999"};
  ExpectSameVerdicts("categories: {a: {points: $V}}", numbers);
  ExpectSameVerdicts("categories: {a: {points: 1, daily_cap: $V}}", numbers);
  ExpectSameVerdicts("milestones: {seller: [{id: m, at: $V, actions: [deactivate_store]}]}",
                     numbers);
  ExpectSameVerdicts(
      "count_rules: [{id: c, at_least: $V, within: 9d, actions: [deactivate_store]}]", numbers);
  ExpectSameVerdicts("remedies: {r: {restores_points: $V}}", numbers);
  ExpectSameVerdicts("regions: {US: {categories: {a: {points: $V}}}}", numbers);
  ExpectSameVerdicts(
      "milestones: {seller: [{id: m, at: 5, actions: [deactivate_store]}]}\n"
      "regions: {US: {thresholds: {m: $V}}}",
      numbers);
  ExpectSameVerdicts("categories: {a: {points: {by: n, default: $V, values: {x: 1}}}}", numbers);
  ExpectSameVerdicts("categories: {a: {points: {by: n, default: 0, range: [0, $V], values: {}}}}",
                     {"0", "1", "1000", "1001", "x"});
}

TEST(PolicySchemaValues, Ids) {
  const std::vector<std::string> ids = {"a",
                                        "a1",
                                        "a_b",
                                        "A",
                                        "1a",
                                        "_a",
                                        "a-b",
                                        "a.b",
                                        "aB",
                                        "'a b'",
                                        "7",
                                        "~",
                                        "[a]",
                                        Repeat('a', 64),
                                        Repeat('a', 65)};
  ExpectSameVerdicts("categories: {$V: {points: 1}}", ids);
  ExpectSameVerdicts("categories: {a: {points: {by: $V, default: 1, values: {x: 1}}}}", ids);
  ExpectSameVerdicts("features: {$V: Name}", ids);
  ExpectSameVerdicts("remedies: {$V: {ends: [warning]}}", ids);
  for (const char* body :
       {"categories: {c: {points: 1}}\nmilestones: {seller: [{id: $V, at: 1, actions: "
        "[deactivate_store]}]}",
        "categories: {c: {points: 1}}\ncount_rules: [{id: $V, at_least: 1, within: 9d, actions: "
        "[deactivate_store]}]",
        "categories: {z: {zero_tolerance: {id: $V, actions: [deactivate_store]}}}"}) {
    ExpectSameVerdicts(body, ids);
  }
  for (const std::string& id : ids) {
    EXPECT_TRUE(SameVerdict(absl::StrCat("policy: ", id, "\n", kCategories))) << id;
  }
}

TEST(PolicySchemaValues, RegionCodes) {
  std::vector<std::string> codes = {"us", "USA", "U", "'1A'", "Us"};
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) codes.push_back(std::string{a, b});
  }
  ExpectSameVerdicts("regions: {$V: {}}", codes);
}

TEST(PolicySchemaValues, TrueAndFalse) {
  const std::vector<std::string> bools = {"true", "false", "yes",    "no", "True",
                                          "TRUE", "1",     "'true'", "~",  "on"};
  ExpectSameVerdicts("categories: {a: {points: 1, take_down: $V}}", bools);
  ExpectSameVerdicts("remedies: {r: {ends: [warning], cancels_pending: $V}}", bools);
  ExpectSameVerdicts(
      "count_rules: [{id: c, at_least: 1, within: 9d, actions: [deactivate_store], "
      "match: {same_category: $V}}]",
      bools);
}

TEST(PolicySchemaValues, Text) {
  const std::vector<std::string> texts = {"x",
                                          "''",
                                          "2024",
                                          "true",
                                          "~",
                                          "[x]",
                                          "{a: b}",
                                          "\"a\\nb\"",
                                          Repeat('x', 120),
                                          Repeat('x', 121),
                                          Repeat('x', 500),
                                          Repeat('x', 501)};
  ExpectSameVerdicts("categories: {a: {points: 1, display_name: $V}}", texts);
  ExpectSameVerdicts("features: {f: $V}", texts);
  ExpectSameVerdicts("remedies: {r: {ends: [warning], display_name: $V}}", texts);
  ExpectSameVerdicts("description: $V", texts);
  ExpectSameVerdicts("categories: {a: {points: 1, description: $V}}", texts);
  ExpectSameVerdicts("appeals: {within: 9d, instructions: $V}", texts);
  ExpectSameVerdicts(
      "milestones: {seller: [{id: m, at: 1, message: $V, actions: [deactivate_store]}]}", texts);
}

TEST(PolicySchemaValues, Actions) {
  ExpectSameVerdicts("milestones: {seller: [{id: m, at: 1, actions: $V}]}",
                     {"[]",
                      "warning",
                      "[warning]",
                      "[restrict_feature]",
                      "[suspend]",
                      "[deactivate_store]",
                      "[revoke_selling_permission]",
                      "[banish]",
                      "[{type: warning, duration: 1d}]",
                      "[{type: warning}]",
                      "[{type: warning, duration: 1d, feature: f}]",
                      "[{type: restrict_feature, duration: 1d}]",
                      "[{type: restrict_feature, feature: f}]",
                      "[{type: restrict_feature, feature: f, duration: 1d}]",
                      "[{type: restrict_feature, feature: F, duration: 1d}]",
                      "[{type: suspend, duration: 7d}]",
                      "[{type: suspend, duration: 7d, grace: 72h}]",
                      "[{type: deactivate_store}]",
                      "[{type: deactivate_store, duration: 90d}]",
                      "[{type: deactivate_store, feature: f}]",
                      "[{type: revoke_selling_permission}]",
                      "[{type: revoke_selling_permission, duration: 1d}]",
                      "[{type: revoke_selling_permission, grace: 1d}]",
                      "[{duration: 1d}]",
                      "[{type: [suspend]}]",
                      "[[suspend]]",
                      "[{type: suspend, duration: 7d}, banish]"});
}

TEST(PolicySchemaValues, ActionListsOfRemediesAndLinkedSubjects) {
  const std::vector<std::string> lists = {"[warning]",
                                          "[restrict_feature]",
                                          "[suspend]",
                                          "[deactivate_store]",
                                          "[revoke_selling_permission]",
                                          "[banish]",
                                          "[]",
                                          "suspend",
                                          "[{type: suspend, duration: 1d}]"};
  ExpectSameVerdicts("remedies: {r: {ends: $V}}", lists);
  ExpectSameVerdicts("linked_subjects: {propagate: $V}", lists);
  ExpectSameVerdicts("linked_subjects: $V", {"{}", "[]", "~", "{propagate: [suspend]}"});
}

TEST(PolicySchemaValues, RulesBetweenKeys) {
  ExpectSameVerdicts(
      "categories: {a: $V}",
      {"{}",
       "{description: x}",
       "{points: 1}",
       "{zero_tolerance: {id: z, actions: [deactivate_store]}}",
       "{points: 1, default_severity: low}",
       "{default_severity: low}",
       "{points: {low: 1, medium: 2, high: 3, critical: 4}, default_severity: low}",
       "{points: {by: n, default: 1, values: {x: 2}}, default_severity: low}",
       "{points: {by: n, default: 1, values: {x: 2}}}",
       "{points: {by: n, default: 1}}",
       "{points: {by: n, default: 1, values: {x: 2}, bands: [{points: 1}]}}",
       "{points: {by: n, values: {x: 2}}}",
       "{points: {by: n, default: 1, bands: []}}",
       "{points: {by: n, default: 1, bands: [{below: 2.5, points: 1}, {points: 2}]}}",
       "{points: {by: n, default: 1, bands: [{below: x, points: 1}]}}",
       "{points: {by: n, default: 1, bands: [{below: 1e3, points: 1}, {points: 2}]}}",
       "{points: {low: 1, medium: 2, high: 3}}",
       "{points: [1]}",
       "{points: ~}",
       "{points: 1, merge: {within: 3d}}",
       "{points: 1, merge: {by: notice}}",
       "{points: 1, merge: {within: 3d, by: notice}}",
       "{points: 1, ledgers: []}",
       "{points: 1, ledgers: [creator, creator]}",
       "{points: 1, reset: monthly}"});
  ExpectSameVerdicts("remedies: {r: $V}",
                     {"{}", "{ends: [warning]}", "{restores_points: 2}", "{cancels_pending: true}",
                      "{cancels_pending: false}", "{once_every: 30d}", "{display_name: X}",
                      "{cancels_pending: false, restores_points: 1}"});
  ExpectSameVerdicts("appeals: $V",
                     {"{within: 9d}", "{instructions: x}", "{}", "{within: 9d, instructions: x}"});
  ExpectSameVerdicts("$V", {"categories: {}", "milestones: {seller: []}", "milestones: {}",
                            "count_rules: []", "regions: {}", "features: {}", "remedies: {}",
                            "milestones: []", "count_rules: {}", "regions: []"});
}

TEST(PolicySchemaValues, WindowStart) {
  std::vector<std::string> policies;
  for (const char* start : {"occurrence", "first_deduction", "last_deduction"}) {
    for (const char* rest :
         {"categories: {a: {points: 1}}", "categories: {a: {points: 1, window: 9d}}",
          "categories: {a: {points: 1, reset: quarterly}}",
          "categories: {a: {points: 1}}\nregions: {US: {default_window: 9d}}",
          "categories: {a: {points: 1}}\nregions: {US: {categories: {a: {window: 9d}}}}",
          "categories: {a: {points: 1}}\nregions: {US: {categories: {a: {points: 2}}}}"}) {
      policies.push_back(absl::StrCat("window_start: ", start, "\n", rest));
    }
  }
  ExpectSameVerdicts("$V", policies);
}

// Policies the parser rejects for what a schema cannot express: references between sections,
// uniqueness, order, and numbers the schema sees as equal. The schema accepts them; the parser
// (`enforcerd --check_policy`) reports them.
TEST(PolicySchemaValues, WhatOnlyTheParserSees) {
  const std::string kBeyondASchema[] = {
      "count_rules: [{id: c, at_least: 1, within: 9d, actions: [deactivate_store], "
      "match: {categories: [nope]}}]",
      "regions: {US: {categories: {nope: {points: 1}}}}",
      "regions: {US: {thresholds: {nope: 1}}}",
      "regions: {US: {windows: {nope: 9d}}}",
      "milestones: {seller: [{id: m, at: 1, actions: [deactivate_store]}, {id: m, at: 2, actions: "
      "[deactivate_store]}]}",
      "milestones: {seller: [{id: a, at: 1, actions: [deactivate_store]}]}",
      "milestones: {seller: [{id: m, at: 1, actions: [deactivate_store]}, {id: n, at: 1, actions: "
      "[deactivate_store]}]}",
      "categories: {a: {points: 1, ledgers: [creator]}}\ncount_rules: [{id: c, ledgers: [seller], "
      "at_least: 1, within: 9d, actions: [deactivate_store], match: {categories: [a]}}]",
      "categories: {a: {points: {by: n, default: 1, bands: [{below: 5, points: 1}, {below: 2, "
      "points: 1}]}}}",
      "categories: {a: {points: {by: n, default: 1, bands: [{points: 1}, {below: 2, points: 1}]}}}",
      "categories: {a: {points: {by: n, default: 9, range: [1, 5], values: {x: 1}}}}",
      "features: {f: F}\nmilestones: {seller: [{id: m, at: 1, actions: [{type: restrict_feature, "
      "feature: g, duration: 1d}]}]}",
      "categories: {a: {points: 5.0}}",
      "categories: {a: {points: 0000000001}}",
      // 100 characters, 200 bytes: the parser counts bytes
      absl::StrCat("categories: {a: {points: 1, display_name: ", Repeat100("\u00e9"), "}}"),
  };
  for (const std::string& body : kBeyondASchema) {
    const std::string yaml = Policy(body);
    EXPECT_NE(ParserErrors(yaml), "") << yaml;
    EXPECT_EQ(absl::StrJoin(SchemaErrors(yaml), "\n"), "") << yaml;
  }
}

}  // namespace
}  // namespace enforcer
