#include "enforcerctl/server_commands.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "enforcerctl/connect.h"
#include "enforcerctl/offline_commands.h"
#include "proto/policy_admin.grpc.pb.h"

namespace enforcer::ctl {
namespace {

std::unique_ptr<v1::PolicyAdmin::Stub> AdminStub(const Invocation& inv) {
  return v1::PolicyAdmin::NewStub(Connect(inv));
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
  grpc::Status status = AdminStub(inv)->GetPolicy(&context, v1::GetPolicyRequest(), &response);
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
    grpc::Status status = AdminStub(inv)->ListPolicyVersions(&context, request, &page);
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
  grpc::Status status = AdminStub(inv)->LoadPolicy(&context, request, &response);
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
  grpc::Status status = AdminStub(inv)->RollbackPolicy(&context, request, &response);
  if (!status.ok()) return Trouble(inv, "RollbackPolicy", status);
  return PrintLoad(inv, response);
}

bool ParseTimeFlag(const Invocation& inv, const std::string& name,
                   const std::function<google::protobuf::Timestamp*()>& out) {
  auto value = inv.Flag(name);
  if (!value) return true;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, *value, &t, &err)) {
    *inv.err << "enforcerctl: --" << name << " must be a time like 2026-06-01T00:00:00Z\n";
    return false;
  }
  out()->set_seconds(absl::ToUnixSeconds(t));
  return true;
}

void PrintSimulation(const v1::SimulationResult& r, std::ostream& out) {
  out << "candidate " << r.candidate_version().substr(0, 19) << ": " << r.events()
      << " decisions of " << r.subjects() << " subjects re-made in " << r.seconds() << " s ("
      << static_cast<int64_t>(r.events_per_second()) << " events/s)\n"
      << r.subjects_differing() << " subjects would be decided differently\n";
  if (r.standing_changes_size() > 0)
    out << "\nstanding after the last decision (recorded -> candidate):\n";
  for (const auto& c : r.standing_changes()) {
    out << "  " << v1::Standing_Name(c.recorded()) << " -> " << v1::Standing_Name(c.candidate())
        << ": " << c.subjects() << "\n";
  }
  auto counts = [&](const char* title, const auto& list) {
    out << "\n" << title << " (recorded / candidate):\n";
    for (const auto& c : list) {
      out << "  " << c.name() << ": " << c.recorded() << " / " << c.candidate()
          << (c.recorded() != c.candidate() ? "  *" : "") << "\n";
    }
  };
  counts("actions issued", r.actions());
  counts("rules fired", r.rule_firings());
  for (const auto& s : r.samples()) {
    out << "\n" << v1::SubjectKind_Name(s.subject().kind()) << " " << s.subject().id() << ":\n";
    for (int i = 0; i < s.recorded_size(); ++i) {
      const auto& a = s.recorded(i);
      const auto& b = s.candidate(i);
      out << "  " << a.violation_id() << " " << a.category() << ": recorded "
          << v1::Standing_Name(a.standing_after()) << " " << a.active_points() << "pt ["
          << absl::StrJoin(a.actions(), ", ") << "]  candidate "
          << v1::Standing_Name(b.standing_after()) << " " << b.active_points() << "pt ["
          << absl::StrJoin(b.actions(), ", ") << "]\n";
    }
  }
}

int Simulate(const Invocation& inv) {
  if (inv.args.size() != 1) {
    *inv.err << "enforcerctl policy simulate: name one candidate policy file\n";
    return kUsage;
  }
  v1::SimulatePolicyRequest request;
  std::optional<std::string> text = ReadFile(inv.args[0], *inv.err);
  if (!text) return kTrouble;
  request.set_candidate_text(*text);
  if (!ParseTimeFlag(inv, "from", [&] { return request.mutable_start_time(); }) ||
      !ParseTimeFlag(inv, "to", [&] { return request.mutable_end_time(); })) {
    return kUsage;
  }
  if (auto subject = inv.Flag("subject")) {
    const size_t colon = subject->find(':');
    v1::Subject* s = request.add_subjects();
    s->set_kind(subject->substr(0, colon) == "creator" ? v1::CREATOR : v1::SELLER);
    s->set_id(colon == std::string::npos ? *subject : subject->substr(colon + 1));
  }
  grpc::ClientContext context;
  auto reader = AdminStub(inv)->SimulatePolicy(&context, request);
  v1::SimulatePolicyProgress progress, last;
  while (reader->Read(&progress)) {
    if (!progress.done()) {
      *inv.err << "\r" << progress.subjects_done() << " subjects, " << progress.events_replayed()
               << " decisions re-made" << std::flush;
    }
    last = progress;
  }
  *inv.err << "\r";
  grpc::Status status = reader->Finish();
  if (!status.ok()) return Trouble(inv, "SimulatePolicy", status);
  for (const v1::PolicyDiagnostic& d : last.diagnostics()) {
    *inv.err << d.file() << ":" << d.line() << ":" << d.column() << ": " << d.message() << "\n";
  }
  if (!last.has_result()) return kFailed;
  inv.Print(last.result(), [&](std::ostream& out) { PrintSimulation(last.result(), out); });
  return kOk;
}

