#include "engine/daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/audit.h"
#include "engine/auth_config.h"
#include "engine/policy_loader.h"
#include "engine/state_rebuilder.h"
#include "proto/timestamp.h"
#include "storage/rocksdb_ledger_store.h"

namespace enforcer {

std::string PolicySource(const DaemonConfig& config) {
  return config.policy_path.empty() ? std::string("embedded default pack") : config.policy_path;
}

namespace {

std::unique_ptr<Clock> MakeClock(const DaemonConfig& config) {
  if (config.testing_clock_file.empty()) return std::make_unique<RealClock>();
  return std::make_unique<FileClock>(config.testing_clock_file);
}

absl::StatusOr<std::unique_ptr<LedgerStore>> OpenStore(const DaemonConfig& config,
                                                       bool create_if_missing = true) {
  MigrationReport migration;
  RocksDbLedgerStoreOptions options;
  options.durability = config.durability;
  options.migration_report = &migration;
  options.create_if_missing = create_if_missing;
  options.recover_damaged_wal = config.recover_damaged_wal;
  absl::StatusOr<std::unique_ptr<LedgerStore>> store =
      OpenRocksDbLedgerStore(config.data_dir, options);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("cannot open the ledger in ", config.data_dir, ": ",
                                     store.status().message()));
  }
  if (config.recover_damaged_wal) {
    std::cerr << "ledger " << config.data_dir << " opened with --recover_damaged_wal: its "
              << "write-ahead log was replayed up to any damage; the ledger now ends at sequence "
              << (*store)->LastSequence()
              << " (recorded in the ledger database). Reports acknowledged after that are lost: "
                 "clients may resend them.\n";
  }
  if (migration.from_schema != 0) {
    std::cerr << "ledger " << config.data_dir << " migrated from schema " << migration.from_schema
              << " to " << kSchemaVersion << ": " << migration.subjects << " subjects, "
              << migration.entries << " entries, " << migration.reports
              << " idempotency records; rebuilding derived state from the ledgers\n";
  }
  return store;
}

// Records the activation of the registry's active policy, writing directly (nothing else writes).
absl::Status RecordActivation(LedgerStore& store, PolicyRegistry& policies,
                              const std::string& source, absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<LedgerWrite> write,
                   policies.ActivationWrite(*policies.active(), source, now));
  if (!write.has_value()) return absl::OkStatus();
  // Audited like every activation (the writer audits those it commits).
  AddAuditEntries(&*write, [&store] { return store.LastSequence(); });
  return store.Commit({*write});
}

// A restart comes back on the version the ledger has in force (activated by LoadPolicy, a
// rollback or a reload), not on whatever the flags name, unless the operator overrides it.
absl::Status KeepLedgerPolicy(const DaemonConfig& config, const Policy& flagged,
                              PolicyRegistry& policies) {
  ASSIGN_OR_RETURN(std::optional<v1::PolicyActivation> last, policies.LastActivation());
  if (!last.has_value() || last->version() == flagged.version() || config.override_policy) {
    return absl::OkStatus();
  }
  std::shared_ptr<const Policy> recorded = policies.Find(last->version());
  if (recorded == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ledger's active policy ", last->version().substr(0, 19),
                     " cannot be compiled any more; start with --override_policy to activate ",
                     PolicySource(config)));
  }
  std::cerr << "policy " << last->name() << " " << last->version().substr(0, 19)
            << " stays in force (activated "
            << absl::FormatTime(FromProtoTime(last->activated_at())) << " from " << last->source()
            << (last->actor().empty() ? "" : " by ") << last->actor() << "); "
            << PolicySource(config) << " has version " << flagged.version().substr(0, 19)
            << ": SIGHUP or --override_policy activates it\n";
  policies.SetActive(std::move(recorded));
  return absl::OkStatus();
}

