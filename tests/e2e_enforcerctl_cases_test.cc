// enforcerctl's case commands end to end: the real binary against a real daemon, as an appeals
// agent uses it: find a seller, read the case, file and resolve an appeal, act, read the audit.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/daemon_process.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

class EnforcerctlCasesTest : public EnforcerdTest {
 protected:
  EnforcerctlCasesTest() { UseTestingClock(TestingClockStart()); }
  testing::CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), RunfilePath("enforcerctl/enforcerctl"));
    args.push_back(absl::StrCat("--server=127.0.0.1:", daemon_->port()));
    absl::StatusOr<testing::CommandResult> result =
        testing::RunToCompletion(args, work_dir_ + "/ctl.out");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : testing::CommandResult{};
  }
};

TEST_F(EnforcerctlCasesTest, AnAgentReadsTheCaseOverturnsAViolationAndSeesTheAudit) {
  v1::ReportViolationRequest fake = SellerReport("c1", "seller-a", "counterfeit_confirmed");
  fake.set_object_id("listing-c1");
  ReportOk(fake);
  v1::ReportViolationRequest ip = SellerReport("p1", "seller-a", "ip_complaint_valid");
  ip.set_severity(v1::SEVERITY_CRITICAL);
  ip.set_object_id("listing-p1");
  const std::string crossing = ReportOk(ip).violation().violation_id();

  testing::CommandResult standing = Ctl({"standing", "seller:seller-a"});
  ASSERT_TRUE(standing.ExitedWith(0)) << standing.output;
  EXPECT_THAT(standing.output, HasSubstr("seller:seller-a: suspended, 36 active points"));
  EXPECT_THAT(standing.output,
              HasSubstr("in force: suspend until 2026-06-29T10:00:00Z (28 days left)"));

  testing::CommandResult view = Ctl({"case", "seller:seller-a"});
  ASSERT_TRUE(view.ExitedWith(0)) << view.output;
  EXPECT_THAT(view.output, HasSubstr("next: 12 more points → store deactivation"));
  EXPECT_THAT(view.output, HasSubstr("if overturned: 36 → 24 points; SUSPENDED → RESTRICTED"));

  testing::CommandResult filed = Ctl(
      {"appeal", "file", "seller:seller-a", crossing, "--reason=authorised reseller",
       "--evidence=letter=https://example.test/l.pdf", "--actor=support-1", "--request_id=file-1"});
  ASSERT_TRUE(filed.ExitedWith(0)) << filed.output;
  EXPECT_THAT(filed.output, HasSubstr("filed against " + crossing));
  testing::CommandResult queue = Ctl({"appeal", "list"});
  ASSERT_TRUE(queue.ExitedWith(0)) << queue.output;
  EXPECT_THAT(queue.output, HasSubstr("seller:seller-a  " + crossing));
  const std::string appeal_id = filed.output.substr(0, filed.output.find(' '));

  testing::CommandResult resolved =
      Ctl({"appeal", "resolve", "seller:seller-a", appeal_id, "--outcome=overturned",
           "--reason_code=authorized_reseller", "--actor=agent-7", "--request_id=resolve-1"});
  ASSERT_TRUE(resolved.ExitedWith(0)) << resolved.output;
  EXPECT_THAT(resolved.output,
              HasSubstr(crossing + " voided: 36 -> 24 points, suspended -> restricted"));
  EXPECT_THAT(resolved.output, HasSubstr("reinstated: suspend"));

  testing::CommandResult voided =
      Ctl({"history", "seller:seller-a", "--status=voided", "--kind=violation", "--json"});
  ASSERT_TRUE(voided.ExitedWith(0)) << voided.output;
  EXPECT_THAT(voided.output, HasSubstr("\"violation_id\": \"" + crossing + "\""));

  ASSERT_TRUE(
      Ctl({"note", "seller:seller-a", "called the seller", "--actor=agent-7"}).ExitedWith(0));
  testing::CommandResult snooze = Ctl({"snooze", "seller:seller-a", "seller-caution-6", "--for=7d",
                                       "--reason=under review", "--actor=agent-7"});
  ASSERT_TRUE(snooze.ExitedWith(0)) << snooze.output;

  testing::CommandResult audit = Ctl({"audit", "--subject=seller:seller-a"});
  ASSERT_TRUE(audit.ExitedWith(0)) << audit.output;
  EXPECT_THAT(audit.output, HasSubstr("agent-7  appeal.resolve"));
  EXPECT_THAT(audit.output, HasSubstr("support-1  appeal.file"));
  EXPECT_THAT(audit.output, HasSubstr("staff.snooze"));

  // Refusals and mistakes: exit 1 with the server's words, 2 for the command line.
  testing::CommandResult late = Ctl({"appeal", "resolve", "seller:seller-a", appeal_id,
                                     "--outcome=upheld", "--reason_code=x", "--request_id=r-2"});
  EXPECT_TRUE(late.ExitedWith(1)) << late.output;
  EXPECT_THAT(late.output, HasSubstr("FAILED_PRECONDITION: appeal_id: '" + appeal_id +
                                     "' was already resolved"));
  EXPECT_TRUE(Ctl({"case", "s1"}).ExitedWith(2));
  EXPECT_TRUE(Ctl({"action", "lift", "seller:seller-a", "x"}).ExitedWith(2));  // no --reason
  testing::CommandResult help = Ctl({"appeal", "--help"});
  EXPECT_TRUE(help.ExitedWith(0));
  EXPECT_THAT(help.output, HasSubstr("Usage: enforcerctl appeal file|resolve|list"));
}

