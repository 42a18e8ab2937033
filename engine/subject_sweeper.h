// SubjectSweeper: brings every subject under the policy in force while the daemon serves.
//
// After a reload each subject is re-evaluated at its next report anyway; the sweep does it for
// all of them now, so standings, feeds and case views reflect the new policy at once. It walks
// the subjects found in the ledgers and submits one writer job per subject (a bounded number in
// flight, so reports keep flowing), each deciding on the writer thread, under the policy in force
// then, whether the subject needs re-evaluating and recording it.
#ifndef ENFORCERD_ENGINE_SUBJECT_SWEEPER_H_
#define ENFORCERD_ENGINE_SUBJECT_SWEEPER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "storage/ledger_store.h"

namespace enforcer {

struct SweepReport {
  std::string policy_version;
  uint64_t subjects = 0;
  uint64_t reevaluated = 0;
  uint64_t changed = 0;
  std::vector<std::string> quarantined;  // "SELLER/s-1: <why>"
  absl::Time started_at;
  absl::Time finished_at;
};

class SubjectSweeper {
 public:
  // All pointers must outlive the sweeper. A re-evaluation replays the subject's ledger on the
  // writer thread (tens of ms for a seller with years of daily reports), so only a few are in
  // flight at once: a commit group holds at most that many, and reports wait at most that long.
  SubjectSweeper(LedgerStore* store, LedgerWriter* writer, PolicyRegistry* policies, Clock* clock,
                 int max_in_flight = 4);

  // Blocks until every subject has been visited. FAILED_PRECONDITION while another sweep runs;
  // CANCELLED after Cancel(); UNAVAILABLE if the ledger cannot be written (subjects already
  // re-evaluated stay so).
  absl::StatusOr<SweepReport> ReevaluateAll();

  // Makes a running sweep stop at its next subject, and every later one refuse to start (for
  // shutdown).
  void Cancel() { cancelled_ = true; }

 private:
  absl::Status SubmitOne(const v1::Subject& subject, SweepReport* report);
  void AwaitInFlight(int at_most);

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  PolicyRegistry* const policies_;
  Clock* const clock_;
  const int max_in_flight_;
  std::atomic<bool> running_{false};
  std::atomic<bool> cancelled_{false};

  absl::Mutex mu_;
  absl::CondVar drained_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_SUBJECT_SWEEPER_H_
