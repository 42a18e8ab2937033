#include "rules/evaluator.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

const std::string& EmptyString() {
  static const std::string* empty = new std::string();
  return *empty;
}

bool IsActive(const v1::Action& action, absl::Time now) {
  return !action.has_expires_at() || FromProtoTime(action.expires_at()) > now;
}

v1::Standing StandingOf(v1::ActionType type) {
  switch (type) {
    case v1::ACTION_WARNING: return v1::WARNED;
    case v1::ACTION_RESTRICT_FEATURE: return v1::RESTRICTED;
    case v1::ACTION_SUSPEND: return v1::SUSPENDED;
    case v1::ACTION_DEACTIVATE_STORE: return v1::DEACTIVATED;
    case v1::ACTION_REVOKE_SELLING_PERMISSION: return v1::REVOKED;
    default: return v1::GOOD_STANDING;
  }
}

int ActivePoints(const v1::SubjectState& state, int64_t today) {
  int points = 0;
  for (const v1::WindowBucket& b : state.buckets()) {
    if (b.points_expire_day() > today) points += b.points();
  }
  return points;
}

// Drops what can no longer matter at `now`: expired actions, buckets older than every window.
void Prune(const Policy& policy, absl::Time now, v1::SubjectState* state) {
  const int64_t oldest_day = UnixDay(now) - policy.RetentionDays();
  auto* buckets = state->mutable_buckets();
  buckets->erase(std::remove_if(buckets->begin(), buckets->end(),
                                [&](const v1::WindowBucket& b) { return b.day() < oldest_day; }),
                 buckets->end());
  auto* actions = state->mutable_actions();
  actions->erase(std::remove_if(actions->begin(), actions->end(),
                                [&](const v1::Action& a) { return !IsActive(a, now); }),
                 actions->end());
}

void AddToBucket(const Policy& policy, const ViolationFacts& v, int64_t day, int64_t expire_day,
                 int points, v1::SubjectState* state) {
  const std::string& holder =
      policy.TracksRightsHolder(v.category) ? v.rights_holder_id : EmptyString();
  for (v1::WindowBucket& b : *state->mutable_buckets()) {
    if (b.day() == day && b.category() == v.category && b.source() == v.source &&
        b.rights_holder_id() == holder && b.points_expire_day() == expire_day) {
      b.set_count(b.count() + 1);
      b.set_points(b.points() + points);
      return;
    }
  }
  v1::WindowBucket b;
  b.set_day(day);
  b.set_category(v.category);
  b.set_source(v.source);
  b.set_rights_holder_id(holder);
  b.set_points_expire_day(expire_day);
  b.set_count(1);
  b.set_points(points);
  // Keep buckets ordered by day so state reads oldest first.
  auto* buckets = state->mutable_buckets();
  buckets->Add(std::move(b));
  for (int i = buckets->size() - 1; i > 0 && buckets->Get(i - 1).day() > day; --i) {
    buckets->SwapElements(i, i - 1);
  }
}

bool Matches(const CountRule& rule, const ViolationFacts& v, const v1::WindowBucket& b) {
  if (!rule.categories.empty() && !rule.categories.count(b.category())) return false;
  if (!rule.sources.empty() && !rule.sources.count(b.source())) return false;
  if (rule.same_category && b.category() != v.category) return false;
  if (rule.same_rights_holder && (v.rights_holder_id.empty() || b.rights_holder_id() != v.rights_holder_id)) {
    return false;
  }
  return true;
}

std::string CountFilterText(const CountRule& rule, const ViolationFacts& v) {
  std::vector<std::string> parts;
  if (!rule.categories.empty() || rule.same_category) {
    parts.push_back(rule.same_category ? absl::StrCat("'", v.category, "'")
                                       : absl::StrCat("'", absl::StrJoin(rule.categories, "' or '"), "'"));
  }
  std::string text = parts.empty() ? "" : absl::StrCat(parts[0], " ");
  absl::StrAppend(&text, "violations");
  if (!rule.sources.empty()) {
    std::vector<std::string> names;
    for (v1::Source s : rule.sources) {
      // As the policy spells it: SOURCE_LIVESTREAM -> livestream.
      names.push_back(absl::AsciiStrToLower(absl::string_view(v1::Source_Name(s)).substr(7)));
    }
    absl::StrAppend(&text, " from ", absl::StrJoin(names, " or "));
  }
  if (rule.same_rights_holder) absl::StrAppend(&text, " by rights holder '", v.rights_holder_id, "'");
  return text;
}

std::string ActionPhrase(const ActionSpec& spec) {
  const std::string d = spec.duration ? HumanDuration(*spec.duration) : "";
  switch (spec.type) {
    case v1::ACTION_WARNING: return "Formal warning";
    case v1::ACTION_RESTRICT_FEATURE: return absl::StrCat("'", spec.feature, "' restricted for ", d);
    case v1::ACTION_SUSPEND: return absl::StrCat("Selling suspended for ", d);
    case v1::ACTION_DEACTIVATE_STORE:
      return spec.duration ? absl::StrCat("Store deactivated for ", d) : "Store deactivated";
    case v1::ACTION_REVOKE_SELLING_PERMISSION: return "Selling permission permanently revoked";
    default: return "Action";
  }
}

