#include "storage/delivery_batch.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "proto/action_events.h"
#include "storage/commit_log_scan.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

// Entries (or states) the backfill handles per write batch: bounds its memory on a large store.
constexpr size_t kBackfillChunk = 1000;

}  // namespace

absl::Status DeliveryBatch::AddEntry(const v1::LedgerEntry& entry) {
  for (v1::ActionEvent& event : ActionEventsOf(entry)) {
    event.set_sequence(++last_feed_sequence_);
    RETURN_IF_ERROR(
        PutMessage(batch_, db_->handle(Cf::kDelivery), EncodeFeedKey(event.sequence()), event));
  }
  return absl::OkStatus();
}

absl::Status DeliveryBatch::AddState(const v1::SubjectState& state) {
  for (const v1::ActionTimer& timer : TimersOf(state)) {
    absl::StatusOr<std::string> key = EncodeTimerKey(timer);
    if (!key.ok()) {
      return WithContext(key.status(), absl::StrCat("timer of ", SubjectName(state.subject())));
    }
    RETURN_IF_ERROR(PutMessage(batch_, db_->handle(Cf::kDelivery), *key, timer));
  }
  return absl::OkStatus();
}

absl::Status DeliveryBatch::AddDeliveryChanges(const LedgerWrite& write) {
  rocksdb::ColumnFamilyHandle* const cf = db_->handle(Cf::kDelivery);
  for (const v1::ActionTimer& timer : write.timers_done) {
    absl::StatusOr<std::string> key = EncodeTimerKey(timer);
    if (!key.ok()) return WithContext(key.status(), "consumed timer");
    RETURN_IF_ERROR(FromRocksDb(batch_->Delete(cf, ToSlice(*key)), "batch delete"));
  }
  for (const v1::ConsumerCursor& cursor : write.cursors) {
    if (!IsConsumerName(cursor.consumer())) {
      return absl::InvalidArgumentError(
          absl::StrCat("consumer name '", cursor.consumer(), "' is not [a-z0-9_.-]{1,64}"));
    }
    RETURN_IF_ERROR(PutMessage(batch_, cf, EncodeConsumerKey(cursor.consumer()), cursor));
  }
  if (write.feed_retain_from > oldest_feed_sequence_) {
    if (write.feed_retain_from > last_feed_sequence_ + 1) {
      return absl::InvalidArgumentError(absl::StrCat("feed retention from ", write.feed_retain_from,
                                                     " would remove events not written yet (last ",
                                                     last_feed_sequence_, ")"));
    }
    RETURN_IF_ERROR(FromRocksDb(batch_->DeleteRange(cf, ToSlice(EncodeFeedKey(0)),
                                                    ToSlice(EncodeFeedKey(write.feed_retain_from))),
                                "batch delete range"));
    oldest_feed_sequence_ = write.feed_retain_from;
  }
  return absl::OkStatus();
}

absl::Status DeliveryBatch::Finish() {
  rocksdb::ColumnFamilyHandle* const meta = db_->handle(Cf::kMeta);
  if (last_feed_sequence_ != first_feed_sequence_) {
    RETURN_IF_ERROR(
        PutRaw(batch_, meta, kLastFeedSequenceKey, EncodeUint64Value(last_feed_sequence_)));
  }
  if (oldest_feed_sequence_ != first_oldest_) {
    RETURN_IF_ERROR(
        PutRaw(batch_, meta, kOldestFeedSequenceKey, EncodeUint64Value(oldest_feed_sequence_)));
  }
  return absl::OkStatus();
}

namespace {

absl::Status BackfillFeed(LedgerDb& db, rocksdb::WriteBatch& batch, DeliveryBatch& delivery) {
  size_t pending = 0;
  return ForEachCommittedEntry(db, [&](const v1::LedgerEntry& entry) -> absl::Status {
    RETURN_IF_ERROR(delivery.AddEntry(entry));
    if (++pending < kBackfillChunk) return absl::OkStatus();
    RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "backfill action feed"));
    batch.Clear();
    pending = 0;
    return absl::OkStatus();
  });
}

absl::Status BackfillTimers(LedgerDb& db, rocksdb::WriteBatch& batch, DeliveryBatch& delivery) {
  size_t pending = 0;
  std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(db.handle(Cf::kStates));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const v1::SubjectState state,
                     ParseValue<v1::SubjectState>(it->value(), "subject state"));
    RETURN_IF_ERROR(delivery.AddState(state));
    if (++pending < kBackfillChunk) continue;
    RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "backfill timers"));
    batch.Clear();
    pending = 0;
  }
  return FromRocksDb(it->status(), "scan subject states");
}

}  // namespace

absl::Status BackfillDelivery(LedgerDb& db) {
  ASSIGN_OR_RETURN(const std::optional<std::string> done,
                   db.GetRaw(Cf::kMeta, kDeliveryBackfilledKey));
  if (done.has_value()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  DeliveryBatch delivery(&db, &batch, /*last_feed_sequence=*/0, /*oldest_feed_sequence=*/1);
  RETURN_IF_ERROR(BackfillFeed(db, batch, delivery));
  RETURN_IF_ERROR(BackfillTimers(db, batch, delivery));
  RETURN_IF_ERROR(delivery.Finish());
  RETURN_IF_ERROR(PutRaw(&batch, db.handle(Cf::kMeta), kDeliveryBackfilledKey, ""));
  return db.Write(&batch, /*sync=*/true, "backfill delivery");
}

}  // namespace enforcer
