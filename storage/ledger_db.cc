#include "storage/ledger_db.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

// Indexed by Cf and Schema1Cf.
constexpr const char* kCfNames[] = {"default",    "ledger",     "states",   "idempotency",
                                    "violations", "commit_log", "expiries", "policies",
                                    "cases",      "audit",      "delivery"};
constexpr const char* kSchema1CfNames[] = {"events", "subjects", "reports"};
constexpr size_t kNumCfs = std::size(kCfNames);
constexpr size_t kNumSchema1Cfs = std::size(kSchema1CfNames);

constexpr size_t kBlockCacheBytes = 64 << 20;
constexpr double kBloomBitsPerKey = 10;

// States, idempotency records, the violation index and policies are read by point lookups, many
// of them for keys that do not exist (every new report id); a bloom filter answers those without
// touching data blocks. The ledger, commit log and expiry index are scanned, where a whole-key
// filter does not help; the meta family holds four keys. The case indexes are looked up by
// violation id (complaint marks, mostly absent) and by rights holder and day.
bool WantsBloomFilter(Cf cf) {
  return cf == Cf::kStates || cf == Cf::kIdempotency || cf == Cf::kViolations ||
         cf == Cf::kPolicies || cf == Cf::kCases;
}

rocksdb::ColumnFamilyOptions MakeColumnFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                                     bool bloom_filter) {
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = cache;
  if (bloom_filter) {
    table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  }
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  return options;
}

// The column families `dir` already has; none for a directory without a database.
absl::StatusOr<std::vector<std::string>> ExistingColumnFamilies(const rocksdb::DBOptions& options,
                                                                const std::string& dir) {
  std::vector<std::string> names;
  const rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
  if (s.ok()) return names;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec) && !ec) {
    return std::vector<std::string>();
  }
  return FromRocksDb(s, absl::StrCat("list column families of ", dir));
}

// A directory without CURRENT but with database files is a damaged ledger, not a new one: creating
// a database there would shadow (and compact away) what is left.
absl::Status RefuseOrphanedFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool db_file = absl::EndsWith(name, ".sst") || absl::EndsWith(name, ".log") ||
                         absl::StartsWith(name, "MANIFEST-") || absl::StartsWith(name, "OPTIONS-");
    if (db_file && found.size() < 5) found.push_back(name);
  }
  if (found.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      dir, " holds ledger files (", absl::StrJoin(found, ", "),
      ", ...) but no CURRENT file, so it cannot be opened; enforcerd will not create a new ledger "
      "over them. To recover, write the name of the newest MANIFEST file into CURRENT (e.g. "
      "`ls ",
      dir, "/MANIFEST-* | tail -1 | xargs basename > ", dir,
      "/CURRENT`), or move the directory aside to start an empty ledger"));
}

}  // namespace

absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("rocksdb ", what, " failed: ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  // Mapped for completeness; callers that expect NotFound check IsNotFound() first.
  if (s.IsNotFound()) return absl::NotFoundError(message);
  // Everything else (I/O errors, a full disk, a database locked by another process) means the
  // store cannot serve now; the request itself may well succeed later.
  return absl::UnavailableError(message);
}

absl::Status WithContext(const absl::Status& s, absl::string_view context) {
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

std::string SubjectName(const v1::Subject& subject) {
  return absl::StrCat(v1::SubjectKind_Name(subject.kind()), "/", subject.id());
}

absl::StatusOr<std::unique_ptr<LedgerDb>> LedgerDb::Open(const std::string& dir,
                                                         const LedgerDbOptions& options) {
  if (dir.empty()) return absl::InvalidArgumentError("ledger directory is empty");
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    if (!options.create_if_missing) {
      return absl::NotFoundError(absl::StrCat("no ledger in ", dir, " (no CURRENT file)"));
    }
    RETURN_IF_ERROR(RefuseOrphanedFiles(dir));
  }
  // RocksDB creates only the last path component itself.
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ledger directory ", dir, ": ", ec.message()));
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  // A damaged write-ahead log refuses the open (DATA_LOSS) rather than silently dropping what
  // follows the damage; replaying up to the damage is the operator's explicit choice.
  db_options.wal_recovery_mode = options.recover_damaged_wal
                                     ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                     : rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  db_options.paranoid_checks = true;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.IncreaseParallelism(2);
  ASSIGN_OR_RETURN(const std::vector<std::string> existing,
                   ExistingColumnFamilies(db_options, dir));

  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t cf = 0; cf < kNumCfs; ++cf) {
    descriptors.emplace_back(kCfNames[cf],
                             MakeColumnFamilyOptions(cache, WantsBloomFilter(static_cast<Cf>(cf))));
  }
  for (const std::string& name : existing) {
    if (std::find(std::begin(kCfNames), std::end(kCfNames), name) != std::end(kCfNames)) continue;
    descriptors.emplace_back(name, MakeColumnFamilyOptions(cache, false));
  }
  rocksdb::DB* raw_db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  absl::Status opened =
      FromRocksDb(rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw_db),
                  absl::StrCat("open ", dir));
  if (absl::IsDataLoss(opened) && !options.recover_damaged_wal) {
    // Say what the operator can do; nothing has been changed on disk.
    return absl::DataLossError(absl::StrCat(
        opened.message(),
        ". The ledger was not opened and nothing in it was changed. A damaged write-ahead log "
        "(*.log; e.g. its last record torn by a power loss): restart once with "
        "--recover_damaged_wal to replay it up to the damage (what follows is dropped; the "
        "recovery is recorded). Damaged table or MANIFEST files: restore the folder from a "
        "backup."));
  }
  RETURN_IF_ERROR(opened);
  return std::unique_ptr<LedgerDb>(
      new LedgerDb(dir, std::unique_ptr<rocksdb::DB>(raw_db), std::move(handles)));
}

