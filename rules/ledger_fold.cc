// FoldLedger: a subject's state rebuilt from its ledger alone (see reevaluator.h).
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/action_clock.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"
#include "rules/reevaluator.h"

namespace enforcer {
namespace {

// Empty if equal; otherwise the first differences, for the report. A re-evaluation's `reason`
// is an explanation (a repair prefixes it), not an outcome, so it is not compared.
std::string Differences(const google::protobuf::Message& recorded,
                        const google::protobuf::Message& rerun) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  if (recorded.GetDescriptor() == v1::Reevaluation::descriptor()) {
    differencer.IgnoreField(v1::Reevaluation::descriptor()->FindFieldByName("reason"));
    // A recomputation after a void words its lifts as reinstatements, by whom and why.
    for (const char* name : {"reason", "reinstatement", "actor"}) {
      differencer.IgnoreField(v1::ActionLift::descriptor()->FindFieldByName(name));
    }
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
  for (const v1::ActionLift& lift : p.actions_lifted())
    RemoveAction(lift.action().action_id(), state);
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

// A void: the violation leaves (or is reduced in) what later re-evaluations replay, and the
// recorded recomputation is re-run under its policy and compared.
void FoldVoid(const PolicyResolver& policies, const v1::LedgerEntry& e, FoldResult* out) {
  const v1::ViolationVoid& v = e.violation_void();
  if (!ApplyVoid(v, &out->violations)) {
    out->disagreements.push_back(
        absl::StrCat(v.violation_id(), ": voided but not among the subject's violations"));
  }
  const v1::Reevaluation& r = v.recomputation();
  const Policy* policy = policies(r.policy_version());
  if (policy == nullptr) {
    ApplyRecordedReevaluation(r, &out->state);
    return;
  }
  const Policy* previous = policies(out->state.policy_version());
  ReevaluationOutcome redo =
      Reevaluate(*policy, previous, std::move(out->state), out->violations,
                 FromProtoTime(r.decided_at()), absl::StrCat("v", e.sequence()));
  if (std::string diff = Differences(r, redo.record); !diff.empty()) {
    out->disagreements.push_back(
        absl::StrCat("v", e.sequence(), ": re-running the recomputation after voiding ",
                     v.violation_id(), " gives a different result than the recorded one: ", diff));
  }
  out->state = std::move(redo.state);
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
    } else if (e.has_violation_void()) {
      FoldVoid(policies, e, &out);
    } else if (e.has_staff_action()) {
      PruneState(policies(out.state.policy_version()),
                 FromProtoTime(e.staff_action().recorded_at()), &out.state);
      ApplyStaffAction(e.staff_action(), &out.state);
    } else if (e.has_appeal()) {
      PruneState(policies(out.state.policy_version()), FromProtoTime(e.appeal().filed_at()),
                 &out.state);
      ApplyAppealFiled(e.appeal(), &out.state);
    } else if (e.has_appeal_resolution()) {
      ApplyAppealResolved(e.appeal_resolution(), &out.state);
    } else if (e.has_action_ended()) {
      PruneState(policies(out.state.policy_version()), FromProtoTime(e.recorded_at()),
                 &out.state);
      ApplyActionEnded(e.action_ended(), &out.state);
    } else if (e.has_action_took_effect()) {
      PruneState(policies(out.state.policy_version()), FromProtoTime(e.recorded_at()),
                 &out.state);
      ApplyActionTookEffect(e.action_took_effect(), &out.state);
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
