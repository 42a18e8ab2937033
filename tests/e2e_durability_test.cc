// Durability end to end, on the real clock: a graceful restart and a SIGKILL under load lose no
// acknowledged report, a resent report counts once (and is answered from the ledger), and
// concurrent sends of one report record it once.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class DurabilityTest : public EnforcerdTest {};

// A few reports of different kinds across two sellers and a creator.
std::vector<v1::ReportViolationRequest> MixedReports() {
  std::vector<v1::ReportViolationRequest> reports;
  // misleading_listing has no take-down, so its object stays up.
  reports.push_back(SellerReport("mixed-1", "seller-r", "misleading_listing"));
  reports.back().set_object_id("listing-r-0");
  reports.push_back(SellerReport("mixed-2", "seller-r", "customer_abuse"));
  reports.back().set_severity(v1::SEVERITY_HIGH);
  reports.push_back(SellerReport("mixed-3", "seller-r", "prohibited_product"));
  reports.back().set_object_id("listing-r-1");
  reports.push_back(MakeReport("mixed-4", "ip_complaint_valid"));
  reports.back().set_seller_id("seller-r");
  reports.back().set_creator_id("creator-r");
  reports.back().set_rights_holder_id("brand-r");
  reports.back().set_object_id("listing-r-2");
  reports.back().set_source(v1::SOURCE_RIGHTS_HOLDER_COMPLAINT);
  reports.push_back(SellerReport("mixed-5", "seller-q", "fulfilment_rate_breach"));
  *reports.back().mutable_occurred_at() = ToProtoTime(absl::Now() - absl::Minutes(4));
  return reports;
}

const std::vector<v1::Subject>& MixedSubjects() {
  static const auto* subjects = new std::vector<v1::Subject>{
      Seller("seller-r"), Seller("seller-q"), Creator("creator-r")};
  return *subjects;
}

TEST_F(DurabilityTest, GracefulRestartKeepsStandingAndHistory) {
  std::vector<v1::ReportViolationRequest> requests = MixedReports();
  std::vector<v1::ReportViolationResponse> responses;
  for (const auto& r : requests) responses.push_back(ReportOk(r));
  ASSERT_EQ(responses[0].decisions_size(), 1);
  EXPECT_THAT(responses[0].decisions(0).actions(), IsEmpty());

  std::vector<v1::GetStandingResponse> standings_before;
  std::vector<std::vector<v1::LedgerEntry>> histories_before;
  uint64_t highest_sequence = 0;
  for (const v1::Subject& s : MixedSubjects()) {
    standings_before.push_back(StandingOk(s));
    histories_before.push_back(HistoryOk(s));
    ASSERT_FALSE(histories_before.back().empty());
    highest_sequence = std::max(highest_sequence, histories_before.back().front().sequence());
  }

  ASSERT_NO_FATAL_FAILURE(StopAndRestart());
  EXPECT_THAT(daemon_->ReadLog(), HasSubstr("enforcerd stopped"));

  for (size_t i = 0; i < MixedSubjects().size(); ++i) {
    SCOPED_TRACE(MixedSubjects()[i].ShortDebugString());
    v1::GetStandingResponse before = standings_before[i];
    v1::GetStandingResponse after = StandingOk(MixedSubjects()[i]);
    before.clear_as_of();
    after.clear_as_of();
    EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
    EXPECT_TRUE(ProtoEquals(after, before));
    const std::vector<v1::LedgerEntry> history = HistoryOk(MixedSubjects()[i]);
    ASSERT_EQ(history.size(), histories_before[i].size());
    for (size_t j = 0; j < history.size(); ++j) {
      EXPECT_EQ(history[j].SerializeAsString(), histories_before[i][j].SerializeAsString());
      EXPECT_TRUE(ProtoEquals(history[j], histories_before[i][j])) << "entry " << j;
    }
  }

  // Earlier reports are still known: resending one is a duplicate with the original outcome.
  v1::ReportViolationResponse resent = ReportOk(requests[2]);
  EXPECT_TRUE(resent.duplicate());
  resent.clear_duplicate();
  EXPECT_TRUE(ProtoEquals(resent, responses[2]));

  // New reports continue the sequence, and the standing builds on the old points.
  v1::ReportViolationResponse next = ReportOk(SellerReport("after-restart", "seller-r",
                                                           "misleading_listing"));
  EXPECT_GT(ViolationNumber(next.violation().violation_id()), highest_sequence)
      << next.violation().violation_id();
  ASSERT_EQ(next.decisions_size(), 1);
  EXPECT_EQ(next.decisions(0).active_points_before(), standings_before[0].active_points());
  EXPECT_EQ(StandingOk(Seller("seller-r")).lifetime_violations(),
            standings_before[0].lifetime_violations() + 1);
  // ...and the seller's ledger continues at the next position.
  const std::vector<v1::LedgerEntry> history = HistoryOk(Seller("seller-r"));
  EXPECT_EQ(history.front().position(),
            histories_before[0].front().position() + 2 + next.decisions(0).actions_size());
  ExpectHistoryMatches(history, [&] {
    std::vector<v1::LedgerEntry> expected = ExpectedHistory(Seller("seller-r"), {next});
    for (v1::LedgerEntry e : histories_before[0]) {
      e.clear_sequence();
      e.clear_position();
      expected.push_back(e);
    }
    return expected;
  }());
}

