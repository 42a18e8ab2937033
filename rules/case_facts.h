// What the case view shows about a subject's violations, computed from its recorded violations
// and the policy in force: progress on each count rule, when a violation stops counting, and
// actions in words. Pure: no I/O, time passed in.
#ifndef ENFORCERD_RULES_CASE_FACTS_H_
#define ENFORCERD_RULES_CASE_FACTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "rules/reevaluator.h"

namespace enforcer {

struct CountProgress {
  const CountRule* rule;
  std::string group;  // "" unless the rule counts per category, rights holder or right
  int count = 0;
  int threshold = 0;
  int window_days = 0;
  // When the oldest counted violation leaves the window (nullopt when none counts).
  std::optional<absl::Time> oldest_leaves;
  // "2 of 3 'Confirmed counterfeit' violations within 730 days; the oldest leaves the window on
  // 2027-03-02 00:00 UTC".
  std::string summary;
};

// Progress on every count rule of `policy` that applies to `ledger`, per group, counting the
// (non-voided) `violations` inside each rule's window at `now`. Rules nothing counts toward are
// listed once with count 0.
std::vector<CountProgress> CountRuleProgress(const Policy& policy, LedgerKind ledger,
                                             const std::vector<RecordedViolation>& violations,
                                             absl::Time now);

// When the violation's points stop counting under `policy` (its category's window from the day it
// occurred); nullopt if the policy does not define its category.
std::optional<absl::Time> PointsCountUntil(const Policy& policy, const ViolationFacts& facts);

// Whether any count rule of `policy` still counts the violation at `now`.
bool CountedByARule(const Policy& policy, LedgerKind ledger, const ViolationFacts& facts,
                    absl::Time now);

// The points the violation counts under `policy` (a reduction wins).
int ViolationPoints(const Policy& policy, const ViolationFacts& facts);

// "suspension for 14 days", "new listings restricted for 14 days", "store deactivation".
std::string DescribeAction(const Policy& policy, const ActionSpec& action);
std::string DescribeAction(const Policy& policy, const v1::Action& action);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_CASE_FACTS_H_
