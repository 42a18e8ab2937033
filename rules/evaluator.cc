#include "rules/evaluator.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/notices.h"
#include "rules/scoring.h"
#include "rules/tier.h"

namespace enforcer {
namespace {

absl::Time DayStart(int64_t day) {
  return day == kNeverDay ? absl::InfiniteFuture() : absl::FromUnixSeconds(day * 86400);
}

std::string CountFilterText(const Policy& policy, const CountRule& rule, const ViolationFacts& v) {
  std::string text;
  if (rule.same_category) {
    text = absl::StrCat("'", policy.CategoryName(v.category), "' ");
  } else if (!rule.categories.empty()) {
    std::vector<std::string> names;
    for (const std::string& id : rule.categories) names.push_back(policy.CategoryName(id));
    text = absl::StrCat("'", absl::StrJoin(names, "' or '"), "' ");
  }
  absl::StrAppend(&text, "violations");
  if (!rule.sources.empty()) {
    std::vector<std::string> names;
    for (v1::Source s : rule.sources) {
      // As the policy spells it: SOURCE_LIVESTREAM -> livestream.
      names.push_back(absl::AsciiStrToLower(absl::string_view(v1::Source_Name(s)).substr(7)));
    }
    absl::StrAppend(&text, " from ", absl::StrJoin(names, " or "));
  }
  if (rule.same_rights_holder)
    absl::StrAppend(&text, " by rights holder '", v.rights_holder_id, "'");
  if (rule.same_right) absl::StrAppend(&text, " against right '", v.right_id, "'");
  return text;
}

bool HasMark(const v1::SubjectState& state, const std::string& rule_id, const std::string& group) {
  for (const v1::RuleMark& m : state.marks()) {
    if (m.rule_id() == rule_id && m.group() == group) return true;
  }
  return false;
}

// An on_crossing rule may fire again once its condition has been seen not to hold: drop the
// marks of rules that no longer hold (or no longer exist) before the violation is folded in.
void ClearLapsedMarks(const Policy& policy, const PointsScore& before, int64_t today,
                      v1::SubjectState* state) {
  auto* marks = state->mutable_marks();
  for (int i = marks->size() - 1; i >= 0; --i) {
    const v1::RuleMark& m = marks->Get(i);
    bool holds = false;
    for (const MilestoneRule& rule : policy.milestones()) {
      if (rule.id == m.rule_id() && rule.repeat == RepeatMode::kOnCrossing)
        holds = before.Holds(rule);
    }
    for (const CountRule& rule : policy.count_rules()) {
      if (rule.id != m.rule_id() || rule.repeat != RepeatMode::kOnCrossing) continue;
      CountSubject group{m.category(), v1::SOURCE_UNSPECIFIED, m.rights_holder_id(), m.right_id()};
      holds = CountScore(policy, rule, *state, group, today).Holds();
    }
    if (!holds) marks->DeleteSubrange(i, 1);
  }
}

// One violation's decision for one subject, built step by step.
class Decider {
 public:
  Decider(const Policy& policy, const ViolationFacts& v, absl::Time now, Evaluation* out)
      : policy_(policy),
        v_(v),
        now_(now),
        today_(UnixDay(now)),
        out_(out),
        category_name_(policy.CategoryName(v.category)) {}

  void Run();

