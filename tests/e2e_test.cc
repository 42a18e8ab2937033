// End-to-end tests of enforcerd: each test starts the real binary on its own data folder, talks to
// it over gRPC exactly as a client would, and stops it (SIGTERM) or crashes it (SIGKILL).
//
// The daemon runs on the real clock, so reports leave occurred_at unset (the daemon's "now") or set
// it a few minutes in the past.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/enforcer.grpc.pb.h"
#include "proto/enforcer.pb.h"
#include "proto/timestamp.h"
#include "rules/default_policy.h"
#include "rules/policy_parser.h"
#include "tests/daemon_process.h"

namespace enforcer {
namespace {

using ::enforcer::testing::DaemonOptions;
using ::enforcer::testing::DaemonProcess;
using ::enforcer::testing::DescribeWaitStatus;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::StartsWith;

constexpr auto kRpcDeadline = std::chrono::seconds(10);

// ---------------------------------------------------------------------------------------------
// Small helpers: protos, requests, expectations.

::testing::AssertionResult ProtoEquals(const google::protobuf::Message& actual,
                                       const google::protobuf::Message& expected) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "protos differ (expected -> actual):\n" << differences;
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

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

// The number in a violation id "v<sequence>", or 0 if it is not of that form.
uint64_t ViolationNumber(const std::string& violation_id) {
  uint64_t n = 0;
  if (!absl::StartsWith(violation_id, "v") || !absl::SimpleAtoi(violation_id.substr(1), &n)) {
    return 0;
  }
  return n;
}

absl::Duration Between(const google::protobuf::Timestamp& from,
                       const google::protobuf::Timestamp& to) {
  return FromProtoTime(to) - FromProtoTime(from);
}

// The version the daemon must report for its embedded default pack.
std::string DefaultPolicyVersion() {
  static const std::string* version = [] {
    auto policy = CompilePolicy(kDefaultPolicyYaml, kDefaultPolicyName);
    return new std::string(policy.ok() ? (*policy)->version() : "<default pack does not compile>");
  }();
  return *version;
}

struct ExpectedAction {
  v1::ActionType type;
  std::string rule_id;
  std::string feature;                    // RESTRICT_FEATURE only
  std::string object_id;                  // TAKE_DOWN only
  std::optional<absl::Duration> duration;  // nullopt: permanent (or a take-down)
};

ExpectedAction TakeDown(const std::string& category, const std::string& object_id) {
  return {v1::ACTION_TAKE_DOWN, category, "", object_id, std::nullopt};
}
ExpectedAction Warning(const std::string& rule_id, absl::Duration d) {
  return {v1::ACTION_WARNING, rule_id, "", "", d};
}
ExpectedAction Restrict(const std::string& rule_id, const std::string& feature, absl::Duration d) {
  return {v1::ACTION_RESTRICT_FEATURE, rule_id, feature, "", d};
}
ExpectedAction Suspend(const std::string& rule_id, absl::Duration d) {
  return {v1::ACTION_SUSPEND, rule_id, "", "", d};
}
ExpectedAction Deactivate(const std::string& rule_id) {
  return {v1::ACTION_DEACTIVATE_STORE, rule_id, "", "", std::nullopt};
}
ExpectedAction Revoke(const std::string& rule_id) {
  return {v1::ACTION_REVOKE_SELLING_PERMISSION, rule_id, "", "", std::nullopt};
}

struct ExpectedDecision {
  v1::Subject subject;
  int points_added = 0;
  int active_points_before = 0;
  int active_points = 0;
  v1::Standing standing_before = v1::GOOD_STANDING;
  v1::Standing standing_after = v1::GOOD_STANDING;
  // In order: the take-down (if any) first, then the milestones crossed, lowest first.
  std::vector<ExpectedAction> actions;
};

// Checks one decision of `response` against `expected`, field by field.
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
  EXPECT_TRUE(d.has_decided_at());

  std::vector<std::string> fired, expected_fired;
  for (const v1::RuleFiring& f : d.rules_fired()) {
    fired.push_back(f.rule_id());
    EXPECT_FALSE(f.reason().empty()) << f.rule_id();
  }
  for (const ExpectedAction& a : expected.actions) expected_fired.push_back(a.rule_id);
  EXPECT_EQ(fired, expected_fired);

