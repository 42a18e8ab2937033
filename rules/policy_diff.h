// What changed between two policies, in policy terms (categories, points, windows, thresholds,
// actions), not as a text diff: what `enforcerctl policy diff` prints. Pure.
#ifndef ENFORCERD_RULES_POLICY_DIFF_H_
#define ENFORCERD_RULES_POLICY_DIFF_H_

#include <string>
#include <vector>

#include "rules/policy.h"

namespace enforcer {

struct PolicyChange {
  // "category", "milestone", "count rule", "region", "remedy", "policy".
  std::string kind;
  std::string id;
  // "added", "removed", or the field that changed ("points", "window", "actions", ...).
  std::string what;
  std::string before;
  std::string after;

  // "category counterfeit_confirmed: points 24 -> 30", "milestone seller-warn-4: added (at 4
  // points: warning 30d)".
  std::string ToString() const;
};

// The changes from `before` to `after`, section by section, in id order.
std::vector<PolicyChange> DiffPolicies(const Policy& before, const Policy& after);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_DIFF_H_
