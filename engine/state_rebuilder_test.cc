#include "engine/state_rebuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/ledger_writer.h"
#include "engine/policy_loader.h"
#include "engine/policy_registry.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "storage/fault_injecting_ledger_store.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

class StateRebuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        OpenRocksDbLedgerStore(std::string(std::getenv("TEST_TMPDIR")) + "/" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                               Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok());
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), *policy);
    // Two sellers and a creator with some history, written through the real pipeline.
    LedgerWriter writer(store_.get());
    Enforcer enforcer(store_.get(), &writer, &clock_, policies_.get());
    ASSERT_TRUE(enforcer.ActivatePolicyAndWait(*policy, "default").ok());
    int n = 0;
    for (const char* seller : {"s-1", "s-2"}) {
      for (const char* category :
           {"prohibited_product", "misleading_listing", "counterfeit_confirmed"}) {
        v1::ReportViolationRequest r;
        r.set_report_id("r" + std::to_string(n++));
        r.set_seller_id(seller);
        r.set_creator_id("c-1");
        r.set_category(category);
        r.set_source(v1::SOURCE_LISTING);
        r.set_object_id("listing-" + std::to_string(n));
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

  std::vector<v1::LedgerEntry> Log(const v1::Subject& s) {
    auto log = store_->ReadLog(s);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *log : std::vector<v1::LedgerEntry>{};
  }

  FakeClock clock_{kStart};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<PolicyRegistry> policies_;
};

TEST_F(StateRebuilderTest, StatesWrittenByThePipelineAgreeWithTheirLedgers) {
  for (absl::Duration later : {absl::ZeroDuration(), absl::Hours(24 * 30), absl::Hours(24 * 400)}) {
    auto report = RebuildSubjectStates(*store_, *policies_, clock_.Now() + later, /*write=*/false);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->subjects, 3u);
    EXPECT_THAT(report->repaired, IsEmpty()) << "at +" << later;
    EXPECT_THAT(report->reevaluated, IsEmpty()) << "at +" << later;
    EXPECT_THAT(report->disagreements, IsEmpty()) << "at +" << later;
  }
}

TEST_F(StateRebuilderTest, RepairsAStateThatDisagreesWithItsLedgerAndRecordsIt) {
  auto before = store_->GetSubjectState(Seller("s-2"));
  ASSERT_TRUE(before.ok() && before->has_value());
  // Damage one state: a lost action and a wrong count.
  v1::SubjectState damaged = **before;
  damaged.mutable_actions()->RemoveLast();
  damaged.set_lifetime_violations(99);
  LedgerWrite write;
  write.states.push_back(damaged);
  ASSERT_TRUE(store_->Commit({write}).ok());

  auto check = RebuildSubjectStates(*store_, *policies_, clock_.Now(), /*write=*/false);
  ASSERT_TRUE(check.ok());
  EXPECT_THAT(check->repaired, ElementsAre("SELLER/s-2"));
  const size_t entries = Log(Seller("s-2")).size();

  auto repair = RebuildSubjectStates(*store_, *policies_, clock_.Now(), /*write=*/true);
  ASSERT_TRUE(repair.ok());
  EXPECT_THAT(repair->repaired, ElementsAre("SELLER/s-2"));
  // Not a silent rewrite: the repair is a ledger entry with its reason.
  std::vector<v1::LedgerEntry> log = Log(Seller("s-2"));
  ASSERT_EQ(log.size(), entries + 1);
  ASSERT_TRUE(log.back().has_reevaluation());
  EXPECT_THAT(log.back().reevaluation().reason(),
              ::testing::StartsWith("the stored state disagreed with the ledger"));
  auto after = store_->GetSubjectState(Seller("s-2"));
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->lifetime_violations(), 3);
  const StandingSummary repaired = SummarizeStanding(*policies_->active(), **after, clock_.Now());
  const StandingSummary original = SummarizeStanding(*policies_->active(), **before, clock_.Now());
  EXPECT_EQ(repaired.standing, original.standing);
  EXPECT_EQ(repaired.active_actions.size(), original.active_actions.size());
  auto again = RebuildSubjectStates(*store_, *policies_, clock_.Now(), /*write=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again->repaired, IsEmpty());
  EXPECT_THAT(again->disagreements, IsEmpty());
}

TEST_F(StateRebuilderTest, ReevaluatesEverySubjectUnderANewPolicyAndRecordsWhatChanged) {
  // A lenient pack: no ladder at all. Every timed action the default pack issued is lifted; the
  // creator's permanent revocation stays (only staff undo it) and is listed for review.
  auto lenient = CompilePolicy(R"(policy: lenient
categories:
  prohibited_product: {points: 1, take_down: true}
  misleading_listing: {points: 1}
  counterfeit_confirmed: {points: 1, ledgers: [seller, creator], take_down: true}
)",
                               "lenient.yaml");
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  policies_->SetActive(*lenient);
  auto report = RebuildSubjectStates(*store_, *policies_, clock_.Now(), /*write=*/true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->reevaluated.size(), 3u);
  EXPECT_THAT(report->changed, ElementsAre("SELLER/s-1", "SELLER/s-2", "CREATOR/c-1"));
  v1::Subject creator;
  creator.set_kind(v1::CREATOR);
  creator.set_id("c-1");
  std::vector<v1::LedgerEntry> creator_log = Log(creator);
  bool kept = false;
  for (const v1::LedgerEntry& e : creator_log) {
    if (e.has_reevaluation()) {
      kept = e.reevaluation().permanent_kept_for_review_size() == 1 &&
             e.reevaluation().standing_after() == v1::REVOKED;
    }
  }
  EXPECT_TRUE(kept);
  for (const char* id : {"s-1", "s-2"}) {
    std::vector<v1::LedgerEntry> log = Log(Seller(id));
    int lifts = 0;
    for (const v1::LedgerEntry& e : log) lifts += e.has_lift() ? 1 : 0;
    EXPECT_GT(lifts, 0) << id;
    auto state = store_->GetSubjectState(Seller(id));
    ASSERT_TRUE(state.ok() && state->has_value());
    EXPECT_EQ((*state)->policy_version(), (*lenient)->version());
    EXPECT_EQ(SummarizeStanding(**lenient, **state, clock_.Now()).standing, v1::GOOD_STANDING);
  }
  // Run again: nothing left to do.
  auto again = RebuildSubjectStates(*store_, *policies_, clock_.Now(), /*write=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again->reevaluated, IsEmpty());
}

TEST_F(StateRebuilderTest, QuarantinesASubjectWhoseLedgerCannotBeReadAndGoesOn) {
  auto other = CompilePolicy("policy: other\ncategories:\n  misleading_listing: {points: 1}\n",
                             "other.yaml");
  ASSERT_TRUE(other.ok());
  policies_->SetActive(*other);
  FaultInjectingLedgerStore faults(store_.get());
  faults.CorruptLedgerOf(Seller("s-1"));
  auto report = RebuildSubjectStates(faults, *policies_, clock_.Now(), /*write=*/true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->subjects, 3u);
  ASSERT_EQ(report->quarantined.size(), 1u);
  EXPECT_THAT(report->quarantined[0], ::testing::StartsWith("SELLER/s-1: injected"));
  EXPECT_THAT(report->reevaluated, ElementsAre("SELLER/s-2", "CREATOR/c-1"));
  // The quarantined subject was left exactly as it was.
  auto state = store_->GetSubjectState(Seller("s-1"));
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_NE((*state)->policy_version(), (*other)->version());
}

}  // namespace
}  // namespace enforcer
