#include "storage/delivery_reader.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "rocksdb/iterator.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

// Iterates [lower, upper) of the delivery family; the strings must outlive the iterator.
struct Range {
  Range(const LedgerDb* db, std::string lower_key, std::string upper_key)
      : lower(std::move(lower_key)), upper(std::move(upper_key)) {
    lower_slice = ToSlice(lower);
    upper_slice = ToSlice(upper);
    rocksdb::ReadOptions options;
    options.iterate_lower_bound = &lower_slice;
    options.iterate_upper_bound = &upper_slice;
    it = db->NewIterator(db->handle(Cf::kDelivery), options);
  }
  std::string lower, upper;
  rocksdb::Slice lower_slice, upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
};

}  // namespace

absl::StatusOr<std::vector<v1::ActionEvent>> DeliveryReader::ReadFeed(uint64_t from,
                                                                      size_t limit) const {
  Range range(db_, EncodeFeedKey(from), EncodeFeedKey(UINT64_MAX));
  std::vector<v1::ActionEvent> events;
  for (range.it->SeekToFirst(); range.it->Valid() && events.size() < limit; range.it->Next()) {
    ASSIGN_OR_RETURN(const uint64_t sequence, DecodeFeedKey(ToView(range.it->key())));
    ASSIGN_OR_RETURN(v1::ActionEvent event,
                     ParseValue<v1::ActionEvent>(range.it->value(),
                                                 absl::StrCat("action feed event ", sequence)));
    if (event.sequence() != sequence) {
      return absl::DataLossError(
          absl::StrCat("action feed event ", sequence, " is stored under another's key"));
    }
    events.push_back(std::move(event));
  }
  RETURN_IF_ERROR(FromRocksDb(range.it->status(), "scan action feed"));
  return events;
}

absl::StatusOr<std::vector<v1::ConsumerCursor>> DeliveryReader::ListConsumerCursors() const {
  Range range(db_, std::string(kConsumerKeysBegin), std::string(kConsumerKeysEnd));
  std::vector<v1::ConsumerCursor> cursors;
  for (range.it->SeekToFirst(); range.it->Valid(); range.it->Next()) {
    ASSIGN_OR_RETURN(v1::ConsumerCursor cursor,
                     ParseValue<v1::ConsumerCursor>(range.it->value(), "consumer cursor"));
    cursors.push_back(std::move(cursor));
  }
  RETURN_IF_ERROR(FromRocksDb(range.it->status(), "scan consumer cursors"));
  return cursors;
}

absl::StatusOr<std::optional<v1::ConsumerCursor>> DeliveryReader::GetConsumerCursor(
    absl::string_view consumer) const {
  return db_->Get<v1::ConsumerCursor>(Cf::kDelivery, EncodeConsumerKey(consumer),
                                      absl::StrCat("cursor of consumer ", consumer));
}

absl::StatusOr<std::vector<v1::ActionTimer>> DeliveryReader::ScanDueTimers(absl::Time until,
                                                                           size_t limit) const {
  // ToUnixMicros saturates, so InfiniteFuture scans every timer.
  Range range(db_, std::string(kTimerKeysBegin), EncodeTimerBound(absl::ToUnixMicros(until)));
  std::vector<v1::ActionTimer> timers;
  for (range.it->SeekToFirst(); range.it->Valid() && timers.size() < limit; range.it->Next()) {
    ASSIGN_OR_RETURN(v1::ActionTimer timer,
                     ParseValue<v1::ActionTimer>(range.it->value(), "scheduler timer"));
    timers.push_back(std::move(timer));
  }
  RETURN_IF_ERROR(FromRocksDb(range.it->status(), "scan timers"));
  return timers;
}

}  // namespace enforcer
