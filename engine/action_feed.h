// ActionFeed: the pipeline behind the ActionFeed gRPC service (downstream delivery).
//
// Events are written by the store in the same batch as the ledger entries they come from; this
// class only reads them (a watcher reads from RocksDB in small pages, so one that falls far behind
// costs the daemon no memory and reporting no time) and records consumers' cursors through the
// writer (acks are durable, group-committed, and never fsync'ed on a gRPC thread).
#ifndef ENFORCERD_ENGINE_ACTION_FEED_H_
#define ENFORCERD_ENGINE_ACTION_FEED_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/feed_hub.h"
#include "engine/ledger_writer.h"
#include "proto/action_feed.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class ActionFeed {
 public:
  // Every pointer must outlive the feed; `writer` writes to `store`.
  ActionFeed(LedgerStore* store, LedgerWriter* writer, FeedHub* hub, Clock* clock);

  // Sends every event after the starting point that matches the request's filters, in sequence
  // order, then each new one as it commits, until `cancelled()` turns true (OK), `send` returns
  // false (CANCELLED: the client went away) or the hub closes (UNAVAILABLE: shutting down).
  // INVALID_ARGUMENT for a malformed consumer name or filter; OUT_OF_RANGE when the events after
  // the starting point are no longer kept (also mid-stream, for a reader retention overtook) or
  // the starting point is beyond the last event; UNAVAILABLE when the store cannot be read.
  absl::Status Watch(const v1::WatchActionsRequest& request, const std::function<bool()>& cancelled,
                     const std::function<bool(const v1::ActionEvent&)>& send);

  // Records the consumer's cursor durably (moving it forward only). INVALID_ARGUMENT for a
  // malformed name or a sequence beyond the last event.
  absl::StatusOr<v1::AckActionsResponse> Ack(const v1::AckActionsRequest& request);

  absl::StatusOr<v1::ListConsumersResponse> ListConsumers();

 private:
  // Where a watch starts: the sequence after which it sends events.
  absl::StatusOr<uint64_t> StartingPoint(const v1::WatchActionsRequest& request);

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  FeedHub* const hub_;
  Clock* const clock_;
  // Writer thread only: the cursors acked in groups not yet read back from the store, so two
  // acks in one group cannot move a cursor backwards.
  std::map<std::string, uint64_t> acked_;
};

// "" if `name` is a valid consumer name ([a-z0-9_.-]{1,64}); otherwise what is wrong with it.
std::string ConsumerNameProblem(const std::string& name);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ACTION_FEED_H_
