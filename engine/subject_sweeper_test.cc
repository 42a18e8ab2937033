// The online re-evaluation of every subject, with real parts: RocksDB in TEST_TMPDIR, the real
// writer, the embedded pack; only time (FakeClock) and storage faults are injected.
#include "engine/subject_sweeper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/enforcer.h"
#include "engine/policy_loader.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "storage/fault_injecting_ledger_store.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

class SubjectSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        OpenRocksDbLedgerStore(std::string(std::getenv("TEST_TMPDIR")) + "/" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                               Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    real_ = std::move(*store);
    faults_ = std::make_unique<FaultInjectingLedgerStore>(real_.get());
    writer_ = std::make_unique<LedgerWriter>(faults_.get());
    policies_ = std::make_unique<PolicyRegistry>(faults_.get(), *LoadPolicy(""));
    enforcer_ = std::make_unique<Enforcer>(faults_.get(), writer_.get(), &clock_, policies_.get());
    sweeper_ = std::make_unique<SubjectSweeper>(faults_.get(), writer_.get(), policies_.get(),
                                                &clock_, /*max_in_flight=*/4);
    // Twenty sellers with 12 points each (prohibited_product, medium): restricted campaigns.
    for (int i = 0; i < 20; ++i) Report(absl::StrCat("s-", i), absl::StrCat("r-", i));
  }

  void Report(const std::string& seller, const std::string& report_id) {
    v1::ReportViolationRequest r;
    r.set_report_id(report_id);
    r.set_seller_id(seller);
    r.set_category("prohibited_product");
    r.set_source(v1::SOURCE_LISTING);
    r.set_object_id("listing-" + report_id);
    absl::Notification done;
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      EXPECT_TRUE(got.ok()) << got.status();
      done.Notify();
    });
    done.WaitForNotification();
  }

  std::shared_ptr<const Policy> Lenient() {
    return *CompilePolicy(
        "policy: lenient\ncategories:\n  prohibited_product: {points: 1, take_down: true}\n",
        "lenient.yaml");
  }

  v1::SubjectState State(const std::string& seller) {
    v1::Subject s;
    s.set_kind(v1::SELLER);
    s.set_id(seller);
    return **real_->GetSubjectState(s);
  }

  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  std::unique_ptr<LedgerStore> real_;
  std::unique_ptr<FaultInjectingLedgerStore> faults_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
  std::unique_ptr<SubjectSweeper> sweeper_;
};

TEST_F(SubjectSweeperTest, BringsEverySubjectUnderTheNewPolicyWhileReportsFlow) {
  auto lenient = Lenient();
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(lenient, "lenient.yaml").ok());
  // Reports keep coming while the sweep runs.
  std::atomic<bool> stop{false};
  std::thread reporter([&] {
    for (int i = 0; !stop; ++i) Report(absl::StrCat("s-", i % 20), absl::StrCat("during-", i));
  });
  auto report = sweeper_->ReevaluateAll();
  stop = true;
  reporter.join();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->subjects, 20u);
  EXPECT_EQ(report->policy_version, lenient->version());
  // Each subject is re-evaluated once: by the sweep, or by a report that came first.
  EXPECT_LE(report->reevaluated, 20u);
  EXPECT_EQ(report->changed, report->reevaluated) << "every one of them had campaigns restricted";
  for (int i = 0; i < 20; ++i) {
    const v1::SubjectState state = State(absl::StrCat("s-", i));
    EXPECT_EQ(state.policy_version(), lenient->version());
    EXPECT_EQ(SummarizeStanding(*lenient, state, clock_.Now()).standing, v1::GOOD_STANDING);
  }
  // A second sweep finds nothing to do.
  auto again = sweeper_->ReevaluateAll();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reevaluated, 0u);
}

TEST_F(SubjectSweeperTest, QuarantinesUnreadableLedgersAndReportsAFailingStore) {
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(Lenient(), "lenient.yaml").ok());
  v1::Subject broken;
  broken.set_kind(v1::SELLER);
  broken.set_id("s-3");
  faults_->CorruptLedgerOf(broken);
  auto report = sweeper_->ReevaluateAll();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->reevaluated, 19u);
  ASSERT_EQ(report->quarantined.size(), 1u);
  EXPECT_THAT(report->quarantined[0], StartsWith("SELLER/s-3: injected"));

  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*LoadPolicy(""), "default").ok());
  faults_->FailCommits(true);
  auto failed = sweeper_->ReevaluateAll();
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  faults_->FailCommits(false);
}

}  // namespace
}  // namespace enforcer
