// Every committed ledger entry in sequence order, for the backfills that derive a newer index
// from a store written before it existed. Internal to storage/.
#ifndef ENFORCERD_STORAGE_COMMIT_LOG_SCAN_H_
#define ENFORCERD_STORAGE_COMMIT_LOG_SCAN_H_

#include <functional>

#include "absl/status/status.h"
#include "proto/ledger_entry.pb.h"
#include "storage/ledger_db.h"

namespace enforcer {

// Calls `visit` with each entry the commit log points at, in sequence order; stops at the first
// error `visit` returns. DATA_LOSS for a record that is corrupt or points at nothing.
absl::Status ForEachCommittedEntry(
    const LedgerDb& db, const std::function<absl::Status(const v1::LedgerEntry&)>& visit);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_COMMIT_LOG_SCAN_H_
