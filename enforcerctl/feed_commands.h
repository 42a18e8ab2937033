// enforcerctl's commands for operators of downstream delivery, against a running daemon: the
// action feed's consumers and their lag, watching the feed, and moving a consumer's cursor.
#ifndef ENFORCERD_ENFORCERCTL_FEED_COMMANDS_H_
#define ENFORCERD_ENFORCERCTL_FEED_COMMANDS_H_

#include <vector>

#include "enforcerctl/cli.h"

namespace enforcer::ctl {

// feed consumers, feed watch, feed ack.
std::vector<Command> FeedCommands();

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_FEED_COMMANDS_H_
