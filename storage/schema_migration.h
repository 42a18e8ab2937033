// Brings a ledger database to kSchemaVersion when it is opened, and refuses one written by a
// newer enforcerd. Internal to storage/.
//
// The schema-1 -> 2 migration rewrites every ledger entry under its position (1..n per subject in
// global-sequence order, which is commit order even where a stepped-back clock put schema 1's
// keys out of order), fills the commit log, violation and expiry indexes, and turns each
// idempotency record into a fingerprint and a violation id. Derived state is not carried over
// (schema 1's is incompatible); the store is left StateRebuildPending. It writes in synced
// batches and records the schema version last, so a crash anywhere leaves a store that migrates
// again, from the start, on the next open: every key it writes is a function of the schema-1
// data, which stays in place until the version is recorded.
#ifndef ENFORCERD_STORAGE_SCHEMA_MIGRATION_H_
#define ENFORCERD_STORAGE_SCHEMA_MIGRATION_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "storage/ledger_db.h"
#include "storage/migration_report.h"

namespace enforcer {

struct MigrationOptions {
  // Ledger entries (or idempotency records) per synced batch: bounds memory and write size.
  size_t batch_size = 10000;
  // For tests: after this many synced batches (the one recording the schema version included),
  // stop with ABORTED as if the process had died there. Negative: never.
  int abort_after_batches = -1;
};

// Reads the schema version of `db` and acts on it:
//   kSchemaVersion: opens as is (dropping schema-1 column families a finished migration left);
//   newer: FAILED_PRECONDITION naming both versions;
//   none, with schema-1 data: migrates it;
//   none, without (a new store): records kSchemaVersion.
absl::StatusOr<MigrationReport> EnsureCurrentSchema(LedgerDb& db,
                                                    const MigrationOptions& options = {});

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_SCHEMA_MIGRATION_H_
