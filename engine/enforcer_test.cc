// The pipeline with real parts: RocksDB in TEST_TMPDIR, the embedded default pack, the real
// writer thread; only time (FakeClock) and storage faults are injected.
#include "engine/enforcer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "engine/policy_loader.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "storage/fault_injecting_ledger_store.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1790000000);

class EnforcerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = OpenRocksDbLedgerStore(dir, Durability::kFsync);
    ASSERT_TRUE(store.ok()) << store.status();
    real_ = std::move(*store);
    faults_ = std::make_unique<FaultInjectingLedgerStore>(real_.get());
    writer_ = std::make_unique<LedgerWriter>(faults_.get());
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok()) << policy.status();
    policies_ = std::make_unique<PolicyRegistry>(faults_.get(), *policy);
    enforcer_ = std::make_unique<Enforcer>(faults_.get(), writer_.get(), &clock_, policies_.get());
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*policy, "embedded default pack").ok());
  }

  std::string DefaultVersion() { return (*LoadPolicy(""))->version(); }

  void Activate(const std::string& yaml) {
    auto next = CompilePolicy(yaml, "next.yaml");
    ASSERT_TRUE(next.ok()) << next.status();
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*next, "next.yaml").ok());
  }

  absl::StatusOr<v1::ReportViolationResponse> Report(const v1::ReportViolationRequest& r) {
    absl::StatusOr<v1::ReportViolationResponse> result = absl::UnknownError("no callback");
    absl::Notification done;
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  static v1::ReportViolationRequest SellerReport(const std::string& id,
                                                 const std::string& category) {
    v1::ReportViolationRequest r;
    r.set_report_id(id);
    r.set_seller_id("seller-1");
    r.set_category(category);
    r.set_source(v1::SOURCE_LISTING);
    r.set_object_id("listing-" + id);
    return r;
  }

  v1::GetStandingResponse Standing(v1::SubjectKind kind, const std::string& id) {
    v1::GetStandingRequest req;
    req.mutable_subject()->set_kind(kind);
    req.mutable_subject()->set_id(id);
    auto s = enforcer_->GetStanding(req);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : v1::GetStandingResponse();
  }

  FakeClock clock_{kStart};
  std::unique_ptr<LedgerStore> real_;
  std::unique_ptr<FaultInjectingLedgerStore> faults_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
};

TEST_F(EnforcerTest, RecordsTheViolationTheDecisionAndItsActions) {
  auto r = Report(SellerReport("r1", "prohibited_product"));  // medium by default: 12 points
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->duplicate());
  const v1::Violation& v = r->violation();
  EXPECT_EQ(v.violation_id(), "v1");
  EXPECT_EQ(FromProtoTime(v.recorded_at()), kStart);
  EXPECT_EQ(FromProtoTime(v.report().occurred_at()), kStart);  // defaulted to receipt time
  EXPECT_EQ(v.report().severity(), v1::SEVERITY_MEDIUM);       // resolved from the default
  EXPECT_EQ(v.policy_version(), enforcer_->policy()->version());
  ASSERT_EQ(r->decisions_size(), 1);
  const v1::Decision& d = r->decisions(0);
  EXPECT_EQ(d.subject().kind(), v1::SELLER);
  EXPECT_EQ(d.points_added(), 12);
  EXPECT_EQ(d.active_points_before(), 0);
  EXPECT_EQ(d.active_points(), 12);
  EXPECT_EQ(d.standing_before(), v1::GOOD_STANDING);
  EXPECT_EQ(d.standing_after(), v1::RESTRICTED);
  ASSERT_EQ(d.rules_fired_size(), 3);
  EXPECT_EQ(d.rules_fired(0).rule_id(), "prohibited_product");
  EXPECT_EQ(d.rules_fired(1).rule_id(), "seller-caution-6");
  EXPECT_EQ(d.rules_fired(2).rule_id(), "seller-campaign-ban-12");
  ASSERT_EQ(d.actions_size(), 3);
  EXPECT_EQ(d.actions(0).type(), v1::ACTION_TAKE_DOWN);
  EXPECT_EQ(d.actions(0).object_id(), "listing-r1");
  EXPECT_EQ(d.actions(2).feature(), "campaigns");
  // A level: the ban holds until the 12 points expire (90 days from the violation's UTC day),
  // longer than its own 14 days. The warning runs 90 days from the decision, a little longer.
  EXPECT_EQ(FromProtoTime(d.actions(2).expires_at()),
            absl::FromUnixSeconds((UnixDay(kStart) + 90) * 86400));
  EXPECT_EQ(FromProtoTime(d.actions(1).expires_at()), kStart + absl::Hours(24 * 90));

  // The ledger holds violation, decision and three actions, newest first.
  v1::ListHistoryRequest h;
  *h.mutable_subject() = d.subject();
  auto history = enforcer_->ListHistory(h);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->entries_size(), 5);
  EXPECT_TRUE(history->entries(4).has_violation());
  EXPECT_TRUE(history->entries(3).has_decision());
  EXPECT_TRUE(history->entries(0).has_action());
  EXPECT_EQ(history->entries(3).decision().SerializeAsString(), d.SerializeAsString());
  EXPECT_TRUE(history->next_page_token().empty());
}

