#include "engine/case_viewer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "engine/standing_view.h"
#include "proto/timestamp.h"
#include "rules/action_planner.h"
#include "rules/case_facts.h"
#include "rules/evaluator.h"
#include "rules/reevaluator.h"

namespace enforcer {
namespace {

// Violations listed (newest first), and how many of the active ones get an overturn preview
// (each is a replay of the subject's history).
constexpr int kMaxViolations = 200;
constexpr int kMaxPreviews = 50;

std::string NextMilestone(const Policy& policy, const v1::Tier& tier) {
  if (tier.next_milestone_id().empty()) return "";
  for (const MilestoneRule& m : policy.milestones()) {
    if (m.id != tier.next_milestone_id()) continue;
    std::vector<std::string> actions;
    for (const ActionSpec& a : m.actions) actions.push_back(DescribeAction(policy, a));
    return absl::StrCat(tier.points_to_next(), " more points → ", absl::StrJoin(actions, ", "));
  }
  return "";
}

// What overturning `violation_id` would change now: a recomputation without it.
void Preview(const Policy& policy, const Policy* decided_under, const v1::SubjectState& state,
             const std::vector<RecordedViolation>& violations, const std::string& violation_id,
             absl::Time now, v1::CaseViolation* out) {
  std::vector<RecordedViolation> remaining;
  for (const RecordedViolation& rv : violations) {
    if (rv.facts.violation_id != violation_id) remaining.push_back(rv);
  }
  ReevaluationOutcome redo = Reevaluate(policy, decided_under, state, remaining, now, "preview");
  const v1::Reevaluation& r = redo.record;
  out->set_points_if_overturned(r.active_points());
  out->set_standing_if_overturned(r.standing_after());
  std::vector<std::string> changes;
  changes.push_back(absl::StrCat(r.active_points_before(), " → ", r.active_points(), " points"));
  if (r.standing_before() != r.standing_after()) {
    changes.push_back(absl::StrCat(v1::Standing_Name(r.standing_before()), " → ",
                                   v1::Standing_Name(r.standing_after())));
  }
  for (const v1::ActionLift& lift : r.actions_lifted()) {
    const v1::Action& was = lift.action();
    const v1::Action* replacement = nullptr;
    for (const v1::Action& a : r.actions_issued()) {
      if (a.rule_id() == was.rule_id() && a.type() == was.type() && a.feature() == was.feature())
        replacement = &a;
    }
    if (replacement != nullptr) {
      changes.push_back(absl::StrCat(DescribeAction(policy, was), " would end earlier, on ",
                                     FormatUtc(EndOf(*replacement))));
      continue;
    }
    *out->add_lifted_if_overturned() = was;
    changes.push_back(absl::StrCat(DescribeAction(policy, was), " lifted"));
  }
  for (const v1::Action& kept : r.permanent_kept_for_review()) {
    changes.push_back(
        absl::StrCat(DescribeAction(policy, kept), " kept until staff reinstate the subject"));
  }
  out->set_overturn_preview(absl::StrJoin(changes, "; "));
}

struct ViolationRecord {
  v1::Violation violation;
  bool voided = false;
  std::string open_appeal;
};

// Every violation of the log, oldest first, with its voids and open appeals.
std::vector<ViolationRecord> ViolationsOf(const std::vector<v1::LedgerEntry>& log) {
  std::vector<ViolationRecord> out;
  std::map<std::string, size_t> index;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      index[e.violation().violation_id()] = out.size();
      out.push_back({e.violation()});
    } else if (e.has_violation_void() && !e.violation_void().reduced()) {
      if (auto it = index.find(e.violation_void().violation_id()); it != index.end())
        out[it->second].voided = true;
    } else if (e.has_appeal()) {
      if (auto it = index.find(e.appeal().violation_id()); it != index.end())
        out[it->second].open_appeal = e.appeal().appeal_id();
    } else if (e.has_appeal_resolution()) {
      if (auto it = index.find(e.appeal_resolution().violation_id()); it != index.end())
        out[it->second].open_appeal.clear();
    }
  }
  return out;
}

