#include "engine/report_validator.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/policy_loader.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

v1::ReportViolationRequest ValidReport() {
  v1::ReportViolationRequest r;
  r.set_report_id("r-1");
  r.set_seller_id("seller-1");
  r.set_category("prohibited_product");
  r.set_source(v1::SOURCE_LISTING);
  r.set_region("PH");
  r.set_object_id("listing-1");
  *r.mutable_occurred_at() = ToProtoTime(kNow - absl::Hours(1));
  auto* e = r.add_evidence();
  e->set_key("image.url");
  e->set_value("https://example.com/1.jpg");
  return r;
}

struct Case {
  std::string name;
  std::function<void(v1::ReportViolationRequest*)> mutate;
  std::string message;  // "" = valid
};

TEST(ReportValidator, EachRuleNamesTheFieldAndWhatIsWrong) {
  auto policy = LoadPolicy("");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::vector<Case> cases = {
      {"valid", [](auto*) {}, ""},
      {"creator only is fine for a both-ledger category",
       [](auto* r) {
         r->clear_seller_id();
         r->set_creator_id("c");
         r->set_category("counterfeit_confirmed");
       },
       ""},
      {"occurred_at within skew",
       [](auto* r) { *r->mutable_occurred_at() = ToProtoTime(kNow + absl::Minutes(4)); }, ""},
      {"missing report_id", [](auto* r) { r->clear_report_id(); }, "report_id: is required"},
      {"long report_id", [](auto* r) { r->set_report_id(std::string(129, 'x')); },
       "report_id: is 129 bytes; at most 128 are allowed"},
      {"control char", [](auto* r) { r->set_seller_id("a\nb"); },
       "seller_id: must be printable ASCII (no control characters or non-ASCII bytes)"},
      {"no subject", [](auto* r) { r->clear_seller_id(); },
       "seller_id: at least one of seller_id and creator_id is required"},
      {"missing category", [](auto* r) { r->clear_category(); }, "category: is required"},
      {"unknown category", [](auto* r) { r->set_category("nope"); },
       "category: 'nope' is not defined by policy default-v1; known categories: ban_evasion, "
       "counterfeit_confirmed, creator_misleading_claim, customer_abuse, fraud_brushing, "
       "fulfilment_rate_breach, illegal_dangerous_goods, ip_complaint_valid, "
       "keyword_or_logo_misuse, misleading_listing, prohibited_product, reproduced_content"},
      {"creator-only category with a seller",
       [](auto* r) { r->set_category("reproduced_content"); },
       "creator_id: is required: category 'reproduced_content' counts against creator ledgers"},
      {"seller-only category with a creator",
       [](auto* r) {
         r->clear_seller_id();
         r->set_creator_id("c");
         r->set_category("fraud_brushing");
       },
       "seller_id: is required: category 'fraud_brushing' counts against seller ledgers"},
      {"bad severity", [](auto* r) { r->set_severity(static_cast<v1::Severity>(9)); },
       "severity: 9 is not a Severity value"},
      {"missing source", [](auto* r) { r->clear_source(); },
       "source: is required: one of SOURCE_LISTING, SOURCE_LIVESTREAM, SOURCE_SHORT_VIDEO, "
       "SOURCE_RIGHTS_HOLDER_COMPLAINT, SOURCE_MANUAL_REVIEW, SOURCE_AUTOMATED_DETECTION"},
      {"region not assigned", [](auto* r) { r->set_region("XX"); },
       "region: 'XX' is not an ISO 3166-1 alpha-2 code (e.g. US, PH)"},
      {"region lower case", [](auto* r) { r->set_region("ph"); },
       "region: 'ph' is not an ISO 3166-1 alpha-2 code (e.g. US, PH)"},
      {"future", [](auto* r) { *r->mutable_occurred_at() = ToProtoTime(kNow + absl::Hours(2)); },
       "occurred_at: is 2h in the future; at most 5m of clock skew is accepted"},
      {"ancient", [](auto* r) { r->mutable_occurred_at()->set_seconds(100); },
       "occurred_at: is before 2000-01-01"},
      {"bad nanos", [](auto* r) { r->mutable_occurred_at()->set_nanos(-1); },
       "occurred_at: is not a valid timestamp"},
      {"long object", [](auto* r) { r->set_object_id(std::string(300, 'o')); },
       "object_id: is 300 bytes; at most 256 are allowed"},
      {"too much evidence",
       [](auto* r) {
         for (int i = 0; i < 32; ++i) r->add_evidence()->set_key("k");
       },
       "evidence: has 33 items; at most 32 are allowed"},
      {"bad evidence key", [](auto* r) { r->add_evidence()->set_key("Bad Key"); },
       "evidence[1].key: 'Bad Key' must match [a-z0-9_.-]{1,64}"},
      {"empty evidence key", [](auto* r) { r->add_evidence(); },
       "evidence[1].key: '' must match [a-z0-9_.-]{1,64}"},
      {"big evidence value",
       [](auto* r) {
         auto* e = r->add_evidence();
         e->set_key("blob");
         e->set_value(std::string(3000, 'v'));
       },
       "evidence[1].value: is 3000 bytes; at most 2048 are allowed"},
      {"evidence total",
       [](auto* r) {
         for (int i = 0; i < 10; ++i) {
           auto* e = r->add_evidence();
           e->set_key("k" + std::to_string(i));
           e->set_value(std::string(2000, 'v'));
         }
       },
       "evidence: totals 20054 bytes; at most 16384 are allowed"},
  };
  for (const Case& c : cases) {
    v1::ReportViolationRequest r = ValidReport();
    c.mutate(&r);
    absl::Status s = ValidateReport(r, **policy, kNow);
    if (c.message.empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
      EXPECT_EQ(s.message(), c.message) << c.name;
    }
  }
}

TEST(ReportValidator, Subjects) {
  v1::Subject s;
  EXPECT_EQ(ValidateSubject(s).message(), "subject.kind: must be SELLER or CREATOR");
  s.set_kind(v1::CREATOR);
  EXPECT_EQ(ValidateSubject(s).message(), "subject.id: is required");
  s.set_id("c-1");
  EXPECT_TRUE(ValidateSubject(s).ok());
}

}  // namespace
}  // namespace enforcer
