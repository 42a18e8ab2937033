// Every complete policy in docs/policy-language.md must be valid: each ```yaml block whose first
// non-comment line starts with "policy:" is compiled with ParsePolicy and must give no
// diagnostics. Other yaml blocks are fragments and are not parsed.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/test_files.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

constexpr char kDoc[] = "docs/policy-language.md";

std::string ReadDoc() {
  const std::string text = ReadFileToString(RunfilePath(kDoc));
  EXPECT_FALSE(text.empty()) << "cannot read " << RunfilePath(kDoc);
  return text;
}

struct YamlBlock {
  int line = 0;  // the markdown line of the opening fence, 1-based
  std::string text;
};

std::vector<YamlBlock> YamlBlocks(const std::string& markdown) {
  std::vector<YamlBlock> blocks;
  std::vector<std::string> lines = absl::StrSplit(markdown, '\n');
  bool in_yaml = false, in_other = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(lines[i]);
    if (in_yaml || in_other) {
      // A closing fence is backticks only: "```yaml" inside a text block is content.
      if (absl::StartsWith(trimmed, "```") &&
          trimmed.find_first_not_of('`') == absl::string_view::npos) {
        in_yaml = in_other = false;
      } else if (in_yaml) {
        absl::StrAppend(&blocks.back().text, lines[i], "\n");
      }
      continue;
    }
    if (trimmed == "```yaml") {
      in_yaml = true;
      blocks.push_back(YamlBlock{static_cast<int>(i + 1), ""});
    } else if (absl::StartsWith(trimmed, "```")) {
      in_other = true;
    }
  }
  EXPECT_FALSE(in_yaml || in_other) << "unterminated code block in " << kDoc;
  return blocks;
}

// A complete policy: the first line that is neither blank nor a comment starts with "policy:".
bool IsCompletePolicy(const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "#")) continue;
    return absl::StartsWith(line, "policy:");
  }
  return false;
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
    for (const Diagnostic& d : result.diagnostics) absl::StrAppend(&diagnostics, d.ToString(), "\n");
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
