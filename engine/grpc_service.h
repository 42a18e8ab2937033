// The gRPC face of the Enforcer: converts and delegates, nothing more. absl::Status becomes
// grpc::Status in exactly one place, ToGrpcStatus().
#ifndef ENFORCERD_ENGINE_GRPC_SERVICE_H_
#define ENFORCERD_ENGINE_GRPC_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/access_control.h"
#include "engine/authenticator.h"
#include "engine/enforcer.h"
#include "proto/enforcer.grpc.pb.h"

namespace enforcer {

// Error messages sent to clients are at most this long (a policy's diagnostics, say, can be
// longer: the rest is cut and counted), so no reply outgrows a client's message limit.
inline constexpr size_t kMaxErrorMessageBytes = 8192;
std::string BoundedMessage(absl::string_view message);

grpc::Status ToGrpcStatus(const absl::Status& status);

// Admits a unary call: the caller, if `auth` lets it call `method`; otherwise finishes the call
// with the refusal (UNAUTHENTICATED or PERMISSION_DENIED) and returns nullopt.
std::optional<Caller> Admit(const Authenticator& auth, absl::string_view method,
                            grpc::CallbackServerContext* context,
                            grpc::ServerUnaryReactor* reactor);

// `request` with its actor set to the authenticated caller: who did it is never a request field
// once callers authenticate. Without authentication the request's actor stands.
template <typename Request>
Request WithActor(const Request& request, const Caller& caller) {
  Request copy = request;
  if (caller.authenticated) copy.set_actor(caller.name);
  return copy;
}

// A unary call answered at once: `answer(caller)` if the caller is admitted.
template <typename Response, typename Answer>
grpc::ServerUnaryReactor* AnswerNow(const Authenticator& auth, absl::string_view method,
                                    grpc::CallbackServerContext* context, Response* response,
                                    Answer answer) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::optional<Caller> caller = Admit(auth, method, context, reactor);
  if (!caller.has_value()) return reactor;
  absl::StatusOr<Response> result = answer(*caller);
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

// A unary call answered later (on the writer thread, once durable): `start(caller, done)`.
template <typename Response, typename Start>
grpc::ServerUnaryReactor* AnswerLater(const Authenticator& auth, absl::string_view method,
                                      grpc::CallbackServerContext* context, Response* response,
                                      Start start) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::optional<Caller> caller = Admit(auth, method, context, reactor);
  if (!caller.has_value()) return reactor;
  start(*caller, [reactor, response](absl::StatusOr<Response> result) {
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

// Finishes a unary call now with `result`.
template <typename Response>
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    absl::StatusOr<Response> result, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

// A callback that finishes a unary call later (on the writer thread, once durable).
template <typename Response>
std::function<void(absl::StatusOr<Response>)> FinishLater(grpc::ServerUnaryReactor* reactor,
                                                          Response* response) {
  return [reactor, response](absl::StatusOr<Response> result) {
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

class EnforcerService final : public v1::Enforcer::CallbackService {
 public:
  // Both must outlive the service.
  EnforcerService(Enforcer* enforcer, const Authenticator* auth)
      : enforcer_(enforcer), auth_(auth) {}

  grpc::ServerUnaryReactor* ReportViolation(grpc::CallbackServerContext* context,
                                            const v1::ReportViolationRequest* request,
                                            v1::ReportViolationResponse* response) override;
  grpc::ServerBidiReactor<v1::ReportViolationRequest, v1::ReportViolationResult>* ReportViolations(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetStanding(grpc::CallbackServerContext* context,
                                        const v1::GetStandingRequest* request,
                                        v1::GetStandingResponse* response) override;
  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* context,
                                        const v1::ListHistoryRequest* request,
                                        v1::ListHistoryResponse* response) override;

 private:
  Enforcer* const enforcer_;
  const Authenticator* const auth_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_GRPC_SERVICE_H_
