#include "rules/reevaluator.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"
#include "rules/notices.h"
#include "rules/remedies.h"
#include "rules/scoring.h"
#include "rules/tier.h"

namespace enforcer {
namespace {

bool SameRule(const v1::Action& a, const v1::Action& b) {
  return a.rule_id() == b.rule_id() && a.type() == b.type() && a.feature() == b.feature();
}

std::string PolicyLabel(const Policy& policy) {
  return absl::StrCat("policy ", policy.name(), " (", policy.version().substr(0, 19), ")");
}

v1::ActionLift Lift(const v1::Action& action, const Policy& policy, std::string reason) {
  v1::ActionLift lift;
  *lift.mutable_action() = action;
  lift.set_reason(std::move(reason));
  lift.set_policy_version(policy.version());
  return lift;
}

// Staff lifted this rule's action after the replay's one began: it is not issued again.
bool LiftedByStaff(const v1::SubjectState& current, const v1::Action& desired) {
  for (const v1::StaffLift& l : current.staff_lifted()) {
    if (SameRule(l.action(), desired) &&
        FromProtoTime(desired.starts_at()) <= FromProtoTime(l.lifted_at())) {
      return true;
    }
  }
  return false;
}

// Sorts what the subject has in force against what the replay has, rule by rule: kept as it is,
// lifted, or (for permanent actions the replay lacks) kept for review. Returns what the replay has
// that must be issued.
std::vector<const v1::Action*> Match(const Policy& policy, const v1::SubjectState& current,
                                     const v1::SubjectState& desired, absl::Time now,
                                     v1::Reevaluation* record, v1::SubjectState* kept) {
  std::vector<bool> used(desired.actions_size(), false);
  for (int j = 0; j < desired.actions_size(); ++j)
    used[j] = LiftedByStaff(current, desired.actions(j));
  std::vector<const v1::Action*> to_issue;
  for (const v1::Action& c : current.actions()) {
    if (!IsActive(c, now)) continue;
    if (c.rule_id() == kLinkedSubjectRuleId || c.rule_id() == kStaffRuleId) {
      // It follows the linked subject, or staff's judgement, not this subject's violations.
      *kept->add_actions() = c;
      continue;
    }
    int match = -1;
    for (int j = 0; j < desired.actions_size() && match < 0; ++j) {
      if (!used[j] && IsActive(desired.actions(j), now) && SameRule(c, desired.actions(j)))
        match = j;
    }
    if (match >= 0) used[match] = true;
    // Staff set its end, or an open appeal holds it: kept as it is while the rule still wants it.
    const bool held = c.staff_adjusted() || !c.paused_by_appeal().empty();
    if (match >= 0 && (held || EndOf(c) == EndOf(desired.actions(match)))) {
      *kept->add_actions() = c;
    } else if (!c.has_expires_at()) {
      // Permanent: undone only by staff. It covers whatever the policy would have instead.
      *kept->add_actions() = c;
      if (match < 0) *record->add_permanent_kept_for_review() = c;
    } else if (match >= 0) {
      to_issue.push_back(&desired.actions(match));
      *record->add_actions_lifted() = Lift(c, policy,
                                           absl::StrCat("replaced: under ", PolicyLabel(policy),
                                                        " it would run for a different time"));
    } else {
      *record->add_actions_lifted() =
          Lift(c, policy, absl::StrCat(PolicyLabel(policy), " would not have it in force now"));
    }
  }
  for (int j = 0; j < desired.actions_size(); ++j) {
    if (!used[j] && IsActive(desired.actions(j), now)) to_issue.push_back(&desired.actions(j));
  }
  return to_issue;
}

// Issues what the replay has and the subject lacks, through the same planner as a decision, so
// a re-evaluation issues only the effective actions (nothing under what is kept, nothing a higher
// new action covers). `kept` holds the subject's remaining actions and receives the new ones.
void Reconcile(const Policy& policy, const v1::SubjectState& current,
               const v1::SubjectState& desired, absl::Time now, const std::string& id_prefix,
               v1::Reevaluation* record, v1::SubjectState* kept) {
  const std::vector<const v1::Action*> to_issue =
      Match(policy, current, desired, now, record, kept);
  ActionPlanner planner(id_prefix, "", 1, now, kept);
  planner.SetNoticeWriter([&](const v1::Action& a) {
    return SellerNotice(policy, a,
                        "It follows a re-evaluation of the account under the policy now in force, "
                        "which looked at the violations still counting.",
                        now);
  });
  for (const v1::Action* d : to_issue) {
    // The replay's phrase was written for the replayed decision's time ("for 30 days"); the
    // planner writes one for the time it runs from now.
    const size_t colon = d->reason().find(": ");
    const std::string why =
        colon == std::string::npos ? d->reason() : d->reason().substr(colon + 2);
    ActionSpec spec;
    spec.type = d->type();
    spec.feature = d->feature();
    spec.feature_name = policy.FeatureName(d->feature());
    if (d->has_effective_at() && FromProtoTime(d->effective_at()) > now) {
      spec.grace = FromProtoTime(d->effective_at()) - now;
    }
    planner.Request(d->rule_id(), spec, EndOf(*d),
                    absl::StrCat(why, " (re-evaluated under ", PolicyLabel(policy), ")"));
  }
  google::protobuf::RepeatedPtrField<v1::Action> issued;
  planner.Finish(&issued, record->mutable_superseded());
  for (v1::Action& a : issued) {
    for (const v1::Action* d : to_issue) {
      if (SameRule(a, *d)) a.set_violation_id(d->violation_id());
    }
    for (v1::Action& k : *kept->mutable_actions()) {
      if (k.action_id() == a.action_id()) k.set_violation_id(a.violation_id());
    }
    v1::RuleFiring* f = record->add_rules_fired();
    f->set_rule_id(a.rule_id());
    f->set_reason(a.reason());

    *record->add_actions_issued() = std::move(a);
  }
}

}  // namespace

bool NeedsReevaluation(const v1::SubjectState& state, const Policy& policy,
                       const Policy* decided_under) {
  if (state.lifetime_violations() == 0 || state.policy_version() == policy.version()) return false;
  return decided_under == nullptr ||
         decided_under->content_fingerprint() != policy.content_fingerprint();
}

std::vector<RecordedViolation> RecordedViolations(const std::vector<v1::LedgerEntry>& log) {
  std::map<std::string, ViolationFacts> facts;
  std::vector<RecordedViolation> out;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      facts[e.violation().violation_id()] = FactsOf(e.violation());
    } else if (e.has_decision()) {
      auto it = facts.find(e.decision().violation_id());
      if (it != facts.end()) out.push_back({it->second, FromProtoTime(e.decision().decided_at())});
    } else if (e.has_violation_void()) {
      ApplyVoid(e.violation_void(), &out);
    }
  }
  return out;
}

