#include "storage/rocksdb_ledger_store.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"

namespace enforcer {
namespace {

// Column families, in the order they are opened (handles_ is indexed by these).
enum ColumnFamily { kMeta = 0, kEvents, kSubjects, kReports, kNumColumnFamilies };
constexpr const char* kColumnFamilyNames[kNumColumnFamilies] = {"default", "events", "subjects",
                                                                 "reports"};

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kBlockCacheBytes = 64 << 20;
constexpr double kBloomBitsPerKey = 10;

// The one place a rocksdb::Status becomes an absl::Status. `what` names the failed operation.
// NotFound is mapped for completeness; callers that expect it check IsNotFound() first.
absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("rocksdb ", what, " failed: ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  // Everything else (I/O errors, a full disk, a database locked by another process) means the
  // store cannot serve now; the request itself may well succeed later.
  return absl::UnavailableError(message);
}

absl::Status WithContext(const absl::Status& s, absl::string_view context) {
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

template <typename Message>
absl::StatusOr<Message> ParseValue(const rocksdb::Slice& value, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt stored ", what));
  }
  return message;
}

template <typename Message>
absl::Status PutMessage(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
                        absl::string_view key, const Message& message) {
  std::string value;
  if (!message.SerializeToString(&value)) {
    return absl::InternalError(absl::StrCat("cannot serialize ", message.GetTypeName()));
  }
  return FromRocksDb(batch->Put(cf, ToSlice(key), value), "batch put");
}

// The key of `entry` in the events column family, or INVALID_ARGUMENT if the entry lacks what
// the key is made of.
absl::StatusOr<std::string> EntryKey(const v1::LedgerEntry& entry) {
  const std::string context = absl::StrCat("ledger entry ", entry.sequence());
  absl::StatusOr<std::string> subject_key = EncodeSubjectKey(entry.subject());
  if (!subject_key.ok()) return WithContext(subject_key.status(), context);
  if (entry.sequence() == 0) return absl::InvalidArgumentError("ledger entry has no sequence");
  if (!entry.has_recorded_at()) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": no recorded_at"));
  }
  absl::StatusOr<int64_t> micros = TimestampToMicros(entry.recorded_at());
  if (!micros.ok()) return WithContext(micros.status(), context);
  return EncodeEventKey(*subject_key, *micros, entry.sequence());
}

rocksdb::ColumnFamilyOptions MakeColumnFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                                     bool bloom_filter) {
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = cache;
  // Subjects and reports are read by point lookups, most of them for keys that do not exist yet
  // (every new report id); a bloom filter answers those without touching data blocks. Events are
  // only ever scanned, where a whole-key filter does not help.
  if (bloom_filter) {
    table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  }
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  return options;
}

class RocksDbLedgerStore final : public LedgerStore {
 public:
  RocksDbLedgerStore(std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles, Durability durability)
      : db_(std::move(db)), handles_(std::move(handles)), durability_(durability) {}

  ~RocksDbLedgerStore() override {
    // Handles must go before the DB they belong to.
    for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
    // Close() fails only for unreleased snapshots, which this class never takes, and a failure
    // loses nothing: every commit is already in the write-ahead log.
    db_->Close().PermitUncheckedError();
  }

