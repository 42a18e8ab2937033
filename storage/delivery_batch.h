// What a commit adds to the delivery family, in the same write batch as the ledger entries and
// states it derives from: the action feed's events (numbered 1, 2, 3, ... in commit order), the
// scheduler's timers, the timers it consumed, consumers' cursors and the feed's retention.
// Internal to storage/.
//
// The "delivery" column family came after schema 2 was first released: a store opened without it
// gets it empty, and BackfillDelivery derives the feed from its commit log and the timers from its
// subject states once.
#ifndef ENFORCERD_STORAGE_DELIVERY_BATCH_H_
#define ENFORCERD_STORAGE_DELIVERY_BATCH_H_

#include <cstdint>

#include "absl/status/status.h"
#include "proto/ledger.pb.h"
#include "proto/ledger_entry.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/ledger_db.h"
#include "storage/ledger_store.h"

namespace enforcer {

class DeliveryBatch {
 public:
  // `db` and `batch` must outlive this object. The feed continues after `last_feed_sequence`.
  DeliveryBatch(const LedgerDb* db, rocksdb::WriteBatch* batch, uint64_t last_feed_sequence,
                uint64_t oldest_feed_sequence)
      : db_(db),
        batch_(batch),
        last_feed_sequence_(last_feed_sequence),
        first_feed_sequence_(last_feed_sequence),
        oldest_feed_sequence_(oldest_feed_sequence),
        first_oldest_(oldest_feed_sequence) {}

  // The feed events of `entry` (which has its sequence and position).
  absl::Status AddEntry(const v1::LedgerEntry& entry);
  // The timers `state` implies (putting one that exists already is harmless).
  absl::Status AddState(const v1::SubjectState& state);
  // The write's consumed timers, cursors and retention.
  absl::Status AddDeliveryChanges(const LedgerWrite& write);
  // The meta values the batch changed.
  absl::Status Finish();

  uint64_t last_feed_sequence() const { return last_feed_sequence_; }
  uint64_t oldest_feed_sequence() const { return oldest_feed_sequence_; }

 private:
  const LedgerDb* const db_;
  rocksdb::WriteBatch* const batch_;
  uint64_t last_feed_sequence_;
  const uint64_t first_feed_sequence_;
  uint64_t oldest_feed_sequence_;
  const uint64_t first_oldest_;
};

// Derives the feed from every entry of the commit log and the timers from every subject state,
// once per store (recorded in the meta family). A rerun after a crash starts over: every key it
// writes is a function of the ledger, so writing one twice is harmless.
absl::Status BackfillDelivery(LedgerDb& db);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_DELIVERY_BATCH_H_