TEST_F(EnforcerTest, SameReportTwiceCountsOnce) {
  auto first = Report(SellerReport("dup", "misleading_listing"));
  ASSERT_TRUE(first.ok());
  clock_.Advance(absl::Hours(5));
  auto second = Report(SellerReport("dup", "misleading_listing"));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->duplicate());
  second->set_duplicate(false);
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());
  v1::GetStandingResponse s = Standing(v1::SELLER, "seller-1");
  EXPECT_EQ(s.lifetime_violations(), 1);
  EXPECT_EQ(s.active_points(), 1);
}

TEST_F(EnforcerTest, ReusedReportIdWithDifferentContentIsRejected) {
  ASSERT_TRUE(Report(SellerReport("same-id", "misleading_listing")).ok());
  auto other = Report(SellerReport("same-id", "customer_abuse"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(other.status().message(),
            "report_id: 'same-id' was already used for a different report (recorded as v1); use a "
            "new report_id");
}

TEST_F(EnforcerTest, ABothLedgersCategoryDecidesForSellerThenCreatorAndTakesDownOnce) {
  v1::ReportViolationRequest r = SellerReport("cf", "counterfeit_confirmed");
  r.set_creator_id("creator-1");
  r.set_rights_holder_id("brand-a");
  auto got = Report(r);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->decisions_size(), 2);
  EXPECT_EQ(got->decisions(0).subject().kind(), v1::SELLER);
  EXPECT_EQ(got->decisions(1).subject().kind(), v1::CREATOR);
  EXPECT_EQ(got->decisions(0).actions(0).type(), v1::ACTION_TAKE_DOWN);
  for (const v1::Action& a : got->decisions(1).actions()) EXPECT_NE(a.type(), v1::ACTION_TAKE_DOWN);
  EXPECT_EQ(got->decisions(1).active_points(), 24);
  EXPECT_EQ(got->decisions(1).standing_after(), v1::RESTRICTED);  // creator 24: no product links
  EXPECT_EQ(Standing(v1::CREATOR, "creator-1").active_points(), 24);
  EXPECT_EQ(Standing(v1::SELLER, "seller-1").standing(), v1::RESTRICTED);
}

TEST_F(EnforcerTest, PointsAndActionsExpireWithTime) {
  ASSERT_TRUE(Report(SellerReport("a", "prohibited_product")).ok());
  EXPECT_EQ(Standing(v1::SELLER, "seller-1").standing(), v1::RESTRICTED);
  // Past the ban's own 14 days the seller still has 12 points: the campaign ban holds.
  clock_.Advance(absl::Hours(24 * 15));
  v1::GetStandingResponse s = Standing(v1::SELLER, "seller-1");
  EXPECT_EQ(s.standing(), v1::RESTRICTED);
  EXPECT_EQ(s.active_points(), 12);
  EXPECT_EQ(s.tier().milestone_id(), "seller-campaign-ban-12");
  EXPECT_EQ(s.tier().next_milestone_id(), "seller-listing-block-24");
  EXPECT_EQ(s.evaluated_under(), enforcer_->policy()->version());
  ASSERT_EQ(s.category_counts_size(), 1);
  EXPECT_EQ(s.category_counts(0).window_days(), 90);
  clock_.Advance(absl::Hours(24 * 90));
  s = Standing(v1::SELLER, "seller-1");
  EXPECT_EQ(s.standing(), v1::GOOD_STANDING);
  EXPECT_EQ(s.active_points(), 0);
  EXPECT_EQ(s.lifetime_violations(), 1);
}

TEST_F(EnforcerTest, ZeroToleranceRevokesOnOneReport) {
  v1::ReportViolationRequest r = SellerReport("zt", "illegal_dangerous_goods");
  auto got = Report(r);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->decisions(0).standing_after(), v1::REVOKED);
  EXPECT_EQ(got->decisions(0).points_added(), 0);
  clock_.Advance(absl::Hours(24 * 3650));
  EXPECT_EQ(Standing(v1::SELLER, "seller-1").standing(), v1::REVOKED);
}

