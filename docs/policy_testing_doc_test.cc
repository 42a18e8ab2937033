// The example tests file in docs/policy-testing.md is a real one: it parses and passes against
// the default pack.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/test_files.h"
#include "docs/doc_markdown.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"
#include "rules/policy_test_runner.h"
#include "rules/policy_tests.h"

namespace enforcer {
namespace {

TEST(PolicyTestingDoc, TheExampleTestsFilePassesAgainstTheDefaultPack) {
  const std::string doc = ReadFileToString(RunfilePath("docs/policy-testing.md"));
  bool unterminated = false;
  const std::vector<docs::YamlBlock> blocks = docs::YamlBlocks(doc, &unterminated);
  EXPECT_FALSE(unterminated);
  ASSERT_FALSE(blocks.empty());
  PolicyTestsParse parsed = ParsePolicyTests(blocks[0].text, "policy-testing.md");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.ToString();
  ASSERT_TRUE(parsed.tests.has_value());
  auto policy = CompilePolicy(kDefaultPolicyYaml, "default_policy.yaml");
  ASSERT_TRUE(policy.ok());
  const PolicyTestReport report = RunPolicyTests(**policy, *parsed.tests);
  EXPECT_EQ(report.checks, 8);
  for (const PolicyTestFailure& f : report.failures) ADD_FAILURE() << f.message;
}

}  // namespace
}  // namespace enforcer
