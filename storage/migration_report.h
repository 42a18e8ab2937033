// What opening a ledger written by an older enforcerd did to it.
#ifndef ENFORCERD_STORAGE_MIGRATION_REPORT_H_
#define ENFORCERD_STORAGE_MIGRATION_REPORT_H_

#include <cstdint>

namespace enforcer {

// All zero when nothing was migrated (a new store, or one already at kSchemaVersion).
struct MigrationReport {
  // The schema the store had before (1), or 0 if it was not migrated.
  int from_schema = 0;
  // Carried over: subjects with a ledger, their ledger entries, idempotency records.
  uint64_t subjects = 0;
  uint64_t entries = 0;
  uint64_t reports = 0;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_MIGRATION_REPORT_H_
