// ComplainantRecords: what became of a rights holder's complaints (enforcer.v1.Cases.
// GetComplainant), and whether the policy's `complainants` terms mark it trusted or suspended.
#ifndef ENFORCERD_ENGINE_COMPLAINANT_RECORDS_H_
#define ENFORCERD_ENGINE_COMPLAINANT_RECORDS_H_

#include "absl/status/statusor.h"
#include "engine/clock.h"
#include "engine/policy_registry.h"
#include "proto/cases.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class ComplainantRecords {
 public:
  // All pointers must outlive it.
  ComplainantRecords(LedgerStore* store, Clock* clock, PolicyRegistry* policies)
      : store_(store), clock_(clock), policies_(policies) {}

  // INVALID_ARGUMENT for a malformed id; an id with no complaints gets an empty record.
  absl::StatusOr<v1::ComplainantRecord> GetComplainant(const v1::GetComplainantRequest& request);

 private:
  LedgerStore* const store_;
  Clock* const clock_;
  PolicyRegistry* const policies_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_COMPLAINANT_RECORDS_H_
