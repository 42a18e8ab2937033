#include "rules/policy_test_runner.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/remedies.h"

namespace enforcer {
namespace {

std::string Key(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator " : "seller ", s.id());
}

// One case, run step by step.
class CaseRun {
 public:
  CaseRun(const Policy& policy, const PolicyTestCase& test, PolicyTestReport* report)
      : policy_(policy), test_(test), report_(report) {}

  void Run() {
    for (const PolicyTestStep& step : test_.steps) {
      ++report_->steps;
      decisions_.clear();
      if (step.report && !Report(step)) return;
      if (step.remedy_subject && !Remedy(step)) return;
      for (const SubjectExpectation& e : step.expect) Check(step, e);
    }
  }

 private:
  void Fail(SourcePosition at, std::string message) {
    report_->failures.push_back({test_.name, at, std::move(message)});
  }

  v1::SubjectState& State(const v1::Subject& subject) {
    auto [it, inserted] = states_.emplace(Key(subject), v1::SubjectState());
    if (inserted) *it->second.mutable_subject() = subject;
    return it->second;
  }

  bool Report(const PolicyTestStep& step) {
    const v1::ReportViolationRequest& r = *step.report;
    const CategoryPolicy* category = policy_.FindCategory(r.category());
    if (category == nullptr) {
      Fail(step.position, absl::StrCat("report ", r.report_id(), ": category '", r.category(),
                                       "' is not defined by policy ", policy_.name()));
      return false;
    }
    report_->categories_reported.insert(r.category());
    v1::Violation violation;
    violation.set_violation_id(absl::StrCat("v", ++sequence_));
    *violation.mutable_report() = r;
    *violation.mutable_recorded_at() = ToProtoTime(step.at);
    if (r.severity() == v1::SEVERITY_UNSPECIFIED && category->points_by_severity) {
      violation.mutable_report()->set_severity(category->default_severity);
    }
    violations_[r.report_id()] = violation.violation_id();
    bool first = true;
    for (const auto& [kind, id] :
         {std::make_pair(v1::SELLER, r.seller_id()), std::make_pair(v1::CREATOR, r.creator_id())}) {
      if (id.empty() || !category->CountsFor(LedgerOf(kind))) continue;
      v1::Subject subject;
      subject.set_kind(kind);
      subject.set_id(id);
      ViolationFacts facts = FactsOf(violation);
      facts.emit_object_actions = first;
      first = false;
      Evaluation e = EvaluateViolation(policy_, State(subject), facts, step.at);
      for (const v1::RuleFiring& f : e.decision.rules_fired())
        report_->rules_fired.insert(f.rule_id());
      State(subject) = std::move(e.state);
      decisions_[Key(subject)] = std::move(e.decision);
    }
    return true;
  }

  bool Remedy(const PolicyTestStep& step) {
    const RemedyPolicy* remedy = policy_.FindRemedy(step.remedy);
    if (remedy == nullptr) {
      Fail(step.position,
           absl::StrCat("remedy '", step.remedy, "' is not defined by policy ", policy_.name()));
      return false;
    }
    std::string violation_id;
    if (!step.remedy_report_id.empty()) {
      auto it = violations_.find(step.remedy_report_id);
      if (it == violations_.end()) {
        Fail(step.position,
             absl::StrCat("remedy: no earlier report '", step.remedy_report_id, "'"));
        return false;
      }
      violation_id = it->second;
    }
    v1::SubjectState& state = State(*step.remedy_subject);
    state = ApplyRemedy(policy_, *remedy, state, violation_id, step.at).state;
    return true;
  }

  void Check(const PolicyTestStep& step, const SubjectExpectation& e) {
    const StandingSummary s = SummarizeStanding(policy_, State(e.subject), step.at);
    std::vector<std::string> issued, fired;
    auto d = decisions_.find(Key(e.subject));
    if (d != decisions_.end()) {
      for (const v1::Action& a : d->second.actions()) issued.push_back(ActionTypeName(a.type()));
      for (const v1::RuleFiring& f : d->second.rules_fired()) fired.push_back(f.rule_id());
    }
    const std::string context = absl::StrCat(" (this step fired: [", absl::StrJoin(fired, ", "),
                                             "]; issued: [", absl::StrJoin(issued, ", "), "])");
    auto expect = [&](bool ok, const std::string& what, const std::string& want,
                      const std::string& got) {
      ++report_->checks;
      if (!ok) {
        Fail(e.position,
             absl::StrCat(Key(e.subject), ": ", what, ": expected ", want, ", got ", got, context));
      }
    };
    if (e.standing) {
      expect(*e.standing == s.standing, "standing", v1::Standing_Name(*e.standing),
             v1::Standing_Name(s.standing));
    }
    if (e.points) {
      expect(*e.points == s.active_points, "points", absl::StrCat(*e.points),
             absl::StrCat(s.active_points));
    }
    if (e.pending) {
      expect(*e.pending == static_cast<int>(s.pending_actions.size()), "pending actions",
             absl::StrCat(*e.pending), absl::StrCat(s.pending_actions.size()));
    }
    if (e.issued) {
      expect(*e.issued == issued, "issued", absl::StrCat("[", absl::StrJoin(*e.issued, ", "), "]"),
             absl::StrCat("[", absl::StrJoin(issued, ", "), "]"));
    }
    if (e.fired) {
      expect(*e.fired == fired, "fired", absl::StrCat("[", absl::StrJoin(*e.fired, ", "), "]"),
             absl::StrCat("[", absl::StrJoin(fired, ", "), "]"));
    }
  }

  const Policy& policy_;
  const PolicyTestCase& test_;
  PolicyTestReport* report_;
  std::map<std::string, v1::SubjectState> states_;
  std::map<std::string, v1::Decision> decisions_;  // this step's, by subject
  std::map<std::string, std::string> violations_;  // report id -> violation id
  int sequence_ = 0;
};

}  // namespace

PolicyTestReport RunPolicyTests(const Policy& policy, const PolicyTests& tests) {
  PolicyTestReport report;
  for (const PolicyTestCase& c : tests.cases) {
    ++report.cases;
    CaseRun(policy, c, &report).Run();
  }
  return report;
}

}  // namespace enforcer