  ASSERT_EQ(d.actions_size(), static_cast<int>(expected.actions.size()))
      << d.ShortDebugString();
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
    EXPECT_THAT(a.action_id(), StartsWith(v.violation_id() + "/"));
    EXPECT_TRUE(ProtoEquals(a.starts_at(), d.decided_at()));
    if (e.duration.has_value()) {
      ASSERT_TRUE(a.has_expires_at());
      EXPECT_EQ(Between(a.starts_at(), a.expires_at()), *e.duration);
    } else {
      EXPECT_FALSE(a.has_expires_at()) << "permanent actions carry no expires_at";
    }
    EXPECT_FALSE(a.reason().empty());
    if (e.type == v1::ACTION_TAKE_DOWN) {
      EXPECT_THAT(a.reason(), HasSubstr(e.object_id));
    } else {
      // Milestone actions say how many points the subject reached.
      EXPECT_THAT(a.reason(), HasSubstr(absl::StrCat("reached ", expected.active_points)));
    }
  }
}

// Every action id of every decision is distinct.
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

// The ledger entries `responses` must have produced for `subject`, newest first (per report: the
// violation, the decision, then its actions, in sequence order).
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

// Compares a listing with ExpectedHistory(): same entries in the same order. Sequences are
// assigned by the daemon, so they are checked for shape (strictly decreasing; a violation entry of
// the first subject carries the violation's own number) rather than compared.
void ExpectHistoryMatches(const std::vector<v1::LedgerEntry>& actual,
                          const std::vector<v1::LedgerEntry>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("entry ", i, " (newest first)"));
    v1::LedgerEntry without_sequence = actual[i];
    without_sequence.clear_sequence();
    EXPECT_TRUE(ProtoEquals(without_sequence, expected[i]));
    if (i > 0) {
      EXPECT_LT(actual[i].sequence(), actual[i - 1].sequence());
    }
  }
}

// No report is half-written: every violation entry comes with its decision and all its actions.
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

// ---------------------------------------------------------------------------------------------
// The fixture: one daemon per test, on a data folder of its own.

class EnforcerdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    absl::StatusOr<std::string> dir =
        testing::MakeUniqueTempDir(absl::StrCat(info->test_suite_name(), ".", info->name()));
    ASSERT_TRUE(dir.ok()) << dir.status();
    work_dir_ = *dir;
    ASSERT_NO_FATAL_FAILURE(StartDaemon());
  }

  void TearDown() override {
    if (daemon_ != nullptr && daemon_->running()) {
      DisconnectClient();
      absl::StatusOr<int> stopped = daemon_->Stop();
      ASSERT_TRUE(stopped.ok()) << stopped.status();
      EXPECT_TRUE(WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0)
          << "enforcerd " << DescribeWaitStatus(*stopped) << " after SIGTERM";
    }
    if (HasFailure() && daemon_ != nullptr) {
      std::cerr << "---- enforcerd log (" << daemon_->log_path() << ") ----\n"
                << daemon_->ReadLog() << "---- end of enforcerd log ----\n";
    }
  }

  // Starts enforcerd on this test's data folder (again, after a stop or a kill).
  void StartDaemon() {
    DaemonOptions options;
    options.binary = testing::EnforcerdRunfilesPath();
    options.work_dir = work_dir_;
    options.data_dir = work_dir_ + "/data";
    options.extra_flags = extra_flags_;
    absl::StatusOr<std::unique_ptr<DaemonProcess>> started = DaemonProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    daemon_ = *std::move(started);
    channel_ = daemon_->NewChannel();
    stub_ = v1::Enforcer::NewStub(channel_);
  }

  // Closes the test's connection. A graceful stop waits for connected clients to acknowledge the
  // server's GOAWAY; a client with no call in flight only reads it when gRPC's backup poller runs
  // (every 5 s by default), which would add 5 s to every stop.
  void DisconnectClient() {
    stub_.reset();
    channel_.reset();
  }

  // SIGTERM, expecting a clean exit, then a fresh start on the same ledger.
  void StopAndRestart() {
    DisconnectClient();
    absl::StatusOr<int> stopped = daemon_->Stop();
    ASSERT_TRUE(stopped.ok()) << stopped.status();
    ASSERT_TRUE(WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0)
        << "enforcerd " << DescribeWaitStatus(*stopped) << " after SIGTERM";
    ASSERT_NO_FATAL_FAILURE(StartDaemon());
  }

  // SIGKILL (a crash), then a fresh start on the same ledger.
  void KillAndRestart() {
    daemon_->Kill();
    ASSERT_NO_FATAL_FAILURE(StartDaemon());
  }

  static void SetDeadline(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  }

  grpc::Status Report(const v1::ReportViolationRequest& request,
                      v1::ReportViolationResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return stub_->ReportViolation(&context, request, response);
  }

  // A report that must be accepted.
  v1::ReportViolationResponse ReportOk(const v1::ReportViolationRequest& request) {
    v1::ReportViolationResponse response;
    grpc::Status status = Report(request, &response);
    EXPECT_TRUE(status.ok()) << request.report_id() << ": " << StatusText(status);
    return response;
  }

  grpc::Status GetStanding(const v1::Subject& subject, v1::GetStandingResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetStandingRequest request;
    *request.mutable_subject() = subject;
    return stub_->GetStanding(&context, request, response);
  }

  v1::GetStandingResponse StandingOk(const v1::Subject& subject) {
    v1::GetStandingResponse response;
    grpc::Status status = GetStanding(subject, &response);
    EXPECT_TRUE(status.ok()) << StatusText(status);
    return response;
  }

  grpc::Status ListHistory(const v1::ListHistoryRequest& request,
                           v1::ListHistoryResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return stub_->ListHistory(&context, request, response);
  }

  // All of a subject's entries, newest first, page by page. Every page but the last is full.
  std::vector<v1::LedgerEntry> HistoryOk(const v1::Subject& subject, int page_size = 1000) {
    std::vector<v1::LedgerEntry> entries;
    v1::ListHistoryRequest request;
    *request.mutable_subject() = subject;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 10000; ++pages) {
      v1::ListHistoryResponse page;
      grpc::Status status = ListHistory(request, &page);
      EXPECT_TRUE(status.ok()) << StatusText(status);
      if (!status.ok()) break;
      entries.insert(entries.end(), page.entries().begin(), page.entries().end());
      if (page.next_page_token().empty()) break;
      EXPECT_EQ(page.entries_size(), page_size) << "a page before the last is not full";
      request.set_page_token(page.next_page_token());
    }
    return entries;
  }

  std::string work_dir_;
  // Flags for the next StartDaemon().
  std::vector<std::string> extra_flags_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Enforcer::Stub> stub_;
};

// ---------------------------------------------------------------------------------------------
// 1. A seller climbs the whole 48-point ladder.

