// The RocksDB-backed LedgerStore. The only way to make one is this factory, so RocksDB headers
// stay out of every other package.
#ifndef ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_
#define ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/ledger_store.h"

namespace enforcer {

// Opens (creating if missing, parents included) the ledger database in `dir`. Reads are safe
// from any number of threads; Commit must be called from one thread at a time.
// UNAVAILABLE if the directory or database cannot be opened, DATA_LOSS if it is corrupt.
absl::StatusOr<std::unique_ptr<LedgerStore>> OpenRocksDbLedgerStore(const std::string& dir,
                                                                    Durability durability);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_ROCKSDB_LEDGER_STORE_H_
