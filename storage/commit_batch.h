// Turns a group of LedgerWrites into one RocksDB write batch: checks every entry, assigns each its
// position in its subject's ledger, and adds the states, idempotency records, policy activations,
// derived indexes, action-feed events, timers and meta values the group changes. Internal to storage/.
#ifndef ENFORCERD_STORAGE_COMMIT_BATCH_H_
#define ENFORCERD_STORAGE_COMMIT_BATCH_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/write_batch.h"
#include "storage/delivery_batch.h"
#include "storage/entry_batch.h"
#include "storage/key_codec.h"
#include "storage/ledger_db.h"
#include "storage/ledger_store.h"

namespace enforcer {

class CommitBatch {
 public:
  // `last_sequence` and `last_activation` are the highest ever committed: the group's must be
  // higher. `db` must outlive this object and must not be written to while it is in use.
  CommitBatch(const LedgerDb* db, uint64_t last_sequence, uint64_t last_activation,
              uint64_t last_feed_sequence, uint64_t oldest_feed_sequence)
      : db_(db),
        entries_(db, &batch_),
        delivery_(db, &batch_, last_feed_sequence, oldest_feed_sequence),
        last_sequence_(last_sequence),
        last_activation_(last_activation),
        first_sequence_(last_sequence),
        first_activation_(last_activation) {}

  // Adds the writes in order. On error the batch must not be written: INVALID_ARGUMENT names
  // what is wrong with which entry, state, report or activation.
  absl::Status Add(const LedgerWrite& write);

  // Completes the batch (the violation index and meta values) and returns it; nullptr if the
  // group changes nothing.
  absl::StatusOr<rocksdb::WriteBatch*> Finish();

  // The highest sequence and activation once the batch is written.
  uint64_t last_sequence() const { return last_sequence_; }
  uint64_t last_activation() const { return last_activation_; }
  uint64_t last_feed_sequence() const { return delivery_.last_feed_sequence(); }
  uint64_t oldest_feed_sequence() const { return delivery_.oldest_feed_sequence(); }

 private:
  absl::Status AddEntry(const v1::LedgerEntry& entry);
  absl::Status AddActivation(const v1::PolicyActivation& activation);
  // The write's audit entries: each at the sequence of one of the write's entries, or, for its
  // policy activation, at the last sequence before it and the activation's number.
  absl::Status AddAudit(const LedgerWrite& write);
  absl::Status PutAudit(const v1::AuditEntry& audit, const AuditPosition& at,
                        absl::string_view context);
  // The next free position of the subject's ledger, counting this batch's entries.
  absl::StatusOr<uint64_t> NextPosition(const std::string& subject_key);

  const LedgerDb* const db_;
  rocksdb::WriteBatch batch_;
  EntryBatch entries_;
  DeliveryBatch delivery_;
  uint64_t last_sequence_;
  uint64_t last_activation_;
  const uint64_t first_sequence_;
  const uint64_t first_activation_;
  // Subject key -> the last position assigned so far, read from the ledger on first touch.
  std::map<std::string, uint64_t> last_positions_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_COMMIT_BATCH_H_
