// Building ledger entries for the pipeline: the entries a re-evaluation writes, and a report's
// outcome read back from the ledger for a resend.
#ifndef ENFORCERD_ENGINE_LEDGER_ENTRIES_H_
#define ENFORCERD_ENGINE_LEDGER_ENTRIES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "rules/reevaluator.h"
#include "storage/ledger_store.h"

namespace enforcer {

// A new entry of `subject`'s ledger with the next global sequence, recorded at `now`.
v1::LedgerEntry NewEntry(LedgerView& view, const v1::Subject& subject, absl::Time now);

// Re-evaluates the subject of `state` under `policy` at `now`, appends the re-evaluation entry,
// the actions it issues and the lifts it records to `entries`, and returns the new state.
v1::SubjectState AppendReevaluation(const Policy& policy, PolicyRegistry& registry,
                                    v1::SubjectState state,
                                    const std::vector<RecordedViolation>& violations,
                                    absl::Time now, LedgerView& view,
                                    std::vector<v1::LedgerEntry>* entries);

// What bringing `subject` under `policy` writes (a re-evaluation entry, its actions and lifts, the
// new state), or an empty write if the subject has no history or already stands under a policy
// of the same content. `changed` is set when the re-evaluation issued or lifted an action.
absl::StatusOr<LedgerWrite> ReevaluationWrite(const Policy& policy, PolicyRegistry& registry,
                                              const v1::Subject& subject, absl::Time now,
                                              LedgerView& view, bool* changed);

// A report's outcome as the ledger holds it now: its violation and one decision per subject.
// DATA_LOSS if the ledger lacks what the idempotency record points at.
absl::StatusOr<v1::ReportViolationResponse> ResponseFromLedger(
    const std::vector<v1::LedgerEntry>& entries, absl::string_view violation_id);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_LEDGER_ENTRIES_H_
