#include "rules/simulation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

std::string ActionName(const v1::Action& a) {
  std::string name = ActionTypeName(a.type());
  if (!a.feature().empty()) absl::StrAppend(&name, " ", a.feature());
  return name;
}

}  // namespace

v1::DecisionTrace TraceOf(const v1::Decision& d, const std::string& category) {
  v1::DecisionTrace t;
  t.set_violation_id(d.violation_id());
  t.set_category(category);
  *t.mutable_decided_at() = d.decided_at();
  t.set_active_points(d.active_points());
  t.set_standing_after(d.standing_after());
  for (const v1::RuleFiring& f : d.rules_fired()) t.add_rules_fired(f.rule_id());
  for (const v1::Action& a : d.actions()) t.add_actions(ActionName(a));
  return t;
}

// What a comparison looks at: not ids, times or reasons (a re-decision writes the same ones,
// but the candidate's reasons may be worded differently).
bool SameOutcome(const v1::DecisionTrace& a, const v1::DecisionTrace& b) {
  return a.standing_after() == b.standing_after() && a.active_points() == b.active_points() &&
         std::equal(a.rules_fired().begin(), a.rules_fired().end(), b.rules_fired().begin(),
                    b.rules_fired().end()) &&
         std::equal(a.actions().begin(), a.actions().end(), b.actions().begin(), b.actions().end());
}

SubjectSimulation SimulateSubject(const Policy& candidate, const v1::Subject& subject,
                                  const std::vector<v1::LedgerEntry>& log, absl::Time start,
                                  absl::Time end) {
  SubjectSimulation out;
  out.subject = subject;
  const LedgerKind ledger = LedgerOf(subject.kind());
  v1::SubjectState state;
  *state.mutable_subject() = subject;
  std::map<std::string, const v1::Violation*> violations;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) violations[e.violation().violation_id()] = &e.violation();
    if (!e.has_decision()) continue;
    const v1::Decision& d = e.decision();
    const absl::Time at = FromProtoTime(d.decided_at());
    auto v = violations.find(d.violation_id());
    if (at < start || at >= end || v == violations.end()) continue;
    ++out.events;
    const std::string& category = v->second->report().category();
    out.recorded.push_back(TraceOf(d, category));
    out.recorded_standing = d.standing_after();
    const CategoryPolicy* c = candidate.FindCategory(category);
    ViolationFacts facts = FactsOf(*v->second);
    // A take-down goes with the first subject the report counts against, seller first.
    facts.emit_object_actions = subject.kind() == v1::SELLER ||
                                v->second->report().seller_id().empty() ||
                                (c != nullptr && !c->counts_for_seller);
    v1::Decision redone;
    if (c != nullptr && c->CountsFor(ledger)) {
      Evaluation eval = EvaluateViolation(candidate, std::move(state), facts, at);
      state = std::move(eval.state);
      redone = std::move(eval.decision);
    } else {
      // The candidate does not count it here: nothing would have been decided.
      redone.set_violation_id(d.violation_id());
      redone.set_standing_after(DeriveStanding(state.actions(), at));
      *redone.mutable_decided_at() = d.decided_at();
    }
    out.candidate.push_back(TraceOf(redone, category));
    out.candidate_standing = redone.standing_after();
    out.differs |= !SameOutcome(out.recorded.back(), out.candidate.back());
    for (const std::string& a : out.recorded.back().actions()) ++out.actions[a].first;
    for (const std::string& a : out.candidate.back().actions()) ++out.actions[a].second;
    for (const std::string& r : out.recorded.back().rules_fired()) ++out.rules[r].first;
    for (const std::string& r : out.candidate.back().rules_fired()) ++out.rules[r].second;
  }
  return out;
}

void SimulationTally::Add(SubjectSimulation s) {
  ++subjects_;
  events_ += s.events;
  for (const auto& [name, n] : s.actions) {
    actions_[name].first += n.first;
    actions_[name].second += n.second;
  }
  for (const auto& [name, n] : s.rules) {
    rules_[name].first += n.first;
    rules_[name].second += n.second;
  }
  if (!s.differs) return;
  ++differing_;
  if (s.recorded_standing != s.candidate_standing) {
    ++standings_[{s.recorded_standing, s.candidate_standing}];
  }
  if (static_cast<int>(samples_.size()) < sample_size_) samples_.push_back(std::move(s));
}

void SimulationTally::Merge(SimulationTally&& other) {
  subjects_ += other.subjects_;
  events_ += other.events_;
  differing_ += other.differing_;
  for (const auto& [k, n] : other.standings_) standings_[k] += n;
  for (const auto& [k, n] : other.actions_) {
    actions_[k].first += n.first;
    actions_[k].second += n.second;
  }
  for (const auto& [k, n] : other.rules_) {
    rules_[k].first += n.first;
    rules_[k].second += n.second;
  }
  for (SubjectSimulation& s : other.samples_) {
    if (static_cast<int>(samples_.size()) < sample_size_) samples_.push_back(std::move(s));
  }
}

v1::SimulationResult SimulationTally::Result() const {
  v1::SimulationResult r;
  r.set_subjects(subjects_);
  r.set_events(events_);
  r.set_subjects_differing(differing_);
  for (const auto& [k, n] : standings_) {
    auto* c = r.add_standing_changes();
    c->set_recorded(static_cast<v1::Standing>(k.first));
    c->set_candidate(static_cast<v1::Standing>(k.second));
    c->set_subjects(n);
  }
  auto counts = [](const auto& from, auto* to) {
    for (const auto& [name, n] : from) {
      auto* c = to->Add();
      c->set_name(name);
      c->set_recorded(n.first);
      c->set_candidate(n.second);
    }
  };
  counts(actions_, r.mutable_actions());
  counts(rules_, r.mutable_rule_firings());
  for (const SubjectSimulation& s : samples_) {
    auto* sample = r.add_samples();
    *sample->mutable_subject() = s.subject;
    for (const auto& t : s.recorded) *sample->add_recorded() = t;
    for (const auto& t : s.candidate) *sample->add_candidate() = t;
  }
  return r;
}

}  // namespace enforcer
