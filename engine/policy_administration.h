// PolicyAdministration: the policy side of enforcer.v1.PolicyAdmin: the version in force and its
// history, validating a candidate, loading it, rolling back. Activation goes through the
// Enforcer's writer job, so reports are decided wholly under one version, in activation order.
#ifndef ENFORCERD_ENGINE_POLICY_ADMINISTRATION_H_
#define ENFORCERD_ENGINE_POLICY_ADMINISTRATION_H_

#include <functional>

#include "absl/status/statusor.h"
#include "engine/enforcer.h"
#include "engine/policy_registry.h"
#include "proto/policy_admin.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class PolicyAdministration {
 public:
  using LoadCallback = std::function<void(absl::StatusOr<v1::LoadPolicyResponse>)>;

  // All pointers must outlive this object.
  PolicyAdministration(LedgerStore* store, Enforcer* enforcer, PolicyRegistry* policies)
      : store_(store), enforcer_(enforcer), policies_(policies) {}

  absl::StatusOr<v1::GetPolicyResponse> GetPolicy();
  // INVALID_ARGUMENT for a bad page size or token.
  absl::StatusOr<v1::ListPolicyVersionsResponse> ListPolicyVersions(
      const v1::ListPolicyVersionsRequest& request);
  // INVALID_ARGUMENT only for a text over the size limit; a bad policy is `valid: false`.
  absl::StatusOr<v1::ValidatePolicyResponse> ValidatePolicy(
      const v1::ValidatePolicyRequest& request);

  // `done` runs once, after the activation is durable (or at once for a policy with errors:
  // activated=false with its diagnostics). INVALID_ARGUMENT for a missing actor or message.
  void LoadPolicy(const v1::LoadPolicyRequest& request, LoadCallback done);
  // NOT_FOUND for a version the ledger never recorded.
  void RollbackPolicy(const v1::RollbackPolicyRequest& request, LoadCallback done);

 private:
  void Activate(std::shared_ptr<const Policy> policy, ActivationInfo info,
                v1::LoadPolicyResponse response, LoadCallback done);

  LedgerStore* const store_;
  Enforcer* const enforcer_;
  PolicyRegistry* const policies_;
};

// The activation as the API shows it.
v1::PolicyVersion ToPolicyVersion(const v1::PolicyActivation& activation);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_ADMINISTRATION_H_
