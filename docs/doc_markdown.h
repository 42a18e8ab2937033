// Reading docs/policy-language.md in tests: its ```yaml blocks and which of them are complete
// policies.
#ifndef ENFORCERD_DOCS_DOC_MARKDOWN_H_
#define ENFORCERD_DOCS_DOC_MARKDOWN_H_

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace enforcer::docs {

struct YamlBlock {
  int line = 0;  // the markdown line of the opening fence, 1-based
  std::string text;
};

// Every ```yaml block, in order. `*unterminated` is set when a code block is never closed.
inline std::vector<YamlBlock> YamlBlocks(const std::string& markdown, bool* unterminated) {
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
  *unterminated = in_yaml || in_other;
  return blocks;
}

// A complete policy: the first line that is neither blank nor a comment starts with "policy:".
// Its name is stored in `*name` (if not null).
inline bool IsCompletePolicy(const std::string& text, std::string* name = nullptr) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "#")) continue;
    if (!absl::ConsumePrefix(&line, "policy:")) return false;
    if (name != nullptr) *name = std::string(absl::StripAsciiWhitespace(line));
    return true;
  }
  return false;
}

}  // namespace enforcer::docs

#endif  // ENFORCERD_DOCS_DOC_MARKDOWN_H_
