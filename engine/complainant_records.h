// ComplainantRecords: what became of a rights holder's complaints (enforcer.v1.Cases.
// GetComplainant), and whether the policy's `complainants` terms mark it trusted or suspended.
// The tallies come from the store's complaint days (written with the violations and voids);
// the judgement is made when asked, under the policy in force, so a policy change applies at once.
#ifndef ENFORCERD_ENGINE_COMPLAINANT_RECORDS_H_
#define ENFORCERD_ENGINE_COMPLAINANT_RECORDS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/clock.h"
#include "engine/policy_registry.h"
#include "proto/cases.pb.h"
#include "proto/ledger.pb.h"
#include "rules/policy.h"
#include "storage/ledger_store.h"

namespace enforcer {

// The record of `rights_holder_id` from its complaint days (oldest first) under `terms` at `now`:
// totals, the window (the last terms.window_days UTC days, today included), the ratios (0 with
// no complaints in the window) and the status with its reason in words.
v1::ComplainantRecord BuildComplainantRecord(absl::string_view rights_holder_id,
                                             const std::vector<v1::ComplaintDay>& days,
                                             const ComplainantTerms& terms, absl::Time now);

// What the policy in force says about a report from `rights_holder_id` ("" for none): OK to
// decide it as usual (`*without_points` false) or with no points (true, when the policy suspends
// the holder and records its reports without points); FAILED_PRECONDITION naming the holder, its
// ratio and the term when the policy suspends it and refuses its reports.
absl::Status CheckComplainant(LedgerStore& store, const Policy& policy,
                              absl::string_view rights_holder_id, absl::Time now,
                              bool* without_points);

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
