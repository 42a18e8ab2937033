#include "engine/cases_service.h"

#include <utility>

#include "engine/grpc_service.h"

namespace enforcer {

grpc::ServerUnaryReactor* CasesService::RecordRemedy(grpc::CallbackServerContext* context,
                                                     const v1::RecordRemedyRequest* request,
                                                     v1::RecordRemedyResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pipeline_->RecordRemedy(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::LinkSubjects(grpc::CallbackServerContext* context,
                                                     const v1::LinkSubjectsRequest* request,
                                                     v1::LinkSubjectsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pipeline_->LinkSubjects(*request, FinishLater(reactor, response));
  return reactor;
}

}  // namespace enforcer
