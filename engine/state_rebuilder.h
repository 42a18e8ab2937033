// StateRebuilder: brings every subject's derived state back to what its ledger and the policy in
// force say, and records what that changed.
//
// For each subject found in the ledgers (not in the derived state, so a lost state row is found
// too) it folds the ledger, re-running each recorded decision under the policy version it
// recorded (FoldLedger), compares the result with the stored state, and re-evaluates the subject
// under the active policy when the policy changed since its last decision or the stored state
// disagreed. Each such re-evaluation is a ledger entry with its reason, followed by the actions it
// issued and lifted; nothing is rewritten silently. A subject whose ledger cannot be read is
// quarantined (reported, left as it is) and the run goes on. Meant for `enforcerd --rebuild_state`
// and for the first start after a migration, with nothing else writing to the store.
#ifndef ENFORCERD_ENGINE_STATE_REBUILDER_H_
#define ENFORCERD_ENGINE_STATE_REBUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/policy_registry.h"
#include "storage/ledger_store.h"

namespace enforcer {

struct RebuildReport {
  uint64_t subjects = 0;
  // "SELLER/s-1"-style names.
  std::vector<std::string> repaired;     // stored state disagreed with the fold of the ledger
  std::vector<std::string> reevaluated;  // re-evaluated under the active policy (entry written)
  std::vector<std::string> changed;      // whose actions in force changed
  std::vector<std::string> quarantined;  // "SELLER/s-1: <why>": could not be read
  // "SELLER/s-1: v12: ...": recorded decisions that re-run differently under their policy.
  std::vector<std::string> disagreements;
  // Decisions folded as recorded because their policy version is not stored (schema-1 ledgers).
  uint64_t folded_as_recorded = 0;
};

// With `write` false nothing is written: the report says what a run with `write` would do.
absl::StatusOr<RebuildReport> RebuildSubjectStates(LedgerStore& store, PolicyRegistry& policies,
                                                   absl::Time now, bool write);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_STATE_REBUILDER_H_
