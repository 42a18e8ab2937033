#include "rules/reevaluator.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
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

// Sorts what the subject has in force against what the replay has, rule by rule: kept as it is,
// lifted, or (for permanent actions the replay lacks) kept for review. Returns what the replay has
// that must be issued.
std::vector<const v1::Action*> Match(const Policy& policy, const v1::SubjectState& current,
                                     const v1::SubjectState& desired, absl::Time now,
                                     v1::Reevaluation* record, v1::SubjectState* kept) {
  std::vector<bool> used(desired.actions_size(), false);
  std::vector<const v1::Action*> to_issue;
  for (const v1::Action& c : current.actions()) {
    if (!IsActive(c, now)) continue;
    if (c.rule_id() == kLinkedSubjectRuleId) {
      // It follows the linked subject, not this subject's violations.
      *kept->add_actions() = c;
      continue;
    }
    int match = -1;
    for (int j = 0; j < desired.actions_size() && match < 0; ++j) {
      if (!used[j] && IsActive(desired.actions(j), now) && SameRule(c, desired.actions(j)))
        match = j;
    }
    if (match >= 0) used[match] = true;
    if (match >= 0 && EndOf(c) == EndOf(desired.actions(match))) {
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
    }
  }
  return out;
}

v1::SubjectState ReplayUnder(const Policy& policy, const v1::Subject& subject,
                             const std::vector<RecordedViolation>& violations, absl::Time now,
                             const google::protobuf::RepeatedPtrField<v1::RemedyFact>& remedies) {
  v1::SubjectState state;
  *state.mutable_subject() = subject;
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

  out.state = ReplayUnder(policy, current.subject(), violations, now, current.remedies());
  *out.state.mutable_links() = current.links();
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

namespace {

// Empty if equal; otherwise the first differences, for the report. A re-evaluation's `reason`
// is an explanation (a repair prefixes it), not an outcome, so it is not compared.
std::string Differences(const google::protobuf::Message& recorded,
                        const google::protobuf::Message& rerun) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  if (const auto* field = v1::Reevaluation::descriptor()->FindFieldByName("reason");
      recorded.GetDescriptor() == v1::Reevaluation::descriptor()) {
    differencer.IgnoreField(field);
  }
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(recorded, rerun)) return "";
  if (diff.size() > 300) diff = absl::StrCat(diff.substr(0, 300), "...");
  return diff;
}

bool HasTakeDown(const v1::Decision& d) {
  for (const v1::Action& a : d.actions()) {
    if (a.type() == v1::ACTION_TAKE_DOWN) return true;
  }
  return false;
}

// A decision whose policy is unknown: take its facts and actions as recorded.
void FoldAsRecorded(const RecordedViolation& rv, const v1::Decision& d, v1::SubjectState* state) {
  PruneState(nullptr, rv.decided_at, state);
  ViolationFacts facts = rv.facts;
  facts.recorded_at = rv.decided_at;
  FoldViolationFacts(facts, state);
  for (const v1::Supersession& s : d.superseded()) {
    if (s.action().action_id().empty()) continue;
    auto* actions = state->mutable_actions();
    for (int i = actions->size() - 1; i >= 0; --i) {
      if (actions->Get(i).action_id() == s.action().action_id() &&
          actions->Get(i).type() == s.superseded_by_type()) {
        actions->DeleteSubrange(i, 1);
      }
    }
  }
  for (const v1::Action& a : d.actions()) {
    if (a.type() != v1::ACTION_TAKE_DOWN) *state->add_actions() = a;
  }
  state->set_policy_version(d.policy_version());
}

void RemoveAction(const std::string& action_id, v1::SubjectState* state) {
  auto* actions = state->mutable_actions();
  for (int i = actions->size() - 1; i >= 0; --i) {
    if (actions->Get(i).action_id() == action_id) actions->DeleteSubrange(i, 1);
  }
}

// Remedies, links and propagated actions are folded as recorded: what they did is in the entry.
void ApplyRecordedRemedy(const v1::Remedy& r, v1::SubjectState* state) {
  v1::RemedyFact* fact = state->add_remedies();
  *fact->mutable_recorded_at() = r.recorded_at();
  fact->set_remedy(r.remedy());
  fact->set_violation_id(r.violation_id());
  fact->set_points_cap(r.points_restored());  // what ApplyRemedy restored then
  for (const v1::ActionLift& lift : r.actions_ended())
    RemoveAction(lift.action().action_id(), state);
}

