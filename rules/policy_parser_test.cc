// Golden-file tests: every testdata/*.yaml is parsed; a file named bad_*.yaml (errors: no policy)
// or lint_*.yaml (warnings only: the policy loads) must produce exactly the diagnostics in the
// matching .errors file, and good_*.yaml none. Set UPDATE_GOLDEN=1 with
// `bazel run` to print what the files should contain.
#include "rules/policy_parser.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "base/test_files.h"

namespace enforcer {
namespace {

std::vector<std::string> TestdataFiles(absl::string_view suffix) {
  std::vector<std::string> names;
  DIR* dir = opendir(RunfilePath("rules/testdata").c_str());
  if (dir == nullptr) return names;
  while (dirent* e = readdir(dir)) {
    if (absl::EndsWith(e->d_name, suffix)) names.push_back(e->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string Diagnose(const std::string& name) {
  const std::string text = ReadFileToString(RunfilePath("rules/testdata/" + name));
  ParseResult result = ParsePolicy(text, name);
  std::vector<std::string> lines;
  bool errors = false;
  for (const Diagnostic& d : result.diagnostics) {
    lines.push_back(d.ToString());
    errors |= d.severity == Diagnostic::Severity::kError;
  }
  EXPECT_EQ(result.policy == nullptr, errors) << name;
  EXPECT_EQ(errors, absl::StartsWith(name, "bad_")) << name;
  return lines.empty() ? "" : absl::StrJoin(lines, "\n") + "\n";
}

TEST(PolicyParserGolden, BadPoliciesGiveExactlyTheExpectedDiagnostics) {
  const std::vector<std::string> files = TestdataFiles(".yaml");
  int bad = 0;
  for (const std::string& name : files) {
    if (!absl::StartsWith(name, "bad_") && !absl::StartsWith(name, "lint_")) continue;
    ++bad;
    const std::string got = Diagnose(name);
    const std::string golden = name.substr(0, name.size() - 5) + ".errors";
    if (std::getenv("UPDATE_GOLDEN")) {
      std::cout << "==> " << golden << "\n" << got;
      continue;
    }
    EXPECT_FALSE(got.empty()) << name << " parsed without diagnostics";
    EXPECT_EQ(got, ReadFileToString(RunfilePath("rules/testdata/" + golden))) << name;
  }
  EXPECT_GE(bad, 14) << "testdata went missing";
}

TEST(PolicyParserGolden, GoodPoliciesParseClean) {
  int good = 0;
  for (const std::string& name : TestdataFiles(".yaml")) {
    if (!absl::StartsWith(name, "good_")) continue;
    ++good;
    EXPECT_EQ(Diagnose(name), "") << name;
  }
  EXPECT_GE(good, 1);
}

TEST(PolicyParser, DefaultPackIsValid) {
  const std::string text = ReadFileToString(RunfilePath("rules/default_policy.yaml"));
  ParseResult result = ParsePolicy(text, "default_policy.yaml");
  ASSERT_TRUE(result.diagnostics.empty()) << result.diagnostics[0].ToString();
  const Policy& p = *result.policy;
  EXPECT_EQ(p.name(), "default-v1");
  EXPECT_TRUE(absl::StartsWith(p.version(), "sha256:"));
  EXPECT_EQ(p.version().size(), 7 + 64);
  EXPECT_EQ(p.RetentionDays(), 730);
  const CategoryPolicy* ip = p.FindCategory("ip_complaint_valid");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(p.Points(*ip, v1::SEVERITY_UNSPECIFIED, ""), 6);
  EXPECT_EQ(p.Points(*ip, v1::SEVERITY_CRITICAL, ""), 12);
  EXPECT_EQ(p.WindowDays(*ip, ""), 180);
  const CategoryPolicy* misleading = p.FindCategory("misleading_listing");
  EXPECT_EQ(p.WindowDays(*misleading, ""), 90);
  EXPECT_EQ(p.WindowDays(*misleading, "US"), 180);
  EXPECT_EQ(p.WindowDays(*misleading, "PH"), 90);
}

TEST(PolicyParser, VersionIsAContentHash) {
  const std::string a = "policy: p\ncategories:\n  x: {points: 1}\n";
  const std::string b = "policy: p\ncategories:\n  x: {points: 2}\n";
  auto pa = CompilePolicy(a, "a.yaml");
  auto pa2 = CompilePolicy(a, "other-name.yaml");
  auto pb = CompilePolicy(b, "b.yaml");
  ASSERT_TRUE(pa.ok() && pa2.ok() && pb.ok());
  EXPECT_EQ((*pa)->version(), (*pa2)->version());
  EXPECT_NE((*pa)->version(), (*pb)->version());
}

TEST(PolicyParser, CompilePolicyJoinsDiagnosticsIntoInvalidArgument) {
  auto p = CompilePolicy("policy: p\ncategories:\n  x: {pionts: 1}\n", "p.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(p.status().message()),
            "p.yaml:3:3: error: category 'x' needs points, zero_tolerance, or both\n"
            "p.yaml:3:7: error: unknown key 'pionts' in category 'x' (did you mean 'points'?); "
            "expected one of: display_name, description, points, default_severity, window, "
            "reset, daily_cap, merge, ledgers, take_down, zero_tolerance");
}

TEST(PolicyParser, NeverThrowsOnGarbage) {
  const char* inputs[] = {"",         "[",           "{",
                          ": :",      "\t",          "policy: [",
                          "- - -",    "policy: *x",  "categories: {a: {points: {low: [1]}}}",
                          "\xff\xfe", "policy: p\0x"};
  for (const char* in : inputs) {
    ParseResult r = ParsePolicy(in, "g.yaml");
    EXPECT_EQ(r.policy, nullptr) << in;
    EXPECT_FALSE(r.diagnostics.empty()) << in;
  }
}

}  // namespace
}  // namespace enforcer
