// The RocksDB-backed LedgerStore. The only way to make one is this factory, so RocksDB headers
// stay out of every other package.
#ifndef ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/ledger_store.h"
#include "storage/migration_report.h"
#include "storage/storage_faults.h"

namespace enforcer {

struct RocksDbLedgerStoreOptions {
  Durability durability = Durability::kFsync;
  // If set, filled in with what the open migrated. A migration also leaves StateRebuildPending().
  MigrationReport* migration_report = nullptr;
  // False: NOT_FOUND for a directory without a ledger (offline tools never create one).
  bool create_if_missing = true;
  // A damaged write-ahead log (a corrupt record, a truncation) refuses the open with DATA_LOSS.
  // True replays it up to the damage and drops the rest: an explicit operator choice
  // (enforcerd --recover_damaged_wal), reported on stderr and recorded in the ledger database.
  bool recover_damaged_wal = false;
  // Tests only: faults injected below RocksDB (must outlive the store).
  StorageFaults* testing_faults = nullptr;
};

// Opens (creating if missing, parents included) the ledger database in `dir`, migrating it first
// if an older enforcerd wrote it. A directory with ledger files but no CURRENT, or a damaged
// write-ahead log, is DATA_LOSS naming the damage and the way to recover: never a new ledger. Reads are safe from any number of threads; Commit must be
// called from one thread at a time. UNAVAILABLE if the directory or database cannot be opened,
// DATA_LOSS if it is corrupt, FAILED_PRECONDITION if a newer enforcerd wrote it.
absl::StatusOr<std::unique_ptr<LedgerStore>> OpenRocksDbLedgerStore(
    const std::string& dir, const RocksDbLedgerStoreOptions& options);

inline absl::StatusOr<std::unique_ptr<LedgerStore>> OpenRocksDbLedgerStore(const std::string& dir,
                                                                           Durability durability) {
  RocksDbLedgerStoreOptions options;
  options.durability = durability;
  return OpenRocksDbLedgerStore(dir, options);
}

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_
