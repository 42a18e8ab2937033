#include "engine/standing_view.h"

#include <memory>
#include <utility>

#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/scoring.h"

namespace enforcer {

v1::GetStandingResponse StandingView(PolicyRegistry& policies, const v1::Subject& subject,
                                     const std::optional<v1::SubjectState>& state,
                                     absl::Time now) {
  const std::shared_ptr<const Policy> policy = policies.active();
  v1::GetStandingResponse out;
  *out.mutable_subject() = subject;
  out.set_policy_version(policy->version());
  *out.mutable_as_of() = ToProtoTime(now);
  if (!state.has_value()) {
    out.set_standing(v1::GOOD_STANDING);
    out.set_evaluated_under(policy->version());
    v1::SubjectState empty;
    *empty.mutable_subject() = subject;
    *out.mutable_tier() = SummarizeStanding(*policy, empty, now).tier;
    return out;
  }
  std::shared_ptr<const Policy> decided_under = policies.Find(state->policy_version());
  StandingSummary summary =
      SummarizeStanding(decided_under != nullptr ? *decided_under : *policy, *state, now);
  out.set_standing(summary.standing);
  out.set_active_points(SaturateToInt32(summary.active_points));
  for (v1::Action& a : summary.active_actions) *out.add_active_actions() = std::move(a);
  for (v1::Action& a : summary.pending_actions) *out.add_pending_actions() = std::move(a);
  for (v1::CategoryCount& c : summary.category_counts) *out.add_category_counts() = std::move(c);
  out.set_lifetime_violations(state->lifetime_violations());
  *out.mutable_tier() = summary.tier;
  out.set_evaluated_under(state->policy_version());
  return out;
}

}  // namespace enforcer
