#include "engine/action_feed.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/status_macros.h"
#include "proto/action_events.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

// Events read from the store at a time: what one watcher holds in memory.
constexpr size_t kPageSize = 256;
// How long a caught-up watcher sleeps before checking for cancellation again.
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);

absl::Status CheckFilters(const v1::WatchActionsRequest& request) {
  for (int type : request.action_types()) {
    if (!v1::ActionType_IsValid(type) || type == v1::ACTION_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("action_types: ", type, " is not an action type"));
    }
  }
  if (!v1::SubjectKind_IsValid(request.subject_kind())) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject_kind: ", request.subject_kind(), " is not a subject kind"));
  }
  for (const std::string& feature : request.features()) {
    if (feature.empty() || feature.size() > 64) {
      return absl::InvalidArgumentError("features: each must be 1 to 64 characters");
    }
  }
  return absl::OkStatus();
}

bool Matches(const v1::WatchActionsRequest& request, const v1::ActionEvent& event) {
  const v1::Action& a = event.action();
  if (!request.action_types().empty() &&
      std::find(request.action_types().begin(), request.action_types().end(), a.type()) ==
          request.action_types().end()) {
    return false;
  }
  if (request.subject_kind() != v1::SUBJECT_KIND_UNSPECIFIED &&
      a.subject().kind() != request.subject_kind()) {
    return false;
  }
  return request.features().empty() ||
         std::find(request.features().begin(), request.features().end(), a.feature()) !=
             request.features().end();
}

absl::Status NotKept(uint64_t after, uint64_t oldest) {
  return absl::OutOfRangeError(absl::StrCat(
      "the events after sequence ", after, " are no longer kept (the feed's retention removed ",
      "them); the oldest event kept is ", oldest, ": resume from ", oldest - 1,
      " after reconciling from the ledgers"));
}

}  // namespace

std::string ConsumerNameProblem(const std::string& name) {
  if (IsConsumerName(name)) return "";
  if (name.empty() || name.size() > 64) {
    return absl::StrCat("consumer name must be 1 to 64 characters, not ", name.size());
  }
  return absl::StrCat("consumer name '", name, "' may hold only a-z, 0-9, '_', '.' and '-'");
}

ActionFeed::ActionFeed(LedgerStore* store, LedgerWriter* writer, FeedHub* hub, Clock* clock)
    : store_(store), writer_(writer), hub_(hub), clock_(clock) {}

absl::StatusOr<uint64_t> ActionFeed::StartingPoint(const v1::WatchActionsRequest& request) {
  if (!request.consumer().empty()) {
    if (std::string problem = ConsumerNameProblem(request.consumer()); !problem.empty()) {
      return absl::InvalidArgumentError(problem);
    }
  }
  RETURN_IF_ERROR(CheckFilters(request));
  const uint64_t oldest = store_->OldestFeedSequence();
  const uint64_t last = store_->LastFeedSequence();
  uint64_t start = request.from_sequence();
  bool explicit_start = start > 0;
  if (!explicit_start && !request.consumer().empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::ConsumerCursor> cursor,
                     store_->GetConsumerCursor(request.consumer()));
    // A cursor at 0 has processed nothing: it starts at the oldest event kept, like a new one.
    if (cursor.has_value() && cursor->acked_sequence() > 0) {
      start = cursor->acked_sequence();
      explicit_start = true;
    }
  }
  if (start > last) {
    return absl::OutOfRangeError(
        absl::StrCat("from_sequence ", start, " is beyond the last event, ", last));
  }
  if (start + 1 < oldest) {
    if (explicit_start) return NotKept(start, oldest);
    start = oldest - 1;  // "from the oldest kept"
  }
  return start;
}