TEST_F(EnforcerTest, InvalidReportsAreRefusedAndWriteNothing) {
  v1::ReportViolationRequest r = SellerReport("bad", "misleading_listing");
  r.clear_source();
  bool answered = false;  // malformed: answered on the caller's thread
  enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    answered = true;
  });
  EXPECT_TRUE(answered);
  auto unknown = Report(SellerReport("bad", "nope"));  // refused after deduplication
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(unknown.status().message(), "category: 'nope' is not defined"));
  EXPECT_EQ(real_->LastSequence(), 0u);
}

TEST_F(EnforcerTest, AResentReportGetsItsOriginalOutcomeAfterThePolicyChanged) {
  auto first = Report(SellerReport("before-reload", "misleading_listing"));
  ASSERT_TRUE(first.ok());
  auto next = CompilePolicy("policy: other\ncategories:\n  spam: {points: 1}\n", "other.yaml");
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*next, "other.yaml").ok());
  // misleading_listing no longer exists, but the resend is answered from the ledger.
  auto again = Report(SellerReport("before-reload", "misleading_listing"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->violation().violation_id(), first->violation().violation_id());
  EXPECT_EQ(again->decisions(0).DebugString(), first->decisions(0).DebugString());
  auto fresh = Report(SellerReport("after-reload", "misleading_listing"));
  EXPECT_EQ(fresh.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EnforcerTest, StorageFailuresAreUnavailableAndLeaveNothingHalfWritten) {
  faults_->FailCommits(true);
  auto got = Report(SellerReport("x", "prohibited_product"));
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  faults_->FailCommits(false);
  faults_->FailReads(true);
  got = Report(SellerReport("y", "prohibited_product"));
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  v1::GetStandingRequest req;
  req.mutable_subject()->set_kind(v1::SELLER);
  req.mutable_subject()->set_id("seller-1");
  EXPECT_EQ(enforcer_->GetStanding(req).status().code(), absl::StatusCode::kUnavailable);
  faults_->FailReads(false);
  EXPECT_EQ(Standing(v1::SELLER, "seller-1").lifetime_violations(), 0);
  EXPECT_EQ(real_->LastSequence(), 0u);
  // The retry of the failed report now succeeds and is the first violation.
  got = Report(SellerReport("x", "prohibited_product"));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->violation().violation_id(), "v1");
}

TEST_F(EnforcerTest, DecisionsRecordThePolicyInForce) {
  ASSERT_TRUE(Report(SellerReport("p1", "misleading_listing")).ok());
  auto next = CompilePolicy(
      "policy: stricter\ncategories:\n  misleading_listing: {points: 50}\n"
      "milestones:\n  seller:\n    - {id: out, at: 48, actions: [deactivate_store]}\n",
      "stricter.yaml");
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*next, "stricter.yaml").ok());
  auto got = Report(SellerReport("p2", "misleading_listing"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->decisions(0).policy_version(), (*next)->version());
  EXPECT_EQ(got->decisions(0).points_added(), 50);
  // Before deciding, the seller was re-evaluated as if the stricter policy had always been in
  // force: its first report now weighs 50 points and already deactivated the store.
  EXPECT_EQ(got->decisions(0).active_points_before(), 50);
  EXPECT_EQ(got->decisions(0).active_points(), 100);
  EXPECT_EQ(got->decisions(0).standing_before(), v1::DEACTIVATED);
  auto log = real_->ReadLog(got->decisions(0).subject());
  ASSERT_TRUE(log.ok());
  int reevaluations = 0;
  for (const v1::LedgerEntry& e : *log) {
    if (!e.has_reevaluation()) continue;
    ++reevaluations;
    EXPECT_EQ(e.reevaluation().policy_version(), (*next)->version());
    EXPECT_EQ(e.reevaluation().standing_after(), v1::DEACTIVATED);
    ASSERT_EQ(e.reevaluation().actions_issued_size(), 1);
  }
  EXPECT_EQ(reevaluations, 1);
  // The activation is in the ledger database with the policy's text.
  auto stored = real_->GetPolicyVersion((*next)->version());
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->text(), (*next)->text());
}

