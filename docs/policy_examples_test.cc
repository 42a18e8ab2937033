// Every complete policy in docs/policy-language.md must be valid: each ```yaml block whose first
// non-comment line starts with "policy:" is compiled with ParsePolicy and must give no
// diagnostics. Other yaml blocks are fragments and are not parsed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "docs/doc_markdown.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

constexpr char kDoc[] = "docs/policy-language.md";

std::string ReadDoc() {
  const std::string text = ReadFileToString(RunfilePath(kDoc));
  EXPECT_FALSE(text.empty()) << "cannot read " << RunfilePath(kDoc);
  return text;
}

using docs::IsCompletePolicy;
using docs::YamlBlock;

std::vector<YamlBlock> YamlBlocks(const std::string& markdown) {
  bool unterminated = false;
  std::vector<YamlBlock> blocks = docs::YamlBlocks(markdown, &unterminated);
  EXPECT_FALSE(unterminated) << "unterminated code block in " << kDoc;
  return blocks;
}

TEST(PolicyExamples, EveryCompletePolicyInTheDocCompilesCleanly) {
  const std::vector<YamlBlock> blocks = YamlBlocks(ReadDoc());
  int complete = 0;
  for (const YamlBlock& block : blocks) {
    if (!IsCompletePolicy(block.text)) continue;
    ++complete;
    const std::string name = absl::StrCat(kDoc, " (yaml block at line ", block.line, ")");
    ParseResult result = ParsePolicy(block.text, name);
    std::string diagnostics;
    for (const Diagnostic& d : result.diagnostics)
      absl::StrAppend(&diagnostics, d.ToString(), "\n");
    EXPECT_TRUE(result.diagnostics.empty())
        << name << " has diagnostics (lines count from the block's first line):\n"
        << diagnostics;
    EXPECT_NE(result.policy, nullptr) << name;
  }
  EXPECT_GE(complete, 3) << "expected at least 3 complete policies in " << kDoc << ", found "
                         << complete << " among " << blocks.size() << " yaml blocks";
}

TEST(PolicyExamples, FragmentDetection) {
  EXPECT_TRUE(IsCompletePolicy("# comment\n\npolicy: p\ncategories: {}\n"));
  EXPECT_FALSE(IsCompletePolicy("categories:\n  spam: {points: 1}\n"));
  EXPECT_FALSE(IsCompletePolicy("# only a comment\n"));
  const std::vector<YamlBlock> blocks =
      YamlBlocks("text\n```yaml\npolicy: a\n```\n```text\n```yaml\n```\n```yaml\nx: 1\n```\n");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].line, 2);
  EXPECT_EQ(blocks[0].text, "policy: a\n");
  EXPECT_EQ(blocks[1].text, "x: 1\n");
}

}  // namespace
}  // namespace enforcer
