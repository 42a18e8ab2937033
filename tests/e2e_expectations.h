// Building blocks of the end-to-end tests: requests, policy versions, and expectations on what
// the daemon answered (decisions, actions, ledger histories).
#ifndef ENFORCERD_TESTS_E2E_EXPECTATIONS_H_
#define ENFORCERD_TESTS_E2E_EXPECTATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "proto/enforcer.pb.h"

namespace enforcer::e2e {

// ---- Requests and subjects.

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id);
v1::Subject Seller(const std::string& id);
v1::Subject Creator(const std::string& id);

// A report with the fields every report needs (source, reporter) but no subject.
v1::ReportViolationRequest MakeReport(const std::string& report_id, const std::string& category);
v1::ReportViolationRequest SellerReport(const std::string& report_id, const std::string& seller_id,
                                        const std::string& category);

// The number in a violation id "v<sequence>", or 0 if it is not of that form.
uint64_t ViolationNumber(const std::string& violation_id);

std::string StatusText(const grpc::Status& status);

::testing::AssertionResult ProtoEquals(const google::protobuf::Message& actual,
                                       const google::protobuf::Message& expected);

// ---- Policies and time.

// "sha256:" and the hex SHA-256 of `text`: the version of a policy with exactly this text.
std::string PolicyVersionOf(absl::string_view text);
// rules/default_policy.yaml as the repository holds it (a data dependency of the test).
const std::string& DefaultPolicyText();
// The version the embedded default pack must report: the sha256 of that file's bytes.
const std::string& DefaultPolicyVersion();

// 00:00 UTC of the day `days` after the UTC day of `t`: when points or level actions end.
absl::Time DayStartAfter(absl::Time t, int days);

// ---- Expected decisions.

struct ExpectedAction {
  v1::ActionType type = v1::ACTION_TYPE_UNSPECIFIED;
  std::string rule_id;
  std::string feature;                    // RESTRICT_FEATURE only
  std::string object_id;                  // TAKE_DOWN only
  std::optional<absl::Time> expires_at;   // nullopt: permanent (or a take-down)
  // Checked exactly when set; otherwise a take-down's reason must name its object and a
  // milestone action's the subject's active points.
  std::string reason;
};

ExpectedAction TakeDown(const std::string& category, const std::string& object_id);
ExpectedAction Warning(const std::string& rule_id, absl::Time expires_at);
ExpectedAction Restrict(const std::string& rule_id, const std::string& feature,
                        absl::Time expires_at);
ExpectedAction Suspend(const std::string& rule_id, absl::Time expires_at);
ExpectedAction Deactivate(const std::string& rule_id);
ExpectedAction Revoke(const std::string& rule_id);

struct ExpectedDecision {
  v1::Subject subject;
  int points_added = 0;
  int active_points_before = 0;
  int active_points = 0;
  v1::Standing standing_before = v1::GOOD_STANDING;
  v1::Standing standing_after = v1::GOOD_STANDING;
  // Every rule recorded, in order: the take-down's category first, then zero tolerance,
  // milestones (lowest first) and count rules. A rule can fire without issuing an action (a
  // higher one covers it), and a level that already held is recorded only when it acted.
  std::vector<std::string> fired;
  // The effective actions, in order: the take-down first, then in the order rules asked for them.
  std::vector<ExpectedAction> actions;
  // tier_after.milestone_id ("" below the first milestone).
  std::string tier;
};

// Checks decision `d` of `response` against `expected`, field by field.
void ExpectDecision(const v1::ReportViolationResponse& response, const v1::Decision& d,
                    const ExpectedDecision& expected);

std::vector<std::string> FiredRules(const v1::Decision& d);
std::vector<v1::ActionType> ActionTypes(const v1::Decision& d);

// Every action id of every decision is distinct.
void ExpectUniqueActionIds(const std::vector<v1::ReportViolationResponse>& responses);

// ---- Ledger histories.

// The ledger entries `responses` must have produced for `subject`, newest first (per report: the
// violation, the decision, then its actions). Sequences and positions are left 0.
std::vector<v1::LedgerEntry> ExpectedHistory(
    const v1::Subject& subject, const std::vector<v1::ReportViolationResponse>& responses);

// A listing equals ExpectedHistory() but for sequences and positions, which are checked for shape:
// both strictly decreasing, positions by exactly one (no gaps in one subject's ledger).
void ExpectHistoryMatches(const std::vector<v1::LedgerEntry>& actual,
                          const std::vector<v1::LedgerEntry>& expected);

// No report is half-written: every violation entry comes with its decision and all its actions.
void ExpectHistoryComplete(const std::vector<v1::LedgerEntry>& entries);

// "violation", "decision", "action", "lift", "reevaluation" per entry, in the listing's order.
std::vector<std::string> EntryKinds(const std::vector<v1::LedgerEntry>& entries);

}  // namespace enforcer::e2e

#endif  // ENFORCERD_TESTS_E2E_EXPECTATIONS_H_
