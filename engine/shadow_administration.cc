#include "engine/shadow_administration.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/policy_parser.h"
#include "rules/policy_summary.h"

namespace enforcer {
namespace {

absl::Status NoShadow() {
  return absl::FailedPreconditionError("no shadow policy is set (see SetShadowPolicy)");
}

void Tally(std::map<std::string, std::pair<int64_t, int64_t>>* counts,
           const google::protobuf::RepeatedPtrField<std::string>& active,
           const google::protobuf::RepeatedPtrField<std::string>& shadow) {
  for (const std::string& name : active) ++(*counts)[name].first;
  for (const std::string& name : shadow) ++(*counts)[name].second;
}

}  // namespace

absl::Status ShadowAdministration::Restore() {
  ASSIGN_OR_RETURN(std::optional<v1::ShadowSetting> setting, store_->GetShadowSetting());
  if (!setting.has_value() || setting->text().empty()) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      CompilePolicy(setting->text(), "shadow policy");
  if (!policy.ok()) return policy.status();
  shadow_->Set(*std::move(policy), *std::move(setting));
  return absl::OkStatus();
}

void ShadowAdministration::Record(std::shared_ptr<const Policy> policy, v1::ShadowSetting setting,
                                  std::function<void(absl::Status)> done) {
  auto callback = std::make_shared<std::function<void(absl::Status)>>(std::move(done));
  auto shared = std::make_shared<v1::ShadowSetting>(std::move(setting));
  absl::Status queued = writer_->Submit(
      [shared](LedgerView&) -> absl::StatusOr<LedgerWrite> {
        LedgerWrite write;
        write.shadow_setting = *shared;
        return write;
      },
      [this, policy, shared, callback](absl::Status status) {
        if (status.ok()) shadow_->Set(policy, *shared);
        (*callback)(status);
      });
  if (!queued.ok()) (*callback)(queued);
}

void ShadowAdministration::SetShadowPolicy(const v1::SetShadowPolicyRequest& request,
                                           Callback<v1::SetShadowPolicyResponse> done) {
  absl::Status valid = ValidateActorAndMessage(request.actor(), request.message(), true);
  if (valid.ok() && request.text().empty()) valid = absl::InvalidArgumentError("text: is required");
  if (!valid.ok()) {
    done(valid);
    return;
  }
  ParseResult parsed = ParsePolicy(request.text(), "shadow.yaml");
  auto response = std::make_shared<v1::SetShadowPolicyResponse>();
  for (const Diagnostic& d : parsed.diagnostics)
    *response->add_diagnostics() = DiagnosticToProto(d);
  if (parsed.policy == nullptr) {
    done(std::move(*response));
    return;
  }
  v1::ShadowSetting setting;
  setting.set_text(request.text());
  setting.set_version(parsed.policy->version());
  setting.set_actor(request.actor());
  setting.set_message(request.message());
  *setting.mutable_set_at() = ToProtoTime(clock_->Now());
  *response->mutable_shadow() = setting;
  Record(parsed.policy, std::move(setting), [response, done](absl::Status status) {
    if (!status.ok()) {
      done(status);
      return;
    }
    response->set_set(true);
    done(std::move(*response));
  });
}

absl::StatusOr<v1::ShadowReport> ShadowAdministration::GetShadowReport(
    const v1::GetShadowReportRequest& request) {
  const v1::ShadowSetting setting = shadow_->setting();
  if (setting.text().empty()) return NoShadow();
  if (request.max_examples() < 0 || request.max_examples() > 100) {
    return absl::InvalidArgumentError("max_examples: must be 0..100");
  }
  const int max_examples = request.max_examples() == 0 ? 10 : request.max_examples();
  const absl::Time since = FromProtoTime(request.has_since() ? request.since() : setting.set_at());
  v1::ShadowReport report;
  *report.mutable_shadow() = setting;
  std::map<std::string, std::pair<int64_t, int64_t>> rules, actions;
  for (uint64_t from = 0;;) {
    ASSIGN_OR_RETURN(std::vector<v1::ShadowDecision> batch,
                     store_->ReadShadowDecisions(from, 4096));
    for (v1::ShadowDecision& d : batch) {
      from = d.sequence() + 1;
      if (d.shadow_version() != setting.version() ||
          FromProtoTime(d.active().decided_at()) < since) {
        continue;
      }
      report.set_decisions(report.decisions() + 1);
      Tally(&rules, d.active().rules_fired(), d.shadow().rules_fired());
      Tally(&actions, d.active().actions(), d.shadow().actions());
      if (d.agree()) continue;
      report.set_disagreements(report.disagreements() + 1);
      if (report.examples_size() < max_examples) *report.add_examples() = std::move(d);
    }
    if (batch.size() < 4096) break;
  }
  for (auto [counts, out] : {std::make_pair(&rules, report.mutable_rule_firings()),
                             std::make_pair(&actions, report.mutable_actions())}) {
    for (const auto& [name, n] : *counts) {
      auto* c = out->Add();
      c->set_name(name);
      c->set_recorded(n.first);
      c->set_candidate(n.second);
    }
  }
  return report;
}

void ShadowAdministration::PromoteShadow(const v1::PromoteShadowRequest& request,
                                         PolicyAdministration::LoadCallback done) {
  absl::Status valid = ValidateActorAndMessage(request.actor(), request.message(), true);
  const std::shared_ptr<const Policy> policy = shadow_->policy();
  if (valid.ok() && policy == nullptr) valid = NoShadow();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto callback = std::make_shared<PolicyAdministration::LoadCallback>(std::move(done));
  enforcer_->ActivatePolicyRecorded(
      policy, {"PolicyAdmin.PromoteShadow", request.actor(), request.message()},
      [this, callback](absl::StatusOr<std::optional<v1::PolicyActivation>> recorded) {
        if (!recorded.ok()) {
          (*callback)(recorded.status());
          return;
        }
        v1::LoadPolicyResponse response;
        response.set_activated(true);
        response.set_unchanged(!recorded->has_value());
        if (recorded->has_value()) *response.mutable_version() = ToPolicyVersion(**recorded);
        // The shadow is spent: it is the active policy now.
        Record(nullptr, v1::ShadowSetting(), [callback, response](absl::Status cleared) {
          if (!cleared.ok()) {
            (*callback)(cleared);
          } else {
            (*callback)(response);
          }
        });
      });
}

void ShadowAdministration::ClearShadow(const v1::ClearShadowRequest& request,
                                       Callback<v1::ClearShadowResponse> done) {
  absl::Status valid = ValidateActorAndMessage(request.actor(), "", false);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  Record(nullptr, v1::ShadowSetting(), [done](absl::Status status) {
    if (!status.ok()) {
      done(status);
    } else {
      done(v1::ClearShadowResponse());
    }
  });
}

}  // namespace enforcer
