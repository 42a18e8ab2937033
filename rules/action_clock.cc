#include "rules/action_clock.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

bool Recorded(const v1::SubjectState& state, const std::string& action_id) {
  const auto& ids = state.took_effect_recorded();
  return std::find(ids.begin(), ids.end(), action_id) != ids.end();
}

bool TakesEffectBy(const v1::SubjectState& state, const v1::Action& a, absl::Time now) {
  return a.has_effective_at() && a.paused_by_appeal().empty() &&
         FromProtoTime(a.effective_at()) <= now && !Recorded(state, a.action_id());
}

struct Due {
  absl::Time at;
  int order;  // taking effect (0) before ending (1)
  v1::Action action;
};

void RemoveById(google::protobuf::RepeatedPtrField<v1::Action>* actions, const std::string& id) {
  actions->erase(std::remove_if(actions->begin(), actions->end(),
                                [&](const v1::Action& a) { return a.action_id() == id; }),
                 actions->end());
}

}  // namespace

std::vector<v1::LedgerEntry> TakeDueActionEvents(const Policy* policy, absl::Time now,
                                                 v1::SubjectState* state) {
  PruneState(policy, now, state);
  std::vector<Due> due;
  for (const v1::Action& a : state->actions()) {
    if (TakesEffectBy(*state, a, now)) due.push_back({FromProtoTime(a.effective_at()), 0, a});
  }
  for (const v1::Action& a : state->ended_unrecorded()) {
    if (TakesEffectBy(*state, a, now)) due.push_back({FromProtoTime(a.effective_at()), 0, a});
    due.push_back({EndOf(a), 1, a});
  }
  std::sort(due.begin(), due.end(), [](const Due& x, const Due& y) {
    return std::tie(x.at, x.order, x.action.action_id()) <
           std::tie(y.at, y.order, y.action.action_id());
  });
  std::vector<v1::LedgerEntry> out;
  for (Due& d : due) {
    v1::LedgerEntry e;
    if (d.order == 0) {
      v1::ActionTookEffect& t = *e.mutable_action_took_effect();
      *t.mutable_effective_at() = d.action.effective_at();
      *t.mutable_action() = std::move(d.action);
      t.set_policy_version(state->policy_version());
      ApplyActionTookEffect(t, state);
      t.set_standing_after(DeriveStanding(state->actions(), now));
    } else {
      v1::ActionEnded& ended = *e.mutable_action_ended();
      *ended.mutable_ended_at() = d.action.expires_at();
      *ended.mutable_action() = std::move(d.action);
      ended.set_policy_version(state->policy_version());
      ApplyActionEnded(ended, state);
      ended.set_standing_after(DeriveStanding(state->actions(), now));
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool HasDueActionEvents(const v1::SubjectState& state, absl::Time now) {
  if (state.ended_unrecorded_size() > 0) return true;
  for (const v1::Action& a : state.actions()) {
    if (a.has_expires_at() && FromProtoTime(a.expires_at()) <= now) return true;
    if (TakesEffectBy(state, a, now)) return true;
  }
  return false;
}

void ApplyActionEnded(const v1::ActionEnded& ended, v1::SubjectState* state) {
  const std::string& id = ended.action().action_id();
  RemoveById(state->mutable_ended_unrecorded(), id);
  RemoveById(state->mutable_actions(), id);
  auto* ids = state->mutable_took_effect_recorded();
  ids->erase(std::remove(ids->begin(), ids->end(), id), ids->end());
}

void ApplyActionTookEffect(const v1::ActionTookEffect& took_effect, v1::SubjectState* state) {
  if (!Recorded(*state, took_effect.action().action_id())) {
    state->add_took_effect_recorded(took_effect.action().action_id());
  }
}

}  // namespace enforcer
