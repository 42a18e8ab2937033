#include "engine/cases_service.h"

#include "engine/grpc_service.h"

namespace enforcer {

grpc::ServerUnaryReactor* CasesService::RecordRemedy(grpc::CallbackServerContext* context,
                                                     const v1::RecordRemedyRequest* request,
                                                     v1::RecordRemedyResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/RecordRemedy", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.remedies->RecordRemedy(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::LinkSubjects(grpc::CallbackServerContext* context,
                                                     const v1::LinkSubjectsRequest* request,
                                                     v1::LinkSubjectsResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/LinkSubjects", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.remedies->LinkSubjects(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::FileAppeal(grpc::CallbackServerContext* context,
                                                   const v1::FileAppealRequest* request,
                                                   v1::FileAppealResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/FileAppeal", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.appeals->FileAppeal(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::ResolveAppeal(grpc::CallbackServerContext* context,
                                                      const v1::ResolveAppealRequest* request,
                                                      v1::ResolveAppealResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/ResolveAppeal", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.appeals->ResolveAppeal(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::RetractComplaint(grpc::CallbackServerContext* context,
                                                         const v1::RetractComplaintRequest* request,
                                                         v1::RetractComplaintResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/RetractComplaint", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.appeals->RetractComplaint(WithActor(*request, caller),
                                                        std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::ApplyAction(grpc::CallbackServerContext* context,
                                                    const v1::ApplyActionRequest* request,
                                                    v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/ApplyAction", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->ApplyAction(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::LiftAction(grpc::CallbackServerContext* context,
                                                   const v1::LiftActionRequest* request,
                                                   v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/LiftAction", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->LiftAction(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::ChangeActionEnd(grpc::CallbackServerContext* context,
                                                        const v1::ChangeActionEndRequest* request,
                                                        v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/ChangeActionEnd", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->ChangeActionEnd(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::ReinstateSubject(grpc::CallbackServerContext* context,
                                                         const v1::ReinstateSubjectRequest* request,
                                                         v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/ReinstateSubject", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->ReinstateSubject(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::SnoozeRule(grpc::CallbackServerContext* context,
                                                   const v1::SnoozeRuleRequest* request,
                                                   v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/SnoozeRule", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->SnoozeRule(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::AddNote(grpc::CallbackServerContext* context,
                                                const v1::AddNoteRequest* request,
                                                v1::StaffActionResponse* response) {
  return AnswerLater(*auth_, "enforcer.v1.Cases/AddNote", context, response,
                     [&](const Caller& caller, auto done) {
                       parts_.staff->AddNote(WithActor(*request, caller), std::move(done));
                     });
}

grpc::ServerUnaryReactor* CasesService::GetCase(grpc::CallbackServerContext* context,
                                                const v1::GetCaseRequest* request,
                                                v1::CaseView* response) {
  return AnswerNow(*auth_, "enforcer.v1.Cases/GetCase", context, response,
                   [&](const Caller&) { return parts_.viewer->GetCase(*request); });
}

grpc::ServerUnaryReactor* CasesService::ListAppeals(grpc::CallbackServerContext* context,
                                                    const v1::ListAppealsRequest* request,
                                                    v1::ListAppealsResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.Cases/ListAppeals", context, response,
                   [&](const Caller&) { return parts_.appeals->ListAppeals(*request); });
}

grpc::ServerUnaryReactor* CasesService::GetComplainant(grpc::CallbackServerContext* context,
                                                       const v1::GetComplainantRequest* request,
                                                       v1::ComplainantRecord* response) {
  return AnswerNow(*auth_, "enforcer.v1.Cases/GetComplainant", context, response,
                   [&](const Caller&) { return parts_.complainants->GetComplainant(*request); });
}

grpc::ServerUnaryReactor* CasesService::ListAudit(grpc::CallbackServerContext* context,
                                                  const v1::ListAuditRequest* request,
                                                  v1::ListAuditResponse* response) {
  return AnswerNow(*auth_, "enforcer.v1.Cases/ListAudit", context, response,
                   [&](const Caller&) { return parts_.audit->ListAudit(*request); });
}

}  // namespace enforcer
