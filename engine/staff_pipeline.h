// StaffPipeline: what appeals and account staff do by hand to one subject (enforcer.v1.Cases
// ApplyAction, LiftAction, ChangeActionEnd, ReinstateSubject, SnoozeRule, AddNote). Each is a
// StaffAction ledger entry with its actor and reason, committed by the writer thread with the
// state it changes, and idempotent on request_id.
#ifndef ENFORCERD_ENGINE_STAFF_PIPELINE_H_
#define ENFORCERD_ENGINE_STAFF_PIPELINE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/ledger_writer.h"
#include "engine/policy_registry.h"
#include "engine/staff_builders.h"
#include "proto/cases.pb.h"
#include "rules/policy.h"

namespace enforcer {

class StaffPipeline {
 public:
  template <typename T>
  using Callback = std::function<void(absl::StatusOr<T>)>;

  // All pointers must outlive the pipeline.
  StaffPipeline(LedgerWriter* writer, Clock* clock, PolicyRegistry* policies)
      : writer_(writer), clock_(clock), policies_(policies) {}

  // Each: `done` runs exactly once. INVALID_ARGUMENT (fields: missing reason or actor, oversized
  // text, an unknown feature or rule), NOT_FOUND (no such action in force for the subject),
  // FAILED_PRECONDITION (e.g. nothing permanent to reinstate), ALREADY_EXISTS (request_id reused
  // for a different request), RESOURCE_EXHAUSTED / UNAVAILABLE as for reports.
  void ApplyAction(const v1::ApplyActionRequest& request, Callback<v1::StaffActionResponse> done);
  void LiftAction(const v1::LiftActionRequest& request, Callback<v1::StaffActionResponse> done);
  void ChangeActionEnd(const v1::ChangeActionEndRequest& request,
                       Callback<v1::StaffActionResponse> done);
  void ReinstateSubject(const v1::ReinstateSubjectRequest& request,
                        Callback<v1::StaffActionResponse> done);
  void SnoozeRule(const v1::SnoozeRuleRequest& request, Callback<v1::StaffActionResponse> done);
  void AddNote(const v1::AddNoteRequest& request, Callback<v1::StaffActionResponse> done);

 private:
  using Builder = StaffBuilder;
  // Validates the common fields, then records the staff action on the writer thread.
  void Record(const google::protobuf::Message& request, const std::string& request_id,
              const v1::Subject& subject, const std::string& actor, const std::string& reason,
              bool reason_required, v1::StaffActionKind kind, Builder build,
              Callback<v1::StaffActionResponse> done);
  absl::StatusOr<LedgerWrite> Apply(const google::protobuf::Message& request,
                                    const std::string& request_id, const v1::Subject& subject,
                                    const std::string& actor, const std::string& reason,
                                    v1::StaffActionKind kind, const Builder& build,
                                    LedgerView& view, v1::StaffActionResponse* response);
  absl::Time Now();

  LedgerWriter* const writer_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_STAFF_PIPELINE_H_
