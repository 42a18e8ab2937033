// Runs policy tests (policy_tests.h) against a compiled policy, in memory, with the real
// evaluator: no daemon, no storage. Pure.
#ifndef ENFORCERD_RULES_POLICY_TEST_RUNNER_H_
#define ENFORCERD_RULES_POLICY_TEST_RUNNER_H_

#include <set>
#include <string>
#include <vector>

#include "rules/policy.h"
#include "rules/policy_tests.h"

namespace enforcer {

struct PolicyTestFailure {
  std::string case_name;
  SourcePosition position;  // of the expectation (or step) that failed
  // "seller s1: standing: expected SUSPENDED, got RESTRICTED (this step fired: ...; issued: ...)"
  std::string message;
};

struct PolicyTestReport {
  int cases = 0;
  int steps = 0;
  int checks = 0;
  std::vector<PolicyTestFailure> failures;
  // Coverage: the categories the tests reported and the rules that fired at least once.
  std::set<std::string> categories_reported;
  std::set<std::string> rules_fired;
};

PolicyTestReport RunPolicyTests(const Policy& policy, const PolicyTests& tests);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_TEST_RUNNER_H_
