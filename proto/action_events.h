// What storage derives from what it commits for downstream delivery, as pure functions shared by
// storage/ (which writes them in the same batch, and backfills them) and tests:
// - the action-feed events a ledger entry carries (ActionFeed.WatchActions serves them);
// - the scheduler's timers a subject state implies (when its actions end or take effect).
#ifndef ENFORCERD_PROTO_ACTION_EVENTS_H_
#define ENFORCERD_PROTO_ACTION_EVENTS_H_

#include <string_view>
#include <vector>

#include "proto/action_feed.pb.h"
#include "proto/ledger.pb.h"
#include "proto/ledger_entry.pb.h"

namespace enforcer {

// The feed events of `entry`, in the order downstream must apply them, without their feed
// sequence (the store numbers them): an issued action, a lift or reinstatement, an action that
// ended or took effect, each in-force action a decision, re-evaluation, propagation or staff action
// superseded, an end staff changed, actions an appeal paused or its resolution resumed. Empty for
// entries that change no action (a violation, a note, a link).
std::vector<v1::ActionEvent> ActionEventsOf(const v1::LedgerEntry& entry);

// The timers of `state`: for each action in force or pending, when it ends (if timed) and, while
// pending and its taking effect is not recorded yet, when it takes effect; for each action that
// ran out unrecorded, its end. An action held by an appeal has no take-effect timer.
std::vector<v1::ActionTimer> TimersOf(const v1::SubjectState& state);

// Whether `name` may name an action-feed consumer: [a-z0-9_.-]{1,64}. The API checks it (with a
// message saying what is wrong) and the store refuses anything else as a key.
bool IsConsumerName(std::string_view name);

}  // namespace enforcer

#endif  // ENFORCERD_PROTO_ACTION_EVENTS_H_
