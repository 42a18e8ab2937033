#include "engine/policy_registry.h"

#include <utility>

#include "base/status_macros.h"
#include "proto/timestamp.h"
#include "rules/policy_parser.h"

namespace enforcer {

PolicyRegistry::PolicyRegistry(LedgerStore* store, std::shared_ptr<const Policy> active)
    : store_(store) {
  known_[active->version()] = active;
  committed_ = active;
  active_ = std::move(active);
}

void PolicyRegistry::ActivationCommitted(std::shared_ptr<const Policy> policy) {
  absl::MutexLock lock(&mu_);
  committed_ = std::move(policy);
}

void PolicyRegistry::ActivationFailed() {
  loaded_last_activation_ = false;
  absl::MutexLock lock(&mu_);
  active_ = committed_;
}

std::shared_ptr<const Policy> PolicyRegistry::active() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

std::shared_ptr<const Policy> PolicyRegistry::SetActive(std::shared_ptr<const Policy> policy) {
  absl::MutexLock lock(&mu_);
  known_[policy->version()] = policy;
  std::swap(active_, policy);
  return policy;
}

std::shared_ptr<const Policy> PolicyRegistry::Find(const std::string& version) {
  {
    absl::MutexLock lock(&mu_);
    auto it = known_.find(version);
    if (it != known_.end()) return it->second;
    if (version.empty() || unknown_.count(version)) return nullptr;
  }
  absl::StatusOr<std::optional<v1::PolicyActivation>> stored = store_->GetPolicyVersion(version);
  if (!stored.ok()) return nullptr;  // a read error: try again next time
  absl::StatusOr<std::shared_ptr<const Policy>> compiled =
      stored->has_value() ? CompilePolicy((*stored)->text(), (*stored)->source())
                          : absl::NotFoundError("not stored");
  // A version the ledger never stored (schema 1), or whose text no longer compiles (a stricter
  // parser) or hashes differently, cannot be replayed: such decisions are folded as recorded.
  if (!compiled.ok() || (*compiled)->version() != version) {
    absl::MutexLock lock(&mu_);
    unknown_.insert(version);
    return nullptr;
  }
  absl::MutexLock lock(&mu_);
  known_[version] = *compiled;
  return *compiled;
}

absl::StatusOr<std::optional<v1::PolicyActivation>> PolicyRegistry::LastActivation() {
  if (!loaded_last_activation_) {
    ASSIGN_OR_RETURN(std::vector<v1::PolicyActivation> all, store_->ListActivations());
    if (!all.empty()) last_activation_ = all.back();
    loaded_last_activation_ = true;
  }
  return last_activation_;
}

absl::StatusOr<std::optional<LedgerWrite>> PolicyRegistry::ActivationWrite(
    const Policy& policy, const ActivationInfo& info, absl::Time now) {
  RETURN_IF_ERROR(LastActivation().status());
  if (last_activation_.has_value() && last_activation_->version() == policy.version()) {
    return std::nullopt;
  }
  v1::PolicyActivation a;
  a.set_activation(last_activation_ ? last_activation_->activation() + 1 : 1);
  a.set_version(policy.version());
  a.set_name(policy.name());
  a.set_text(policy.text());
  *a.mutable_activated_at() = ToProtoTime(now);
  a.set_source(info.source);
  a.set_actor(info.actor);
  a.set_message(info.message);
  if (last_activation_) a.set_previous_version(last_activation_->version());
  last_activation_ = a;
  LedgerWrite write;
  write.activation = std::move(a);
  return write;
}

}  // namespace enforcer
