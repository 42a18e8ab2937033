#include "rules/policy_lint.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace enforcer {
namespace {

const char* ActionName(v1::ActionType type) {
  switch (type) {
    case v1::ACTION_WARNING:
      return "warning";
    case v1::ACTION_RESTRICT_FEATURE:
      return "restrict_feature";
    case v1::ACTION_SUSPEND:
      return "suspend";
    case v1::ACTION_DEACTIVATE_STORE:
      return "deactivate_store";
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      return "revoke_selling_permission";
    default:
      return "action";
  }
}

v1::ActionType Strongest(const std::vector<ActionSpec>& actions) {
  v1::ActionType strongest = v1::ACTION_TYPE_UNSPECIFIED;
  for (const ActionSpec& a : actions) {
    if (ActionRank(a.type) > ActionRank(strongest)) strongest = a.type;
  }
  return strongest;
}

// The ledger's milestones, lowest threshold first (as the parser sorted them).
std::vector<const MilestoneRule*> Ladder(const Policy::Contents& p, LedgerKind ledger) {
  std::vector<const MilestoneRule*> ladder;
  for (const MilestoneRule& m : p.milestones) {
    if (m.ledger == ledger) ladder.push_back(&m);
  }
  return ladder;
}

void InvertedLadder(const std::vector<const MilestoneRule*>& ladder, LedgerKind ledger,
                    std::vector<LintFinding>* out) {
  for (size_t j = 1; j < ladder.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      const v1::ActionType low = Strongest(ladder[i]->actions);
      const v1::ActionType high = Strongest(ladder[j]->actions);
      if (ActionRank(high) >= ActionRank(low)) continue;
      out->push_back(
          {ladder[j]->position,
           absl::StrCat("milestones.", LedgerName(ledger), ": '", ladder[j]->id, "' at ",
                        ladder[j]->at_points, " points takes a weaker action (", ActionName(high),
                        ") than '", ladder[i]->id, "' at ", ladder[i]->at_points, " points (",
                        ActionName(low), "): the ladder is inverted")});
      break;
    }
  }
}

void RegionReordersLadder(const Policy::Contents& p,
                          const std::vector<const MilestoneRule*>& ladder, LedgerKind ledger,
                          std::vector<LintFinding>* out) {
  for (const auto& [code, region] : p.regions) {
    auto at = [&](const MilestoneRule* m) {
      auto it = region.thresholds.find(m->id);
      return it == region.thresholds.end() ? m->at_points : it->second;
    };
    for (size_t i = 0; i + 1 < ladder.size(); ++i) {
      const MilestoneRule* low = ladder[i];
      const MilestoneRule* high = ladder[i + 1];
      if (at(low) < at(high)) continue;
      out->push_back(
          {region.position,
           absl::StrCat("region '", code, "' reorders the ", LedgerName(ledger), " ladder: '",
                        low->id, "' is at ", at(low), " points there and '", high->id,
                        "', above it elsewhere, at ", at(high),
                        "; keep the milestones in the same order in every region")});
      break;
    }
  }
}

bool CountsAgainst(const Policy::Contents& p, LedgerKind ledger) {
  for (const auto& [id, c] : p.categories) {
    if (c.CountsFor(ledger)) return true;
  }
  return false;
}

// Whether some category counting against `ledger` can add points (in some region, at some
// severity).
bool CanAddPoints(const Policy::Contents& p, LedgerKind ledger) {
  for (const auto& [id, c] : p.categories) {
    if (!c.CountsFor(ledger)) continue;
    if (c.fixed_points > 0) return true;
    for (int s = 1; s <= 4; ++s) {
      if (c.points_by_severity && c.severity_points[s] > 0) return true;
    }
    for (const auto& [code, region] : p.regions) {
      auto it = region.categories.find(id);
      if (it != region.categories.end() && it->second.fixed_points.value_or(0) > 0) return true;
    }
  }
  return false;
}

void UnreachableLadder(const Policy::Contents& p, const std::vector<const MilestoneRule*>& ladder,
                       LedgerKind ledger, std::vector<LintFinding>* out) {
  if (ladder.empty()) return;
  const std::string kind(LedgerName(ledger));
  if (!CountsAgainst(p, ledger)) {
    out->push_back({ladder[0]->position,
                    absl::StrCat("milestones.", kind, ": no category counts against ", kind,
                                 " ledgers (see each category's 'ledgers'), so this ladder can "
                                 "never be reached")});
  } else if (!CanAddPoints(p, ledger)) {
    out->push_back({ladder[0]->position,
                    absl::StrCat("milestones.", kind, ": every category that counts against ", kind,
                                 " ledgers adds 0 points, so this ladder can never be "
                                 "reached")});
  }
}

void CountRulesThatNeverFire(const Policy::Contents& p, std::vector<LintFinding>* out) {
  for (const CountRule& rule : p.count_rules) {
    bool can_match = false;
    for (LedgerKind ledger : {LedgerKind::kSeller, LedgerKind::kCreator}) {
      if (!rule.AppliesTo(ledger)) continue;
      for (const auto& [id, c] : p.categories) {
        if (c.CountsFor(ledger) && (rule.categories.empty() || rule.categories.count(id))) {
          can_match = true;
        }
      }
    }
    if (can_match) continue;
    out->push_back(
        {rule.position, absl::StrCat("count rule '", rule.id,
                                     "' can never fire: no category it "
                                     "matches counts against the ledgers it applies to")});
  }
}

}  // namespace

std::vector<LintFinding> LintPolicy(const Policy::Contents& policy) {
  std::vector<LintFinding> out;
  for (LedgerKind ledger : {LedgerKind::kSeller, LedgerKind::kCreator}) {
    const std::vector<const MilestoneRule*> ladder = Ladder(policy, ledger);
    InvertedLadder(ladder, ledger, &out);
    RegionReordersLadder(policy, ladder, ledger, &out);
    UnreachableLadder(policy, ladder, ledger, &out);
  }
  CountRulesThatNeverFire(policy, &out);
  return out;
}

}  // namespace enforcer
