#include "rules/policy.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"

namespace enforcer {

LedgerKind LedgerOf(v1::SubjectKind kind) {
  return kind == v1::CREATOR ? LedgerKind::kCreator : LedgerKind::kSeller;
}

absl::string_view LedgerName(LedgerKind ledger) {
  return ledger == LedgerKind::kSeller ? "seller" : "creator";
}

int ActionRank(v1::ActionType type) {
  switch (type) {
    case v1::ACTION_WARNING:
      return 1;
    case v1::ACTION_RESTRICT_FEATURE:
      return 2;
    case v1::ACTION_SUSPEND:
      return 3;
    case v1::ACTION_DEACTIVATE_STORE:
      return 4;
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      return 5;
    default:
      return 0;
  }
}

Policy::Policy(Contents contents, std::string version, std::string text)
    : c_(std::move(contents)), version_(std::move(version)), text_(std::move(text)) {
  int& points = max_points_window_days_;
  points = c_.default_window_days;
  for (const auto& [id, category] : c_.categories) {
    if (category.window_days) points = std::max(points, *category.window_days);
  }
  for (const auto& [code, region] : c_.regions) {
    if (region.default_window_days) points = std::max(points, *region.default_window_days);
    for (const auto& [id, o] : region.categories) {
      if (o.window_days) points = std::max(points, *o.window_days);
    }
  }
  retention_days_ = points;
  // A merged group counts as its best report, which may be up to a block older than the
  // newest one: keep the whole block.
  for (const auto& [id, category] : c_.categories) {
    max_merge_days_ = std::max(max_merge_days_, category.merge_days);
  }
  retention_days_ += max_merge_days_;
  for (const CountRule& rule : c_.count_rules) {
    retention_days_ = std::max(retention_days_, rule.within_days);
  }
  for (const auto& [code, region] : c_.regions) {
    for (const auto& [id, days] : region.windows_days) {
      retention_days_ = std::max(retention_days_, days);
    }
  }
}

const CategoryPolicy* Policy::FindCategory(absl::string_view id) const {
  auto it = c_.categories.find(id);
  return it == c_.categories.end() ? nullptr : &it->second;
}

std::string ActionTypeName(v1::ActionType type) {
  std::string name(absl::string_view(v1::ActionType_Name(type)).substr(7));
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name;
}

std::string DisplayNameFromId(absl::string_view id) {
  std::string name(id);
  for (char& c : name) {
    if (c == '_' || c == '-' || c == '.') c = ' ';
  }
  if (!name.empty() && name[0] >= 'a' && name[0] <= 'z')
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

std::vector<std::string> Policy::KnownFeatures() const {
  std::set<std::string> known;
  for (const auto& [id, name] : c_.features) known.insert(id);
  auto add = [&](const std::vector<ActionSpec>& actions) {
    for (const ActionSpec& a : actions) {
      if (!a.feature.empty()) known.insert(a.feature);
    }
  };
  for (const MilestoneRule& m : c_.milestones) add(m.actions);
  for (const CountRule& c : c_.count_rules) add(c.actions);
  return std::vector<std::string>(known.begin(), known.end());
}

std::string Policy::FeatureName(absl::string_view feature) const {
  auto it = c_.features.find(std::string(feature));
  return it != c_.features.end() ? it->second : DisplayNameFromId(feature);
}

const RemedyPolicy* Policy::FindRemedy(absl::string_view id) const {
  auto it = c_.remedies.find(id);
  return it == c_.remedies.end() ? nullptr : &it->second;
}

std::string Policy::CategoryName(absl::string_view id) const {
  const CategoryPolicy* category = FindCategory(id);
  return category != nullptr ? category->display_name : std::string(id);
}

const RegionOverride* Policy::FindRegion(absl::string_view region) const {
  if (region.empty()) return nullptr;
  auto it = c_.regions.find(region);
  return it == c_.regions.end() ? nullptr : &it->second;
}

namespace {

// The first day (since the Unix epoch) of the calendar month or quarter after the one `day` is in.
int64_t NextPeriodStart(int64_t day, CategoryPolicy::Reset reset) {
  const absl::CivilDay epoch(1970, 1, 1);
  const absl::CivilDay date = epoch + day;
  const int months = reset == CategoryPolicy::Reset::kQuarterly ? 3 : 1;
  const int first_month = static_cast<int>((date.month() - 1) / months * months + 1);
  const absl::CivilDay next(absl::CivilMonth(date.year(), first_month) + months);
  return next - epoch;
}

}  // namespace

int64_t Policy::ExpireDay(const CategoryPolicy& category, absl::string_view region,
                          int64_t day) const {
  const int64_t window_end = day + WindowDays(category, region);
  if (category.reset == CategoryPolicy::Reset::kNone) return window_end;
  return std::min(window_end, NextPeriodStart(day, category.reset));
}

int Policy::WindowDays(const CategoryPolicy& category, absl::string_view region) const {
  const RegionOverride* r = FindRegion(region);
  if (r != nullptr) {
    auto it = r->categories.find(category.id);
    if (it != r->categories.end() && it->second.window_days) return *it->second.window_days;
  }
  if (category.window_days) return *category.window_days;
  if (r != nullptr && r->default_window_days) return *r->default_window_days;
  return c_.default_window_days;
}

namespace {

int AttributePoints(const CategoryPolicy& category, absl::string_view value) {
  if (value.empty()) return category.points_default;
  if (!category.points_bands.empty()) {
    double number = 0;
    if (!absl::SimpleAtod(value, &number) || !std::isfinite(number)) {
      return category.points_default;
    }
    for (const CategoryPolicy::PointsBand& band : category.points_bands) {
      if (!band.below || number < *band.below) return band.points;
    }
    return category.points_default;
  }
  auto it = category.points_values.find(std::string(value));
  return it != category.points_values.end() ? it->second : category.points_default;
}

}  // namespace

int Policy::Points(const CategoryPolicy& category, v1::Severity severity, absl::string_view region,
                   absl::string_view attribute) const {
  const RegionOverride* r = FindRegion(region);
  if (r != nullptr) {
    auto it = r->categories.find(category.id);
    if (it != r->categories.end() && it->second.fixed_points) return *it->second.fixed_points;
  }
  if (!category.points_attribute.empty()) return AttributePoints(category, attribute);
  if (!category.points_by_severity) return category.fixed_points;
  if (severity == v1::SEVERITY_UNSPECIFIED) severity = category.default_severity;
  if (severity < v1::SEVERITY_LOW || severity > v1::SEVERITY_CRITICAL) return 0;
  return category.severity_points[severity];
}

namespace {
template <typename Rule>
int Override(const RegionOverride* r, const std::map<std::string, int> RegionOverride::*field,
             const Rule& rule, int fallback) {
  if (r == nullptr) return fallback;
  auto it = (r->*field).find(rule.id);
  return it == (r->*field).end() ? fallback : it->second;
}
}  // namespace

int Policy::MilestoneThreshold(const MilestoneRule& rule, absl::string_view region) const {
  return Override(FindRegion(region), &RegionOverride::thresholds, rule, rule.at_points);
}

int Policy::CountThreshold(const CountRule& rule, absl::string_view region) const {
  return Override(FindRegion(region), &RegionOverride::thresholds, rule, rule.at_least);
}

int Policy::CountWindowDays(const CountRule& rule, absl::string_view region) const {
  return Override(FindRegion(region), &RegionOverride::windows_days, rule, rule.within_days);
}

}  // namespace enforcer
