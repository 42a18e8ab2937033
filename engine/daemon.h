// Daemon: wires the store, the writer, the Enforcer and the gRPC server together, and owns their
// lifetimes. main() only turns flags into a DaemonConfig.
#ifndef ENFORCERD_ENGINE_DAEMON_H_
#define ENFORCERD_ENGINE_DAEMON_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/action_feed.h"
#include "engine/action_feed_service.h"
#include "engine/action_scheduler.h"
#include "engine/authenticator.h"
#include "engine/case_pipeline.h"
#include "engine/cases_service.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/feed_hub.h"
#include "engine/grpc_service.h"
#include "engine/ledger_writer.h"
#include "engine/policy_admin_service.h"
#include "engine/policy_registry.h"
#include "engine/shadow_administration.h"
#include "engine/shadow_evaluator.h"
#include "engine/subject_sweeper.h"
#include "storage/ledger_store.h"

namespace enforcer {

// What one client, or all of them together, can take from the server. Calls beyond a limit are
// refused (RESOURCE_EXHAUSTED) rather than served at the cost of the others.
struct ServerLimits {
  // A request, or a reply, larger than this is refused. Reports are small (evidence at most 16
  // KiB); a policy text is at most 1 MiB.
  int max_receive_bytes = 4 << 20;
  int max_send_bytes = 4 << 20;
  // Concurrent calls on one connection.
  int max_streams_per_connection = 256;
  // A connection with no call for this long is closed.
  absl::Duration max_idle = absl::Minutes(10);
  // gRPC's memory quota for all connections and calls, and its threads (each open
  // WatchActions stream holds one).
  size_t memory_bytes = size_t{512} << 20;
  int max_threads = 512;
};

struct DaemonConfig {
  // host:port; port 0 picks a free one (see Daemon::port()).
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "enforcerd-data";
  // Empty: the embedded default pack.
  std::string policy_path;
  // On a ledger that already has an active policy, the daemon comes back on that version and
  // policy_path (or the embedded default) is only what SIGHUP reloads; with override_policy it
  // activates policy_path's policy at start instead.
  bool override_policy = false;
  Durability durability = Durability::kFsync;
  // Open a ledger whose write-ahead log is damaged by replaying it up to the damage (dropping
  // what follows): the operator's explicit choice after a DATA_LOSS refusal.
  bool recover_damaged_wal = false;
  LedgerWriter::Options writer;
  ServerLimits limits;
  // When timed actions are recorded as ended (tick) and how long the action feed keeps events.
  ActionScheduler::Options scheduler;
  // Who may call (docs/security.md): principals with roles and credentials, and TLS. Empty: no
  // authentication, and the daemon serves on loopback only (every local caller may do anything).
  std::string auth_config_path;
  // Serve plaintext gRPC on a non-loopback address (without authentication, or with tokens sent
  // in clear). Without it such a listener is refused; TLS needs no such flag.
  bool insecure = false;
  // Testing only: read the time from this file (see FileClock). Empty: the real clock.
  std::string testing_clock_file;
};

// Where a policy came from, as activation records name it.
std::string PolicySource(const DaemonConfig& config);

class Daemon {
 public:
  // Opens the ledger, compiles the policy and starts serving. Any failure is returned with what
  // went wrong; nothing is left running.
  static absl::StatusOr<std::unique_ptr<Daemon>> Start(const DaemonConfig& config);
  ~Daemon();

  int port() const { return port_; }
  // A one-line description of what is being served, for the log.
  std::string Describe() const;

  // Recompiles the policy from config.policy_path and swaps it in. An invalid policy is
  // rejected (with its diagnostics) and the running one stays in force.
  absl::Status ReloadPolicy();

  // Stops accepting calls, lets in-flight reports commit and answers them, closes the ledger.
  void Shutdown();

 private:
  explicit Daemon(const DaemonConfig& config) : config_(config) {}
  // The steps of Start(): the clock, policy and ledger (rebuilt if migrated); the writer and
  // every pipeline (the policy activation recorded); the gRPC server.
  absl::Status LoadAuth();
  absl::Status OpenLedger();
  absl::Status StartPipelines();
  absl::Status StartServer();

  const DaemonConfig config_;
  config::AuthConfig auth_config_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<PolicyRegistry> policies_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<FeedHub> feed_hub_;
  std::unique_ptr<ShadowEvaluator> shadow_;
  std::unique_ptr<Enforcer> enforcer_;
  std::unique_ptr<ShadowAdministration> shadow_admin_;
  std::unique_ptr<EnforcerService> service_;
  std::unique_ptr<SubjectSweeper> sweeper_;
  std::unique_ptr<PolicyAdministration> administration_;
  std::unique_ptr<PolicySimulator> simulator_;
  std::unique_ptr<PolicyAdminService> admin_service_;
  std::unique_ptr<CasePipeline> cases_;
  std::unique_ptr<AppealPipeline> appeals_;
  std::unique_ptr<StaffPipeline> staff_;
  std::unique_ptr<CaseViewer> viewer_;
  std::unique_ptr<ComplainantRecords> complainants_;
  std::unique_ptr<AuditReader> audit_;
  std::unique_ptr<CasesService> cases_service_;
  std::unique_ptr<ActionFeed> action_feed_;
  std::unique_ptr<ActionFeedService> feed_service_;
  std::unique_ptr<ActionScheduler> scheduler_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool stopped_ = false;
};

// Opens the ledger in config.data_dir (the daemon must not be running), activates the policy of
// config.policy_path, folds every subject's ledger, re-evaluates under that policy every subject
// decided under another one or whose stored state disagreed (recording each re-evaluation in its
// ledger) and prints a summary to `out`.
absl::Status RebuildLedgerState(const DaemonConfig& config, std::ostream& out);

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and the threads it starts later), so
// they can be taken with WaitForSignals(). Call before Daemon::Start().
void BlockShutdownSignals();

// Whether `listen` (host:port) names only this machine: 127.x.x.x, [::1] or localhost.
bool IsLoopbackListen(const std::string& listen);

// Runs until SIGINT or SIGTERM; SIGHUP reloads the policy. Then shuts the daemon down; a second
// SIGINT or SIGTERM during the shutdown exits at once (nothing acknowledged is lost: every answer
// was sent only once durable).
void ServeUntilSignalled(Daemon& daemon);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_DAEMON_H_
