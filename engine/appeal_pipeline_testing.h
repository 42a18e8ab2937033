// The fixture of the appeal and staff pipelines' tests: RocksDB in TEST_TMPDIR, the real writer
// thread and report pipeline, a FakeClock, and a check that stored state is exactly the fold of the
// ledger.
#ifndef ENFORCERD_ENGINE_APPEAL_PIPELINE_TESTING_H_
#define ENFORCERD_ENGINE_APPEAL_PIPELINE_TESTING_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "engine/appeal_pipeline.h"
#include "engine/enforcer.h"
#include "engine/staff_pipeline.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/reevaluator.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {

inline constexpr char kAppealsPolicy[] = R"(
policy: appeals
default_window: 90d
appeals:
  within: 30d
  per_violation: 2
  after_rejection_within: 15d
  pauses_pending: true
  instructions: Appeal in Seller Center.
categories:
  spam: {points: 6}
  counterfeit: {points: 12}
  fake: {points: 48}
  ip: {points: 0}
milestones:
  seller:
    - id: warn-6
      at: 6
      actions:
        - {type: warning, duration: 30d}
    - id: suspend-12
      at: 12
      actions:
        - {type: suspend, duration: 14d, grace: 72h}
    - id: close-48
      at: 48
      actions: [deactivate_store]
count_rules:
  - id: ip-strikes
    match: {categories: [ip]}
    at_least: 3
    within: 730d
    actions:
      - {type: restrict_feature, feature: new_listings, duration: 30d}
features:
  new_listings: Creating new listings
linked_subjects:
  propagate: [deactivate_store]
)";

inline v1::Subject Seller(const std::string& id) {
  v1::Subject s;
  s.set_kind(v1::SELLER);
  s.set_id(id);
  return s;
}

class AppealPipelineTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStartSeconds = 1790000000;

  void SetUp() override {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = OpenRocksDbLedgerStore(dir, Durability::kProcess);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    writer_ = std::make_unique<LedgerWriter>(store_.get());
    auto policy = CompilePolicy(kAppealsPolicy, "appeals.yaml");
    ASSERT_TRUE(policy.ok()) << policy.status();
    policies_ = std::make_unique<PolicyRegistry>(store_.get(), *policy);
    enforcer_ = std::make_unique<Enforcer>(store_.get(), writer_.get(), &clock_, policies_.get());
    ASSERT_TRUE(enforcer_->ActivatePolicyAndWait(*policy, "appeals.yaml").ok());
    appeals_ =
        std::make_unique<AppealPipeline>(store_.get(), writer_.get(), &clock_, policies_.get());
    staff_ = std::make_unique<StaffPipeline>(writer_.get(), &clock_, policies_.get());
  }

  template <typename Request>
  absl::StatusOr<v1::StaffActionResponse> Staff(
      const Request& request,
      void (StaffPipeline::*call)(const Request&,
                                  StaffPipeline::Callback<v1::StaffActionResponse>)) {
    absl::StatusOr<v1::StaffActionResponse> result = absl::UnknownError("no callback");
    absl::Notification done;
    (staff_.get()->*call)(request, [&](absl::StatusOr<v1::StaffActionResponse> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  template <typename Response, typename Request, typename Call>
  absl::StatusOr<Response> Wait(const Request& request, Call call) {
    absl::StatusOr<Response> result = absl::UnknownError("no callback");
    absl::Notification done;
    (appeals_.get()->*call)(request, [&](absl::StatusOr<Response> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  absl::StatusOr<v1::FileAppealResponse> File(const std::string& request_id,
                                              const std::string& seller,
                                              const std::string& violation_id) {
    v1::FileAppealRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_violation_id(violation_id);
    r.set_reason("the listing was authentic; invoice attached");
    v1::EvidenceItem* e = r.add_evidence();
    e->set_key("invoice");
    e->set_value("https://example.test/inv-1.pdf");
    r.set_actor("seller-support");
    return Wait<v1::FileAppealResponse>(r, &AppealPipeline::FileAppeal);
  }

  absl::StatusOr<v1::ResolveAppealResponse> Resolve(const std::string& request_id,
                                                    const std::string& seller,
                                                    const std::string& appeal_id,
                                                    v1::AppealOutcome outcome, int points = 0) {
    v1::ResolveAppealRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_appeal_id(appeal_id);
    r.set_outcome(outcome);
    r.set_points(points);
    r.set_reason_code("authorized_reseller");
    r.set_note("invoice checked with the brand");
    r.set_actor("agent-7");
    return Wait<v1::ResolveAppealResponse>(r, &AppealPipeline::ResolveAppeal);
  }

  // The violation id of the report.
  std::string Report(const std::string& id, const std::string& seller, const std::string& category,
                     const std::string& rights_holder = "") {
    v1::ReportViolationRequest r;
    r.set_report_id(id);
    r.set_seller_id(seller);
    r.set_category(category);
    r.set_source(v1::SOURCE_LISTING);
    r.set_rights_holder_id(rights_holder);
    if (!rights_holder.empty()) r.set_object_id("listing-" + id);
    return Send(r);
  }

  // The violation id of the report.
  std::string Send(const v1::ReportViolationRequest& r) {
    absl::StatusOr<v1::ReportViolationResponse> result = absl::UnknownError("no callback");
    absl::Notification done;
    enforcer_->ReportViolation(r, [&](absl::StatusOr<v1::ReportViolationResponse> got) {
      result = std::move(got);
      done.Notify();
    });
    done.WaitForNotification();
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->violation().violation_id() : "";
  }

  v1::GetStandingResponse Standing(const std::string& seller) {
    v1::GetStandingRequest r;
    *r.mutable_subject() = Seller(seller);
    return *enforcer_->GetStanding(r);
  }

  std::vector<v1::LedgerEntry> Log(const std::string& seller) {
    auto log = store_->ReadLog(Seller(seller));
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *log : std::vector<v1::LedgerEntry>();
  }

  void ExpectStateIsTheFold(const std::string& seller) {
    const std::vector<v1::LedgerEntry> log = Log(seller);
    auto stored = store_->GetSubjectState(Seller(seller));
    ASSERT_TRUE(stored.ok() && stored->has_value());
    absl::Time last = absl::InfinitePast();
    for (const v1::LedgerEntry& e : log) last = std::max(last, FromProtoTime(e.recorded_at()));
    FoldResult fold = FoldLedger([&](const std::string& v) { return policies_->Find(v).get(); },
                                 Seller(seller), log, last);
    EXPECT_TRUE(fold.disagreements.empty()) << fold.disagreements[0];
    v1::SubjectState state = **stored;
    PruneState(policies_->Find(state.policy_version()).get(), last, &state);
    EXPECT_EQ(fold.state.DebugString(), state.DebugString()) << seller;
  }

  FakeClock clock_{absl::FromUnixSeconds(kStartSeconds)};
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<Enforcer> enforcer_;
  std::unique_ptr<AppealPipeline> appeals_;
  std::unique_ptr<StaffPipeline> staff_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_APPEAL_PIPELINE_TESTING_H_