class DecisionBuilder {
 public:
  DecisionBuilder(const ViolationFacts& v, absl::Time now, v1::Decision* decision,
                  v1::SubjectState* state)
      : v_(v), now_(now), decision_(decision), state_(state) {}

  void Fire(const std::string& rule_id, const std::string& message, const std::string& why,
            const std::vector<ActionSpec>& actions) {
    const std::string reason = message.empty() ? why : absl::StrCat(message, " (", why, ")");
    v1::RuleFiring* firing = decision_->add_rules_fired();
    firing->set_rule_id(rule_id);
    firing->set_reason(reason);
    for (const ActionSpec& spec : actions) {
      // An action already in force for at least as long is not issued again: a revoked seller
      // is not revoked twice, and state stays bounded however often rules fire.
      if (AlreadyInForce(spec)) continue;
      v1::Action* a = NewAction(spec.type, rule_id, absl::StrCat(ActionPhrase(spec), ": ", reason));
      a->set_feature(spec.feature);
      if (spec.duration) *a->mutable_expires_at() = ToProtoTime(now_ + *spec.duration);
      *state_->add_actions() = *a;
    }
  }

  void TakeDown(const std::string& rule_id, const std::string& reason) {
    v1::RuleFiring* firing = decision_->add_rules_fired();
    firing->set_rule_id(rule_id);
    firing->set_reason(reason);
    NewAction(v1::ACTION_TAKE_DOWN, rule_id, reason)->set_object_id(v_.object_id);
  }

 private:
  bool AlreadyInForce(const ActionSpec& spec) const {
    for (const v1::Action& a : state_->actions()) {
      if (a.type() != spec.type || a.feature() != spec.feature || !IsActive(a, now_)) continue;
      if (!a.has_expires_at()) return true;
      if (spec.duration && FromProtoTime(a.expires_at()) >= now_ + *spec.duration) return true;
    }
    return false;
  }

  v1::Action* NewAction(v1::ActionType type, const std::string& rule_id, std::string reason) {
    v1::Action* a = decision_->add_actions();
    a->set_action_id(absl::StrCat(v_.violation_id, "/", v1::SubjectKind_Name(decision_->subject().kind()),
                                  "/", decision_->actions_size()));
    a->set_type(type);
    *a->mutable_subject() = decision_->subject();
    a->set_rule_id(rule_id);
    a->set_violation_id(v_.violation_id);
    *a->mutable_starts_at() = ToProtoTime(now_);
    a->set_reason(std::move(reason));
    return a;
  }

  const ViolationFacts& v_;
  absl::Time now_;
  v1::Decision* decision_;
  v1::SubjectState* state_;
};

}  // namespace

std::string HumanDuration(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  if (hours % 24 == 0) {
    const int64_t days = hours / 24;
    return absl::StrCat(days, days == 1 ? " day" : " days");
  }
  return absl::StrCat(hours, hours == 1 ? " hour" : " hours");
}

v1::Standing DeriveStanding(const google::protobuf::RepeatedPtrField<v1::Action>& actions,
                            absl::Time now) {
  v1::Standing worst = v1::GOOD_STANDING;
  for (const v1::Action& a : actions) {
    if (IsActive(a, now)) worst = std::max(worst, StandingOf(a.type()));
  }
  return worst;
}

