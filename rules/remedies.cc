#include "rules/remedies.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator.h"
#include "rules/notices.h"
#include "rules/scoring.h"

namespace enforcer {
namespace {

bool IsPending(const v1::Action& a, absl::Time t) {
  return a.has_effective_at() && FromProtoTime(a.effective_at()) > t;
}

// Whether the remedy recorded as `fact` ends `action` (which must have started by then).
bool Ends(const RemedyPolicy& remedy, const v1::RemedyFact& fact, const v1::Action& action) {
  const absl::Time at = FromProtoTime(fact.recorded_at());
  if (FromProtoTime(action.starts_at()) > at || !IsActive(action, at)) return false;
  if (remedy.ends.count(action.type())) return true;
  return remedy.cancels_pending && !fact.violation_id().empty() &&
         action.violation_id() == fact.violation_id() && IsPending(action, at);
}

std::string SubjectLabel(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator account '" : "seller account '", s.id(),
                      "'");
}

}  // namespace

std::optional<absl::Time> RemedyNotBefore(const RemedyPolicy& remedy, const v1::SubjectState& state,
                                          absl::Time now) {
  if (!remedy.once_every_days) return std::nullopt;
  for (int i = state.remedies_size() - 1; i >= 0; --i) {
    const v1::RemedyFact& f = state.remedies(i);
    if (f.remedy() != remedy.id) continue;
    const absl::Time next =
        FromProtoTime(f.recorded_at()) + absl::Hours(24) * *remedy.once_every_days;
    if (next > now) return next;
    break;
  }
  return std::nullopt;
}

RemedyOutcome ApplyRemedy(const Policy& policy, const RemedyPolicy& remedy, v1::SubjectState state,
                          const std::string& violation_id, absl::Time now) {
  RemedyOutcome out;
  v1::Remedy& r = out.record;
  PruneState(&policy, now, &state);
  const int64_t today = UnixDay(now);
  const int64_t before = PointsScore(policy, state, today).active_points();
  r.set_remedy(remedy.id);
  r.set_display_name(remedy.display_name);
  r.set_violation_id(violation_id);
  r.set_policy_version(policy.version());
  *r.mutable_recorded_at() = ToProtoTime(now);
  r.set_active_points_before(SaturateToInt32(before));
  r.set_standing_before(DeriveStanding(state.actions(), now));

  v1::RemedyFact* fact = state.add_remedies();
  *fact->mutable_recorded_at() = ToProtoTime(now);
  fact->set_remedy(remedy.id);
  fact->set_violation_id(violation_id);
  // Only points active now can be restored, never points recorded later.
  fact->set_points_cap(SaturateToInt32(std::min<int64_t>(remedy.restores_points, before)));
  auto* actions = state.mutable_actions();
  for (int i = 0; i < actions->size();) {
    const v1::Action& a = actions->Get(i);
    if (!Ends(remedy, *fact, a)) {
      ++i;
      continue;
    }
    v1::ActionLift* lift = r.add_actions_ended();
    *lift->mutable_action() = a;
    lift->set_policy_version(policy.version());
    lift->set_reason(IsPending(a, now)
                         ? absl::StrCat("cancelled before it took effect: ", remedy.display_name)
                         : absl::StrCat("ended early: ", remedy.display_name));
    actions->DeleteSubrange(i, 1);
  }
  const int64_t after = PointsScore(policy, state, today).active_points();
  r.set_points_restored(SaturateToInt32(before - after));
  r.set_active_points(SaturateToInt32(after));
  r.set_standing_after(DeriveStanding(state.actions(), now));
  out.state = std::move(state);
  return out;
}

PropagationOutcome Propagate(const Policy& policy, v1::SubjectState target,
                             const v1::Subject& source, const v1::Action& source_action,
                             const std::string& link_reason, absl::Time now,
                             const std::string& id_prefix) {
  PropagationOutcome out;
  v1::Propagation& p = out.record;
  PruneState(&policy, now, &target);
  *p.mutable_source() = source;
  *p.mutable_source_action() = source_action;
  p.set_policy_version(policy.version());
  *p.mutable_decided_at() = ToProtoTime(now);
  p.set_standing_before(DeriveStanding(target.actions(), now));

  ActionSpec spec;
  spec.type = source_action.type();
  spec.feature = source_action.feature();
  spec.feature_name = policy.FeatureName(source_action.feature());
  const absl::Time ends = EndOf(source_action);
  if (source_action.has_effective_at() && FromProtoTime(source_action.effective_at()) > now) {
    spec.grace = FromProtoTime(source_action.effective_at()) - now;
  }
  if (ends != absl::InfiniteFuture())
    spec.duration = ends - now - spec.grace.value_or(absl::ZeroDuration());
  const std::string facts =
      absl::StrCat("It follows the same action on the ", SubjectLabel(source),
                   ", which is recorded as having the same owner (", link_reason, ").");
  ActionPlanner planner(id_prefix, "", 1, now, &target);
  planner.SetNoticeWriter([&](const v1::Action& a) { return SellerNotice(policy, a, facts, now); });
  planner.Request(kLinkedSubjectRuleId, spec, ends,
                  absl::StrCat("the linked ", SubjectLabel(source), " received it (",
                               source_action.reason(), ")"));
  google::protobuf::RepeatedPtrField<v1::Action> issued;
  planner.Finish(&issued, p.mutable_superseded());
  for (v1::Action& a : issued) *p.add_actions_issued() = std::move(a);
  p.set_standing_after(DeriveStanding(target.actions(), now));
  out.state = std::move(target);
  return out;
}

}  // namespace enforcer