void PrintRebuildReport(const RebuildReport& report, const Policy& policy, std::ostream& out) {
  for (const std::string& s : report.quarantined) out << "quarantined " << s << "\n";
  for (const std::string& s : report.disagreements) out << "disagreement " << s << "\n";
  for (const std::string& s : report.repaired) out << "repaired " << s << "\n";
  for (const std::string& s : report.changed) out << "actions changed " << s << "\n";
  out << "checked " << report.subjects << " subjects under policy " << policy.name() << " "
      << policy.version().substr(0, 19) << ": " << report.reevaluated.size()
      << " re-evaluated (recorded in their ledgers), " << report.repaired.size()
      << " had stored state that disagreed with their ledger, " << report.changed.size()
      << " changed actions, " << report.quarantined.size() << " quarantined, "
      << report.disagreements.size() << " recorded decisions re-ran differently, "
      << report.folded_as_recorded << " decisions folded as recorded (policy not stored)\n";
}

// What a hostile or careless client can take from the server (see ServerLimits).
void ApplyServerLimits(const ServerLimits& limits, grpc::ServerBuilder* builder) {
  // A second enforcerd on the same port must fail to start, not share the traffic.
  builder->AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder->SetMaxReceiveMessageSize(limits.max_receive_bytes);
  builder->SetMaxSendMessageSize(limits.max_send_bytes);
  builder->AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_streams_per_connection);
  builder->AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                              static_cast<int>(absl::ToInt64Milliseconds(limits.max_idle)));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  grpc::ResourceQuota quota("enforcerd");
  quota.Resize(limits.memory_bytes);
  quota.SetMaxThreads(limits.max_threads);
  builder->SetResourceQuota(quota);
}

}  // namespace

bool IsLoopbackListen(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return absl::StartsWith(host, "127.") || host == "[::1]" || host == "localhost";
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Start(const DaemonConfig& config) {
  std::unique_ptr<Daemon> d(new Daemon(config));
  RETURN_IF_ERROR(d->LoadAuth());
  RETURN_IF_ERROR(d->OpenLedger());
  RETURN_IF_ERROR(d->StartPipelines());
  RETURN_IF_ERROR(d->StartServer());
  // Times that passed while the daemon was down are recorded by its first pass.
  d->scheduler_->Start();
  return d;
}

absl::Status Daemon::LoadAuth() {
  if (!config_.auth_config_path.empty()) {
    ASSIGN_OR_RETURN(auth_config_, LoadAuthConfig(config_.auth_config_path));
  }
  auth_ = config_.auth_config_path.empty() ? std::make_unique<Authenticator>()
                                           : std::make_unique<Authenticator>(auth_config_);
  if (IsLoopbackListen(config_.listen) || auth_config_.has_tls() || config_.insecure) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "--listen=", config_.listen, " is not a loopback address, and ",
      auth_->open() ? "no --auth_config is given: anyone who can reach the port could report, "
                      "read evidence and lift penalties"
                    : "--auth_config has no tls section: tokens and evidence would cross the "
                      "network in clear",
      ". Listen on 127.0.0.1, configure TLS (docs/security.md), or pass --insecure to serve "
      "plaintext on a network you control."));
}

absl::Status Daemon::OpenLedger() {
  clock_ = MakeClock(config_);
  std::vector<std::string> warnings;
  ASSIGN_OR_RETURN(std::shared_ptr<const Policy> policy,
                   LoadPolicy(config_.policy_path, &warnings));
  for (const std::string& w : warnings) std::cerr << w << "\n";
  ASSIGN_OR_RETURN(store_, OpenStore(config_));
  policies_ = std::make_unique<PolicyRegistry>(store_.get(), policy);
  RETURN_IF_ERROR(KeepLedgerPolicy(config_, *policy, *policies_));
  if (store_->StateRebuildPending()) {
    // The ledger was migrated from an older layout: derived state is rebuilt before serving.
    RETURN_IF_ERROR(RecordActivation(*store_, *policies_, PolicySource(config_), clock_->Now()));
    ASSIGN_OR_RETURN(RebuildReport report,
                     RebuildSubjectStates(*store_, *policies_, clock_->Now(), true));
    PrintRebuildReport(report, *policies_->active(), std::cerr);
    RETURN_IF_ERROR(store_->ClearStateRebuildPending());
  }
  return absl::OkStatus();
}