LedgerDb::LedgerDb(std::string dir, std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> all_handles)
    : dir_(std::move(dir)),
      db_(std::move(db)),
      all_handles_(std::move(all_handles)),
      handles_(all_handles_.begin(), all_handles_.begin() + kNumCfs),
      schema1_handles_(kNumSchema1Cfs, nullptr) {
  for (rocksdb::ColumnFamilyHandle* handle : all_handles_) {
    for (size_t cf = 0; cf < kNumSchema1Cfs; ++cf) {
      if (handle->GetName() == kSchema1CfNames[cf]) schema1_handles_[cf] = handle;
    }
  }
}

LedgerDb::~LedgerDb() {
  // Handles must go before the DB they belong to.
  for (rocksdb::ColumnFamilyHandle* handle : all_handles_) db_->DestroyColumnFamilyHandle(handle);
  // Close() fails only for unreleased snapshots, which storage/ never takes, and a failure loses
  // nothing: every write is already in the write-ahead log.
  db_->Close().PermitUncheckedError();
}

absl::Status LedgerDb::DropSchema1ColumnFamilies() {
  for (rocksdb::ColumnFamilyHandle*& handle : schema1_handles_) {
    if (handle == nullptr) continue;
    RETURN_IF_ERROR(FromRocksDb(db_->DropColumnFamily(handle),
                                absl::StrCat("drop column family ", handle->GetName())));
    all_handles_.erase(std::find(all_handles_.begin(), all_handles_.end(), handle));
    db_->DestroyColumnFamilyHandle(handle);
    handle = nullptr;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> LedgerDb::GetRaw(Cf cf, absl::string_view key) const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(cf), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocksDb(s, "get"));
  return value;
}

absl::StatusOr<std::optional<uint64_t>> LedgerDb::GetMetaNumber(absl::string_view key) const {
  ASSIGN_OR_RETURN(const std::optional<std::string> raw, GetRaw(Cf::kMeta, key));
  if (!raw.has_value()) return std::nullopt;
  uint64_t value = 0;
  if (!DecodeUint64Value(*raw, &value)) {
    return absl::DataLossError(absl::StrCat("corrupt stored ", key, " in ", dir_));
  }
  return value;
}

absl::StatusOr<uint64_t> LedgerDb::LastPosition(absl::string_view subject_key) const {
  const std::string upper = SubjectKeyPrefixEnd(subject_key);
  const rocksdb::Slice lower_slice = ToSlice(subject_key);
  const rocksdb::Slice upper_slice = ToSlice(upper);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(handle(Cf::kLedger), options);
  it->SeekForPrev(upper_slice);
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksDb(it->status(), "seek last ledger position"));
    return 0;
  }
  ASSIGN_OR_RETURN(const LedgerKey key, DecodeLedgerKey(ToView(it->key())));
  return key.position;
}

absl::Status LedgerDb::Write(rocksdb::WriteBatch* batch, bool sync, absl::string_view what) {
  if (resume_needed_) {
    // A failed write left RocksDB refusing writes (its background error). Ask it to resume: once
    // the cause (a full disk, say) is gone this succeeds and writing goes on, with no restart.
    // Busy: RocksDB's own recovery is under way (it retries retryable errors each second); the
    // write below tells whether it has finished.
    const rocksdb::Status resumed = db_->Resume();
    if (!resumed.ok() && !resumed.IsBusy()) {
      return FromRocksDb(resumed, absl::StrCat(what,
                                               ": the ledger cannot be written since an "
                                               "earlier write failed; resume"));
    }
  }
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status written = db_->Write(options, batch);
  resume_needed_ = !written.ok();
  return FromRocksDb(written, what);
}

}  // namespace enforcer
