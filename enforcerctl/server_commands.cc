#include "enforcerctl/server_commands.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "enforcerctl/offline_commands.h"
#include "proto/policy_admin.grpc.pb.h"

namespace enforcer::ctl {
namespace {

std::unique_ptr<v1::PolicyAdmin::Stub> Connect(const Invocation& inv) {
  const std::string target = inv.Flag("server").value_or("127.0.0.1:50051");
  return v1::PolicyAdmin::NewStub(grpc::CreateChannel(target == "true" ? "127.0.0.1:50051" : target,
                                                      grpc::InsecureChannelCredentials()));
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// A failed call: says what and why, returns the exit code.
int Trouble(const Invocation& inv, const std::string& what, const grpc::Status& status) {
  *inv.err << "enforcerctl: " << what << " failed: " << status.error_message() << " (gRPC code "
           << status.error_code() << ")\n";
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? kTrouble
             : kFailed;
}

std::string When(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

void PrintVersion(const v1::PolicyVersion& v, std::ostream& out) {
  out << "#" << v.activation() << "  " << v.version().substr(0, 19) << "  " << v.name() << "  "
      << When(v.activated_at()) << "  " << v.source();
  if (!v.actor().empty()) out << "  by " << v.actor();
  if (!v.message().empty()) out << ": " << v.message();
  out << "\n";
}

int Show(const Invocation& inv) {
  if (!inv.Flag("server")) return ShowPolicyFile(inv);
  v1::GetPolicyResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = Connect(inv)->GetPolicy(&context, v1::GetPolicyRequest(), &response);
  if (!status.ok()) return Trouble(inv, "GetPolicy", status);
  inv.Print(response, [&](std::ostream& out) {
    out << "in force: ";
    PrintVersion(response.active(), out);
    out << "\n";
    PrintSummary(response.summary(), out);
  });
  return kOk;
}

int Versions(const Invocation& inv) {
  v1::ListPolicyVersionsRequest request;
  request.set_page_size(1000);
  v1::ListPolicyVersionsResponse all;
  do {
    v1::ListPolicyVersionsResponse page;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = Connect(inv)->ListPolicyVersions(&context, request, &page);
    if (!status.ok()) return Trouble(inv, "ListPolicyVersions", status);
    for (auto& v : *page.mutable_versions()) *all.add_versions() = std::move(v);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  inv.Print(all, [&](std::ostream& out) {
    for (const v1::PolicyVersion& v : all.versions()) PrintVersion(v, out);
  });
  return kOk;
}

// --actor and --message, required for anything that changes the policy in force.
bool Who(const Invocation& inv, std::string* actor, std::string* message) {
  *actor = inv.Flag("actor").value_or("");
  *message = inv.Flag("message").value_or("");
  if (actor->empty() || message->empty()) {
    *inv.err << "enforcerctl: --actor=WHO and --message=WHY are required: they are recorded with "
                "the activation\n";
    return false;
  }
  return true;
}

int PrintLoad(const Invocation& inv, const v1::LoadPolicyResponse& response) {
  inv.Print(response, [&](std::ostream& out) {
    for (const v1::PolicyDiagnostic& d : response.diagnostics()) {
      out << d.file() << ":" << d.line() << ":" << d.column() << ": "
          << (d.severity() == v1::PolicyDiagnostic::ERROR ? "error" : "warning") << ": "
          << d.message() << "\n";
    }
    if (!response.activated()) {
      out << "not activated: the policy has errors; the version in force stays\n";
    } else {
      out << (response.unchanged() ? "already in force: " : "activated: ");
      PrintVersion(response.version(), out);
    }
  });
  return response.activated() ? kOk : kFailed;
}

int Load(const Invocation& inv) {
  if (inv.args.size() != 1) {
    *inv.err << "enforcerctl policy load: name one policy file\n";
    return kUsage;
  }
  v1::LoadPolicyRequest request;
  if (!Who(inv, request.mutable_actor(), request.mutable_message())) return kUsage;
  std::optional<std::string> text = ReadFile(inv.args[0], *inv.err);
  if (!text) return kTrouble;
  request.set_text(*text);
  request.set_filename(inv.args[0]);
  v1::LoadPolicyResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = Connect(inv)->LoadPolicy(&context, request, &response);
  if (!status.ok()) return Trouble(inv, "LoadPolicy", status);
  return PrintLoad(inv, response);
}

int Rollback(const Invocation& inv) {
  if (inv.args.size() != 1) {
    *inv.err << "enforcerctl policy rollback: name one version (see `policy versions`)\n";
    return kUsage;
  }
  v1::RollbackPolicyRequest request;
  if (!Who(inv, request.mutable_actor(), request.mutable_message())) return kUsage;
  request.set_version(inv.args[0]);
  v1::LoadPolicyResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = Connect(inv)->RollbackPolicy(&context, request, &response);
  if (!status.ok()) return Trouble(inv, "RollbackPolicy", status);
  return PrintLoad(inv, response);
}

}  // namespace

std::vector<Command> ServerCommands() {
  return {
      {"show",
       "show FILE | show --server",
       "what a policy does: categories, ladders, rules",
       "With a file, summarises it offline; with --server, the version in force there, with who "
       "activated it and why.",
       {"server", "json"},
       Show},
      {"versions",
       "versions [--server=ADDR]",
       "every activation of the server's ledger",
       "Newest first: activation number, version, name, when, source, who and why.",
       {"server", "json"},
       Versions},
      {"load",
       "load FILE --actor=WHO --message=WHY",
       "validate and activate a policy",
       "Sends the file to PolicyAdmin.LoadPolicy. A policy with errors is not activated (its "
       "diagnostics are printed, exit 1); loading the version in force changes nothing.",
       {"server", "json", "actor", "message"},
       Load},
      {"rollback",
       "rollback VERSION --actor=WHO --message=WHY",
       "make an earlier version active again",
       "Recorded as a new activation.",
       {"server", "json", "actor", "message"},
       Rollback},
  };
}

}  // namespace enforcer::ctl
