// ActionScheduler: records what time alone does to actions. A timed restriction or suspension
// ends (an ActionEnded entry in the subject's ledger, an ACTION_ENDED event in the feed) and a
// pending action takes effect (ActionTookEffect, ACTION_TOOK_EFFECT) at its time, once each.
//
// It never scans subjects: the store keeps a time-ordered index of timers (derived from every
// subject state written), and each pass reads only the timers that have come due, decides on the
// writer thread from the subject's state what is really due (a lifted or moved action's timer is
// stale), and records it in the same batch that consumes the timers. So an event is recorded
// exactly once, also across a crash either side of that batch, and a time that passed while the
// daemon was down is recorded by the first pass after it starts.
//
// The same decision runs whenever any writer job first touches a subject (the scheduler installs
// itself as the writer's subject preparer): a report that arrives between an action's end and the
// next pass finds the end recorded first, so the ledger and the feed never show an end after a
// newer action of the subject.
//
// It also applies the feed's retention, removing events older than it.
#ifndef ENFORCERD_ENGINE_ACTION_SCHEDULER_H_
#define ENFORCERD_ENGINE_ACTION_SCHEDULER_H_

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "storage/ledger_store.h"

namespace enforcer {

class ActionScheduler {
 public:
  struct Options {
    // How often the thread looks for due timers: an event is recorded at most this late.
    absl::Duration tick = absl::Seconds(1);
    // Timers handled per pass (the rest wait for the next), and subjects per writer job.
    size_t max_timers_per_pass = 4096;
    size_t subjects_per_job = 128;
    // Feed events older than this are removed (checked once a minute). Zero keeps them forever.
    absl::Duration feed_retention = absl::Hours(24 * 30);
  };

  // Every pointer must outlive the scheduler. Installs the scheduler as `writer`'s subject
  // preparer (LedgerWriter::SetSubjectPreparer) until it is destroyed.
  ActionScheduler(LedgerStore* store, LedgerWriter* writer, PolicyRegistry* policies, Clock* clock,
                  Options options);
  ~ActionScheduler();

  // Starts the thread: a pass now, then one every tick.
  void Start();
  // Stops the thread (a pass under way finishes). Idempotent.
  void Stop();

  // One pass: records every event due now and consumes the due timers. Returns how many ledger
  // entries it recorded. UNAVAILABLE if the ledger cannot be read or written (the timers stay and
  // the next pass tries again). Called by the thread, and by tests with an injected clock.
  absl::StatusOr<int> RunOnce();

  // Removes the feed events older than the retention. Returns how many it removed.
  absl::StatusOr<uint64_t> ApplyRetention();

 private:
  void Run();
  // The subject preparer: records what is due for `stored`'s subject now (writer thread).
  absl::StatusOr<LedgerWrite> Prepare(LedgerView& view, const v1::SubjectState& stored);
  // Records what `due` (one scan's timers) makes due, a writer job per subjects_per_job subjects.
  absl::StatusOr<int> RecordAll(std::vector<v1::ActionTimer> due);
  // Submits one writer job for `timers` (all due, grouped by subject) and waits for it.
  absl::StatusOr<int> RecordDue(std::vector<v1::ActionTimer> timers);
  absl::Status SubmitAndWait(LedgerWriter::ApplyFn apply);

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  PolicyRegistry* const policies_;
  Clock* const clock_;
  const Options options_;
  absl::Notification stop_;
  // Writer thread only: while a pass's job runs, where Prepare counts what it records.
  int* counting_ = nullptr;
  std::thread thread_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ACTION_SCHEDULER_H_
