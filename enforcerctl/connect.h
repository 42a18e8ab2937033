// The channel every enforcerctl command talks to the daemon on: --server (default
// 127.0.0.1:50051), with the caller's credentials from the environment (docs/security.md):
//   ENFORCERCTL_TOKEN     a bearer token, sent as "authorization: Bearer <token>" on every call
//   ENFORCERCTL_TLS_CA    PEM of the CA that signed the daemon's certificate: connect with TLS
//   ENFORCERCTL_TLS_CERT, ENFORCERCTL_TLS_KEY   a client certificate and key (mutual TLS)
// Credentials come from the environment, not flags, so they never show in `ps` or shell history.
#ifndef ENFORCERD_ENFORCERCTL_CONNECT_H_
#define ENFORCERD_ENFORCERCTL_CONNECT_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "enforcerctl/cli.h"

namespace enforcer::ctl {

std::shared_ptr<grpc::Channel> Connect(const Invocation& inv);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_CONNECT_H_