TEST_F(EnforcerdTest, SellerEscalatesThroughEveryMilestoneToDeactivation) {
  const v1::Subject seller = Seller("seller-1");
  // prohibited_product at LOW severity is 6 points; eight of them walk the ladder 6 .. 48.
  struct Step {
    v1::Standing standing_after;
    std::vector<ExpectedAction> milestone_actions;
  };
  const std::vector<Step> steps = {
      {v1::WARNED, {Warning("seller-caution-6", absl::Hours(24 * 90))}},
      {v1::RESTRICTED, {Restrict("seller-campaign-ban-12", "campaigns", absl::Hours(24 * 14))}},
      {v1::RESTRICTED, {}},
      {v1::RESTRICTED,
       {Restrict("seller-listing-block-24", "new_listings", absl::Hours(24 * 14))}},
      {v1::RESTRICTED, {}},
      {v1::SUSPENDED, {Suspend("seller-suspension-36", absl::Hours(24 * 28))}},
      {v1::SUSPENDED, {}},
      {v1::DEACTIVATED, {Deactivate("seller-deactivation-48")}},
  };

  std::vector<v1::ReportViolationResponse> responses;
  v1::Standing standing = v1::GOOD_STANDING;
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("report ", i + 1));
    v1::ReportViolationRequest request =
        SellerReport(absl::StrCat("escalation-", i + 1), "seller-1", "prohibited_product");
    request.set_severity(v1::SEVERITY_LOW);
    request.set_object_id(absl::StrCat("listing-", i + 1));
    request.set_region("PH");
    request.add_evidence()->set_key("screenshot.url");
    request.mutable_evidence(0)->set_value(absl::StrCat("https://example.com/shot/", i + 1));
    // Half of the reports say when the violation happened, a few minutes ago.
    const absl::Time sent_at = absl::Now();
    if (i % 2 == 1) *request.mutable_occurred_at() = ToProtoTime(sent_at - absl::Minutes(3));

    const v1::ReportViolationResponse response = ReportOk(request);
    const absl::Time answered_at = absl::Now();
    EXPECT_FALSE(response.duplicate());

    const v1::Violation& v = response.violation();
    EXPECT_GT(ViolationNumber(v.violation_id()), 0u) << v.violation_id();
    if (!responses.empty()) {
      EXPECT_GT(ViolationNumber(v.violation_id()),
                ViolationNumber(responses.back().violation().violation_id()));
    }
    EXPECT_EQ(v.policy_version(), DefaultPolicyVersion());
    // The report as recorded: as sent, with occurred_at filled in when it was left out.
    v1::ReportViolationRequest recorded = request;
    if (!request.has_occurred_at()) {
      ASSERT_TRUE(v.report().has_occurred_at());
      const absl::Time occurred_at = FromProtoTime(v.report().occurred_at());
      EXPECT_GE(occurred_at, absl::FromUnixMicros(absl::ToUnixMicros(sent_at)));
      EXPECT_LE(occurred_at, answered_at);
      *recorded.mutable_occurred_at() = v.report().occurred_at();
    }
    EXPECT_TRUE(ProtoEquals(v.report(), recorded));
    EXPECT_LE(FromProtoTime(v.recorded_at()), answered_at);

    ExpectedDecision expected;
    expected.subject = seller;
    expected.points_added = 6;
    expected.active_points_before = 6 * static_cast<int>(i);
    expected.active_points = 6 * static_cast<int>(i + 1);
    expected.standing_before = standing;
    expected.standing_after = steps[i].standing_after;
    expected.actions = {TakeDown("prohibited_product", request.object_id())};
    for (const ExpectedAction& a : steps[i].milestone_actions) expected.actions.push_back(a);
    ASSERT_EQ(response.decisions_size(), 1);
    ExpectDecision(response, response.decisions(0), expected);

    standing = steps[i].standing_after;
    responses.push_back(response);
  }
  ExpectUniqueActionIds(responses);

  // Standing: deactivated at 48 points, with every milestone action still active.
  const v1::GetStandingResponse standing_now = StandingOk(seller);
  EXPECT_TRUE(ProtoEquals(standing_now.subject(), seller));
  EXPECT_EQ(standing_now.standing(), v1::DEACTIVATED) << v1::Standing_Name(standing_now.standing());
  EXPECT_EQ(standing_now.active_points(), 48);
  EXPECT_EQ(standing_now.lifetime_violations(), 8);
  EXPECT_EQ(standing_now.policy_version(), DefaultPolicyVersion());
  EXPECT_TRUE(standing_now.has_as_of());
  std::map<std::string, v1::Action> milestone_actions;  // by rule id
  for (const auto& r : responses) {
    for (const v1::Action& a : r.decisions(0).actions()) {
      if (a.type() != v1::ACTION_TAKE_DOWN) milestone_actions[a.rule_id()] = a;
    }
  }
  ASSERT_EQ(standing_now.active_actions_size(), 5) << standing_now.ShortDebugString();
  std::set<std::string> active_rules;
  for (const v1::Action& a : standing_now.active_actions()) {
    active_rules.insert(a.rule_id());
    EXPECT_TRUE(ProtoEquals(a, milestone_actions[a.rule_id()])) << a.rule_id();
  }
  EXPECT_EQ(active_rules, (std::set<std::string>{"seller-caution-6", "seller-campaign-ban-12",
                                                 "seller-listing-block-24", "seller-suspension-36",
                                                 "seller-deactivation-48"}));
  ASSERT_EQ(standing_now.category_counts_size(), 1);
  const v1::CategoryCount& count = standing_now.category_counts(0);
  EXPECT_EQ(count.category(), "prohibited_product");
  EXPECT_EQ(count.count(), 8);
  EXPECT_EQ(count.active_points(), 48);
  EXPECT_EQ(count.window_days(), 90);

  // History: per report one violation, one decision and its actions, newest first.
  int expected_entries = 0;
  for (const auto& r : responses) expected_entries += 2 + r.decisions(0).actions_size();
  EXPECT_EQ(expected_entries, 8 * 3 + 5);
  const std::vector<v1::LedgerEntry> all = HistoryOk(seller, 1000);
  ASSERT_EQ(static_cast<int>(all.size()), expected_entries);
  ExpectHistoryMatches(all, ExpectedHistory(seller, responses));
  for (const v1::LedgerEntry& e : all) {
    if (e.has_violation()) {
      EXPECT_EQ(absl::StrCat("v", e.sequence()), e.violation().violation_id())
          << "violation_id is 'v' and the ledger sequence number";
    }
  }
  // The default page size (0 means 100) holds all 29 in one page.
  {
    v1::ListHistoryRequest request;
    *request.mutable_subject() = seller;
    v1::ListHistoryResponse page;
    ASSERT_TRUE(ListHistory(request, &page).ok());
    EXPECT_EQ(page.entries_size(), expected_entries);
    EXPECT_THAT(page.next_page_token(), IsEmpty());
  }

  // Pages of 3: the same sequence, nothing repeated or missing.
  const std::vector<v1::LedgerEntry> paged = HistoryOk(seller, 3);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_TRUE(ProtoEquals(paged[i], all[i])) << "entry " << i;
  }

  // Time bounds are [start_time, end_time) on recorded_at.
  {
    v1::ListHistoryRequest request;
    *request.mutable_subject() = seller;
    *request.mutable_start_time() = responses.back().violation().recorded_at();
    v1::ListHistoryResponse page;
    ASSERT_TRUE(ListHistory(request, &page).ok());
    ExpectHistoryMatches({page.entries().begin(), page.entries().end()},
                         ExpectedHistory(seller, {responses.back()}));

    request.clear_start_time();
    *request.mutable_end_time() = responses.front().violation().recorded_at();
    ASSERT_TRUE(ListHistory(request, &page).ok());
    EXPECT_EQ(page.entries_size(), 0) << "end_time is exclusive";
  }
}

