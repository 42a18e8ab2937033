#include "engine/enforcer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/report_validator.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamp.h"
#include "rules/evaluator.h"

namespace enforcer {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

v1::Subject MakeSubject(v1::SubjectKind kind, const std::string& id) {
  v1::Subject s;
  s.set_kind(kind);
  s.set_id(id);
  return s;
}

v1::LedgerEntry NewEntry(LedgerView& view, const v1::Subject& subject, absl::Time now) {
  v1::LedgerEntry e;
  e.set_sequence(view.NextSequence());
  *e.mutable_recorded_at() = ToProtoTime(now);
  *e.mutable_subject() = subject;
  return e;
}

}  // namespace

Enforcer::Enforcer(LedgerStore* store, LedgerWriter* writer, Clock* clock,
                   std::shared_ptr<const Policy> policy)
    : store_(store), writer_(writer), clock_(clock), policy_(std::move(policy)) {}

std::shared_ptr<const Policy> Enforcer::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

void Enforcer::SetPolicy(std::shared_ptr<const Policy> policy) {
  absl::MutexLock lock(&mu_);
  policy_ = std::move(policy);
}

void Enforcer::ReportViolation(const v1::ReportViolationRequest& request, ReportCallback done) {
  const absl::Time received_at = clock_->Now();
  std::shared_ptr<const Policy> policy = this->policy();
  absl::Status valid = ValidateReportFields(request, received_at);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  // Shared by the two writer-thread callbacks: Apply fills it, done sends it.
  auto response = std::make_shared<v1::ReportViolationResponse>();
  auto sent = std::make_shared<v1::ReportViolationRequest>(request);
  auto callback = std::make_shared<ReportCallback>(std::move(done));
  absl::Status queued = writer_->Submit(
      [this, policy, sent, received_at, response](LedgerView& view) {
        return Apply(*policy, *sent, received_at, view, response.get());
      },
      [response, callback](absl::Status status) {
        if (status.ok()) {
          (*callback)(std::move(*response));
        } else {
          (*callback)(status);
        }
      });
  if (!queued.ok()) (*callback)(queued);
}

absl::StatusOr<LedgerWrite> Enforcer::Apply(const Policy& policy,
                                            const v1::ReportViolationRequest& sent,
                                            absl::Time received_at, LedgerView& view,
                                            v1::ReportViolationResponse* response) {
  ASSIGN_OR_RETURN(std::optional<v1::StoredReport> earlier, view.GetReport(sent.report_id()));
  if (earlier.has_value()) {
    if (!google::protobuf::util::MessageDifferencer::Equals(earlier->request(), sent)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "report_id: '", sent.report_id(), "' was already used for a different report (recorded as ",
          earlier->response().violation().violation_id(), "); use a new report_id"));
    }
    *response = earlier->response();
    response->set_duplicate(true);
    return LedgerWrite{};
  }
  RETURN_IF_ERROR(CheckReportAgainstPolicy(sent, policy));

  const absl::Time now = clock_->Now();
  const CategoryPolicy& category = *policy.FindCategory(sent.category());
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
  v1::Violation& violation = *response->mutable_violation();
  for (size_t i = 0; i < subjects.size(); ++i) {
    ASSIGN_OR_RETURN(v1::SubjectState state, view.GetSubjectState(subjects[i]));
    v1::LedgerEntry violation_entry = NewEntry(view, subjects[i], now);
    if (i == 0) {
      violation.set_violation_id(absl::StrCat("v", violation_entry.sequence()));
      *violation.mutable_report() = recorded;
      *violation.mutable_recorded_at() = ToProtoTime(now);
      violation.set_policy_version(policy.version());
    }
    *violation_entry.mutable_violation() = violation;

    ViolationFacts facts;
    facts.violation_id = violation.violation_id();
    facts.category = recorded.category();
    facts.severity = recorded.severity();
    facts.source = recorded.source();
    facts.region = recorded.region();
    facts.rights_holder_id = recorded.rights_holder_id();
    facts.object_id = recorded.object_id();
    facts.occurred_at = FromProtoTime(recorded.occurred_at());
    facts.emit_object_actions = i == 0;
    Evaluation evaluation = EvaluateViolation(policy, std::move(state), facts, now);

    write.entries.push_back(std::move(violation_entry));
    v1::LedgerEntry decision_entry = NewEntry(view, subjects[i], now);
    *decision_entry.mutable_decision() = evaluation.decision;
    write.entries.push_back(std::move(decision_entry));
    for (const v1::Action& action : evaluation.decision.actions()) {
      v1::LedgerEntry action_entry = NewEntry(view, subjects[i], now);
      *action_entry.mutable_action() = action;
      write.entries.push_back(std::move(action_entry));
    }
    write.states.push_back(std::move(evaluation.state));
    *response->add_decisions() = std::move(evaluation.decision);
  }
  write.report.emplace();
  *write.report->mutable_request() = sent;
  *write.report->mutable_response() = *response;
  return write;
}

absl::StatusOr<v1::GetStandingResponse> Enforcer::GetStanding(
    const v1::GetStandingRequest& request) {
  RETURN_IF_ERROR(ValidateSubject(request.subject()));
  ASSIGN_OR_RETURN(std::optional<v1::SubjectState> state,
                   store_->GetSubjectState(request.subject()));
  const absl::Time now = clock_->Now();
  v1::GetStandingResponse out;
  *out.mutable_subject() = request.subject();
  out.set_policy_version(policy()->version());
  *out.mutable_as_of() = ToProtoTime(now);
  if (!state.has_value()) {
    out.set_standing(v1::GOOD_STANDING);
    return out;
  }
  StandingSummary summary = SummarizeStanding(*state, now);
  out.set_standing(summary.standing);
  out.set_active_points(summary.active_points);
  for (v1::Action& a : summary.active_actions) *out.add_active_actions() = std::move(a);
  for (v1::CategoryCount& c : summary.category_counts) *out.add_category_counts() = std::move(c);
  out.set_lifetime_violations(state->lifetime_violations());
  return out;
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
  query.page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  query.page_token = request.page_token();
  ASSIGN_OR_RETURN(HistoryPage page, store_->ListHistory(query));
  v1::ListHistoryResponse out;
  for (v1::LedgerEntry& e : page.entries) *out.add_entries() = std::move(e);
  out.set_next_page_token(page.next_page_token);
  return out;
}

}  // namespace enforcer
