#include "tests/e2e_expectations.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/test_files.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"

namespace enforcer::e2e {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

v1::Subject Seller(const std::string& id) { return MakeSubject(v1::SELLER, id); }
v1::Subject Creator(const std::string& id) { return MakeSubject(v1::CREATOR, id); }

v1::ReportViolationRequest MakeReport(const std::string& report_id, const std::string& category) {
  v1::ReportViolationRequest r;
  r.set_report_id(report_id);
  r.set_category(category);
  r.set_source(v1::SOURCE_LISTING);
  r.set_reporter("e2e-test");
  return r;
}

v1::ReportViolationRequest SellerReport(const std::string& report_id, const std::string& seller_id,
                                        const std::string& category) {
  v1::ReportViolationRequest r = MakeReport(report_id, category);
  r.set_seller_id(seller_id);
  return r;
}

uint64_t ViolationNumber(const std::string& violation_id) {
  uint64_t n = 0;
  if (!absl::StartsWith(violation_id, "v") || !absl::SimpleAtoi(violation_id.substr(1), &n)) {
    return 0;
  }
  return n;
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

::testing::AssertionResult ProtoEquals(const google::protobuf::Message& actual,
                                       const google::protobuf::Message& expected) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "protos differ (expected -> actual):\n" << differences;
}

std::string PolicyVersionOf(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest), sizeof(digest))));
}

const std::string& DefaultPolicyText() {
  static const std::string* text =
      new std::string(ReadFileToString(RunfilePath("rules/default_policy.yaml")));
  return *text;
}

const std::string& DefaultPolicyVersion() {
  static const std::string* version = new std::string(
      DefaultPolicyText().empty() ? "<rules/default_policy.yaml is not in the runfiles>"
                                  : PolicyVersionOf(DefaultPolicyText()));
  return *version;
}

absl::Time DayStartAfter(absl::Time t, int days) {
  return absl::FromUnixSeconds((UnixDay(t) + days) * 86400);
}

ExpectedAction TakeDown(const std::string& category, const std::string& object_id) {
  return {v1::ACTION_TAKE_DOWN, category, "", object_id, std::nullopt, ""};
}
ExpectedAction Warning(const std::string& rule_id, absl::Time expires_at) {
  return {v1::ACTION_WARNING, rule_id, "", "", expires_at, ""};
}
ExpectedAction Restrict(const std::string& rule_id, const std::string& feature,
                        absl::Time expires_at) {
  return {v1::ACTION_RESTRICT_FEATURE, rule_id, feature, "", expires_at, ""};
}
ExpectedAction Suspend(const std::string& rule_id, absl::Time expires_at) {
  return {v1::ACTION_SUSPEND, rule_id, "", "", expires_at, ""};
}
ExpectedAction Deactivate(const std::string& rule_id) {
  return {v1::ACTION_DEACTIVATE_STORE, rule_id, "", "", std::nullopt, ""};
}
ExpectedAction Revoke(const std::string& rule_id) {
  return {v1::ACTION_REVOKE_SELLING_PERMISSION, rule_id, "", "", std::nullopt, ""};
}

std::vector<std::string> FiredRules(const v1::Decision& d) {
  std::vector<std::string> ids;
  for (const v1::RuleFiring& f : d.rules_fired()) ids.push_back(f.rule_id());
  return ids;
}

std::vector<v1::ActionType> ActionTypes(const v1::Decision& d) {
  std::vector<v1::ActionType> types;
  for (const v1::Action& a : d.actions()) types.push_back(a.type());
  return types;
}

void ExpectDecision(const v1::ReportViolationResponse& response, const v1::Decision& d,
                    const ExpectedDecision& expected) {
  const v1::Violation& v = response.violation();
  SCOPED_TRACE(absl::StrCat("decision for ", d.subject().ShortDebugString(), " of ",
                            v.violation_id()));
  EXPECT_EQ(d.violation_id(), v.violation_id());
  EXPECT_TRUE(ProtoEquals(d.subject(), expected.subject));
  EXPECT_EQ(d.policy_version(), v.policy_version());
  EXPECT_THAT(d.policy_version(), StartsWith("sha256:"));
  EXPECT_EQ(d.points_added(), expected.points_added);
  EXPECT_EQ(d.active_points_before(), expected.active_points_before);
  EXPECT_EQ(d.active_points(), expected.active_points);
  EXPECT_EQ(d.standing_before(), expected.standing_before)
      << v1::Standing_Name(d.standing_before());
  EXPECT_EQ(d.standing_after(), expected.standing_after) << v1::Standing_Name(d.standing_after());
  EXPECT_EQ(d.tier_after().milestone_id(), expected.tier);
  EXPECT_TRUE(d.has_decided_at());
  EXPECT_EQ(FiredRules(d), expected.fired);
  for (const v1::RuleFiring& f : d.rules_fired()) EXPECT_FALSE(f.reason().empty()) << f.rule_id();

  ASSERT_EQ(d.actions_size(), static_cast<int>(expected.actions.size())) << d.ShortDebugString();
  for (int i = 0; i < d.actions_size(); ++i) {
    const v1::Action& a = d.actions(i);
    const ExpectedAction& e = expected.actions[i];
    SCOPED_TRACE(a.ShortDebugString());
    EXPECT_EQ(a.type(), e.type) << v1::ActionType_Name(a.type());
    EXPECT_EQ(a.rule_id(), e.rule_id);
    EXPECT_EQ(a.feature(), e.feature);
    EXPECT_EQ(a.object_id(), e.object_id);
    EXPECT_TRUE(ProtoEquals(a.subject(), expected.subject));
    EXPECT_EQ(a.violation_id(), v.violation_id());
    const std::string kind = v1::SubjectKind_Name(expected.subject.kind());
    EXPECT_EQ(a.action_id(), absl::StrCat(v.violation_id(), "/", kind, "/", i + 1));
    EXPECT_TRUE(ProtoEquals(a.starts_at(), d.decided_at()));
    if (e.expires_at.has_value()) {
      ASSERT_TRUE(a.has_expires_at());
      EXPECT_EQ(FromProtoTime(a.expires_at()), *e.expires_at);
    } else {
      EXPECT_FALSE(a.has_expires_at()) << "permanent actions and take-downs carry no expires_at";
    }
    if (!e.reason.empty()) {
      EXPECT_EQ(a.reason(), e.reason);
    } else if (e.type == v1::ACTION_TAKE_DOWN) {
      EXPECT_THAT(a.reason(), HasSubstr(absl::StrCat("'", e.object_id, "' is taken down")));
    } else {
      // "... points reached 12 (+6 for ...)" or "... points are 18 (+6 for ...)".
      EXPECT_THAT(a.reason(), HasSubstr(absl::StrCat(" ", expected.active_points, " (+")));
    }
  }
}

