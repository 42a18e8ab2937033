#include "engine/cases_service.h"

#include "engine/grpc_service.h"

namespace enforcer {

grpc::ServerUnaryReactor* CasesService::RecordRemedy(grpc::CallbackServerContext* context,
                                                     const v1::RecordRemedyRequest* request,
                                                     v1::RecordRemedyResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.remedies->RecordRemedy(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::LinkSubjects(grpc::CallbackServerContext* context,
                                                     const v1::LinkSubjectsRequest* request,
                                                     v1::LinkSubjectsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.remedies->LinkSubjects(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::FileAppeal(grpc::CallbackServerContext* context,
                                                   const v1::FileAppealRequest* request,
                                                   v1::FileAppealResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.appeals->FileAppeal(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::ResolveAppeal(grpc::CallbackServerContext* context,
                                                      const v1::ResolveAppealRequest* request,
                                                      v1::ResolveAppealResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.appeals->ResolveAppeal(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::RetractComplaint(grpc::CallbackServerContext* context,
                                                         const v1::RetractComplaintRequest* request,
                                                         v1::RetractComplaintResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.appeals->RetractComplaint(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::ApplyAction(grpc::CallbackServerContext* context,
                                                    const v1::ApplyActionRequest* request,
                                                    v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->ApplyAction(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::LiftAction(grpc::CallbackServerContext* context,
                                                   const v1::LiftActionRequest* request,
                                                   v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->LiftAction(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::ChangeActionEnd(grpc::CallbackServerContext* context,
                                                        const v1::ChangeActionEndRequest* request,
                                                        v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->ChangeActionEnd(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::ReinstateSubject(grpc::CallbackServerContext* context,
                                                         const v1::ReinstateSubjectRequest* request,
                                                         v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->ReinstateSubject(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::SnoozeRule(grpc::CallbackServerContext* context,
                                                   const v1::SnoozeRuleRequest* request,
                                                   v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->SnoozeRule(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::AddNote(grpc::CallbackServerContext* context,
                                                const v1::AddNoteRequest* request,
                                                v1::StaffActionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  parts_.staff->AddNote(*request, FinishLater(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CasesService::GetCase(grpc::CallbackServerContext* context,
                                                const v1::GetCaseRequest* request,
                                                v1::CaseView* response) {
  return FinishNow(context, parts_.viewer->GetCase(*request), response);
}

grpc::ServerUnaryReactor* CasesService::ListAppeals(grpc::CallbackServerContext* context,
                                                    const v1::ListAppealsRequest* request,
                                                    v1::ListAppealsResponse* response) {
  return FinishNow(context, parts_.appeals->ListAppeals(*request), response);
}

grpc::ServerUnaryReactor* CasesService::GetComplainant(grpc::CallbackServerContext* context,
                                                       const v1::GetComplainantRequest* request,
                                                       v1::ComplainantRecord* response) {
  return FinishNow(context, parts_.complainants->GetComplainant(*request), response);
}

grpc::ServerUnaryReactor* CasesService::ListAudit(grpc::CallbackServerContext* context,
                                                  const v1::ListAuditRequest* request,
                                                  v1::ListAuditResponse* response) {
  return FinishNow(context, parts_.audit->ListAudit(*request), response);
}

}  // namespace enforcer
