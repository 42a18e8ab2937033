// FeedHub: wakes the action feed's watchers when events commit, and counts the open streams of
// each named consumer. The writer calls Published() after every commit; a watcher that has read
// everything waits in AwaitAfter() instead of polling the store.
#ifndef ENFORCERD_ENGINE_FEED_HUB_H_
#define ENFORCERD_ENGINE_FEED_HUB_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/ledger_store.h"

namespace enforcer {

class FeedHub {
 public:
  // `store` must outlive the hub.
  explicit FeedHub(const LedgerStore* store) : store_(store) {}

  // Something committed (on the writer thread; never blocks for long).
  void Published();

  // Returns once an event after `sequence` is committed, `timeout` has passed, or the hub is
  // closed; the caller re-reads the store either way.
  void AwaitAfter(uint64_t sequence, absl::Duration timeout);

  // Wakes every waiter for good (shutdown).
  void Close();
  bool closed() const;

  // Open streams of a named consumer ("" is not counted).
  void Opened(const std::string& consumer);
  void Closed(const std::string& consumer);
  int Watching(const std::string& consumer) const;

 private:
  const LedgerStore* const store_;
  mutable absl::Mutex mu_;
  uint64_t published_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, int> watching_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_FEED_HUB_H_
