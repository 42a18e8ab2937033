// The case indexes derived from ledger entries, added to the same write batch as the entries:
// - complaints: (rights holder, object, sequence, violation id) for each violation naming both, so
//   a retraction by rights holder and object finds its violations in recording order;
// - complaint marks and days: each rights holder's complaints per UTC day of recording, and how
//   many of them were later overturned on appeal or retracted. A violation is written to the
//   seller's and the creator's ledger; its mark (by violation id) makes it count once, and makes a
//   void count once however often it is written (a resumed migration or backfill).
// - open appeals: an appeal entry adds one (by its sequence), its resolution removes it.
// Internal to storage/.
//
// The "cases" and "audit" column families came after schema 2 was first released. Rather than a
// schema change (which would make older enforcerds refuse the store), a store opened without
// them gets them created empty and BackfillCaseIndexes derives the case indexes from its
// ledgers once (the audit starts empty: older builds wrote no staff, appeal or audit entries).
#ifndef ENFORCERD_STORAGE_CASE_INDEX_BATCH_H_
#define ENFORCERD_STORAGE_CASE_INDEX_BATCH_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/ledger_db.h"

namespace enforcer {

class CaseIndexBatch {
 public:
  // Both must outlive this object. Reads go to `db`, writes to `batch`.
  CaseIndexBatch(const LedgerDb* db, rocksdb::WriteBatch* batch) : db_(db), batch_(batch) {}

  // Indexes `entry` (which has its position). Entries must come in sequence order.
  // INVALID_ARGUMENT naming the entry for an id the keys cannot hold (over 65535 bytes).
  absl::Status Add(const v1::LedgerEntry& entry);

  // Puts the marks and day tallies changed since the last Flush (they are read-modify-write, kept
  // here so that later entries of the batch see earlier ones). Call it before writing the batch.
  absl::Status Flush();

 private:
  struct CachedMark {
    std::optional<ComplaintMark> mark;
    bool dirty = false;
  };

  absl::Status AddComplaint(const v1::LedgerEntry& entry);
  absl::Status AddVoid(const v1::ViolationVoid& voided);
  absl::Status AddAppeal(const v1::LedgerEntry& entry);
  absl::Status RemoveAppeal(const v1::AppealResolution& resolution);
  // The violation's mark, read from the store on first touch.
  absl::StatusOr<CachedMark*> Mark(const std::string& violation_id);
  // The tally of a rights holder's day, read from the store on first touch.
  absl::StatusOr<v1::ComplaintDay*> Day(const std::string& rights_holder_id, int64_t day);

  const LedgerDb* const db_;
  rocksdb::WriteBatch* const batch_;
  std::map<std::string, CachedMark> marks_;
  // Complaint day key -> tally; every tally here is written by Flush.
  std::map<std::string, v1::ComplaintDay> days_;
};

// Derives the case indexes of every entry in the commit log, once per store: a store that has
// run it records so in the meta family. Safe to rerun after a crash (marks make it idempotent).
absl::Status BackfillCaseIndexes(LedgerDb& db);

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_CASE_INDEX_BATCH_H_
