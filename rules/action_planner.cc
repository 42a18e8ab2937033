#include "rules/action_planner.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/timestamp.h"

namespace enforcer {
namespace {

std::string Date(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone());
}

}  // namespace

bool IsActive(const v1::Action& action, absl::Time now) {
  return !action.has_expires_at() || FromProtoTime(action.expires_at()) > now;
}

bool IsInForce(const v1::Action& action, absl::Time now) {
  return IsActive(action, now) &&
         (!action.has_effective_at() || FromProtoTime(action.effective_at()) <= now);
}

std::string FormatUtc(absl::Time t) { return Date(t); }

absl::Time EndOf(const v1::Action& action) {
  return action.has_expires_at() ? FromProtoTime(action.expires_at()) : absl::InfiniteFuture();
}

v1::Standing StandingOf(v1::ActionType type) {
  switch (type) {
    case v1::ACTION_WARNING:
      return v1::WARNED;
    case v1::ACTION_RESTRICT_FEATURE:
      return v1::RESTRICTED;
    case v1::ACTION_SUSPEND:
      return v1::SUSPENDED;
    case v1::ACTION_DEACTIVATE_STORE:
      return v1::DEACTIVATED;
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      return v1::REVOKED;
    default:
      return v1::GOOD_STANDING;
  }
}

std::string HumanDuration(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  if (hours % 24 == 0) {
    const int64_t days = hours / 24;
    return absl::StrCat(days, days == 1 ? " day" : " days");
  }
  return absl::StrCat(hours, hours == 1 ? " hour" : " hours");
}

std::string ActionPhrase(const ActionSpec& spec, absl::Time now, absl::Time ends) {
  // A level action may run past its own duration (until the points fall below the threshold).
  const bool permanent = ends == absl::InfiniteFuture();
  const absl::Time starts = now + spec.grace.value_or(absl::ZeroDuration());
  std::string span = spec.grace ? absl::StrCat(" from ", Date(starts)) : "";
  if (!permanent) {
    absl::StrAppend(&span, (spec.duration && ends == starts + *spec.duration)
                               ? absl::StrCat(" for ", HumanDuration(*spec.duration))
                               : absl::StrCat(" until ", Date(ends)));
  }
  if (spec.grace) absl::StrAppend(&span, ", unless corrected first");
  switch (spec.type) {
    case v1::ACTION_WARNING:
      return absl::StrCat("Formal warning", span);
    case v1::ACTION_RESTRICT_FEATURE:
      return absl::StrCat(spec.feature_name.empty() ? spec.feature : spec.feature_name,
                          " restricted", span);
    case v1::ACTION_SUSPEND:
      return absl::StrCat("Selling suspended", span);
    case v1::ACTION_DEACTIVATE_STORE:
      return absl::StrCat("Store deactivated", span);
    case v1::ACTION_REVOKE_SELLING_PERMISSION:
      return absl::StrCat("Selling permission permanently revoked", span);
    default:
      return "Action";
  }
}

ActionPlanner::ActionPlanner(std::string id_prefix, std::string violation_id, int first_index,
                             absl::Time now, v1::SubjectState* state)
    : id_prefix_(std::move(id_prefix)),
      violation_id_(std::move(violation_id)),
      first_index_(first_index),
      now_(now),
      state_(state) {}

void ActionPlanner::Request(const std::string& rule_id, const ActionSpec& spec, absl::Time ends,
                            const std::string& reason) {
  // Two rules asking for the same type and feature: the later end wins, the earlier request keeps
  // its place (and so its action id).
  for (Request_& r : requests_) {
    if (r.spec.type == spec.type && r.spec.feature == spec.feature) {
      if (ends > r.ends) {
        r.rule_id = rule_id;
        r.spec = spec;
        r.ends = ends;
        r.reason = reason;
      }
      return;
    }
  }
  requests_.push_back(Request_{rule_id, spec, ends, reason});
}

