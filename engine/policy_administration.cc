#include "engine/policy_administration.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "rules/policy_parser.h"
#include "rules/policy_summary.h"

namespace enforcer {
namespace {

constexpr size_t kMaxPolicyBytes = 1 << 20;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::Status CheckText(const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError("text: is required");
  if (text.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("text: is ", text.size(), " bytes; at most ",
                                                   kMaxPolicyBytes, " are allowed"));
  }
  return absl::OkStatus();
}

}  // namespace

v1::PolicyVersion ToPolicyVersion(const v1::PolicyActivation& a) {
  v1::PolicyVersion v;
  v.set_version(a.version());
  v.set_name(a.name());
  v.set_text(a.text());
  v.set_activation(a.activation());
  *v.mutable_activated_at() = a.activated_at();
  v.set_source(a.source());
  v.set_actor(a.actor());
  v.set_message(a.message());
  v.set_previous_version(a.previous_version());
  return v;
}

absl::StatusOr<v1::GetPolicyResponse> PolicyAdministration::GetPolicy() {
  const std::shared_ptr<const Policy> active = policies_->active();
  ASSIGN_OR_RETURN(std::vector<v1::PolicyActivation> all, store_->ListActivations());
  v1::GetPolicyResponse response;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->version() == active->version()) {
      *response.mutable_active() = ToPolicyVersion(*it);
      break;
    }
  }
  if (!response.has_active()) {  // activating right now: not recorded yet
    response.mutable_active()->set_version(active->version());
    response.mutable_active()->set_name(active->name());
    response.mutable_active()->set_text(active->text());
  }
  *response.mutable_summary() = SummarizePolicy(*active);
  return response;
}

absl::StatusOr<v1::ListPolicyVersionsResponse> PolicyAdministration::ListPolicyVersions(
    const v1::ListPolicyVersionsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is outside 0..", kMaxPageSize));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  uint64_t below = UINT64_MAX;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &below)) {
    return absl::InvalidArgumentError("page_token: is not a token this call returned");
  }
  ASSIGN_OR_RETURN(std::vector<v1::PolicyActivation> all, store_->ListActivations());
  v1::ListPolicyVersionsResponse response;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->activation() >= below) continue;
    if (response.versions_size() == page_size) {
      response.set_next_page_token(absl::StrCat(response.versions().rbegin()->activation()));
      break;
    }
    *response.add_versions() = ToPolicyVersion(*it);
  }
  return response;
}

absl::StatusOr<v1::ValidatePolicyResponse> PolicyAdministration::ValidatePolicy(
    const v1::ValidatePolicyRequest& request) {
  RETURN_IF_ERROR(CheckText(request.text()));
  ParseResult parsed =
      ParsePolicy(request.text(), request.filename().empty() ? "policy.yaml" : request.filename());
  v1::ValidatePolicyResponse response;
  response.set_valid(parsed.policy != nullptr);
  for (const Diagnostic& d : parsed.diagnostics) *response.add_diagnostics() = DiagnosticToProto(d);
  if (parsed.policy != nullptr) {
    response.set_version(parsed.policy->version());
    *response.mutable_summary() = SummarizePolicy(*parsed.policy);
  }
  return response;
}

void PolicyAdministration::LoadPolicy(const v1::LoadPolicyRequest& request, LoadCallback done) {
  absl::Status valid = CheckText(request.text());
  if (valid.ok()) valid = ValidateActorAndMessage(request.actor(), request.message(), true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  ParseResult parsed =
      ParsePolicy(request.text(), request.filename().empty() ? "policy.yaml" : request.filename());
  v1::LoadPolicyResponse response;
  for (const Diagnostic& d : parsed.diagnostics) *response.add_diagnostics() = DiagnosticToProto(d);
  if (parsed.policy == nullptr) {
    done(std::move(response));  // activated=false: the version in force stays
    return;
  }
  Activate(parsed.policy, {"PolicyAdmin.LoadPolicy", request.actor(), request.message()},
           std::move(response), std::move(done));
}

void PolicyAdministration::RollbackPolicy(const v1::RollbackPolicyRequest& request,
                                          LoadCallback done) {
  absl::Status valid = ValidateText("version", request.version(), 128, true);
  if (valid.ok()) valid = ValidateActorAndMessage(request.actor(), request.message(), true);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  // Only versions the ledger recorded as active (not one compiled from a flag and never
  // activated, nor one whose activation did not commit).
  absl::StatusOr<std::optional<v1::PolicyActivation>> recorded =
      store_->GetPolicyVersion(request.version());
  if (!recorded.ok()) {
    done(recorded.status());
    return;
  }
  std::shared_ptr<const Policy> policy =
      recorded->has_value() ? policies_->Find(request.version()) : nullptr;
  if (policy == nullptr) {
    done(absl::NotFoundError(absl::StrCat("version: '", request.version(),
                                          "' was never active in this ledger (see "
                                          "ListPolicyVersions)")));
    return;
  }
  Activate(std::move(policy), {"PolicyAdmin.RollbackPolicy", request.actor(), request.message()},
           v1::LoadPolicyResponse(), std::move(done));
}

void PolicyAdministration::Activate(std::shared_ptr<const Policy> policy, ActivationInfo info,
                                    v1::LoadPolicyResponse response, LoadCallback done) {
  auto shared = std::make_shared<v1::LoadPolicyResponse>(std::move(response));
  auto callback = std::make_shared<LoadCallback>(std::move(done));
  const std::string version = policy->version();
  // Whether it changes anything is decided on the writer, in order with other activations.
  enforcer_->ActivatePolicyRecorded(
      std::move(policy), std::move(info),
      [this, shared, callback,
       version](absl::StatusOr<std::optional<v1::PolicyActivation>> recorded) {
        if (!recorded.ok()) {
          (*callback)(recorded.status());
          return;
        }
        shared->set_activated(true);
        if (recorded->has_value()) {
          *shared->mutable_version() = ToPolicyVersion(**recorded);
        } else {
          shared->set_unchanged(true);
          // A point lookup, not a scan: this runs on the writer thread.
          absl::StatusOr<std::optional<v1::PolicyActivation>> stored =
              store_->GetPolicyVersion(version);
          if (stored.ok() && stored->has_value())
            *shared->mutable_version() = ToPolicyVersion(**stored);
        }
        (*callback)(std::move(*shared));
      });
}

}  // namespace enforcer
