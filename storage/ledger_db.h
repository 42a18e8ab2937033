// The RocksDB database behind the ledger store, as storage/ opens it: its column families and
// their options, plus the few helpers every file of storage/ that touches RocksDB shares (status
// conversion, typed reads, the write path). Internal to storage/.
#ifndef ENFORCERD_STORAGE_LEDGER_DB_H_
#define ENFORCERD_STORAGE_LEDGER_DB_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "proto/enforcer.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/slice.h"
#include "rocksdb/write_batch.h"

namespace enforcer {

// Schema 2's column families, in the order of their names in ledger_db.cc. The names differ from
// schema 1's, so schema-1 data is never parsed as schema 2. kCases and kAudit came later within
// schema 2: opening a store without them creates them empty (see case_index_batch.h); so did
// kDelivery (see delivery_batch.h).
enum class Cf {
  kMeta,
  kLedger,
  kStates,
  kIdempotency,
  kViolations,
  kCommitLog,
  kExpiries,
  kPolicies,
  kCases,
  kAudit,
  kDelivery
};
// Schema 1's, still present until a migration has finished.
enum class Schema1Cf { kEvents, kSubjects, kReports };

// The one place a rocksdb::Status becomes an absl::Status. `what` names the failed operation.
absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view what);
// `s` with `context` in front of its message.
absl::Status WithContext(const absl::Status& s, absl::string_view context);

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// "SELLER/s1": how error messages name a subject.
std::string SubjectName(const v1::Subject& subject);

// DATA_LOSS "corrupt stored <what>" if `value` does not parse.
template <typename Message>
absl::StatusOr<Message> ParseValue(const rocksdb::Slice& value, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt stored ", what));
  }
  return message;
}

struct LedgerDbOptions {
  // False: NOT_FOUND for a directory without a ledger instead of creating one.
  bool create_if_missing = true;
  // False: a damaged write-ahead log (corrupt or truncated records) refuses the open with
  // DATA_LOSS. True: replay it up to the damage and drop the rest (the operator's choice).
  bool recover_damaged_wal = false;
  // Tests: the Env to open it with (faults below RocksDB); null for the default.
  rocksdb::Env* env = nullptr;
};

class LedgerDb {
 public:
  // Opens (creating if missing, parents included) the database in `dir` with every schema-2
  // column family, and every other column family it already has (RocksDB refuses to open a
  // database without all of them). UNAVAILABLE if it cannot be opened, DATA_LOSS if corrupt.
  // A directory that holds ledger files but no CURRENT is DATA_LOSS: never a new database.
  static absl::StatusOr<std::unique_ptr<LedgerDb>> Open(const std::string& dir,
                                                        const LedgerDbOptions& options = {});
  ~LedgerDb();

  LedgerDb(const LedgerDb&) = delete;
  LedgerDb& operator=(const LedgerDb&) = delete;

  const std::string& dir() const { return dir_; }
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }
  // nullptr once the schema-1 column family is gone (or if it never existed).
  rocksdb::ColumnFamilyHandle* schema1_handle(Schema1Cf cf) const {
    return schema1_handles_[static_cast<int>(cf)];
  }
  absl::Status DropSchema1ColumnFamilies();

  std::unique_ptr<rocksdb::Iterator> NewIterator(rocksdb::ColumnFamilyHandle* cf,
                                                 const rocksdb::ReadOptions& options = {}) const {
    return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, cf));
  }

  // The raw value, or nullopt if the key is absent.
  absl::StatusOr<std::optional<std::string>> GetRaw(Cf cf, absl::string_view key) const;

  // The parsed value, or nullopt if the key is absent; DATA_LOSS naming `what` if corrupt.
  template <typename Message>
  absl::StatusOr<std::optional<Message>> Get(Cf cf, absl::string_view key,
                                             absl::string_view what) const {
    absl::StatusOr<std::optional<std::string>> raw = GetRaw(cf, key);
    if (!raw.ok()) return WithContext(raw.status(), absl::StrCat("read ", what));
    if (!raw->has_value()) return std::nullopt;
    absl::StatusOr<Message> message = ParseValue<Message>(**raw, what);
    if (!message.ok()) return message.status();
    return *std::move(message);
  }

  // An 8-byte meta value, or nullopt if absent; DATA_LOSS if it is not 8 bytes.
  absl::StatusOr<std::optional<uint64_t>> GetMetaNumber(absl::string_view key) const;

  // The position of the last entry of the ledger with `subject_key` (0 if it has none): one
  // reverse seek.
  absl::StatusOr<uint64_t> LastPosition(absl::string_view subject_key) const;

  // Applies `batch`, fsync'ing the write-ahead log first if `sync`. `what` names the write.
  // After a failed write RocksDB refuses every write (its background error); the next Write
  // first asks it to resume, so writes continue by themselves once the fault has cleared.
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync, absl::string_view what);

 private:
  LedgerDb(std::string dir, std::unique_ptr<rocksdb::DB> db,
           std::vector<rocksdb::ColumnFamilyHandle*> all_handles);

  const std::string dir_;
  const std::unique_ptr<rocksdb::DB> db_;
  // Every open handle (destroyed before the DB), and views of it by role.
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<rocksdb::ColumnFamilyHandle*> schema1_handles_;
  // Set by a failed Write (one writer at a time, see LedgerStore::Commit).
  bool resume_needed_ = false;
};

// Puts `message` under `key` in `cf`.
template <typename Message>
absl::Status PutMessage(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
                        absl::string_view key, const Message& message) {
  std::string value;
  if (!message.SerializeToString(&value)) {
    return absl::InternalError(absl::StrCat("cannot serialize ", message.GetTypeName()));
  }
  return FromRocksDb(batch->Put(cf, ToSlice(key), value), "batch put");
}

inline absl::Status PutRaw(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
                           absl::string_view key, absl::string_view value) {
  return FromRocksDb(batch->Put(cf, ToSlice(key), ToSlice(value)), "batch put");
}

}  // namespace enforcer

#endif  // ENFORCERD_STORAGE_LEDGER_DB_H_