absl::Status Daemon::StartPipelines() {
  writer_ = std::make_unique<LedgerWriter>(store_.get(), config_.writer);
  feed_hub_ = std::make_unique<FeedHub>(store_.get());
  writer_->SetCommitObserver([hub = feed_hub_.get()] { hub->Published(); });
  // Before any report: what time did to a subject is recorded before anything else for it.
  scheduler_ = std::make_unique<ActionScheduler>(store_.get(), writer_.get(), policies_.get(),
                                                 clock_.get(), config_.scheduler);
  enforcer_ =
      std::make_unique<Enforcer>(store_.get(), writer_.get(), clock_.get(), policies_.get());
  shadow_ = std::make_unique<ShadowEvaluator>();
  enforcer_->set_shadow(shadow_.get());
  shadow_admin_ = std::make_unique<ShadowAdministration>(
      store_.get(), writer_.get(), enforcer_.get(), shadow_.get(), clock_.get());
  if (absl::Status restored = shadow_admin_->Restore(); !restored.ok()) {
    std::cerr << "the recorded shadow policy is not restored: " << restored.message() << "\n";
  }
  RETURN_IF_ERROR(enforcer_->ActivatePolicyAndWait(
      policies_->active(),
      {PolicySource(config_), "enforcerd",
       config_.override_policy ? "started with --override_policy" : "started"}));
  service_ = std::make_unique<EnforcerService>(enforcer_.get(), auth_.get());
  action_feed_ =
      std::make_unique<ActionFeed>(store_.get(), writer_.get(), feed_hub_.get(), clock_.get());
  feed_service_ = std::make_unique<ActionFeedService>(action_feed_.get(), auth_.get());
  sweeper_ =
      std::make_unique<SubjectSweeper>(store_.get(), writer_.get(), policies_.get(), clock_.get());
  administration_ =
      std::make_unique<PolicyAdministration>(store_.get(), enforcer_.get(), policies_.get());
  simulator_ = std::make_unique<PolicySimulator>(store_.get(), /*threads=*/2);
  admin_service_ = std::make_unique<PolicyAdminService>(
      sweeper_.get(), administration_.get(), simulator_.get(), shadow_admin_.get(), auth_.get());
  cases_ = std::make_unique<CasePipeline>(writer_.get(), clock_.get(), policies_.get());
  appeals_ =
      std::make_unique<AppealPipeline>(store_.get(), writer_.get(), clock_.get(), policies_.get());
  staff_ = std::make_unique<StaffPipeline>(writer_.get(), clock_.get(), policies_.get());
  viewer_ = std::make_unique<CaseViewer>(store_.get(), clock_.get(), policies_.get());
  complainants_ = std::make_unique<ComplainantRecords>(store_.get(), clock_.get(), policies_.get());
  audit_ = std::make_unique<AuditReader>(store_.get());
  cases_service_ =
      std::make_unique<CasesService>(CasesParts{cases_.get(), appeals_.get(), staff_.get(),
                                                viewer_.get(), complainants_.get(), audit_.get()},
                                     auth_.get());
  return absl::OkStatus();
}

absl::Status Daemon::StartServer() {
  grpc::EnableDefaultHealthCheckService(true);
  // Reflection cannot check roles: it is served only without authentication (loopback).
  if (auth_->open()) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MakeServerCredentials(auth_config_, *auth_));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.listen, credentials, &port_);
  ApplyServerLimits(config_.limits, &builder);
  builder.RegisterService(service_.get());
  builder.RegisterService(admin_service_.get());
  builder.RegisterService(cases_service_.get());
  builder.RegisterService(feed_service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.listen, " (address in use or malformed?)"));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  // Health follows the ledger: NOT_SERVING while commits fail (a full or failing disk), SERVING
  // again once one succeeds.
  writer_->SetHealthObserver([server = server_.get()](bool healthy) {
    std::cerr << (healthy
                      ? "ledger writes succeed again: serving\n"
                      : "ledger writes are failing: health is NOT_SERVING until one succeeds\n");
    server->GetHealthCheckService()->SetServingStatus(healthy);
  });
  return absl::OkStatus();
}

Daemon::~Daemon() { Shutdown(); }