Evaluation EvaluateViolation(const Policy& policy, v1::SubjectState state,
                             const ViolationFacts& v, absl::Time now) {
  Evaluation out;
  out.state = std::move(state);
  Prune(policy, now, &out.state);
  const int64_t today = UnixDay(now);
  const LedgerKind ledger = LedgerOf(out.state.subject().kind());
  const CategoryPolicy& category = *policy.FindCategory(v.category);
  const int64_t day = UnixDay(v.occurred_at);

  v1::Decision& d = out.decision;
  d.set_violation_id(v.violation_id);
  *d.mutable_subject() = out.state.subject();
  d.set_policy_version(policy.version());
  *d.mutable_decided_at() = ToProtoTime(now);
  const int active_before = ActivePoints(out.state, today);
  d.set_active_points_before(active_before);
  d.set_standing_before(DeriveStanding(out.state.actions(), now));

  // Count rules this violation can advance, with their counts before it (read before the
  // violation is folded in, so the state need not be copied).
  struct Counting {
    const CountRule* rule;
    int within_days;
    int count_before;
  };
  std::vector<Counting> counting;
  v1::WindowBucket self;
  self.set_category(v.category);
  self.set_source(v.source);
  self.set_rights_holder_id(v.rights_holder_id);
  for (const CountRule& rule : policy.count_rules()) {
    if (!rule.AppliesTo(ledger)) continue;
    const int within = policy.CountWindowDays(rule, v.region);
    const int64_t first_day = today - within + 1;
    if (day < first_day || !Matches(rule, v, self)) continue;
    int count_before = 0;
    for (const v1::WindowBucket& b : out.state.buckets()) {
      if (b.day() >= first_day && Matches(rule, v, b)) count_before += b.count();
    }
    counting.push_back({&rule, within, count_before});
  }

  // Windows run from the day the violation occurred: a late report expires sooner, and one
  // already past its window adds no points.
  const int window_days = policy.WindowDays(category, v.region);
  const int64_t expire_day = day + window_days;
  const int points = expire_day > today ? policy.Points(category, v.severity, v.region) : 0;
  AddToBucket(policy, v, day, expire_day, points, &out.state);
  out.state.set_lifetime_violations(out.state.lifetime_violations() + 1);
  const int active_after = active_before + points;
  d.set_points_added(points);
  d.set_active_points(active_after);
  d.set_window_days(window_days);

  DecisionBuilder builder(v, now, &d, &out.state);
  if (v.emit_object_actions && category.take_down && !v.object_id.empty()) {
    builder.TakeDown(category.id, absl::StrCat("'", v.object_id, "' is taken down: '", category.id,
                                               "' violations are removed from the marketplace"));
  }
  if (!category.zero_tolerance_rule_id.empty()) {
    builder.Fire(category.zero_tolerance_rule_id, category.zero_tolerance_message,
                 absl::StrCat("'", category.id, "' is zero tolerance: a single violation is enough"),
                 category.zero_tolerance_actions);
  }
  // Lowest threshold first, as resolved for the region (an override can reorder milestones).
  std::vector<std::pair<int, const MilestoneRule*>> crossed;
  for (const MilestoneRule& rule : policy.milestones()) {
    if (rule.ledger != ledger) continue;
    const int threshold = policy.MilestoneThreshold(rule, v.region);
    if (active_before < threshold && threshold <= active_after) crossed.push_back({threshold, &rule});
  }
  std::stable_sort(crossed.begin(), crossed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [threshold, rule] : crossed) {
    builder.Fire(rule->id, rule->message,
                 absl::StrCat("active violation points reached ", active_after, " (+", points,
                              " for '", v.category, "'), crossing the ", threshold,
                              "-point milestone"),
                 rule->actions);
  }
  for (const Counting& c : counting) {
    const int threshold = policy.CountThreshold(*c.rule, v.region);
    if (c.count_before < threshold && threshold <= c.count_before + 1) {
      builder.Fire(c.rule->id, c.rule->message,
                   absl::StrCat(c.count_before + 1, " ", CountFilterText(*c.rule, v), " within ",
                                c.within_days, " days reached the limit of ", threshold),
                   c.rule->actions);
    }
  }
  d.set_standing_after(DeriveStanding(out.state.actions(), now));
  return out;
}

v1::SubjectState RebuildSubjectState(const Policy& policy, const v1::Subject& subject,
                                     const std::vector<v1::LedgerEntry>& log, absl::Time now) {
  v1::SubjectState state;
  *state.mutable_subject() = subject;
  // A violation's bucket needs its decision (points and window), which follows it in the log.
  std::map<std::string, const v1::Violation*> violations;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      violations[e.violation().violation_id()] = &e.violation();
      state.set_lifetime_violations(state.lifetime_violations() + 1);
    } else if (e.has_decision()) {
      auto it = violations.find(e.decision().violation_id());
      if (it == violations.end()) continue;
      const v1::ReportViolationRequest& r = it->second->report();
      ViolationFacts v;
      v.category = r.category();
      v.source = r.source();
      v.rights_holder_id = r.rights_holder_id();
      const int64_t day = UnixDay(FromProtoTime(r.occurred_at()));
      AddToBucket(policy, v, day, day + e.decision().window_days(), e.decision().points_added(),
                  &state);
    } else if (e.has_action() && e.action().type() != v1::ACTION_TAKE_DOWN) {
      *state.add_actions() = e.action();
    }
  }
  Prune(policy, now, &state);
  return state;
}

StandingSummary SummarizeStanding(const v1::SubjectState& state, absl::Time now) {
  StandingSummary s;
  const int64_t today = UnixDay(now);
  s.standing = DeriveStanding(state.actions(), now);
  s.active_points = ActivePoints(state, today);
  for (const v1::Action& a : state.actions()) {
    if (IsActive(a, now)) s.active_actions.push_back(a);
  }
  std::map<std::string, v1::CategoryCount> counts;
  for (const v1::WindowBucket& b : state.buckets()) {
    if (b.points_expire_day() <= today) continue;
    v1::CategoryCount& c = counts[b.category()];
    c.set_category(b.category());
    c.set_count(c.count() + b.count());
    c.set_active_points(c.active_points() + b.points());
    c.set_window_days(std::max<int>(c.window_days(), b.points_expire_day() - b.day()));
  }
  for (auto& [id, c] : counts) s.category_counts.push_back(std::move(c));
  return s;
}

}  // namespace enforcer
