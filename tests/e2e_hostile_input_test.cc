// Hostile clients and careless operators against the real daemon: each test is a fault that was
// measured on an earlier build (issue 10's table) and must now get a clear, bounded answer.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::HasSubstr;

class HostileInputTest : public EnforcerdTest {};

// Row 6: a second enforcerd on the same port used to start too (SO_REUSEPORT) and take half the
// reports into another ledger.
TEST_F(HostileInputTest, ASecondDaemonOnTheSamePortFailsToStart) {
  testing::CommandResult second =
      RunEnforcerd({absl::StrCat("--listen=127.0.0.1:", daemon_->port()),
                    absl::StrCat("--data_dir=", work_dir_, "/second-ledger")});
  EXPECT_TRUE(second.ExitedWith(1)) << second.output;
  EXPECT_THAT(second.output, HasSubstr("cannot listen on 127.0.0.1:"));
  ReportOk(SellerReport("still-here", "s1", "misleading_listing"));
}

// Row 13: `--listen=0.0.0.0:…` served plaintext without a word.
TEST_F(HostileInputTest, ANetworkListenerNeedsAnExplicitInsecure) {
  testing::CommandResult refused = RunEnforcerd(
      {"--listen=0.0.0.0:0", absl::StrCat("--data_dir=", work_dir_, "/network-ledger")});
  EXPECT_TRUE(refused.ExitedWith(1)) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("is not a loopback address"));
  EXPECT_THAT(refused.output, HasSubstr("--insecure"));
}

// Row 8: unknown fields were stored and echoed (3.9 MB of them per report).
TEST_F(HostileInputTest, UnknownFieldsAreNeitherStoredNorEchoed) {
  v1::ReportViolationRequest r = SellerReport("unknown-1", "s1", "misleading_listing");
  r.GetReflection()->MutableUnknownFields(&r)->AddLengthDelimited(999, std::string(100000, 'x'));
  const v1::ReportViolationResponse response = ReportOk(r);
  EXPECT_EQ(response.violation()
                .report()
                .GetReflection()
                ->GetUnknownFields(response.violation().report())
                .field_count(),
            0);
  for (const v1::LedgerEntry& e : HistoryOk(Seller("s1"))) {
    EXPECT_LT(e.ByteSizeLong(), 10000u) << e.ShortDebugString().substr(0, 200);
  }
}

// Row 8: history pages of 8 to 40 MB that clients with the default 4 MiB limit could not read.
TEST_F(HostileInputTest, HistoryPagesStayReadableHoweverLargeTheEntries) {
  for (int i = 0; i < 120; ++i) {
    v1::ReportViolationRequest r =
        SellerReport(absl::StrCat("big-", i), "s1", "misleading_listing");
    for (int k = 0; k < 4; ++k) {
      v1::EvidenceItem* e = r.add_evidence();
      e->set_key(absl::StrCat("k", k));
      e->set_value(std::string(2048, 'a' + k));
    }
    ReportOk(r);
  }
  v1::ListHistoryRequest request;
  *request.mutable_subject() = Seller("s1");
  request.set_page_size(1000);
  size_t entries = 0;
  int pages = 0;
  do {
    v1::ListHistoryResponse page;
    ASSERT_TRUE(ListHistory(request, &page).ok());
    EXPECT_LE(page.ByteSizeLong(), size_t{1} << 20) << "page " << pages;
    entries += page.entries_size();
    request.set_page_token(page.next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_GT(pages, 1);
  EXPECT_EQ(entries, HistoryOk(Seller("s1"), 100).size());
}

// Row 7: 100 MiB requests were buffered before being refused.
TEST_F(HostileInputTest, AnOversizedRequestIsRefused) {
  v1::ReportViolationRequest r = SellerReport("huge", "s1", "misleading_listing");
  r.set_reporter(std::string(5 << 20, 'r'));
  v1::ReportViolationResponse response;
  grpc::Status status = Report(r, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  ReportOk(SellerReport("after-huge", "s1", "misleading_listing"));
}

class LargePolicyTest : public EnforcerdTest {
 protected:
  LargePolicyTest() {
    std::string policy = "policy: many\ncategories:\n";
    for (int i = 0; i < 1000; ++i) absl::StrAppend(&policy, "  cat_", i, ": {points: 1}\n");
    UsePolicyFile(policy);
  }
};

// Row 10: an unknown category under a 10,000-category policy got an error listing every one, and
// no reply ever came.
TEST_F(LargePolicyTest, AnUnknownCategoryGetsAShortError) {
  v1::ReportViolationRequest r = SellerReport("unknown-cat", "s1", "no_such_category");
  v1::ReportViolationResponse response;
  grpc::Status status = Report(r, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("and 980 more"));
  EXPECT_LT(status.error_message().size(), 2000u);
}

// Row 12: a 1,000,000-category policy was "valid" and took 24 s and 2.3 GB to load.
TEST_F(LargePolicyTest, APolicyOverTheLimitsIsRefusedWithAPositionedError) {
  std::string policy = "policy: too_many\ncategories:\n";
  for (int i = 0; i < 1001; ++i) absl::StrAppend(&policy, "  cat_", i, ": {points: 1}\n");
  const std::string path = work_dir_ + "/too-many.yaml";
  WriteFileAtomically(path, policy);
  testing::CommandResult checked = RunEnforcerd({"--check_policy=" + path});
  EXPECT_TRUE(checked.ExitedWith(1)) << checked.output;
  EXPECT_THAT(checked.output, HasSubstr("too-many.yaml:3:3: error: categories: 1001 categories; "
                                        "a policy may define at most 1000"));
  const std::string huge = work_dir_ + "/huge.yaml";
  WriteFileAtomically(huge, "policy: huge\n# " + std::string(1100000, 'x') + "\n");
  checked = RunEnforcerd({"--check_policy=" + huge});
  EXPECT_TRUE(checked.ExitedWith(1)) << checked.output;
  EXPECT_THAT(checked.output, HasSubstr("a policy may be at most 1048576 bytes"));
}

}  // namespace
}  // namespace enforcer::e2e
