// Policy versions end to end: reading the policy in force, validating a candidate, loading it,
// rolling back, and what a restart keeps, over PolicyAdmin against the real binary.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/policy_admin.grpc.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kCandidate[] = R"(policy: candidate-v2
categories:
  spam: {points: 6}
milestones:
  seller:
    - id: warn-6
      at: 6
      actions:
        - {type: warning, duration: 30d}
)";

class PolicyVersionsTest : public EnforcerdTest {
 protected:
  std::unique_ptr<v1::PolicyAdmin::Stub> Admin() { return v1::PolicyAdmin::NewStub(channel_); }

  v1::LoadPolicyResponse Load(const std::string& text, const std::string& message) {
    v1::LoadPolicyRequest r;
    r.set_text(text);
    r.set_message(message);
    r.set_actor("policy-team@example");
    r.set_filename("candidate.yaml");
    v1::LoadPolicyResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = Admin()->LoadPolicy(&context, r, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::GetPolicyResponse Get() {
    v1::GetPolicyResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(Admin()->GetPolicy(&context, v1::GetPolicyRequest(), &response).ok());
    return response;
  }
};

TEST_F(PolicyVersionsTest, LoadValidateRollBackAndRestart) {
  v1::GetPolicyResponse first = Get();
  EXPECT_EQ(first.active().version(), DefaultPolicyVersion());
  EXPECT_EQ(first.active().text(), DefaultPolicyText());
  EXPECT_EQ(first.summary().name(), "default-v1");
  EXPECT_GT(first.summary().categories_size(), 5);
  EXPECT_EQ(first.summary().categories(0).id(), "ban_evasion");
  EXPECT_EQ(first.summary().categories(0).display_name(), "Evading an enforcement action");

  // A candidate with a mistake: structured, positioned diagnostics; nothing changes.
  v1::LoadPolicyResponse rejected = Load("policy: x\ncategories:\n  spam: {pionts: 6}\n", "typo");
  EXPECT_FALSE(rejected.activated());
  ASSERT_GE(rejected.diagnostics_size(), 1);
  EXPECT_EQ(rejected.diagnostics(0).file(), "candidate.yaml");
  EXPECT_EQ(rejected.diagnostics(0).line(), 3);
  EXPECT_EQ(rejected.diagnostics(0).severity(), v1::PolicyDiagnostic::ERROR);
  EXPECT_EQ(Get().active().version(), DefaultPolicyVersion());

  v1::ValidatePolicyRequest validate;
  validate.set_text(kCandidate);
  v1::ValidatePolicyResponse validated;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->ValidatePolicy(&context, validate, &validated).ok());
  }
  EXPECT_TRUE(validated.valid());
  EXPECT_EQ(validated.version(), PolicyVersionOf(kCandidate));

  v1::LoadPolicyResponse loaded = Load(kCandidate, "a simpler ladder for the pilot market");
  EXPECT_TRUE(loaded.activated());
  EXPECT_EQ(loaded.version().version(), PolicyVersionOf(kCandidate));
  EXPECT_EQ(loaded.version().actor(), "policy-team@example");
  EXPECT_EQ(loaded.version().message(), "a simpler ladder for the pilot market");
  EXPECT_EQ(loaded.version().previous_version(), DefaultPolicyVersion());
  EXPECT_EQ(ReportOk(SellerReport("r1", "s1", "spam")).decisions(0).policy_version(),
            PolicyVersionOf(kCandidate));
  EXPECT_TRUE(Load(kCandidate, "again").unchanged());

  // A restart keeps the loaded version, not the flags' embedded default.
  StopAndRestart();
  EXPECT_EQ(Get().active().version(), PolicyVersionOf(kCandidate));
  EXPECT_TRUE(WaitForLog("stays in force"));

  v1::RollbackPolicyRequest rollback;
  rollback.set_version(DefaultPolicyVersion());
  rollback.set_message("pilot over");
  rollback.set_actor("policy-team@example");
  v1::LoadPolicyResponse rolled;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->RollbackPolicy(&context, rollback, &rolled).ok());
  }
  EXPECT_TRUE(rolled.activated());
  EXPECT_EQ(rolled.version().source(), "PolicyAdmin.RollbackPolicy");
  rollback.set_version("sha256:0000");
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = Admin()->RollbackPolicy(&context, rollback, &rolled);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }

  v1::ListPolicyVersionsRequest list;
  list.set_page_size(2);
  v1::ListPolicyVersionsResponse page;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->ListPolicyVersions(&context, list, &page).ok());
  }
  ASSERT_EQ(page.versions_size(), 2);
  EXPECT_EQ(page.versions(0).version(), DefaultPolicyVersion());
  EXPECT_EQ(page.versions(0).message(), "pilot over");
  EXPECT_EQ(page.versions(1).version(), PolicyVersionOf(kCandidate));
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->ListPolicyVersions(&context, list, &page).ok());
  }
  ASSERT_EQ(page.versions_size(), 1);
  EXPECT_EQ(page.versions(0).source(), "embedded default pack");
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(PolicyVersionsTest, OverridePolicyActivatesTheFlagsPolicyAtStart) {
  Load(kCandidate, "pilot");
  StopDaemon();
  extra_flags_.push_back("--override_policy");
  StartDaemon();
  v1::GetPolicyResponse now = Get();
  EXPECT_EQ(now.active().version(), DefaultPolicyVersion());
  EXPECT_EQ(now.active().message(), "started with --override_policy");
}

TEST_F(PolicyVersionsTest, LoadNeedsAnActorAndAMessage) {
  v1::LoadPolicyRequest r;
  r.set_text(kCandidate);
  r.set_actor("someone");
  v1::LoadPolicyResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = Admin()->LoadPolicy(&context, r, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("message: is required"));
}

}  // namespace
}  // namespace enforcer::e2e
