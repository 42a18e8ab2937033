// enforcerctl's command line: `enforcerctl policy <verb> [arguments] [--flag=value ...]`, and
// what every command gets: its arguments, its flags, where to print, and how it ends.
#ifndef ENFORCERD_ENFORCERCTL_CLI_H_
#define ENFORCERD_ENFORCERCTL_CLI_H_

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace enforcer::ctl {

// Exit codes, documented in --help.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;   // the policy is invalid, a test failed, a load was refused
inline constexpr int kUsage = 2;    // a mistake on the command line
inline constexpr int kTrouble = 3;  // a file could not be read, the server could not be reached

struct Invocation {
  std::vector<std::string> args;             // positional, after the verb
  std::map<std::string, std::string> flags;  // --name=value (--name alone: "true")
  std::ostream* out;
  std::ostream* err;

  bool json() const { return flags.count("json") > 0; }
  std::optional<std::string> Flag(const std::string& name) const;
  // Prints `message` as JSON (with --json) or lets `text` print it.
  void Print(const google::protobuf::Message& message,
             const std::function<void(std::ostream&)>& text) const;
};

struct Command {
  std::string verb;
  std::string usage;               // "validate FILE..."
  std::string summary;             // one line
  std::string help;                // the rest of --help
  std::vector<std::string> flags;  // flags it accepts (besides --help)
  std::function<int(const Invocation&)> run;
};

// Parses argv and runs the command; returns the exit code.
int RunCommandLine(const std::vector<Command>& commands, const std::vector<std::string>& argv,
                   std::ostream& out, std::ostream& err);

// Reads a whole file; nullopt (and a message on `err`) if it cannot.
std::optional<std::string> ReadFile(const std::string& path, std::ostream& err);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_CLI_H_