 private:
  // Asks for `actions` on behalf of `rule_id`, each for its duration from now.
  void Ask(const std::string& rule_id, const std::string& reason,
           const std::vector<ActionSpec>& actions) {
    for (const ActionSpec& asked : actions) {
      const ActionSpec spec = GraceLeft(rule_id, asked);
      const absl::Time starts = now_ + spec.grace.value_or(absl::ZeroDuration());
      const absl::Time ends = spec.duration ? starts + *spec.duration : absl::InfiniteFuture();
      planner_->Request(rule_id, spec, ends, reason);
    }
  }
  // Asks for the actions of a level rule that holds until `hold_until`: each lasts at least its
  // duration from when the subject reached the level (the action this rule already has in force
  // dates from then), and for as long as the level holds. So it is reissued only when the level's
  // end moves, at most once per UTC day, not on every report.
  void AskLevel(const std::string& rule_id, const std::string& reason,
                const std::vector<ActionSpec>& actions, absl::Time hold_until) {
    for (const ActionSpec& asked : actions) {
      if (LiftedByStaff(rule_id, asked)) continue;
      const ActionSpec spec = GraceLeft(rule_id, asked);
      absl::Time ends = absl::InfiniteFuture();
      if (spec.duration) {
        const v1::Action* running = RunningAction(rule_id, spec);
        const absl::Time starts = now_ + spec.grace.value_or(absl::ZeroDuration());
        ends = std::max(running != nullptr ? EndOf(*running) : starts + *spec.duration, hold_until);
      }
      planner_->Request(rule_id, spec, ends, reason);
    }
  }
  // A pending action's grace runs once: asked again while this rule's action is pending, it
  // keeps the time it takes effect; once in force, it is renewed in force, not made pending
  // again.
  ActionSpec GraceLeft(const std::string& rule_id, ActionSpec spec) const {
    if (!spec.grace) return spec;
    const v1::Action* running = RunningAction(rule_id, spec);
    if (running == nullptr) return spec;
    const absl::Time effective =
        running->has_effective_at() ? FromProtoTime(running->effective_at()) : now_;
    spec.grace.reset();
    if (effective > now_) spec.grace = effective - now_;
    return spec;
  }
  // Staff silenced the rule for this subject (Cases.SnoozeRule).
  bool Snoozed(const std::string& rule_id) const {
    for (const v1::RuleSnooze& z : out_->state.snoozes()) {
      if (z.rule_id() == rule_id && FromProtoTime(z.since()) <= now_ &&
          now_ < FromProtoTime(z.until())) {
        return true;
      }
    }
    return false;
  }
  // Staff lifted this rule's action (see StaffLift in ledger.proto): its level holding does not
  // bring it back while the lifted action would still have run.
  bool LiftedByStaff(const std::string& rule_id, const ActionSpec& spec) const {
    for (const v1::StaffLift& l : out_->state.staff_lifted()) {
      const v1::Action& a = l.action();
      if (a.rule_id() == rule_id && a.type() == spec.type && a.feature() == spec.feature &&
          FromProtoTime(l.lifted_at()) <= now_ && EndOf(a) > now_) {
        return true;
      }
    }
    return false;
  }
  // The rule no longer holds: a fresh crossing acts again despite earlier staff lifts.
  void ForgetStaffLifts(const std::string& rule_id) {
    auto* lifts = out_->state.mutable_staff_lifted();
    for (int i = lifts->size() - 1; i >= 0; --i) {
      if (lifts->Get(i).action().rule_id() == rule_id &&
          FromProtoTime(lifts->Get(i).lifted_at()) <= now_) {
        lifts->DeleteSubrange(i, 1);
      }
    }
  }
  const v1::Action* RunningAction(const std::string& rule_id, const ActionSpec& spec) const {
    for (const v1::Action& a : out_->state.actions()) {
      if (a.rule_id() == rule_id && a.type() == spec.type && a.feature() == spec.feature &&
          IsActive(a, now_)) {
        return &a;
      }
    }
    return nullptr;
  }
  void Record(const std::string& rule_id, const std::string& message, const std::string& why,
              bool always);
  void TakeDown(const CategoryPolicy& category);
  void Milestones(const PointsScore& before, const PointsScore& after, int64_t points);
  void CountRules();
  void UpdateCycle(const CategoryPolicy& category, v1::SubjectState* state) const;

