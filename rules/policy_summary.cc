#include "rules/policy_summary.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace enforcer {
namespace {

std::string Points(const CategoryPolicy& c) {
  if (!c.points_attribute.empty()) {
    int low = c.points_default, high = c.points_default;
    for (const auto& band : c.points_bands) {
      low = std::min(low, band.points);
      high = std::max(high, band.points);
    }
    for (const auto& [value, points] : c.points_values) {
      low = std::min(low, points);
      high = std::max(high, points);
    }
    return absl::StrCat("by ", c.points_attribute, ": ", low, "..", high);
  }
  if (c.points_by_severity) {
    static const char* kNames[] = {"", "low", "medium", "high", "critical"};
    std::vector<std::string> parts;
    for (int s = 1; s <= 4; ++s)
      parts.push_back(absl::StrCat(kNames[s], " ", c.severity_points[s]));
    return absl::StrJoin(parts, " / ");
  }
  if (c.fixed_points == 0 && !c.zero_tolerance_rule_id.empty()) return "zero tolerance";
  return absl::StrCat(c.fixed_points);
}

std::string Window(const Policy& policy, const CategoryPolicy& c) {
  if (policy.windows_from_first_deduction()) {
    return absl::StrCat("first deduction (", policy.default_window_days(), "d cycles)");
  }
  std::string w = absl::StrCat(policy.WindowDays(c, ""), "d");
  if (c.reset == CategoryPolicy::Reset::kMonthly) absl::StrAppend(&w, ", monthly reset");
  if (c.reset == CategoryPolicy::Reset::kQuarterly) absl::StrAppend(&w, ", quarterly reset");
  if (c.daily_cap) absl::StrAppend(&w, ", at most ", *c.daily_cap, " a day");
  if (c.merge_days > 0) {
    absl::StrAppend(&w, ", merged per ", c.merge_days, "d", c.merge_by_notice ? " and notice" : "");
  }
  return w;
}

std::string Actions(const std::vector<ActionSpec>& actions) {
  std::vector<std::string> parts;
  for (const ActionSpec& a : actions) parts.push_back(DescribeAction(a));
  return absl::StrJoin(parts, ", ");
}

std::string RepeatName(RepeatMode mode) {
  switch (mode) {
    case RepeatMode::kEachViolation:
      return "each_violation";
    case RepeatMode::kOnCrossing:
      return "on_crossing";
    default:
      return "while_at_or_above";
  }
}

std::string CountCondition(const CountRule& r) {
  std::string c = absl::StrCat(r.at_least, " within ", r.within_days, "d");
  if (!r.categories.empty()) absl::StrAppend(&c, " of ", absl::StrJoin(r.categories, ", "));
  if (r.same_category) absl::StrAppend(&c, ", same category");
  if (r.same_rights_holder) absl::StrAppend(&c, ", same rights holder");
  if (r.same_right) absl::StrAppend(&c, ", same right");
  return c;
}

}  // namespace

std::string DescribeDuration(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  return hours % 24 == 0 ? absl::StrCat(hours / 24, "d") : absl::StrCat(hours, "h");
}

std::string DescribeAction(const ActionSpec& a) {
  std::string s = ActionTypeName(a.type);
  if (!a.feature.empty()) absl::StrAppend(&s, " ", a.feature);
  if (a.duration) absl::StrAppend(&s, " ", DescribeDuration(*a.duration));
  if (a.grace) absl::StrAppend(&s, " (grace ", DescribeDuration(*a.grace), ")");
  return s;
}

v1::PolicyDiagnostic DiagnosticToProto(const Diagnostic& d) {
  v1::PolicyDiagnostic out;
  out.set_file(d.file);
  out.set_line(d.position.line);
  out.set_column(d.position.column);
  out.set_severity(d.severity == Diagnostic::Severity::kError ? v1::PolicyDiagnostic::ERROR
                                                              : v1::PolicyDiagnostic::WARNING);
  out.set_message(d.message);
  return out;
}

v1::PolicySummary SummarizePolicy(const Policy& policy) {
  v1::PolicySummary s;
  s.set_name(policy.name());
  s.set_description(policy.description());
  for (const auto& [id, c] : policy.categories()) {
    v1::PolicySummary::Category* out = s.add_categories();
    out->set_id(id);
    out->set_display_name(c.display_name);
    out->set_points(Points(c));
    out->set_window(Window(policy, c));
    if (c.counts_for_seller) out->add_ledgers("seller");
    if (c.counts_for_creator) out->add_ledgers("creator");
    out->set_take_down(c.take_down);
    out->set_zero_tolerance_rule_id(c.zero_tolerance_rule_id);
  }
  for (const MilestoneRule& m : policy.milestones()) {
    v1::PolicySummary::Rule* out = s.add_milestones();
    out->set_id(m.id);
    out->set_ledgers(std::string(LedgerName(m.ledger)));
    out->set_condition(absl::StrCat("at ", m.at_points, " points"));
    out->set_actions(Actions(m.actions));
    out->set_repeat(RepeatName(m.repeat));
  }
  for (const CountRule& r : policy.count_rules()) {
    v1::PolicySummary::Rule* out = s.add_count_rules();
    out->set_id(r.id);
    out->set_ledgers(r.for_seller && r.for_creator ? "seller, creator"
                                                   : (r.for_seller ? "seller" : "creator"));
    out->set_condition(CountCondition(r));
    out->set_actions(Actions(r.actions));
    out->set_repeat(RepeatName(r.repeat));
  }
  for (const auto& [code, region] : policy.regions()) s.add_regions(code);
  for (const auto& [id, remedy] : policy.remedies()) s.add_remedies(id);
  for (v1::ActionType t :
       {v1::ACTION_SUSPEND, v1::ACTION_DEACTIVATE_STORE, v1::ACTION_REVOKE_SELLING_PERMISSION}) {
    if (policy.Propagates(t)) s.add_propagated_actions(ActionTypeName(t));
  }
  return s;
}

}  // namespace enforcer
