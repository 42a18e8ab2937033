#include "engine/enforcer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/status_macros.h"
#include "engine/complainant_records.h"
#include "engine/history_filter.h"
#include "engine/idempotency.h"
#include "engine/ledger_entries.h"
#include "engine/propagation.h"
#include "engine/report_validator.h"
#include "engine/standing_view.h"
#include "proto/fingerprint.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"
#include "rules/scoring.h"

namespace enforcer {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// A history page's entries stay under this many bytes (serialized), well inside gRPC clients'
// default 4 MiB message limit however large the entries (evidence is up to 16 KiB a report).
constexpr size_t kMaxPageBytes = size_t{1} << 20;
// Entries a filtered ListHistory reads at most per call.
constexpr int kMaxFilteredScan = 10000;

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject s;
  s.set_kind(kind);
  s.set_id(id);
  return s;
}

ViolationFacts FactsFor(const v1::Violation& violation, bool first) {
  ViolationFacts facts = FactsOf(violation);
  facts.emit_object_actions = first;
  return facts;
}

}  // namespace

Enforcer::Enforcer(LedgerStore* store, LedgerWriter* writer, Clock* clock, PolicyRegistry* policies)
    : store_(store), writer_(writer), clock_(clock), policies_(policies) {}

absl::Time Enforcer::Now() {
  // Whole microseconds, as the ledger stores times: a replay at a recorded time then decides
  // exactly what was decided.
  return FromProtoTime(ToProtoTime(clock_->Now()));
}

void Enforcer::ReportViolation(const v1::ReportViolationRequest& request,
                               const std::string& reporter, ReportCallback done) {
  const absl::Time received_at = Now();
  absl::Status valid = ValidateReportFields(request, received_at);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  // Shared by the two writer-thread callbacks: Apply fills it, done sends it.
  auto response = std::make_shared<v1::ReportViolationResponse>();
  auto sent = std::make_shared<v1::ReportViolationRequest>(request);
  // Fields this build does not know are never stored nor echoed (nor part of the fingerprint).
  sent->DiscardUnknownFields();
  auto callback = std::make_shared<ReportCallback>(std::move(done));
  absl::Status queued = writer_->Submit(
      [this, sent, reporter, received_at, response](LedgerView& view) {
        return Apply(*sent, reporter, received_at, view, response.get());
      },
      [this, response, callback](absl::Status status) {
        if (status.ok()) {
          (*callback)(std::move(*response));
        } else {
          if (shadow_ != nullptr) shadow_->Forget();  // it ran ahead of what was committed
          (*callback)(status);
        }
      });
  if (!queued.ok()) (*callback)(queued);
}

absl::StatusOr<LedgerWrite> Enforcer::Resend(const v1::ReportViolationRequest& sent,
                                             const v1::StoredReport& earlier, LedgerView& view,
                                             v1::ReportViolationResponse* response) {
  if (earlier.request_sha256() != RequestFingerprint(sent)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "report_id: '", sent.report_id(), "' was already used for a different report (recorded as ",
        earlier.violation_id(), "); use a new report_id"));
  }
  ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> entries,
                   view.GetViolationEntries(earlier.violation_id()));
  ASSIGN_OR_RETURN(*response, ResponseFromLedger(entries, earlier.violation_id()));
  response->set_duplicate(true);
  // What has happened to its actions since: read the rest of each subject's ledger (resends are
  // rare; the cost is one scan of the subject's ledger).
  for (const v1::Decision& d : response->decisions()) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(d.subject()));
    for (const v1::LedgerEntry& e : log) {
      if (e.has_lift() && e.lift().action().violation_id() == earlier.violation_id()) {
        *response->add_lifted_since() = e.lift();
      }
    }
  }
  return LedgerWrite{};
}

