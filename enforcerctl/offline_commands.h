// The commands that work on files alone, with no daemon: validate, test, diff, show FILE.
#ifndef ENFORCERD_ENFORCERCTL_OFFLINE_COMMANDS_H_
#define ENFORCERD_ENFORCERCTL_OFFLINE_COMMANDS_H_

#include <vector>

#include "enforcerctl/cli.h"
#include "proto/policy_admin.pb.h"

namespace enforcer::ctl {

std::vector<Command> OfflineCommands();

// `show FILE`: the summary of a policy file.
int ShowPolicyFile(const Invocation& inv);

// Prints a policy summary as a table (shared with `show --server`).
void PrintSummary(const v1::PolicySummary& summary, std::ostream& out);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_OFFLINE_COMMANDS_H_