void ApplyRecordedLink(const v1::SubjectLink& link, v1::SubjectState* state) {
  for (const v1::SubjectLink& s : state->links()) {
    if (s.linked().kind() == link.linked().kind() && s.linked().id() == link.linked().id()) return;
  }
  *state->add_links() = link;
}

void ApplyRecordedPropagation(const v1::Propagation& p, v1::SubjectState* state) {
  for (const v1::Supersession& s : p.superseded()) {
    if (s.action().action_id().empty() || s.action().type() != s.superseded_by_type()) continue;
    RemoveAction(s.action().action_id(), state);  // replaced by an extension
  }
  for (const v1::Action& a : p.actions_issued()) *state->add_actions() = a;
}

void ApplyRecordedReevaluation(const v1::Reevaluation& r, v1::SubjectState* state) {
  for (const v1::ActionLift& lift : r.actions_lifted()) {
    auto* actions = state->mutable_actions();
    for (int i = actions->size() - 1; i >= 0; --i) {
      if (actions->Get(i).action_id() == lift.action().action_id()) actions->DeleteSubrange(i, 1);
    }
  }
  for (const v1::Action& a : r.actions_issued()) *state->add_actions() = a;
  state->set_policy_version(r.policy_version());
}

}  // namespace

FoldResult FoldLedger(const PolicyResolver& policies, const v1::Subject& subject,
                      const std::vector<v1::LedgerEntry>& log, absl::Time now) {
  FoldResult out;
  *out.state.mutable_subject() = subject;
  const LedgerKind ledger = LedgerOf(subject.kind());
  std::map<std::string, ViolationFacts> recorded;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      recorded[e.violation().violation_id()] = FactsOf(e.violation());
    } else if (e.has_decision()) {
      const v1::Decision& d = e.decision();
      auto it = recorded.find(d.violation_id());
      if (it == recorded.end()) {
        out.disagreements.push_back(
            absl::StrCat(d.violation_id(), ": decision without its violation"));
        continue;
      }
      RecordedViolation rv{it->second, FromProtoTime(d.decided_at())};
      const Policy* policy = policies(d.policy_version());
      const CategoryPolicy* category = policy ? policy->FindCategory(rv.facts.category) : nullptr;
      if (category != nullptr && category->CountsFor(ledger)) {
        rv.facts.emit_object_actions = HasTakeDown(d);
        Evaluation eval = EvaluateViolation(*policy, std::move(out.state), rv.facts, rv.decided_at);
        if (std::string diff = Differences(d, eval.decision); !diff.empty()) {
          out.disagreements.push_back(
              absl::StrCat(d.violation_id(), ": re-running the decision under ",
                           d.policy_version().substr(0, 19),
                           " gives a different result than the recorded one: ", diff));
        }
        out.state = std::move(eval.state);
      } else {
        FoldAsRecorded(rv, d, &out.state);
        ++out.folded_as_recorded;
      }
      rv.facts.emit_object_actions = true;
      out.violations.push_back(std::move(rv));
    } else if (e.has_reevaluation()) {
      const v1::Reevaluation& r = e.reevaluation();
      const Policy* policy = policies(r.policy_version());
      if (policy == nullptr) {
        ApplyRecordedReevaluation(r, &out.state);
        continue;
      }
      // Resolved before the state is moved into the call.
      const Policy* previous = policies(out.state.policy_version());
      ReevaluationOutcome redo =
          Reevaluate(*policy, previous, std::move(out.state), out.violations,
                     FromProtoTime(r.decided_at()), absl::StrCat("r", e.sequence()));
      if (std::string diff = Differences(r, redo.record); !diff.empty()) {
        out.disagreements.push_back(
            absl::StrCat("r", e.sequence(), ": re-running the re-evaluation under ",
                         r.policy_version().substr(0, 19),
                         " gives a different result than the recorded one: ", diff));
      }
      out.state = std::move(redo.state);
    } else if (e.has_remedy()) {
      PruneState(policies(out.state.policy_version()), FromProtoTime(e.remedy().recorded_at()),
                 &out.state);
      ApplyRecordedRemedy(e.remedy(), &out.state);
    } else if (e.has_link()) {
      ApplyRecordedLink(e.link(), &out.state);
    } else if (e.has_propagation()) {
      PruneState(policies(out.state.policy_version()), FromProtoTime(e.propagation().decided_at()),
                 &out.state);
      ApplyRecordedPropagation(e.propagation(), &out.state);
    }
  }
  PruneState(policies(out.state.policy_version()), now, &out.state);
  return out;
}

}  // namespace enforcer
