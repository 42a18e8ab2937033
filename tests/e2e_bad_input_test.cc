// Bad input end to end: every malformed report, standing query or history query is refused with
// INVALID_ARGUMENT and a message naming the field and the rule broken, and writes nothing.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"
#include "proto/timestamp.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::AllOf;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::StartsWith;

class BadInputTest : public EnforcerdTest {};

struct BadReportCase {
  std::string name;
  v1::ReportViolationRequest request;
  Matcher<std::string> message;
};

std::vector<BadReportCase> BadReportCases() {
  // Valid as it stands (the test proves it at the end); each case breaks one thing.
  const v1::ReportViolationRequest valid =
      SellerReport("bad-input", "seller-bad", "misleading_listing");
  std::vector<BadReportCase> cases;
  auto add = [&](const std::string& name, Matcher<std::string> message,
                 const std::function<void(v1::ReportViolationRequest&)>& change) {
    v1::ReportViolationRequest r = valid;
    change(r);
    cases.push_back({name, r, std::move(message)});
  };
  add("missing report_id", Eq("report_id: is required"),
      [](auto& r) { r.clear_report_id(); });
  add("report_id of 200 bytes", Eq("report_id: is 200 bytes; at most 128 are allowed"),
      [](auto& r) { r.set_report_id(std::string(200, 'r')); });
  add("neither seller nor creator",
      Eq("seller_id: at least one of seller_id and creator_id is required"),
      [](auto& r) { r.clear_seller_id(); });
  add("non-printable seller_id",
      Eq("seller_id: must be printable ASCII (no control characters or non-ASCII bytes)"),
      [](auto& r) { r.set_seller_id("seller\x01" "bad"); });
  add("object_id of 257 bytes", Eq("object_id: is 257 bytes; at most 256 are allowed"),
      [](auto& r) { r.set_object_id(std::string(257, 'o')); });
  add("missing category", Eq("category: is required"), [](auto& r) { r.clear_category(); });
  add("unknown category",
      AllOf(StartsWith("category: 'nope' is not defined by policy default-v1; known categories: "),
            HasSubstr("prohibited_product"), HasSubstr("reproduced_content")),
      [](auto& r) { r.set_category("nope"); });
  add("creator-only category with only a seller",
      Eq("creator_id: is required: category 'reproduced_content' counts against creator ledgers"),
      [](auto& r) { r.set_category("reproduced_content"); });
  add("seller-only category with only a creator",
      Eq("seller_id: is required: category 'fraud_brushing' counts against seller ledgers"),
      [](auto& r) {
        r.set_category("fraud_brushing");
        r.clear_seller_id();
        r.set_creator_id("creator-bad");
      });
  add("severity out of range", Eq("severity: 99 is not a Severity value"),
      [](auto& r) { r.set_severity(static_cast<v1::Severity>(99)); });
  add("source unspecified",
      Eq("source: is required: one of SOURCE_LISTING, SOURCE_LIVESTREAM, SOURCE_SHORT_VIDEO, "
         "SOURCE_RIGHTS_HOLDER_COMPLAINT, SOURCE_MANUAL_REVIEW, SOURCE_AUTOMATED_DETECTION"),
      [](auto& r) { r.clear_source(); });
  add("region XX", Eq("region: 'XX' is not an ISO 3166-1 alpha-2 code (e.g. US, PH)"),
      [](auto& r) { r.set_region("XX"); });
  add("region usa", Eq("region: 'usa' is not an ISO 3166-1 alpha-2 code (e.g. US, PH)"),
      [](auto& r) { r.set_region("usa"); });
  add("occurred_at an hour ahead",
      AllOf(StartsWith("occurred_at: is "),
            HasSubstr(" in the future; at most 5m of clock skew is accepted")),
      [](auto& r) { *r.mutable_occurred_at() = ToProtoTime(absl::Now() + absl::Hours(1)); });
  add("occurred_at in 1999", Eq("occurred_at: is before 2000-01-01"), [](auto& r) {
    *r.mutable_occurred_at() = ToProtoTime(absl::FromCivil(absl::CivilDay(1999, 12, 31),
                                                           absl::UTCTimeZone()));
  });
  add("33 evidence items", Eq("evidence: has 33 items; at most 32 are allowed"), [](auto& r) {
    for (int i = 0; i < 33; ++i) {
      v1::EvidenceItem* e = r.add_evidence();
      e->set_key(absl::StrCat("item", i));
      e->set_value("x");
    }
  });
  add("evidence key 'Bad Key'", Eq("evidence[0].key: 'Bad Key' must match [a-z0-9_.-]{1,64}"),
      [](auto& r) {
        r.add_evidence()->set_key("Bad Key");
        r.mutable_evidence(0)->set_value("v");
      });
  add("evidence value of 3000 bytes",
      Eq("evidence[0].value: is 3000 bytes; at most 2048 are allowed"), [](auto& r) {
        r.add_evidence()->set_key("note");
        r.mutable_evidence(0)->set_value(std::string(3000, 'v'));
      });
  add("evidence over 16 KiB in all", Eq("evidence: totals 18018 bytes; at most 16384 are allowed"),
      [](auto& r) {
        for (int i = 0; i < 9; ++i) {
          v1::EvidenceItem* e = r.add_evidence();
          e->set_key(absl::StrCat("k", i));
          e->set_value(std::string(2000, 'v'));
        }
      });
  return cases;
}

