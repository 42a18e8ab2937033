// A test fixture for evaluator tests: a policy compiled from YAML and subjects fed reports.
#ifndef ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_
#define ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
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
  std::string notice;
  std::map<std::string, std::string> attributes;
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
    v.notice_id = r.notice;
    v.attributes = r.attributes;
    v.occurred_at = now - r.age;
    v.recorded_at = now;
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

// What a subject's standing amounts to at `now`, comparable across ledgers: standing, points,
// tier and the effective actions (type, feature, rule, end), ignoring ids and start times (a
// re-evaluation issues equivalent actions under new ids). An action that a higher one covers
// for at least as long is moot and left out: a re-evaluation does not issue it, while a decision
// may have left it running underneath.
inline std::string EffectiveStanding(const Policy& policy, const v1::SubjectState& state,
                                     absl::Time now) {
  StandingSummary s = SummarizeStanding(policy, state, now);
  std::multiset<std::tuple<int, std::string, std::string, int64_t>> actions;
  for (const v1::Action& a : s.active_actions) {
    bool covered = false;
    for (const v1::Action& b : s.active_actions)
      covered |= b.type() > a.type() && EndOf(b) >= EndOf(a);
    if (!covered) {
      actions.insert(
          {a.type(), a.feature(), a.rule_id(), a.has_expires_at() ? a.expires_at().seconds() : -1});
    }
  }
  std::string out = absl::StrCat(v1::Standing_Name(s.standing), " points=", s.active_points,
                                 " tier=", s.tier.milestone_id(), " actions:");
  for (const auto& [type, feature, rule, ends] : actions) {
    absl::StrAppend(&out, " ", v1::ActionType_Name(static_cast<v1::ActionType>(type)), "/", feature,
                    "/", rule, "/", ends);
  }
  return out;
}

using Ids = std::vector<std::string>;
using ActionTypes = std::vector<v1::ActionType>;

}  // namespace enforcer::testing

#endif  // ENFORCERD_RULES_EVALUATOR_TEST_FIXTURE_H_
