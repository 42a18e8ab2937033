// enforcerctl: policy tools for enforcerd's policy teams (offline on files, and against a running
// daemon) and case tools for appeals staff (standing, case, history, appeals, staff actions).
#include <iostream>
#include <string>
#include <vector>

#include "enforcerctl/case_commands.h"
#include "enforcerctl/cli.h"
#include "enforcerctl/feed_commands.h"
#include "enforcerctl/offline_commands.h"
#include "enforcerctl/server_commands.h"

int main(int argc, char** argv) {
  std::vector<enforcer::ctl::Command> commands;
  for (auto& c : enforcer::ctl::OfflineCommands()) commands.push_back(std::move(c));
  for (auto& c : enforcer::ctl::ServerCommands()) commands.push_back(std::move(c));
  for (auto& c : commands) {
    c.verb = "policy " + c.verb;
    c.usage = "policy " + c.usage;
  }
  for (auto& c : enforcer::ctl::CaseCommands()) commands.push_back(std::move(c));
  for (auto& c : enforcer::ctl::FeedCommands()) commands.push_back(std::move(c));
  return enforcer::ctl::RunCommandLine(commands, std::vector<std::string>(argv + 1, argv + argc),
                                       std::cout, std::cerr);
}
