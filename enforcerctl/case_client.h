// What enforcerctl's case commands share: the connection, how a refused call is reported and
// which exit code it gives, the subject argument, and the actor and request id of a write.
#ifndef ENFORCERD_ENFORCERCTL_CASE_CLIENT_H_
#define ENFORCERD_ENFORCERCTL_CASE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "enforcerctl/cli.h"
#include "proto/cases.grpc.pb.h"
#include "proto/enforcer.grpc.pb.h"

namespace enforcer::ctl {

// The flags every case command takes.
inline const std::vector<std::string> kClientFlags = {"server", "json"};
// And every write.
inline const std::vector<std::string> kWriteFlags = {"server", "json", "actor", "request_id"};

struct CaseClient {
  explicit CaseClient(const Invocation& inv);
  std::unique_ptr<v1::Cases::Stub> cases;
  std::unique_ptr<v1::Enforcer::Stub> enforcer;
};

// A fresh context with a 30-second deadline.
std::unique_ptr<grpc::ClientContext> Context();

// Prints "enforcerctl <what>: <CODE>: <message>" and returns the exit code: 3 when the server
// could not be reached or answered in time, 1 when it refused the request.
int Refused(const Invocation& inv, const std::string& what, const grpc::Status& status);

// The positional argument `index` as a subject ("seller:s1"); nullopt after printing a usage
// error naming `command`.
std::optional<v1::Subject> SubjectArg(const Invocation& inv, const std::string& command,
                                      size_t index);
// Positional argument `index`, or nullopt after printing "<command>: <what> is required".
std::optional<std::string> Arg(const Invocation& inv, const std::string& command, size_t index,
                               const std::string& what);
// --name, or nullopt after printing "<command>: --name is required".
std::optional<std::string> RequiredFlag(const Invocation& inv, const std::string& command,
                                        const std::string& name);

// --actor, else $USER, else "enforcerctl".
std::string Actor(const Invocation& inv);
// --request_id, else a fresh random one, printed on stderr so that a retry can reuse it.
std::string RequestId(const Invocation& inv);

}  // namespace enforcer::ctl

#endif  // ENFORCERD_ENFORCERCTL_CASE_CLIENT_H_
