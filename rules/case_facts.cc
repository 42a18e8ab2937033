#include "rules/case_facts.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/scoring.h"

namespace enforcer {
namespace {

int64_t DayOf(absl::Time t) { return static_cast<int64_t>(absl::ToUnixSeconds(t) / 86400); }
absl::Time StartOfDay(int64_t day) { return absl::FromUnixSeconds(day * 86400); }

CountSubject SubjectOf(const ViolationFacts& v) {
  return {v.category, v.source, v.rights_holder_id, v.right_id};
}

std::string Days(absl::Duration d) {
  const int64_t days = absl::ToInt64Hours(d) / 24;
  if (days >= 1 && absl::ToInt64Hours(d) % 24 == 0) {
    return absl::StrCat(days, days == 1 ? " day" : " days");
  }
  return absl::StrCat(absl::ToInt64Hours(d), " hours");
}

std::string Describe(const Policy& policy, v1::ActionType type, const std::string& feature,
                     std::optional<absl::Duration> duration) {
  std::string what;
  switch (type) {
    case v1::ACTION_WARNING:
      what = "warning";
      break;
    case v1::ACTION_RESTRICT_FEATURE:
      what = absl::StrCat(policy.FeatureName(feature), " restricted");
      break;
    case v1::ACTION_SUSPEND:
      what = "suspension";
      break;
    case v1::ACTION_DEACTIVATE_STORE:
      what = "store deactivation";
      break;
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      what = "selling permission revoked";
      break;
    default:
      what = ActionTypeName(type);
      break;
  }
  if (!duration) return what;
  return absl::StrCat(what, " for ", Days(*duration));
}

}  // namespace

std::string DescribeAction(const Policy& policy, const ActionSpec& action) {
  return Describe(policy, action.type, action.feature, action.duration);
}

std::string DescribeAction(const Policy& policy, const v1::Action& action) {
  std::string text = Describe(policy, action.type(), action.feature(), std::nullopt);
  if (action.has_expires_at()) {
    absl::StrAppend(&text, " until ", FormatUtc(FromProtoTime(action.expires_at())));
  }
  return text;
}

int ViolationPoints(const Policy& policy, const ViolationFacts& facts) {
  if (facts.points_override) return *facts.points_override;
  const CategoryPolicy* category = policy.FindCategory(facts.category);
  if (category == nullptr) return 0;
  auto attribute = facts.attributes.find(category->points_attribute);
  return policy.Points(*category, facts.severity, facts.region,
                       attribute == facts.attributes.end() ? "" : attribute->second);
}

std::optional<absl::Time> PointsCountUntil(const Policy& policy, const ViolationFacts& facts) {
  const CategoryPolicy* category = policy.FindCategory(facts.category);
  if (category == nullptr) return std::nullopt;
  return StartOfDay(policy.ExpireDay(*category, facts.region, DayOf(facts.occurred_at)));
}

bool CountedByARule(const Policy& policy, LedgerKind ledger, const ViolationFacts& facts,
                    absl::Time now) {
  for (const CountRule& rule : policy.count_rules()) {
    if (!rule.AppliesTo(ledger) || !CountRuleMatches(rule, SubjectOf(facts))) continue;
    const int window = policy.CountWindowDays(rule, facts.region);
    if (DayOf(facts.occurred_at) > DayOf(now) - window) return true;
  }
  return false;
}

std::vector<CountProgress> CountRuleProgress(const Policy& policy, LedgerKind ledger,
                                             const std::vector<RecordedViolation>& violations,
                                             absl::Time now) {
  std::vector<CountProgress> out;
  const int64_t today = DayOf(now);
  for (const CountRule& rule : policy.count_rules()) {
    if (!rule.AppliesTo(ledger)) continue;
    std::map<std::string, CountProgress> groups;
    for (const RecordedViolation& rv : violations) {
      const CountSubject s = SubjectOf(rv.facts);
      if (!CountRuleMatches(rule, s)) continue;
      const int window = policy.CountWindowDays(rule, rv.facts.region);
      const int64_t day = DayOf(rv.facts.occurred_at);
      if (day <= today - window) continue;
      CountProgress& p = groups[CountGroup(rule, s)];
      p.group = CountGroup(rule, s);
      ++p.count;
      const absl::Time leaves = StartOfDay(day + window);
      if (!p.oldest_leaves || leaves < *p.oldest_leaves) p.oldest_leaves = leaves;
    }
    if (groups.empty()) groups[""];
    for (auto& [group, p] : groups) {
      p.rule = &rule;
      p.threshold = rule.at_least;
      p.window_days = rule.within_days;
      std::string what = "violations";
      if (rule.categories.size() == 1) {
        what = absl::StrCat("'", policy.CategoryName(*rule.categories.begin()), "' violations");
      }
      p.summary = absl::StrCat(p.count, " of ", p.threshold, " ", what, " within ", p.window_days,
                               " days", group.empty() ? "" : absl::StrCat(" (", group, ")"));
      if (p.oldest_leaves) {
        absl::StrAppend(&p.summary, "; the oldest leaves the window on ",
                        FormatUtc(*p.oldest_leaves));
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace enforcer
