// StorageFaults: faults injected below RocksDB, for tests of what a full or failing disk does to
// the ledger (RocksDB's own error handling and recovery run, as they would on a real disk).
// Pass one to RocksDbLedgerStoreOptions::testing_faults; it must outlive the store. Test-only.
#ifndef ENFORCERD_STORAGE_STORAGE_FAULTS_H_
#define ENFORCERD_STORAGE_STORAGE_FAULTS_H_

#include <atomic>
#include <memory>

namespace enforcer {

class StorageFaults {
 public:
  StorageFaults();
  ~StorageFaults();
  StorageFaults(const StorageFaults&) = delete;
  StorageFaults& operator=(const StorageFaults&) = delete;

  // While set, every write, flush and sync of a ledger file fails as on a full disk (ENOSPC),
  // and no new file can be created.
  void FailWrites(bool fail) { fail_writes_ = fail; }

  // The rocksdb::Env that injects them (storage/ only; opaque elsewhere).
  void* env() const;

 private:
  struct Impl;
  std::atomic<bool> fail_writes_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_STORAGE_FAULTS_H_