  const Policy& policy_;
  const ViolationFacts& v_;
  const absl::Time now_;
  const int64_t today_;
  Evaluation* out_;
  const std::string category_name_;
  // The violation merged into a report already counted (its category's `merge`): it is not a
  // new violation for rules that act on each one.
  bool merged_ = false;
  std::string facts_;  // the notices' facts sentence
  ActionPlanner* planner_ = nullptr;
  // Rules of mode while_at_or_above are recorded only if they issued something or just began
  // to hold, so that a seller deep in a tier does not see every lower rule fire each time.
  std::vector<std::pair<std::string, bool>> recorded_;  // (rule id, always)
  std::vector<v1::RuleFiring> firings_;
};

void Decider::Record(const std::string& rule_id, const std::string& message, const std::string& why,
                     bool always) {
  v1::RuleFiring f;
  f.set_rule_id(rule_id);
  f.set_reason(message.empty() ? why : absl::StrCat(message, " (", why, ")"));
  firings_.push_back(std::move(f));
  recorded_.push_back({rule_id, always});
}

// The reported object comes down: an object action, the decision's first, outside the planner.
void Decider::TakeDown(const CategoryPolicy& category) {
  v1::Decision& d = out_->decision;
  const std::string reason =
      absl::StrCat("'", v_.object_id, "' is taken down: '", category.display_name,
                   "' violations are removed from the marketplace");
  v1::RuleFiring* f = d.add_rules_fired();
  f->set_rule_id(category.id);
  f->set_reason(reason);
  v1::Action* a = d.add_actions();
  a->set_action_id(
      absl::StrCat(v_.violation_id, "/", v1::SubjectKind_Name(out_->state.subject().kind()), "/1"));
  a->set_type(v1::ACTION_TAKE_DOWN);
  *a->mutable_subject() = out_->state.subject();
  a->set_object_id(v_.object_id);
  a->set_rule_id(category.id);
  a->set_violation_id(v_.violation_id);
  *a->mutable_starts_at() = ToProtoTime(now_);
  a->set_reason(reason);
  a->set_notice(SellerNotice(policy_, *a, facts_, now_));
}

void Decider::Milestones(const PointsScore& before, const PointsScore& after, int64_t points) {
  const LedgerKind ledger = LedgerOf(out_->state.subject().kind());
  for (const auto& [threshold, rule] : ResolvedLadder(policy_, after, ledger)) {
    if (!after.Holds(*rule)) {
      ForgetStaffLifts(rule->id);
      continue;
    }
    if (Snoozed(rule->id)) continue;
    const bool crossed = !before.Holds(*rule);
    const std::string why =
        crossed ? absl::StrCat("active violation points reached ", after.active_points(), " (+",
                               points, " for '", category_name_, "'), crossing the ", threshold,
                               "-point milestone")
                : absl::StrCat("active violation points are ", after.active_points(), " (+", points,
                               " for '", category_name_, "'), at or above the ", threshold,
                               "-point milestone");
    switch (rule->repeat) {
      case RepeatMode::kWhileAtOrAbove:
        Record(rule->id, rule->message, why, crossed);
        AskLevel(rule->id, firings_.back().reason(), rule->actions, DayStart(after.DropDay(*rule)));
        break;
      case RepeatMode::kEachViolation:
        if (merged_) break;  // counted once, with the report it merged into
        Record(rule->id, rule->message, why, true);
        Ask(rule->id, firings_.back().reason(), rule->actions);
        break;
      case RepeatMode::kOnCrossing:
        if (HasMark(out_->state, rule->id, "")) break;
        out_->state.add_marks()->set_rule_id(rule->id);
        Record(rule->id, rule->message, why, true);
        Ask(rule->id, firings_.back().reason(), rule->actions);
        break;
    }
  }
}

void Decider::CountRules() {
  const LedgerKind ledger = LedgerOf(out_->state.subject().kind());
  const CountSubject self{v_.category, v_.source, v_.rights_holder_id, v_.right_id};
  const int64_t day = UnixDay(v_.occurred_at);
  for (const CountRule& rule : policy_.count_rules()) {
    if (!rule.AppliesTo(ledger) || !CountRuleMatches(rule, self)) continue;
    // A violation already outside its region's window triggers nothing.
    if (day <= today_ - policy_.CountWindowDays(rule, v_.region)) continue;
    if (Snoozed(rule.id)) continue;
    const CountScore count(policy_, rule, out_->state, self, today_);
    if (!count.Holds()) {
      ForgetStaffLifts(rule.id);
      continue;
    }
    const bool reached = count.count() == count.threshold();
    const std::string why = absl::StrCat(
        count.count(), " ", CountFilterText(policy_, rule, v_), " within ", count.window_days(),
        " days ", reached ? "reached" : "are at or above", " the limit of ", count.threshold());
    const std::string group = CountGroup(rule, self);
    switch (rule.repeat) {
      case RepeatMode::kWhileAtOrAbove:
        Record(rule.id, rule.message, why, reached);
        AskLevel(rule.id, firings_.back().reason(), rule.actions, DayStart(count.DropDay()));
        break;
      case RepeatMode::kEachViolation:
        if (merged_) break;
        Record(rule.id, rule.message, why, true);
        Ask(rule.id, firings_.back().reason(), rule.actions);
        break;
      case RepeatMode::kOnCrossing: {
        if (HasMark(out_->state, rule.id, group)) break;
        v1::RuleMark* mark = out_->state.add_marks();
        mark->set_rule_id(rule.id);
        mark->set_group(group);
        if (rule.same_category) mark->set_category(v_.category);
        if (rule.same_rights_holder) mark->set_rights_holder_id(v_.rights_holder_id);
        if (rule.same_right) mark->set_right_id(v_.right_id);
        Record(rule.id, rule.message, why, true);
        Ask(rule.id, firings_.back().reason(), rule.actions);
        break;
      }
    }
  }
}

// Under windows from the first deduction, a violation that adds points while no cycle is open
// opens one on the day it is recorded.
void Decider::UpdateCycle(const CategoryPolicy& category, v1::SubjectState* state) const {
  if (!policy_.windows_from_first_deduction()) {
    state->clear_cycle_start_day();
    return;
  }
  auto attribute = v_.attributes.find(category.points_attribute);
  const int points =
      v_.points_override
          ? *v_.points_override
          : policy_.Points(
                category, v_.severity, v_.region,
                attribute == v_.attributes.end() ? "" : absl::string_view(attribute->second));
  if (points <= 0) return;
  const int64_t recorded_day =
      UnixDay(v_.recorded_at == absl::InfinitePast() ? now_ : v_.recorded_at);
  std::optional<int64_t> end = CycleEndDay(policy_, *state);
  if (!end || recorded_day >= *end) state->set_cycle_start_day(recorded_day);
}

void Decider::Run() {
  v1::SubjectState& state = out_->state;
  v1::Decision& d = out_->decision;
  PruneState(&policy_, now_, &state);
  const CategoryPolicy& category = *policy_.FindCategory(v_.category);

  d.set_violation_id(v_.violation_id);
  *d.mutable_subject() = state.subject();
  d.set_policy_version(policy_.version());
  *d.mutable_decided_at() = ToProtoTime(now_);
  const PointsScore before(policy_, state, today_);
  ClearLapsedMarks(policy_, before, today_, &state);
  d.set_active_points_before(SaturateToInt32(before.active_points()));
  d.set_standing_before(DeriveStanding(state.actions(), now_));

  if (v_.recorded_at == absl::InfinitePast()) {
    ViolationFacts recorded = v_;  // recorded now, as evaluator.h promises
    recorded.recorded_at = now_;
    FoldViolationFacts(recorded, &state);
  } else {
    FoldViolationFacts(v_, &state);
  }
  UpdateCycle(category, &state);
  const PointsScore after(policy_, state, today_);
  const int64_t points = after.active_points() - before.active_points();
  if (category.merge_days > 0) {
    auto count = [&](const PointsScore& score) {
      auto it = score.by_category().find(category.id);
      return it == score.by_category().end() ? 0 : it->second.count;
    };
    // Counted already: the group it joined was active before it and still is.
    merged_ = count(after) > 0 && count(after) == count(before);
  }
  d.set_points_added(SaturateToInt32(points));
  d.set_active_points(SaturateToInt32(after.active_points()));
  // The days the points count: the window, or less for a category that resets.
  const int64_t day = UnixDay(v_.occurred_at);
  const int64_t expire_day = policy_.windows_from_first_deduction()
                                 ? CycleEndDay(policy_, state).value_or(day)
                                 : policy_.ExpireDay(category, v_.region, day);
  d.set_window_days(static_cast<int>(std::max<int64_t>(0, expire_day - day)));

  facts_ = ViolationFactsText(policy_, v_.category, v_.object_id, v_.source, v_.occurred_at,
                              d.points_added());
  const bool take_down = v_.emit_object_actions && category.take_down && !v_.object_id.empty();
  if (take_down) TakeDown(category);
  ActionPlanner planner(v_.violation_id, v_.violation_id, take_down ? 2 : 1, now_, &state);
  planner.SetNoticeWriter(
      [this](const v1::Action& a) { return SellerNotice(policy_, a, facts_, now_); });
  planner_ = &planner;
  if (!category.zero_tolerance_rule_id.empty()) {
    Record(category.zero_tolerance_rule_id, category.zero_tolerance_message,
           absl::StrCat("'", category.display_name,
                        "' is zero tolerance: a single violation is enough"),
           true);
    Ask(category.zero_tolerance_rule_id, firings_.back().reason(), category.zero_tolerance_actions);
  }
  Milestones(before, after, points);
  CountRules();

  google::protobuf::RepeatedPtrField<v1::Action> issued;
  planner.Finish(&issued, d.mutable_superseded());
  for (size_t i = 0; i < firings_.size(); ++i) {
    bool acted = recorded_[i].second;
    for (const v1::Action& a : issued) acted = acted || a.rule_id() == recorded_[i].first;
    if (acted) *d.add_rules_fired() = firings_[i];
  }
  for (v1::Action& a : issued) *d.add_actions() = std::move(a);

  state.set_policy_version(policy_.version());
  d.set_standing_after(DeriveStanding(state.actions(), now_));
  *d.mutable_tier_after() = TierOf(policy_, after, LedgerOf(state.subject().kind()));
}

}  // namespace

Evaluation EvaluateViolation(const Policy& policy, v1::SubjectState state,
                             const ViolationFacts& violation, absl::Time now) {
  Evaluation out;
  out.state = std::move(state);
  Decider(policy, violation, now, &out).Run();
  return out;
}

}  // namespace enforcer
