#include "engine/appeal_terms.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/report_validator.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_events.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

std::string Label(const v1::Subject& s) {
  return absl::StrCat(s.kind() == v1::CREATOR ? "creator '" : "seller '", s.id(), "'");
}

// The action as it was issued: the last entry that issued `action_id`.
const v1::Action* IssuedAction(const std::vector<v1::LedgerEntry>& log,
                               const std::string& action_id) {
  const v1::Action* found = nullptr;
  auto consider = [&](const v1::Action& a) {
    if (a.action_id() == action_id && a.paused_by_appeal().empty()) found = &a;
  };
  for (const v1::LedgerEntry& e : log) {
    if (e.has_action()) consider(e.action());
    for (const v1::Action& a : e.decision().actions()) consider(a);
    for (const v1::Action& a : e.reevaluation().actions_issued()) consider(a);
    for (const v1::Action& a : e.propagation().actions_issued()) consider(a);
  }
  return found;
}

}  // namespace

absl::StatusOr<AppealHistory> AppealHistoryOf(const std::vector<v1::LedgerEntry>& log,
                                              const v1::Subject& subject,
                                              const std::string& violation_id) {
  AppealHistory h;
  bool found = false, decided = false;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation() && e.violation().violation_id() == violation_id) {
      h.violation = e.violation();
      found = true;
    } else if (e.has_decision() && e.decision().violation_id() == violation_id) {
      h.decided_at = FromProtoTime(e.decision().decided_at());
      decided = true;
    } else if (e.has_appeal() && e.appeal().violation_id() == violation_id) {
      h.appeals.push_back(e.appeal());
    } else if (e.has_appeal_resolution() && e.appeal_resolution().violation_id() == violation_id) {
      h.resolutions.push_back(e.appeal_resolution());
    } else if (e.has_violation_void() && e.violation_void().violation_id() == violation_id) {
      if (e.violation_void().reduced()) {
        h.reduced_points = e.violation_void().points();
      } else {
        h.voided = e.violation_void();
      }
    }
  }
  if (!found || !decided) {
    return absl::NotFoundError(absl::StrCat("violation_id: '", violation_id,
                                            "' is not in the ledger of ", Label(subject)));
  }
  return h;
}

absl::StatusOr<absl::Time> CheckAppealTerms(const AppealTerms& terms, const AppealHistory& history,
                                            absl::Time now) {
  const std::string id = history.violation.violation_id();
  if (history.voided) {
    return absl::FailedPreconditionError(
        absl::StrCat("violation_id: '", id, "' was voided on ",
                     FormatUtc(FromProtoTime(history.voided->recorded_at())), " (",
                     history.voided->cause(), "); there is nothing left to appeal"));
  }
  if (history.appeals.size() > history.resolutions.size()) {
    const v1::Appeal& open = history.appeals.back();
    return absl::FailedPreconditionError(
        absl::StrCat("violation_id: '", id, "' already has an open appeal ", open.appeal_id(),
                     " (filed ", FormatUtc(FromProtoTime(open.filed_at())), "); resolve it first"));
  }
  if (static_cast<int>(history.appeals.size()) >= terms.per_violation) {
    return absl::FailedPreconditionError(
        absl::StrCat("appeals.per_violation: violation '", id, "' has had ", history.appeals.size(),
                     " appeal(s), the most the policy allows; the last was resolved on ",
                     FormatUtc(FromProtoTime(history.resolutions.back().resolved_at()))));
  }
  if (history.resolutions.empty()) {
    const absl::Time deadline = history.decided_at + absl::Hours(24) * terms.within_days;
    if (now > deadline) {
      return absl::FailedPreconditionError(absl::StrCat(
          "appeals.within: the ", terms.within_days, " days to appeal violation '", id,
          "' (decided ", FormatUtc(history.decided_at), ") ended on ", FormatUtc(deadline)));
    }
    return deadline;
  }
  const v1::AppealResolution& last = history.resolutions.back();
  const int days = terms.after_rejection_within_days.value_or(terms.within_days);
  const absl::Time deadline = FromProtoTime(last.resolved_at()) + absl::Hours(24) * days;
  if (now > deadline) {
    return absl::FailedPreconditionError(absl::StrCat(
        "appeals.after_rejection_within: the ", days, " days to appeal violation '", id,
        "' again after appeal ", last.appeal_id(), " was decided on ",
        FormatUtc(FromProtoTime(last.resolved_at())), " ended on ", FormatUtc(deadline)));
  }
  return deadline;
}

std::vector<v1::Action> PausedActions(const v1::SubjectState& state,
                                      const std::string& violation_id, const std::string& appeal_id,
                                      absl::Time now) {
  std::vector<v1::Action> out;
  for (const v1::Action& a : state.actions()) {
    if (a.violation_id() != violation_id || !a.paused_by_appeal().empty()) continue;
    if (!a.has_effective_at() || FromProtoTime(a.effective_at()) <= now) continue;
    v1::Action paused = a;
    paused.set_paused_by_appeal(appeal_id);
    paused.mutable_effective_at()->set_seconds(kPausedEffectiveSeconds);
    paused.mutable_effective_at()->set_nanos(0);
    if (paused.has_expires_at()) *paused.mutable_expires_at() = paused.effective_at();
    out.push_back(std::move(paused));
  }
  return out;
}

std::vector<v1::Action> ResumedActions(const v1::SubjectState& state, const v1::Appeal& appeal,
                                       const std::vector<v1::LedgerEntry>& log, absl::Time now) {
  std::vector<v1::Action> out;
  const absl::Time filed = FromProtoTime(appeal.filed_at());
  for (const v1::Action& a : state.actions()) {
    if (a.paused_by_appeal() != appeal.appeal_id()) continue;
    const v1::Action* original = IssuedAction(log, a.action_id());
    v1::Action resumed = original != nullptr ? *original : a;
    resumed.clear_paused_by_appeal();
    const absl::Time effective = FromProtoTime(resumed.effective_at());
    const absl::Time starts = now + std::max(absl::ZeroDuration(), effective - filed);
    if (resumed.has_expires_at()) {
      *resumed.mutable_expires_at() =
          ToProtoTime(starts + (FromProtoTime(resumed.expires_at()) - effective));
    }
    *resumed.mutable_effective_at() = ToProtoTime(starts);
    out.push_back(std::move(resumed));
  }
  return out;
}

int CurrentPoints(const Policy& policy, const AppealHistory& history) {
  if (history.reduced_points) return *history.reduced_points;
  const ViolationFacts facts = FactsOf(history.violation);
  const CategoryPolicy* category = policy.FindCategory(facts.category);
  if (category == nullptr) return 0;
  auto attribute = facts.attributes.find(category->points_attribute);
  return policy.Points(*category, facts.severity, facts.region,
                       attribute == facts.attributes.end() ? "" : attribute->second);
}

}  // namespace enforcer
