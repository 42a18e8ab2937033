// The Cases service end to end (remedies and linked subjects), against the real binary and the
// default pack: what staff record reaches the ledger, the standing and the linked accounts, and
// survives a restart.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/cases.grpc.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

class CasesTest : public EnforcerdTest {
 protected:
  CasesTest() { UseTestingClock(TestingClockStart()); }

  grpc::Status Remedy(const std::string& request_id, const std::string& seller,
                      const std::string& remedy, v1::RecordRemedyResponse* response) {
    v1::RecordRemedyRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_remedy(remedy);
    r.set_actor("agent-7");
    r.set_note("completed the course on listing rules");
    grpc::ClientContext context;
    SetDeadline(&context);
    return cases_->RecordRemedy(&context, r, response);
  }

  grpc::Status Link(const std::string& request_id, const v1::Subject& a, const v1::Subject& b,
                    v1::LinkSubjectsResponse* response) {
    v1::LinkSubjectsRequest r;
    r.set_request_id(request_id);
    *r.mutable_a() = a;
    *r.mutable_b() = b;
    r.set_reason("same bank account");
    r.set_actor("agent-7");
    grpc::ClientContext context;
    SetDeadline(&context);
    return cases_->LinkSubjects(&context, r, response);
  }
};

TEST_F(CasesTest, TrainingEndsTheWarningOnceAndIsInTheLedger) {
  // 6 points: the default pack's formal warning.
  v1::ReportViolationRequest r = SellerReport("w1", "seller-t", "prohibited_product");
  r.set_severity(v1::SEVERITY_LOW);
  r.set_object_id("listing-w1");
  ReportOk(r);
  ASSERT_EQ(StandingOk(Seller("seller-t")).standing(), v1::WARNED);
  AdvanceClock(kDay);
  v1::RecordRemedyResponse done;
  ASSERT_TRUE(Remedy("train-1", "seller-t", "policy_training", &done).ok());
  EXPECT_EQ(done.remedy().display_name(), "Seller policy training completed");
  ASSERT_EQ(done.remedy().actions_ended_size(), 1);
  EXPECT_EQ(done.remedy().actions_ended(0).action().type(), v1::ACTION_WARNING);
  EXPECT_EQ(done.remedy().standing_after(), v1::GOOD_STANDING);
  // Durable: after a crash the warning stays ended and the resend is a duplicate.
  KillAndRestart();
  EXPECT_EQ(StandingOk(Seller("seller-t")).standing(), v1::GOOD_STANDING);
  v1::RecordRemedyResponse again;
  ASSERT_TRUE(Remedy("train-1", "seller-t", "policy_training", &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.remedy().remedy_id(), done.remedy().remedy_id());
  // The ledger holds the remedy and the lift, newest first.
  std::vector<v1::LedgerEntry> history = HistoryOk(Seller("seller-t"));
  ASSERT_GE(history.size(), 2u);
  EXPECT_TRUE(history[0].has_lift());
  EXPECT_TRUE(history[1].has_remedy());
  EXPECT_EQ(history[1].remedy().actor(), "agent-7");
  // Twice within 180 days: refused, saying until when.
  v1::RecordRemedyResponse refused;
  grpc::Status status = Remedy("train-2", "seller-t", "policy_training", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("once every 180 days"));
  status = Remedy("train-3", "seller-t", "quiz", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "remedy: 'quiz' is not defined by policy default-v1; known remedies: policy_training");
}

TEST_F(CasesTest, ADeactivationReachesLinkedAccountsBothWays) {
  // A creator account of the same owner, linked before the store is closed.
  v1::LinkSubjectsResponse linked;
  ASSERT_TRUE(Link("link-1", Seller("seller-a"), Creator("creator-a"), &linked).ok());
  EXPECT_TRUE(linked.linked());
  EXPECT_EQ(linked.propagations_size(), 0);
  v1::ReportViolationRequest r = SellerReport("fraud-1", "seller-a", "fraud_brushing");
  const v1::ReportViolationResponse closed = ReportOk(r);
  ASSERT_EQ(StandingOk(Seller("seller-a")).standing(), v1::DEACTIVATED);
  const v1::GetStandingResponse creator = StandingOk(Creator("creator-a"));
  EXPECT_EQ(creator.standing(), v1::DEACTIVATED);
  ASSERT_EQ(creator.active_actions_size(), 1);
  EXPECT_EQ(creator.active_actions(0).rule_id(), "linked-subject");
  EXPECT_THAT(creator.active_actions(0).notice(),
              HasSubstr("It follows the same action on the seller account 'seller-a', which is "
                        "recorded as having the same owner (same bank account)."));
  // A second seller linked afterwards receives the deactivation in force.
  v1::LinkSubjectsResponse later;
  ASSERT_TRUE(Link("link-2", Seller("seller-b"), Seller("seller-a"), &later).ok());
  ASSERT_EQ(later.propagations_size(), 1);
  EXPECT_EQ(later.propagations(0).actions_issued(0).subject().id(), "seller-b");
  EXPECT_EQ(StandingOk(Seller("seller-b")).standing(), v1::DEACTIVATED);
  StopAndRestart();
  EXPECT_EQ(StandingOk(Seller("seller-b")).standing(), v1::DEACTIVATED);
  v1::LinkSubjectsResponse bad;
  grpc::Status status = Link("link-3", Seller("seller-b"), Seller("seller-b"), &bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "b: must be another subject than a");
}

}  // namespace
}  // namespace enforcer::e2e
