#include "storage/commit_log_scan.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/key_codec.h"

namespace enforcer {

absl::Status ForEachCommittedEntry(
    const LedgerDb& db, const std::function<absl::Status(const v1::LedgerEntry&)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(db.handle(Cf::kCommitLog));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const uint64_t sequence, DecodeCommitLogKey(ToView(it->key())));
    const std::string context = absl::StrCat("commit log record ", sequence);
    ASSIGN_OR_RETURN(const v1::LedgerPosition at,
                     ParseValue<v1::LedgerPosition>(it->value(), context));
    absl::StatusOr<std::string> subject_key = EncodeSubjectKey(at.subject());
    if (!subject_key.ok()) return absl::DataLossError(absl::StrCat("corrupt stored ", context));
    ASSIGN_OR_RETURN(const std::optional<v1::LedgerEntry> entry,
                     db.Get<v1::LedgerEntry>(
                         Cf::kLedger, EncodeLedgerKey(*subject_key, at.position()), context));
    if (!entry.has_value()) return absl::DataLossError(absl::StrCat(context, " points at nothing"));
    RETURN_IF_ERROR(visit(*entry));
  }
  return FromRocksDb(it->status(), "scan commit log");
}

}  // namespace enforcer
