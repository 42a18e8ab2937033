#include "rules/policy_diff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

std::vector<std::string> Diff(const std::string& before, const std::string& after) {
  auto a = CompilePolicy(before, "a.yaml");
  auto b = CompilePolicy(after, "b.yaml");
  EXPECT_TRUE(a.ok() && b.ok());
  std::vector<std::string> out;
  for (const PolicyChange& c : DiffPolicies(**a, **b)) out.push_back(c.ToString());
  return out;
}

TEST(PolicyDiff, TheSamePolicyHasNoChangesEvenWithOtherComments) {
  const std::string text = kDefaultPolicyYaml;
  EXPECT_TRUE(Diff(text, text + "\n# a comment\n").empty());
}

TEST(PolicyDiff, ChangesAreInPolicyTerms) {
  const std::string before = kDefaultPolicyYaml;
  std::string after = absl::StrReplaceAll(
      before,
      {{"    points: 24\n    window: 180d\n", "    points: 30\n    window: 180d\n"},
       {"    - id: seller-caution-6\n      at: 6\n", "    - id: seller-caution-6\n      at: 4\n"},
       {"  TW:\n", "  VN:\n    default_window: 120d\n  TW:\n"}});
  after += R"(  - id: spam-burst
    match: {categories: [misleading_listing]}
    at_least: 10
    within: 30d
    actions:
      - {type: suspend, duration: 7d}
)";
  // The count rule is appended after the regions section: move it into count_rules.
  after = absl::StrReplaceAll(after, {{"\nregions:\n", "\nregions_placeholder:\n"}});
  const size_t rule = after.find("  - id: spam-burst");
  const std::string spam = after.substr(rule);
  after = after.substr(0, rule);
  after = absl::StrReplaceAll(after, {{"\nregions_placeholder:\n", "\n" + spam + "\nregions:\n"}});
  EXPECT_EQ(Diff(before, after),
            (std::vector<std::string>{
                "category counterfeit_confirmed: points 24 -> 30",
                "milestone seller-caution-6: condition at 6 points -> at 4 points",
                "count rule spam-burst: added (ledgers seller, creator; condition 10 within 30d "
                "of misleading_listing; actions suspend 7d; repeat while_at_or_above)",
                "region VN: added (default window 120d)",
            }));
}

}  // namespace
}  // namespace enforcer
