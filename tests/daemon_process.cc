#include "tests/daemon_process.h"

#include "base/test_files.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace enforcer::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// Forks and execs `args` with stdout and stderr sent to `output_path` (opened with O_APPEND or
// O_TRUNC, as `mode` says). The child dies with the test process.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> args, const std::string& output_path,
                            int mode) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int out_fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | mode, 0644);
  if (out_fd < 0) {
    return absl::InternalError(absl::StrCat("open ", output_path, ": ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(out_fd);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to execv.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    const char message[] = "daemon_process: execv failed\n";
    (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  close(out_fd);
  return pid;
}

}  // namespace

std::string EnforcerdRunfilesPath() {
  return RunfilePath("engine/enforcerd");
}

absl::StatusOr<std::string> MakeUniqueTempDir(const std::string& name) {
  std::string path = absl::StrCat(EnvOr("TEST_TMPDIR", "/tmp"), "/", name, ".XXXXXX");
  if (mkdtemp(path.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", path, ": ", std::strerror(errno)));
  }
  return path;
}

bool CommandResult::ExitedWith(int code) const {
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == code;
}

absl::StatusOr<CommandResult> RunToCompletion(const std::vector<std::string>& argv,
                                              const std::string& output_path,
                                              absl::Duration timeout) {
  absl::StatusOr<pid_t> pid = Spawn(argv, output_path, O_TRUNC);
  if (!pid.ok()) return pid.status();
  const absl::Time deadline = absl::Now() + timeout;
  CommandResult result;
  while (true) {
    const pid_t r = waitpid(*pid, &result.wait_status, WNOHANG);
    if (r == *pid) break;
    if (r < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
    }
    if (absl::Now() > deadline) {
      kill(*pid, SIGKILL);
      while (waitpid(*pid, &result.wait_status, 0) < 0 && errno == EINTR) {
      }
      return absl::DeadlineExceededError(absl::StrCat(
          argv[0], " did not finish within ", absl::FormatDuration(timeout), "; its output:\n",
          ReadFileToString(output_path)));
    }
    absl::SleepFor(kPollInterval);
  }
  result.output = ReadFileToString(output_path);
  return result;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return absl::StrCat("killed by signal ", WTERMSIG(wait_status));
  return absl::StrCat("wait status ", wait_status);
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(const DaemonOptions& options) {
  const std::string port_file = options.work_dir + "/port";
  const std::string log_path = options.work_dir + "/enforcerd.log";
  // A port file left by an earlier run of the same folder must not be mistaken for this one's.
  unlink(port_file.c_str());
  unlink((port_file + ".tmp").c_str());

  std::vector<std::string> args = {options.binary, "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file, "--data_dir=" + options.data_dir};
  args.insert(args.end(), options.extra_flags.begin(), options.extra_flags.end());
  // Appended to, so the log of every run in this folder (restarts included) stays readable.
  absl::StatusOr<pid_t> pid = Spawn(args, log_path, O_APPEND);
  if (!pid.ok()) return pid.status();

  std::unique_ptr<DaemonProcess> daemon(new DaemonProcess(*pid, log_path));
  const absl::Time deadline = absl::Now() + options.startup_timeout;
  while (true) {
    // The daemon writes the port file by rename, so a file that exists is complete.
    std::string text = ReadFileToString(port_file);
    int port = 0;
    if (!text.empty() && absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) && port > 0) {
      daemon->port_ = port;
      return daemon;
    }
    int wait_status = 0;
    if (daemon->ReapIfExited(&wait_status)) {
      return absl::InternalError(absl::StrCat("enforcerd ", DescribeWaitStatus(wait_status),
                                              " before serving; its log:\n", daemon->ReadLog()));
    }
    if (absl::Now() > deadline) {
      daemon->Kill();
      return absl::DeadlineExceededError(
          absl::StrCat("enforcerd wrote no port file within ",
                       absl::FormatDuration(options.startup_timeout), "; its log:\n",
                       daemon->ReadLog()));
    }
    absl::SleepFor(kPollInterval);
  }
}

DaemonProcess::~DaemonProcess() { Kill(); }

std::string DaemonProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::shared_ptr<grpc::Channel> DaemonProcess::NewChannel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

bool DaemonProcess::ReapIfExited(int* wait_status) {
  if (!running_) return true;
  const pid_t r = waitpid(pid_, wait_status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    running_ = false;
    return true;
  }
  return false;
}

absl::StatusOr<int> DaemonProcess::Stop(absl::Duration timeout) {
  if (!running_) return absl::FailedPreconditionError("enforcerd is not running");
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + timeout;
  int wait_status = 0;
  while (!ReapIfExited(&wait_status)) {
    if (absl::Now() > deadline) {
      Kill();
      return absl::DeadlineExceededError(absl::StrCat(
          "enforcerd did not exit within ", absl::FormatDuration(timeout), " of SIGTERM"));
    }
    absl::SleepFor(kPollInterval);
  }
  return wait_status;
}

void DaemonProcess::Kill() {
  if (!running_) return;
  kill(pid_, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  running_ = false;
}

void DaemonProcess::Signal(int signal) {
  if (running_) kill(pid_, signal);
}

std::string DaemonProcess::ReadLog() const { return ReadFileToString(log_path_); }

}  // namespace enforcer::testing