absl::StatusOr<LedgerWrite> Enforcer::Apply(const v1::ReportViolationRequest& sent,
                                            const std::string& reporter, absl::Time received_at,
                                            LedgerView& view,
                                            v1::ReportViolationResponse* response) {
  const std::string report_key = ReporterScopedReportId(reporter, sent.report_id());
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier, view.GetReport(report_key));
  if (earlier.has_value()) return Resend(sent, *earlier, view, response);
  // The policy in force when the writer reaches this report, not when it was queued.
  const std::shared_ptr<const Policy> policy = policies_->active();
  RETURN_IF_ERROR(CheckReportAgainstPolicy(sent, *policy));

  const absl::Time now = Now();
  // A notifier the policy suspends: its report is refused, or recorded without points.
  bool without_points = false;
  RETURN_IF_ERROR(
      CheckComplainant(*store_, *policy, sent.rights_holder_id(), now, &without_points));
  const CategoryPolicy& category = *policy->FindCategory(sent.category());
  v1::ReportViolationRequest recorded = sent;
  if (!recorded.has_occurred_at()) *recorded.mutable_occurred_at() = ToProtoTime(received_at);
  if (recorded.severity() == v1::SEVERITY_UNSPECIFIED && category.points_by_severity) {
    recorded.set_severity(category.default_severity);
  }
  std::vector<v1::Subject> subjects;
  if (!sent.seller_id().empty() && category.counts_for_seller) {
    subjects.push_back(MakeSubject(v1::SELLER, sent.seller_id()));
  }
  if (!sent.creator_id().empty() && category.counts_for_creator) {
    subjects.push_back(MakeSubject(v1::CREATOR, sent.creator_id()));
  }
  LedgerWrite write;
  if (!reporter.empty()) response->mutable_violation()->set_reported_by(reporter);
  for (size_t i = 0; i < subjects.size(); ++i) {
    RETURN_IF_ERROR(DecideFor(*policy, subjects[i], i == 0, without_points, recorded, now, view,
                              &write, response));
  }
  // Actions that reach linked subjects, once every subject of the report is decided.
  // That includes what a re-evaluation before the decision issued (a newer policy in force).
  for (int i = 0; i < response->decisions_size(); ++i) {
    const v1::Decision& d = response->decisions(i);
    const v1::SubjectState source = write.states[i];  // DecideFor stores one state per decision
    std::vector<std::pair<v1::Action, std::string>> issued;  // (action, cause)
    for (const v1::LedgerEntry& e : write.entries) {
      if (!e.has_reevaluation() || e.subject().kind() != d.subject().kind() ||
          e.subject().id() != d.subject().id()) {
        continue;
      }
      for (const v1::Action& a : e.reevaluation().actions_issued()) {
        issued.push_back({a, absl::StrCat("r", e.sequence())});
      }
    }
    for (const v1::Action& a : d.actions()) issued.push_back({a, d.violation_id()});
    for (const auto& [action, cause] : issued) {
      RETURN_IF_ERROR(
          PropagateToLinked(*policy, *policies_, source, action, cause, now, view, &write));
    }
  }
  write.report.emplace();
  write.report->report_id = report_key;
  write.report->record.set_request_sha256(RequestFingerprint(sent));
  write.report->record.set_violation_id(response->violation().violation_id());
  return write;
}

absl::Status Enforcer::DecideFor(const Policy& policy, const v1::Subject& subject, bool first,
                                 bool without_points, const v1::ReportViolationRequest& recorded,
                                 absl::Time now, LedgerView& view, LedgerWrite* write,
                                 v1::ReportViolationResponse* response) {
  ASSIGN_OR_RETURN(v1::SubjectState state, view.GetSubjectState(subject));
  // The common case, decided under the policy in force, needs no registry lookup.
  if (state.policy_version() != policy.version() &&
      NeedsReevaluation(state, policy, policies_->Find(state.policy_version()).get())) {
    // The policy changed since this subject's last decision: first bring it to where the new
    // policy would have it, then decide the new violation.
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, view.ReadSubjectLog(subject));
    state = AppendReevaluation(policy, *policies_, std::move(state), RecordedViolations(log), now,
                               view, &write->entries);
  }
  v1::LedgerEntry violation_entry = NewEntry(view, subject, now);
  v1::Violation& violation = *response->mutable_violation();
  if (first) {
    violation.set_violation_id(absl::StrCat("v", violation_entry.sequence()));
    *violation.mutable_report() = recorded;
    *violation.mutable_recorded_at() = ToProtoTime(now);
    violation.set_policy_version(policy.version());
    // Recorded in the ledger, so that every replay scores it the same.
    if (without_points) violation.set_points_override(0);
  }
  *violation_entry.mutable_violation() = violation;
  write->entries.push_back(std::move(violation_entry));

  ViolationFacts facts = FactsFor(violation, first);
  if (without_points) facts.points_override = 0;
  Evaluation evaluation = EvaluateViolation(policy, std::move(state), facts, now);
  v1::LedgerEntry decision_entry = NewEntry(view, subject, now);
  *decision_entry.mutable_decision() = evaluation.decision;
  if (shadow_ != nullptr) {
    RETURN_IF_ERROR(shadow_->Evaluate(subject, facts, now, evaluation.decision,
                                      decision_entry.sequence(), evaluation.state.remedies(), view,
                                      write));
  }
  write->entries.push_back(std::move(decision_entry));
  for (const v1::Action& action : evaluation.decision.actions()) {
    v1::LedgerEntry action_entry = NewEntry(view, subject, now);
    *action_entry.mutable_action() = action;
    write->entries.push_back(std::move(action_entry));
  }
  write->states.push_back(std::move(evaluation.state));
  *response->add_decisions() = std::move(evaluation.decision);
  return absl::OkStatus();
}

