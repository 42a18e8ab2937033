// Backtesting with real parts: a ledger written by the real pipeline in RocksDB, simulated.
#include "engine/policy_simulator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "engine/enforcer.h"
#include "engine/policy_loader.h"
#include "rules/default_policy.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

class PolicySimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    writer_ = std::make_unique<LedgerWriter>(store_.get());
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok());
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), *policy);
    enforcer_ = std::make_unique<Enforcer>(store_.get(), writer_.get(), &clock_, policies_.get());
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*policy, "default").ok());
    // 30 sellers, each with a mix of reports over 200 days.
    const char* categories[] = {"misleading_listing", "prohibited_product", "customer_abuse",
                                "ip_complaint_valid", "fulfilment_rate_breach"};
    for (int day = 0; day < 200; day += 5) {
      for (int s = 0; s < 30; ++s) {
        if ((s + day) % 3 != 0) continue;
        v1::ReportViolationRequest r;
        r.set_report_id(absl::StrCat("r-", day, "-", s));
        r.set_seller_id(absl::StrCat("seller-", s));
        r.set_category(categories[(s + day / 5) % 5]);
        r.set_source(v1::SOURCE_LISTING);
        r.set_object_id(absl::StrCat("listing-", day, "-", s));
        absl::Notification done;
        enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
          EXPECT_TRUE(got.ok()) << got.status();
          done.Notify();
        });
        done.WaitForNotification();
      }
      clock_.Advance(absl::Hours(24 * 5));
    }
  }

  absl::StatusOr<v1::SimulatePolicyProgress> Simulate(const std::string& text,
                                                      bool cancel = false) {
    v1::SimulatePolicyRequest request;
    request.set_candidate_text(text);
    PolicySimulator simulator(store_.get(), 2);
    return simulator.Simulate(
        request, [](const v1::SimulatePolicyProgress&) {}, [cancel] { return cancel; });
  }

  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
};

TEST_F(PolicySimulatorTest, TheActivePolicyOverItsOwnLedgerChangesNothing) {
  auto result = Simulate(kDefaultPolicyYaml);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->done());
  const v1::SimulationResult& r = result->result();
  EXPECT_EQ(r.subjects(), 30);
  EXPECT_GT(r.events(), 350);
  EXPECT_EQ(r.subjects_differing(), 0) << r.DebugString().substr(0, 2000);
  EXPECT_EQ(r.standing_changes_size(), 0);
  for (const auto& c : r.rule_firings()) EXPECT_EQ(c.recorded(), c.candidate()) << c.name();
  EXPECT_EQ(r.samples_size(), 0);
}

TEST_F(PolicySimulatorTest, AStricterCandidateShowsWhoWouldStandWorse) {
  const std::string stricter = absl::StrReplaceAll(
      kDefaultPolicyYaml, {{"    - id: seller-deactivation-48\n      at: 48\n",
                            "    - id: seller-deactivation-48\n      at: 30\n"}});
  auto result = Simulate(stricter);
  ASSERT_TRUE(result.ok()) << result.status();
  const v1::SimulationResult& r = result->result();
  EXPECT_GT(r.subjects_differing(), 0);
  int64_t deactivated = 0;
  for (const auto& c : r.standing_changes()) {
    if (c.candidate() == v1::DEACTIVATED) deactivated += c.subjects();
  }
  EXPECT_GT(deactivated, 0);
  bool more_deactivations = false;
  for (const auto& c : r.actions()) {
    if (c.name() == "deactivate_store") more_deactivations = c.candidate() > c.recorded();
  }
  EXPECT_TRUE(more_deactivations);
  ASSERT_GT(r.samples_size(), 0);
  EXPECT_EQ(r.samples(0).recorded_size(), r.samples(0).candidate_size());
}

TEST_F(PolicySimulatorTest, ABadCandidateGivesDiagnosticsAndCancellingStops) {
  auto bad = Simulate("policy: x\ncategories:\n  spam: {pionts: 1}\n");
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(bad->done());
  EXPECT_FALSE(bad->has_result());
  ASSERT_GE(bad->diagnostics_size(), 1);
  EXPECT_EQ(bad->diagnostics(0).line(), 3);
  EXPECT_EQ(Simulate(kDefaultPolicyYaml, /*cancel=*/true).status().code(),
            absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace enforcer
