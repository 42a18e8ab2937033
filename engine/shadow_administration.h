// ShadowAdministration: the shadow-mode side of enforcer.v1.PolicyAdmin: set, report, promote,
// clear. The setting is recorded in the store (through the writer) so that it survives a
// restart; the decisions are made by the ShadowEvaluator on the writer thread.
#ifndef ENFORCERD_ENGINE_SHADOW_ADMINISTRATION_H_
#define ENFORCERD_ENGINE_SHADOW_ADMINISTRATION_H_

#include <functional>

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/enforcer.h"
#include "engine/ledger_writer.h"
#include "engine/policy_administration.h"
#include "engine/shadow_evaluator.h"
#include "proto/policy_admin.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class ShadowAdministration {
 public:
  template <typename T>
  using Callback = std::function<void(absl::StatusOr<T>)>;

  // All pointers must outlive this object.
  ShadowAdministration(LedgerStore* store, LedgerWriter* writer, Enforcer* enforcer,
                       ShadowEvaluator* shadow, Clock* clock)
      : store_(store), writer_(writer), enforcer_(enforcer), shadow_(shadow), clock_(clock) {}

  // The shadow recorded in the store, set again after a restart (if it still compiles).
  absl::Status Restore();

  // A policy with errors is `set: false` with its diagnostics; INVALID_ARGUMENT for a missing
  // actor or message.
  void SetShadowPolicy(const v1::SetShadowPolicyRequest& request,
                       Callback<v1::SetShadowPolicyResponse> done);
  // FAILED_PRECONDITION when no shadow is set.
  absl::StatusOr<v1::ShadowReport> GetShadowReport(const v1::GetShadowReportRequest& request);
  // FAILED_PRECONDITION when no shadow is set.
  void PromoteShadow(const v1::PromoteShadowRequest& request,
                     PolicyAdministration::LoadCallback done);
  void ClearShadow(const v1::ClearShadowRequest& request, Callback<v1::ClearShadowResponse> done);

 private:
  // Records `setting` through the writer and, once durable, makes `policy` the shadow.
  void Record(std::shared_ptr<const Policy> policy, v1::ShadowSetting setting,
              std::function<void(absl::Status)> done);

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  Enforcer* const enforcer_;
  ShadowEvaluator* const shadow_;
  Clock* const clock_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_SHADOW_ADMINISTRATION_H_
