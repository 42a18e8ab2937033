// The gRPC face of the case pipeline (enforcer.v1.Cases): converts and delegates.
#ifndef ENFORCERD_ENGINE_CASES_SERVICE_H_
#define ENFORCERD_ENGINE_CASES_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/case_pipeline.h"
#include "proto/cases.grpc.pb.h"

namespace enforcer {

class CasesService final : public v1::Cases::CallbackService {
 public:
  explicit CasesService(CasePipeline* pipeline) : pipeline_(pipeline) {}

  grpc::ServerUnaryReactor* RecordRemedy(grpc::CallbackServerContext* context,
                                         const v1::RecordRemedyRequest* request,
                                         v1::RecordRemedyResponse* response) override;
  grpc::ServerUnaryReactor* LinkSubjects(grpc::CallbackServerContext* context,
                                         const v1::LinkSubjectsRequest* request,
                                         v1::LinkSubjectsResponse* response) override;

 private:
  CasePipeline* const pipeline_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_CASES_SERVICE_H_
