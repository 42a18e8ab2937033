// PolicySimulator: PolicyAdmin.SimulatePolicy. Reads every subject's ledger (or the ones asked
// for) on worker threads and backtests a candidate on each (rules/simulation.h); writes nothing.
#ifndef ENFORCERD_ENGINE_POLICY_SIMULATOR_H_
#define ENFORCERD_ENGINE_POLICY_SIMULATOR_H_

#include <atomic>
#include <functional>

#include "absl/status/statusor.h"
#include "proto/policy_admin.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class PolicySimulator {
 public:
  // `store` must outlive the simulator. `threads` workers read and replay ledgers.
  PolicySimulator(LedgerStore* store, int threads) : store_(store), threads_(threads) {}

  // Runs the simulation the request asks for. `progress` is called now and then (on the calling
  // thread) with what is done so far; when `cancelled` returns true the run stops (CANCELLED).
  // A candidate that does not compile is a result with its diagnostics (done, no result), not an
  // error. INVALID_ARGUMENT for bad fields; FAILED_PRECONDITION while another simulation runs
  // (one at a time: each reads every ledger on the machine's cores).
  absl::StatusOr<v1::SimulatePolicyProgress> Simulate(
      const v1::SimulatePolicyRequest& request,
      const std::function<void(const v1::SimulatePolicyProgress&)>& progress,
      const std::function<bool()>& cancelled);

  // Stops a running simulation soon (CANCELLED) and refuses new ones: for shutdown.
  void Cancel() { shutting_down_ = true; }

 private:
  absl::StatusOr<v1::SimulatePolicyProgress> Run(
      const v1::SimulatePolicyRequest& request,
      const std::function<void(const v1::SimulatePolicyProgress&)>& progress,
      const std::function<bool()>& cancelled);

  std::atomic<bool> running_{false};
  std::atomic<bool> shutting_down_{false};
  LedgerStore* const store_;
  const int threads_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_SIMULATOR_H_
