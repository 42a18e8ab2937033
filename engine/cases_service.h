// The gRPC face of enforcer.v1.Cases: converts and delegates to one part per topic (remedies and
// links, appeals, staff actions, the case view, complainants, the audit). No logic here.
#ifndef ENFORCERD_ENGINE_CASES_SERVICE_H_
#define ENFORCERD_ENGINE_CASES_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/appeal_pipeline.h"
#include "engine/audit_reader.h"
#include "engine/authenticator.h"
#include "engine/case_pipeline.h"
#include "engine/case_viewer.h"
#include "engine/complainant_records.h"
#include "engine/staff_pipeline.h"
#include "proto/cases.grpc.pb.h"

namespace enforcer {

// The parts behind the service; all must outlive it.
struct CasesParts {
  CasePipeline* remedies;
  AppealPipeline* appeals;
  StaffPipeline* staff;
  CaseViewer* viewer;
  ComplainantRecords* complainants;
  AuditReader* audit;
};

class CasesService final : public v1::Cases::CallbackService {
 public:
  // `auth` must outlive the service.
  CasesService(CasesParts parts, const Authenticator* auth) : parts_(parts), auth_(auth) {}

  grpc::ServerUnaryReactor* RecordRemedy(grpc::CallbackServerContext* context,
                                         const v1::RecordRemedyRequest* request,
                                         v1::RecordRemedyResponse* response) override;
  grpc::ServerUnaryReactor* LinkSubjects(grpc::CallbackServerContext* context,
                                         const v1::LinkSubjectsRequest* request,
                                         v1::LinkSubjectsResponse* response) override;
  grpc::ServerUnaryReactor* FileAppeal(grpc::CallbackServerContext* context,
                                       const v1::FileAppealRequest* request,
                                       v1::FileAppealResponse* response) override;
  grpc::ServerUnaryReactor* ResolveAppeal(grpc::CallbackServerContext* context,
                                          const v1::ResolveAppealRequest* request,
                                          v1::ResolveAppealResponse* response) override;
  grpc::ServerUnaryReactor* RetractComplaint(grpc::CallbackServerContext* context,
                                             const v1::RetractComplaintRequest* request,
                                             v1::RetractComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ApplyAction(grpc::CallbackServerContext* context,
                                        const v1::ApplyActionRequest* request,
                                        v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* LiftAction(grpc::CallbackServerContext* context,
                                       const v1::LiftActionRequest* request,
                                       v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* ChangeActionEnd(grpc::CallbackServerContext* context,
                                            const v1::ChangeActionEndRequest* request,
                                            v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* ReinstateSubject(grpc::CallbackServerContext* context,
                                             const v1::ReinstateSubjectRequest* request,
                                             v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* SnoozeRule(grpc::CallbackServerContext* context,
                                       const v1::SnoozeRuleRequest* request,
                                       v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* context,
                                    const v1::AddNoteRequest* request,
                                    v1::StaffActionResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::CaseView* response) override;
  grpc::ServerUnaryReactor* ListAppeals(grpc::CallbackServerContext* context,
                                        const v1::ListAppealsRequest* request,
                                        v1::ListAppealsResponse* response) override;
  grpc::ServerUnaryReactor* GetComplainant(grpc::CallbackServerContext* context,
                                           const v1::GetComplainantRequest* request,
                                           v1::ComplainantRecord* response) override;
  grpc::ServerUnaryReactor* ListAudit(grpc::CallbackServerContext* context,
                                      const v1::ListAuditRequest* request,
                                      v1::ListAuditResponse* response) override;

 private:
  const CasesParts parts_;
  const Authenticator* const auth_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_CASES_SERVICE_H_
