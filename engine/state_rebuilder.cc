#include "engine/state_rebuilder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

// What a state says about the subject at `now`, in a form that compares exactly. Buckets and
// actions that no longer matter at `now` are left out, so a state pruned at its last report and
// one pruned at `now` compare equal.
std::string Observable(const Policy& policy, const v1::SubjectState& state, absl::Time now) {
  StandingSummary s = SummarizeStanding(state, now);
  v1::GetStandingResponse view;
  view.set_standing(s.standing);
  view.set_active_points(s.active_points);
  for (v1::Action& a : s.active_actions) *view.add_active_actions() = std::move(a);
  for (v1::CategoryCount& c : s.category_counts) *view.add_category_counts() = std::move(c);
  view.set_lifetime_violations(state.lifetime_violations());
  std::string out = view.SerializeAsString();
  // Count rules read buckets beyond the points windows: compare every bucket still retained.
  const int64_t oldest_day = UnixDay(now) - policy.RetentionDays();
  for (const v1::WindowBucket& b : state.buckets()) {
    if (b.day() >= oldest_day) absl::StrAppend(&out, b.SerializeAsString());
  }
  return out;
}

}  // namespace

absl::StatusOr<RebuildReport> RebuildSubjectStates(LedgerStore& store, const Policy& policy,
                                                   absl::Time now, bool repair) {
  RebuildReport report;
  RETURN_IF_ERROR(store.ForEachSubject([&](const v1::Subject& subject) -> absl::Status {
    ++report.subjects;
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store.ReadLog(subject));
    ASSIGN_OR_RETURN(std::optional<v1::SubjectState> stored, store.GetSubjectState(subject));
    v1::SubjectState rebuilt = RebuildSubjectState(policy, subject, log, now);
    if (stored.has_value() && Observable(policy, rebuilt, now) == Observable(policy, *stored, now)) {
      return absl::OkStatus();
    }
    report.differing.push_back(absl::StrCat(v1::SubjectKind_Name(subject.kind()), "/", subject.id()));
    if (!repair) return absl::OkStatus();
    LedgerWrite write;
    write.states.push_back(std::move(rebuilt));
    RETURN_IF_ERROR(store.Commit({write}));
    ++report.repaired;
    return absl::OkStatus();
  }));
  return report;
}

}  // namespace enforcer
