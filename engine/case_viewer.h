// CaseViewer: one subject's case on one screen (enforcer.v1.Cases.GetCase), read from the
// committed state and ledger: standing and the next milestone, each violation with its points,
// when it stops counting and what overturning it would change, count-rule progress, actions,
// open appeals, links and notes.
#ifndef ENFORCERD_ENGINE_CASE_VIEWER_H_
#define ENFORCERD_ENGINE_CASE_VIEWER_H_

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/policy_registry.h"
#include "proto/cases.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class CaseViewer {
 public:
  // All pointers must outlive the viewer.
  CaseViewer(LedgerStore* store, Clock* clock, PolicyRegistry* policies)
      : store_(store), clock_(clock), policies_(policies) {}

  // INVALID_ARGUMENT for a malformed subject; a subject with no ledger gets an empty case in
  // good standing.
  absl::StatusOr<v1::CaseView> GetCase(const v1::GetCaseRequest& request);

 private:
  LedgerStore* const store_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_CASE_VIEWER_H_
