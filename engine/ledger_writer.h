// LedgerWriter: the one thread that writes the ledgers.
//
// gRPC threads Submit() jobs; the writer drains the bounded queue in submission order, applies
// each job against a view that already sees the earlier jobs of the same group, commits the whole
// group as one atomic batch with one sync, and only then calls each job's `done`. So a client is
// answered only after its write is durable, gRPC threads never fsync, and an fsync (~160 µs here)
// is shared by every report that arrived while the previous group was syncing.
#ifndef ENFORCERD_ENGINE_LEDGER_WRITER_H_
#define ENFORCERD_ENGINE_LEDGER_WRITER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/ledger_store.h"

namespace enforcer {

// Reads for a job: the store, overlaid with the writes of earlier jobs in the same group.
class LedgerView {
 public:
  virtual ~LedgerView() = default;
  virtual absl::StatusOr<std::optional<v1::StoredReport>> GetReport(
      absl::string_view report_id) = 0;
  // The subject's state; an empty state naming the subject if it has no ledger yet.
  virtual absl::StatusOr<v1::SubjectState> GetSubjectState(const v1::Subject& subject) = 0;
  // Every entry of the subject's ledger, oldest first, the group's pending ones included.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> ReadSubjectLog(
      const v1::Subject& subject) = 0;
  // A violation's entry and the entries that follow it for the same violation (its decision and
  // actions), in every ledger it was recorded in, seller first; empty if it is unknown.
  virtual absl::StatusOr<std::vector<v1::LedgerEntry>> GetViolationEntries(
      absl::string_view violation_id) = 0;
  // A fresh, strictly increasing ledger sequence number.
  virtual uint64_t NextSequence() = 0;
};

class LedgerWriter {
 public:
  struct Options {
    // Submissions beyond this many waiting jobs are refused with RESOURCE_EXHAUSTED.
    size_t max_queue = 8192;
    // At most this many jobs share one batch and one sync.
    size_t max_group = 512;
  };

  // Runs on the writer thread. Returns what to commit (possibly nothing), or an error, in which
  // case nothing of this job is written and `done` gets the error.
  using ApplyFn = std::function<absl::StatusOr<LedgerWrite>(LedgerView& view)>;
  // Runs on the writer thread after the group's commit: OK means durable.
  using DoneFn = std::function<void(absl::Status)>;

  struct Stats {
    uint64_t jobs = 0;
    uint64_t groups = 0;  // commits (syncs)
    uint64_t largest_group = 0;
    uint64_t failed_commits = 0;
  };

  // `store` must outlive the writer.
  LedgerWriter(LedgerStore* store, Options options);
  explicit LedgerWriter(LedgerStore* store) : LedgerWriter(store, Options()) {}
  // Finishes every accepted job, then stops the thread.
  ~LedgerWriter();

  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // Queues a job. RESOURCE_EXHAUSTED if the queue is full, UNAVAILABLE after Shutdown(); in both
  // cases `done` is not called.
  absl::Status Submit(ApplyFn apply, DoneFn done);

  // Stops accepting jobs, finishes the accepted ones and joins the thread. Idempotent.
  void Shutdown();

  Stats stats() const;

  // Runs on the writer thread after every commit that wrote something, before the jobs' `done`
  // (the action feed wakes its watchers). It must not block. Takes effect from the next group.
  void SetCommitObserver(std::function<void()> observer);

  // Runs on the writer thread the first time a job of a group reads a subject (its state or its
  // log), with the subject's state as stored, before the job sees it. It returns what to record
  // first (nothing, usually): the scheduler's record of what time alone did to the subject since
  // its last write (actions that ran out, pending ones that took effect). That write is committed
  // in the group before the job's, even if the job fails, and the job sees it; so every job works
  // on a subject as it stands now, and the ledger and the action feed keep time order (an end is
  // never recorded after a newer action of the subject). It must not read subjects through
  // `view`. Takes effect from the next group.
  // Runs on the writer thread when commits start failing (false) and when one succeeds again
  // (true): only on changes. Takes effect from the next group.
  void SetHealthObserver(std::function<void(bool healthy)> observer);

  using SubjectPreparer =
      std::function<absl::StatusOr<LedgerWrite>(LedgerView& view, const v1::SubjectState& stored)>;
  void SetSubjectPreparer(SubjectPreparer preparer);

 private:
  struct Job {
    ApplyFn apply;
    DoneFn done;
  };
  class GroupView;

  void Run();
  void CommitGroup(std::deque<Job>& group);

  LedgerStore* const store_;
  const Options options_;
  uint64_t next_sequence_;  // writer thread only

  mutable absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::function<void()> commit_observer_ ABSL_GUARDED_BY(mu_);
  SubjectPreparer preparer_ ABSL_GUARDED_BY(mu_);
  std::function<void(bool)> health_observer_ ABSL_GUARDED_BY(mu_);
  bool healthy_ = true;  // writer thread only
  std::thread thread_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_LEDGER_WRITER_H_