std::string Daemon::Describe() const {
  std::shared_ptr<const Policy> policy = enforcer_->policy();
  std::string host = config_.listen.substr(0, config_.listen.rfind(':'));
  return absl::StrCat("enforcerd listening on ", host, ":", port_, " (policy ", policy->name(), " ",
                      policy->version().substr(0, 19), ", ledger ", config_.data_dir,
                      ", durability ",
                      config_.durability == Durability::kFsync ? "fsync" : "process", ", ",
                      auth_->open() ? "no authentication: every local caller may call everything"
                                    : absl::StrCat(auth_->principal_count(), " principals, ",
                                                   auth_config_.has_tls() ? "TLS" : "plaintext",
                                                   auth_config_.tls().client_ca_file().empty()
                                                       ? ""
                                                       : " with client certificates"),
                      ")");
}

absl::Status Daemon::ReloadPolicy() {
  std::vector<std::string> warnings;
  ASSIGN_OR_RETURN(std::shared_ptr<const Policy> policy,
                   LoadPolicy(config_.policy_path, &warnings));
  for (const std::string& w : warnings) std::cerr << w << "\n";
  return enforcer_->ActivatePolicyAndWait(std::move(policy),
                                          {PolicySource(config_), "SIGHUP", "reloaded"});
}

void Daemon::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  // A sweep of every subject would hold the server's shutdown up: stop it at its next subject.
  if (admin_service_ != nullptr) admin_service_->Cancel();
  if (simulator_ != nullptr) simulator_->Cancel();  // likewise a backtest
  if (feed_hub_ != nullptr) feed_hub_->Close();     // and the feed's watchers
  if (scheduler_ != nullptr) scheduler_->Stop();
  if (writer_ != nullptr) writer_->SetHealthObserver(nullptr);
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    // In-flight reports still complete: the writer is running until after this returns.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
    server_->Wait();
  }
  if (writer_ != nullptr) writer_->Shutdown();
  server_.reset();
  scheduler_.reset();
  feed_service_.reset();
  action_feed_.reset();
  admin_service_.reset();
  administration_.reset();
  simulator_.reset();
  shadow_admin_.reset();
  cases_service_.reset();
  audit_.reset();
  complainants_.reset();
  viewer_.reset();
  staff_.reset();
  appeals_.reset();
  cases_.reset();
  sweeper_.reset();
  service_.reset();
  enforcer_.reset();
  writer_.reset();
  feed_hub_.reset();
  policies_.reset();
  store_.reset();
}

absl::Status RebuildLedgerState(const DaemonConfig& config, std::ostream& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Policy> policy, LoadPolicy(config.policy_path));
  // A rebuild never creates a ledger: a missing one is an error, not an empty success.
  ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, OpenStore(config, false));
  std::unique_ptr<Clock> clock = MakeClock(config);
  PolicyRegistry policies(store.get(), policy);
  // Like a start: the ledger's active policy stays unless --override_policy.
  RETURN_IF_ERROR(KeepLedgerPolicy(config, *policy, policies));
  policy = policies.active();
  RETURN_IF_ERROR(RecordActivation(*store, policies, PolicySource(config), clock->Now()));
  ASSIGN_OR_RETURN(RebuildReport report,
                   RebuildSubjectStates(*store, policies, clock->Now(), /*write=*/true));
  PrintRebuildReport(report, *policy, out);
  if (store->StateRebuildPending()) RETURN_IF_ERROR(store->ClearStateRebuildPending());
  return absl::OkStatus();
}

namespace {
sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}
}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServeUntilSignalled(Daemon& daemon) {
  sigset_t set = ShutdownSignals();
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      absl::Status reloaded = daemon.ReloadPolicy();
      if (reloaded.ok()) {
        std::fprintf(stderr, "policy reloaded: %s\n", daemon.Describe().c_str());
      } else {
        std::fprintf(stderr, "policy reload rejected; the previous policy stays in force:\n%s\n",
                     std::string(reloaded.message()).c_str());
      }
      continue;
    }
    std::fprintf(stderr, "enforcerd: signal %d, shutting down\n", sig);
    break;
  }
  // A second SIGINT or SIGTERM while the shutdown drains ends the process at once.
  std::thread impatient([set] {
    sigset_t signals = set;
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      if (sig == SIGHUP) continue;
      std::fprintf(stderr, "enforcerd: signal %d again, exiting now\n", sig);
      std::_Exit(2);
    }
  });
  impatient.detach();
  daemon.Shutdown();
}

}  // namespace enforcer
