// Enforcer: the decision pipeline behind the gRPC API.
//
//   validate fields (caller's thread) → queue →
//   dedupe → check against the policy → evaluate → commit (writer thread) → respond
//
// Reads (standing, history) go straight to the store from the caller's thread. The policy in force
// is an immutable snapshot that can be swapped at any time; a report is decided by the snapshot
// that validated it.
#ifndef ENFORCERD_ENGINE_ENFORCER_H_
#define ENFORCERD_ENGINE_ENFORCER_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

class Enforcer {
 public:
  using ReportCallback = std::function<void(absl::StatusOr<v1::ReportViolationResponse>)>;

  // All pointers must outlive the Enforcer; `writer` must write to `store`.
  Enforcer(LedgerStore* store, LedgerWriter* writer, Clock* clock,
           std::shared_ptr<const Policy> policy);

  // Validates, then queues the report; `done` runs exactly once: with the response after the
  // commit is durable, or with an error (INVALID_ARGUMENT, ALREADY_EXISTS for a report_id reused
  // with different content, RESOURCE_EXHAUSTED when the queue is full, UNAVAILABLE when storage
  // fails). Malformed reports are answered before this returns, on the caller's thread; the
  // checks against the policy run after deduplication, so a resent report gets its original
  // outcome even if the policy has changed since.
  void ReportViolation(const v1::ReportViolationRequest& request, ReportCallback done);

  absl::StatusOr<v1::GetStandingResponse> GetStanding(const v1::GetStandingRequest& request);
  absl::StatusOr<v1::ListHistoryResponse> ListHistory(const v1::ListHistoryRequest& request);

  std::shared_ptr<const Policy> policy() const;
  void SetPolicy(std::shared_ptr<const Policy> policy);

 private:
  absl::StatusOr<LedgerWrite> Apply(const Policy& policy, const v1::ReportViolationRequest& sent,
                                    absl::Time received_at, LedgerView& view,
                                    v1::ReportViolationResponse* response);

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  Clock* const clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Policy> policy_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ENFORCER_H_
