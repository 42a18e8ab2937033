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

std::optional<Caller> Admit(const Authenticator& auth, absl::string_view method,
                            grpc::CallbackServerContext* context,
                            grpc::ServerUnaryReactor* reactor) {
  absl::StatusOr<Caller> caller = auth.Authorize(*context, method);
  if (caller.ok()) return *std::move(caller);
  reactor->Finish(ToGrpcStatus(caller.status()));
  return std::nullopt;
}

grpc::ServerUnaryReactor* EnforcerService::ReportViolation(
    grpc::CallbackServerContext* context, const v1::ReportViolationRequest* request,
    v1::ReportViolationResponse* response) {
  // Finished later, on the writer thread, once the report is durable.
  return AnswerLater(*auth_, "enforcer.v1.Enforcer/ReportViolation", context, response,
                     [this, request](const Caller& caller, Enforcer::ReportCallback done) {
                       enforcer_->ReportViolation(*request, ReporterOf(caller), std::move(done));
                     });
}

grpc::ServerBidiReactor<v1::ReportViolationRequest, v1::ReportViolationResult>*
EnforcerService::ReportViolations(grpc::CallbackServerContext* context) {
  absl::StatusOr<Caller> caller =
      auth_->Authorize(*context, "enforcer.v1.Enforcer/ReportViolations");
  if (!caller.ok()) return new RefusedReportStream(ToGrpcStatus(caller.status()));
  return new ReportStream(enforcer_, ReporterOf(*caller));  // deletes itself when done
}

grpc::ServerUnaryReactor* EnforcerService::GetStanding(grpc::CallbackServerContext* context,
                                                       const v1::GetStandingRequest* request,
                                                       v1::GetStandingResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.Enforcer/GetStanding", context, response,
                   [&](const Caller&) { return enforcer_->GetStanding(*request); });
}

grpc::ServerUnaryReactor* EnforcerService::ListHistory(grpc::CallbackServerContext* context,
                                                       const v1::ListHistoryRequest* request,
                                                       v1::ListHistoryResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.Enforcer/ListHistory", context, response,
                   [&](const Caller&) { return enforcer_->ListHistory(*request); });
}

}  // namespace enforcer
