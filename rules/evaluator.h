// PolicyEvaluator: what a violation does to a subject. A pure function of (policy, the subject's
// window aggregates, the violation, now): no I/O, no clock reads, so decisions can be replayed and
// simulated exactly.
#ifndef ENFORCERD_RULES_EVALUATOR_H_
#define ENFORCERD_RULES_EVALUATOR_H_

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
  std::string object_id;
  absl::Time occurred_at;
  // Object actions (take-down) are emitted once per violation, on the first subject evaluated.
  bool emit_object_actions = true;
};

struct Evaluation {
  v1::Decision decision;
  v1::SubjectState state;  // the subject's state with this violation folded in
};

// Folds `violation` into `state` (taken by value: move it in) and decides. `state.subject()`
// names the subject; the category
// must exist in `policy` and count against the subject's ledger (the caller validated both).
// Rules fire on crossing: a milestone when active points go from below its threshold to at or
// above it, a count rule when the matching count reaches at_least; zero tolerance on every event.
Evaluation EvaluateViolation(const Policy& policy, v1::SubjectState state,
                             const ViolationFacts& violation, absl::Time now);

// A subject's state rebuilt from its ledger alone (entries oldest first, as LedgerStore::ReadLog
// returns them): what the ledger says, folded. Equal to the state kept alongside the ledger, which
// is only a cache of this fold.
v1::SubjectState RebuildSubjectState(const Policy& policy, const v1::Subject& subject,
                                     const std::vector<v1::LedgerEntry>& log, absl::Time now);

struct StandingSummary {
  v1::Standing standing = v1::GOOD_STANDING;
  int active_points = 0;
  std::vector<v1::Action> active_actions;
  std::vector<v1::CategoryCount> category_counts;
};

// The subject's standing at `now`, from its aggregates alone.
StandingSummary SummarizeStanding(const v1::SubjectState& state, absl::Time now);

// The worst standing any action active at `now` imposes (GOOD_STANDING if none).
v1::Standing DeriveStanding(const google::protobuf::RepeatedPtrField<v1::Action>& actions,
                            absl::Time now);

// "14 days", "12 hours": durations as a seller reads them.
std::string HumanDuration(absl::Duration d);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_EVALUATOR_H_
