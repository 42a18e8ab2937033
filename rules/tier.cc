#include "rules/tier.h"

#include <algorithm>

namespace enforcer {

std::vector<std::pair<int64_t, const MilestoneRule*>> ResolvedLadder(const Policy& policy,
                                                                     const PointsScore& score,
                                                                     LedgerKind ledger) {
  std::vector<std::pair<int64_t, const MilestoneRule*>> ladder;
  for (const MilestoneRule& rule : policy.milestones()) {
    if (rule.ledger == ledger) ladder.push_back({score.Threshold(rule), &rule});
  }
  std::stable_sort(ladder.begin(), ladder.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return ladder;
}

v1::Tier TierOf(const Policy& policy, const PointsScore& score, LedgerKind ledger) {
  v1::Tier tier;
  const int64_t points = score.active_points();
  for (const auto& [threshold, rule] : ResolvedLadder(policy, score, ledger)) {
    if (score.Holds(*rule)) {
      tier.set_milestone_id(rule->id);
      tier.set_at_points(SaturateToInt32(threshold));
    } else if (tier.next_milestone_id().empty() && threshold > points) {
      tier.set_next_milestone_id(rule->id);
      tier.set_next_at_points(SaturateToInt32(threshold));
      tier.set_points_to_next(SaturateToInt32(threshold - points));
    }
  }
  return tier;
}

}  // namespace enforcer
