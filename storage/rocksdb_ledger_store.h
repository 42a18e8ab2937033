// The RocksDB-backed LedgerStore. The only way to make one is this factory, so RocksDB headers
// stay out of every other package.
#ifndef ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/ledger_store.h"
#include "storage/migration_report.h"

namespace enforcer {

struct RocksDbLedgerStoreOptions {
  Durability durability = Durability::kFsync;
  // If set, filled in with what the open migrated. A migration also leaves StateRebuildPending().
  MigrationReport* migration_report = nullptr;
};

// Opens (creating if missing, parents included) the ledger database in `dir`, migrating it first
// if an older enforcerd wrote it. Reads are safe from any number of threads; Commit must be
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