// Linked subjects (recorded by staff, or named with this one in reports), notes and snoozes.
void AddLinksAndNotes(const v1::SubjectState& state, const std::vector<v1::LedgerEntry>& log,
                      absl::Time now, v1::CaseView* out) {
  std::map<std::pair<int, std::string>, v1::CaseLink> links;
  for (const v1::SubjectLink& l : state.links()) {
    v1::CaseLink& link = links[{l.linked().kind(), l.linked().id()}];
    *link.mutable_subject() = l.linked();
    link.set_how("recorded by staff");
    link.set_reason(l.reason());
  }
  const bool seller = state.subject().kind() == v1::SELLER;
  for (const v1::LedgerEntry& e : log) {
    if (e.has_violation()) {
      const v1::ReportViolationRequest& r = e.violation().report();
      if (r.seller_id().empty() || r.creator_id().empty()) continue;
      v1::Subject other;
      other.set_kind(seller ? v1::CREATOR : v1::SELLER);
      other.set_id(seller ? r.creator_id() : r.seller_id());
      v1::CaseLink& link = links[{other.kind(), other.id()}];
      if (!link.has_subject()) {
        *link.mutable_subject() = other;
        link.set_how("seen in reports");
      }
      link.set_shared_reports(link.shared_reports() + 1);
    } else if (e.has_staff_action()) {
      const v1::StaffAction& s = e.staff_action();
      if (s.kind() == v1::STAFF_NOTE) *out->add_notes() = s;
      if (s.kind() == v1::STAFF_SNOOZE && FromProtoTime(s.snoozed_until()) > now)
        *out->add_snoozes() = s;
    }
  }
  for (auto& [key, link] : links) *out->add_links() = std::move(link);
}

}  // namespace

absl::StatusOr<v1::CaseView> CaseViewer::GetCase(const v1::GetCaseRequest& request) {
  RETURN_IF_ERROR(ValidateSubject(request.subject()));
  const v1::Subject& subject = request.subject();
  const absl::Time now = clock_->Now();
  const std::shared_ptr<const Policy> policy = policies_->active();
  ASSIGN_OR_RETURN(std::optional<v1::SubjectState> state, store_->GetSubjectState(subject));
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store_->ReadLog(subject));
  v1::CaseView out;
  *out.mutable_standing() = StandingView(*policies_, subject, state, now);
  out.set_next_milestone(NextMilestone(*policy, out.standing().tier()));
  *out.mutable_active_actions() = out.standing().active_actions();
  *out.mutable_pending_actions() = out.standing().pending_actions();
  const LedgerKind ledger = LedgerOf(subject.kind());
  const std::vector<RecordedViolation> recorded = RecordedViolations(log);
  for (CountProgress& p : CountRuleProgress(*policy, ledger, recorded, now)) {
    v1::CountRuleProgress* c = out.add_count_rules();
    c->set_rule_id(p.rule->id);
    c->set_group(p.group);
    c->set_count(p.count);
    c->set_threshold(p.threshold);
    c->set_window_days(p.window_days);
    if (p.oldest_leaves) *c->mutable_oldest_leaves_window_at() = ToProtoTime(*p.oldest_leaves);
    c->set_summary(std::move(p.summary));
  }
  v1::SubjectState current = state.value_or(v1::SubjectState());
  *current.mutable_subject() = subject;
  const std::shared_ptr<const Policy> decided_under = policies_->Find(current.policy_version());
  std::vector<ViolationRecord> violations = ViolationsOf(log);
  int previews = 0;
  for (auto it = violations.rbegin();
       it != violations.rend() && out.violations_size() < kMaxViolations; ++it) {
    v1::CaseViolation* v = out.add_violations();
    *v->mutable_violation() = it->violation;
    v->set_open_appeal_id(it->open_appeal);
    ViolationFacts facts = FactsOf(it->violation);
    for (const RecordedViolation& rv : recorded) {
      if (rv.facts.violation_id == facts.violation_id) facts = rv.facts;  // with its reduction
    }
    const std::optional<absl::Time> until = PointsCountUntil(*policy, facts);
    const bool counts = (until && *until > now) || CountedByARule(*policy, ledger, facts, now);
    v->set_status(it->voided                 ? v1::VIOLATION_VOIDED
                  : !it->open_appeal.empty() ? v1::VIOLATION_UNDER_APPEAL
                  : counts                   ? v1::VIOLATION_ACTIVE
                                             : v1::VIOLATION_EXPIRED);
    if (it->voided) continue;
    v->set_points(ViolationPoints(*policy, facts));
    if (until) *v->mutable_counts_until() = ToProtoTime(*until);
    for (const v1::Action& a : current.actions()) {
      if (a.violation_id() == facts.violation_id && IsActive(a, now))
        v->add_action_ids(a.action_id());
    }
    if (counts && previews < kMaxPreviews) {
      ++previews;
      Preview(*policy, decided_under.get(), current, recorded, facts.violation_id, now, v);
    }
  }
  *out.mutable_open_appeals() = current.open_appeals();
  AddLinksAndNotes(current, log, now, &out);
  return out;
}

}  // namespace enforcer
