// The gRPC face of policy administration (enforcer.v1.PolicyAdmin): converts and delegates to
// PolicyAdministration (versions, validation, loading) and SubjectSweeper (re-evaluation).
#ifndef ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_
#define ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "engine/authenticator.h"
#include "engine/policy_administration.h"
#include "engine/policy_simulator.h"
#include "engine/shadow_administration.h"
#include "engine/subject_sweeper.h"
#include "proto/policy_admin.grpc.pb.h"

namespace enforcer {

class PolicyAdminService final : public v1::PolicyAdmin::CallbackService {
 public:
  // All must outlive the service.
  PolicyAdminService(SubjectSweeper* sweeper, PolicyAdministration* administration,
                     PolicySimulator* simulator, ShadowAdministration* shadow,
                     const Authenticator* auth)
      : sweeper_(sweeper),
        administration_(administration),
        simulator_(simulator),
        shadow_(shadow),
        auth_(auth) {}
  // Cancels a running sweep and waits for its thread.
  ~PolicyAdminService() override;

  // The sweep runs on a thread of its own, never on gRPC's callback threads.
  grpc::ServerUnaryReactor* ReevaluateSubjects(grpc::CallbackServerContext* context,
                                               const v1::ReevaluateSubjectsRequest* request,
                                               v1::ReevaluateSubjectsResponse* response) override;

  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* context,
                                      const v1::GetPolicyRequest* request,
                                      v1::GetPolicyResponse* response) override;
  grpc::ServerUnaryReactor* ListPolicyVersions(grpc::CallbackServerContext* context,
                                               const v1::ListPolicyVersionsRequest* request,
                                               v1::ListPolicyVersionsResponse* response) override;
  grpc::ServerUnaryReactor* ValidatePolicy(grpc::CallbackServerContext* context,
                                           const v1::ValidatePolicyRequest* request,
                                           v1::ValidatePolicyResponse* response) override;
  // Answered on the writer thread once the activation is durable.
  grpc::ServerUnaryReactor* LoadPolicy(grpc::CallbackServerContext* context,
                                       const v1::LoadPolicyRequest* request,
                                       v1::LoadPolicyResponse* response) override;
  grpc::ServerUnaryReactor* RollbackPolicy(grpc::CallbackServerContext* context,
                                           const v1::RollbackPolicyRequest* request,
                                           v1::LoadPolicyResponse* response) override;

  // Runs on a thread of its own; streams progress; cancelling the call stops it.
  grpc::ServerWriteReactor<v1::SimulatePolicyProgress>* SimulatePolicy(
      grpc::CallbackServerContext* context, const v1::SimulatePolicyRequest* request) override;

  // Shadow mode; the writes are answered on the writer thread once durable.
  grpc::ServerUnaryReactor* SetShadowPolicy(grpc::CallbackServerContext* context,
                                            const v1::SetShadowPolicyRequest* request,
                                            v1::SetShadowPolicyResponse* response) override;
  grpc::ServerUnaryReactor* GetShadowReport(grpc::CallbackServerContext* context,
                                            const v1::GetShadowReportRequest* request,
                                            v1::ShadowReport* response) override;
  grpc::ServerUnaryReactor* PromoteShadow(grpc::CallbackServerContext* context,
                                          const v1::PromoteShadowRequest* request,
                                          v1::LoadPolicyResponse* response) override;
  grpc::ServerUnaryReactor* ClearShadow(grpc::CallbackServerContext* context,
                                        const v1::ClearShadowRequest* request,
                                        v1::ClearShadowResponse* response) override;

  // Makes a running sweep stop soon, so that shutdown does not wait for it.
  void Cancel() { sweeper_->Cancel(); }

 private:
  SubjectSweeper* const sweeper_;
  PolicyAdministration* const administration_;
  PolicySimulator* const simulator_;
  ShadowAdministration* const shadow_;
  const Authenticator* const auth_;
  std::atomic<bool> busy_{false};
  absl::Mutex mu_;
  std::thread worker_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_
