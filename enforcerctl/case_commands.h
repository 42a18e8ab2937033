// enforcerctl's commands for appeals staff, against a running daemon: read a subject's standing,
// case and history, appeals, staff actions, retractions, the complainant record and the audit.
#ifndef ENFORCERD_ENFORCERCTL_CASE_COMMANDS_H_
#define ENFORCERD_ENFORCERCTL_CASE_COMMANDS_H_

#include <vector>

#include "enforcerctl/cli.h"

namespace enforcer::ctl {

// standing, case, history, complainant, audit, and the writes of StaffCommands().
std::vector<Command> CaseCommands();
// appeal file|resolve|list, action apply|lift|extend, reinstate, snooze, note, retract.
std::vector<Command> StaffCommands();

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_CASE_COMMANDS_H_
