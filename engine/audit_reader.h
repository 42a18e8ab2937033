// AuditReader: the audit of staff, appeal and policy actions (enforcer.v1.Cases.ListAudit).
// Entries are written by the writer with the ledger entries they describe (AuditEntriesFor);
// nothing changes or removes them.
#ifndef ENFORCERD_ENGINE_AUDIT_READER_H_
#define ENFORCERD_ENGINE_AUDIT_READER_H_

#include "absl/status/statusor.h"
#include "proto/cases.pb.h"
#include "storage/ledger_store.h"

namespace enforcer {

class AuditReader {
 public:
  explicit AuditReader(LedgerStore* store) : store_(store) {}

  // INVALID_ARGUMENT for malformed filters, page size or token.
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const v1::ListAuditRequest& request);

 private:
  LedgerStore* const store_;
};

}  // namespace enforcer

#endif  // ENFORCERD_ENGINE_AUDIT_READER_H_