void ActionPlanner::Decide(int index) {
  Request_& r = requests_[index];
  const int rank = ActionRank(r.spec.type);
  const absl::Time starts = now_ + r.spec.grace.value_or(absl::ZeroDuration());
  for (const v1::Action& a : state_->actions()) {
    if (!IsActive(a, now_) || EndOf(a) < r.ends) continue;
    // A pending action covers nothing that would be in force before it.
    if (a.has_effective_at() && FromProtoTime(a.effective_at()) > starts) continue;
    // Covered by what is already in force: nothing changes, so nothing is recorded.
    if ((a.type() == r.spec.type && a.feature() == r.spec.feature) || ActionRank(a.type()) > rank) {
      r.outcome = Request_::kInForce;
      return;
    }
  }
  for (size_t j = 0; j < requests_.size(); ++j) {
    const Request_& h = requests_[j];
    const absl::Time h_starts = now_ + h.spec.grace.value_or(absl::ZeroDuration());
    if (h.outcome == Request_::kIssue && ActionRank(h.spec.type) > rank && h.ends >= r.ends &&
        h_starts <= starts) {
      r.outcome = Request_::kCovered;
      r.covered_by_request = static_cast<int>(j);
      return;
    }
  }
  r.outcome = Request_::kIssue;
}

v1::Action ActionPlanner::MakeAction(const Request_& r, int n) const {
  v1::Action a;
  if (n > 0)
    a.set_action_id(
        absl::StrCat(id_prefix_, "/", v1::SubjectKind_Name(state_->subject().kind()), "/", n));
  a.set_type(r.spec.type);
  *a.mutable_subject() = state_->subject();
  a.set_feature(r.spec.feature);
  a.set_rule_id(r.rule_id);
  a.set_violation_id(violation_id_);
  *a.mutable_starts_at() = ToProtoTime(now_);
  if (r.ends != absl::InfiniteFuture()) *a.mutable_expires_at() = ToProtoTime(r.ends);
  if (r.spec.grace) *a.mutable_effective_at() = ToProtoTime(now_ + *r.spec.grace);
  a.set_reason(absl::StrCat(ActionPhrase(r.spec, now_, r.ends), ": ", r.reason));
  if (notice_writer_) a.set_notice(notice_writer_(a));
  return a;
}

void ActionPlanner::Finish(google::protobuf::RepeatedPtrField<v1::Action>* issued,
                           google::protobuf::RepeatedPtrField<v1::Supersession>* superseded) {
  // Highest rank first, so that what covers is decided before what it covers.
  std::vector<int> order(requests_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return ActionRank(requests_[a].spec.type) > ActionRank(requests_[b].spec.type);
  });
  for (int i : order) Decide(i);

  std::vector<std::string> ids(requests_.size());
  std::vector<v1::Action> made;
  int n = first_index_;
  for (size_t i = 0; i < requests_.size(); ++i) {
    if (requests_[i].outcome != Request_::kIssue) continue;
    made.push_back(MakeAction(requests_[i], n++));
    ids[i] = made.back().action_id();
  }
  for (const Request_& r : requests_) {
    if (r.outcome != Request_::kCovered) continue;
    v1::Supersession* s = superseded->Add();
    *s->mutable_action() = MakeAction(r, 0);
    s->set_superseded_by_action_id(ids[r.covered_by_request]);
    s->set_superseded_by_type(requests_[r.covered_by_request].spec.type);
    s->set_reason(absl::StrCat("not issued: ", v1::ActionType_Name(s->superseded_by_type()), " ",
                               s->superseded_by_action_id(), " covers it for at least as long"));
  }
  for (const v1::Action& a : made) {
    // Running actions that the new one covers: an extension of the same type replaces the old
    // one; a lower one keeps running under it (so that lifting the higher one on appeal leaves it).
    auto* actions = state_->mutable_actions();
    for (int i = actions->size() - 1; i >= 0; --i) {
      const v1::Action& old = actions->Get(i);
      if (!IsActive(old, now_) || EndOf(old) > EndOf(a)) continue;
      // A pending action replaces or covers nothing in force until it takes effect.
      if (a.has_effective_at() && IsInForce(old, now_)) continue;
      const bool same = old.type() == a.type() && old.feature() == a.feature();
      if (!same && ActionRank(old.type()) >= ActionRank(a.type())) continue;
      v1::Supersession* s = superseded->Add();
      *s->mutable_action() = old;
      s->set_superseded_by_action_id(a.action_id());
      s->set_superseded_by_type(a.type());
      s->set_reason(same ? absl::StrCat("replaced: ", a.action_id(), " extends it")
                         : absl::StrCat("covered by ", v1::ActionType_Name(a.type()), " ",
                                        a.action_id(), " while both run"));
      if (same) actions->DeleteSubrange(i, 1);
    }
    *state_->add_actions() = a;
    *issued->Add() = a;
  }
}

}  // namespace enforcer