void Enforcer::ActivatePolicy(std::shared_ptr<const Policy> policy, ActivationInfo info,
                              std::function<void(absl::Status)> done) {
  ActivatePolicyRecorded(
      std::move(policy), std::move(info),
      [done = std::move(done)](absl::StatusOr<std::optional<v1::PolicyActivation>> recorded) {
        done(recorded.status());
      });
}

void Enforcer::ActivatePolicyRecorded(std::shared_ptr<const Policy> policy, ActivationInfo info,
                                      ActivationCallback done) {
  auto callback = std::make_shared<ActivationCallback>(std::move(done));
  auto recorded = std::make_shared<std::optional<v1::PolicyActivation>>();
  absl::Status queued = writer_->Submit(
      [this, policy, info, recorded](LedgerView&) -> absl::StatusOr<LedgerWrite> {
        ASSIGN_OR_RETURN(std::optional<LedgerWrite> write,
                         policies_->ActivationWrite(*policy, info, Now()));
        policies_->SetActive(policy);
        if (!write.has_value()) return LedgerWrite{};  // already the last activation
        *recorded = write->activation;
        return *std::move(write);
      },
      [this, policy, callback, recorded](absl::Status status) {
        // If the group did not commit, the reports decided under the new policy were not
        // recorded either: the last committed policy is in force again.
        if (status.ok()) {
          policies_->ActivationCommitted(policy);
          (*callback)(*recorded);
        } else {
          policies_->ActivationFailed();
          (*callback)(status);
        }
      });
  if (!queued.ok()) (*callback)(queued);
}

absl::Status Enforcer::ActivatePolicyAndWait(std::shared_ptr<const Policy> policy,
                                             ActivationInfo info) {
  absl::Notification done;
  absl::Status result;
  ActivatePolicy(std::move(policy), std::move(info), [&](absl::Status status) {
    result = status;
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

absl::StatusOr<v1::GetStandingResponse> Enforcer::GetStanding(
    const v1::GetStandingRequest& request) {
  RETURN_IF_ERROR(ValidateSubject(request.subject()));
  ASSIGN_OR_RETURN(std::optional<v1::SubjectState> state,
                   store_->GetSubjectState(request.subject()));
  return StandingView(*policies_, request.subject(), state, Now());
}

absl::StatusOr<v1::ListHistoryResponse> Enforcer::ListHistory(
    const v1::ListHistoryRequest& request) {
  RETURN_IF_ERROR(ValidateSubject(request.subject()));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is outside 0..", kMaxPageSize));
  }
  HistoryQuery query;
  query.subject = request.subject();
  if (request.has_start_time()) {
    RETURN_IF_ERROR(ValidateTimestamp("start_time", request.start_time()));
    query.start = FromProtoTime(request.start_time());
  }
  if (request.has_end_time()) {
    RETURN_IF_ERROR(ValidateTimestamp("end_time", request.end_time()));
    query.end = FromProtoTime(request.end_time());
  }
  if (query.start > query.end) {
    return absl::InvalidArgumentError("start_time: is after end_time");
  }
  ASSIGN_OR_RETURN(HistoryFilter filter, HistoryFilter::FromRequest(request));
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  query.page_token = request.page_token();
  if (filter.needs_violations()) {
    ASSIGN_OR_RETURN(std::vector<v1::LedgerEntry> log, store_->ReadLog(request.subject()));
    filter.Prepare(log, *policies_->active(), Now());
  }
  // Reads store pages no larger than what is still wanted, so every match of a page read fits and
  // the store's token continues right after it; a sparse filter stops after a bounded scan and
  // returns a token to go on from.
  v1::ListHistoryResponse out;
  int scanned = 0;
  size_t bytes = 0;
  while (true) {
    query.page_size = page_size - out.entries_size();
    query.max_bytes = kMaxPageBytes - std::min(bytes, kMaxPageBytes - 1);
    ASSIGN_OR_RETURN(HistoryPage page, store_->ListHistory(query));
    scanned += page.entries.size();
    // Fewer entries than asked for, and more to come: the page is full by size.
    const bool full_by_size =
        page.entries.size() < static_cast<size_t>(query.page_size) && !page.next_page_token.empty();
    for (v1::LedgerEntry& e : page.entries) {
      if (!filter.Matches(e)) continue;
      bytes += e.ByteSizeLong();
      *out.add_entries() = std::move(e);
    }
    out.set_next_page_token(page.next_page_token);
    if (page.next_page_token.empty() || out.entries_size() >= page_size ||
        scanned >= kMaxFilteredScan || full_by_size) {
      return out;
    }
    query.page_token = page.next_page_token;
  }
}

}  // namespace enforcer
