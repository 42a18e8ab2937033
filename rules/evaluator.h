// PolicyEvaluator: what a violation does to a subject. A pure function of (policy, the subject's
// aggregates, the violation, now): no I/O, no clock reads, so decisions can be replayed and
// simulated exactly.
//
// The model (docs/policy-language.md, "How a violation is evaluated"):
// - Aggregates hold facts, not points: points and windows are resolved under the policy in force,
//   so standing follows from the ledger and the policy now, not from the order things happened in.
// - Milestones and count rules are levels: a rule applies while the subject is at or above its
//   threshold; its `repeat` mode says whether its actions hold while it does (the default), are
//   issued afresh on every violation, or once per crossing.
// - A decision issues the effective actions only: higher actions supersede lower ones of the same
//   scope (see ActionPlanner).
#ifndef ENFORCERD_RULES_EVALUATOR_H_
#define ENFORCERD_RULES_EVALUATOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// A validated violation, as the evaluator sees it.
struct ViolationFacts {
  std::string violation_id;
  std::string category;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  v1::Source source = v1::SOURCE_UNSPECIFIED;
  std::string region;
  std::string rights_holder_id;
  std::string right_id;
  std::string object_id;
  std::string notice_id;
  std::map<std::string, std::string> attributes;  // sorted by name
  absl::Time occurred_at;
  // When the violation was recorded; InfinitePast: as the decision's time.
  absl::Time recorded_at = absl::InfinitePast();
  // Object actions (take-down) are emitted once per violation, on the first subject evaluated.
  bool emit_object_actions = true;
  // Set when an appeal reduced the violation's points (or a notifier's reports count none): it
  // counts this many points under any policy.
  std::optional<int> points_override;
};

// The facts of a recorded violation (its report as recorded).
ViolationFacts FactsOf(const v1::Violation& violation);

struct Evaluation {
  v1::Decision decision;
  v1::SubjectState state;  // the subject's state with this violation folded in
};

// Folds `violation` into `state` (taken by value: move it in) and decides. `state.subject()`
// names the subject; the category must exist in `policy` and count against the subject's ledger
// (the caller validated both). `now` should be whole microseconds (what the ledger stores), so
// that a replay at the recorded time decides exactly the same.
Evaluation EvaluateViolation(const Policy& policy, v1::SubjectState state,
                             const ViolationFacts& violation, absl::Time now);

// Adds a violation's facts to the aggregates without deciding anything.
void FoldViolationFacts(const ViolationFacts& violation, v1::SubjectState* state);

// Drops what can no longer matter at `now` under `policy`: actions that have ended, aggregates
// older than the policy's longest window. A later policy with longer windows loses nothing by
// it: a policy change re-evaluates each subject by replaying its ledger, not its aggregates.
// With no policy (its version unknown) aggregates are kept for kAggregateRetentionDays.
void PruneState(const Policy* policy, absl::Time now, v1::SubjectState* state);

// How long an action that ran out stays in SubjectState::ended_unrecorded waiting for its
// ActionEnded entry (the scheduler records it within seconds; this covers a daemon that was down).
// Ends older than this are dropped unrecorded, so replays and simulations hold no backlog.
inline constexpr absl::Duration kUnrecordedEndHorizon = absl::Hours(24 * 30);

// The part of PruneState that moves the actions ended by `now` out of `actions` into
// `ended_unrecorded` (within the horizon), and drops what no longer needs tracking.
void RetireEndedActions(absl::Time now, v1::SubjectState* state);

struct StandingSummary {
  v1::Standing standing = v1::GOOD_STANDING;
  int64_t active_points = 0;
  std::vector<v1::Action> active_actions;   // in force
  std::vector<v1::Action> pending_actions;  // issued, not in force yet
  std::vector<v1::CategoryCount> category_counts;
  v1::Tier tier;
};

// The subject's standing at `now` under `policy`, from its aggregates alone.
StandingSummary SummarizeStanding(const Policy& policy, const v1::SubjectState& state,
                                  absl::Time now);

// The worst standing any action in force at `now` imposes (GOOD_STANDING if none; pending
// actions do not count until they take effect).
v1::Standing DeriveStanding(const google::protobuf::RepeatedPtrField<v1::Action>& actions,
                            absl::Time now);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_EVALUATOR_H_
