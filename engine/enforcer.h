// Enforcer: the decision pipeline behind the gRPC API.
//
//   validate fields (caller's thread) → queue →
//   dedupe → pick the policy in force → check against it → re-evaluate the subject if the policy
//   changed since its last decision → evaluate → commit (writer thread) → respond
//
// Reads (standing, history) go straight to the store from the caller's thread. The policy is
// chosen on the writer thread, and activating a policy is itself a writer job, so each ledger's
// decisions carry policy versions in activation order and no report is decided under two.
#ifndef ENFORCERD_ENGINE_ENFORCER_H_
#define ENFORCERD_ENGINE_ENFORCER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "engine/shadow_evaluator.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

class Enforcer {
 public:
  using ReportCallback = std::function<void(absl::StatusOr<v1::ReportViolationResponse>)>;

  // All pointers must outlive the Enforcer; `writer` must write to `store`, and `policies` read it.
  Enforcer(LedgerStore* store, LedgerWriter* writer, Clock* clock, PolicyRegistry* policies);

  // Validates, then queues the report; `done` runs exactly once: with the response after the
  // commit is durable, or with an error (INVALID_ARGUMENT, ALREADY_EXISTS for a report_id reused
  // with different content, RESOURCE_EXHAUSTED when the queue is full, UNAVAILABLE when storage
  // fails). Malformed reports are answered before this returns, on the caller's thread; the
  // checks against the policy run after deduplication, so a resent report gets its outcome even
  // if the policy has changed since. A resend answers with the outcome as the ledger holds it.
  //
  // `reporter` is the authenticated service reporting (empty without authentication): report
  // ids are its own, so one service can never squat or read another's, and the violation
  // records it.
  void ReportViolation(const v1::ReportViolationRequest& request, const std::string& reporter,
                       ReportCallback done);
  void ReportViolation(const v1::ReportViolationRequest& request, ReportCallback done) {
    ReportViolation(request, std::string(), std::move(done));
  }

  absl::StatusOr<v1::GetStandingResponse> GetStanding(const v1::GetStandingRequest& request);
  absl::StatusOr<v1::ListHistoryResponse> ListHistory(const v1::ListHistoryRequest& request);

  std::shared_ptr<const Policy> policy() const { return policies_->active(); }

  // Shadow mode: every report is also decided under `shadow`'s policy, when one is set. Call
  // before the first report; `shadow` must outlive the Enforcer.
  void set_shadow(ShadowEvaluator* shadow) { shadow_ = shadow; }

  // Makes `policy` the one in force, as a writer job: reports queued before it are decided under
  // the previous policy, reports queued after under this one. Records the activation (with the
  // policy's text and `source`) in the ledger. `done` runs once it is durable.
  void ActivatePolicy(std::shared_ptr<const Policy> policy, ActivationInfo info,
                      std::function<void(absl::Status)> done);
  // ActivatePolicy, telling `done` the activation it recorded, or nullopt when `policy` already
  // was the last activation (nothing recorded). Decided on the writer, so two loads cannot race.
  using ActivationCallback =
      std::function<void(absl::StatusOr<std::optional<v1::PolicyActivation>>)>;
  void ActivatePolicyRecorded(std::shared_ptr<const Policy> policy, ActivationInfo info,
                              ActivationCallback done);
  // ActivatePolicy, waiting for it.
  absl::Status ActivatePolicyAndWait(std::shared_ptr<const Policy> policy, ActivationInfo info);

 private:
  absl::StatusOr<LedgerWrite> Apply(const v1::ReportViolationRequest& sent,
                                    const std::string& reporter, absl::Time received_at,
                                    LedgerView& view, v1::ReportViolationResponse* response);
  absl::StatusOr<LedgerWrite> Resend(const v1::ReportViolationRequest& sent,
                                     const v1::StoredReport& earlier, LedgerView& view,
                                     v1::ReportViolationResponse* response);
  // Decides `recorded` for one subject; appends its entries and state to `write`.
  // `without_points`: the violation counts no points (a notifier the policy suspends).
  absl::Status DecideFor(const Policy& policy, const v1::Subject& subject, bool first,
                         bool without_points, const v1::ReportViolationRequest& recorded,
                         absl::Time now, LedgerView& view, LedgerWrite* write,
                         v1::ReportViolationResponse* response);
  absl::Time Now();

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
  ShadowEvaluator* shadow_ = nullptr;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ENFORCER_H_
