#include "enforcerctl/case_client.h"

#include <chrono>
#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "enforcerctl/connect.h"
#include "enforcerctl/format.h"

namespace enforcer::ctl {

CaseClient::CaseClient(const Invocation& inv) {
  std::shared_ptr<grpc::Channel> channel = Connect(inv);
  cases = v1::Cases::NewStub(channel);
  enforcer = v1::Enforcer::NewStub(channel);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

int Refused(const Invocation& inv, const std::string& what, const grpc::Status& status) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  const int code = status.error_code();
  *inv.err << "enforcerctl " << what << ": " << (code >= 0 && code <= 16 ? kNames[code] : "?")
           << ": " << status.error_message() << "\n";
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED
             ? kTrouble
             : kFailed;
}

std::optional<std::string> Arg(const Invocation& inv, const std::string& command, size_t index,
                               const std::string& what) {
  if (index < inv.args.size()) return inv.args[index];
  *inv.err << "enforcerctl " << command << ": " << what << " is required (see --help)\n";
  return std::nullopt;
}

std::optional<v1::Subject> SubjectArg(const Invocation& inv, const std::string& command,
                                      size_t index) {
  std::optional<std::string> text = Arg(inv, command, index, "a subject (seller:ID or creator:ID)");
  if (!text) return std::nullopt;
  std::optional<v1::Subject> subject = ParseSubject(*text);
  if (!subject) {
    *inv.err << "enforcerctl " << command << ": '" << *text
             << "' is not a subject; write seller:ID or creator:ID\n";
  }
  return subject;
}

std::optional<std::string> RequiredFlag(const Invocation& inv, const std::string& command,
                                        const std::string& name) {
  std::optional<std::string> value = inv.Flag(name);
  if (!value || value->empty() || *value == "true") {
    *inv.err << "enforcerctl " << command << ": --" << name << " is required (see --help)\n";
    return std::nullopt;
  }
  return value;
}

std::string Actor(const Invocation& inv) {
  if (auto actor = inv.Flag("actor"); actor && !actor->empty()) return *actor;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "enforcerctl";
}

std::string RequestId(const Invocation& inv) {
  if (auto id = inv.Flag("request_id"); id && !id->empty()) return *id;
  std::random_device random;
  const std::string id = absl::StrFormat("ctl-%08x%08x", random(), random());
  *inv.err << "request_id: " << id << " (pass --request_id=" << id << " to retry safely)\n";
  return id;
}

}  // namespace enforcer::ctl
