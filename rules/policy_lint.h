// Lint: a policy that is valid as written but probably does not do what its author meant. Each
// finding is a positioned warning (`--check_policy` prints it; the policy still loads):
//   - an inverted ladder: a higher milestone takes a weaker action than a lower one;
//   - a region whose threshold overrides reorder a ladder, or put two milestones on one value;
//   - a ladder, or a count rule, for a subject kind that no category counts against;
//   - a ladder that no category can feed: every category it counts adds 0 points, everywhere.
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
