#include "engine/state_rebuilder.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ledger_entries.h"
#include "google/protobuf/util/message_differencer.h"
#include "rules/evaluator.h"
#include "rules/reevaluator.h"

namespace enforcer {
namespace {

std::string Name(const v1::Subject& subject) {
  return absl::StrCat(v1::SubjectKind_Name(subject.kind()), "/", subject.id());
}

// The store as it is, with sequences handed out after its last one: the rebuilder is the only
// writer while it runs.
class DirectView : public LedgerView {
 public:
  explicit DirectView(LedgerStore& store) : store_(store), next_(store.LastSequence() + 1) {}
  absl::StatusOr<std::optional<v1::StoredReport>> GetReport(absl::string_view id) override {
    return store_.GetReport(id);
  }
  absl::StatusOr<v1::SubjectState> GetSubjectState(const v1::Subject& subject) override {
    ASSIGN_OR_RETURN(std::optional<v1::SubjectState> state, store_.GetSubjectState(subject));
    if (state.has_value()) return *state;
    v1::SubjectState empty;
    *empty.mutable_subject() = subject;
    return empty;
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadSubjectLog(const v1::Subject& subject) override {
    return store_.ReadLog(subject);
  }
  absl::StatusOr<std::vector<v1::LedgerEntry>> GetViolationEntries(absl::string_view) override {
    return std::vector<v1::LedgerEntry>{};
  }
  uint64_t NextSequence() override { return next_++; }
  void Reset() { next_ = store_.LastSequence() + 1; }

 private:
  LedgerStore& store_;
  uint64_t next_;
};

bool SameState(const Policy* policy, v1::SubjectState a, v1::SubjectState b, absl::Time now) {
  PruneState(policy, now, &a);
  PruneState(policy, now, &b);
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

bool SameActions(const v1::SubjectState& a, const v1::SubjectState& b) {
  if (a.actions_size() != b.actions_size()) return false;
  for (int i = 0; i < a.actions_size(); ++i) {
    if (a.actions(i).action_id() != b.actions(i).action_id()) return false;
  }
  return true;
}

// Checks one subject and, if needed, re-evaluates it (writing when `write`).
absl::Status RebuildOne(LedgerStore& store, PolicyRegistry& policies, const v1::Subject& subject,
                        absl::Time now, bool write, DirectView& view, RebuildReport& report) {
  const std::string name = Name(subject);
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store.ReadLog(subject));
  ASSIGN_OR_RETURN(std::optional<v1::SubjectState> stored, store.GetSubjectState(subject));
  FoldResult fold = FoldLedger(
      [&](const std::string& version) { return policies.Find(version).get(); }, subject, log, now);
  report.folded_as_recorded += fold.folded_as_recorded;
  for (const std::string& d : fold.disagreements)
    report.disagreements.push_back(absl::StrCat(name, ": ", d));
  const bool repaired =
      !stored.has_value() ||
      !SameState(policies.Find(fold.state.policy_version()).get(), *stored, fold.state, now);
  if (repaired) report.repaired.push_back(name);
  const std::shared_ptr<const Policy> active = policies.active();
  if (!repaired &&
      !NeedsReevaluation(fold.state, *active, policies.Find(fold.state.policy_version()).get())) {
    return absl::OkStatus();
  }

  LedgerWrite w;
  const v1::SubjectState before = fold.state;
  v1::SubjectState after = AppendReevaluation(*active, policies, std::move(fold.state),
                                              fold.violations, now, view, &w.entries);
  v1::Reevaluation& record = *w.entries.front().mutable_reevaluation();
  if (repaired) {
    record.set_reason(absl::StrCat(stored.has_value() ? "the stored state disagreed with the ledger"
                                                      : "the subject had no stored state",
                                   " and was rebuilt from it; ", record.reason()));
  }
  report.reevaluated.push_back(name);
  if (!SameActions(before, after)) report.changed.push_back(name);
  if (!write) return absl::OkStatus();
  w.states.push_back(std::move(after));
  absl::Status committed = store.Commit({w});
  if (!committed.ok()) view.Reset();
  return committed;
}

}  // namespace

absl::StatusOr<RebuildReport> RebuildSubjectStates(LedgerStore& store, PolicyRegistry& policies,
                                                   absl::Time now, bool write) {
  RebuildReport report;
  DirectView view(store);
  RETURN_IF_ERROR(store.ForEachSubject([&](const v1::Subject& subject) -> absl::Status {
    ++report.subjects;
    absl::Status s = RebuildOne(store, policies, subject, now, write, view, report);
    if (s.ok()) return s;
    // Unreadable ledgers are reported and skipped; a store that cannot write stops the run.
    if (s.code() == absl::StatusCode::kDataLoss || s.code() == absl::StatusCode::kInvalidArgument) {
      report.quarantined.push_back(absl::StrCat(Name(subject), ": ", s.message()));
      return absl::OkStatus();
    }
    return s;
  }));
  return report;
}

}  // namespace enforcer
