// The embedded default pack is byte for byte rules/default_policy.yaml, so its version is the
// file's sha256 (what `sha256sum rules/default_policy.yaml` prints) and every decision made under
// it traces to the exact text in the repository.
#include "rules/default_policy.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "rules/policy_parser.h"

namespace enforcer {
namespace {

TEST(DefaultPolicy, EmbeddedTextIsTheFileExactly) {
  const std::string file = ReadFileToString(RunfilePath("rules/default_policy.yaml"));
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(kDefaultPolicyYaml), file);
}

TEST(DefaultPolicy, VersionIsTheSha256OfTheFile) {
  const std::string file = ReadFileToString(RunfilePath("rules/default_policy.yaml"));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(file.data()), file.size(), digest);
  const std::string expected = absl::StrCat(
      "sha256:",
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest))));
  auto policy = CompilePolicy(kDefaultPolicyYaml, kDefaultPolicyName);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ((*policy)->version(), expected);
  EXPECT_EQ((*policy)->text(), file);
}

}  // namespace
}  // namespace enforcer
