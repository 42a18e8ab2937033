#include "rules/scoring.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace enforcer {

int32_t SaturateToInt32(int64_t value) {
  if (value > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (value < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(value);
}

namespace {

// a * b for non-negative counts and points, saturating instead of wrapping.
int64_t SaturatingMultiply(int64_t a, int64_t b) {
  if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) {
    return std::numeric_limits<int64_t>::max();
  }
  return a * b;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

}  // namespace

std::optional<int64_t> CycleEndDay(const Policy& policy, const v1::SubjectState& state) {
  if (!state.has_cycle_start_day()) return std::nullopt;
  return state.cycle_start_day() + policy.default_window_days();
}

absl::string_view AttributeValue(const v1::WindowBucket& bucket, absl::string_view name) {
  if (name.empty()) return "";
  for (const v1::ReportAttribute& a : bucket.attributes()) {
    if (a.name() == name) return a.value();
  }
  return "";
}

namespace {

// One bucket's points under the policy, before and after its category's daily cap.
struct Scored {
  int64_t day;
  const CategoryPolicy* category;
  int window;
  int64_t expire_day;
  int64_t count;
  int64_t points;  // of one report
  const std::string* region;
  const std::string* notice;
  int64_t recorded_day;
};

// The merge group of a report of a merging category: its block of days, and its notice when the
// category merges by notice. nullopt when the report is not merged (by notice, without one).
std::optional<std::pair<int64_t, std::string>> MergeGroup(const CategoryPolicy& category,
                                                          int64_t day, const std::string& notice) {
  if (category.merge_by_notice && notice.empty()) return std::nullopt;
  return std::make_pair(day / category.merge_days, category.merge_by_notice ? notice : "");
}

// Reports of a merging category in one group count once: as the report with the most points,
// active until the group's last report expires. The others are left with no count and no points.
void ApplyMerges(std::vector<Scored>* scored) {
  std::map<std::tuple<const CategoryPolicy*, int64_t, std::string>, Scored*> groups;
  for (Scored& s : *scored) {
    if (s.category->merge_days == 0) {
      s.points = SaturatingMultiply(s.points, s.count);
      continue;
    }
    auto group = MergeGroup(*s.category, s.day, *s.notice);
    if (!group) {
      s.points = SaturatingMultiply(s.points, s.count);
      continue;
    }
    auto [it, inserted] =
        groups.emplace(std::make_tuple(s.category, group->first, std::move(group->second)), &s);
    if (inserted) {
      s.count = 1;
      continue;
    }
    Scored& kept = *it->second;
    kept.expire_day = std::max(kept.expire_day, s.expire_day);
    if (s.points > kept.points) {
      kept.points = s.points;
      kept.region = s.region;
    }
    // The group counts from its latest report for what a remedy may restore.
    kept.recorded_day = std::max(kept.recorded_day, s.recorded_day);
    s.count = 0;
    s.points = 0;
  }
}

// Caps each (day, category) with a daily_cap. The points that count longest are kept first, so
// the result does not depend on the order reports arrived in. `scored` is ordered by day.
void ApplyDailyCaps(std::vector<Scored>* scored) {
  for (size_t first = 0; first < scored->size();) {
    size_t end = first;
    while (end < scored->size() && (*scored)[end].day == (*scored)[first].day) ++end;
    for (size_t i = first; i < end; ++i) {
      const CategoryPolicy* category = (*scored)[i].category;
      if (!category->daily_cap) continue;
      std::vector<Scored*> same;
      for (size_t j = first; j < end; ++j) {
        if ((*scored)[j].category == category) same.push_back(&(*scored)[j]);
      }
      if (same.front() != &(*scored)[i]) continue;  // each (day, category) once
      std::stable_sort(same.begin(), same.end(), [](const Scored* a, const Scored* b) {
        return a->expire_day > b->expire_day;
      });
      int64_t left = *category->daily_cap;
      for (Scored* s : same) {
        s->points = std::min(s->points, left);
        left -= s->points;
      }
    }
    first = end;
  }
}

// When a bucket's points stop counting: its window (or calendar period) from the day the
// violations occurred or, under windows from the first deduction, the end of the cycle they were
// recorded in (a bucket recorded before the current cycle has already cleared).
int64_t ExpireDay(const Policy& policy, const v1::SubjectState& state,
                  const CategoryPolicy& category, const v1::WindowBucket& b) {
  if (!policy.windows_from_first_deduction())
    return policy.ExpireDay(category, b.region(), b.day());
  const int64_t recorded = b.recorded_day() != 0 ? b.recorded_day() : b.day();
  const std::optional<int64_t> end = CycleEndDay(policy, state);
  if (!end || recorded < state.cycle_start_day()) return recorded;
  return *end;
}

// Remedies that restore points take them off the points active when they were recorded, those
// that expire first first, so the result does not depend on when the subject is scored.
void ApplyRestores(const Policy& policy, const v1::SubjectState& state,
                   std::vector<Scored>* scored) {
  if (state.remedies_size() == 0) return;
  std::vector<Scored*> by_expiry;
  for (Scored& s : *scored) by_expiry.push_back(&s);
  std::stable_sort(by_expiry.begin(), by_expiry.end(),
                   [](const Scored* a, const Scored* b) { return a->expire_day < b->expire_day; });
  for (const v1::RemedyFact& fact : state.remedies()) {
    const RemedyPolicy* remedy = policy.FindRemedy(fact.remedy());
    if (remedy == nullptr || remedy->restores_points == 0) continue;
    const int64_t day = fact.recorded_at().seconds() / 86400;
    int64_t left = std::min<int64_t>(remedy->restores_points, fact.points_cap());
    for (Scored* s : by_expiry) {
      if (left == 0) break;
      // Points recorded by the remedy's day and still active then (the cap keeps out points
      // recorded later that day).
      if (s->recorded_day > day || s->expire_day <= day) continue;
      const int64_t taken = std::min(left, s->points);
      s->points -= taken;
      left -= taken;
    }
  }
}

}  // namespace

PointsScore::PointsScore(const Policy& policy, const v1::SubjectState& state, int64_t today)
    : policy_(policy) {
  // Buckets are ordered by day: skip straight past those older than every points window.
  // (A merged group's best report may be a block older than the rest.)
  // Restored points are taken from the points active when the remedy was recorded, which may
  // have expired since: then every kept bucket is read.
  const int64_t oldest = state.remedies_size() > 0 || policy.windows_from_first_deduction()
                             ? std::numeric_limits<int64_t>::min()
                             : today - policy.MaxPointsWindowDays() - policy.MaxMergeDays();
  const auto& buckets = state.buckets();
  auto first =
      std::lower_bound(buckets.begin(), buckets.end(), oldest,
                       [](const v1::WindowBucket& b, int64_t day) { return b.day() < day; });
  const LedgerKind ledger = LedgerOf(state.subject().kind());
  std::vector<Scored> scored;
  for (auto it = first; it != buckets.end(); ++it) {
    const v1::WindowBucket& b = *it;
    const CategoryPolicy* category = policy.FindCategory(b.category());
    // A category the policy in force no longer defines, or no longer counts against this ledger.
    if (category == nullptr || !category->CountsFor(ledger)) continue;
    const int window = policy.WindowDays(*category, b.region());
    const int points = b.has_points_override()
                           ? b.points_override()
                           : policy.Points(*category, b.severity(), b.region(),
                                           AttributeValue(b, category->points_attribute));
    scored.push_back({b.day(), category, window, ExpireDay(policy, state, *category, b), b.count(),
                      points, &b.region(), &b.notice_id(),
                      b.recorded_day() != 0 ? b.recorded_day() : b.day()});
  }
  ApplyMerges(&scored);
  ApplyDailyCaps(&scored);
  ApplyRestores(policy, state, &scored);
  for (const Scored& s : scored) {
    if (s.expire_day <= today || s.count == 0) continue;
    CategoryTotal& c = by_category_[s.category->id];
    c.count = SaturatingAdd(c.count, s.count);
    c.points = SaturatingAdd(c.points, s.points);
    c.window_days = std::max(c.window_days, s.window);
    if (s.points == 0) continue;
    total_ = SaturatingAdd(total_, s.points);
    active_.push_back({s.expire_day, s.points, s.region});
  }
  std::sort(active_.begin(), active_.end(), [](const Contribution& a, const Contribution& b) {
    return a.expire_day < b.expire_day;
  });
  for (const Contribution& c : active_) {
    auto it = std::find_if(regions_.begin(), regions_.end(),
                           [&](const auto& r) { return *r.first == *c.region; });
    if (it == regions_.end()) {
      regions_.push_back({c.region, c.expire_day});
    } else {
      it->second = std::max(it->second, c.expire_day);
    }
  }
}

std::map<int64_t, int64_t> PointsScore::Variants(const MilestoneRule& rule) const {
  std::map<int64_t, int64_t> variants;
  for (const auto& [region, last_expire_day] : regions_) {
    int64_t& end = variants[policy_.MilestoneThreshold(rule, *region)];
    end = std::max(end, last_expire_day);
  }
  return variants;
}

bool PointsScore::Holds(const MilestoneRule& rule) const {
  return total_ > 0 && total_ >= Threshold(rule);
}

int64_t PointsScore::Threshold(const MilestoneRule& rule) const {
  std::map<int64_t, int64_t> variants = Variants(rule);
  return variants.empty() ? rule.at_points : variants.begin()->first;
}

int64_t PointsScore::DropDay(const MilestoneRule& rule) const {
  int64_t drop = 0;
  for (const auto& [threshold, presence_end] : Variants(rule)) {
    // Walk the expiries: the first day on which the remaining points are below the threshold.
    int64_t remaining = total_;
    int64_t below_from = kNeverDay;
    if (remaining < threshold) below_from = 0;
    for (size_t i = 0; i < active_.size() && below_from == kNeverDay; ++i) {
      remaining -= active_[i].points;
      // Every contribution expiring on the same day leaves together.
      if (i + 1 < active_.size() && active_[i + 1].expire_day == active_[i].expire_day) continue;
      if (remaining < threshold) below_from = active_[i].expire_day;
    }
    drop = std::max(drop, std::min(below_from, presence_end));
  }
  return drop;
}

std::string CountGroup(const CountRule& rule, const CountSubject& v) {
  std::string group;
  if (rule.same_category) absl::StrAppend(&group, "category=", v.category);
  if (rule.same_rights_holder) {
    absl::StrAppend(&group, group.empty() ? "" : ",", "rights_holder=", v.rights_holder_id);
  }
  if (rule.same_right) absl::StrAppend(&group, group.empty() ? "" : ",", "right=", v.right_id);
  return group;
}

bool CountRuleMatches(const CountRule& rule, const CountSubject& v) {
  if (!rule.categories.empty() && !rule.categories.count(v.category)) return false;
  if (!rule.sources.empty() && !rule.sources.count(v.source)) return false;
  if (rule.same_rights_holder && v.rights_holder_id.empty()) return false;
  if (rule.same_right && v.right_id.empty()) return false;
  return true;
}

CountScore::CountScore(const Policy& policy, const CountRule& rule, const v1::SubjectState& state,
                       const CountSubject& v, int64_t today)
    : today_(today) {
  const LedgerKind ledger = LedgerOf(state.subject().kind());
  auto filter = [&](const std::string& category, v1::Source source) {
    const CategoryPolicy* defined = policy.FindCategory(category);
    if (defined == nullptr || !defined->CountsFor(ledger)) return false;
    if (!rule.categories.empty() && !rule.categories.count(category)) return false;
    if (!rule.sources.empty() && !rule.sources.count(source)) return false;
    return !rule.same_category || category == v.category;
  };
  const int64_t oldest = today - policy.RetentionDays();
  if (rule.same_rights_holder || rule.same_right) {
    for (const v1::HolderBucket& b : state.holder_buckets()) {
      if (b.day() < oldest) continue;
      if (rule.same_rights_holder && b.rights_holder_id() != v.rights_holder_id) continue;
      if (rule.same_right && b.right_id() != v.right_id) continue;
      if (filter(b.category(), b.source())) {
        matching_.push_back({b.day(), b.count(), &b.region(), &b.category(), &b.notice_id()});
      }
    }
  } else {
    for (const v1::WindowBucket& b : state.buckets()) {
      if (b.day() < oldest) continue;
      if (filter(b.category(), b.source())) {
        matching_.push_back({b.day(), b.count(), &b.region(), &b.category(), &b.notice_id()});
      }
    }
  }
  MergeMatching(policy);
  Count(policy, rule);
}

void CountScore::MergeMatching(const Policy& policy) {
  // A merged group is one violation, on the day of its last report.
  std::map<std::tuple<const CategoryPolicy*, int64_t, std::string>, size_t> groups;
  std::vector<Matching> merged;
  for (const Matching& m : matching_) {
    const CategoryPolicy* category = policy.FindCategory(*m.category);
    auto group = category->merge_days > 0 ? MergeGroup(*category, m.day, *m.notice) : std::nullopt;
    if (!group) {
      merged.push_back(m);
      continue;
    }
    auto [it, inserted] = groups.emplace(
        std::make_tuple(category, group->first, std::move(group->second)), merged.size());
    if (inserted) {
      merged.push_back(m);
      merged.back().count = 1;
    } else if (m.day > merged[it->second].day) {
      merged[it->second].day = m.day;
      merged[it->second].region = m.region;
    }
  }
  matching_ = std::move(merged);
}

void CountScore::Count(const Policy& policy, const CountRule& rule) {
  // One variant per distinct (threshold, window) among the regions of matching violations.
  std::map<std::pair<int64_t, int>, Variant> variants;
  for (const Matching& m : matching_) {
    const int64_t threshold = policy.CountThreshold(rule, *m.region);
    const int within = policy.CountWindowDays(rule, *m.region);
    Variant& variant = variants[{threshold, within}];
    variant.threshold = threshold;
    variant.window_days = within;
    if (m.day > today_ - within) {
      variant.applies = true;
      variant.presence_end = std::max(variant.presence_end, m.day + within);
    }
  }
  for (auto& [key, variant] : variants) {
    for (const Matching& m : matching_) {
      if (m.day > today_ - variant.window_days)
        variant.count = SaturatingAdd(variant.count, m.count);
    }
    if (variant.applies) variants_.push_back(variant);
  }
  shown_.threshold = rule.at_least;
  shown_.window_days = rule.within_days;
  for (const Variant& variant : variants_) {
    const bool holds = variant.count >= variant.threshold;
    if (holds || shown_.count == 0) shown_ = variant;
    if (holds) break;
  }
}

bool CountScore::Holds() const {
  for (const Variant& variant : variants_) {
    if (variant.count >= variant.threshold) return true;
  }
  return false;
}

int64_t CountScore::VariantDropDay(const Variant& variant) const {
  if (variant.count < variant.threshold) return today_;
  // Matching violations leave the window on day + window, oldest first.
  std::vector<std::pair<int64_t, int64_t>> leaving;  // (leave day, count)
  for (const Matching& m : matching_) {
    if (m.day > today_ - variant.window_days)
      leaving.push_back({m.day + variant.window_days, m.count});
  }
  std::sort(leaving.begin(), leaving.end());
  int64_t remaining = variant.count;
  for (size_t i = 0; i < leaving.size(); ++i) {
    remaining -= leaving[i].second;
    if (i + 1 < leaving.size() && leaving[i + 1].first == leaving[i].first) continue;
    if (remaining < variant.threshold) return std::min(leaving[i].first, variant.presence_end);
  }
  return variant.presence_end;
}

int64_t CountScore::DropDay() const {
  int64_t drop = today_;
  for (const Variant& variant : variants_) drop = std::max(drop, VariantDropDay(variant));
  return drop;
}

}  // namespace enforcer
