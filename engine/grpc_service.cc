#include "engine/grpc_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/report_stream.h"

namespace enforcer {

std::string BoundedMessage(absl::string_view message) {
  if (message.size() <= kMaxErrorMessageBytes) return std::string(message);
  return absl::StrCat(message.substr(0, kMaxErrorMessageBytes), "... (",
                      message.size() - kMaxErrorMessageBytes, " more bytes)");
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share their numbering (both follow google.rpc.Code).
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      BoundedMessage(status.message()));
}

grpc::ServerUnaryReactor* EnforcerService::ReportViolation(
    grpc::CallbackServerContext* context, const v1::ReportViolationRequest* request,
    v1::ReportViolationResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Finished later, on the writer thread, once the report is durable.
  enforcer_->ReportViolation(
      *request, [reactor, response](absl::StatusOr<v1::ReportViolationResponse> result) {
        if (result.ok()) *response = *std::move(result);
        reactor->Finish(ToGrpcStatus(result.status()));
      });
  return reactor;
}

grpc::ServerBidiReactor<v1::ReportViolationRequest, v1::ReportViolationResult>*
EnforcerService::ReportViolations(grpc::CallbackServerContext*) {
  return new ReportStream(enforcer_);  // deletes itself when done
}

grpc::ServerUnaryReactor* EnforcerService::GetStanding(grpc::CallbackServerContext* context,
                                                       const v1::GetStandingRequest* request,
                                                       v1::GetStandingResponse* response) {
  return FinishNow(context, enforcer_->GetStanding(*request), response);
}

grpc::ServerUnaryReactor* EnforcerService::ListHistory(grpc::CallbackServerContext* context,
                                                       const v1::ListHistoryRequest* request,
                                                       v1::ListHistoryResponse* response) {
  return FinishNow(context, enforcer_->ListHistory(*request), response);
}

}  // namespace enforcer