TEST_F(BadInputTest, BadReportsAreRefusedWithExactMessagesAndWriteNothing) {
  for (const BadReportCase& c : BadReportCases()) {
    SCOPED_TRACE(c.name);
    v1::ReportViolationResponse response;
    const grpc::Status status = Report(c.request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_THAT(status.error_message(), c.message);
  }
  for (const v1::Subject& s : {Seller("seller-bad"), Creator("creator-bad")}) {
    SCOPED_TRACE(s.ShortDebugString());
    EXPECT_THAT(HistoryOk(s), IsEmpty()) << "a refused report left entries behind";
    const v1::GetStandingResponse standing = StandingOk(s);
    EXPECT_EQ(standing.standing(), v1::GOOD_STANDING);
    EXPECT_EQ(standing.lifetime_violations(), 0);
  }
  // The unbroken report is accepted, under the report_id every case used: none was recorded.
  const v1::ReportViolationResponse accepted =
      ReportOk(SellerReport("bad-input", "seller-bad", "misleading_listing"));
  EXPECT_FALSE(accepted.duplicate());
  EXPECT_EQ(StandingOk(Seller("seller-bad")).lifetime_violations(), 1);
}

TEST_F(BadInputTest, BadStandingAndHistoryQueriesAreRefused) {
  struct Case {
    std::string name;
    grpc::Status status;
    std::string message;
  };
  std::vector<Case> cases;
  {
    v1::GetStandingResponse response;
    cases.push_back({"GetStanding, kind unspecified",
                     GetStanding(MakeSubject(v1::SUBJECT_KIND_UNSPECIFIED, "seller-1"), &response),
                     "subject.kind: must be SELLER or CREATOR"});
    cases.push_back({"GetStanding, no id", GetStanding(Seller(""), &response),
                     "subject.id: is required"});
  }
  auto list = [&](const std::function<void(v1::ListHistoryRequest&)>& change) {
    v1::ListHistoryRequest request;
    *request.mutable_subject() = Seller("seller-1");
    change(request);
    v1::ListHistoryResponse response;
    return ListHistory(request, &response);
  };
  cases.push_back({"ListHistory, kind unspecified",
                   list([](auto& r) { r.mutable_subject()->clear_kind(); }),
                   "subject.kind: must be SELLER or CREATOR"});
  cases.push_back({"ListHistory, page_size 5000", list([](auto& r) { r.set_page_size(5000); }),
                   "page_size: 5000 is outside 0..1000"});
  cases.push_back({"ListHistory, page_size -1", list([](auto& r) { r.set_page_size(-1); }),
                   "page_size: -1 is outside 0..1000"});
  cases.push_back({"ListHistory, malformed page_token",
                   list([](auto& r) { r.set_page_token("not-a-page-token"); }),
                   "page_token is malformed"});
  cases.push_back({"ListHistory, start after end", list([](auto& r) {
                     *r.mutable_start_time() = ToProtoTime(absl::Now());
                     *r.mutable_end_time() = ToProtoTime(absl::Now() - absl::Hours(1));
                   }),
                   "start_time: is after end_time"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(c.status);
    EXPECT_EQ(c.status.error_message(), c.message);
  }

  // A seller never reported is in good standing, not an error.
  const v1::GetStandingResponse unknown = StandingOk(Seller("seller-never-reported"));
  EXPECT_TRUE(ProtoEquals(unknown.subject(), Seller("seller-never-reported")));
  EXPECT_EQ(unknown.standing(), v1::GOOD_STANDING);
  EXPECT_EQ(unknown.active_points(), 0);
  EXPECT_EQ(unknown.lifetime_violations(), 0);
  EXPECT_THAT(unknown.active_actions(), IsEmpty());
  EXPECT_THAT(unknown.category_counts(), IsEmpty());
  EXPECT_EQ(unknown.policy_version(), DefaultPolicyVersion());
  EXPECT_EQ(unknown.evaluated_under(), DefaultPolicyVersion());
  EXPECT_THAT(unknown.tier().milestone_id(), IsEmpty());
  EXPECT_EQ(unknown.tier().next_milestone_id(), "seller-caution-6");
  EXPECT_EQ(unknown.tier().points_to_next(), 6);
  EXPECT_THAT(HistoryOk(Seller("seller-never-reported")), IsEmpty());
}

}  // namespace
}  // namespace enforcer::e2e
