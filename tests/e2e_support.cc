#include "tests/e2e_support.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "proto/timestamp.h"

namespace enforcer::e2e {

using ::enforcer::testing::DaemonOptions;
using ::enforcer::testing::DaemonProcess;
using ::enforcer::testing::DescribeWaitStatus;

absl::Time TestingClockStart() {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 10, 0, 0), absl::UTCTimeZone());
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    ASSERT_TRUE(out.good()) << "cannot write " << tmp;
  }
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0) << "cannot rename " << tmp;
}

void EnforcerdTest::SetUp() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  absl::StatusOr<std::string> dir =
      testing::MakeUniqueTempDir(absl::StrCat(info->test_suite_name(), ".", info->name()));
  ASSERT_TRUE(dir.ok()) << dir.status();
  work_dir_ = *dir;
  if (clock_now_.has_value()) {
    ASSERT_NO_FATAL_FAILURE(SetClock(*clock_now_));
  }
  if (initial_policy_.has_value()) {
    ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(policy_path(), *initial_policy_));
  }
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
}

void EnforcerdTest::TearDown() {
  if (daemon_ != nullptr && daemon_->running()) StopDaemon();
  if (HasFailure() && daemon_ != nullptr) {
    std::cerr << "---- enforcerd log (" << daemon_->log_path() << ") ----\n"
              << daemon_->ReadLog() << "---- end of enforcerd log ----\n";
  }
}

std::vector<std::string> EnforcerdTest::ConfigFlags() const {
  std::vector<std::string> flags = {"--data_dir=" + work_dir_ + "/data"};
  if (initial_policy_.has_value()) flags.push_back("--policy=" + policy_path());
  if (clock_now_.has_value()) flags.push_back("--testing_clock_file=" + clock_path());
  return flags;
}

void EnforcerdTest::StartDaemon() {
  DaemonOptions options;
  options.binary = testing::EnforcerdRunfilesPath();
  options.work_dir = work_dir_;
  options.data_dir = work_dir_ + "/data";
  options.extra_flags = ConfigFlags();
  options.extra_flags.erase(options.extra_flags.begin());  // --data_dir: Start() passes it
  options.extra_flags.insert(options.extra_flags.end(), extra_flags_.begin(), extra_flags_.end());
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started = DaemonProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  daemon_ = *std::move(started);
  channel_ = daemon_->NewChannel();
  stub_ = v1::Enforcer::NewStub(channel_);
  cases_ = v1::Cases::NewStub(channel_);
}

void EnforcerdTest::StopDaemon() {
  DisconnectClient();
  absl::StatusOr<int> stopped = daemon_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  ASSERT_TRUE(WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0)
      << "enforcerd " << DescribeWaitStatus(*stopped) << " after SIGTERM";
}

void EnforcerdTest::StopAndRestart() {
  ASSERT_NO_FATAL_FAILURE(StopDaemon());
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
}

void EnforcerdTest::KillAndRestart() {
  daemon_->Kill();
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
}

void EnforcerdTest::DisconnectClient() {
  stub_.reset();
  cases_.reset();
  channel_.reset();
}

testing::CommandResult EnforcerdTest::RunEnforcerd(const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {testing::EnforcerdRunfilesPath()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  absl::StatusOr<testing::CommandResult> result =
      testing::RunToCompletion(argv, work_dir_ + "/command.out");
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : testing::CommandResult{};
}

bool EnforcerdTest::WaitForLog(const std::string& text, int occurrences) {
  for (int i = 0; i < 400; ++i) {
    const std::string log = daemon_->ReadLog();
    int found = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
      ++found;
    }
    if (found >= occurrences) return true;
    absl::SleepFor(absl::Milliseconds(25));
  }
  return false;
}

void EnforcerdTest::SetClock(absl::Time now) {
  clock_now_ = now;
  ASSERT_NO_FATAL_FAILURE(
      WriteFileAtomically(clock_path(), absl::StrCat(absl::ToUnixMicros(now), "\n")));
}

void EnforcerdTest::ReloadPolicy(const std::string& text) {
  ASSERT_NO_FATAL_FAILURE(WriteFileAtomically(policy_path(), text));
  daemon_->Signal(SIGHUP);
  ASSERT_NO_FATAL_FAILURE(WaitForPolicyVersion(PolicyVersionOf(text)));
}

void EnforcerdTest::WaitForPolicyVersion(const std::string& version) {
  // A subject never reported: GetStanding writes nothing and names the policy in force.
  std::string in_force;
  for (int i = 0; i < 400 && in_force != version; ++i) {
    if (i > 0) absl::SleepFor(absl::Milliseconds(25));
    in_force = StandingOk(Seller("policy-probe")).policy_version();
  }
  ASSERT_EQ(in_force, version) << "the policy was not reloaded";
}

void EnforcerdTest::SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
}

grpc::Status EnforcerdTest::Report(const v1::ReportViolationRequest& request,
                                   v1::ReportViolationResponse* response) {
  grpc::ClientContext context;
  SetDeadline(&context);
  return stub_->ReportViolation(&context, request, response);
}

v1::ReportViolationResponse EnforcerdTest::ReportOk(const v1::ReportViolationRequest& request) {
  v1::ReportViolationResponse response;
  grpc::Status status = Report(request, &response);
  EXPECT_TRUE(status.ok()) << request.report_id() << ": " << StatusText(status);
  return response;
}

grpc::Status EnforcerdTest::GetStanding(const v1::Subject& subject,
                                        v1::GetStandingResponse* response) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::GetStandingRequest request;
  *request.mutable_subject() = subject;
  return stub_->GetStanding(&context, request, response);
}

v1::GetStandingResponse EnforcerdTest::StandingOk(const v1::Subject& subject) {
  v1::GetStandingResponse response;
  grpc::Status status = GetStanding(subject, &response);
  EXPECT_TRUE(status.ok()) << StatusText(status);
  return response;
}

grpc::Status EnforcerdTest::ListHistory(const v1::ListHistoryRequest& request,
                                        v1::ListHistoryResponse* response) {
  grpc::ClientContext context;
  SetDeadline(&context);
  return stub_->ListHistory(&context, request, response);
}

std::vector<v1::LedgerEntry> EnforcerdTest::HistoryOk(const v1::Subject& subject, int page_size) {
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

std::vector<v1::LedgerEntry> EnforcerdTest::HistoryBetween(const v1::Subject& subject,
                                                           std::optional<absl::Time> start,
                                                           std::optional<absl::Time> end) {
  v1::ListHistoryRequest request;
  *request.mutable_subject() = subject;
  request.set_page_size(1000);
  if (start.has_value()) *request.mutable_start_time() = ToProtoTime(*start);
  if (end.has_value()) *request.mutable_end_time() = ToProtoTime(*end);
  v1::ListHistoryResponse page;
  grpc::Status status = ListHistory(request, &page);
  EXPECT_TRUE(status.ok()) << StatusText(status);
  EXPECT_TRUE(page.next_page_token().empty());
  return {page.entries().begin(), page.entries().end()};
}

}  // namespace enforcer::e2e
