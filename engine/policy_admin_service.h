// The gRPC face of policy administration (enforcer.v1.PolicyAdmin): converts and delegates.
#ifndef ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_
#define ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "engine/subject_sweeper.h"
#include "proto/policy_admin.grpc.pb.h"

namespace enforcer {

class PolicyAdminService final : public v1::PolicyAdmin::CallbackService {
 public:
  explicit PolicyAdminService(SubjectSweeper* sweeper) : sweeper_(sweeper) {}
  // Cancels a running sweep and waits for its thread.
  ~PolicyAdminService() override;

  // The sweep runs on a thread of its own, never on gRPC's callback threads.
  grpc::ServerUnaryReactor* ReevaluateSubjects(grpc::CallbackServerContext* context,
                                               const v1::ReevaluateSubjectsRequest* request,
                                               v1::ReevaluateSubjectsResponse* response) override;

  // Makes a running sweep stop soon, so that shutdown does not wait for it.
  void Cancel() { sweeper_->Cancel(); }

 private:
  SubjectSweeper* const sweeper_;
  std::atomic<bool> busy_{false};
  absl::Mutex mu_;
  std::thread worker_ ABSL_GUARDED_BY(mu_);
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_POLICY_ADMIN_SERVICE_H_
