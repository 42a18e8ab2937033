// Mutation fuzzing of the policy parser: every policy in rules/testdata and the default pack,
// mutated many thousand ways (seeded, so a failure reproduces), must come back as either a
// policy or positioned diagnostics inside the text: never a crash, a hang or an exception.
#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {


std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {ReadFileToString(RunfilePath("rules/default_policy.yaml"))};
  const std::string dir = RunfilePath("rules/testdata");
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (absl::EndsWith(e->d_name, ".yaml")) seeds.push_back(ReadFileToString(dir + "/" + e->d_name));
    }
    closedir(d);
  }
  return seeds;
}

// One random edit of the kind that breaks YAML and policies in interesting ways.
void Mutate(std::mt19937& rng, std::string* text) {
  static const char* kFragments[] = {":",  "-",   " ",    "\n",  "\t", "[",  "]",   "{",   "}",
                                     "'",  "\"",  "#",    "&a",  "*a", "!!", "0",   "-1",  "99999999999",
                                     "d",  "h",   "true", "null", "~", ",",  "|",   ">",   "\xff",
                                     "at: 5", "points: {low: 1}", "  - id: x\n", "categories:\n"};
  if (text->empty()) {
    *text = "policy: x";
    return;
  }
  std::uniform_int_distribution<size_t> pos(0, text->size() - 1);
  switch (rng() % 5) {
    case 0: (*text)[pos(rng)] = static_cast<char>(rng() % 256); break;
    case 1: text->erase(pos(rng), 1 + rng() % 16); break;
    case 2: text->insert(pos(rng), kFragments[rng() % (sizeof(kFragments) / sizeof(*kFragments))]); break;
    case 3: {  // duplicate a span (repeated keys, nested structures)
      size_t from = pos(rng);
      size_t len = std::min<size_t>(1 + rng() % 120, text->size() - from);
      text->insert(pos(rng), text->substr(from, len));
      break;
    }
    default: text->resize(pos(rng)); break;  // truncate
  }
}

TEST(PolicyFuzz, MutatedPoliciesNeverCrashAndDiagnosticsPointInsideTheText) {
  const std::vector<std::string> seeds = Seeds();
  ASSERT_GE(seeds.size(), 10u);
  std::mt19937 rng(20261123);
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = seeds[i % seeds.size()];
    for (int k = 1 + rng() % 4; k > 0; --k) Mutate(rng, &text);
    ParseResult r = ParsePolicy(text, "fuzz.yaml");
    // A policy is refused exactly when there is an error; lint warnings alone do not refuse it.
    const bool errors =
        std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& d) {
          return d.severity == Diagnostic::Severity::kError;
        });
    ASSERT_EQ(r.policy == nullptr, errors) << "iteration " << i << ":\n" << text;
    const int lines = 1 + std::count(text.begin(), text.end(), '\n');
    if (r.policy != nullptr) {
      ++parsed;
      for (const Diagnostic& d : r.diagnostics) ASSERT_LE(d.position.line, lines + 1) << i;
      continue;
    }
    ++rejected;
    for (const Diagnostic& d : r.diagnostics) {
      ASSERT_GE(d.position.line, 1) << i << ": " << d.ToString();
      ASSERT_LE(d.position.line, lines + 1) << i << ": " << d.ToString() << "\n" << text;
      ASSERT_GE(d.position.column, 1) << i << ": " << d.ToString();
      ASSERT_FALSE(d.message.empty()) << i;
    }
  }
  // Both outcomes must be common, or the mutations are not exercising the parser.
  EXPECT_GT(parsed, 100);  // most seeds are bad_*.yaml, so valid results are the rarer kind
  EXPECT_GT(rejected, 5000);
}

}  // namespace
}  // namespace enforcer
