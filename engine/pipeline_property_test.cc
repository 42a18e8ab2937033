// The ledger is the truth, through the real pipeline: random reports (categories, regions,
// rights holders, backdated times, both ledgers) with policy activations in between, written by
// the real writer to a real RocksDB. Afterwards every subject's stored state must equal the fold
// of its ledger under the recorded policies, every recorded decision must re-run identically,
// and a subject that lived through A -> B -> A must stand where it would had A never left.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/policy_loader.h"
#include "engine/policy_registry.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator.h"
#include "rules/evaluator_test_fixture.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

// Same categories as the default pack, a different ladder, shorter windows.
constexpr char kAlternative[] = R"yaml(
policy: alternative
default_window: 30d
categories:
  counterfeit_confirmed: {points: 12, window: 60d, ledgers: [seller, creator], take_down: true}
  ip_complaint_valid: {points: 5, window: 60d, ledgers: [seller, creator], take_down: true}
  misleading_listing: {points: 3}
  customer_abuse: {points: 6}
milestones:
  seller:
    - {id: warn-5, at: 5, repeat: on_crossing, actions: [{type: warning, duration: 20d}]}
    - {id: restrict-10, at: 10, repeat: each_violation,
       actions: [{type: restrict_feature, feature: new_listings, duration: 10d}]}
  creator:
    - {id: creator-warn-5, at: 5, actions: [{type: warning, duration: 20d}]}
)yaml";

class Pipeline {
 public:
  explicit Pipeline(const std::string& dir) {
    auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    writer_ = std::make_unique<LedgerWriter>(store_.get());
    default_ = *LoadPolicy("");
    alternative_ = *CompilePolicy(kAlternative, "alternative.yaml");
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), default_);
    enforcer_ = std::make_unique<Enforcer>(store_.get(), writer_.get(), &clock_, policies_.get());
    EXPECT_TRUE(enforcer_->ActivatePolicyAndWait(default_, "default").ok());
  }

  // Queues the activation behind the reports already queued, without waiting: it may share a
  // commit group with them.
  void Activate(bool alternative) {
    ++pending_;
    enforcer_->ActivatePolicy(alternative ? alternative_ : default_, "test",
                              [this](absl::Status s) {
                                EXPECT_TRUE(s.ok()) << s;
                                Done();
                              });
  }

  // Queues the report without waiting for its answer, so reports share commit groups.
  void Submit(const v1::ReportViolationRequest& r) {
    ++pending_;
    enforcer_->ReportViolation(r, [this](absl::StatusOr<v1::ReportViolationResponse> got) {
      EXPECT_TRUE(got.ok()) << got.status();
      Done();
    });
  }

  void Report(const v1::ReportViolationRequest& r) {
    Submit(r);
    AwaitAll();
  }

  void AwaitAll() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &pending_));
  }

  void Done() {
    absl::MutexLock lock(&mu_);
    --pending_;
  }

  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;

  FakeClock clock_{kStart};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<LedgerWriter> writer_;
  std::shared_ptr<const Policy> default_, alternative_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
};

TEST(PipelineProperty, StoredStateIsTheFoldAndSwitchingBackEqualsNeverSwitching) {
  const std::string root = std::getenv("TEST_TMPDIR");
  Pipeline switching(root + "/switching"), never(root + "/never");
  std::mt19937 rng(20261123);
  const char* categories[] = {"counterfeit_confirmed", "ip_complaint_valid", "misleading_listing",
                              "customer_abuse"};
  const char* regions[] = {"", "US", "TW", "PH"};
  const int kReports = 240;
  for (int i = 0; i < kReports; ++i) {
    v1::ReportViolationRequest r;
    r.set_report_id(absl::StrCat("r", i));
    r.set_seller_id(absl::StrCat("seller-", rng() % 6));
    if (rng() % 3 == 0) r.set_creator_id(absl::StrCat("creator-", rng() % 3));
    r.set_category(categories[rng() % 4]);
    r.set_source(v1::SOURCE_LISTING);
    r.set_region(regions[rng() % 4]);
    r.set_rights_holder_id(absl::StrCat("holder-", rng() % 3));
    r.set_object_id(absl::StrCat("object-", i));
    if (rng() % 5 == 0) {
      *r.mutable_occurred_at() =
          ToProtoTime(switching.clock_.Now() - absl::Hours(24 * (rng() % 300)));
    }
    // The middle third of the reports is decided under the alternative policy. Reports go in
    // rounds of 12 queued at once (one time step per round), so that reports, resends and
    // activations share commit groups.
    if (i == kReports / 3) switching.Activate(true);
    if (i == 2 * kReports / 3) switching.Activate(false);
    switching.Submit(r);
    never.Submit(r);
    if (i % 5 == 0) {  // a resend, answered from the group's pending writes or from the ledger
      switching.Submit(r);
      never.Submit(r);
    }
    if (i % 12 == 11) {
      switching.AwaitAll();
      never.AwaitAll();
      const absl::Duration step = absl::Hours(rng() % 72);
      switching.clock_.Advance(step);
      never.clock_.Advance(step);
    }
  }
  switching.AwaitAll();
  never.AwaitAll();
  EXPECT_GT(switching.writer_->stats().largest_group, 1u) << "reports never shared a group";
  const absl::Time end = switching.clock_.Now();
  int subjects = 0;
  for (Pipeline* p : {&switching, &never}) {
    ASSERT_TRUE(p->store_
                    ->ForEachSubject([&](const v1::Subject& subject) -> absl::Status {
                      ++subjects;
                      auto log = p->store_->ReadLog(subject);
                      auto stored = p->store_->GetSubjectState(subject);
                      EXPECT_TRUE(log.ok() && stored.ok() && stored->has_value());
                      FoldResult fold = FoldLedger(
                          [&](const std::string& v) { return p->policies_->Find(v).get(); },
                          subject, *log, end);
                      EXPECT_TRUE(fold.disagreements.empty())
                          << subject.id() << ": " << fold.disagreements[0];
                      v1::SubjectState state = **stored;
                      PruneState(p->policies_->Find(state.policy_version()).get(), end, &state);
                      EXPECT_EQ(fold.state.DebugString(), state.DebugString()) << subject.id();
                      return absl::OkStatus();
                    })
                    .ok());
  }
  EXPECT_GT(subjects, 10);

  // Subjects not reported since the switch back are re-evaluated at their next report; bring
  // every one up to date with one more report each, then compare the two worlds.
  for (int s = 0; s < 6; ++s) {
    v1::ReportViolationRequest r;
    r.set_report_id(absl::StrCat("final-", s));
    r.set_seller_id(absl::StrCat("seller-", s));
    r.set_category("misleading_listing");
    r.set_source(v1::SOURCE_LISTING);
    switching.Report(r);
    never.Report(r);
    v1::Subject subject;
    subject.set_kind(v1::SELLER);
    subject.set_id(absl::StrCat("seller-", s));
    auto a = switching.store_->GetSubjectState(subject);
    auto b = never.store_->GetSubjectState(subject);
    ASSERT_TRUE(a.ok() && a->has_value() && b.ok() && b->has_value());
    EXPECT_EQ(testing::EffectiveStanding(*switching.default_, **a, end),
              testing::EffectiveStanding(*never.default_, **b, end))
        << subject.id();
  }
}

}  // namespace
}  // namespace enforcer
