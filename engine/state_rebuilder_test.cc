#include "engine/state_rebuilder.h"

#include <cstdlib>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/ledger_writer.h"
#include "engine/policy_loader.h"
#include "rules/evaluator.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

class StateRebuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenRocksDbLedgerStore(
        std::string(std::getenv("TEST_TMPDIR")) + "/" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok());
    policy_ = *policy;
    // Two sellers and a creator with some history, written through the real pipeline.
    LedgerWriter writer(store_.get());
    Enforcer enforcer(store_.get(), &writer, &clock_, policy_);
    int n = 0;
    for (const char* seller : {"s-1", "s-2"}) {
      for (const char* category : {"prohibited_product", "misleading_listing", "counterfeit_confirmed"}) {
        v1::ReportViolationRequest r;
        r.set_report_id("r" + std::to_string(n++));
        r.set_seller_id(seller);
        r.set_creator_id("c-1");
        r.set_category(category);
        r.set_source(v1::SOURCE_LISTING);
        absl::Notification done;
        enforcer.ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
          EXPECT_TRUE(got.ok()) << got.status();
          done.Notify();
        });
        done.WaitForNotification();
        clock_.Advance(absl::Hours(24 * 20));
      }
    }
  }

  v1::Subject Seller(const std::string& id) {
    v1::Subject s;
    s.set_kind(v1::SELLER);
    s.set_id(id);
    return s;
  }

  FakeClock clock_{kStart};
  std::unique_ptr<LedgerStore> store_;
  std::shared_ptr<const Policy> policy_;
};

TEST_F(StateRebuilderTest, StatesWrittenByThePipelineAgreeWithTheirLedgers) {
  for (absl::Duration later : {absl::ZeroDuration(), absl::Hours(24 * 30), absl::Hours(24 * 400)}) {
    auto report = RebuildSubjectStates(*store_, *policy_, clock_.Now() + later, /*repair=*/false);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->subjects, 3u);
    EXPECT_THAT(report->differing, IsEmpty()) << "at +" << later;
  }
}

TEST_F(StateRebuilderTest, RepairsAStateThatDisagreesWithItsLedger) {
  auto before = store_->GetSubjectState(Seller("s-2"));
  ASSERT_TRUE(before.ok() && before->has_value());
  // Damage one state: a lost action and a wrong count.
  v1::SubjectState damaged = **before;
  damaged.mutable_actions()->RemoveLast();
  damaged.set_lifetime_violations(99);
  LedgerWrite write;
  write.states.push_back(damaged);
  ASSERT_TRUE(store_->Commit({write}).ok());

  auto check = RebuildSubjectStates(*store_, *policy_, clock_.Now(), /*repair=*/false);
  ASSERT_TRUE(check.ok());
  EXPECT_THAT(check->differing, ElementsAre("SELLER/s-2"));
  EXPECT_EQ(check->repaired, 0u);

  auto repair = RebuildSubjectStates(*store_, *policy_, clock_.Now(), /*repair=*/true);
  ASSERT_TRUE(repair.ok());
  EXPECT_EQ(repair->repaired, 1u);
  auto after = store_->GetSubjectState(Seller("s-2"));
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->lifetime_violations(), 3);
  const StandingSummary repaired = SummarizeStanding(**after, clock_.Now());
  const StandingSummary original = SummarizeStanding(**before, clock_.Now());
  EXPECT_EQ(repaired.standing, original.standing);
  EXPECT_EQ(repaired.active_actions.size(), original.active_actions.size());
  auto again = RebuildSubjectStates(*store_, *policy_, clock_.Now(), /*repair=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again->differing, IsEmpty());
}

}  // namespace
}  // namespace enforcer
