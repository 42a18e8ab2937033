// Adds ledger entries whose positions are already assigned to a write batch, together with every
// index derived from them: the commit log, the violation index, the expiry index and the case
// indexes (complaints, complaint days, open appeals: case_index_batch.h). Commit and
// the schema migration both write entries through it, so both write the same layout.
// Internal to storage/.
#ifndef ENFORCERD_STORAGE_ENTRY_BATCH_H_
#define ENFORCERD_STORAGE_ENTRY_BATCH_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "proto/enforcer.pb.h"
#include "proto/ledger.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/case_index_batch.h"
#include "storage/ledger_db.h"

namespace enforcer {

class EntryBatch {
 public:
  // Both must outlive this object. Reads go to `db` (the violation index records the batch
  // extends); writes go to `batch`.
  EntryBatch(const LedgerDb* db, rocksdb::WriteBatch* batch)
      : db_(db), batch_(batch), cases_(db, batch) {}

  // Puts `entry` at its subject and position, its commit log record, and, for a violation, its
  // place in the violation index; for an action with expires_at, its expiry key; and what the
  // case indexes derive from it.
  // INVALID_ARGUMENT naming the entry if it lacks subject, sequence, recorded_at or position.
  absl::Status Add(const v1::LedgerEntry& entry);

  // Puts the violation index records (and case index tallies) changed since the last Flush. Call it
  // before the batch is written; afterwards the batch may be written and cleared and this object
  // reused.
  absl::Status Flush();

 private:
  absl::Status IndexViolation(const std::string& violation_id, const v1::LedgerPosition& at);

  const LedgerDb* const db_;
  rocksdb::WriteBatch* const batch_;
  // The violation index records this batch extends, loaded from the store on first touch so that
  // a violation written to a second ledger in a later batch keeps the first.
  std::map<std::string, v1::ViolationLocation> violations_;
  CaseIndexBatch cases_;
};

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_ENTRY_BATCH_H_
