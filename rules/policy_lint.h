// Lint: a policy that is valid as written but probably does not do what its author meant. Each
// finding is a positioned warning (`--check_policy` prints it; the policy still loads). Each lint
// has a golden file, rules/testdata/lint_<name>.yaml with its exact warnings in .errors:
//   - inverted_ladder: a higher milestone takes a weaker action than a lower one;
//   - region_reorders: a region's threshold overrides reorder a ladder, or put two milestones on
//     one value;
//   - ladder_no_category_counts: a ladder for a subject kind that no category counts against;
//   - all_categories_zero_points: a ladder that no category can feed: every category it counts
//     adds 0 points, everywhere;
//   - count_rule_never_fires: a count rule for a subject kind that no category it matches counts
//     against;
//   - milestone_above_max_points: a milestone above the most points a subject can hold at once,
//     when every category that adds points to its ledger has a daily_cap (daily_cap x longest
//     window, summed);
//   - count_window_shorter_than_action: a count rule's timed action lasts longer than its window
//     (any region's);
//   - milestone_action_outlasts_points: a milestone's timed action lasts longer than the longest
//     window of every category that feeds its ledger.
// The last two: the action runs on after the evidence that triggered it has expired; permanent
// actions are meant to, and are not reported.
// Pure: it reads the parsed contents only.
#ifndef ENFORCERD_RULES_POLICY_LINT_H_
#define ENFORCERD_RULES_POLICY_LINT_H_

#include <string>
#include <vector>

#include "rules/policy.h"

namespace enforcer {

struct LintFinding {
  SourcePosition position;
  std::string message;
};

// The findings, in no particular order (the parser sorts them with its diagnostics).
std::vector<LintFinding> LintPolicy(const Policy::Contents& policy);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_LINT_H_