absl::Status ActionFeed::Watch(const v1::WatchActionsRequest& request,
                               const std::function<bool()>& cancelled,
                               const std::function<bool(const v1::ActionEvent&)>& send) {
  ASSIGN_OR_RETURN(uint64_t cursor, StartingPoint(request));
  hub_->Opened(request.consumer());
  struct Closer {
    FeedHub* hub;
    const std::string& consumer;
    ~Closer() { hub->Closed(consumer); }
  } closer{hub_, request.consumer()};
  while (!cancelled()) {
    if (hub_->closed()) return absl::UnavailableError("enforcerd is shutting down");
    // Only what the store has published as committed: a page never runs ahead of
    // LastFeedSequence(), so an ack of anything sent is accepted.
    const uint64_t last = store_->LastFeedSequence();
    if (last <= cursor) {
      hub_->AwaitAfter(cursor, kIdleWait);
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<v1::ActionEvent> events,
                     store_->ReadFeed(cursor + 1, std::min<uint64_t>(kPageSize, last - cursor)));
    // Retention overtook this reader: what follows its cursor is gone.
    if (events.empty() || events.front().sequence() != cursor + 1) {
      return NotKept(cursor, store_->OldestFeedSequence());
    }
    for (const v1::ActionEvent& event : events) {
      cursor = event.sequence();
      if (Matches(request, event) && !send(event)) {
        return absl::CancelledError("the client stopped reading");
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::AckActionsResponse> ActionFeed::Ack(const v1::AckActionsRequest& request) {
  if (std::string problem = ConsumerNameProblem(request.consumer()); !problem.empty()) {
    return absl::InvalidArgumentError(problem);
  }
  const uint64_t last = store_->LastFeedSequence();
  if (request.sequence() > last) {
    return absl::InvalidArgumentError(
        absl::StrCat("sequence ", request.sequence(), " is beyond the last event, ", last));
  }
  auto response = std::make_shared<v1::AckActionsResponse>();
  auto result = std::make_shared<absl::Status>();
  auto done = std::make_shared<absl::Notification>();
  const std::string consumer = request.consumer();
  absl::Status queued = writer_->Submit(
      [this, request, response](LedgerView&) -> absl::StatusOr<LedgerWrite> {
        auto it = acked_.find(request.consumer());
        uint64_t current = 0;
        bool known = it != acked_.end();
        if (known) {
          current = it->second;
        } else {
          ASSIGN_OR_RETURN(std::optional<v1::ConsumerCursor> stored,
                           store_->GetConsumerCursor(request.consumer()));
          known = stored.has_value();
          if (known) current = stored->acked_sequence();
        }
        response->set_last_sequence(store_->LastFeedSequence());
        LedgerWrite write;
        if (known && request.sequence() <= current) {
          response->set_acked_sequence(current);
          return write;
        }
        v1::ConsumerCursor cursor;
        cursor.set_consumer(request.consumer());
        cursor.set_acked_sequence(std::max(current, request.sequence()));
        *cursor.mutable_acked_at() = ToProtoTime(clock_->Now());
        acked_[request.consumer()] = cursor.acked_sequence();
        response->set_acked_sequence(cursor.acked_sequence());
        write.cursors.push_back(std::move(cursor));
        return write;
      },
      [this, consumer, result, done](absl::Status status) {
        // A failed commit leaves the stored cursor as it was: read it back next time.
        if (!status.ok()) acked_.erase(consumer);
        *result = std::move(status);
        done->Notify();
      });
  RETURN_IF_ERROR(queued);
  done->WaitForNotification();
  RETURN_IF_ERROR(*result);
  return *response;
}

absl::StatusOr<v1::ListConsumersResponse> ActionFeed::ListConsumers() {
  v1::ListConsumersResponse response;
  response.set_last_sequence(store_->LastFeedSequence());
  response.set_oldest_sequence(store_->OldestFeedSequence());
  ASSIGN_OR_RETURN(std::vector<v1::ConsumerCursor> cursors, store_->ListConsumerCursors());
  for (const v1::ConsumerCursor& c : cursors) {
    v1::ConsumerStatus* s = response.add_consumers();
    s->set_consumer(c.consumer());
    s->set_acked_sequence(c.acked_sequence());
    *s->mutable_acked_at() = c.acked_at();
    s->set_lag(response.last_sequence() > c.acked_sequence()
                   ? response.last_sequence() - c.acked_sequence()
                   : 0);
    s->set_watching(hub_->Watching(c.consumer()));
  }
  return response;
}

}  // namespace enforcer
