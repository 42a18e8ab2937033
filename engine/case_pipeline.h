// CasePipeline: the writes appeals and account staff make about one subject beyond reports —
// remedies and links (enforcer.v1.Cases). Like the report pipeline: fields are validated on the
// caller's thread; the job runs on the writer thread (brings the subject under the policy in
// force, applies the event, propagates to linked subjects) and is answered once durable.
#ifndef ENFORCERD_ENGINE_CASE_PIPELINE_H_
#define ENFORCERD_ENGINE_CASE_PIPELINE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "proto/cases.pb.h"

namespace enforcer {

class CasePipeline {
 public:
  template <typename T>
  using Callback = std::function<void(absl::StatusOr<T>)>;

  // All pointers must outlive the pipeline.
  CasePipeline(LedgerWriter* writer, Clock* clock, PolicyRegistry* policies)
      : writer_(writer), clock_(clock), policies_(policies) {}

  // `done` runs exactly once. Errors: INVALID_ARGUMENT (fields; a remedy the policy in force does
  // not define; violation_id missing for a remedy that needs it), NOT_FOUND (the violation is not
  // in the subject's ledger), FAILED_PRECONDITION (once_every), ALREADY_EXISTS (request_id reused
  // for a different request), RESOURCE_EXHAUSTED / UNAVAILABLE as for reports.
  void RecordRemedy(const v1::RecordRemedyRequest& request,
                    Callback<v1::RecordRemedyResponse> done);

  // As RecordRemedy; INVALID_ARGUMENT also when a and b are the same subject.
  void LinkSubjects(const v1::LinkSubjectsRequest& request,
                    Callback<v1::LinkSubjectsResponse> done);

 private:
  absl::StatusOr<LedgerWrite> ApplyRemedy(const v1::RecordRemedyRequest& request, LedgerView& view,
                                          v1::RecordRemedyResponse* response);
  absl::StatusOr<LedgerWrite> ApplyLink(const v1::LinkSubjectsRequest& request, LedgerView& view,
                                        v1::LinkSubjectsResponse* response);
  template <typename Request, typename Response>
  void Submit(const Request& request, Callback<Response> done,
              absl::StatusOr<LedgerWrite> (CasePipeline::*apply)(const Request&, LedgerView&,
                                                                 Response*));
  absl::Time Now();

  LedgerWriter* const writer_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_CASE_PIPELINE_H_
