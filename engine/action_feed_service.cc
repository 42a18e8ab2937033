#include "engine/action_feed_service.h"

#include <utility>

#include "engine/grpc_service.h"

namespace enforcer {

grpc::Status ActionFeedService::WatchActions(grpc::ServerContext* context,
                                             const v1::WatchActionsRequest* request,
                                             grpc::ServerWriter<v1::ActionEvent>* writer) {
  return ToGrpcStatus(feed_->Watch(
      *request, [context] { return context->IsCancelled(); },
      [writer](const v1::ActionEvent& event) { return writer->Write(event); }));
}

grpc::Status ActionFeedService::AckActions(grpc::ServerContext*,
                                           const v1::AckActionsRequest* request,
                                           v1::AckActionsResponse* response) {
  absl::StatusOr<v1::AckActionsResponse> result = feed_->Ack(*request);
  if (result.ok()) *response = *std::move(result);
  return ToGrpcStatus(result.status());
}

grpc::Status ActionFeedService::ListConsumers(grpc::ServerContext*, const v1::ListConsumersRequest*,
                                              v1::ListConsumersResponse* response) {
  absl::StatusOr<v1::ListConsumersResponse> result = feed_->ListConsumers();
  if (result.ok()) *response = *std::move(result);
  return ToGrpcStatus(result.status());
}

}  // namespace enforcer
