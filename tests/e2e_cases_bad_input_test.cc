// Bad input to every Cases call end to end: unknown ids, the wrong subject, a missing reason, an
// oversized note... each is refused with the right code and a message naming the field, and
// nothing is written (the seller's ledger and the audit are unchanged).
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/cases.grpc.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

struct BadCall {
  std::string name;
  grpc::StatusCode code;
  std::string message_part;  // the field (or id) the message must name
  std::function<grpc::Status(v1::Cases::Stub&, grpc::ClientContext*)> call;
};

v1::FileAppealRequest Appeal(const std::string& violation_id) {
  v1::FileAppealRequest r;
  r.set_request_id("bad-appeal");
  *r.mutable_subject() = Seller("seller-bad");
  r.set_violation_id(violation_id);
  r.set_reason("not mine");
  r.set_actor("support");
  return r;
}

v1::ResolveAppealRequest Resolution() {
  v1::ResolveAppealRequest r;
  r.set_request_id("bad-resolve");
  *r.mutable_subject() = Seller("seller-bad");
  r.set_appeal_id("a999999");
  r.set_outcome(v1::APPEAL_OVERTURNED);
  r.set_reason_code("insufficient_evidence");
  r.set_actor("agent-7");
  return r;
}

template <typename Request, typename Response>
std::function<grpc::Status(v1::Cases::Stub&, grpc::ClientContext*)> Calling(
    grpc::Status (v1::Cases::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    Request request) {
  return [method, request](v1::Cases::Stub& stub, grpc::ClientContext* context) {
    Response response;
    return (stub.*method)(context, request, &response);
  };
}

std::vector<BadCall> BadCalls(const std::string& violation_id, const std::string& action_id) {
  using Stub = v1::Cases::Stub;
  std::vector<BadCall> calls;
  auto add = [&](std::string name, grpc::StatusCode code, std::string part, auto call) {
    calls.push_back({std::move(name), code, std::move(part), std::move(call)});
  };
  add("appeal of an unknown violation", grpc::NOT_FOUND, "no-such-violation",
      Calling(&Stub::FileAppeal, Appeal("no-such-violation")));
  v1::FileAppealRequest other = Appeal(violation_id);
  *other.mutable_subject() = Seller("seller-other");
  add("appeal under the wrong subject", grpc::NOT_FOUND, "seller-other",
      Calling(&Stub::FileAppeal, other));
  v1::FileAppealRequest no_reason = Appeal(violation_id);
  no_reason.clear_reason();
  add("appeal without a reason", grpc::INVALID_ARGUMENT, "reason",
      Calling(&Stub::FileAppeal, no_reason));
  v1::FileAppealRequest long_reason = Appeal(violation_id);
  long_reason.set_reason(std::string(5000, 'x'));
  add("appeal with an oversized reason", grpc::INVALID_ARGUMENT, "reason",
      Calling(&Stub::FileAppeal, long_reason));
  v1::FileAppealRequest no_actor = Appeal(violation_id);
  no_actor.clear_actor();
  add("appeal without an actor", grpc::INVALID_ARGUMENT, "actor",
      Calling(&Stub::FileAppeal, no_actor));
  add("resolution of an unknown appeal", grpc::NOT_FOUND, "a999999",
      Calling(&Stub::ResolveAppeal, Resolution()));
  v1::ResolveAppealRequest no_code = Resolution();
  no_code.clear_reason_code();
  add("resolution without a reason code", grpc::INVALID_ARGUMENT, "reason_code",
      Calling(&Stub::ResolveAppeal, no_code));
  v1::ResolveAppealRequest long_note = Resolution();
  long_note.set_note(std::string(5000, 'n'));
  add("resolution with an oversized note", grpc::INVALID_ARGUMENT, "note",
      Calling(&Stub::ResolveAppeal, long_note));
  v1::RetractComplaintRequest retract;
  retract.set_request_id("bad-retract");
  retract.set_report_id("never-reported");
  retract.set_reason("withdrawn");
  retract.set_actor("portal");
  add("retraction of an unknown report", grpc::NOT_FOUND, "never-reported",
      Calling(&Stub::RetractComplaint, retract));
  retract.clear_reason();
  add("retraction without a reason", grpc::INVALID_ARGUMENT, "reason",
      Calling(&Stub::RetractComplaint, retract));
  v1::LiftActionRequest lift;
  lift.set_request_id("bad-lift");
  *lift.mutable_subject() = Seller("seller-bad");
  lift.set_action_id("no-such-action");
  lift.set_reason("mistake");
  lift.set_actor("agent-7");
  add("lift of an unknown action", grpc::NOT_FOUND, "no-such-action",
      Calling(&Stub::LiftAction, lift));
  lift.set_action_id(action_id);
  lift.clear_reason();
  add("lift without a reason", grpc::INVALID_ARGUMENT, "reason", Calling(&Stub::LiftAction, lift));
  v1::ApplyActionRequest apply;
  apply.set_request_id("bad-apply");
  *apply.mutable_subject() = Seller("seller-bad");
  apply.set_type(v1::ACTION_RESTRICT_FEATURE);
  apply.set_feature("no_such_feature");
  apply.set_reason("repeat offender");
  apply.set_actor("agent-7");
  add("apply with an unknown feature", grpc::INVALID_ARGUMENT, "feature",
      Calling(&Stub::ApplyAction, apply));
  v1::SnoozeRuleRequest snooze;
  snooze.set_request_id("bad-snooze");
  *snooze.mutable_subject() = Seller("seller-bad");
  snooze.set_rule_id("no-such-rule");
  *snooze.mutable_until() = ToProtoTime(TestingClockStart() + absl::Hours(24 * 7));
  snooze.set_reason("under review");
  snooze.set_actor("agent-7");
  add("snooze of an unknown rule", grpc::INVALID_ARGUMENT, "no-such-rule",
      Calling(&Stub::SnoozeRule, snooze));
  v1::AddNoteRequest note;
  note.set_request_id("bad-note");
  *note.mutable_subject() = Seller("seller-bad");
  note.set_note(std::string(5000, 'n'));
  note.set_actor("agent-7");
  add("oversized note", grpc::INVALID_ARGUMENT, "note", Calling(&Stub::AddNote, note));
  v1::ReinstateSubjectRequest reinstate;
  reinstate.set_request_id("bad-reinstate");
  *reinstate.mutable_subject() = Seller("seller-bad");
  reinstate.set_actor("agent-7");
  add("reinstatement without a reason", grpc::INVALID_ARGUMENT, "reason",
      Calling(&Stub::ReinstateSubject, reinstate));
  v1::GetCaseRequest no_kind;
  no_kind.mutable_subject()->set_id("seller-bad");
  add("case of a subject without a kind", grpc::INVALID_ARGUMENT, "subject",
      Calling(&Stub::GetCase, no_kind));
  v1::ListAuditRequest audit;
  audit.set_page_size(5000);
  add("audit page of 5000", grpc::INVALID_ARGUMENT, "page_size", Calling(&Stub::ListAudit, audit));
  v1::ListAppealsRequest appeals;
  appeals.set_page_token("not-a-token");
  add("appeals with a forged page token", grpc::INVALID_ARGUMENT, "page_token",
      Calling(&Stub::ListAppeals, appeals));
  return calls;
}

class CasesBadInputTest : public EnforcerdTest {
 protected:
  CasesBadInputTest() { UseTestingClock(TestingClockStart()); }
};

TEST_F(CasesBadInputTest, EveryCallRefusesBadInputNamingTheFieldAndWritesNothing) {
  // A warned seller (6 points), so that ids of a real violation and action exist.
  v1::ReportViolationRequest r = SellerReport("bad-1", "seller-bad", "prohibited_product");
  r.set_severity(v1::SEVERITY_LOW);
  r.set_object_id("listing-bad-1");
  const v1::ReportViolationResponse reported = ReportOk(r);
  std::string action_id;
  for (const v1::Action& a : reported.decisions(0).actions()) {
    if (a.type() == v1::ACTION_WARNING) action_id = a.action_id();
  }
  ASSERT_FALSE(action_id.empty());
  const size_t ledger_before = HistoryOk(Seller("seller-bad")).size();
  for (const BadCall& bad : BadCalls(reported.violation().violation_id(), action_id)) {
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = bad.call(*cases_, &context);
    EXPECT_EQ(status.error_code(), bad.code) << bad.name << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(bad.message_part)) << bad.name;
  }
  EXPECT_EQ(HistoryOk(Seller("seller-bad")).size(), ledger_before);
  EXPECT_EQ(HistoryOk(Seller("seller-other")).size(), 0u);
  v1::ListAuditRequest of_seller;
  *of_seller.mutable_subject() = Seller("seller-bad");
  v1::ListAuditResponse audit;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(cases_->ListAudit(&context, of_seller, &audit).ok());
  EXPECT_EQ(audit.entries_size(), 0);
}

}  // namespace
}  // namespace enforcer::e2e