void ExpectUniqueActionIds(const std::vector<v1::ReportViolationResponse>& responses) {
  std::set<std::string> ids;
  for (const auto& r : responses) {
    for (const v1::Decision& d : r.decisions()) {
      for (const v1::Action& a : d.actions()) {
        EXPECT_TRUE(ids.insert(a.action_id()).second) << "duplicate action_id " << a.action_id();
      }
    }
  }
}

std::vector<v1::LedgerEntry> ExpectedHistory(
    const v1::Subject& subject, const std::vector<v1::ReportViolationResponse>& responses) {
  std::vector<v1::LedgerEntry> oldest_first;
  for (const v1::ReportViolationResponse& r : responses) {
    for (const v1::Decision& d : r.decisions()) {
      if (!google::protobuf::util::MessageDifferencer::Equals(d.subject(), subject)) continue;
      v1::LedgerEntry entry;
      *entry.mutable_subject() = subject;
      *entry.mutable_recorded_at() = r.violation().recorded_at();
      *entry.mutable_violation() = r.violation();
      oldest_first.push_back(entry);
      *entry.mutable_decision() = d;
      oldest_first.push_back(entry);
      for (const v1::Action& a : d.actions()) {
        *entry.mutable_action() = a;
        oldest_first.push_back(entry);
      }
    }
  }
  std::reverse(oldest_first.begin(), oldest_first.end());
  return oldest_first;
}

void ExpectHistoryMatches(const std::vector<v1::LedgerEntry>& actual,
                          const std::vector<v1::LedgerEntry>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("entry ", i, " (newest first)"));
    v1::LedgerEntry without_order = actual[i];
    without_order.clear_sequence();
    without_order.clear_position();
    EXPECT_TRUE(ProtoEquals(without_order, expected[i]));
    EXPECT_GT(actual[i].position(), 0u);
    if (i > 0) {
      EXPECT_LT(actual[i].sequence(), actual[i - 1].sequence());
      EXPECT_EQ(actual[i].position() + 1, actual[i - 1].position());
    }
  }
}

void ExpectHistoryComplete(const std::vector<v1::LedgerEntry>& entries) {
  std::map<std::string, int> violations, decisions, actions, actions_announced;
  for (const v1::LedgerEntry& e : entries) {
    switch (e.kind_case()) {
      case v1::LedgerEntry::kViolation:
        ++violations[e.violation().violation_id()];
        break;
      case v1::LedgerEntry::kDecision:
        ++decisions[e.decision().violation_id()];
        actions_announced[e.decision().violation_id()] += e.decision().actions_size();
        break;
      case v1::LedgerEntry::kAction:
        ++actions[e.action().violation_id()];
        break;
      case v1::LedgerEntry::kLift:
      case v1::LedgerEntry::kReevaluation:
        break;
      default:
        ADD_FAILURE() << "ledger entry of no kind: " << e.ShortDebugString();
    }
  }
  for (const auto& [id, n] : violations) {
    EXPECT_EQ(n, 1) << id;
    EXPECT_EQ(decisions[id], 1) << id;
    EXPECT_EQ(actions[id], actions_announced[id]) << id;
  }
  EXPECT_EQ(decisions.size(), violations.size());
}

std::vector<std::string> EntryKinds(const std::vector<v1::LedgerEntry>& entries) {
  std::vector<std::string> kinds;
  for (const v1::LedgerEntry& e : entries) {
    switch (e.kind_case()) {
      case v1::LedgerEntry::kViolation: kinds.push_back("violation"); break;
      case v1::LedgerEntry::kDecision: kinds.push_back("decision"); break;
      case v1::LedgerEntry::kAction: kinds.push_back("action"); break;
      case v1::LedgerEntry::kLift: kinds.push_back("lift"); break;
      case v1::LedgerEntry::kReevaluation: kinds.push_back("reevaluation"); break;
      default: kinds.push_back("?"); break;
    }
  }
  return kinds;
}

}  // namespace enforcer::e2e
