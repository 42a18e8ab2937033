// The end-to-end test fixture: each test starts the real enforcerd binary on 127.0.0.1 (port 0)
// with a data folder of its own under $TEST_TMPDIR, talks to it over gRPC exactly as a client
// would, and stops it (SIGTERM) or crashes it (SIGKILL).
//
// Time: by default the daemon runs on the real clock. A test suite that calls UseTestingClock()
// in its constructor runs it with --testing_clock_file instead, and moves the daemon's "now" with
// SetClock() / AdvanceClock(); that file is the only thing the tests fake.
//
// Policy: by default the embedded default pack. UsePolicyFile() starts the daemon with
// --policy=<work dir>/policy.yaml; ReloadPolicy() rewrites that file and sends SIGHUP.
#ifndef ENFORCERD_TESTS_E2E_SUPPORT_H_
#define ENFORCERD_TESTS_E2E_SUPPORT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proto/cases.grpc.pb.h"
#include "proto/enforcer.grpc.pb.h"
#include "proto/enforcer.pb.h"
#include "tests/daemon_process.h"
#include "tests/e2e_expectations.h"

namespace enforcer::e2e {

inline constexpr auto kRpcDeadline = std::chrono::seconds(10);
inline constexpr absl::Duration kDay = absl::Hours(24);

// Where tests on the testing clock start: 2026-06-01 10:00:00 UTC, a fixed instant so that
// expiries (which end at 00:00 UTC of a day) are known exactly.
absl::Time TestingClockStart();

// Writes `text` to a temporary file beside `path` and renames it over `path`, so a reader (the
// daemon's clock, a SIGHUP reload) sees the old content or the new, never a mix.
void WriteFileAtomically(const std::string& path, const std::string& text);

class EnforcerdTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // ---- Set in a test suite's constructor: how the daemon starts the first time.
  void UseTestingClock(absl::Time start) { clock_now_ = start; }
  void UsePolicyFile(std::string text) { initial_policy_ = std::move(text); }

  // ---- The daemon.
  // Starts enforcerd on this test's data folder (again, after a stop or a kill).
  void StartDaemon();
  // SIGTERM, expecting a clean exit.
  void StopDaemon();
  void StopAndRestart();
  // SIGKILL (a crash), then a fresh start on the same ledger.
  void KillAndRestart();
  // Closes the test's connection. A graceful stop waits for connected clients to acknowledge the
  // server's GOAWAY; a client with no call in flight only reads it when gRPC's backup poller runs
  // (every 5 s by default), which would add 5 s to every stop.
  void DisconnectClient();
  // --data_dir, --policy and --testing_clock_file as the daemon gets them: for a one-shot run
  // (--rebuild_state) on the same ledger.
  std::vector<std::string> ConfigFlags() const;
  // Runs enforcerd with `flags` to completion (--check_policy, --rebuild_state).
  testing::CommandResult RunEnforcerd(const std::vector<std::string>& flags);
  // Waits (bounded) until the daemon's log holds `text` at least `occurrences` times.
  bool WaitForLog(const std::string& text, int occurrences = 1);

  // ---- The testing clock (only after UseTestingClock()).
  void SetClock(absl::Time now);
  void AdvanceClock(absl::Duration d) { SetClock(*clock_now_ + d); }
  absl::Time Now() const { return *clock_now_; }

  // ---- The policy file (only after UsePolicyFile()).
  std::string policy_path() const { return work_dir_ + "/policy.yaml"; }
  // Rewrites the policy file, sends SIGHUP and waits until the policy in force is `text`'s version.
  void ReloadPolicy(const std::string& text);
  // Polls GetStanding until the daemon reports `version` as the policy in force.
  void WaitForPolicyVersion(const std::string& version);

  // ---- The API.
  static void SetDeadline(grpc::ClientContext* context);
  grpc::Status Report(const v1::ReportViolationRequest& request,
                      v1::ReportViolationResponse* response);
  // A report that must be accepted.
  v1::ReportViolationResponse ReportOk(const v1::ReportViolationRequest& request);
  grpc::Status GetStanding(const v1::Subject& subject, v1::GetStandingResponse* response);
  v1::GetStandingResponse StandingOk(const v1::Subject& subject);
  grpc::Status ListHistory(const v1::ListHistoryRequest& request,
                           v1::ListHistoryResponse* response);
  // All of a subject's entries, newest first, page by page. Every page but the last is full.
  std::vector<v1::LedgerEntry> HistoryOk(const v1::Subject& subject, int page_size = 1000);
  // One page of at most 1000 entries with recorded_at in [start, end) (unset when nullopt).
  std::vector<v1::LedgerEntry> HistoryBetween(const v1::Subject& subject,
                                              std::optional<absl::Time> start,
                                              std::optional<absl::Time> end);

  std::string work_dir_;
  // Flags for the next StartDaemon(), beside those ConfigFlags() gives.
  std::vector<std::string> extra_flags_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Enforcer::Stub> stub_;
  std::unique_ptr<v1::Cases::Stub> cases_;

 private:
  std::string clock_path() const { return work_dir_ + "/clock"; }

  std::optional<absl::Time> clock_now_;
  std::optional<std::string> initial_policy_;
};

}  // namespace enforcer::e2e

#endif  // ENFORCERD_TESTS_E2E_SUPPORT_H_