bool ApplyVoid(const v1::ViolationVoid& v, std::vector<RecordedViolation>* violations) {
  for (auto it = violations->begin(); it != violations->end(); ++it) {
    if (it->facts.violation_id != v.violation_id()) continue;
    if (v.reduced()) {
      it->facts.points_override = v.points();
    } else {
      violations->erase(it);
    }
    return true;
  }
  return false;
}

v1::SubjectState ReplayUnder(const Policy& policy, const v1::Subject& subject,
                             const std::vector<RecordedViolation>& violations, absl::Time now,
                             const google::protobuf::RepeatedPtrField<v1::RemedyFact>& remedies,
                             const v1::SubjectState* staff) {
  v1::SubjectState state;
  *state.mutable_subject() = subject;
  if (staff != nullptr) {
    *state.mutable_snoozes() = staff->snoozes();
    *state.mutable_staff_lifted() = staff->staff_lifted();
  }
  const LedgerKind ledger = LedgerOf(subject.kind());
  int next_remedy = 0;
  // Remedies are replayed where they happened, between the violations, under this policy's
  // definition of them (a remedy it does not define is kept, with no effect).
  auto remedies_until = [&](absl::Time t) {
    for (; next_remedy < remedies.size() &&
           FromProtoTime(remedies.Get(next_remedy).recorded_at()) <= t;
         ++next_remedy) {
      const v1::RemedyFact& fact = remedies.Get(next_remedy);
      const RemedyPolicy* remedy = policy.FindRemedy(fact.remedy());
      const absl::Time at = FromProtoTime(fact.recorded_at());
      if (remedy != nullptr) {
        state = ApplyRemedy(policy, *remedy, std::move(state), fact.violation_id(), at).state;
      } else {
        *state.add_remedies() = fact;
      }
    }
  };
  for (const RecordedViolation& rv : violations) {
    remedies_until(rv.decided_at - absl::Nanoseconds(1));
    const CategoryPolicy* category = policy.FindCategory(rv.facts.category);
    if (category != nullptr && category->CountsFor(ledger)) {
      ViolationFacts facts = rv.facts;
      facts.emit_object_actions = false;  // take-downs are not part of a subject's state
      state = EvaluateViolation(policy, std::move(state), facts, rv.decided_at).state;
    } else {
      // The policy no longer scores it, but its facts stay: a later policy may.
      PruneState(&policy, rv.decided_at, &state);
      ViolationFacts facts = rv.facts;
      facts.recorded_at = rv.decided_at;
      FoldViolationFacts(facts, &state);
    }
  }
  remedies_until(now);
  PruneState(&policy, now, &state);
  state.set_policy_version(policy.version());
  return state;
}

ReevaluationOutcome Reevaluate(const Policy& policy, const Policy* previous,
                               v1::SubjectState current,
                               const std::vector<RecordedViolation>& violations, absl::Time now,
                               const std::string& id_prefix) {
  ReevaluationOutcome out;
  const int64_t today = UnixDay(now);
  v1::Reevaluation& record = out.record;
  record.set_policy_version(policy.version());
  record.set_previous_policy_version(current.policy_version());
  // Scored before the state is trimmed to the new policy's windows, which may be shorter.
  record.set_active_points_before(SaturateToInt32(
      PointsScore(previous != nullptr ? *previous : policy, current, today).active_points()));
  PruneState(&policy, now, &current);
  record.set_standing_before(DeriveStanding(current.actions(), now));
  *record.mutable_decided_at() = ToProtoTime(now);
  record.set_reason(absl::StrCat(PolicyLabel(policy),
                                 " became active after this subject's last decision; re-evaluated "
                                 "as if it had always been in force"));

  out.state = ReplayUnder(policy, current.subject(), violations, now, current.remedies(), &current);
  *out.state.mutable_links() = current.links();
  *out.state.mutable_open_appeals() = current.open_appeals();
  // The replay's own ended actions are hypothetical; what the scheduler still has to record is
  // the subject's.
  *out.state.mutable_ended_unrecorded() = current.ended_unrecorded();
  *out.state.mutable_took_effect_recorded() = current.took_effect_recorded();
  v1::SubjectState kept;
  *kept.mutable_subject() = current.subject();
  Reconcile(policy, current, out.state, now, id_prefix, &record, &kept);
  out.state.mutable_actions()->Swap(kept.mutable_actions());

  const PointsScore after(policy, out.state, today);
  record.set_active_points(SaturateToInt32(after.active_points()));
  record.set_standing_after(DeriveStanding(out.state.actions(), now));
  *record.mutable_tier_after() = TierOf(policy, after, LedgerOf(current.subject().kind()));
  return out;
}

}  // namespace enforcer
