// The commands that talk to a running enforcerd (--server=host:port, default 127.0.0.1:50051):
// show, versions, load, rollback.
#ifndef ENFORCERD_ENFORCERCTL_SERVER_COMMANDS_H_
#define ENFORCERD_ENFORCERCTL_SERVER_COMMANDS_H_

#include <vector>

#include "enforcerctl/cli.h"

namespace enforcer::ctl {

std::vector<Command> ServerCommands();

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_SERVER_COMMANDS_H_
