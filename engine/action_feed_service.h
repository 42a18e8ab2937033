// The gRPC face of the ActionFeed: converts and delegates. A synchronous service: each open
// WatchActions stream holds one thread of the server's pool while it blocks on the client's
// flow control or waits for events, which is what keeps a slow consumer's cost to that thread
// (downstream consumers are few: listing, live, notification services).
#ifndef ENFORCERD_ENGINE_ACTION_FEED_SERVICE_H_
#define ENFORCERD_ENGINE_ACTION_FEED_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/action_feed.h"
#include "engine/authenticator.h"
#include "proto/action_feed.grpc.pb.h"

namespace enforcer {

class ActionFeedService final : public v1::ActionFeed::Service {
 public:
  // Both must outlive the service.
  ActionFeedService(ActionFeed* feed, const Authenticator* auth) : feed_(feed), auth_(auth) {}

  grpc::Status WatchActions(grpc::ServerContext* context, const v1::WatchActionsRequest* request,
                            grpc::ServerWriter<v1::ActionEvent>* writer) override;
  grpc::Status AckActions(grpc::ServerContext* context, const v1::AckActionsRequest* request,
                          v1::AckActionsResponse* response) override;
  grpc::Status ListConsumers(grpc::ServerContext* context, const v1::ListConsumersRequest* request,
                             v1::ListConsumersResponse* response) override;

 private:
  ActionFeed* const feed_;
  const Authenticator* const auth_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_ACTION_FEED_SERVICE_H_