TEST_F(EnforcerTest, APolicyActivatedUnderLoadSplitsDecisionsInQueueOrder) {
  // Reports queued before the activation are decided under the old policy, those after under the
  // new one: one subject's ledger never shows a newer version before an older one.
  const std::string before = enforcer_->policy()->version();
  std::atomic<int> answered{0};
  absl::Notification all;
  auto send = [&](int i) {
    v1::ReportViolationRequest r = SellerReport("load-" + std::to_string(i), "misleading_listing");
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      EXPECT_TRUE(got.ok()) << got.status();
      if (++answered == 200) all.Notify();
    });
  };
  for (int i = 0; i < 100; ++i) send(i);
  Activate(std::string(R"(policy: other
categories:
  misleading_listing: {points: 1}
)"));
  for (int i = 100; i < 200; ++i) send(i);
  all.WaitForNotification();
  v1::Subject seller;
  seller.set_kind(v1::SELLER);
  seller.set_id("seller-1");
  auto log = real_->ReadLog(seller);
  ASSERT_TRUE(log.ok()) << log.status();
  int old_decisions = 0, new_decisions = 0;
  for (const v1::LedgerEntry& e : *log) {
    if (!e.has_decision()) continue;
    if (e.decision().policy_version() == before) {
      EXPECT_EQ(new_decisions, 0) << "an old-policy decision after a new-policy one";
      ++old_decisions;
    } else {
      ++new_decisions;
    }
  }
  EXPECT_EQ(old_decisions, 100);
  EXPECT_EQ(new_decisions, 100);
}

TEST_F(EnforcerTest, AReloadThatOnlyChangesCommentsReevaluatesNobody) {
  ASSERT_TRUE(Report(SellerReport("c1", "prohibited_product")).ok());
  const std::string text = enforcer_->policy()->text();
  Activate("# reviewed by the policy team, no change\n" + text);
  auto got = Report(SellerReport("c2", "prohibited_product"));
  ASSERT_TRUE(got.ok()) << got.status();
  // Decided under the new version (the decision names it), without replaying the subject.
  EXPECT_EQ(got->decisions(0).policy_version(), enforcer_->policy()->version());
  EXPECT_NE(got->decisions(0).policy_version(), DefaultVersion());
  auto log = real_->ReadLog(got->decisions(0).subject());
  ASSERT_TRUE(log.ok());
  for (const v1::LedgerEntry& e : *log) EXPECT_FALSE(e.has_reevaluation()) << e.ShortDebugString();
  // A real change does re-evaluate.
  Activate(absl::StrReplaceAll(text, {{"at: 6\n", "at: 5\n"}}));
  ASSERT_TRUE(Report(SellerReport("c3", "prohibited_product")).ok());
  log = real_->ReadLog(got->decisions(0).subject());
  ASSERT_TRUE(log.ok());
  int reevaluations = 0;
  for (const v1::LedgerEntry& e : *log) reevaluations += e.has_reevaluation() ? 1 : 0;
  EXPECT_EQ(reevaluations, 1);
}

TEST_F(EnforcerTest, UntilReevaluatedStandingIsThatOfThePolicyTheSubjectWasDecidedUnder) {
  Activate("policy: short\ndefault_window: 30d\ncategories: {spam: {points: 2}}\n");
  const std::string short_version = enforcer_->policy()->version();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Report(SellerReport(absl::StrCat("s", i), "spam")).ok());
    clock_.Advance(absl::Hours(24 * 40));
  }
  Activate("policy: long\ndefault_window: 365d\ncategories: {spam: {points: 2}}\n");
  // Not re-evaluated yet: points and actions as the 30-day policy has them, and it says so.
  v1::GetStandingResponse s = Standing(v1::SELLER, "seller-1");
  EXPECT_EQ(s.evaluated_under(), short_version);
  EXPECT_EQ(s.active_points(), 0);
  // Its next report re-evaluates it under the 365-day policy first: every report counts again.
  ASSERT_TRUE(Report(SellerReport("s5", "spam")).ok());
  s = Standing(v1::SELLER, "seller-1");
  EXPECT_EQ(s.evaluated_under(), enforcer_->policy()->version());
  EXPECT_EQ(s.active_points(), 12);
}

