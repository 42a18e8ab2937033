// Reads the case indexes (case_index_batch.h) and the audit for RocksDbLedgerStore: the
// LedgerStore methods FindComplaints, ReadComplaintDays, ListOpenAppeals and ListAudit.
// Internal to storage/.
#ifndef ENFORCERD_STORAGE_CASE_INDEX_READER_H_
#define ENFORCERD_STORAGE_CASE_INDEX_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/cases.pb.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "storage/key_codec.h"
#include "storage/ledger_db.h"
#include "storage/ledger_store.h"

namespace enforcer {

class CaseIndexReader {
 public:
  // `db` must outlive this object.
  explicit CaseIndexReader(const LedgerDb* db) : db_(db) {}

  absl::StatusOr<std::vector<std::string>> FindComplaints(absl::string_view rights_holder_id,
                                                          absl::string_view object_id) const;
  absl::StatusOr<std::vector<v1::ComplaintDay>> ReadComplaintDays(
      absl::string_view rights_holder_id) const;
  absl::StatusOr<std::vector<v1::LedgerEntry>> ListOpenAppeals(uint64_t after_sequence,
                                                               size_t limit) const;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) const;

 private:
  // The audit entry at `at`; DATA_LOSS if an index names one that is not there.
  absl::StatusOr<v1::AuditEntry> AuditAt(const AuditPosition& at) const;

  const LedgerDb* const db_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_CASE_INDEX_READER_H_
