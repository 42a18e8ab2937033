// Re-evaluation and the fold: how a subject's state follows from its ledger and a policy.
//
// A policy change reaches every subject: the subject is re-evaluated as if the new policy had
// always been in force. Its recorded violations are replayed under the new policy from nothing;
// the actions that replay has in force now are issued (if the subject does not already have them
// as they are), and the timed actions the subject has that the replay does not are lifted. Both
// are recorded in the ledger with reasons. Permanent actions (deactivation, revocation) are never
// lifted by a re-evaluation: they are undone only by staff, and are listed for review instead. So
// switching policy A -> B -> A ends where never switching would, and a short-window policy in
// between loses nothing (aggregates never depend on policy).
//
// The fold (FoldLedger) rebuilds a subject's state from its ledger alone by re-running every
// recorded decision and re-evaluation under the policy version it recorded, and reports every
// place where the re-run disagrees with what was recorded.
#ifndef ENFORCERD_RULES_REEVALUATOR_H_
#define ENFORCERD_RULES_REEVALUATOR_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/evaluator.h"
#include "rules/policy.h"

namespace enforcer {

// A violation as recorded in a subject's ledger, with the time it was decided.
struct RecordedViolation {
  ViolationFacts facts;
  absl::Time decided_at;
};

// Whether `state` must be re-evaluated under `policy` before anything else is decided for it: it
// has history and was decided under another version (`decided_under`, nullptr if unknown) whose
// content differs. A version that differs only in comments or layout needs nothing.
bool NeedsReevaluation(const v1::SubjectState& state, const Policy& policy,
                       const Policy* decided_under);

// The violations recorded in a subject's ledger (oldest first), each with its decision time.
// Voided violations are left out; reduced ones carry their reduced points (points_override).
std::vector<RecordedViolation> RecordedViolations(const std::vector<v1::LedgerEntry>& log);

// Applies a void (or reduction) to `violations`. False if the violation is not among them.
bool ApplyVoid(const v1::ViolationVoid& v, std::vector<RecordedViolation>* violations);

// The subject's state at `now` had `policy` always been in force: `violations` (in ledger order)
// replayed from nothing, each at the time it was decided, with `remedies` where they happened.
// `staff` (the subject's current state, if given) supplies the rules staff snoozed and the
// actions staff lifted, which the replay honours from when they were recorded.
v1::SubjectState ReplayUnder(const Policy& policy, const v1::Subject& subject,
                             const std::vector<RecordedViolation>& violations, absl::Time now,
                             const google::protobuf::RepeatedPtrField<v1::RemedyFact>& remedies =
                                 google::protobuf::RepeatedPtrField<v1::RemedyFact>(),
                             const v1::SubjectState* staff = nullptr);

struct ReevaluationOutcome {
  v1::Reevaluation record;
  v1::SubjectState state;
};

// Re-evaluates a subject under `policy` at `now`. `current` is its state as decided so far;
// `previous` the policy it was decided under (nullptr if unknown); `violations` every violation
// in its ledger. New actions get ids "<id_prefix>/<SELLER|CREATOR>/<n>".
ReevaluationOutcome Reevaluate(const Policy& policy, const Policy* previous,
                               v1::SubjectState current,
                               const std::vector<RecordedViolation>& violations, absl::Time now,
                               const std::string& id_prefix);

// Finds the compiled policy of a recorded version; nullptr if it is not known (ledgers migrated
// from schema 1 did not store their policies).
using PolicyResolver = std::function<const Policy*(const std::string& version)>;

struct FoldResult {
  v1::SubjectState state;
  // Every recorded violation, in ledger order (what a re-evaluation replays).
  std::vector<RecordedViolation> violations;
  // Where re-running a recorded decision or re-evaluation under its recorded policy gave a
  // different result, e.g. "v12: decision differs from the recorded one". Empty when the ledger
  // is consistent.
  std::vector<std::string> disagreements;
  // Decisions whose policy version was unknown and were folded from what they recorded.
  int folded_as_recorded = 0;
};

// Rebuilds a subject's state from its ledger (entries oldest first).
FoldResult FoldLedger(const PolicyResolver& policies, const v1::Subject& subject,
                      const std::vector<v1::LedgerEntry>& log, absl::Time now);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_REEVALUATOR_H_
