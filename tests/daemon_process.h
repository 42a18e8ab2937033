// DaemonProcess: runs the real enforcerd binary as a child process for end-to-end tests.
// RunToCompletion: runs a one-shot command (enforcerd --check_policy, --rebuild_state).
//
// Start() forks and execs enforcerd with --listen=127.0.0.1:0, --port_file and --data_dir, sends
// its stdout and stderr to a log file, and waits (bounded) until the port file appears. Stop()
// sends SIGTERM (a graceful shutdown), Kill() sends SIGKILL (a crash); both reap the child.
#ifndef ENFORCERD_TESTS_DAEMON_PROCESS_H_
#define ENFORCERD_TESTS_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace enforcer::testing {

struct DaemonOptions {
  // The enforcerd binary.
  std::string binary;
  // Passed as --data_dir; reuse it across restarts to reopen the same ledger.
  std::string data_dir;
  // Where the port file and the log file go; must exist.
  std::string work_dir;
  // Appended to the command line, e.g. {"--durability=process"}.
  std::vector<std::string> extra_flags;
  absl::Duration startup_timeout = absl::Seconds(20);
};

// The runfiles path of enforcerd inside a Bazel test ($TEST_SRCDIR/$TEST_WORKSPACE/engine/...).
std::string EnforcerdRunfilesPath();

// A fresh, empty folder under $TEST_TMPDIR whose name starts with `name`.
absl::StatusOr<std::string> MakeUniqueTempDir(const std::string& name);

class DaemonProcess {
 public:
  // Starts enforcerd and waits until it serves. On failure the child is killed and reaped, and the
  // error carries its log.
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(const DaemonOptions& options);

  // Kills (SIGKILL) and reaps the child if it is still running.
  ~DaemonProcess();

  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return port_; }
  std::string address() const;
  bool running() const { return running_; }

  // An insecure channel to the daemon.
  std::shared_ptr<grpc::Channel> NewChannel() const;

  // SIGTERM, then waits up to `timeout` for the exit. Returns the wait status (see waitpid), or an
  // error if the daemon did not exit in time (it is then killed).
  absl::StatusOr<int> Stop(absl::Duration timeout = absl::Seconds(20));

  // SIGKILL and reap: a crash, as far as the daemon can tell.
  void Kill();

  // Sends `signal` (e.g. SIGHUP) and returns at once.
  void Signal(int signal);

  // Everything the daemon wrote to stdout and stderr so far.
  std::string ReadLog() const;
  const std::string& log_path() const { return log_path_; }

 private:
  DaemonProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  // Polls waitpid without blocking; true (and not running) once the child has exited.
  bool ReapIfExited(int* wait_status);

  pid_t pid_;
  std::string log_path_;
  int port_ = 0;
  bool running_ = true;
};

// "exited with code N" / "killed by signal N".
std::string DescribeWaitStatus(int wait_status);

// A command run to completion: its wait status and everything it wrote to stdout and stderr.
struct CommandResult {
  int wait_status = -1;
  std::string output;
  // True if it exited normally with `code`.
  bool ExitedWith(int code) const;
};

// Runs `argv` (argv[0] is the binary; no shell) with stdout and stderr sent to `output_path`, and
// waits up to `timeout` for it (then kills it and returns an error).
absl::StatusOr<CommandResult> RunToCompletion(const std::vector<std::string>& argv,
                                              const std::string& output_path,
                                              absl::Duration timeout = absl::Seconds(60));

}  // namespace enforcer::testing

#endif  // ENFORCERD_TESTS_DAEMON_PROCESS_H_
