#include "enforcerctl/offline_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/policy_diff.h"
#include "rules/policy_parser.h"
#include "rules/policy_summary.h"
#include "rules/policy_test_runner.h"
#include "rules/policy_tests.h"

namespace enforcer::ctl {
namespace {

// Compiles a policy file, printing its diagnostics; nullptr if it has errors or cannot be read.
std::shared_ptr<const Policy> CompileFile(const std::string& path, const Invocation& inv,
                                          int* code) {
  std::optional<std::string> text = ReadFile(path, *inv.err);
  if (!text) {
    *code = kTrouble;
    return nullptr;
  }
  ParseResult parsed = ParsePolicy(*text, path);
  for (const Diagnostic& d : parsed.diagnostics) *inv.err << d.ToString() << "\n";
  if (parsed.policy == nullptr) *code = kFailed;
  return parsed.policy;
}

int Validate(const Invocation& inv) {
  if (inv.args.empty()) {
    *inv.err << "enforcerctl policy validate: name at least one policy file\n";
    return kUsage;
  }
  int code = kOk;
  v1::ValidatePolicyResponse all;  // with --json: every file's diagnostics
  for (const std::string& path : inv.args) {
    std::optional<std::string> text = ReadFile(path, *inv.err);
    if (!text) return kTrouble;
    ParseResult parsed = ParsePolicy(*text, path);
    for (const Diagnostic& d : parsed.diagnostics) {
      *all.add_diagnostics() = DiagnosticToProto(d);
      if (!inv.json()) *inv.out << d.ToString() << "\n";
    }
    if (parsed.policy == nullptr) code = kFailed;
    if (!inv.json()) {
      *inv.out << path << ": "
               << (parsed.policy ? absl::StrCat("valid, ", parsed.policy->version().substr(0, 19))
                                 : "invalid")
               << "\n";
    }
  }
  all.set_valid(code == kOk);
  if (inv.json()) inv.Print(all, nullptr);
  return code;
}

// The policy a tests file names (relative to the tests file), unless --policy says otherwise.
std::string PolicyPathFor(const std::string& tests_path, const PolicyTests& tests,
                          const Invocation& inv) {
  if (auto flag = inv.Flag("policy")) return *flag;
  if (tests.policy_path.empty() || tests.policy_path[0] == '/') return tests.policy_path;
  const size_t slash = tests_path.rfind('/');
  return slash == std::string::npos ? tests.policy_path
                                    : tests_path.substr(0, slash + 1) + tests.policy_path;
}

int Test(const Invocation& inv) {
  if (inv.args.size() != 1) {
    *inv.err << "enforcerctl policy test: name one tests file\n";
    return kUsage;
  }
  const std::string& path = inv.args[0];
  std::optional<std::string> text = ReadFile(path, *inv.err);
  if (!text) return kTrouble;
  PolicyTestsParse parsed = ParsePolicyTests(*text, path);
  for (const Diagnostic& d : parsed.diagnostics) *inv.err << d.ToString() << "\n";
  if (!parsed.tests) return kFailed;
  const std::string policy_path = PolicyPathFor(path, *parsed.tests, inv);
  if (policy_path.empty()) {
    *inv.err << path << ": names no policy; add `policy: FILE` or pass --policy=FILE\n";
    return kUsage;
  }
  int code = kOk;
  std::shared_ptr<const Policy> policy = CompileFile(policy_path, inv, &code);
  if (policy == nullptr) return code;
  const PolicyTestReport report = RunPolicyTests(*policy, *parsed.tests);
  for (const PolicyTestFailure& f : report.failures) {
    *inv.out << path << ":" << f.position.line << ":" << f.position.column << ": FAIL "
             << f.case_name << ": " << f.message << "\n";
  }
  *inv.out << report.cases << " cases, " << report.steps << " steps, " << report.checks
           << " checks under " << policy->name() << " " << policy->version().substr(0, 19) << ": "
           << (report.failures.empty() ? "all passed"
                                       : absl::StrCat(report.failures.size(), " failed"))
           << "\n";
  return report.failures.empty() ? kOk : kFailed;
}

int Diff(const Invocation& inv) {
  if (inv.args.size() != 2) {
    *inv.err << "enforcerctl policy diff: name two policy files, OLD and NEW\n";
    return kUsage;
  }
  int code = kOk;
  std::shared_ptr<const Policy> before = CompileFile(inv.args[0], inv, &code);
  std::shared_ptr<const Policy> after = CompileFile(inv.args[1], inv, &code);
  if (before == nullptr || after == nullptr) return code;
  const std::vector<PolicyChange> changes = DiffPolicies(*before, *after);
  for (const PolicyChange& c : changes) *inv.out << c.ToString() << "\n";
  if (changes.empty()) *inv.out << "no changes in what the policies do\n";
  return kOk;
}

int ShowFile(const Invocation& inv) {
  if (inv.args.size() != 1) {
    *inv.err << "enforcerctl policy show: name one policy file (or pass --server)\n";
    return kUsage;
  }
  int code = kOk;
  std::shared_ptr<const Policy> policy = CompileFile(inv.args[0], inv, &code);
  if (policy == nullptr) return code;
  const v1::PolicySummary summary = SummarizePolicy(*policy);
  inv.Print(summary, [&](std::ostream& out) {
    out << "version " << policy->version() << "\n";
    PrintSummary(summary, out);
  });
  return kOk;
}

}  // namespace

void PrintSummary(const v1::PolicySummary& s, std::ostream& out) {
  out << "policy " << s.name() << "\n\ncategories:\n";
  for (const auto& c : s.categories()) {
    out << "  " << c.id() << " (" << c.display_name() << "): " << c.points() << " points, "
        << c.window() << ", " << absl::StrJoin(c.ledgers(), "+")
        << (c.take_down() ? ", take down" : "")
        << (c.zero_tolerance_rule_id().empty() ? "" : ", zero tolerance") << "\n";
  }
  out << "\nmilestones:\n";
  for (const auto& r : s.milestones()) {
    out << "  " << r.ledgers() << " " << r.condition() << ": " << r.actions() << " [" << r.id()
        << ", " << r.repeat() << "]\n";
  }
  out << "\ncount rules:\n";
  for (const auto& r : s.count_rules()) {
    out << "  " << r.id() << " (" << r.ledgers() << "): " << r.condition() << " -> " << r.actions()
        << " [" << r.repeat() << "]\n";
  }
  if (s.regions_size() > 0) out << "\nregions: " << absl::StrJoin(s.regions(), ", ") << "\n";
  if (s.remedies_size() > 0) out << "remedies: " << absl::StrJoin(s.remedies(), ", ") << "\n";
  if (s.propagated_actions_size() > 0) {
    out << "linked subjects receive: " << absl::StrJoin(s.propagated_actions(), ", ") << "\n";
  }
}

std::vector<Command> OfflineCommands() {
  return {
      {"validate",
       "validate FILE...",
       "check policy files: errors and lint warnings, positioned",
       "Prints every diagnostic as file:line:column: error|warning: message, then a verdict per "
       "file. Exit 1 if any file has errors (warnings alone pass).",
       {"json"},
       Validate},
      {"test",
       "test TESTS_FILE",
       "run a policy's tests (reports and expected standings)",
       "Runs the cases of a tests file (see docs/policy-testing.md) against the policy it names "
       "(`policy:`, relative to the tests file) or --policy=FILE, in memory. Prints each failure "
       "with what was expected and what happened. Exit 1 if any check fails.",
       {"policy"},
       Test},
      {"diff",
       "diff OLD NEW",
       "what changes between two policies, in policy terms",
       "Compares categories (points, windows, ledgers), milestones, count rules, regions, "
       "remedies and appeal terms; comments and layout do not count.",
       {},
       Diff},
  };
}

// `show` has a file form and a server form; the server commands register it.
int ShowPolicyFile(const Invocation& inv) { return ShowFile(inv); }

}  // namespace enforcer::ctl
