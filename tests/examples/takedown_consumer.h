// TakedownConsumer: the pattern a listing or live service follows to carry out enforcerd's
// actions from the action feed (ActionFeed.WatchActions). It
//   - watches as a named consumer, so a restart resumes after its last ack;
//   - applies each event at most once: the effect (here, the set of listings taken down) and the
//     sequence it has applied up to are saved together, atomically, so a crash between applying
//     and acking only makes the feed resend events it then skips by sequence;
//   - acks every `ack_every` events (and when the stream ends), so enforcerd can show its lag;
//   - takes a listing down on ACTION_ISSUED of an ACTION_TAKE_DOWN and restores it on
//     ACTION_LIFTED / ACTION_REINSTATED of one; other action types are another service's job;
//   - on OUT_OF_RANGE (it fell behind the feed's retention) stops: it must reconcile from the
//     ledgers (Enforcer.ListHistory) before resuming from the oldest event kept.
#ifndef ENFORCERD_TESTS_EXAMPLES_TAKEDOWN_CONSUMER_H_
#define ENFORCERD_TESTS_EXAMPLES_TAKEDOWN_CONSUMER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "proto/action_feed.grpc.pb.h"

namespace enforcer::examples {

class TakedownConsumer {
 public:
  struct Options {
    std::string consumer = "listing-takedowns";
    // Where the listing service keeps its state: the listings down and the last sequence applied.
    std::string state_file;
    int ack_every = 100;
  };

  // Loads the state file if there is one.
  TakedownConsumer(std::shared_ptr<grpc::Channel> channel, Options options);

  // Watches until Stop() (OK), or the stream fails (its status: UNAVAILABLE to retry,
  // OUT_OF_RANGE to reconcile first). Acks what it applied before returning.
  absl::Status RunSession();
  // Ends a running session (from another thread).
  void Stop();

  // The listings taken down now, and how often each was taken down (a listing taken down twice
  // for one event would show 2: the test that it never happens).
  std::set<std::string> taken_down() const;
  std::map<std::string, int> take_downs() const;
  uint64_t applied_through() const;

 private:
  // Applies one event unless already applied; saves the state. False if the save failed.
  bool Apply(const v1::ActionEvent& event);
  absl::Status Save() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Load();
  absl::Status Ack();

  const Options options_;
  std::unique_ptr<v1::ActionFeed::Stub> stub_;
  mutable absl::Mutex mu_;
  std::set<std::string> down_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> take_downs_ ABSL_GUARDED_BY(mu_);
  uint64_t applied_through_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::ClientContext* session_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace enforcer::examples

#endif  // ENFORCERD_TESTS_EXAMPLES_TAKEDOWN_CONSUMER_H_