void PrintShadowReport(const v1::ShadowReport& r, std::ostream& out) {
  out << "shadow " << r.shadow().version().substr(0, 19) << " set " << When(r.shadow().set_at())
      << " by " << r.shadow().actor() << ": " << r.shadow().message() << "\n"
      << r.decisions() << " decisions, " << r.disagreements() << " decided differently\n";
  auto counts = [&](const char* title, const auto& list) {
    out << "\n" << title << " (active / shadow):\n";
    for (const auto& c : list) {
      out << "  " << c.name() << ": " << c.recorded() << " / " << c.candidate()
          << (c.recorded() != c.candidate() ? "  *" : "") << "\n";
    }
  };
  counts("rules fired", r.rule_firings());
  counts("actions issued", r.actions());
  for (const auto& e : r.examples()) {
    out << "\n"
        << v1::SubjectKind_Name(e.subject().kind()) << " " << e.subject().id() << " "
        << e.active().violation_id() << " " << e.active().category() << ": active "
        << v1::Standing_Name(e.active().standing_after()) << " ["
        << absl::StrJoin(e.active().actions(), ", ") << "], shadow "
        << v1::Standing_Name(e.shadow().standing_after()) << " ["
        << absl::StrJoin(e.shadow().actions(), ", ") << "]\n";
  }
}

int Shadow(const Invocation& inv) {
  const std::string verb = inv.args.empty() ? "" : inv.args[0];
  auto admin = AdminStub(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  if (verb == "set" && inv.args.size() == 2) {
    v1::SetShadowPolicyRequest request;
    if (!Who(inv, request.mutable_actor(), request.mutable_message())) return kUsage;
    std::optional<std::string> text = ReadFile(inv.args[1], *inv.err);
    if (!text) return kTrouble;
    request.set_text(*text);
    v1::SetShadowPolicyResponse response;
    grpc::Status status = admin->SetShadowPolicy(&context, request, &response);
    if (!status.ok()) return Trouble(inv, "SetShadowPolicy", status);
    inv.Print(response, [&](std::ostream& out) {
      for (const auto& d : response.diagnostics()) {
        out << inv.args[1] << ":" << d.line() << ":" << d.column() << ": " << d.message() << "\n";
      }
      out << (response.set() ? "shadow set: " + response.shadow().version().substr(0, 19)
                             : std::string("not set: the policy has errors"))
          << "\n";
    });
    return response.set() ? kOk : kFailed;
  }
  if (verb == "report" && inv.args.size() == 1) {
    v1::GetShadowReportRequest request;
    if (!ParseTimeFlag(inv, "since", [&] { return request.mutable_since(); })) return kUsage;
    v1::ShadowReport response;
    grpc::Status status = admin->GetShadowReport(&context, request, &response);
    if (!status.ok()) return Trouble(inv, "GetShadowReport", status);
    inv.Print(response, [&](std::ostream& out) { PrintShadowReport(response, out); });
    return kOk;
  }
  if (verb == "promote" && inv.args.size() == 1) {
    v1::PromoteShadowRequest request;
    if (!Who(inv, request.mutable_actor(), request.mutable_message())) return kUsage;
    v1::LoadPolicyResponse response;
    grpc::Status status = admin->PromoteShadow(&context, request, &response);
    if (!status.ok()) return Trouble(inv, "PromoteShadow", status);
    return PrintLoad(inv, response);
  }
  if (verb == "clear" && inv.args.size() == 1) {
    v1::ClearShadowRequest request;
    request.set_actor(inv.Flag("actor").value_or(""));
    v1::ClearShadowResponse response;
    grpc::Status status = admin->ClearShadow(&context, request, &response);
    if (!status.ok()) return Trouble(inv, "ClearShadow", status);
    *inv.out << "shadow cleared\n";
    return kOk;
  }
  *inv.err << "enforcerctl policy shadow: expected `set FILE`, `report`, `promote` or `clear`\n";
  return kUsage;
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
      {"simulate",
       "simulate FILE [--from=T] [--to=T] [--subject=seller:ID]",
       "backtest a candidate on the server's real ledger",
       "Re-makes every recorded decision (in the time range, of the subject) under the candidate "
       "and compares: subjects whose standing would differ, actions and rule firings under each, "
       "and sample subjects with both decision traces. Writes nothing. Progress on stderr.",
       {"server", "json", "from", "to", "subject"},
       Simulate},
      {"shadow",
       "shadow set FILE | report | promote | clear",
       "shadow mode: decide every new report under a candidate too, acting on nothing",
       "`set FILE --actor --message` starts it (survives restarts); `report [--since=T]` compares "
       "the shadow's decisions with the real ones, by rule and action, with examples; `promote "
       "--actor --message` makes it the active policy; `clear --actor` stops it.",
       {"server", "json", "actor", "message", "since"},
       Shadow},
  };
}

}  // namespace enforcer::ctl
