// What a subject's aggregates amount to under one policy on one day: its active points, which
// region's thresholds apply, how many violations a count rule sees, and on which day those fall
// below a threshold if nothing new happens. Pure; no I/O, no clock.
//
// Regions: a regional threshold applies to a subject while it has a violation from that region
// that counts (for milestones, one whose points are active; for count rules, one the rule matches
// inside that region's window). When several regions apply, the strictest wins: a milestone holds
// if the points reach the lowest applicable threshold, a count rule if any applicable (threshold,
// window) pair is met. A subject that mixes regions never skips a tier.
#ifndef ENFORCERD_RULES_SCORING_H_
#define ENFORCERD_RULES_SCORING_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"

namespace enforcer {

// A day that never comes: what a drop day is when nothing ever expires.
inline constexpr int64_t kNeverDay = std::numeric_limits<int64_t>::max();

// Saturates a 64-bit sum into the API's 32-bit fields.
int32_t SaturateToInt32(int64_t value);

class PointsScore {
 public:
  PointsScore(const Policy& policy, const v1::SubjectState& state, int64_t today);

  int64_t active_points() const { return total_; }

  // Active points and violations per category, for the standing view.
  struct CategoryTotal {
    int64_t count = 0;
    int64_t points = 0;
    int window_days = 0;
  };
  const std::map<std::string, CategoryTotal>& by_category() const { return by_category_; }

  // Whether the milestone holds now, and the threshold that makes it hold (the strictest
  // applicable one; the base threshold when no active violation has a region override).
  bool Holds(const MilestoneRule& rule) const;
  int64_t Threshold(const MilestoneRule& rule) const;

  // The first UTC day on which the milestone stops holding if no violation is added: its points
  // (or the regions that lower its threshold) have expired. Meaningful only while it holds.
  int64_t DropDay(const MilestoneRule& rule) const;

 private:
  struct Contribution {
    int64_t expire_day;
    int64_t points;
    const std::string* region;
  };
  // Threshold -> the first day on which no violation applying it is active any more.
  std::map<int64_t, int64_t> Variants(const MilestoneRule& rule) const;

  const Policy& policy_;
  std::vector<Contribution> active_;  // sorted by expire_day
  // The distinct regions of active_ and the last expire day of each: thresholds are resolved per
  // region, not per bucket.
  std::vector<std::pair<const std::string*, int64_t>> regions_;
  int64_t total_ = 0;
  std::map<std::string, CategoryTotal> by_category_;
};

// The first UTC day after the subject's current points cycle, under a policy whose windows run
// from the first deduction; nullopt if no cycle was ever opened.
std::optional<int64_t> CycleEndDay(const Policy& policy, const v1::SubjectState& state);

// The value of attribute `name` in the bucket's report ("" if absent or `name` is empty).
absl::string_view AttributeValue(const v1::WindowBucket& bucket, absl::string_view name);

// What the violation being evaluated contributes to a count rule's filter.
struct CountSubject {
  std::string category;
  v1::Source source = v1::SOURCE_UNSPECIFIED;
  std::string rights_holder_id;
  std::string right_id;
};

// The group a count rule counts in for `v`: "" unless it counts per category or rights holder.
std::string CountGroup(const CountRule& rule, const CountSubject& v);

// Whether a violation like `v` is counted by `rule` at all (its own category, source, holder).
bool CountRuleMatches(const CountRule& rule, const CountSubject& v);

class CountScore {
 public:
  // Counts the violations of `state` that `rule` matches in `v`'s group, on day `today`.
  CountScore(const Policy& policy, const CountRule& rule, const v1::SubjectState& state,
             const CountSubject& v, int64_t today);

  bool Holds() const;
  // The count, threshold and window of the variant that holds (or of the first that applies).
  int64_t count() const { return shown_.count; }
  int64_t threshold() const { return shown_.threshold; }
  int window_days() const { return shown_.window_days; }
  // The first UTC day on which no variant holds any more, if no violation is added.
  int64_t DropDay() const;

 private:
  struct Matching {
    int64_t day;
    int64_t count;
    const std::string* region;
    const std::string* category;
    const std::string* notice;
  };
  struct Variant {
    int64_t threshold = 0;
    int window_days = 0;
    int64_t count = 0;         // matching violations inside the window
    bool applies = false;      // a violation from one of the variant's regions is inside it
    int64_t presence_end = 0;  // first day on which no such violation is inside the window
  };
  void MergeMatching(const Policy& policy);
  void Count(const Policy& policy, const CountRule& rule);
  int64_t VariantDropDay(const Variant& variant) const;

  std::vector<Matching> matching_;
  std::vector<Variant> variants_;
  Variant shown_;
  int64_t today_;
};

}  // namespace enforcer

#endif  // ENFORCERD_RULES_SCORING_H_
