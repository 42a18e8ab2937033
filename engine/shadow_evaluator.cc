#include "engine/shadow_evaluator.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "rules/reevaluator.h"
#include "rules/simulation.h"

namespace enforcer {

void ShadowEvaluator::Set(std::shared_ptr<const Policy> policy, v1::ShadowSetting setting) {
  absl::MutexLock lock(&mu_);
  policy_ = std::move(policy);
  setting_ = std::move(setting);
  states_.clear();
}

std::shared_ptr<const Policy> ShadowEvaluator::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

v1::ShadowSetting ShadowEvaluator::setting() const {
  absl::MutexLock lock(&mu_);
  return setting_;
}

void ShadowEvaluator::Forget() {
  absl::MutexLock lock(&mu_);
  states_.clear();
}

absl::Status ShadowEvaluator::Evaluate(
    const v1::Subject& subject, const ViolationFacts& facts, absl::Time now,
    const v1::Decision& real, uint64_t sequence,
    const google::protobuf::RepeatedPtrField<v1::RemedyFact>& remedies, LedgerView& view,
    LedgerWrite* write) {
  absl::MutexLock lock(&mu_);
  if (policy_ == nullptr) return absl::OkStatus();
  const std::string key = absl::StrCat(subject.kind(), "/", subject.id());
  auto it = states_.find(key);
  if (it == states_.end()) {
    // First sight of this subject since the shadow was set: what the shadow policy would have
    // made of its history so far (the current report is not in the ledger yet).
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
    it =
        states_.emplace(key, ReplayUnder(*policy_, subject, RecordedViolations(log), now, remedies))
            .first;
  }
  v1::Decision shadow;
  const CategoryPolicy* category = policy_->FindCategory(facts.category);
  if (category != nullptr && category->CountsFor(LedgerOf(subject.kind()))) {
    Evaluation e = EvaluateViolation(*policy_, std::move(it->second), facts, now);
    it->second = std::move(e.state);
    shadow = std::move(e.decision);
  } else {
    shadow.set_violation_id(facts.violation_id);
    shadow.set_standing_after(DeriveStanding(it->second.actions(), now));
  }
  v1::ShadowDecision d;
  d.set_sequence(sequence);
  *d.mutable_subject() = subject;
  d.set_shadow_version(policy_->version());
  *d.mutable_active() = TraceOf(real, facts.category);
  *d.mutable_shadow() = TraceOf(shadow, facts.category);
  d.set_agree(SameOutcome(d.active(), d.shadow()));
  write->shadow_decisions.push_back(std::move(d));
  return absl::OkStatus();
}

}  // namespace enforcer
