#include "enforcerctl/cli.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace enforcer::ctl {
namespace {

void PrintOverview(const std::vector<Command>& commands, std::ostream& out) {
  out << "enforcerctl: policy tools for enforcerd.\n\nUsage: enforcerctl policy <command> "
         "[arguments] [--flags]\n\nCommands:\n";
  for (const Command& c : commands) {
    if (c.usage.size() < 34) {
      out << "  " << c.usage << std::string(34 - c.usage.size(), ' ') << c.summary << "\n";
    } else {
      out << "  " << c.usage << "\n" << std::string(36, ' ') << c.summary << "\n";
    }
  }
  out << "\n`enforcerctl policy <command> --help` explains one command.\n"
         "Exit codes: 0 ok; 1 the policy is invalid, a test failed or a load was refused;\n"
         "2 a mistake on the command line; 3 a file or the server could not be reached.\n";
}

void PrintHelp(const Command& c, std::ostream& out) {
  out << "Usage: enforcerctl policy " << c.usage << "\n\n" << c.summary << "\n";
  if (!c.help.empty()) out << "\n" << c.help << "\n";
  if (!c.flags.empty()) out << "\nFlags: --" << absl::StrJoin(c.flags, ", --") << "\n";
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
  if (argv.size() < 2 || argv[0] != "policy" || argv[1] == "--help" || argv[1] == "help") {
    const bool asked = argv.size() >= 1 && (argv.back() == "--help" || argv.back() == "help");
    PrintOverview(commands, asked ? out : err);
    return asked ? kOk : kUsage;
  }
  const Command* command = nullptr;
  for (const Command& c : commands) {
    if (c.verb == argv[1]) command = &c;
  }
  if (command == nullptr) {
    err << "enforcerctl: unknown command 'policy " << argv[1] << "'\n\n";
    PrintOverview(commands, err);
    return kUsage;
  }
  Invocation inv{{}, {}, &out, &err};
  for (size_t i = 2; i < argv.size(); ++i) {
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
      err << "enforcerctl policy " << command->verb << ": unknown flag --" << name << "\n";
      PrintHelp(*command, err);
      return kUsage;
    }
    inv.flags[name] = eq == std::string::npos ? "true" : a.substr(eq + 1);
  }
  return command->run(inv);
}

}  // namespace enforcer::ctl
