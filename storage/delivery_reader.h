// Reads the delivery family (delivery_batch.h) for RocksDbLedgerStore: the LedgerStore methods
// ReadFeed, ListConsumerCursors, GetConsumerCursor and ScanDueTimers. Internal to storage/.
#ifndef ENFORCERD_STORAGE_DELIVERY_READER_H_
#define ENFORCERD_STORAGE_DELIVERY_READER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/action_feed.pb.h"
#include "proto/ledger.pb.h"
#include "storage/ledger_db.h"

namespace enforcer {

class DeliveryReader {
 public:
  // `db` must outlive this object.
  explicit DeliveryReader(const LedgerDb* db) : db_(db) {}

  absl::StatusOr<std::vector<v1::ActionEvent>> ReadFeed(uint64_t from, size_t limit) const;
  absl::StatusOr<std::vector<v1::ConsumerCursor>> ListConsumerCursors() const;
  absl::StatusOr<std::optional<v1::ConsumerCursor>> GetConsumerCursor(
      absl::string_view consumer) const;
  absl::StatusOr<std::vector<v1::ActionTimer>> ScanDueTimers(absl::Time until, size_t limit) const;

 private:
  const LedgerDb* const db_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_DELIVERY_READER_H_
