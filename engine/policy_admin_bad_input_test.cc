// PolicyAdmin's calls refuse bad input with INVALID_ARGUMENT (or FAILED_PRECONDITION) naming
// the field, and change nothing. Real parts: RocksDB in TEST_TMPDIR, the writer, the Enforcer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "engine/enforcer.h"
#include "engine/policy_administration.h"
#include "engine/policy_loader.h"
#include "engine/policy_simulator.h"
#include "engine/shadow_administration.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

class PolicyAdminBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    store_ = *OpenRocksDbLedgerStore(dir, Durability::kProcess);
    writer_ = std::make_unique<LedgerWriter>(store_.get());
    auto policy = *LoadPolicy("");
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), policy);
    enforcer_ = std::make_unique<Enforcer>(store_.get(), writer_.get(), &clock_, policies_.get());
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(policy, "default").ok());
    admin_ = std::make_unique<PolicyAdministration>(store_.get(), enforcer_.get(), policies_.get());
    shadow_admin_ = std::make_unique<ShadowAdministration>(store_.get(), writer_.get(),
                                                           enforcer_.get(), &shadow_, &clock_);
  }

  template <typename Response, typename Call>
  absl::Status Wait(Call call) {
    absl::Status result = absl::UnknownError("no callback");
    absl::Notification done;
    call([&](absl::StatusOr<Response> got) {
      result = got.status();
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
  ShadowEvaluator shadow_;
  std::unique_ptr<PolicyAdministration> admin_;
  std::unique_ptr<ShadowAdministration> shadow_admin_;
};

TEST_F(PolicyAdminBadInputTest, VersionsAndValidation) {
  v1::ListPolicyVersionsRequest list;
  list.set_page_size(1001);
  EXPECT_EQ(admin_->ListPolicyVersions(list).status().message(),
            "page_size: 1001 is outside 0..1000");
  list.set_page_size(10);
  list.set_page_token("x");
  EXPECT_EQ(admin_->ListPolicyVersions(list).status().message(),
            "page_token: is not a token this call returned");
  EXPECT_EQ(admin_->ValidatePolicy(v1::ValidatePolicyRequest()).status().message(),
            "text: is required");
}

TEST_F(PolicyAdminBadInputTest, LoadAndRollbackNeedWhoAndWhy) {
  v1::RollbackPolicyRequest rollback;
  rollback.set_version((*LoadPolicy(""))->version());
  rollback.set_message("why");
  EXPECT_EQ(Wait<v1::LoadPolicyResponse>([&](auto done) {
              admin_->RollbackPolicy(rollback, done);
            }).message(),
            "actor: is required");
  v1::LoadPolicyRequest load;
  load.set_actor("ana");
  load.set_message("why");
  EXPECT_EQ(
      Wait<v1::LoadPolicyResponse>([&](auto done) { admin_->LoadPolicy(load, done); }).message(),
      "text: is required");
  EXPECT_EQ(store_->ListActivations()->size(), 1u) << "nothing was activated";
}

TEST_F(PolicyAdminBadInputTest, ShadowCalls) {
  v1::SetShadowPolicyRequest set;
  set.set_text("policy: x\ncategories:\n  spam: {points: 1}\n");
  set.set_actor("ana");
  EXPECT_EQ(Wait<v1::SetShadowPolicyResponse>([&](auto done) {
              shadow_admin_->SetShadowPolicy(set, done);
            }).message(),
            "message: is required: say why");
  EXPECT_EQ(shadow_admin_->GetShadowReport(v1::GetShadowReportRequest()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::PromoteShadowRequest promote;
  promote.set_actor("ana");
  promote.set_message("go");
  EXPECT_EQ(Wait<v1::LoadPolicyResponse>([&](auto done) {
              shadow_admin_->PromoteShadow(promote, done);
            }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Wait<v1::ClearShadowResponse>([&](auto done) {
              shadow_admin_->ClearShadow(v1::ClearShadowRequest(), done);
            }).message(),
            "actor: is required");
}

TEST_F(PolicyAdminBadInputTest, SimulationFields) {
  PolicySimulator simulator(store_.get(), 1);
  auto run = [&](const v1::SimulatePolicyRequest& r) {
    return simulator.Simulate(
        r, [](const v1::SimulatePolicyProgress&) {}, [] { return false; });
  };
  v1::SimulatePolicyRequest request;
  EXPECT_EQ(run(request).status().message(), "candidate_text: is required");
  request.set_candidate_text("policy: x\ncategories:\n  spam: {points: 1}\n");
  request.set_sample_size(101);
  EXPECT_EQ(run(request).status().message(), "sample_size: must be 0..100");
  request.set_sample_size(0);
  request.add_subjects()->set_id("s1");  // no kind
  EXPECT_EQ(run(request).status().message(), "subjects[0].kind: must be SELLER or CREATOR");
}

}  // namespace
}  // namespace enforcer
