// Remedies and links through the real pipeline: RocksDB in TEST_TMPDIR, the real writer thread,
// a FakeClock. Each test ends by checking that the stored state is exactly the fold of the ledger.
#include "engine/case_pipeline.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "engine/enforcer.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

constexpr char kPolicy[] = R"(
policy: cases
default_window: 90d
remedies:
  policy_training:
    ends: [warning]
    restores_points: 4
    once_every: 90d
  listing_corrected:
    cancels_pending: true
linked_subjects:
  propagate: [deactivate_store]
categories:
  spam: {points: 6, ledgers: [seller, creator]}
  fake: {points: 48}
milestones:
  seller:
    - id: warn-6
      at: 6
      actions:
        - {type: warning, duration: 30d}
    - id: suspend-12
      at: 12
      repeat: each_violation
      actions:
        - {type: suspend, duration: 7d, grace: 72h}
    - id: close-48
      at: 48
      actions: [deactivate_store]
)";

v1::Subject Seller(const std::string& id) {
  v1::Subject s;
  s.set_kind(v1::SELLER);
  s.set_id(id);
  return s;
}

class CasePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = OpenRocksDbLedgerStore(dir, Durability::kFsync);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    writer_ = std::make_unique<LedgerWriter>(store_.get());
    auto policy = CompilePolicy(kPolicy, "cases.yaml");
    ASSERT_TRUE(policy.ok()) << policy.status();
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), *policy);
    enforcer_ = std::make_unique<Enforcer>(store_.get(), writer_.get(), &clock_, policies_.get());
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*policy, "cases.yaml").ok());
    cases_ = std::make_unique<CasePipeline>(writer_.get(), &clock_, policies_.get());
  }

  template <typename Response, typename Request, typename Call>
  absl::StatusOr<Response> Wait(const Request& request, Call call) {
    absl::StatusOr<Response> result = absl::UnknownError("no callback");
    absl::Notification done;
    (cases_.get()->*call)(request, [&](absl::StatusOr<Response> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  absl::StatusOr<v1::RecordRemedyResponse> Remedy(const std::string& request_id,
                                                  const std::string& seller,
                                                  const std::string& remedy,
                                                  const std::string& violation_id = "") {
    v1::RecordRemedyRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_remedy(remedy);
    r.set_violation_id(violation_id);
    r.set_actor("agent-7");
    return Wait<v1::RecordRemedyResponse>(r, &CasePipeline::RecordRemedy);
  }

  absl::StatusOr<v1::LinkSubjectsResponse> Link(const std::string& request_id, const std::string& a,
                                                const std::string& b) {
    v1::LinkSubjectsRequest r;
    r.set_request_id(request_id);
    *r.mutable_a() = Seller(a);
    *r.mutable_b() = Seller(b);
    r.set_reason("same bank account");
    r.set_actor("agent-7");
    return Wait<v1::LinkSubjectsResponse>(r, &CasePipeline::LinkSubjects);
  }

  v1::ReportViolationResponse Report(const std::string& id, const std::string& seller,
                                     const std::string& category) {
    v1::ReportViolationRequest r;
    r.set_report_id(id);
    r.set_seller_id(seller);
    r.set_category(category);
    r.set_source(v1::SOURCE_LISTING);
    absl::StatusOr<v1::ReportViolationResponse> result = absl::UnknownError("no callback");
    absl::Notification done;
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : v1::ReportViolationResponse();
  }

  v1::GetStandingResponse Standing(const std::string& seller) {
    v1::GetStandingRequest r;
    *r.mutable_subject() = Seller(seller);
    return *enforcer_->GetStanding(r);
  }

  void ExpectStateIsTheFold(const std::string& seller) {
    auto log = store_->ReadLog(Seller(seller));
    auto stored = store_->GetSubjectState(Seller(seller));
    ASSERT_TRUE(log.ok() && stored.ok() && stored->has_value());
    absl::Time last = absl::InfinitePast();
    for (const v1::LedgerEntry& e : *log) last = std::max(last, FromProtoTime(e.recorded_at()));
    FoldResult fold = FoldLedger([&](const std::string& v) { return policies_->Find(v).get(); },
                                 Seller(seller), *log, last);
    EXPECT_TRUE(fold.disagreements.empty()) << fold.disagreements[0];
    v1::SubjectState state = **stored;
    PruneState(policies_->Find(state.policy_version()).get(), last, &state);
    EXPECT_EQ(fold.state.DebugString(), state.DebugString()) << seller;
  }

  FakeClock clock_{kStart};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
  std::unique_ptr<CasePipeline> cases_;
};

TEST_F(CasePipelineTest, TrainingEndsTheWarningRestoresPointsAndIsIdempotent) {
  Report("r1", "s1", "spam");
  ASSERT_EQ(Standing("s1").standing(), v1::WARNED);
  clock_.Advance(absl::Hours(24));
  auto first = Remedy("m-1", "s1", "policy_training");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate());
  EXPECT_EQ(first->remedy().points_restored(), 4);
  EXPECT_EQ(first->remedy().actions_ended_size(), 1);
  EXPECT_EQ(first->remedy().actor(), "agent-7");
  EXPECT_EQ(Standing("s1").standing(), v1::GOOD_STANDING);
  EXPECT_EQ(Standing("s1").active_points(), 2);
  // The same request again: the same remedy, nothing recorded twice.
  auto again = Remedy("m-1", "s1", "policy_training");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->remedy().remedy_id(), first->remedy().remedy_id());
  EXPECT_EQ(Standing("s1").active_points(), 2);
  // The request id for another request: refused.
  EXPECT_EQ(Remedy("m-1", "s2", "policy_training").status().code(),
            absl::StatusCode::kAlreadyExists);
  // Once every 90 days.
  auto soon = Remedy("m-2", "s1", "policy_training");
  EXPECT_EQ(soon.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(soon.status().message(),
            "remedy: 'policy_training' may be recorded once every 90 days for seller 's1'; the "
            "next may be recorded from 2026-12-21 14:13 UTC");
  ExpectStateIsTheFold("s1");
}

TEST_F(CasePipelineTest, BadRemediesAreClearErrors) {
  auto r = Report("r1", "s1", "spam");
  EXPECT_EQ(Remedy("x1", "s1", "quiz").status().message(),
            "remedy: 'quiz' is not defined by policy cases; known remedies: listing_corrected, "
            "policy_training");
  EXPECT_EQ(Remedy("x2", "s1", "listing_corrected").status().message(),
            "violation_id: is required: remedy 'listing_corrected' cancels one violation's "
            "pending actions");
  EXPECT_EQ(Remedy("x3", "s2", "listing_corrected", r.violation().violation_id()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Remedy("", "s1", "policy_training").status().message(), "request_id: is required");
}

TEST_F(CasePipelineTest, ACorrectionBeforeTheGraceEndsCancelsThePendingSuspension) {
  Report("r1", "s1", "spam");
  const v1::ReportViolationResponse second = Report("r2", "s1", "spam");
  ASSERT_EQ(Standing("s1").pending_actions_size(), 1);
  clock_.Advance(absl::Hours(24));
  auto fixed = Remedy("c-1", "s1", "listing_corrected", second.violation().violation_id());
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  ASSERT_EQ(fixed->remedy().actions_ended_size(), 1);
  EXPECT_EQ(fixed->remedy().actions_ended(0).action().type(), v1::ACTION_SUSPEND);
  clock_.Advance(absl::Hours(72));
  EXPECT_EQ(Standing("s1").standing(), v1::WARNED);
  EXPECT_EQ(Standing("s1").pending_actions_size(), 0);
  ExpectStateIsTheFold("s1");
}

TEST_F(CasePipelineTest, LinkingReachesBothWaysAndLaterActionsFollow) {
  Report("r1", "s1", "fake");
  ASSERT_EQ(Standing("s1").standing(), v1::DEACTIVATED);
  auto linked = Link("l-1", "s2", "s1");
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_TRUE(linked->linked());
  ASSERT_EQ(linked->propagations_size(), 1);
  EXPECT_EQ(linked->propagations(0).source().id(), "s1");
  EXPECT_EQ(Standing("s2").standing(), v1::DEACTIVATED);
  // Again: nothing new.
  auto again = Link("l-1", "s2", "s1");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->propagations_size(), 1);
  EXPECT_FALSE(Link("l-2", "s1", "s2")->linked());
  // A link first, then a deactivation: it follows at once, in the same commit.
  ASSERT_TRUE(Link("l-3", "s3", "s4").ok());
  Report("r2", "s4", "fake");
  EXPECT_EQ(Standing("s3").standing(), v1::DEACTIVATED);
  // Warnings do not propagate.
  Report("r3", "s5", "spam");
  ASSERT_TRUE(Link("l-4", "s5", "s6").ok());
  EXPECT_EQ(Standing("s6").standing(), v1::GOOD_STANDING);
  EXPECT_EQ(Link("l-5", "s5", "s5").status().message(), "b: must be another subject than a");
  for (const char* s : {"s1", "s2", "s3", "s4", "s5", "s6"}) ExpectStateIsTheFold(s);
}

// Found in review: a link job that re-evaluates a subject (a newer policy is in force) must
// store the re-evaluated state with the re-evaluation it records, even when nothing else changes.
TEST_F(CasePipelineTest, AReevaluationRecordedByALinkJobIsStoredWithItsState) {
  Report("r1", "s1", "spam");
  Report("r2", "s2", "spam");
  ASSERT_TRUE(Link("l-1", "s1", "s2").ok());
  std::string text = std::string(kPolicy);
  text.replace(text.find("duration: 30d"), 13, "duration: 60d");
  auto changed = CompilePolicy(text, "v2.yaml");
  ASSERT_TRUE(changed.ok());
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*changed, "v2.yaml").ok());
  auto again = Link("l-2", "s1", "s2");  // already linked: no link entries
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->linked());
  auto stored = store_->GetSubjectState(Seller("s1"));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->policy_version(), (*changed)->version());
  ExpectStateIsTheFold("s1");
  ExpectStateIsTheFold("s2");
}

// Found in review: what a re-evaluation issues before a decision (a newer policy in force)
// reaches linked subjects too.
TEST_F(CasePipelineTest, WhatAReevaluationIssuesReachesLinkedSubjects) {
  Report("r1", "s1", "spam");
  Report("r2", "s1", "spam");  // 12 points
  ASSERT_TRUE(Link("l-1", "s1", "s2").ok());
  std::string text = std::string(kPolicy);
  const std::string at48 = "      at: 48\n";
  text.replace(text.find(at48), at48.size(), "      at: 10\n");  // close stores at 10 points
  auto stricter = CompilePolicy(text, "v2.yaml");
  ASSERT_TRUE(stricter.ok()) << stricter.status();
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*stricter, "v2.yaml").ok());
  clock_.Advance(absl::Hours(1));
  Report("r3", "s1", "spam");  // re-evaluated first: deactivated; then decided
  EXPECT_EQ(Standing("s1").standing(), v1::DEACTIVATED);
  EXPECT_EQ(Standing("s2").standing(), v1::DEACTIVATED);
  for (const char* s : {"s1", "s2"}) ExpectStateIsTheFold(s);
}

}  // namespace
}  // namespace enforcer
