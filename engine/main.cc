// enforcerd: flags, config, wiring. Everything else lives in //engine:daemon and below.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "engine/daemon.h"
#include "engine/policy_loader.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on (port 0: any free port)");
ABSL_FLAG(std::string, data_dir, "enforcerd-data",
          "folder of the RocksDB ledger (created if missing)");
ABSL_FLAG(std::string, policy, "",
          "policy YAML file; empty: the embedded default pack. Activated on a new ledger; on a "
          "ledger with an active policy, only with --override_policy (or by SIGHUP)");
ABSL_FLAG(bool, override_policy, false,
          "activate --policy (or the embedded default) at start even if the ledger has another "
          "policy in force");
ABSL_FLAG(std::string, durability, "fsync",
          "fsync: a report is acknowledged after its ledger write is fsync'ed (survives power "
          "loss); process: after it reaches the OS (survives a crash of enforcerd, not of the "
          "machine)");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound port here once serving");
ABSL_FLAG(bool, rebuild_state, false,
          "with the daemon stopped: fold every subject's ledger, re-evaluate under --policy every "
          "subject decided under another policy or whose stored state disagrees (each recorded in "
          "its ledger), print a summary, and exit");
ABSL_FLAG(std::string, testing_clock_file, "",
          "testing only: read the current time (Unix microseconds) from this file");
ABSL_FLAG(std::string, auth_config, "",
          "principals, roles, bearer-token hashes and TLS (protobuf text format, see "
          "docs/security.md); empty: no authentication, loopback only");
ABSL_FLAG(bool, insecure, false,
          "allow a non-loopback --listen address without TLS (plaintext gRPC on a network you "
          "control)");
ABSL_FLAG(bool, recover_damaged_wal, false,
          "open a ledger whose write-ahead log is damaged (start refused with DATA_LOSS) by "
          "replaying it up to the damage and dropping the rest; recorded in the ledger database");
ABSL_FLAG(absl::Duration, feed_retention, absl::Hours(24 * 30),
          "how long the action feed keeps events (e.g. 720h); a consumer asking for older ones "
          "gets OUT_OF_RANGE. 0 keeps them forever");
ABSL_FLAG(absl::Duration, scheduler_tick, absl::Seconds(1),
          "how often timed actions that ended (or pending ones that took effect) are recorded");
ABSL_FLAG(std::string, check_policy, "",
          "validate this policy file, print its errors and lint warnings and exit (0: valid, "
          "warnings allowed; 1: invalid)");

// Every connection holds a descriptor; at the soft limit (often 1024) accept() fails. Raise it to
// the hard limit the operator allows, and say when even that is low.
void RaiseDescriptorLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < 4096) {
    std::fprintf(stderr,
                 "warning: at most %llu open descriptors (ulimit -n): connections beyond about "
                 "that many are refused; raise the hard limit for more clients\n",
                 static_cast<unsigned long long>(limit.rlim_cur));
  }
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("enforcerd: seller-enforcement rules engine daemon");
  absl::ParseCommandLine(argc, argv);

  if (const std::string path = absl::GetFlag(FLAGS_check_policy); !path.empty()) {
    return enforcer::CheckPolicyFile(path, std::cout, std::cerr) ? 0 : 1;
  }

  enforcer::DaemonConfig config;
  config.listen = absl::GetFlag(FLAGS_listen);
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.policy_path = absl::GetFlag(FLAGS_policy);
  config.override_policy = absl::GetFlag(FLAGS_override_policy);
  config.testing_clock_file = absl::GetFlag(FLAGS_testing_clock_file);
  config.recover_damaged_wal = absl::GetFlag(FLAGS_recover_damaged_wal);
  config.insecure = absl::GetFlag(FLAGS_insecure);
  config.auth_config_path = absl::GetFlag(FLAGS_auth_config);
  config.scheduler.feed_retention = absl::GetFlag(FLAGS_feed_retention);
  config.scheduler.tick = absl::GetFlag(FLAGS_scheduler_tick);
  if (config.scheduler.tick <= absl::ZeroDuration() ||
      config.scheduler.feed_retention < absl::ZeroDuration()) {
    std::fprintf(stderr, "--scheduler_tick must be positive and --feed_retention not negative\n");
    return 2;
  }
  const std::string durability = absl::GetFlag(FLAGS_durability);
  if (durability == "fsync") {
    config.durability = enforcer::Durability::kFsync;
  } else if (durability == "process") {
    config.durability = enforcer::Durability::kProcess;
  } else {
    std::fprintf(stderr, "--durability must be fsync or process, not '%s'\n", durability.c_str());
    return 2;
  }

  if (absl::GetFlag(FLAGS_rebuild_state)) {
    absl::Status rebuilt = enforcer::RebuildLedgerState(config, std::cout);
    if (!rebuilt.ok()) {
      std::fprintf(stderr, "rebuild failed: %s\n", rebuilt.ToString().c_str());
      return 1;
    }
    return 0;
  }

  RaiseDescriptorLimit();
  enforcer::BlockShutdownSignals();
  auto daemon = enforcer::Daemon::Start(config);
  if (!daemon.ok()) {
    std::fprintf(stderr, "enforcerd failed to start:\n%s\n",
                 std::string(daemon.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "%s\n", (*daemon)->Describe().c_str());
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees a partial port.
    const std::string tmp = port_file + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "w")) {
      std::fprintf(f, "%d\n", (*daemon)->port());
      std::fclose(f);
      std::rename(tmp.c_str(), port_file.c_str());
    }
  }
  enforcer::ServeUntilSignalled(**daemon);
  std::fprintf(stderr, "enforcerd stopped\n");
  return 0;
}
