// Shadow mode end to end: a shadow policy decides every new report beside the active one, acts
// on nothing, is recorded apart, survives a restart, and can be promoted or cleared.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/policy_admin.grpc.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

class ShadowTest : public EnforcerdTest {
 protected:
  std::unique_ptr<v1::PolicyAdmin::Stub> Admin() { return v1::PolicyAdmin::NewStub(channel_); }

  std::string Stricter() {  // the store closes at 30 points instead of 48
    std::string text = DefaultPolicyText();
    const std::string from = "    - id: seller-deactivation-48\n      at: 48\n";
    text.replace(text.find(from), from.size(), "    - id: seller-deactivation-48\n      at: 30\n");
    return text;
  }

  grpc::Status Report(v1::ShadowReport* report) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return Admin()->GetShadowReport(&context, v1::GetShadowReportRequest(), report);
  }

  void Offend(const std::string& id) {
    v1::ReportViolationRequest r = SellerReport(id, "seller-s", "prohibited_product");
    r.set_object_id("listing-" + id);
    ReportOk(r);  // medium: 12 points
  }
};

TEST_F(ShadowTest, AShadowDecidesBesideTheActivePolicyAndCanBePromoted) {
  Offend("before");  // history the shadow replays when it first sees the seller
  v1::SetShadowPolicyRequest set;
  set.set_text(Stricter());
  set.set_actor("policy-team");
  set.set_message("try closing stores at 30 points");
  v1::SetShadowPolicyResponse response;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->SetShadowPolicy(&context, set, &response).ok());
  }
  ASSERT_TRUE(response.set());
  Offend("s2");
  Offend("s3");  // 36 points: the active policy suspends, the shadow would close the store
  EXPECT_EQ(StandingOk(Seller("seller-s")).standing(), v1::SUSPENDED) << "a shadow never acts";

  StopAndRestart();  // the shadow survives
  v1::ShadowReport report;
  ASSERT_TRUE(Report(&report).ok());
  EXPECT_EQ(report.shadow().actor(), "policy-team");
  EXPECT_EQ(report.decisions(), 2);
  EXPECT_EQ(report.disagreements(), 1);
  ASSERT_EQ(report.examples_size(), 1);
  EXPECT_EQ(report.examples(0).active().standing_after(), v1::SUSPENDED);
  EXPECT_EQ(report.examples(0).shadow().standing_after(), v1::DEACTIVATED);
  bool counted = false;
  for (const auto& c : report.actions()) {
    if (c.name() == "deactivate_store") counted = c.recorded() == 0 && c.candidate() == 1;
  }
  EXPECT_TRUE(counted) << report.DebugString();

  v1::PromoteShadowRequest promote;
  promote.set_actor("policy-team");
  promote.set_message("the shadow agreed with reviewers for two weeks");
  v1::LoadPolicyResponse promoted;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->PromoteShadow(&context, promote, &promoted).ok());
  }
  EXPECT_TRUE(promoted.activated());
  EXPECT_EQ(promoted.version().version(), PolicyVersionOf(Stricter()));
  EXPECT_EQ(promoted.version().source(), "PolicyAdmin.PromoteShadow");
  EXPECT_EQ(Report(&report).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ShadowTest, ABadShadowIsNotSetAndClearingStopsIt) {
  v1::SetShadowPolicyRequest set;
  set.set_text("policy: x\ncategories:\n  spam: {pionts: 1}\n");
  set.set_actor("policy-team");
  set.set_message("typo");
  v1::SetShadowPolicyResponse response;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->SetShadowPolicy(&context, set, &response).ok());
  }
  EXPECT_FALSE(response.set());
  ASSERT_GE(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).line(), 3);
  v1::ShadowReport report;
  EXPECT_EQ(Report(&report).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  set.set_text(Stricter());
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->SetShadowPolicy(&context, set, &response).ok());
  }
  v1::ClearShadowRequest clear;
  clear.set_actor("policy-team");
  v1::ClearShadowResponse cleared;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(Admin()->ClearShadow(&context, clear, &cleared).ok());
  }
  Offend("after-clear");
  EXPECT_EQ(Report(&report).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace enforcer::e2e