TEST_F(EnforcerctlCasesTest, AnOperatorWatchesTheFeedAndSeesConsumersLag) {
  v1::ReportViolationRequest fake = SellerReport("c1", "seller-a", "counterfeit_confirmed");
  fake.set_object_id("listing-c1");
  ReportOk(fake);  // a take-down and the 24-point milestone's actions: 3 events
  testing::CommandResult watched = Ctl({"feed", "watch", "--limit=2"});
  EXPECT_TRUE(watched.ExitedWith(0)) << watched.output;
  EXPECT_THAT(watched.output, HasSubstr("#1 "));
  EXPECT_THAT(watched.output, HasSubstr("ACTION_ISSUED seller:seller-a"));
  EXPECT_THAT(watched.output, HasSubstr("#2 "));
  testing::CommandResult acked = Ctl({"feed", "ack", "listing-svc", "1"});
  EXPECT_TRUE(acked.ExitedWith(0)) << acked.output;
  EXPECT_THAT(acked.output, HasSubstr("listing-svc acked through 1 of 3"));
  testing::CommandResult consumers = Ctl({"feed", "consumers"});
  EXPECT_TRUE(consumers.ExitedWith(0)) << consumers.output;
  EXPECT_THAT(consumers.output, HasSubstr("listing-svc: acked 1 at "));
  EXPECT_THAT(consumers.output, HasSubstr("feed: events 1 to 3 kept"));
  EXPECT_THAT(consumers.output, HasSubstr("2 behind, 0 watching"));
  testing::CommandResult beyond = Ctl({"feed", "ack", "listing-svc", "9"});
  EXPECT_TRUE(beyond.ExitedWith(1)) << beyond.output;
  EXPECT_THAT(beyond.output, HasSubstr("beyond the last event, 3"));
}

TEST_F(EnforcerctlCasesTest, AnUnreachableServerExitsWith3) {
  std::vector<std::string> args = {RunfilePath("enforcerctl/enforcerctl"), "standing", "seller:s1",
                                   "--server=127.0.0.1:1"};
  absl::StatusOr<testing::CommandResult> result =
      testing::RunToCompletion(args, work_dir_ + "/ctl.out");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->ExitedWith(3)) << result->output;
  EXPECT_THAT(result->output, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace enforcer::e2e
