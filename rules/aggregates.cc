// The aggregate side of the evaluator: folding facts into buckets, pruning, and reading standing.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/evaluator.h"
#include "rules/scoring.h"
#include "rules/tier.h"

namespace enforcer {
namespace {

template <typename Bucket>
void KeepOrderedByDay(google::protobuf::RepeatedPtrField<Bucket>* buckets, int64_t day) {
  for (int i = buckets->size() - 1; i > 0 && buckets->Get(i - 1).day() > day; --i) {
    buckets->SwapElements(i, i - 1);
  }
}

bool SameAttributes(const v1::WindowBucket& b, const ViolationFacts& v) {
  if (b.attributes_size() != static_cast<int>(v.attributes.size())) return false;
  int i = 0;
  for (const auto& [name, value] : v.attributes) {
    if (b.attributes(i).name() != name || b.attributes(i).value() != value) return false;
    ++i;
  }
  return true;
}

int64_t RecordedDay(const ViolationFacts& v) {
  return v.recorded_at == absl::InfinitePast() ? UnixDay(v.occurred_at) : UnixDay(v.recorded_at);
}

void AddToBuckets(const ViolationFacts& v, int64_t day, v1::SubjectState* state) {
  const int64_t recorded_day = RecordedDay(v);
  for (v1::WindowBucket& b : *state->mutable_buckets()) {
    if (b.day() == day && b.recorded_day() == recorded_day && b.category() == v.category &&
        b.source() == v.source && b.region() == v.region && b.severity() == v.severity &&
        b.notice_id() == v.notice_id && SameAttributes(b, v) &&
        b.has_points_override() == v.points_override.has_value() &&
        (!v.points_override || b.points_override() == *v.points_override)) {
      b.set_count(b.count() + 1);
      return;
    }
  }
  v1::WindowBucket* b = state->add_buckets();
  b->set_day(day);
  b->set_category(v.category);
  b->set_source(v.source);
  b->set_region(v.region);
  b->set_severity(v.severity);
  b->set_notice_id(v.notice_id);
  b->set_recorded_day(recorded_day);
  if (v.points_override) b->set_points_override(*v.points_override);
  for (const auto& [name, value] : v.attributes) {
    v1::ReportAttribute* a = b->add_attributes();
    a->set_name(name);
    a->set_value(value);
  }
  b->set_count(1);
  KeepOrderedByDay(state->mutable_buckets(), day);
}

void AddToHolderBuckets(const ViolationFacts& v, int64_t day, v1::SubjectState* state) {
  for (v1::HolderBucket& b : *state->mutable_holder_buckets()) {
    if (b.day() == day && b.category() == v.category && b.source() == v.source &&
        b.region() == v.region && b.rights_holder_id() == v.rights_holder_id &&
        b.right_id() == v.right_id && b.notice_id() == v.notice_id) {
      b.set_count(b.count() + 1);
      return;
    }
  }
  v1::HolderBucket* b = state->add_holder_buckets();
  b->set_day(day);
  b->set_category(v.category);
  b->set_source(v.source);
  b->set_region(v.region);
  b->set_rights_holder_id(v.rights_holder_id);
  b->set_right_id(v.right_id);
  b->set_notice_id(v.notice_id);
  b->set_count(1);
  KeepOrderedByDay(state->mutable_holder_buckets(), day);
}

}  // namespace

ViolationFacts FactsOf(const v1::Violation& violation) {
  const v1::ReportViolationRequest& r = violation.report();
  ViolationFacts v;
  v.violation_id = violation.violation_id();
  v.category = r.category();
  v.severity = r.severity();
  v.source = r.source();
  v.region = r.region();
  v.rights_holder_id = r.rights_holder_id();
  v.right_id = r.right_id();
  v.object_id = r.object_id();
  v.notice_id = r.notice_id();
  v.attributes.insert(r.attributes().begin(), r.attributes().end());
  v.occurred_at = FromProtoTime(r.occurred_at());
  if (violation.has_recorded_at()) v.recorded_at = FromProtoTime(violation.recorded_at());
  if (violation.has_points_override()) v.points_override = violation.points_override();
  return v;
}

void FoldViolationFacts(const ViolationFacts& v, v1::SubjectState* state) {
  const int64_t day = UnixDay(v.occurred_at);
  AddToBuckets(v, day, state);
  if (!v.rights_holder_id.empty() || !v.right_id.empty()) AddToHolderBuckets(v, day, state);
  if (state->lifetime_violations() < std::numeric_limits<int64_t>::max()) {
    state->set_lifetime_violations(state->lifetime_violations() + 1);
  }
}

void RetireEndedActions(absl::Time now, v1::SubjectState* state) {
  auto* actions = state->mutable_actions();
  auto* ended = state->mutable_ended_unrecorded();
  const absl::Time horizon = now - kUnrecordedEndHorizon;
  for (const v1::Action& a : *actions) {
    if (!IsActive(a, now) && EndOf(a) > horizon) *ended->Add() = a;
  }
  actions->erase(std::remove_if(actions->begin(), actions->end(),
                                [&](const v1::Action& a) { return !IsActive(a, now); }),
                 actions->end());
  ended->erase(std::remove_if(ended->begin(), ended->end(),
                              [&](const v1::Action& a) { return EndOf(a) <= horizon; }),
               ended->end());
  // Canonical order, so that pruning once or in steps gives the same state.
  std::sort(ended->begin(), ended->end(), [](const v1::Action& a, const v1::Action& b) {
    return std::make_pair(EndOf(a), a.action_id()) < std::make_pair(EndOf(b), b.action_id());
  });
  auto* recorded = state->mutable_took_effect_recorded();
  recorded->erase(std::remove_if(recorded->begin(), recorded->end(),
                                 [&](const std::string& id) {
                                   auto same = [&](const v1::Action& a) {
                                     return a.action_id() == id;
                                   };
                                   return std::none_of(actions->begin(), actions->end(), same) &&
                                          std::none_of(ended->begin(), ended->end(), same);
                                 }),
                  recorded->end());
}

void PruneState(const Policy* policy, absl::Time now, v1::SubjectState* state) {
  const int retention = policy != nullptr ? policy->RetentionDays() : kAggregateRetentionDays;
  const int64_t oldest_day = UnixDay(now) - retention;
  auto* buckets = state->mutable_buckets();
  // By the later of occurrence and recording: under windows anchored to the first deduction a
  // violation reported late counts from when it was recorded.
  buckets->erase(std::remove_if(buckets->begin(), buckets->end(),
                                [&](const v1::WindowBucket& b) {
                                  return std::max(b.day(), b.recorded_day()) < oldest_day;
                                }),
                 buckets->end());
  auto* holders = state->mutable_holder_buckets();
  holders->erase(std::remove_if(holders->begin(), holders->end(),
                                [&](const v1::HolderBucket& b) { return b.day() < oldest_day; }),
                 holders->end());
  RetireEndedActions(now, state);
  auto* snoozes = state->mutable_snoozes();
  snoozes->erase(
      std::remove_if(snoozes->begin(), snoozes->end(),
                     [&](const v1::RuleSnooze& z) { return FromProtoTime(z.until()) <= now; }),
      snoozes->end());
  auto* lifts = state->mutable_staff_lifted();
  lifts->erase(std::remove_if(lifts->begin(), lifts->end(),
                              [&](const v1::StaffLift& l) { return !IsActive(l.action(), now); }),
               lifts->end());
  // Remedies matter for as long as anything they ended could have run (windows and durations are
  // capped at kAggregateRetentionDays).
  const int64_t oldest_remedy = (UnixDay(now) - kAggregateRetentionDays) * 86400;
  auto* remedies = state->mutable_remedies();
  remedies->erase(std::remove_if(remedies->begin(), remedies->end(),
                                 [&](const v1::RemedyFact& f) {
                                   return f.recorded_at().seconds() < oldest_remedy;
                                 }),
                  remedies->end());
}

v1::Standing DeriveStanding(const google::protobuf::RepeatedPtrField<v1::Action>& actions,
                            absl::Time now) {
  v1::Standing worst = v1::GOOD_STANDING;
  for (const v1::Action& a : actions) {
    if (IsInForce(a, now)) worst = std::max(worst, StandingOf(a.type()));
  }
  return worst;
}

StandingSummary SummarizeStanding(const Policy& policy, const v1::SubjectState& state,
                                  absl::Time now) {
  StandingSummary s;
  const PointsScore score(policy, state, UnixDay(now));
  s.standing = DeriveStanding(state.actions(), now);
  s.active_points = score.active_points();
  for (const v1::Action& a : state.actions()) {
    if (IsInForce(a, now)) {
      s.active_actions.push_back(a);
    } else if (IsActive(a, now)) {
      s.pending_actions.push_back(a);
    }
  }
  for (const auto& [category, total] : score.by_category()) {
    v1::CategoryCount c;
    c.set_category(category);
    c.set_count(SaturateToInt32(total.count));
    c.set_active_points(SaturateToInt32(total.points));
    c.set_window_days(total.window_days);
    s.category_counts.push_back(std::move(c));
  }
  s.tier = TierOf(policy, score, LedgerOf(state.subject().kind()));
  return s;
}

}  // namespace enforcer
