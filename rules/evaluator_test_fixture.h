// A test fixture for evaluator tests: a policy compiled from YAML and subjects fed reports.
#ifndef ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_
#define ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"

namespace enforcer::testing {

inline const absl::Time kStart = absl::FromUnixSeconds(1790000000);  // 2026-09-21 13:33:20 UTC

inline absl::Time Days(absl::Time t, int days) { return t + absl::Hours(24 * days); }

inline std::shared_ptr<const Policy> MustCompile(const std::string& yaml) {
  auto p = CompilePolicy(yaml, "test.yaml");
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : nullptr;
}

inline v1::SubjectState NewSubject(v1::SubjectKind kind, const std::string& id) {
  v1::SubjectState s;
  s.mutable_subject()->set_kind(kind);
  s.mutable_subject()->set_id(id);
  return s;
}

struct Report {
  std::string category;
  absl::Duration age = absl::ZeroDuration();  // occurred_at = now - age
  std::string region;
  std::string rights_holder;
  v1::Source source = v1::SOURCE_LISTING;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::string object_id;
};

class EvaluatorFixture : public ::testing::Test {
 protected:
  v1::Decision Decide(const Policy& policy, v1::SubjectState* state, const Report& r,
                      absl::Time now) {
    ViolationFacts v;
    v.violation_id = "v" + std::to_string(++next_id_);
    v.category = r.category;
    v.severity = r.severity;
    v.source = r.source;
    v.region = r.region;
    v.rights_holder_id = r.rights_holder;
    v.object_id = r.object_id;
    v.occurred_at = now - r.age;
    Evaluation e = EvaluateViolation(policy, *state, v, now);
    *state = e.state;
    return e.decision;
  }

  static std::vector<std::string> Fired(const v1::Decision& d) {
    std::vector<std::string> ids;
    for (const auto& f : d.rules_fired()) ids.push_back(f.rule_id());
    return ids;
  }

  static std::vector<v1::ActionType> Types(const v1::Decision& d) {
    std::vector<v1::ActionType> types;
    for (const auto& a : d.actions()) types.push_back(a.type());
    return types;
  }

  int next_id_ = 0;
};

using Ids = std::vector<std::string>;
using ActionTypes = std::vector<v1::ActionType>;

}  // namespace enforcer::testing

#endif  // ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_
