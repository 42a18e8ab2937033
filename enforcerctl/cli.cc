#include "enforcerctl/cli.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"

namespace enforcer::ctl {
namespace {

void PrintOverview(const std::vector<Command>& commands, std::ostream& out) {
  out << "enforcerctl: policy and case tools for enforcerd.\n\nUsage: enforcerctl <command> "
         "[arguments] [--flags]\n\nCommands:\n";
  for (const Command& c : commands) {
    if (c.usage.size() < 40) {
      out << "  " << c.usage << std::string(40 - c.usage.size(), ' ') << c.summary << "\n";
    } else {
      out << "  " << c.usage << "\n" << std::string(42, ' ') << c.summary << "\n";
    }
  }
  out << "\n`enforcerctl <command> --help` explains one command.\n"
         "Exit codes: 0 ok; 1 the policy is invalid, a test failed, or the server refused the\n"
         "request (the message says why); 2 a mistake on the command line; 3 a file or the server\n"
         "could not be reached.\n";
}

void PrintHelp(const Command& c, std::ostream& out) {
  out << "Usage: enforcerctl " << c.usage << "\n\n" << c.summary << "\n";
  if (!c.help.empty()) out << "\n" << c.help << "\n";
  if (!c.flags.empty()) out << "\nFlags: --" << absl::StrJoin(c.flags, ", --") << "\n";
}

// The command whose verb words begin argv (the longest such), and how many words it took.
const Command* FindCommand(const std::vector<Command>& commands,
                           const std::vector<std::string>& argv, size_t* words) {
  const Command* found = nullptr;
  *words = 0;
  for (const Command& c : commands) {
    std::vector<std::string> verb = absl::StrSplit(c.verb, ' ');
    if (verb.size() > argv.size() || verb.size() <= *words) continue;
    if (std::equal(verb.begin(), verb.end(), argv.begin())) {
      found = &c;
      *words = verb.size();
    }
  }
  return found;
}

}  // namespace

std::optional<std::string> Invocation::Flag(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end()) return std::nullopt;
  return it->second;
}

void Invocation::Print(const google::protobuf::Message& message,
                       const std::function<void(std::ostream&)>& text) const {
  if (!json()) {
    text(*out);
    return;
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  google::protobuf::util::MessageToJsonString(message, &json, options);
  *out << json;
}

std::optional<std::string> ReadFile(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "enforcerctl: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int RunCommandLine(const std::vector<Command>& commands, const std::vector<std::string>& argv,
                   std::ostream& out, std::ostream& err) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "help" || argv[0] == "-h") {
    PrintOverview(commands, argv.empty() ? err : out);
    return argv.empty() ? kUsage : kOk;
  }
  size_t words = 0;
  const Command* command = FindCommand(commands, argv, &words);
  if (command == nullptr) {
    const bool asked = argv.back() == "--help" || argv.back() == "help";
    if (!asked) err << "enforcerctl: unknown command '" << absl::StrJoin(argv, " ") << "'\n\n";
    PrintOverview(commands, asked ? out : err);
    return asked ? kOk : kUsage;
  }
  Invocation inv{{}, {}, &out, &err};
  for (size_t i = words; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--help" || a == "-h") {
      PrintHelp(*command, out);
      return kOk;
    }
    if (!absl::StartsWith(a, "--")) {
      inv.args.push_back(a);
      continue;
    }
    const size_t eq = a.find('=');
    const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (std::find(command->flags.begin(), command->flags.end(), name) == command->flags.end()) {
      err << "enforcerctl " << command->verb << ": unknown flag --" << name << "\n";
      PrintHelp(*command, err);
      return kUsage;
    }
    const std::string value = eq == std::string::npos ? "true" : a.substr(eq + 1);
    inv.flags[name] = inv.flags.count(name) ? absl::StrCat(inv.flags[name], "\n", value) : value;
  }
  return command->run(inv);
}

}  // namespace enforcer::ctl