// ---------------------------------------------------------------------------------------------
// 2. A creator's ladder ends in revocation; a report against seller and creator decides for both.

TEST_F(EnforcerdTest, CreatorEscalatesToRevocation) {
  const v1::Subject creator = Creator("creator-1");
  // reproduced_content is 12 points and counts against creators only.
  struct Step {
    v1::Standing standing_after;
    std::vector<ExpectedAction> milestone_actions;
  };
  const std::vector<Step> steps = {
      // 0 -> 12 crosses both the 6- and the 12-point milestones.
      {v1::RESTRICTED,
       {Warning("creator-warning-6", absl::Hours(24 * 90)),
        Restrict("creator-no-live-selling-12", "live_selling", absl::Hours(24 * 7))}},
      {v1::RESTRICTED,
       {Restrict("creator-no-product-links-24", "product_links", absl::Hours(24 * 14))}},
      {v1::REVOKED, {Revoke("creator-revocation-36")}},
  };
  std::vector<v1::ReportViolationResponse> responses;
  v1::Standing standing = v1::GOOD_STANDING;
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("report ", i + 1));
    v1::ReportViolationRequest request = MakeReport(absl::StrCat("copy-", i + 1),
                                                    "reproduced_content");
    request.set_creator_id("creator-1");
    request.set_source(v1::SOURCE_SHORT_VIDEO);
    request.set_object_id(absl::StrCat("video-", i + 1));
    const v1::ReportViolationResponse response = ReportOk(request);
    EXPECT_FALSE(response.duplicate());
    EXPECT_EQ(response.violation().policy_version(), DefaultPolicyVersion());

    ExpectedDecision expected;
    expected.subject = creator;
    expected.points_added = 12;
    expected.active_points_before = 12 * static_cast<int>(i);
    expected.active_points = 12 * static_cast<int>(i + 1);
    expected.standing_before = standing;
    expected.standing_after = steps[i].standing_after;
    expected.actions = {TakeDown("reproduced_content", request.object_id())};
    for (const ExpectedAction& a : steps[i].milestone_actions) expected.actions.push_back(a);
    ASSERT_EQ(response.decisions_size(), 1);
    ExpectDecision(response, response.decisions(0), expected);
    standing = steps[i].standing_after;
    responses.push_back(response);
  }
  ExpectUniqueActionIds(responses);

  const v1::GetStandingResponse now = StandingOk(creator);
  EXPECT_EQ(now.standing(), v1::REVOKED) << v1::Standing_Name(now.standing());
  EXPECT_EQ(now.active_points(), 36);
  EXPECT_EQ(now.lifetime_violations(), 3);
  EXPECT_THAT(now.active_actions(),
              Contains(::testing::Property(&v1::Action::type, v1::ACTION_REVOKE_SELLING_PERMISSION)));
  ExpectHistoryMatches(HistoryOk(creator), ExpectedHistory(creator, responses));
}

