// StorageFaults: faults injected below RocksDB, for tests of what a full or failing disk, or a
// power loss, does to the ledger (RocksDB's own error handling and recovery run, as they would on
// a real disk). Pass one to RocksDbLedgerStoreOptions::testing_faults; it must outlive the store.
// Test-only.
#ifndef ENFORCERD_STORAGE_STORAGE_FAULTS_H_
#define ENFORCERD_STORAGE_STORAGE_FAULTS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"

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

  // Power loss. Every file written through these faults is tracked: the bytes appended to it (they
  // reached the operating system) and how many of them its last successful Sync or Fsync covered
  // (they reached stable storage). RangeSync does not count: it makes no promise of durability.
  // Simplifications: a file's creation, renaming or deletion is durable at once (directory fsyncs
  // are not modelled), and files not written through these faults are left as they are.

  // The power goes now: what each file holds in stable storage is noted, and from now on nothing
  // reaches the disk (every write, sync, create, rename and delete fails as on a dead device), so
  // closing the store afterwards persists nothing more.
  void CutPower();
  // The power goes during the next Sync or Fsync of any file: that sync fails and counts for
  // nothing, as if the machine died between the write reaching the OS and its fsync returning.
  void CutPowerAtNextSync();
  bool power_cut() const;

  // After CutPower: the bytes each file held beyond its synced size, by path (files with none are
  // left out).
  std::map<std::string, uint64_t> UnsyncedBytes() const;

  // What the disk kept of the bytes that were not synced when the power went.
  enum class Unsynced {
    // None of them: each file ends where its last sync ended.
    kLost,
    // All but the last kTornBytes: the OS had written most of them back, and the last write was
    // torn in the middle of its last record.
    kTorn,
  };
  static constexpr uint64_t kTornBytes = 3;

  // Call after CutPower, once the store is destroyed: cuts every tracked file back to what the
  // disk kept, then restores the power (writes succeed again and tracking starts afresh; the
  // files as they are now count as synced).
  absl::Status LoseUnsyncedData(Unsynced kept = Unsynced::kLost);

  // The rocksdb::Env that injects them (storage/ only; opaque elsewhere).
  void* env() const;

 private:
  struct Impl;
  std::atomic<bool> fail_writes_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_STORAGE_FAULTS_H_
