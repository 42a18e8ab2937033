// Runs the default pack's tests (default_policy.tests.yaml) and checks that they cover the pack:
// every category reported, every milestone and count rule fired.
#include <gtest/gtest.h>

#include <string>

#include "base/test_files.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"
#include "rules/policy_test_runner.h"
#include "rules/policy_tests.h"

namespace enforcer {
namespace {

TEST(DefaultPolicyTests, PassAndCoverEveryCategoryAndRule) {
  auto policy = CompilePolicy(kDefaultPolicyYaml, "default_policy.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::string text = ReadFileToString(RunfilePath("rules/default_policy.tests.yaml"));
  PolicyTestsParse parsed = ParsePolicyTests(text, "default_policy.tests.yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.ToString();
  ASSERT_TRUE(parsed.tests.has_value());
  EXPECT_EQ(parsed.tests->policy_path, "default_policy.yaml");
  const PolicyTestReport report = RunPolicyTests(**policy, *parsed.tests);
  for (const PolicyTestFailure& f : report.failures) {
    ADD_FAILURE() << "default_policy.tests.yaml:" << f.position.line << ":" << f.position.column
                  << ": " << f.case_name << ": " << f.message;
  }
  EXPECT_GT(report.checks, 50);
  for (const auto& [id, category] : (*policy)->categories()) {
    EXPECT_TRUE(report.categories_reported.count(id)) << "no test reports category " << id;
  }
  for (const MilestoneRule& m : (*policy)->milestones()) {
    EXPECT_TRUE(report.rules_fired.count(m.id)) << "no test fires milestone " << m.id;
  }
  for (const CountRule& r : (*policy)->count_rules()) {
    EXPECT_TRUE(report.rules_fired.count(r.id)) << "no test fires count rule " << r.id;
  }
}

TEST(PolicyTestsFile, MistakesArePositioned) {
  PolicyTestsParse parsed = ParsePolicyTests(R"(cases:
  - name: x
    steps:
      - after: 2 days
        report: {seller: s, categry: spam}
        expect: {standing: warned}
)",
                                             "t.yaml");
  std::string got;
  for (const Diagnostic& d : parsed.diagnostics) got += d.ToString() + "\n";
  EXPECT_EQ(got,
            "t.yaml:4:16: error: cases[0].steps[0].after must be a duration like '14d' or "
            "'12h', found '2 days'\n"
            "t.yaml:5:29: error: unknown key 'categry' in cases[0].steps[0].report (did you mean "
            "'category'?); expected one of: id, seller, creator, category, severity, source, "
            "region, object, rights_holder, right, notice, attributes, occurred\n"
            "t.yaml:5:17: error: cases[0].steps[0].report is missing required key 'category'\n"
            "t.yaml:6:17: error: cases[0].steps[0].expect needs exactly one of seller and "
            "creator\n");
  EXPECT_FALSE(parsed.tests.has_value());
}

TEST(PolicyTestsFile, AFailureSaysWhatWasExpectedAndWhatHappened) {
  auto policy = CompilePolicy(kDefaultPolicyYaml, "default_policy.yaml");
  ASSERT_TRUE(policy.ok());
  PolicyTestsParse parsed = ParsePolicyTests(R"(cases:
  - name: wrong
    steps:
      - report: {seller: s, category: prohibited_product, severity: low, object: l}
        expect: {seller: s, standing: suspended, points: 6}
)",
                                             "t.yaml");
  ASSERT_TRUE(parsed.tests.has_value());
  const PolicyTestReport report = RunPolicyTests(**policy, *parsed.tests);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].position.line, 5);
  EXPECT_EQ(report.failures[0].message,
            "seller s: standing: expected SUSPENDED, got WARNED (this step fired: "
            "[prohibited_product, seller-caution-6]; issued: [take_down, warning])");
}

}  // namespace
}  // namespace enforcer
