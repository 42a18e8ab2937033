#include "rules/policy_lint.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

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

// Whether category `id` can add points: at some severity, attribute value, or in some region.
bool AddsPoints(const Policy::Contents& p, const std::string& id, const CategoryPolicy& c) {
  if (c.fixed_points > 0 || c.points_default > 0) return true;
  for (const CategoryPolicy::PointsBand& band : c.points_bands) {
    if (band.points > 0) return true;
  }
  for (const auto& [value, points] : c.points_values) {
    if (points > 0) return true;
  }
  for (int s = 1; s <= 4; ++s) {
    if (c.points_by_severity && c.severity_points[s] > 0) return true;
  }
  for (const auto& [code, region] : p.regions) {
    auto it = region.categories.find(id);
    if (it != region.categories.end() && it->second.fixed_points.value_or(0) > 0) return true;
  }
  return false;
}

// Whether some category counting against `ledger` can add points.
bool CanAddPoints(const Policy::Contents& p, LedgerKind ledger) {
  for (const auto& [id, c] : p.categories) {
    if (c.CountsFor(ledger) && AddsPoints(p, id, c)) return true;
  }
  return false;
}

// The longest a category's points count, in days: Policy::WindowDays for no region and for
// every region (a region's window for the category, else the category's own window, else the
// region's default_window, else the policy's).
int LongestWindowDays(const Policy::Contents& p, const std::string& id, const CategoryPolicy& c) {
  int longest = c.window_days.value_or(p.default_window_days);
  for (const auto& [code, region] : p.regions) {
    auto it = region.categories.find(id);
    if (it != region.categories.end() && it->second.window_days) {
      longest = std::max(longest, *it->second.window_days);
    } else if (!c.window_days && region.default_window_days) {
      longest = std::max(longest, *region.default_window_days);
    }
  }
  return longest;
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

// The most points a subject can hold at once on `ledger`, when that is bounded: every category
// that counts against the ledger and can add points has a daily_cap (one that adds none never
// matters). A violation's points count on the day it occurred and the window - 1 days after
// (Policy::ExpireDay), and a category adds at most daily_cap points per UTC day whatever the
// regions, so it holds at most daily_cap x its longest window (region overrides included); the
// bound is the sum of that over the categories. Calendar resets only end points sooner, so it
// stays an upper bound. (It ignores one edge: a report may be dated up to 5 minutes ahead, so
// just before midnight UTC tomorrow's points can count too.) nullopt: unbounded, or nothing
// feeds the ledger (UnreachableLadder reports that).
std::optional<int64_t> MaxPoints(const Policy::Contents& p, LedgerKind ledger) {
  int64_t total = 0;
  for (const auto& [id, c] : p.categories) {
    if (!c.CountsFor(ledger) || !AddsPoints(p, id, c)) continue;
    if (!c.daily_cap) return std::nullopt;
    total += int64_t{*c.daily_cap} * LongestWindowDays(p, id, c);
  }
  if (total == 0) return std::nullopt;
  return total;
}

void MilestonesAboveMaxPoints(const Policy::Contents& p,
                              const std::vector<const MilestoneRule*>& ladder, LedgerKind ledger,
                              std::vector<LintFinding>* out) {
  const std::optional<int64_t> max = MaxPoints(p, ledger);
  if (!max) return;
  const std::string kind(LedgerName(ledger));
  auto report = [&](const MilestoneRule& m, int at, const std::string& where) {
    out->push_back(
        {m.position,
         absl::StrCat(
             "milestones.", kind, ": '", m.id, "' at ", at, " points", where,
             " can never be reached: every category that adds points to ", kind,
             " ledgers has a daily_cap, so a ", kind, " holds at most ", *max,
             " points at once (each category's daily_cap times its longest window, summed); "
             "lower the threshold or raise a daily_cap")});
  };
  for (const MilestoneRule* m : ladder) {
    if (m->at_points > *max) report(*m, m->at_points, "");
    for (const auto& [code, region] : p.regions) {
      auto it = region.thresholds.find(m->id);
      if (it != region.thresholds.end() && it->second > *max) {
        report(*m, it->second, absl::StrCat(" in region '", code, "'"));
      }
    }
  }
}

// "14d", or "36h" for a duration that is not whole days (policies give durations in d or h).
std::string DurationText(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  return hours % 24 == 0 ? absl::StrCat(hours / 24, "d") : absl::StrCat(hours, "h");
}

std::string ActionText(const ActionSpec& a) {
  if (a.feature.empty()) return ActionName(a.type);
  return absl::StrCat(ActionName(a.type), " (", a.feature, ")");
}

// A timed action longer than `days`; permanent actions are meant to outlast.
bool Outlasts(const ActionSpec& a, int days) {
  return a.duration && *a.duration > absl::Hours(24 * int64_t{days});
}

// A milestone's timed action that lasts longer than every window of the categories that feed
// its ledger runs on after the points that triggered it have all expired.
void MilestoneActionsOutlastPoints(const Policy::Contents& p,
                                   const std::vector<const MilestoneRule*>& ladder,
                                   LedgerKind ledger, std::vector<LintFinding>* out) {
  int longest = 0;
  for (const auto& [id, c] : p.categories) {
    if (c.CountsFor(ledger) && AddsPoints(p, id, c)) {
      longest = std::max(longest, LongestWindowDays(p, id, c));
    }
  }
  if (longest == 0) return;  // nothing feeds the ladder: UnreachableLadder reports it
  const std::string kind(LedgerName(ledger));
  for (const MilestoneRule* m : ladder) {
    for (const ActionSpec& a : m->actions) {
      if (!Outlasts(a, longest)) continue;
      const std::string what = absl::StrCat("milestones.", kind, ": '", m->id, "' issues ",
                                            ActionText(a), " for ", DurationText(*a.duration));
      out->push_back(
          {m->position,
           absl::StrCat(what, ", but points count against ", kind, " ledgers for ", longest,
                        "d at most (the longest window): the action outlasts "
                        "the points that triggered it and can keep running after the ",
                        kind, " is clean again; shorten it to ", longest,
                        "d or less, or lengthen a window")});
    }
  }
}

// A count rule's timed action that lasts longer than its window (the shortest, region
// overrides included) runs on after the violations it counted have left the window.
void CountWindowsShorterThanActions(const Policy::Contents& p, std::vector<LintFinding>* out) {
  for (const CountRule& rule : p.count_rules) {
    int shortest = rule.within_days;
    std::string where;
    for (const auto& [code, region] : p.regions) {
      auto it = region.windows_days.find(rule.id);
      if (it != region.windows_days.end() && it->second < shortest) {
        shortest = it->second;
        where = absl::StrCat(" in region '", code, "'");
      }
    }
    for (const ActionSpec& a : rule.actions) {
      if (!Outlasts(a, shortest)) continue;
      out->push_back(
          {rule.position,
           absl::StrCat("count rule '", rule.id, "' issues ", ActionText(a), " for ",
                        DurationText(*a.duration), ", but counts violations within ", shortest, "d",
                        where,
                        ": the action outlasts the violations that triggered it and can keep "
                        "running after the subject is clean again; shorten it to ",
                        shortest, "d or less, or lengthen the window")});
    }
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
    MilestonesAboveMaxPoints(policy, ladder, ledger, &out);
    MilestoneActionsOutlastPoints(policy, ladder, ledger, &out);
  }
  CountRulesThatNeverFire(policy, &out);
  CountWindowsShorterThanActions(policy, &out);
  return out;
}

}  // namespace enforcer
