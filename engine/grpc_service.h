// The gRPC face of the Enforcer: converts and delegates, nothing more. absl::Status becomes
// grpc::Status in exactly one place, ToGrpcStatus().
#ifndef ENFORCERD_ENGINE_GRPC_SERVICE_H_
#define ENFORCERD_ENGINE_GRPC_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "engine/enforcer.h"
#include "proto/enforcer.grpc.pb.h"

namespace enforcer {

grpc::Status ToGrpcStatus(const absl::Status& status);

class EnforcerService final : public v1::Enforcer::CallbackService {
 public:
  explicit EnforcerService(Enforcer* enforcer) : enforcer_(enforcer) {}

  grpc::ServerUnaryReactor* ReportViolation(grpc::CallbackServerContext* context,
                                            const v1::ReportViolationRequest* request,
                                            v1::ReportViolationResponse* response) override;
  grpc::ServerUnaryReactor* GetStanding(grpc::CallbackServerContext* context,
                                        const v1::GetStandingRequest* request,
                                        v1::GetStandingResponse* response) override;
  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* context,
                                        const v1::ListHistoryRequest* request,
                                        v1::ListHistoryResponse* response) override;

 private:
  Enforcer* const enforcer_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_GRPC_SERVICE_H_
