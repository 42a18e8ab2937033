#include "engine/action_feed_service.h"

#include <utility>

#include "engine/grpc_service.h"

namespace enforcer {

grpc::Status ActionFeedService::WatchActions(grpc::ServerContext* context,
                                             const v1::WatchActionsRequest* request,
                                             grpc::ServerWriter<v1::ActionEvent>* writer) {
  absl::StatusOr<Caller> caller = auth_->Authorize(*context, "enforcer.v1.ActionFeed/WatchActions");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(feed_->Watch(
      *request, [context] { return context->IsCancelled(); },
      [writer](const v1::ActionEvent& event) { return writer->Write(event); }));
}

grpc::Status ActionFeedService::AckActions(grpc::ServerContext* context,
                                           const v1::AckActionsRequest* request,
                                           v1::AckActionsResponse* response) {
  absl::Status admitted = auth_->Authorize(*context, "enforcer.v1.ActionFeed/AckActions").status();
  if (!admitted.ok()) return ToGrpcStatus(admitted);
  absl::StatusOr<v1::AckActionsResponse> result = feed_->Ack(*request);
  if (result.ok()) *response = *std::move(result);
  return ToGrpcStatus(result.status());
}

grpc::Status ActionFeedService::ListConsumers(grpc::ServerContext* context,
                                              const v1::ListConsumersRequest*,
                                              v1::ListConsumersResponse* response) {
  absl::Status admitted =
      auth_->Authorize(*context, "enforcer.v1.ActionFeed/ListConsumers").status();
  if (!admitted.ok()) return ToGrpcStatus(admitted);
  absl::StatusOr<v1::ListConsumersResponse> result = feed_->ListConsumers();
  if (result.ok()) *response = *std::move(result);
  return ToGrpcStatus(result.status());
}

}  // namespace enforcer