  absl::Status LoadLastSequence() {
    rocksdb::PinnableSlice value;
    const rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), handles_[kMeta], ToSlice(kLastSequenceKey), &value);
    if (s.IsNotFound()) return absl::OkStatus();
    RETURN_IF_ERROR(FromRocksDb(s, "read last_sequence"));
    uint64_t sequence = 0;
    if (!DecodeSequence(ToView(value), &sequence)) {
      return absl::DataLossError("corrupt stored last_sequence");
    }
    last_sequence_.store(sequence, std::memory_order_release);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<v1::StoredReport>> GetReport(absl::string_view report_id) override {
    if (report_id.empty()) return absl::InvalidArgumentError("report_id is empty");
    return Get<v1::StoredReport>(kReports, EncodeReportKey(report_id), "StoredReport");
  }

  absl::StatusOr<std::optional<v1::SubjectState>> GetSubjectState(
      const v1::Subject& subject) override {
    ASSIGN_OR_RETURN(const std::string key, EncodeSubjectKey(subject));
    return Get<v1::SubjectState>(kSubjects, key, "SubjectState");
  }

  absl::Status Commit(absl::Span<const LedgerWrite> writes) override {
    const uint64_t previous_last = last_sequence_.load(std::memory_order_acquire);
    uint64_t last = previous_last;
    // Within the batch a later put of the same key wins, so later writes in `writes` replace
    // earlier ones for the same report or subject.
    rocksdb::WriteBatch batch;
    for (const LedgerWrite& write : writes) {
      if (write.report.has_value()) {
        const std::string& report_id = write.report->request().report_id();
        if (report_id.empty()) return absl::InvalidArgumentError("stored report has no report_id");
        RETURN_IF_ERROR(
            PutMessage(&batch, handles_[kReports], EncodeReportKey(report_id), *write.report));
      }
      for (const v1::SubjectState& state : write.states) {
        absl::StatusOr<std::string> key = EncodeSubjectKey(state.subject());
        if (!key.ok()) return WithContext(key.status(), "subject state");
        RETURN_IF_ERROR(PutMessage(&batch, handles_[kSubjects], *key, state));
      }
      for (const v1::LedgerEntry& entry : write.entries) {
        ASSIGN_OR_RETURN(const std::string key, EntryKey(entry));
        RETURN_IF_ERROR(PutMessage(&batch, handles_[kEvents], key, entry));
        last = std::max(last, entry.sequence());
      }
    }
    if (batch.Count() == 0) return absl::OkStatus();
    if (last != previous_last) {
      RETURN_IF_ERROR(FromRocksDb(
          batch.Put(handles_[kMeta], ToSlice(kLastSequenceKey), EncodeSequence(last)),
          "batch put"));
    }
    rocksdb::WriteOptions options;
    options.sync = durability_ == Durability::kFsync;
    const rocksdb::Status written = db_->Write(options, &batch);
    if (!written.ok()) {
      // A failed write can leave RocksDB in a background-error state that refuses every later
      // write. Try to clear it, so the next group succeeds once the cause (a full disk, say) is
      // gone; if it cannot be cleared, later commits keep failing with UNAVAILABLE.
      db_->Resume().PermitUncheckedError();
      return FromRocksDb(written, "commit ledger batch");
    }
    last_sequence_.store(last, std::memory_order_release);
    return absl::OkStatus();
  }

  absl::StatusOr<HistoryPage> ListHistory(const HistoryQuery& query) override {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(query.subject));
    const size_t page_size = static_cast<size_t>(
        query.page_size == 0 ? kDefaultPageSize : std::clamp(query.page_size, 1, kMaxPageSize));
    // ToUnixMicros saturates, so the infinite defaults become the int64 extremes.
    const std::string lower = EncodeEventTimeBound(subject_key, absl::ToUnixMicros(query.start));
    std::string upper = EncodeEventTimeBound(subject_key, absl::ToUnixMicros(query.end));
    if (!query.page_token.empty()) {
      ASSIGN_OR_RETURN(const HistoryCursor cursor, DecodeHistoryCursor(query.page_token));
      // The cursor is the first entry of this page and the upper bound is exclusive: the
      // smallest key after the cursor's is the cursor's key plus a zero byte.
      std::string after_cursor =
          EncodeEventKey(subject_key, cursor.recorded_at_micros, cursor.sequence);
      after_cursor.push_back('\0');
      upper = std::min(upper, after_cursor);
    }

    HistoryPage page;
    if (lower >= upper) return page;
    const rocksdb::Slice lower_slice = ToSlice(lower);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    rocksdb::ReadOptions options;
    options.iterate_lower_bound = &lower_slice;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, handles_[kEvents]));
    for (it->SeekForPrev(upper_slice); it->Valid(); it->Prev()) {
      if (page.entries.size() == page_size) {
        // One more entry exists: the next page starts with it.
        ASSIGN_OR_RETURN(const EventKey next, DecodeEventKey(ToView(it->key())));
        page.next_page_token = EncodeHistoryCursor({next.recorded_at_micros, next.sequence});
        break;
      }
      ASSIGN_OR_RETURN(v1::LedgerEntry entry,
                       ParseValue<v1::LedgerEntry>(it->value(), "LedgerEntry"));
      page.entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan history"));
    return page;
  }

  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadLog(const v1::Subject& subject) override {
    ASSIGN_OR_RETURN(const std::string subject_key, EncodeSubjectKey(subject));
    const std::string upper = SubjectKeyPrefixEnd(subject_key);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, handles_[kEvents]));
    std::vector<v1::LedgerEntry> entries;
    for (it->Seek(ToSlice(subject_key)); it->Valid(); it->Next()) {
      ASSIGN_OR_RETURN(v1::LedgerEntry entry,
                       ParseValue<v1::LedgerEntry>(it->value(), "LedgerEntry"));
      entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), "scan ledger"));
    return entries;
  }

  absl::Status ForEachSubject(
      const std::function<absl::Status(const v1::Subject&)>& visit) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kSubjects]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSIGN_OR_RETURN(const v1::Subject subject, DecodeSubjectKey(ToView(it->key())));
      RETURN_IF_ERROR(visit(subject));
    }
    return FromRocksDb(it->status(), "scan subjects");
  }

  uint64_t LastSequence() const override {
    return last_sequence_.load(std::memory_order_acquire);
  }

 private:
  template <typename Message>
  absl::StatusOr<std::optional<Message>> Get(ColumnFamily cf, absl::string_view key,
                                             absl::string_view what) {
    rocksdb::PinnableSlice value;
    const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[cf], ToSlice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    RETURN_IF_ERROR(FromRocksDb(s, absl::StrCat("read ", what)));
    ASSIGN_OR_RETURN(Message message, ParseValue<Message>(value, what));
    return message;
  }

  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const Durability durability_;
  // Written only by Commit (one thread), read by anyone.
  std::atomic<uint64_t> last_sequence_{0};
};

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerStore>> OpenRocksDbLedgerStore(const std::string& dir,
                                                                    Durability durability) {
  if (dir.empty()) return absl::InvalidArgumentError("ledger directory is empty");
  // RocksDB creates only the last path component itself.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ledger directory ", dir, ": ", ec.message()));
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);

  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int cf = 0; cf < kNumColumnFamilies; ++cf) {
    const bool bloom_filter = cf == kSubjects || cf == kReports;
    descriptors.emplace_back(kColumnFamilyNames[cf], MakeColumnFamilyOptions(cache, bloom_filter));
  }

  rocksdb::DB* raw_db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  RETURN_IF_ERROR(FromRocksDb(rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw_db),
                              absl::StrCat("open ", dir)));
  // From here on the store owns the DB and closes it on every path.
  auto store = std::make_unique<RocksDbLedgerStore>(std::unique_ptr<rocksdb::DB>(raw_db),
                                                    std::move(handles), durability);
  RETURN_IF_ERROR(store->LoadLastSequence());
  return store;
}

}  // namespace enforcer
