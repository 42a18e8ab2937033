#include "engine/policy_admin_service.h"

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/grpc_service.h"
#include "proto/timestamp.h"

namespace enforcer {

PolicyAdminService::~PolicyAdminService() {
  Cancel();
  absl::MutexLock lock(&mu_);
  if (worker_.joinable()) worker_.join();
}

grpc::ServerUnaryReactor* PolicyAdminService::ReevaluateSubjects(
    grpc::CallbackServerContext* context, const v1::ReevaluateSubjectsRequest* request,
    v1::ReevaluateSubjectsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::optional<Caller> caller =
      Admit(*auth_, "enforcer.v1.PolicyAdmin/ReevaluateSubjects", context, reactor);
  if (!caller.has_value()) return reactor;
  const v1::ReevaluateSubjectsRequest asked = WithActor(*request, *caller);
  for (const auto& [field, value] :
       {std::pair{"actor", &asked.actor()}, std::pair{"reason", &asked.reason()}}) {
    if (value->empty() || value->size() > 256) {
      reactor->Finish(ToGrpcStatus(absl::InvalidArgumentError(
          absl::StrCat(field, ": is required (1 to 256 bytes): who asks and why are logged"))));
      return reactor;
    }
  }
  if (busy_.exchange(true)) {
    reactor->Finish(ToGrpcStatus(absl::FailedPreconditionError(
        "a re-evaluation of every subject is already running; wait for its answer")));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  if (worker_.joinable()) worker_.join();  // the previous sweep has answered: a quick join
  const std::string who = absl::StrCat(asked.actor(), " (", asked.reason(), ")");
  worker_ = std::thread([this, reactor, response, who] {
    std::fprintf(stderr, "re-evaluating every subject, asked by %s\n", who.c_str());
    absl::StatusOr<SweepReport> report = sweeper_->ReevaluateAll();
    if (report.ok()) {
      response->set_policy_version(report->policy_version);
      response->set_subjects(report->subjects);
      response->set_reevaluated(report->reevaluated);
      response->set_changed(report->changed);
      for (const std::string& q : report->quarantined) response->add_quarantined(q);
      *response->mutable_started_at() = ToProtoTime(report->started_at);
      *response->mutable_finished_at() = ToProtoTime(report->finished_at);
      std::fprintf(stderr,
                   "re-evaluated %llu of %llu subjects under %s (%llu changed, %zu quarantined)\n",
                   static_cast<unsigned long long>(report->reevaluated),
                   static_cast<unsigned long long>(report->subjects),
                   report->policy_version.substr(0, 19).c_str(),
                   static_cast<unsigned long long>(report->changed), report->quarantined.size());
    } else {
      std::fprintf(stderr, "re-evaluating every subject failed: %s\n",
                   report.status().ToString().c_str());
    }
    busy_ = false;
    reactor->Finish(ToGrpcStatus(report.status()));
  });
  return reactor;
}

namespace {

// Streams a simulation: progress while it runs, then the result. One write in flight at a time;
// progress that arrives while a write is in flight replaces the waiting one.
class SimulationReactor : public grpc::ServerWriteReactor<v1::SimulatePolicyProgress> {
 public:
  SimulationReactor(PolicySimulator* simulator, const v1::SimulatePolicyRequest& request)
      : request_(request) {
    // Detached: after Finish() the thread touches nothing of this object, which OnDone deletes.
    std::thread([this, simulator] { Run(simulator); }).detach();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) cancelled_ = true;
  }
  void OnCancel() override { cancelled_ = true; }
  void OnDone() override { delete this; }

 private:
  void Run(PolicySimulator* simulator) {
    absl::StatusOr<v1::SimulatePolicyProgress> result = simulator->Simulate(
        request_,
        [this](const v1::SimulatePolicyProgress& p) {
          {
            absl::MutexLock lock(&mu_);
            if (writing_) return;  // the client is behind: skip this one
            progress_ = p;
            writing_ = true;
          }
          StartWrite(&progress_);  // not under mu_: OnWriteDone takes it
        },
        [this] { return cancelled_.load(); });
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](bool* writing) { return !*writing; }, &writing_));
    }
    if (!result.ok()) {
      Finish(ToGrpcStatus(result.status()));
      return;
    }
    final_ = *std::move(result);
    StartWriteAndFinish(&final_, grpc::WriteOptions(), grpc::Status::OK);
  }

  const v1::SimulatePolicyRequest request_;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // Written only while no write is in flight.
  v1::SimulatePolicyProgress progress_;
  v1::SimulatePolicyProgress final_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

