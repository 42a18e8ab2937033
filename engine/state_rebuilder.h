// StateRebuilder: checks (and repairs) every subject's derived state against its ledger.
//
// The state kept beside each ledger (window buckets, active actions, lifetime count) is a cache
// of a fold over the ledger (RebuildSubjectState). This walks every subject, folds its log with
// the given policy and compares what the two say about the subject now. With `repair`, subjects
// that differ get the rebuilt state. Meant for `enforcerd --rebuild_state` with the daemon
// stopped: it writes directly, not through the LedgerWriter.
#ifndef ENFORCERD_ENGINE_STATE_REBUILDER_H_
#define ENFORCERD_ENGINE_STATE_REBUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

struct RebuildReport {
  uint64_t subjects = 0;
  // "SELLER/seller-1"-style names of the subjects whose state disagreed with their ledger.
  std::vector<std::string> differing;
  uint64_t repaired = 0;
};

absl::StatusOr<RebuildReport> RebuildSubjectStates(LedgerStore& store, const Policy& policy,
                                                   absl::Time now, bool repair);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_STATE_REBUILDER_H_
