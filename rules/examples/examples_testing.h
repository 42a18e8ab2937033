// Shared by the example packs' tests: reading a pack, a seller fed reports and remedies with the
// real evaluator (as the engine does), and small readers of decisions.
#ifndef ENFORCERD_RULES_EXAMPLES_EXAMPLES_TESTING_H_
#define ENFORCERD_RULES_EXAMPLES_EXAMPLES_TESTING_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/test_files.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/policy_parser.h"
#include "rules/remedies.h"

namespace enforcer::examples {

inline const std::vector<std::string> kPacks = {"tiktok_shop_points.yaml", "shopee_quarterly.yaml",
                                                "amazon_count_overrides.yaml",
                                                "alibaba_strikes.yaml", "lazada_cycles.yaml"};

// "2026-03-02 12:00" (UTC).
inline absl::Time At(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", text, absl::UTCTimeZone(), &t, &error))
      << text << ": " << error;
  return t;
}

inline std::string Diagnostics(const ParseResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

inline ParseResult ParsePack(const std::string& file) {
  const std::string text = ReadFileToString(RunfilePath(absl::StrCat("rules/examples/", file)));
  EXPECT_FALSE(text.empty()) << "cannot read rules/examples/" << file;
  return ParsePolicy(text, file);
}

struct Report {
  std::string category;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::string region;
  std::string rights_holder;
  std::string right;
  std::string notice;
  std::string object_id;
  std::map<std::string, std::string> attributes;
  // When the violation occurred, if before the report (a late report).
  std::optional<absl::Time> occurred;
};

// One seller under one pack, reported on as the engine does (default severity filled in).
class Seller {
 public:
  explicit Seller(const std::string& pack, const std::string& id = "") {
    ParseResult r = ParsePack(pack);
    EXPECT_NE(r.policy, nullptr) << Diagnostics(r);
    policy_ = r.policy;
    state_.mutable_subject()->set_kind(v1::SELLER);
    state_.mutable_subject()->set_id(id.empty() ? absl::StrCat("seller-of-", pack) : id);
  }

  const Policy& policy() const { return *policy_; }
  bool ok() const { return policy_ != nullptr; }

  v1::Decision Report(const examples::Report& r, absl::Time now) {
    const CategoryPolicy* category = policy_->FindCategory(r.category);
    EXPECT_NE(category, nullptr) << r.category;
    ViolationFacts f;
    f.violation_id = absl::StrCat("v", ++violations_);
    f.category = r.category;
    f.severity = r.severity;
    if (category != nullptr && category->points_by_severity &&
        f.severity == v1::SEVERITY_UNSPECIFIED) {
      f.severity = category->default_severity;
    }
    f.source = v1::SOURCE_LISTING;
    f.region = r.region;
    f.rights_holder_id = r.rights_holder;
    f.right_id = r.right;
    f.notice_id = r.notice;
    f.object_id = r.object_id.empty() && category != nullptr && category->take_down
                      ? absl::StrCat("listing-", violations_)
                      : r.object_id;
    f.attributes = r.attributes;
    f.occurred_at = r.occurred.value_or(now);
    f.recorded_at = now;  // as the engine records it
    Evaluation e = EvaluateViolation(*policy_, state_, f, now);
    state_ = std::move(e.state);
    return e.decision;
  }

  // Records the pack's remedy `id` about `violation_id` ("" for none), as Cases.RecordRemedy
  // does: refused (nullopt) while the remedy's once_every term has not passed.
  std::optional<v1::Remedy> Remedy(const std::string& id, const std::string& violation_id,
                                   absl::Time now) {
    const RemedyPolicy* remedy = policy_->FindRemedy(id);
    EXPECT_NE(remedy, nullptr) << id;
    if (remedy == nullptr || RemedyNotBefore(*remedy, state_, now).has_value()) return std::nullopt;
    RemedyOutcome out = ApplyRemedy(*policy_, *remedy, state_, violation_id, now);
    state_ = std::move(out.state);
    return out.record;
  }

  // What this seller receives when `action` is issued to the linked subject `source`, as the
  // engine does for linked subjects (only the action types the pack propagates).
  v1::Propagation Receive(const v1::Subject& source, const v1::Action& action,
                          const std::string& link_reason, absl::Time now) {
    if (!policy_->Propagates(action.type())) return v1::Propagation();
    PropagationOutcome out = Propagate(*policy_, state_, source, action, link_reason, now, "p1");
    state_ = std::move(out.state);
    return out.record;
  }

  const v1::Subject& subject() const { return state_.subject(); }
  StandingSummary Standing(absl::Time now) const {
    return SummarizeStanding(*policy_, state_, now);
  }

 private:
  std::shared_ptr<const Policy> policy_;
  v1::SubjectState state_;
  int violations_ = 0;
};

// The subject actions of a decision (take-downs left out), as "TYPE" or "TYPE/feature".
inline std::vector<std::string> Issued(const v1::Decision& d) {
  std::vector<std::string> out;
  for (const v1::Action& a : d.actions()) {
    if (a.type() == v1::ACTION_TAKE_DOWN) continue;
    out.push_back(a.feature().empty()
                      ? v1::ActionType_Name(a.type())
                      : absl::StrCat(v1::ActionType_Name(a.type()), "/", a.feature()));
  }
  return out;
}

inline const v1::Action* Find(const v1::Decision& d, v1::ActionType type) {
  for (const v1::Action& a : d.actions()) {
    if (a.type() == type) return &a;
  }
  return nullptr;
}

inline const v1::RuleFiring* FiredRule(const v1::Decision& d, const std::string& rule_id) {
  for (const v1::RuleFiring& f : d.rules_fired()) {
    if (f.rule_id() == rule_id) return &f;
  }
  return nullptr;
}

using Strings = std::vector<std::string>;

}  // namespace enforcer::examples

#endif  // ENFORCERD_RULES_EXAMPLES_EXAMPLES_TESTING_H_