TEST_F(EnforcerdTest, ReportAgainstSellerAndCreatorDecidesForBothWithOneTakeDown) {
  const v1::Subject seller = Seller("seller-2");
  const v1::Subject creator = Creator("creator-2");
  // counterfeit_confirmed: 24 points on both ledgers.
  v1::ReportViolationRequest request = MakeReport("counterfeit-1", "counterfeit_confirmed");
  request.set_seller_id("seller-2");
  request.set_creator_id("creator-2");
  request.set_source(v1::SOURCE_RIGHTS_HOLDER_COMPLAINT);
  request.set_rights_holder_id("brand-1");
  request.set_object_id("listing-fake-bag");
  const v1::ReportViolationResponse response = ReportOk(request);
  EXPECT_FALSE(response.duplicate());
  ASSERT_EQ(response.decisions_size(), 2);

  ExpectedDecision for_seller;
  for_seller.subject = seller;
  for_seller.points_added = 24;
  for_seller.active_points = 24;
  for_seller.standing_after = v1::RESTRICTED;
  for_seller.actions = {
      TakeDown("counterfeit_confirmed", "listing-fake-bag"),
      Warning("seller-caution-6", absl::Hours(24 * 90)),
      Restrict("seller-campaign-ban-12", "campaigns", absl::Hours(24 * 14)),
      Restrict("seller-listing-block-24", "new_listings", absl::Hours(24 * 14)),
  };
  ExpectDecision(response, response.decisions(0), for_seller);

  ExpectedDecision for_creator;
  for_creator.subject = creator;
  for_creator.points_added = 24;
  for_creator.active_points = 24;
  for_creator.standing_after = v1::RESTRICTED;
  for_creator.actions = {
      Warning("creator-warning-6", absl::Hours(24 * 90)),
      Restrict("creator-no-live-selling-12", "live_selling", absl::Hours(24 * 7)),
      Restrict("creator-no-product-links-24", "product_links", absl::Hours(24 * 14)),
  };
  ExpectDecision(response, response.decisions(1), for_creator);
  ExpectUniqueActionIds({response});

  int take_downs = 0;
  for (const v1::Decision& d : response.decisions()) {
    for (const v1::Action& a : d.actions()) take_downs += a.type() == v1::ACTION_TAKE_DOWN;
  }
  EXPECT_EQ(take_downs, 1);

  // Each ledger holds the violation and its own decision.
  ExpectHistoryMatches(HistoryOk(seller), ExpectedHistory(seller, {response}));
  ExpectHistoryMatches(HistoryOk(creator), ExpectedHistory(creator, {response}));
  for (const v1::Subject& subject : {seller, creator}) {
    const v1::GetStandingResponse standing = StandingOk(subject);
    EXPECT_EQ(standing.standing(), v1::RESTRICTED) << subject.ShortDebugString();
    EXPECT_EQ(standing.active_points(), 24) << subject.ShortDebugString();
    EXPECT_EQ(standing.lifetime_violations(), 1) << subject.ShortDebugString();
    ASSERT_EQ(standing.category_counts_size(), 1);
    EXPECT_EQ(standing.category_counts(0).category(), "counterfeit_confirmed");
    EXPECT_EQ(standing.category_counts(0).count(), 1);
    EXPECT_EQ(standing.category_counts(0).window_days(), 180);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Restarts lose nothing.

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

TEST_F(EnforcerdTest, GracefulRestartKeepsStandingAndHistory) {
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
}

TEST_F(EnforcerdTest, CrashLosesNoAcknowledgedReport) {
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

// ---------------------------------------------------------------------------------------------
// 4. Idempotency.

TEST_F(EnforcerdTest, ResentReportIsDuplicateAndCountsOnce) {
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

TEST_F(EnforcerdTest, ConcurrentSendsOfOneReportRecordItOnce) {
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

// ---------------------------------------------------------------------------------------------
// 5. Bad input is refused with the field and the rule, and writes nothing.

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

TEST_F(EnforcerdTest, BadReportsAreRefusedWithExactMessagesAndWriteNothing) {
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

TEST_F(EnforcerdTest, BadStandingAndHistoryQueriesAreRefused) {
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
  EXPECT_THAT(HistoryOk(Seller("seller-never-reported")), IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// 6. Health checking and reflection, through gRPC's generic (untyped) API.

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// One unary call of `method` with a hand-encoded request; returns the status, fills `response`.
grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method, const std::string& request,
                              std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  const grpc::ByteBuffer request_buffer = ToByteBuffer(request);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  *response = Flatten(response_buffer);
  return status;
}

// One request and one response on a bidi-streaming `method`.
grpc::Status GenericStreamRoundTrip(const std::shared_ptr<grpc::Channel>& channel,
                                    const std::string& method, const std::string& request,
                                    std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  grpc::CompletionQueue cq;
  auto next = [&cq](intptr_t expected_tag) {
    void* tag = nullptr;
    bool ok = false;
    const auto deadline = std::chrono::system_clock::now() + kRpcDeadline;
    return cq.AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT &&
           reinterpret_cast<intptr_t>(tag) == expected_tag && ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  grpc::Status status(grpc::StatusCode::UNKNOWN, "stream broke before Finish");
  call->StartCall(reinterpret_cast<void*>(1));
  if (next(1)) {
    call->Write(ToByteBuffer(request), reinterpret_cast<void*>(2));
    if (next(2)) {
      grpc::ByteBuffer buffer;
      call->Read(&buffer, reinterpret_cast<void*>(3));
      if (next(3)) *response = Flatten(buffer);
      call->WritesDone(reinterpret_cast<void*>(4));
      next(4);
    }
  }
  call->Finish(&status, reinterpret_cast<void*>(5));
  next(5);
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

// The length-delimited values of field `number` in the serialized message `bytes`.
std::vector<std::string> LengthDelimitedFields(const std::string& bytes, int number) {
  google::protobuf::UnknownFieldSet fields;
  std::vector<std::string> values;
  if (!fields.ParseFromString(bytes)) return values;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == number && f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      values.push_back(f.length_delimited());
    }
  }
  return values;
}

TEST_F(EnforcerdTest, HealthCheckAnswersServing) {
  // grpc.health.v1.HealthCheckRequest{service: ""} encodes as no bytes at all.
  std::string response;
  const grpc::Status status =
      GenericUnaryCall(channel_, "/grpc.health.v1.Health/Check", "", &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // HealthCheckResponse{status: SERVING (1)}: field 1, varint 1.
  EXPECT_EQ(response, std::string("\x08\x01", 2));
  EXPECT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
}

TEST_F(EnforcerdTest, ReflectionListsAndDescribesTheEnforcerService) {
  const std::string method = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  std::string response;
  grpc::Status status = GenericStreamRoundTrip(channel_, method, std::string("\x3a\x00", 2),
                                               &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // ServerReflectionResponse.list_services_response (6) -> repeated ServiceResponse (1) -> name (1).
  std::vector<std::string> services;
  for (const std::string& list : LengthDelimitedFields(response, 6)) {
    for (const std::string& service : LengthDelimitedFields(list, 1)) {
      for (const std::string& name : LengthDelimitedFields(service, 1)) services.push_back(name);
    }
  }
  EXPECT_THAT(services, Contains("enforcer.v1.Enforcer")) << absl::StrJoin(services, ", ");

  // ServerReflectionRequest{file_containing_symbol (4): "enforcer.v1.Enforcer"}.
  const std::string symbol = "enforcer.v1.Enforcer";
  std::string request = std::string(1, '\x22') + static_cast<char>(symbol.size()) + symbol;
  status = GenericStreamRoundTrip(channel_, method, request, &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // file_descriptor_response (4) -> repeated bytes file_descriptor_proto (1).
  bool found = false;
  for (const std::string& files : LengthDelimitedFields(response, 4)) {
    for (const std::string& file : LengthDelimitedFields(files, 1)) {
      google::protobuf::FileDescriptorProto descriptor;
      ASSERT_TRUE(descriptor.ParseFromString(file));
      if (descriptor.package() != "enforcer.v1") continue;
      for (const auto& service : descriptor.service()) {
        if (service.name() != "Enforcer") continue;
        found = true;
        std::set<std::string> methods;
        for (const auto& m : service.method()) methods.insert(m.name());
        EXPECT_EQ(methods,
                  (std::set<std::string>{"ReportViolation", "GetStanding", "ListHistory"}));
      }
    }
  }
  EXPECT_TRUE(found) << "no descriptor of enforcer.v1.Enforcer in the reflection response";
}

}  // namespace
}  // namespace enforcer

// ---------------------------------------------------------------------------------------------
// 7. Policy files: SIGHUP reloads, invalid policies never become active, --check_policy.

namespace enforcer {
namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

constexpr char kSpamPolicy[] = "policy: reload-test\ncategories:\n  spam: {points: %d}\n";

std::string SpamPolicy(int points) {
  char text[128];
  std::snprintf(text, sizeof(text), kSpamPolicy, points);
  return text;
}

TEST_F(EnforcerdTest, SighupReloadsThePolicyFileAndKeepsTheOldOneWhenTheNewIsInvalid) {
  const std::string policy_path = work_dir_ + "/policy.yaml";
  WriteFile(policy_path, SpamPolicy(1));
  extra_flags_ = {"--policy=" + policy_path};
  ASSERT_NO_FATAL_FAILURE(StopAndRestart());
  const v1::Subject seller = MakeSubject(v1::SELLER, "seller-1");

  v1::ReportViolationResponse first = ReportOk(SellerReport("r1", "seller-1", "spam"));
  ASSERT_EQ(first.decisions_size(), 1);
  EXPECT_EQ(first.decisions(0).points_added(), 1);
  const std::string v1_version = first.violation().policy_version();

  // A valid new policy: in force once GetStanding reports its version (bounded wait).
  WriteFile(policy_path, SpamPolicy(5));
  daemon_->Signal(SIGHUP);
  std::string version = v1_version;
  for (int i = 0; i < 200 && version == v1_version; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    version = StandingOk(seller).policy_version();
  }
  ASSERT_NE(version, v1_version) << "SIGHUP did not reload the policy";
  v1::ReportViolationResponse second = ReportOk(SellerReport("r2", "seller-1", "spam"));
  EXPECT_EQ(second.decisions(0).points_added(), 5);
  EXPECT_EQ(second.decisions(0).policy_version(), version);

  // An invalid policy is rejected with positioned diagnostics; the previous one stays.
  WriteFile(policy_path, "policy: reload-test\ncategories:\n  spam: {pionts: 1}\n");
  daemon_->Signal(SIGHUP);
  std::string log;
  for (int i = 0; i < 200 && !absl::StrContains(log, "policy reload rejected"); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    log = daemon_->ReadLog();
  }
  EXPECT_THAT(log, HasSubstr("policy reload rejected; the previous policy stays in force"));
  EXPECT_THAT(log, HasSubstr(policy_path + ":3:10: error: unknown key 'pionts' in category 'spam'"));
  EXPECT_EQ(StandingOk(seller).policy_version(), version);
  EXPECT_EQ(ReportOk(SellerReport("r3", "seller-1", "spam")).decisions(0).points_added(), 5);
}

TEST_F(EnforcerdTest, CheckPolicyExitsNonZeroWithPositionedDiagnostics) {
  const std::string good = work_dir_ + "/good.yaml";
  const std::string bad = work_dir_ + "/bad.yaml";
  const std::string out = work_dir_ + "/check.out";
  WriteFile(good, SpamPolicy(3));
  WriteFile(bad, "policy: bad\ncategories:\n  spam: {points: -3}\n");
  const std::string binary = testing::EnforcerdRunfilesPath();
  int status = std::system((binary + " --check_policy=" + good + " > " + out + " 2>&1").c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::ifstream good_out(out);
  std::string line;
  std::getline(good_out, line);
  EXPECT_THAT(line, StartsWith(good + ": valid policy reload-test, version sha256:"));
  status = std::system((binary + " --check_policy=" + bad + " > " + out + " 2>&1").c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  std::ifstream bad_out(out);
  std::getline(bad_out, line);
  EXPECT_EQ(line, bad + ":3:18: error: category 'spam'.points must be a whole number from 0 to "
                        "1000, found '-3'");
}

}  // namespace
}  // namespace enforcer