TEST_F(DurabilityTest, CrashLosesNoAcknowledgedReport) {
  const v1::Subject seller = Seller("seller-crash");
  std::vector<v1::ReportViolationRequest> requests = MixedReports();
  std::vector<v1::ReportViolationResponse> responses;
  for (const auto& r : requests) responses.push_back(ReportOk(r));

  // Reports keep arriving from two clients while the daemon is killed.
  absl::Mutex mu;
  std::map<std::string, v1::ReportViolationResponse> acknowledged;  // by report_id
  std::map<std::string, v1::ReportViolationRequest> sent;
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 1; n <= 100000; ++n) {
        v1::ReportViolationRequest request =
            SellerReport(absl::StrCat("crash-", c, "-", n), "seller-crash", "misleading_listing");
        {
          absl::MutexLock lock(&mu);
          sent[request.report_id()] = request;
        }
        v1::ReportViolationResponse response;
        if (!Report(request, &response).ok()) return;  // the daemon is gone
        absl::MutexLock lock(&mu);
        acknowledged[request.report_id()] = response;
      }
    });
  }
  {
    absl::MutexLock lock(&mu);
    EXPECT_TRUE(mu.AwaitWithTimeout(
        absl::Condition(+[](std::map<std::string, v1::ReportViolationResponse>* acks) {
          return acks->size() >= 20;
        }, &acknowledged),
        absl::Seconds(30)))
        << "the clients got only " << acknowledged.size() << " reports acknowledged";
  }
  daemon_->Kill();
  for (std::thread& t : clients) t.join();
  ASSERT_NO_FATAL_FAILURE(StartDaemon());

  // Everything acknowledged before the kill, and its full outcome, survived.
  for (size_t i = 0; i < requests.size(); ++i) {
    v1::ReportViolationResponse resent = ReportOk(requests[i]);
    EXPECT_TRUE(resent.duplicate()) << requests[i].report_id();
    resent.clear_duplicate();
    EXPECT_TRUE(ProtoEquals(resent, responses[i])) << requests[i].report_id();
  }
  std::set<std::string> in_history;
  const std::vector<v1::LedgerEntry> history = HistoryOk(seller);
  for (const v1::LedgerEntry& e : history) {
    if (e.has_violation()) in_history.insert(e.violation().report().report_id());
  }
  absl::MutexLock lock(&mu);
  for (const auto& [report_id, response] : acknowledged) {
    EXPECT_TRUE(in_history.count(report_id)) << report_id << " was acknowledged but is lost";
    v1::ReportViolationResponse resent = ReportOk(sent[report_id]);
    EXPECT_TRUE(resent.duplicate()) << report_id;
    resent.clear_duplicate();
    EXPECT_TRUE(ProtoEquals(resent, response)) << report_id;
  }
  // A report in flight at the kill may or may not have been committed, but never half of it.
  ExpectHistoryComplete(history);
  const v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_GE(standing.lifetime_violations(), static_cast<int64_t>(acknowledged.size()));
  EXPECT_EQ(standing.lifetime_violations(), static_cast<int64_t>(in_history.size()));
}

