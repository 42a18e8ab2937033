#include "engine/auth_config.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/authenticator.h"
#include "gtest/gtest.h"

namespace enforcer {
namespace {

const char kTokenHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

TEST(AuthConfigTest, Sha256HexIsTheStandardDigest) {
  EXPECT_EQ(Sha256Hex("test"), kTokenHash);  // printf %s test | sha256sum
}

TEST(AuthConfigTest, ParsesPrincipalsAndTls) {
  const std::string text = absl::StrCat(R"(
tls { certificate_chain_file: "server.pem" private_key_file: "server.key" client_ca_file: "ca.pem" }
principals { name: "listing-service" roles: "reporter" token_sha256: ")",
                                        kTokenHash, R"(" }
principals { name: "alice" roles: ["appeals", "auditor"] certificate_names: "alice.appeals" }
)");
  absl::StatusOr<config::AuthConfig> parsed = ParseAuthConfig(text, "auth.textproto");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->principals_size(), 2);
  Authenticator auth(*parsed);
  EXPECT_FALSE(auth.open());
  const Caller* caller = auth.FindByToken("test");
  ASSERT_NE(caller, nullptr);
  EXPECT_EQ(caller->name, "listing-service");
  EXPECT_TRUE(caller->authenticated);
  EXPECT_EQ(caller->roles, RolesOf({Role::kReporter}));
  EXPECT_EQ(auth.FindByToken("tes"), nullptr);
  EXPECT_EQ(auth.FindByToken(""), nullptr);
}

TEST(AuthConfigTest, EveryMistakeIsPositioned) {
  const std::string text = absl::StrCat(R"(principals {
  name: "svc"
  roles: "reporter"
  roles: "root"
  token_sha256: "s3cret-token"
}
principals {
  name: "svc"
  roles: "auditor"
  certificate_names: "svc.example"
}
principals { name: "nobody" roles: "auditor" }
)");
  absl::StatusOr<config::AuthConfig> parsed = ParseAuthConfig(text, "auth.textproto");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "auth.textproto:4:3: unknown role 'root'; roles are reporter, appeals, policy_admin, "
            "auditor, delivery, admin\n"
            "auth.textproto:5:3: token_sha256: 64 lowercase hex digits, the SHA-256 of the token "
            "(printf %s \"$TOKEN\" | sha256sum); never the token itself\n"
            "auth.textproto:8:3: this name is also svc's\n"
            "auth.textproto:10:3: certificate_names need tls.client_ca_file (mutual TLS)\n"
            "auth.textproto:12:14: principal 'nobody' has no token_sha256 and no "
            "certificate_names");
}

TEST(AuthConfigTest, SyntaxErrorsArePositioned) {
  absl::StatusOr<config::AuthConfig> parsed =
      ParseAuthConfig("principals {\n  nme: \"x\"\n}\n", "a.textproto");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "a.textproto:2:3: ") ||
              absl::StartsWith(parsed.status().message(), "a.textproto:2:6: "))
      << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("nme"), std::string::npos);
}

TEST(AuthConfigTest, AConfigNeedsPrincipalsAndACompleteTlsSection) {
  absl::StatusOr<config::AuthConfig> parsed =
      ParseAuthConfig("tls { certificate_chain_file: \"a.pem\" }\n", "a.textproto");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "a.textproto:1:1: tls: certificate_chain_file and private_key_file are both required\n"
            "a.textproto:1:1: no principals: name at least one (or run without --auth_config)");
}

TEST(AuthConfigTest, BearerTokenParsing) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
}

TEST(AuthConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadAuthConfig("/nonexistent/auth.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace enforcer