TEST_F(EnforcerTest, AResendShowsTheActionsLiftedSinceByALaterPolicy) {
  auto first = Report(SellerReport("lifted", "prohibited_product"));  // 12 points: campaigns ban
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->decisions(0).actions_size(), 3);
  Activate("policy: lenient\ncategories:\n  prohibited_product: {points: 1, take_down: true}\n");
  ASSERT_TRUE(Report(SellerReport("after", "prohibited_product")).ok());  // re-evaluates the seller
  auto again = Report(SellerReport("lifted", "prohibited_product"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  // As decided then, and what has been undone since.
  EXPECT_EQ(again->decisions(0).DebugString(), first->decisions(0).DebugString());
  ASSERT_EQ(again->lifted_since_size(), 2) << again->ShortDebugString();
  EXPECT_EQ(again->lifted_since(0).action().action_id(),
            first->decisions(0).actions(1).action_id());
  EXPECT_THAT(again->lifted_since(0).reason(), ::testing::HasSubstr("would not have it in force"));
}

TEST_F(EnforcerTest, TakeDownCategoriesNeedTheObjectToTakeDown) {
  v1::ReportViolationRequest r = SellerReport("no-object", "counterfeit_confirmed");
  r.clear_object_id();
  auto got = Report(r);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(),
            "object_id: is required: category 'counterfeit_confirmed' takes the reported listing, "
            "stream or video down; name it in object_id");
  EXPECT_EQ(real_->LastSequence(), 0u);
}

TEST_F(EnforcerTest, DerivedStateIsExactlyTheFoldOfTheLedger) {
  // A mixed history over two years: points expiring, actions ending, regions, severities,
  // a late report, duplicates, both ledgers.
  const char* categories[] = {"misleading_listing", "ip_complaint_valid", "customer_abuse",
                              "counterfeit_confirmed", "fulfilment_rate_breach"};
  const char* regions[] = {"", "US", "TW", "PH"};
  for (int i = 0; i < 60; ++i) {
    v1::ReportViolationRequest r = SellerReport("mix-" + std::to_string(i), categories[i % 5]);
    r.set_region(regions[i % 4]);
    r.set_rights_holder_id(i % 3 == 0 ? "brand-a" : "brand-b");
    if (i % 4 == 1) r.set_creator_id("creator-9");
    if (i % 7 == 0) r.set_severity(v1::SEVERITY_HIGH);
    if (i % 11 == 0) *r.mutable_occurred_at() = ToProtoTime(clock_.Now() - absl::Hours(24 * 200));
    ASSERT_TRUE(Report(r).ok()) << i;
    ASSERT_TRUE(Report(r).ok()) << i;  // a duplicate changes nothing
    clock_.Advance(absl::Hours(24 * 13));
  }
  for (const auto& [kind, id] :
       {std::make_pair(v1::SELLER, "seller-1"), std::make_pair(v1::CREATOR, "creator-9")}) {
    v1::Subject subject;
    subject.set_kind(kind);
    subject.set_id(id);
    auto log = real_->ReadLog(subject);
    auto stored = real_->GetSubjectState(subject);
    ASSERT_TRUE(log.ok() && stored.ok() && stored->has_value());
    // The stored state was last pruned at the subject's last report; fold as of then.
    absl::Time last = absl::InfinitePast();
    for (const v1::LedgerEntry& e : *log) last = std::max(last, FromProtoTime(e.recorded_at()));
    FoldResult fold = FoldLedger([&](const std::string& v) { return policies_->Find(v).get(); },
                                 subject, *log, last);
    EXPECT_TRUE(fold.disagreements.empty()) << fold.disagreements[0];
    EXPECT_EQ(fold.folded_as_recorded, 0);
    EXPECT_GT(fold.state.buckets_size(), 3) << id;
    v1::SubjectState stored_state = **stored;
    PruneState(policies_->Find(stored_state.policy_version()).get(), last, &stored_state);
    EXPECT_EQ(fold.state.DebugString(), stored_state.DebugString()) << id;
  }
}

TEST_F(EnforcerTest, HistoryRequestsAreValidated) {
  v1::ListHistoryRequest h;
  h.mutable_subject()->set_kind(v1::SELLER);
  h.mutable_subject()->set_id("seller-1");
  h.set_page_size(1001);
  EXPECT_EQ(enforcer_->ListHistory(h).status().message(), "page_size: 1001 is outside 0..1000");
  h.set_page_size(10);
  *h.mutable_start_time() = ToProtoTime(kStart);
  *h.mutable_end_time() = ToProtoTime(kStart - absl::Hours(1));
  EXPECT_EQ(enforcer_->ListHistory(h).status().message(), "start_time: is after end_time");
  h.mutable_start_time()->set_nanos(-5);
  EXPECT_EQ(enforcer_->ListHistory(h).status().message(), "start_time: is not a valid timestamp");
  h.clear_start_time();
  h.mutable_end_time()->set_seconds(int64_t{1} << 62);
  EXPECT_EQ(enforcer_->ListHistory(h).status().message(), "end_time: is not a valid timestamp");
  h.clear_end_time();
  h.set_page_token("!!");
  EXPECT_EQ(enforcer_->ListHistory(h).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace enforcer
