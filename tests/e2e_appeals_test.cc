// Appeals end to end, against the real binary and the default pack: a suspended seller appeals
// the violation that crossed the threshold and wins; the standing and actions are recomputed and
// the reinstatement is in the history; the policy's appeal window is enforced with the exact
// error; a rights holder's retraction takes a strike away; all of it survives a crash.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/cases.grpc.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

class AppealsTest : public EnforcerdTest {
 protected:
  AppealsTest() { UseTestingClock(TestingClockStart()); }

  grpc::Status File(const std::string& request_id, const std::string& seller,
                    const std::string& violation_id, v1::FileAppealResponse* response) {
    v1::FileAppealRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_violation_id(violation_id);
    r.set_reason("The brand authorised us to sell this product; the letter is attached.");
    v1::EvidenceItem* e = r.add_evidence();
    e->set_key("authorisation_letter");
    e->set_value("https://example.test/letters/123.pdf");
    r.set_actor("seller-support");
    grpc::ClientContext context;
    SetDeadline(&context);
    return cases_->FileAppeal(&context, r, response);
  }

  grpc::Status Resolve(const std::string& request_id, const std::string& seller,
                       const std::string& appeal_id, v1::AppealOutcome outcome,
                       v1::ResolveAppealResponse* response) {
    v1::ResolveAppealRequest r;
    r.set_request_id(request_id);
    *r.mutable_subject() = Seller(seller);
    r.set_appeal_id(appeal_id);
    r.set_outcome(outcome);
    r.set_reason_code("authorized_reseller");
    r.set_note("Authorisation confirmed with the brand's legal team.");
    r.set_actor("agent-7");
    grpc::ClientContext context;
    SetDeadline(&context);
    return cases_->ResolveAppeal(&context, r, response);
  }

  // An IP complaint by `holder`, critical (12 points), its own notice.
  v1::ReportViolationResponse Complaint(const std::string& id, const std::string& seller,
                                        const std::string& holder) {
    v1::ReportViolationRequest r = SellerReport(id, seller, "ip_complaint_valid");
    r.set_severity(v1::SEVERITY_CRITICAL);
    r.set_source(v1::SOURCE_RIGHTS_HOLDER_COMPLAINT);
    r.set_rights_holder_id(holder);
    r.set_object_id("listing-" + id);
    r.set_notice_id("notice-" + id);
    return ReportOk(r);
  }
};

TEST_F(AppealsTest, ASuspendedSellerWinsTheAppealAndIsReinstated) {
  v1::ReportViolationRequest fake = SellerReport("c1", "seller-a", "counterfeit_confirmed");
  fake.set_object_id("listing-c1");
  const std::string counterfeit = ReportOk(fake).violation().violation_id();  // 24 points
  AdvanceClock(kDay);
  const std::string crossing = Complaint("p1", "seller-a", "brand-x").violation().violation_id();
  ASSERT_EQ(StandingOk(Seller("seller-a")).standing(), v1::SUSPENDED);  // 36 points
  v1::FileAppealResponse filed;
  ASSERT_TRUE(File("appeal-1", "seller-a", crossing, &filed).ok());
  EXPECT_EQ(filed.appeal().appeal_number(), 1);
  AdvanceClock(kDay);
  v1::ResolveAppealResponse resolved;
  grpc::Status status = Resolve("resolve-1", "seller-a", filed.appeal().appeal_id(),
                                v1::APPEAL_OVERTURNED, &resolved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(resolved.voids_size(), 1);
  EXPECT_EQ(resolved.voids(0).recomputation().active_points_before(), 36);
  EXPECT_EQ(resolved.voids(0).recomputation().active_points(), 24);
  const v1::GetStandingResponse after = StandingOk(Seller("seller-a"));
  EXPECT_EQ(after.standing(), v1::RESTRICTED);
  EXPECT_EQ(after.active_points(), 24);
  for (const v1::Action& a : after.active_actions()) EXPECT_NE(a.type(), v1::ACTION_SUSPEND);
  // Survives a crash; the reinstatement and the void are in the history with their actor.
  KillAndRestart();
  EXPECT_EQ(StandingOk(Seller("seller-a")).standing(), v1::RESTRICTED);
  bool reinstated = false, voided = false;
  for (const v1::LedgerEntry& e : HistoryOk(Seller("seller-a"))) {
    if (e.has_lift() && e.lift().reinstatement() &&
        e.lift().action().type() == v1::ACTION_SUSPEND) {
      reinstated = true;
      EXPECT_EQ(e.lift().actor(), "agent-7");
    }
    if (e.has_violation_void()) {
      voided = true;
      EXPECT_EQ(e.violation_void().violation_id(), crossing);
      EXPECT_THAT(e.violation_void().cause(), HasSubstr("overturned"));
    }
  }
  EXPECT_TRUE(reinstated);
  EXPECT_TRUE(voided);
  // The audit has the appeal, its resolution and the void, each with its actor.
  v1::ListAuditRequest audit_request;
  *audit_request.mutable_subject() = Seller("seller-a");
  v1::ListAuditResponse audit;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(cases_->ListAudit(&context, audit_request, &audit).ok());
  }
  std::map<std::string, std::string> actor_of;
  for (const v1::AuditEntry& e : audit.entries()) actor_of[e.what()] = e.actor();
  EXPECT_EQ(actor_of["appeal.file"], "seller-support");
  EXPECT_EQ(actor_of["appeal.resolve"], "agent-7");
  EXPECT_EQ(actor_of["violation.void"], "agent-7");
  // The counterfeit was decided 32 days ago: its 30 days to appeal are over.
  AdvanceClock(30 * kDay);
  v1::FileAppealResponse late;
  status = File("appeal-2", "seller-a", counterfeit, &late);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("appeals.within: the 30 days to appeal violation '", counterfeit,
                         "' (decided 2026-06-01 10:00 UTC) ended on 2026-07-01 10:00 UTC"));
}

