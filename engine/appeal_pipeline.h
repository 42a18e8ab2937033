// AppealPipeline: appeals against violations and rights holders' retractions
// (enforcer.v1.Cases FileAppeal, ResolveAppeal, ListAppeals, RetractComplaint).
//
// Writes run on the writer thread like reports: the subject is brought under the policy in
// force, the appeal terms are checked against its ledger, and overturning (or reducing, or a
// retraction) voids the violation in every ledger it counts against through VoidViolation, which
// recomputes each subject's standing in the same batch. Answered once durable.
#ifndef ENFORCERD_ENGINE_APPEAL_PIPELINE_H_
#define ENFORCERD_ENGINE_APPEAL_PIPELINE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "proto/cases.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class AppealPipeline {
 public:
  template <typename T>
  using Callback = std::function<void(absl::StatusOr<T>)>;

  // All pointers must outlive the pipeline.
  AppealPipeline(LedgerStore* store, LedgerWriter* writer, Clock* clock, PolicyRegistry* policies)
      : store_(store), writer_(writer), clock_(clock), policies_(policies) {}

  // `done` runs exactly once. INVALID_ARGUMENT (fields), NOT_FOUND (the violation is not in the
  // subject's ledger), FAILED_PRECONDITION (outside the policy's appeal terms, naming the term and
  // until when; another appeal of the violation open; the violation already voided),
  // ALREADY_EXISTS (request_id reused for a different request).
  void FileAppeal(const v1::FileAppealRequest& request, Callback<v1::FileAppealResponse> done);

  // INVALID_ARGUMENT (fields; REDUCED points not below what the violation counts now),
  // NOT_FOUND (no such appeal in the subject's ledger), FAILED_PRECONDITION (already resolved).
  void ResolveAppeal(const v1::ResolveAppealRequest& request,
                     Callback<v1::ResolveAppealResponse> done);

  // NOT_FOUND when nothing matches; FAILED_PRECONDITION when everything it names is voided.
  void RetractComplaint(const v1::RetractComplaintRequest& request,
                        Callback<v1::RetractComplaintResponse> done);

  // Reads the committed ledgers (not the writer's queue).
  absl::StatusOr<v1::ListAppealsResponse> ListAppeals(const v1::ListAppealsRequest& request);

 private:
  absl::StatusOr<LedgerWrite> ApplyFile(const v1::FileAppealRequest& request, LedgerView& view,
                                        v1::FileAppealResponse* response);
  absl::StatusOr<LedgerWrite> ApplyResolve(const v1::ResolveAppealRequest& request,
                                           LedgerView& view, v1::ResolveAppealResponse* response);
  absl::StatusOr<LedgerWrite> ApplyRetract(const v1::RetractComplaintRequest& request,
                                           LedgerView& view,
                                           v1::RetractComplaintResponse* response);
  // The violations a retraction names (committed complaints only for rights holder + object).
  absl::StatusOr<std::vector<std::string>> RetractedViolations(
      const v1::RetractComplaintRequest& request, LedgerView& view);
  template <typename Request, typename Response>
  void Submit(const Request& request, Callback<Response> done,
              absl::StatusOr<LedgerWrite> (AppealPipeline::*apply)(const Request&, LedgerView&,
                                                                   Response*));
  absl::Time Now();

  LedgerStore* const store_;
  LedgerWriter* const writer_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_APPEAL_PIPELINE_H_
