#include "engine/feed_hub.h"

namespace enforcer {

void FeedHub::Published() {
  absl::MutexLock lock(&mu_);
  // Releasing the mutex re-evaluates every waiter's condition.
  ++published_;
}

void FeedHub::AwaitAfter(uint64_t sequence, absl::Duration timeout) {
  auto ready = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || store_->LastFeedSequence() > sequence;
  };
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
}

void FeedHub::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool FeedHub::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

void FeedHub::Opened(const std::string& consumer) {
  if (consumer.empty()) return;
  absl::MutexLock lock(&mu_);
  ++watching_[consumer];
}

void FeedHub::Closed(const std::string& consumer) {
  if (consumer.empty()) return;
  absl::MutexLock lock(&mu_);
  if (--watching_[consumer] <= 0) watching_.erase(consumer);
}

int FeedHub::Watching(const std::string& consumer) const {
  absl::MutexLock lock(&mu_);
  auto it = watching_.find(consumer);
  return it == watching_.end() ? 0 : it->second;
}

}  // namespace enforcer