TEST_F(DurabilityTest, ResentReportIsDuplicateAndCountsOnce) {
  const v1::Subject seller = Seller("seller-idem");
  v1::ReportViolationRequest request = SellerReport("idem-1", "seller-idem", "prohibited_product");
  request.set_object_id("listing-idem");
  const v1::ReportViolationResponse first = ReportOk(request);
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.violation().report().severity(), v1::SEVERITY_MEDIUM)
      << "the recorded report carries the category's default severity";
  v1::ReportViolationResponse second = ReportOk(request);
  EXPECT_TRUE(second.duplicate());
  second.clear_duplicate();
  EXPECT_TRUE(ProtoEquals(second, first));

  v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_EQ(standing.active_points(), 12) << "prohibited_product defaults to MEDIUM: 12 points";
  EXPECT_EQ(standing.lifetime_violations(), 1);
  EXPECT_EQ(HistoryOk(seller).size(), 2 + first.decisions(0).actions_size());

  // The same report_id for a different report is refused and changes nothing.
  v1::ReportViolationRequest different = request;
  different.set_category("misleading_listing");
  v1::ReportViolationResponse refused;
  grpc::Status status = Report(different, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << StatusText(status);
  EXPECT_THAT(status.error_message(), HasSubstr("was already used for a different report"));
  EXPECT_THAT(status.error_message(), HasSubstr(first.violation().violation_id()));
  standing = StandingOk(seller);
  EXPECT_EQ(standing.active_points(), 12);
  EXPECT_EQ(standing.lifetime_violations(), 1);

  // The original still answers as before.
  v1::ReportViolationResponse third = ReportOk(request);
  EXPECT_TRUE(third.duplicate());
  third.clear_duplicate();
  EXPECT_TRUE(ProtoEquals(third, first));
}

TEST_F(DurabilityTest, ConcurrentSendsOfOneReportRecordItOnce) {
  const v1::Subject seller = Seller("seller-concurrent");
  const v1::ReportViolationRequest request =
      SellerReport("concurrent-1", "seller-concurrent", "customer_abuse");
  constexpr int kSenders = 20;
  std::vector<v1::ReportViolationResponse> responses(kSenders);
  std::vector<grpc::Status> statuses(kSenders);
  absl::Notification go;
  std::vector<std::thread> senders;
  for (int i = 0; i < kSenders; ++i) {
    senders.emplace_back([&, i] {
      go.WaitForNotification();
      statuses[i] = Report(request, &responses[i]);
    });
  }
  go.Notify();
  for (std::thread& t : senders) t.join();

  int originals = 0;
  for (int i = 0; i < kSenders; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << "sender " << i << ": " << StatusText(statuses[i]);
    originals += !responses[i].duplicate();
  }
  EXPECT_EQ(originals, 1);
  for (int i = 1; i < kSenders; ++i) {
    v1::ReportViolationResponse a = responses[0], b = responses[i];
    a.clear_duplicate();
    b.clear_duplicate();
    EXPECT_TRUE(ProtoEquals(b, a)) << "sender " << i;
  }
  const v1::GetStandingResponse standing = StandingOk(seller);
  EXPECT_EQ(standing.lifetime_violations(), 1);
  EXPECT_EQ(standing.active_points(), 4) << "customer_abuse defaults to MEDIUM: 4 points";
  EXPECT_EQ(HistoryOk(seller).size(), 2 + responses[0].decisions(0).actions_size());
}

}  // namespace
}  // namespace enforcer::e2e
