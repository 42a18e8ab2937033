// Bulk ingest over the real daemon: one ReportViolations stream of 100K reports gets every result,
// every report durable; the same stream again gives duplicates only; bad reports in the middle
// get their errors while the stream carries on.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e_delivery_support.h"

namespace enforcer::e2e {
namespace {

constexpr int kReports = 100000;

class IngestTest : public EnforcerdTest {};

std::vector<v1::ReportViolationRequest> Reports(int n, const std::string& prefix) {
  std::vector<v1::ReportViolationRequest> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(TakedownReport(prefix + std::to_string(i), "bulk-" + std::to_string(i % 5000),
                                 "listing-" + std::to_string(i)));
  }
  return out;
}

TEST_F(IngestTest, AHundredThousandReportsInOneStreamAllDurableAndIdempotent) {
  const std::vector<v1::ReportViolationRequest> reports = Reports(kReports, "bulk-r");
  StreamResult first = StreamReports(*stub_, reports);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.results.size(), static_cast<size_t>(kReports));
  std::set<uint64_t> indexes;
  std::vector<std::string> violation_of(kReports);
  for (const v1::ReportViolationResult& r : first.results) {
    violation_of[r.index()] = r.response().violation().violation_id();
    ASSERT_EQ(r.code(), 0) << r.report_id() << ": " << r.error();
    EXPECT_FALSE(r.response().duplicate());
    EXPECT_EQ(r.report_id(), reports[r.index()].report_id());
    indexes.insert(r.index());
  }
  EXPECT_EQ(indexes.size(), static_cast<size_t>(kReports)) << "one result per report";

  // Acknowledged means durable: a crash loses none of them.
  ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  StreamResult again = StreamReports(*stub_, reports);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  ASSERT_EQ(again.results.size(), static_cast<size_t>(kReports));
  for (const v1::ReportViolationResult& r : again.results) {
    ASSERT_EQ(r.code(), 0) << r.error();
    ASSERT_TRUE(r.response().duplicate()) << r.report_id() << " counted twice";
    ASSERT_EQ(r.response().violation().violation_id(), violation_of[r.index()]);
  }
  // Each seller got its 20 reports once.
  EXPECT_EQ(StandingOk(Seller("bulk-7")).lifetime_violations(), kReports / 5000);
}

TEST_F(IngestTest, BadReportsInTheMiddleGetTheirErrorsAndTheStreamCarriesOn) {
  std::vector<v1::ReportViolationRequest> reports = Reports(300, "mixed-");
  reports[100].set_category("no_such_category");
  reports[150].clear_report_id();
  reports[200].set_seller_id("");
  reports[250] = reports[10];  // the same report again, in the same stream
  StreamResult got = StreamReports(*stub_, reports);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  ASSERT_EQ(got.results.size(), reports.size());
  std::vector<const v1::ReportViolationResult*> by_index(reports.size());
  for (const v1::ReportViolationResult& r : got.results) by_index[r.index()] = &r;
  EXPECT_EQ(by_index[100]->code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(by_index[100]->error().find("no_such_category"), std::string::npos)
      << by_index[100]->error();
  EXPECT_EQ(by_index[150]->code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(by_index[150]->error().find("report_id"), std::string::npos);
  EXPECT_EQ(by_index[200]->code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(by_index[250]->code(), 0);
  EXPECT_TRUE(by_index[250]->response().duplicate());
  int accepted = 0;
  for (const v1::ReportViolationResult* r : by_index) accepted += r->code() == 0 ? 1 : 0;
  EXPECT_EQ(accepted, 297);
  EXPECT_EQ(by_index[299]->code(), 0) << "the stream went on after the bad ones";
}

TEST_F(IngestTest, AProducerThatReadsNoResultsIsHeldBackAndTheDaemonStaysHealthy) {
  grpc::ClientContext context;
  auto stream = stub_->ReportViolations(&context);
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    for (int i = 0; i < 1000000 && !stop; ++i) {
      if (!stream->Write(TakedownReport("flood-" + std::to_string(i), "flood-s" + std::to_string(i),
                                        "flood-l" + std::to_string(i)))) {
        break;
      }
      ++written;
    }
  });
  // The daemon reads at most 1024 reports it has not answered; the client reads no answer, so
  // once the transport's windows fill the producer's writes block.
  int before = -1;
  for (int i = 0; i < 40 && written != before; ++i) {
    before = written;
    absl::SleepFor(absl::Milliseconds(500));
  }
  EXPECT_EQ(written.load(), before) << "the producer is still writing";
  EXPECT_LT(written.load(), 1000000) << "nothing held the producer back";
  // Meanwhile other clients are served.
  EXPECT_EQ(StandingOk(Seller("flood-s0")).lifetime_violations(), 1);
  stop = true;
  context.TryCancel();
  producer.join();
  (void)stream->Finish();
  v1::ReportViolationResponse response;
  EXPECT_TRUE(Report(TakedownReport("after", "after-s", "after-l"), &response).ok());
}

}  // namespace
}  // namespace enforcer::e2e
