// ListHistory's filters: entry kinds, and the category, source, status and occurrence time of the
// violation an entry is about. Entries are matched against facts read from the subject's whole
// ledger (a staff query, not a hot path).
#ifndef ENFORCERD_ENGINE_HISTORY_FILTER_H_
#define ENFORCERD_ENGINE_HISTORY_FILTER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/enforcer.pb.h"
#include "rules/policy.h"

namespace enforcer {

class HistoryFilter {
 public:
  // INVALID_ARGUMENT naming the field for an unknown kind, source or status, or bad times.
  static absl::StatusOr<HistoryFilter> FromRequest(const v1::ListHistoryRequest& request);

  // Whether any filter is set.
  bool active() const;
  // Whether matching needs the facts of each entry's violation (Prepare first).
  bool needs_violations() const;

  // Reads the violations of `log` (the subject's whole ledger) and their status at `now`.
  void Prepare(const std::vector<v1::LedgerEntry>& log, const Policy& policy, absl::Time now);

  bool Matches(const v1::LedgerEntry& entry) const;

 private:
  struct Facts {
    std::string category;
    v1::Source source = v1::SOURCE_UNSPECIFIED;
    absl::Time occurred;
    v1::ViolationStatus status = v1::VIOLATION_ACTIVE;
  };
  std::set<std::string> kinds_;
  std::string category_;
  v1::Source source_ = v1::SOURCE_UNSPECIFIED;
  v1::ViolationStatus status_ = v1::VIOLATION_STATUS_UNSPECIFIED;
  std::optional<absl::Time> occurred_start_, occurred_end_;
  std::map<std::string, Facts> violations_;
};

// The id of the violation an entry is about ("" for entries about none: re-evaluations, links).
std::string ViolationIdOf(const v1::LedgerEntry& entry);

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_HISTORY_FILTER_H_