TEST_F(AppealsTest, ARetractionTakesTheStrikeAway) {
  Complaint("h1", "seller-b", "brand-y");
  AdvanceClock(kDay);
  Complaint("h2", "seller-b", "brand-y");
  AdvanceClock(kDay);
  Complaint("h3", "seller-b", "brand-y");
  auto ip_count = [&] {
    const v1::GetStandingResponse standing = StandingOk(Seller("seller-b"));
    for (const v1::CategoryCount& c : standing.category_counts()) {
      if (c.category() == "ip_complaint_valid") return c.count();
    }
    return 0;
  };
  ASSERT_EQ(ip_count(), 3);
  auto strikes = [&] {
    v1::GetCaseRequest request;
    *request.mutable_subject() = Seller("seller-b");
    v1::CaseView view;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(cases_->GetCase(&context, request, &view).ok());
    for (const v1::CountRuleProgress& p : view.count_rules()) {
      if (p.rule_id() == "ip-same-rights-holder" && p.group().find("brand-y") != std::string::npos)
        return p.count();
    }
    return -1;
  };
  ASSERT_EQ(strikes(), 3);
  v1::RetractComplaintRequest r;
  r.set_request_id("retract-1");
  r.set_report_id("h3");
  r.set_reason("brand-y withdrew notice-h3");
  r.set_actor("rights-portal");
  v1::RetractComplaintResponse retracted;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = cases_->RetractComplaint(&context, r, &retracted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(retracted.voids_size(), 1);
  EXPECT_EQ(retracted.voids(0).rights_holder_id(), "brand-y");
  EXPECT_EQ(ip_count(), 2);
  EXPECT_EQ(strikes(), 2);  // the count rule's progress drops with the strike
  // By rights holder and object: the complaint about listing-h2.
  v1::RetractComplaintRequest by_object;
  by_object.set_request_id("retract-2");
  by_object.set_rights_holder_id("brand-y");
  by_object.set_object_id("listing-h2");
  by_object.set_reason("brand-y withdrew its complaint about listing-h2");
  by_object.set_actor("rights-portal");
  v1::RetractComplaintResponse second;
  grpc::ClientContext context2;
  SetDeadline(&context2);
  status = cases_->RetractComplaint(&context2, by_object, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(second.voids_size(), 1);
  EXPECT_EQ(ip_count(), 1);
  EXPECT_EQ(strikes(), 1);
  EXPECT_EQ(StandingOk(Seller("seller-b")).active_points(), 12);
}

}  // namespace
}  // namespace enforcer::e2e
