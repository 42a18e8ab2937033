// enforcerctl: policy tools for enforcerd's policy teams: offline on files (validate, test,
// diff, show) and against a running daemon (show --server, versions, load, rollback).
#include <iostream>
#include <string>
#include <vector>

#include "enforcerctl/cli.h"
#include "enforcerctl/offline_commands.h"
#include "enforcerctl/server_commands.h"

int main(int argc, char** argv) {
  std::vector<enforcer::ctl::Command> commands = enforcer::ctl::OfflineCommands();
  for (auto& c : enforcer::ctl::ServerCommands()) commands.push_back(std::move(c));
  return enforcer::ctl::RunCommandLine(commands, std::vector<std::string>(argv + 1, argv + argc),
                                       std::cout, std::cerr);
}
