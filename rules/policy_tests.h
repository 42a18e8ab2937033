// Policy tests as data: a YAML file beside a policy lists cases, each a sequence of steps (a
// report, a remedy, or just a moment in time) and what the subjects' standing, points and the
// step's actions must be after each. `enforcerd`'s CI runs the default pack's; `enforcerctl
// policy test` runs any. ParsePolicyTests reads the file (in //rules:policy_parser, the one
// target that reads YAML); RunPolicyTests (//rules:policy_test_runner) runs it, in memory.
#ifndef ENFORCERD_RULES_POLICY_TESTS_H_
#define ENFORCERD_RULES_POLICY_TESTS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "rules/policy_parser.h"

namespace enforcer {

// What one subject must look like after a step. Unset fields are not checked.
struct SubjectExpectation {
  v1::Subject subject;
  std::optional<v1::Standing> standing;
  std::optional<int> points;
  // The types of the actions this step issued to the subject ("warning", "take_down", ...), in
  // order; and the rule ids its decision fired.
  std::optional<std::vector<std::string>> issued;
  std::optional<std::vector<std::string>> fired;
  // Pending actions (issued, not yet in force) the subject has.
  std::optional<int> pending;
  SourcePosition position;
};

struct PolicyTestStep {
  SourcePosition position;
  // When it happens: `at` (absolute) or `after` the previous step (default: same moment).
  absl::Time at;
  // At most one of a report or a remedy; neither for a step that only checks.
  std::optional<v1::ReportViolationRequest> report;
  std::optional<v1::Subject> remedy_subject;
  std::string remedy;
  // For a remedy: the violation of an earlier step, by that step's report id.
  std::string remedy_report_id;
  std::vector<SubjectExpectation> expect;
};

struct PolicyTestCase {
  std::string name;
  SourcePosition position;
  std::vector<PolicyTestStep> steps;
};

struct PolicyTests {
  // The policy file the tests are for, relative to the tests file ("" if not named).
  std::string policy_path;
  std::vector<PolicyTestCase> cases;
};

struct PolicyTestsParse {
  std::optional<PolicyTests> tests;  // nullopt when there are errors
  std::vector<Diagnostic> diagnostics;
};

// Reads a tests file; `filename` labels diagnostics. Never throws.
PolicyTestsParse ParsePolicyTests(absl::string_view text, absl::string_view filename);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_POLICY_TESTS_H_