namespace {

// A simulation the caller may not run: finished at once with the refusal.
class RefusedSimulation : public grpc::ServerWriteReactor<v1::SimulatePolicyProgress> {
 public:
  explicit RefusedSimulation(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::SimulatePolicyProgress>* PolicyAdminService::SimulatePolicy(
    grpc::CallbackServerContext* context, const v1::SimulatePolicyRequest* request) {
  absl::StatusOr<Caller> caller =
      auth_->Authorize(*context, "enforcer.v1.PolicyAdmin/SimulatePolicy");
  if (!caller.ok()) return new RefusedSimulation(ToGrpcStatus(caller.status()));
  return new SimulationReactor(simulator_, *request);
}

grpc::ServerUnaryReactor* PolicyAdminService::GetPolicy(grpc::CallbackServerContext* context,
                                                        const v1::GetPolicyRequest*,
                                                        v1::GetPolicyResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.PolicyAdmin/GetPolicy", context, response,
                   [&](const Caller&) { return administration_->GetPolicy(); });
}

grpc::ServerUnaryReactor* PolicyAdminService::ListPolicyVersions(
    grpc::CallbackServerContext* context, const v1::ListPolicyVersionsRequest* request,
    v1::ListPolicyVersionsResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.PolicyAdmin/ListPolicyVersions", context, response,
                   [&](const Caller&) { return administration_->ListPolicyVersions(*request); });
}

grpc::ServerUnaryReactor* PolicyAdminService::ValidatePolicy(
    grpc::CallbackServerContext* context, const v1::ValidatePolicyRequest* request,
    v1::ValidatePolicyResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.PolicyAdmin/ValidatePolicy", context, response,
                   [&](const Caller&) { return administration_->ValidatePolicy(*request); });
}

grpc::ServerUnaryReactor* PolicyAdminService::LoadPolicy(grpc::CallbackServerContext* context,
                                                         const v1::LoadPolicyRequest* request,
                                                         v1::LoadPolicyResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.PolicyAdmin/LoadPolicy", context, response,
                     [&](const Caller& caller, auto done) {
                       administration_->LoadPolicy(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* PolicyAdminService::RollbackPolicy(
    grpc::CallbackServerContext* context, const v1::RollbackPolicyRequest* request,
    v1::LoadPolicyResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.PolicyAdmin/RollbackPolicy", context, response,
                     [&](const Caller& caller, auto done) {
                       administration_->RollbackPolicy(WithActor(*request, caller),
                                                       std::move(done));
                     });
}

grpc::ServerUnaryReactor* PolicyAdminService::SetShadowPolicy(
    grpc::CallbackServerContext* context, const v1::SetShadowPolicyRequest* request,
    v1::SetShadowPolicyResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.PolicyAdmin/SetShadowPolicy", context, response,
                     [&](const Caller& caller, auto done) {
                       shadow_->SetShadowPolicy(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* PolicyAdminService::GetShadowReport(
    grpc::CallbackServerContext* context, const v1::GetShadowReportRequest* request,
    v1::ShadowReport* response) {
  return AnswerNow(*auth_, "enforcer.v1.PolicyAdmin/GetShadowReport", context, response,
                   [&](const Caller&) { return shadow_->GetShadowReport(*request); });
}

grpc::ServerUnaryReactor* PolicyAdminService::PromoteShadow(grpc::CallbackServerContext* context,
                                                            const v1::PromoteShadowRequest* request,
                                                            v1::LoadPolicyResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.PolicyAdmin/PromoteShadow", context, response,
                     [&](const Caller& caller, auto done) {
                       shadow_->PromoteShadow(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* PolicyAdminService::ClearShadow(grpc::CallbackServerContext* context,
                                                          const v1::ClearShadowRequest* request,
                                                          v1::ClearShadowResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.PolicyAdmin/ClearShadow", context, response,
                     [&](const Caller& caller, auto done) {
                       shadow_->ClearShadow(WithActor(*request, caller), std::move(done));
                     });
}

}  // namespace enforcer
